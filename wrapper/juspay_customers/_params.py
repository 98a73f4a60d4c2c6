"""Turn the Elixir-style inputs (mapping, keyword list, keywords) into the generated models.

The accepted fields and their spellings come from the spec (the generated `_generated`
module), and every value is checked against the spec's rules for its operation with the
mock's own validator (`_schema`): the facade raises ParameterError, before anything is sent,
for exactly the values the mock answers 400 to, naming the same field as the spec names it.
The one deliberate difference: an undeclared field is a ParameterError here (a typo caught),
where the service, and so the mock, ignores it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, Final

from juspay_customers_client.models.create_customer_request import CreateCustomerRequest
from juspay_customers_client.models.update_customer_request import UpdateCustomerRequest

from ._errors import ParameterError
from ._generated import (
    ALIASES,
    CREATE_FIELDS,
    GET_FIELDS,
    INPUTS,
    LOOKUP_FIELD,
    PATH_PARAMETER,
    SHOWN_AS,
    UPDATE_FIELDS,
    WIRE_NAMES,
)

if TYPE_CHECKING:
    from ._schema import FieldSet

Pairs = Iterable[tuple[str, object]]
Params = Mapping[str, object] | Pairs
_SHOWN_KEY_LENGTH: Final = 64


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
        try:  # a str subclass of the caller's may fail to hash
            name = ALIASES.get(key, key)
            repeated = name in seen
            seen.add(name)
            merged[key] = value
        except Exception as error:
            raise ParameterError(
                shown_key(key), f"cannot be read ({type(error).__name__})"
            ) from None
        if repeated:
            raise ParameterError(shown_key(key), "given more than once")
    return merged


def _is_params(value: object) -> bool:
    return isinstance(value, Mapping | Iterable) and not isinstance(value, str | bytes)


def _pairs(params: object) -> Iterable[tuple[object, object]]:
    if params is None:
        return ()
    try:  # the caller's own object: whatever it raises is bad input, not our error
        if isinstance(params, Mapping):
            return list(params.items())
        if isinstance(params, Iterable) and not isinstance(params, str | bytes):
            pairs = list(params)
            if all(isinstance(pair, tuple) and len(pair) == 2 for pair in pairs):
                return pairs
    except Exception as error:
        raise ParameterError("params", f"cannot be read ({type(error).__name__})") from None
    raise ParameterError("params", "expected a mapping or a list of (key, value) pairs")


def _checked(given: Mapping[str, object], allowed: Collection[str], what: str) -> dict[str, Any]:
    """Attribute name -> value (as `_plain` makes it) for every given key; unknown keys
    raise. Whether a value is right is the spec's to say (`_refused`)."""
    out: dict[str, Any] = {}
    for key, value in given.items():
        name = ALIASES.get(key, key)
        if name not in allowed:
            expected = _names(allowed)
            raise ParameterError(
                shown_key(key), f"unknown field for {what}; expected one of {expected}"
            )
        out[name] = _plain(value)
    return out


def _plain(value: object) -> object:
    """`value` as the JSON the spec's rules judge: a str, int or float subclass (an enum's
    member, say) as its plain value, which is what is sent; anything else that is no JSON
    scalar (a list, bytes, a date) as an empty list, which every request field's rule
    refuses with its type, since the generator gives request fields scalar types only."""
    if value is None or type(value) in _JSON_SCALARS:
        return value
    for kind, plain in _PLAIN.items():
        if isinstance(value, kind):
            return plain(value)
    return []


def public_name(name: str) -> str:
    """How users spell a generated attribute name."""
    return SHOWN_AS.get(name, name)


def _names(allowed: Collection[str]) -> str:
    return ", ".join(sorted(map(public_name, allowed)))


