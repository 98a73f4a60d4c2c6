"""Turn the Elixir-style inputs (mapping, keyword list, keywords) into the generated models.

The accepted fields, their types and spellings, the required ones and the "at least one
field" rule come from the spec (the generated `_generated` module), so the facade rejects
exactly what the spec does not declare, before anything is sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

from juspay_customers_client.models.create_customer_request import CreateCustomerRequest
from juspay_customers_client.models.update_customer_request import UpdateCustomerRequest

from ._errors import ParameterError
from ._generated import (
    ALIASES,
    CREATE_FIELDS,
    CREATE_REQUIRED,
    GET_FIELDS,
    LOOKUP_FIELD,
    PATH_PARAMETER,
    SHOWN_AS,
    UPDATE_FIELDS,
    UPDATE_MIN_FIELDS,
)
from ._options import UNSENDABLE

Pairs = Iterable[tuple[str, object]]
Params = Mapping[str, object] | Pairs
# An id travels percent-encoded in the URL path and the x-routing-id header, so any text
# can, but for: control characters and lone surrogates (no UTF-8 form), `.` and `..` (dot
# segments, which URL normalisation removes: the request would reach another operation),
# and ids so long that their URL would pass httpx's 65,536 characters (a character
# percent-encodes to at most 12).
MAX_ID_LENGTH: Final = 1024
_DOT_SEGMENTS: Final = frozenset({".", ".."})
_SHOWN_KEY_LENGTH: Final = 64
_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def collect(
    positional: tuple[object, ...], keywords: Mapping[str, object], *, takes_id: bool = True
) -> dict[str, object]:
    """Merge an optional id (only where the operation `takes_id`), an optional mapping or
    (key, value) list, and keywords. A first argument that is neither names the id
    (`customer_id`) where the operation takes one, else `params`."""
    merged: dict[str, object] = {}
    rest = positional
    if rest and takes_id:
        if isinstance(rest[0], str):
            merged[PATH_PARAMETER] = rest[0]
            rest = rest[1:]
        elif not _is_params(rest[0]):
            raise ParameterError(
                PATH_PARAMETER,
                f"expected str (the cst_ id or the {LOOKUP_FIELD}), got {type(rest[0]).__name__}",
            )
    if rest and isinstance(rest[0], str | bytes):
        hint = "" if takes_id else " (create takes no id)"
        raise ParameterError(
            "params",
            f"expected a mapping, a list of (key, value) pairs or keywords, got "
            f"{type(rest[0]).__name__}{hint}",
        )
    if len(rest) > 1:
        raise ParameterError("params", "expected at most an id and one mapping or list of pairs")
    seen = set(merged)
    for key, value in (*_pairs(rest[0] if rest else None), *keywords.items()):
        if not isinstance(key, str):
            raise ParameterError(shown_key(key), "keys must be strings")
        name = ALIASES.get(key, key)
        if name in seen:
            raise ParameterError(shown_key(key), "given more than once")
        seen.add(name)
        merged[key] = value
    return merged


def _is_params(value: object) -> bool:
    return isinstance(value, Mapping | Iterable) and not isinstance(value, str | bytes)


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
                shown_key(key), f"unknown field for {what}; expected one of {expected}"
            )
        if not isinstance(value, kind):
            problem = f"expected {kind.__name__}, got {type(value).__name__}"
            raise ParameterError(shown_key(key), problem)
        if isinstance(value, str) and not value.isascii() and _SURROGATE.search(value):
            # A form body carries any other text (percent-encoded UTF-8), the server decides.
            raise ParameterError(key, "contains a lone surrogate, which has no UTF-8 form")
        out[name] = value
    return out


def public_name(name: str) -> str:
    """How users spell a generated attribute name."""
    return SHOWN_AS.get(name, name)


def _names(allowed: Mapping[str, type]) -> str:
    return ", ".join(sorted(map(public_name, allowed)))


def shown_key(key: object) -> str:
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
    customer_id: str = fields.pop(PATH_PARAMETER, "")
    if not customer_id:
        raise ParameterError(PATH_PARAMETER, f"required: the cst_ id or the {LOOKUP_FIELD}")
    return check_id(customer_id, PATH_PARAMETER)


def create_request(given: Mapping[str, object]) -> CreateCustomerRequest:
    """The create body; the spec's required fields must be present and non-empty."""
    fields = _checked(given, CREATE_FIELDS, "create")
    for name in CREATE_REQUIRED:
        if not fields.get(name):
            raise ParameterError(public_name(name), "required for create")
    check_id(fields[LOOKUP_FIELD], public_name(LOOKUP_FIELD))  # a get may look it up
    return CreateCustomerRequest(**fields)


def update_request(given: Mapping[str, object]) -> tuple[str, UpdateCustomerRequest]:
    """The customer id and update body; at least the spec's minProperties updatable fields
    (one) are required."""
    fields = _checked(given, _UPDATE_ALLOWED, "update")
    customer_id = _customer_id(fields)
    if len(fields) < UPDATE_MIN_FIELDS:
        raise ParameterError("params", f"update needs at least one of {_names(UPDATE_FIELDS)}")
    return customer_id, UpdateCustomerRequest(**fields)


def get_request(given: Mapping[str, object]) -> tuple[str, dict[str, Any]]:
    """The customer id and the query options given (generated argument name -> value)."""
    fields = _checked(given, _GET_ALLOWED, "get")
    customer_id = _customer_id(fields)
    return customer_id, fields


_UPDATE_ALLOWED: Final = {PATH_PARAMETER: str, **UPDATE_FIELDS}
_GET_ALLOWED: Final = {PATH_PARAMETER: str, **GET_FIELDS}
