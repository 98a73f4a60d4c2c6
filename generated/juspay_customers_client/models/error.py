from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.error_info import ErrorInfo


T = TypeVar("T", bound="Error")


@_attrs_define
class Error:
    """Juspay's error body. `status`, `error_code` and `error_message` are usually present
    (a 403 for a disallowed IP has only `error_info`); `error_info` carries the
    user-facing message and, for invalid input, the offending `fields`.

        Attributes:
            status (str | Unset):
            error_code (str | Unset):
            error_message (str | Unset):
            error_info (ErrorInfo | Unset):
    """

    status: str | Unset = UNSET
    error_code: str | Unset = UNSET
    error_message: str | Unset = UNSET
    error_info: ErrorInfo | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        error_code = self.error_code

        error_message = self.error_message

        error_info: dict[str, Any] | Unset = UNSET
        if not isinstance(self.error_info, Unset):
            error_info = self.error_info.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if status is not UNSET:
            field_dict["status"] = status
        if error_code is not UNSET:
            field_dict["error_code"] = error_code
        if error_message is not UNSET:
            field_dict["error_message"] = error_message
        if error_info is not UNSET:
            field_dict["error_info"] = error_info

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.error_info import ErrorInfo

        d = dict(src_dict)
        status = d.pop("status", UNSET)

        error_code = d.pop("error_code", UNSET)

        error_message = d.pop("error_message", UNSET)

        _error_info = d.pop("error_info", UNSET)
        error_info: ErrorInfo | Unset
        if isinstance(_error_info, Unset):
            error_info = UNSET
        else:
            error_info = ErrorInfo.from_dict(_error_info)

        error = cls(
            status=status,
            error_code=error_code,
            error_message=error_message,
            error_info=error_info,
        )

        error.additional_properties = d
        return error

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
