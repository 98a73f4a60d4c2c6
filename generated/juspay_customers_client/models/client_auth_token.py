from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ClientAuthToken")


@_attrs_define
class ClientAuthToken:
    """Present only when `options.get_client_auth_token=true` was sent. The token lets a
    client-side SDK act for this customer until it expires (about 15 minutes).

        Attributes:
            client_auth_token (str):
            client_auth_token_expiry (str): An ISO 8601 timestamp in UTC, either `2016-08-02T08:07:52+0000` (old responses)
                or
                `2020-03-17T14:16:31Z` (newer docs). Parsers must accept both.
    """

    client_auth_token: str
    client_auth_token_expiry: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        client_auth_token = self.client_auth_token

        client_auth_token_expiry = self.client_auth_token_expiry

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "client_auth_token": client_auth_token,
                "client_auth_token_expiry": client_auth_token_expiry,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        client_auth_token = d.pop("client_auth_token")

        client_auth_token_expiry = d.pop("client_auth_token_expiry")

        client_auth_token = cls(
            client_auth_token=client_auth_token,
            client_auth_token_expiry=client_auth_token_expiry,
        )

        client_auth_token.additional_properties = d
        return client_auth_token

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
