"""Immutable, typed views of what the server returned, keeping its exact JSON."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from attrs import field, frozen

from ._logs import mask, mask_email, mask_mobile

if TYPE_CHECKING:
    import httpx

T = TypeVar("T")


def parse_timestamp(value: str) -> datetime:
    """Both of Juspay's forms, `2016-08-02T08:07:52+0000` and `2020-03-17T14:16:31Z`, aware;
    any other ISO 8601 form too, read as UTC (the spec's zone) when it names none."""
    when = datetime.fromisoformat(value)
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


@frozen
class ClientAuthToken:
    """The token a client-side SDK uses to act for the customer until `expiry`."""

    token: str = field(repr=False)
    expiry: datetime


def _masked_by(masker: Callable[[object], str]) -> Callable[[object], str]:
    """A repr for a field holding personal data: masked, and None shown as None."""
    return lambda value: "None" if value is None else repr(masker(value))


@frozen(kw_only=True)
class Customer:
    """A customer as the server returned it; `to_dict()` gives back that exact JSON.

    Its repr masks personal data as the logs do: `object_reference_id` (often an e-mail
    address or mobile number), `mobile_number` and `email_address`; names are left out.
    """

    id: str
    object_reference_id: str = field(repr=_masked_by(mask))
    mobile_number: str = field(repr=_masked_by(mask_mobile))
    date_created: datetime
    last_updated: datetime
    mobile_country_code: str | None = None
    email_address: str | None = field(default=None, repr=_masked_by(mask_email))
    first_name: str | None = field(default=None, repr=False)
    last_name: str | None = field(default=None, repr=False)
    juspay: ClientAuthToken | None = None
    _json: Mapping[str, Any] = field(factory=dict, repr=False, eq=False, alias="json")

    @classmethod
    def from_json(cls, data: Any) -> Customer:
        """Read the spec's `Customer` from decoded JSON; raises on a body that is not one.

        Tolerant where the spec allows absence: an optional field that is null, absent or
        not of its type (a `juspay` that is not a whole token object, say) becomes None and
        loses only itself. A missing or malformed required field raises (ValueError,
        TypeError or KeyError).

        Read directly: the generated model's `from_dict` rebuilds closures and casts on every
        call (a quarter of the facade's time per call) and checks no types.
        """
        if not isinstance(data, Mapping) or data.get("object") != "customer":
            raise ValueError("the body is not a customer object")
        return cls(
            id=_required(data, "id"),
            object_reference_id=_required(data, "object_reference_id"),
            mobile_number=_required(data, "mobile_number"),
            date_created=parse_timestamp(_required(data, "date_created")),
            last_updated=parse_timestamp(_required(data, "last_updated")),
            mobile_country_code=_optional(data, "mobile_country_code"),
            email_address=_optional(data, "email_address"),
            first_name=_optional(data, "first_name"),
            last_name=_optional(data, "last_name"),
            juspay=_token(data.get("juspay")),
            json=data,
        )

    def to_dict(self) -> dict[str, Any]:
        """A fresh copy of the JSON object the server sent, unknown fields included."""
        return copy.deepcopy(dict(self._json))


def _required(data: Mapping[str, Any], name: str) -> str:
    value = data[name]
    if not isinstance(value, str):
        raise TypeError(f"{name} is not a string")
    return value


def _optional(data: Mapping[str, Any], name: str) -> str | None:
    value = data.get(name)
    return value if isinstance(value, str) else None


def _token(value: Any) -> ClientAuthToken | None:
    if not isinstance(value, Mapping):
        return None
    token, expiry = value.get("client_auth_token"), value.get("client_auth_token_expiry")
    if not isinstance(token, str) or not isinstance(expiry, str):
        return None
    try:
        return ClientAuthToken(token, parse_timestamp(expiry))
    except ValueError:
        return None


@frozen(repr=False)
class RawResponse(Generic[T]):
    """The HTTP answer behind a call: status, headers, request id, and the parsed result."""

    http_response: httpx.Response
    _parsed: T = field(alias="parsed")
    retries_taken: int = 0

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        request_id: str | None = self.http_response.headers.get("x-request-id")
        return request_id

    def parse(self) -> T:
        """The typed result, as the plain call would have returned it."""
        return self._parsed

    def __repr__(self) -> str:
        return f"<RawResponse [{self.status_code}] request_id={self.request_id!r}>"
