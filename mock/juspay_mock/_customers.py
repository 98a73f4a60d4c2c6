"""The customer object: built, updated and checked by the shape of the spec's `Customer`."""

from __future__ import annotations

import secrets
from collections.abc import Collection, Mapping
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from juspay_customers._errors import FieldError
from juspay_customers._schema import Schema, not_unicode

from ._responses import dumps

TOKEN_OPTION = "options.get_client_auth_token"  # noqa: S105 (a field name)
TOKEN_LIFETIME = timedelta(minutes=15)
# How far ahead of the mock's clock a seeded timestamp may be: a test machine's clocks differ.
CLOCK_TOLERANCE = timedelta(seconds=5)
_GENERATED = ("id", "object", "date_created", "last_updated")
_UNDECLARED = "is not a field of the spec's Customer"


def now() -> datetime:
    """The current time, whole seconds, UTC."""
    return datetime.now(UTC).replace(microsecond=0)


@lru_cache(maxsize=8)  # creates and updates within one second share their stamps
def timestamp(moment: datetime) -> str:
    """The spec's newer timestamp form, `2020-03-17T14:16:31Z`."""
    return moment.isoformat()[:19] + "Z"  # `%Y-%m-%dT%H:%M:%S`, faster than strftime


def with_token(body: bytes, moment: datetime) -> bytes:
    """`body` (a customer) with a fresh `juspay` client auth token object appended."""
    token = {
        "client_auth_token": f"tkn_{secrets.token_hex(10)}",
        "client_auth_token_expiry": timestamp(moment + TOKEN_LIFETIME),
    }
    return body[:-1] + b',"juspay":' + dumps(token) + b"}"


class CustomerShape:
    """Which fields a customer has and which of them a request may set, per the spec."""

    __slots__ = (
        "_defaults",
        "_not_stored",
        "_object",
        "_required",
        "_schema",
        "_stored",
        "_writable",
    )

    def __init__(self, schema: Mapping[str, Any], writable: Collection[str]) -> None:
        properties: Mapping[str, Any] = schema["properties"]
        required = self._required = frozenset(schema.get("required", ()))
        self._writable = frozenset(writable) & properties.keys()
        self._object: str = properties["object"]["const"]
        stored = self._stored = frozenset(
            name
            for name in properties
            if name in self._writable or name in _GENERATED or name in required
        )
        # Optional fields the schema lets be null come back as null when never set (keys keep
        # the schema's order); the others are left out until set, as the spec allows.
        self._defaults = {
            name: None for name in properties if name in stored and _nullable(properties[name])
        }
        # Declared, but made per request rather than stored: the `juspay` client auth token.
        self._not_stored = dict.fromkeys(
            properties.keys() - stored,
            f"is not stored: it is added per request by {TOKEN_OPTION}",
        )
        self._schema = Schema(schema)

    def new(self, fields: Mapping[str, Any], moment: datetime) -> dict[str, Any]:
        """A new customer from a create's validated fields."""
        stamp = timestamp(moment)
        customer = {
            **self._defaults,
            "id": f"cst_{secrets.token_hex(8)}",
            "object": self._object,
            "date_created": stamp,
            "last_updated": stamp,
        }
        customer.update((k, v) for k, v in fields.items() if k in self._writable)
        return customer

    def update(self, customer: dict[str, Any], fields: Mapping[str, Any], moment: datetime) -> None:
        """Apply an update's fields; `last_updated` becomes `moment` (whole seconds).

        Never ahead of the clock, and never earlier than before: updates within one second
        share their stamp, as whole-second stamps do, and a later stored stamp (seeded, or set
        by a concurrent update) is kept.
        """
        customer.update((k, v) for k, v in fields.items() if k in self._writable)
        if moment > datetime.fromisoformat(customer["last_updated"]):
            customer["last_updated"] = timestamp(moment)

    def seeded(self, given: Mapping[str, Any], moment: datetime) -> dict[str, Any]:
        """A customer from a seed: generated fields filled in, then checked against the spec.

        `SeedError` names every field the spec's `Customer` does not have (the mock answers
        only what the spec declares), every rule a field breaks, timestamps that match the
        spec's pattern but are no real moment (`2016-13-45T25:00:00Z`), a timestamp ahead of
        `moment` (the clock; `CLOCK_TOLERANCE` allowed) and a `last_updated` earlier than
        `date_created`: issue 8 case 19, `last_updated` is never ahead of the clock.
        """
        errors = [
            FieldError(str(name), self._not_stored.get(name, _UNDECLARED))
            for name in given
            if name not in self._stored
        ]
        customer = self.new({}, moment)
        customer.update((k, v) for k, v in given.items() if k in self._stored)
        for name in self._required & self._writable - given.keys():
            customer.pop(name, None)  # so that the validator reports it missing
        if "last_updated" not in given:
            customer["last_updated"] = customer["date_created"]
        # The validator reads text only where a rule needs it: check the rest can be stored.
        errors += (
            self._schema.errors(customer)
            or not_unicode(customer)
            or _unreal_times(customer)
            or _out_of_order(customer, moment)
        )
        if errors:
            raise SeedError(errors)
        return customer


def _unreal_times(customer: Mapping[str, Any]) -> list[FieldError]:
    errors = []
    for name in ("date_created", "last_updated"):
        try:
            datetime.fromisoformat(customer[name])
        except ValueError:
            errors.append(FieldError(name, "must be a real date and time"))
    return errors


def _out_of_order(customer: Mapping[str, Any], moment: datetime) -> list[FieldError]:
    created = datetime.fromisoformat(customer["date_created"])
    updated = datetime.fromisoformat(customer["last_updated"])
    errors = [
        FieldError(name, "must not be ahead of the clock")
        for name, stamp in (("date_created", created), ("last_updated", updated))
        if stamp > moment + CLOCK_TOLERANCE
    ]
    if updated < created:
        errors.append(FieldError("last_updated", "must not be earlier than date_created"))
    return errors


class SeedError(ValueError):
    """A seeded customer does not conform to the spec's `Customer` schema."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field_name}: {e.reason}" for e in errors))
        self.errors = errors


def _nullable(schema: Mapping[str, Any]) -> bool:
    """Whether a property's JSON Schema admits null (`type: [string, "null"]`)."""
    kind = schema.get("type")
    return kind == "null" or (isinstance(kind, list) and "null" in kind)
