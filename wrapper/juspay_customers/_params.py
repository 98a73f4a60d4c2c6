"""Turn the Elixir-style inputs (mapping, keyword list, keywords) into the generated models.

The accepted fields and their types come from the generated request models, so the facade
rejects exactly what the spec does not declare, before anything is sent.
"""

from __future__ import annotations

import functools
import re
import types
import typing
from collections.abc import Iterable, Mapping
from typing import Any, Final

from juspay_customers_client.models import CreateCustomerRequest, UpdateCustomerRequest
from juspay_customers_client.types import UNSET, Unset

from ._errors import ParameterError
from ._options import UNSENDABLE

Params = Mapping[str, object] | Iterable[tuple[str, object]]

# Friendly spellings -> generated attribute names. `customer_email` is the Elixir page's
# name in its update example; the wire name is `email_address`.
ALIASES: Final[Mapping[str, str]] = {
    "customer_email": "email_address",
    "get_client_auth_token": "options_get_client_auth_token",
    "options.get_client_auth_token": "options_get_client_auth_token",
}
CUSTOMER_ID: Final = "customer_id"
# An id travels percent-encoded in the URL path and the x-routing-id header, so any text
# can, but for: control characters and lone surrogates (no UTF-8 form), `.` and `..` (dot
# segments, which URL normalisation removes: the request would reach another operation),
# and ids so long that their URL would pass httpx's 65,536 characters (a character
# percent-encodes to at most 12).
MAX_ID_LENGTH: Final = 1024
_DOT_SEGMENTS: Final = frozenset({".", ".."})
_SHOWN_KEY_LENGTH: Final = 64
_SURROGATE: Final = re.compile("[\ud800-\udfff]")
TOKEN_OPTION: Final = "options_get_client_auth_token"  # noqa: S105  # a field name
_SHOWN_AS: Final = {TOKEN_OPTION: "get_client_auth_token"}


@functools.cache
def declared_fields(model: type) -> Mapping[str, type]:
    """The request model's fields and the one type each accepts (Unset dropped)."""
    hints = typing.get_type_hints(model)
    hints.pop("additional_properties", None)
    return {name: _concrete(hint) for name, hint in hints.items()}


def _concrete(hint: Any) -> type:
    if isinstance(hint, types.UnionType):
        (kind,) = (arg for arg in typing.get_args(hint) if arg not in (Unset, type(None)))
        return kind  # type: ignore[no-any-return]
    return hint  # type: ignore[no-any-return]


def collect(positional: tuple[object, ...], keywords: Mapping[str, object]) -> dict[str, object]:
    """Merge an optional id, an optional mapping or (key, value) list, and keywords."""
    merged: dict[str, object] = {}
    rest = positional
    if rest and isinstance(rest[0], str):
        merged[CUSTOMER_ID] = rest[0]
        rest = rest[1:]
    if len(rest) > 1:
        raise ParameterError("params", "expected at most an id and one mapping or list of pairs")
    seen = set(merged)
    for key, value in (*_pairs(rest[0] if rest else None), *keywords.items()):
        if not isinstance(key, str):
            raise ParameterError(_shown(key), "keys must be strings")
        name = ALIASES.get(key, key)
        if name in seen:
            raise ParameterError(_shown(key), "given more than once")
        seen.add(name)
        merged[key] = value
    return merged


def _pairs(params: object) -> Iterable[tuple[object, object]]:
    if params is None:
        return ()
    if isinstance(params, Mapping):
        return params.items()
    if isinstance(params, Iterable) and not isinstance(params, str | bytes):
        pairs = list(params)
        if all(isinstance(pair, tuple) and len(pair) == 2 for pair in pairs):
            return pairs
    raise ParameterError("params", "expected a mapping or a list of (key, value) pairs")


def _checked(given: Mapping[str, object], allowed: Mapping[str, type], what: str) -> dict[str, Any]:
    """Attribute name -> value for every given key; unknown keys and wrong types raise."""
    out: dict[str, Any] = {}
    for key, value in given.items():
        name = ALIASES.get(key, key)
        kind = allowed.get(name)
        if kind is None:
            expected = _names(allowed)
            raise ParameterError(
                _shown(key), f"unknown field for {what}; expected one of {expected}"
            )
        if not isinstance(value, kind):
            problem = f"expected {kind.__name__}, got {type(value).__name__}"
            raise ParameterError(_shown(key), problem)
        if isinstance(value, str) and not value.isascii() and _SURROGATE.search(value):
            # A form body carries any other text (percent-encoded UTF-8), the server decides.
            raise ParameterError(key, "contains a lone surrogate, which has no UTF-8 form")
        out[name] = value
    return out


def public_name(name: str) -> str:
    """How users spell a generated attribute name."""
    return _SHOWN_AS.get(name, name)


def _names(allowed: Mapping[str, type]) -> str:
    return ", ".join(sorted(map(public_name, allowed)))


def _shown(key: object) -> str:
    """A key as an error names it: short and printable, whatever the caller passed."""
    if isinstance(key, str) and 0 < len(key) <= _SHOWN_KEY_LENGTH and key.isprintable():
        return key
    text = repr(key)
    return text if len(text) <= _SHOWN_KEY_LENGTH else text[:_SHOWN_KEY_LENGTH] + "..."


def check_id(value: str, field: str) -> str:
    """An id that can travel percent-encoded in a URL path segment and a header; else a
    ParameterError naming `field`. Which ids exist is the server's to say."""
    if not (value.isascii() and value.isprintable()) and UNSENDABLE.search(value):
        raise ParameterError(field, "may not contain control characters or lone surrogates")
    if value in _DOT_SEGMENTS:
        raise ParameterError(field, "may not be . or .. (the URL would lose its path segment)")
    if len(value) > MAX_ID_LENGTH:
        raise ParameterError(field, f"longer than {MAX_ID_LENGTH} characters")
    return value


def _customer_id(fields: dict[str, Any]) -> str:
    customer_id: str = fields.pop(CUSTOMER_ID, "")
    if not customer_id:
        raise ParameterError(CUSTOMER_ID, "required: the cst_ id or the object_reference_id")
    return check_id(customer_id, CUSTOMER_ID)


def create_request(given: Mapping[str, object]) -> CreateCustomerRequest:
    """The create body; required fields must be present and non-empty."""
    fields = _checked(given, declared_fields(CreateCustomerRequest), "create")
    for name in ("object_reference_id", "mobile_number"):
        if not fields.get(name):
            raise ParameterError(name, "required for create")
    check_id(fields["object_reference_id"], "object_reference_id")  # a get may look it up
    return CreateCustomerRequest(**fields)


def update_request(given: Mapping[str, object]) -> tuple[str, UpdateCustomerRequest]:
    """The customer id and update body; at least one updatable field is required."""
    allowed = {CUSTOMER_ID: str, **declared_fields(UpdateCustomerRequest)}
    fields = _checked(given, allowed, "update")
    customer_id = _customer_id(fields)
    if not fields:
        updatable = _names(declared_fields(UpdateCustomerRequest))
        raise ParameterError("params", f"update needs at least one of {updatable}")
    return customer_id, UpdateCustomerRequest(**fields)


def get_request(given: Mapping[str, object]) -> tuple[str, bool | Unset]:
    """The customer id and whether a client auth token is wanted."""
    fields = _checked(given, {CUSTOMER_ID: str, TOKEN_OPTION: bool}, "get")
    customer_id = _customer_id(fields)
    return customer_id, fields.get(TOKEN_OPTION, UNSET)
