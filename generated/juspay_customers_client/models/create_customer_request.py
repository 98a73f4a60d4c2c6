from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateCustomerRequest")


@_attrs_define
class CreateCustomerRequest:
    """Form fields of a create. Unknown fields are ignored by the service (some SDKs send
    extra ones), so the object is open.

        Attributes:
            object_reference_id (str): The merchant's own id for the customer, unique per merchant. Juspay's docs ask for at
                least 8 characters; shorter values are not rejected here because the Elixir example
                (`guest_user`) and existing integrations rely on the service accepting them. It may not
                start with a dot: `.` and `..` would vanish from the URL path of a get or update.
            mobile_number (str): Mobile number without country code or `+`.
            email_address (str | Unset):
            first_name (str | Unset): Letters, digits and `().-_` per Juspay's docs; spaces are accepted too, since real
                names have them.
            last_name (str | Unset): Letters, digits and `().-_` per Juspay's docs; spaces are accepted too, since real
                names have them.
            mobile_country_code (str | Unset): Country calling code without a leading `+`, e.g. `91`.
            options_get_client_auth_token (bool | Unset): `true` asks for the `juspay` client auth token object in the
                response.
    """

    object_reference_id: str
    mobile_number: str
    email_address: str | Unset = UNSET
    first_name: str | Unset = UNSET
    last_name: str | Unset = UNSET
    mobile_country_code: str | Unset = UNSET
    options_get_client_auth_token: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        object_reference_id = self.object_reference_id

        mobile_number = self.mobile_number

        email_address = self.email_address

        first_name = self.first_name

        last_name = self.last_name

        mobile_country_code = self.mobile_country_code

        options_get_client_auth_token = self.options_get_client_auth_token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "object_reference_id": object_reference_id,
                "mobile_number": mobile_number,
            }
        )
        if email_address is not UNSET:
            field_dict["email_address"] = email_address
        if first_name is not UNSET:
            field_dict["first_name"] = first_name
        if last_name is not UNSET:
            field_dict["last_name"] = last_name
        if mobile_country_code is not UNSET:
            field_dict["mobile_country_code"] = mobile_country_code
        if options_get_client_auth_token is not UNSET:
            field_dict["options.get_client_auth_token"] = options_get_client_auth_token

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        object_reference_id = d.pop("object_reference_id")

        mobile_number = d.pop("mobile_number")

        email_address = d.pop("email_address", UNSET)

        first_name = d.pop("first_name", UNSET)

        last_name = d.pop("last_name", UNSET)

        mobile_country_code = d.pop("mobile_country_code", UNSET)

        options_get_client_auth_token = d.pop("options.get_client_auth_token", UNSET)

        create_customer_request = cls(
            object_reference_id=object_reference_id,
            mobile_number=mobile_number,
            email_address=email_address,
            first_name=first_name,
            last_name=last_name,
            mobile_country_code=mobile_country_code,
            options_get_client_auth_token=options_get_client_auth_token,
        )

        create_customer_request.additional_properties = d
        return create_customer_request

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