def shown_key(key: object) -> str:
    """A key as an error names it: short and printable, whatever the caller passed."""
    if isinstance(key, str) and 0 < len(key) <= _SHOWN_KEY_LENGTH and key.isprintable():
        return key
    try:
        text = repr(key)
    except Exception:  # a caller's object whose repr fails
        text = f"<{type(key).__name__}>"
    return text if len(text) <= _SHOWN_KEY_LENGTH else text[:_SHOWN_KEY_LENGTH] + "..."


def _refused(operation_id: str, **parts: Mapping[str, Any]) -> None:
    """Raise ParameterError for the first field the spec refuses, checking each part (path,
    query, body: wire name -> value) in the order the mock does, with the mock's rules."""
    for where, fields in _field_sets(operation_id):
        _, errors = fields.clean(parts[where])
        if errors:
            field_name, reason = errors[0]
            raise ParameterError(_WHOLE_BODY.get(field_name, field_name), reason)


@cache
def _field_sets(operation_id: str) -> tuple[tuple[str, FieldSet], ...]:
    """An operation's inputs as compiled validators (compiled on its first call: loading
    jsonschema-rs would otherwise slow `import juspay_customers` down)."""
    from ._schema import FieldSet, parameters_schema

    inputs = INPUTS[operation_id]
    parts: list[tuple[str, FieldSet]] = []
    for where in ("path", "query"):
        located = [parameter for parameter in inputs["parameters"] if parameter["in"] == where]
        if located:
            parts.append((where, FieldSet(parameters_schema(located))))
    if "body" in inputs:
        parts.append(("body", FieldSet(inputs["body"])))
    return tuple(parts)


def _customer_id(fields: dict[str, Any]) -> dict[str, Any]:
    if PATH_PARAMETER not in fields:
        raise ParameterError(PATH_PARAMETER, f"required: the cst_ id or the {LOOKUP_FIELD}")
    return {PATH_PARAMETER: fields.pop(PATH_PARAMETER)}


def _wire(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {WIRE_NAMES.get(name, name): value for name, value in fields.items()}


def create_request(given: Mapping[str, object]) -> CreateCustomerRequest:
    """The create body, as the spec's `createCustomer` accepts it."""
    fields = _checked(given, CREATE_FIELDS, "create")
    try:
        body: CreateCustomerRequest | None = CreateCustomerRequest(**fields)
    except TypeError:  # a required field is missing, which the spec names
        body = None
    # Checked as it is sent, in the order sent, as the mock reads it.
    _refused("createCustomer", body=_wire(fields) if body is None else body.to_dict())
    assert body is not None  # the model's required fields are the spec's
    return body


def update_request(given: Mapping[str, object]) -> tuple[str, UpdateCustomerRequest]:
    """The customer id and update body, as the spec's `updateCustomer` accepts them."""
    fields = _checked(given, _UPDATE_ALLOWED, "update")
    path = _customer_id(fields)
    body = UpdateCustomerRequest(**fields)
    _refused("updateCustomer", path=path, body=body.to_dict())
    return path[PATH_PARAMETER], body


def get_request(given: Mapping[str, object]) -> tuple[str, dict[str, Any]]:
    """The customer id and the query options given (generated argument name -> value)."""
    fields = _checked(given, _GET_ALLOWED, "get")
    path = _customer_id(fields)
    _refused("getCustomer", path=path, query=_wire(fields))
    return path[PATH_PARAMETER], fields


# Python types of the JSON scalars, and how a subclass's plain value is had (these ignore
# an override such as an enum's `__str__`).
_JSON_SCALARS: Final = (str, bool, int, float)
_PLAIN: Final[Mapping[type, Callable[[Any], object]]] = {
    str: str.__str__,
    int: int.__int__,
    float: float.__float__,
}
# A rule on the whole body (the update's minProperties) is named as the facade's argument.
_WHOLE_BODY: Final = {"body": "params"}
_UPDATE_ALLOWED: Final = {PATH_PARAMETER: str, **UPDATE_FIELDS}
_GET_ALLOWED: Final = {PATH_PARAMETER: str, **GET_FIELDS}
