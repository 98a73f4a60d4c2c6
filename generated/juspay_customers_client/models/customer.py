from __future__ import annotations

from collections.abc import Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    Self,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.client_auth_token import ClientAuthToken


T = TypeVar("T", bound="Customer")


@_attrs_define
class Customer:
    """A customer of the merchant. Optional fields may come back `null` or be absent.
    Juspay may add fields; clients keep what they do not know.

        Attributes:
            id (str): Juspay's id for the customer.
            object_ (Literal['customer']):
            object_reference_id (str): The merchant's own id for the customer, unique per merchant. Juspay's docs ask for at
                least 8 characters; shorter values are not rejected here because the Elixir example
                (`guest_user`) and existing integrations rely on the service accepting them. It may not
                start with a dot: `.` and `..` would vanish from the URL path of a get or update.
            mobile_number (str):
            date_created (str): An ISO 8601 timestamp in UTC, either `2016-08-02T08:07:52+0000` (old responses) or
                `2020-03-17T14:16:31Z` (newer docs). Parsers must accept both.
            last_updated (str): An ISO 8601 timestamp in UTC, either `2016-08-02T08:07:52+0000` (old responses) or
                `2020-03-17T14:16:31Z` (newer docs). Parsers must accept both.
            mobile_country_code (None | str | Unset):
            email_address (None | str | Unset):
            first_name (None | str | Unset):
            last_name (None | str | Unset):
            juspay (ClientAuthToken | Unset): Present only when `options.get_client_auth_token=true` was sent. The token
                lets a
                client-side SDK act for this customer until it expires (about 15 minutes).
    """

    id: str
    object_: Literal["customer"]
    object_reference_id: str
    mobile_number: str
    date_created: str
    last_updated: str
    mobile_country_code: None | str | Unset = UNSET
    email_address: None | str | Unset = UNSET
    first_name: None | str | Unset = UNSET
    last_name: None | str | Unset = UNSET
    juspay: ClientAuthToken | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        object_ = self.object_

        object_reference_id = self.object_reference_id

        mobile_number = self.mobile_number

        date_created = self.date_created

        last_updated = self.last_updated

        mobile_country_code: None | str | Unset
        if isinstance(self.mobile_country_code, Unset):
            mobile_country_code = UNSET
        else:
            mobile_country_code = self.mobile_country_code

        email_address: None | str | Unset
        if isinstance(self.email_address, Unset):
            email_address = UNSET
        else:
            email_address = self.email_address

        first_name: None | str | Unset
        if isinstance(self.first_name, Unset):
            first_name = UNSET
        else:
            first_name = self.first_name

        last_name: None | str | Unset
        if isinstance(self.last_name, Unset):
            last_name = UNSET
        else:
            last_name = self.last_name

        juspay: dict[str, Any] | Unset = UNSET
        if not isinstance(self.juspay, Unset):
            juspay = self.juspay.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "object": object_,
                "object_reference_id": object_reference_id,
                "mobile_number": mobile_number,
                "date_created": date_created,
                "last_updated": last_updated,
            }
        )
        if mobile_country_code is not UNSET:
            field_dict["mobile_country_code"] = mobile_country_code
        if email_address is not UNSET:
            field_dict["email_address"] = email_address
        if first_name is not UNSET:
            field_dict["first_name"] = first_name
        if last_name is not UNSET:
            field_dict["last_name"] = last_name
        if juspay is not UNSET:
            field_dict["juspay"] = juspay

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.client_auth_token import ClientAuthToken

        d = dict(src_dict)
        id = d.pop("id")

        object_ = cast(Literal["customer"], d.pop("object"))
        if object_ != "customer":
            raise ValueError(f"object must match const 'customer', got '{object_}'")

        object_reference_id = d.pop("object_reference_id")

        mobile_number = d.pop("mobile_number")

        date_created = d.pop("date_created")

        last_updated = d.pop("last_updated")

        def _parse_mobile_country_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        mobile_country_code = _parse_mobile_country_code(
            d.pop("mobile_country_code", UNSET)
        )

        def _parse_email_address(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email_address = _parse_email_address(d.pop("email_address", UNSET))

        def _parse_first_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        first_name = _parse_first_name(d.pop("first_name", UNSET))

        def _parse_last_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        last_name = _parse_last_name(d.pop("last_name", UNSET))

        _juspay = d.pop("juspay", UNSET)
        juspay: ClientAuthToken | Unset
        if isinstance(_juspay, Unset):
            juspay = UNSET
        else:
            juspay = ClientAuthToken.from_dict(_juspay)

        customer = cls(
            id=id,
            object_=object_,
            object_reference_id=object_reference_id,
            mobile_number=mobile_number,
            date_created=date_created,
            last_updated=last_updated,
            mobile_country_code=mobile_country_code,
            email_address=email_address,
            first_name=first_name,
            last_name=last_name,
            juspay=juspay,
        )

        customer.additional_properties = d
        return customer

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
