"""The one notion of a valid request, shared by the facade and the mock server.

Both check a request's fields against the spec's JSON Schemas with this module: the facade
before it sends (a `ParameterError`), the mock when it receives (a 400 listing the fields).
So the two refuse exactly the same values and name the same fields; the validation-parity
test (tests/generated/test_validation_parity.py) holds them to it.

The validator is jsonschema-rs, the one schemathesis checks with, so the contract suite
agrees too. Its regexes follow ECMA-262 where it matters: `$` is the end of the text, so
"9988776655\\n" fails `^[0-9]{4,15}$` (Python's `re` would let it through).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, Final

import jsonschema_rs

from ._errors import FieldError

# Booleans in form bodies and queries are text; the service reads them case-insensitively
# (the spec's description).
_TRUE_FALSE: Final = {"true": True, "false": False}
# Every rule a field may break -> why, with the rule's value; never the field's value, which
# may be personal data.
_REASONS: Final = {
    "type": "must be of type {}",
    "pattern": "must match {}",
    "format": "must be a valid {}",
    "minLength": "must be at least {} characters long",
    "maxLength": "must be at most {} characters long",
    "const": "must be {!r}",
    "enum": "must be one of {!r}",
}


class Schema:
    """One JSON Schema (draft 2020-12, refs inlined), compiled once, formats checked."""

    __slots__ = ("_schema", "_validator")

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self._schema = schema
        self._validator = jsonschema_rs.Draft202012Validator(dict(schema), validate_formats=True)

    def is_valid(self, instance: Any) -> bool:
        return self._validator.is_valid(instance)

    def errors(self, instance: Any) -> list[FieldError]:
        """Every rule `instance` breaks, naming the field (`body` for the whole object) and
        the reason; in the validator's order, which follows the instance's key order."""
        try:
            if self._validator.is_valid(instance):  # the usual case, and the cheapest check
                return []
            return [self._field_error(error) for error in self._validator.iter_errors(instance)]
        except UnicodeEncodeError:  # a lone surrogate ("\\ud800" in JSON) is no UTF-8 text
            return not_unicode(instance) or [FieldError("body", "must be valid Unicode text")]
        except ValueError as error:  # jsonschema-rs: nested past its limit, or not JSON data
            return [FieldError("body", f"cannot be validated: {error}")]

    def _field_error(self, error: jsonschema_rs.ValidationError) -> FieldError:
        kind, expected = error.kind.name, error.kind.value
        path = [str(part) for part in error.instance_path]
        if kind == "required":
            return FieldError(".".join([*path, expected]), "is required")
        if kind == "minProperties":
            declared = ", ".join(self._subschema(error.schema_path[:-1]).get("properties", ()))
            return FieldError("body", f"must contain at least {expected} of: {declared}")
        if kind == "type":
            expected = " or ".join(expected)
        if kind == "not":
            excluded = self._subschema(error.schema_path)
            reason = f"must not be one of {excluded['enum']!r}" if "enum" in excluded else ""
        else:
            reason = _REASONS.get(kind, "").format(expected)
        return FieldError(".".join(path) or "body", reason or f"breaks the spec's {kind} rule")

    def _subschema(self, location: Iterable[str | int]) -> Mapping[str, Any]:
        node: Any = self._schema
        for part in location:
            node = node[part]
        return node  # type: ignore[no-any-return]


def not_unicode(instance: Any) -> list[FieldError]:
    """The top-level fields of `instance` holding text no UTF-8 can carry (lone surrogates)."""
    if not isinstance(instance, dict):
        return []
    return [
        FieldError(name, "must be valid Unicode text")
        for name, value in instance.items()
        if not _encodable(value)
    ]


def _encodable(value: Any) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode()
    except (UnicodeEncodeError, RecursionError):
        return False
    return True


class FieldSet:
    """The declared fields of one request part (path, query, headers or body) and their rules.

    Undeclared fields are dropped before validation, as the real service ignores them; string
    values of boolean fields are read case-insensitively, as form bodies carry only strings.
    """

    __slots__ = ("_booleans", "_empty_is_valid", "_names", "_schema")

    def __init__(self, schema: Mapping[str, Any]) -> None:
        properties: Mapping[str, Any] = schema.get("properties", {})
        self._names = frozenset(properties)
        self._booleans = frozenset(
            name for name, prop in properties.items() if prop.get("type") == "boolean"
        )
        self._schema = Schema(schema)
        # Most requests send no query and no declared headers: skip validating nothing.
        self._empty_is_valid = self._schema.is_valid({})

    @property
    def names(self) -> frozenset[str]:
        return self._names

    @property
    def empty_is_valid(self) -> bool:
        """Whether sending none of these fields is valid (then nothing needs checking)."""
        return self._empty_is_valid

    def clean(self, values: Mapping[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
        """Return the declared fields of `values`, coerced, and every rule they break."""
        kept = {name: value for name, value in values.items() if name in self._names}
        if not kept and self._empty_is_valid:
            return kept, []
        for name in self._booleans & kept.keys():
            value = kept[name]
            if isinstance(value, str):
                kept[name] = _TRUE_FALSE.get(value.lower(), value)
        return kept, self._schema.errors(kept)


def parameters_schema(parameters: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """One object schema for an operation's parameters of one location (path, query or
    header), so that each is checked, and named, as a field of that object."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    for parameter in parameters:
        properties[parameter["name"]] = parameter.get("schema", {})
        if parameter.get("required"):
            required.append(parameter["name"])
    return {"type": "object", "properties": properties, "required": required}
