from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.field_error import FieldError


T = TypeVar("T", bound="ErrorInfo")


@_attrs_define
class ErrorInfo:
    """
    Attributes:
        user_message (str | Unset):
        developer_message (str | Unset):
        code (str | Unset): `INVALID_INPUT`, `ALREADY_EXISTS`, `RESOURCE_NOT_FOUND`, `UNAUTHORIZED`, `BAD_ORIGIN`…
        category (str | Unset):
        fields (list[FieldError] | Unset):
    """

    user_message: str | Unset = UNSET
    developer_message: str | Unset = UNSET
    code: str | Unset = UNSET
    category: str | Unset = UNSET
    fields: list[FieldError] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user_message = self.user_message

        developer_message = self.developer_message

        code = self.code

        category = self.category

        fields: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.fields, Unset):
            fields = []
            for fields_item_data in self.fields:
                fields_item = fields_item_data.to_dict()
                fields.append(fields_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if user_message is not UNSET:
            field_dict["user_message"] = user_message
        if developer_message is not UNSET:
            field_dict["developer_message"] = developer_message
        if code is not UNSET:
            field_dict["code"] = code
        if category is not UNSET:
            field_dict["category"] = category
        if fields is not UNSET:
            field_dict["fields"] = fields

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.field_error import FieldError

        d = dict(src_dict)
        user_message = d.pop("user_message", UNSET)

        developer_message = d.pop("developer_message", UNSET)

        code = d.pop("code", UNSET)

        category = d.pop("category", UNSET)

        _fields = d.pop("fields", UNSET)
        fields: list[FieldError] | Unset = UNSET
        if _fields is not UNSET:
            fields = []
            for fields_item_data in _fields:
                fields_item = FieldError.from_dict(fields_item_data)

                fields.append(fields_item)

        error_info = cls(
            user_message=user_message,
            developer_message=developer_message,
            code=code,
            category=category,
            fields=fields,
        )

        error_info.additional_properties = d
        return error_info

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
