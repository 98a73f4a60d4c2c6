from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="UpdateCustomerRequest")


@_attrs_define
class UpdateCustomerRequest:
    """Form fields of an update; each is optional but at least one must be sent. Unknown
    fields (such as an echoed `id` or `customer_id`) are ignored by the service and do
    not count towards that one.

        Attributes:
            mobile_number (str | Unset): Mobile number without country code or `+`.
            email_address (str | Unset):
            first_name (str | Unset): Letters, digits and `().-_` per Juspay's docs; spaces are accepted too, since real
                names have them.
            last_name (str | Unset): Letters, digits and `().-_` per Juspay's docs; spaces are accepted too, since real
                names have them.
            mobile_country_code (str | Unset): Country calling code without a leading `+`, e.g. `91`.
    """

    mobile_number: str | Unset = UNSET
    email_address: str | Unset = UNSET
    first_name: str | Unset = UNSET
    last_name: str | Unset = UNSET
    mobile_country_code: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        mobile_number = self.mobile_number

        email_address = self.email_address

        first_name = self.first_name

        last_name = self.last_name

        mobile_country_code = self.mobile_country_code

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if mobile_number is not UNSET:
            field_dict["mobile_number"] = mobile_number
        if email_address is not UNSET:
            field_dict["email_address"] = email_address
        if first_name is not UNSET:
            field_dict["first_name"] = first_name
        if last_name is not UNSET:
            field_dict["last_name"] = last_name
        if mobile_country_code is not UNSET:
            field_dict["mobile_country_code"] = mobile_country_code

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        mobile_number = d.pop("mobile_number", UNSET)

        email_address = d.pop("email_address", UNSET)

        first_name = d.pop("first_name", UNSET)

        last_name = d.pop("last_name", UNSET)

        mobile_country_code = d.pop("mobile_country_code", UNSET)

        update_customer_request = cls(
            mobile_number=mobile_number,
            email_address=email_address,
            first_name=first_name,
            last_name=last_name,
            mobile_country_code=mobile_country_code,
        )

        update_customer_request.additional_properties = d
        return update_customer_request

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
