"""How the facade reads what the server returned: tolerantly, keeping its exact JSON.

Policy only: which fields exist, their types and how each is masked come from the spec,
through the generated `_generated` module that calls these readers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Final, Literal, TypeVar, overload

from attrs import field, frozen

from ._logs import mask, mask_email, mask_mobile, mask_name

T = TypeVar("T")

_MASKERS: Final[Mapping[str, Callable[[object], str]]] = {
    "email": mask_email,
    "mobile": mask_mobile,
    "name": mask_name,
    "text": mask,
}


def parse_timestamp(value: str) -> datetime:
    """Both of Juspay's forms, `2016-08-02T08:07:52+0000` and `2020-03-17T14:16:31Z`, aware;
    any other ISO 8601 form too, read as UTC (the spec's zone) when it names none."""
    when = datetime.fromisoformat(value)
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def masked(kind: str) -> Callable[[object], str]:
    """A repr for a field holding personal data (the spec's `x-personal-data` kind): masked,
    and None shown as None."""
    masker = _MASKERS[kind]
    return lambda value: "None" if value is None else repr(masker(value))


@frozen(kw_only=True)
class JsonObject:
    """A typed view of a JSON object from the server; `to_dict()` gives back that JSON."""

    _json: Mapping[str, Any] = field(factory=dict, repr=False, eq=False, alias="json")

    def to_dict(self) -> dict[str, Any]:
        """A fresh copy of the JSON object the server sent, unknown fields included."""
        copied: dict[str, Any] = copy_json(dict(self._json))
        return copied


def copy_json(value: Any) -> Any:
    """A deep copy of decoded JSON (objects, arrays, scalars) without recursion: an answer may
    nest as deep as the JSON parser allowed, where `copy.deepcopy` (two frames a level)
    overflows the stack."""
    if not isinstance(value, dict | list):
        return value
    top: dict[Any, Any] | list[Any] = {} if isinstance(value, dict) else []
    pending: list[tuple[dict[Any, Any] | list[Any], dict[Any, Any] | list[Any]]] = [(value, top)]
    while pending:
        source, target = pending.pop()
        for key, item in source.items() if isinstance(source, dict) else enumerate(source):
            if isinstance(item, dict | list):
                inner: dict[Any, Any] | list[Any] = {} if isinstance(item, dict) else []
                pending.append((item, inner))
                item = inner
            if isinstance(target, dict):
                target[key] = item
            else:
                target.append(item)
    return top


class FieldProblem(ValueError):
    """A field of the server's answer that cannot be read; `field` names it ("" for the
    body itself). The message says what was wrong, never the value (it may be personal)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}" if field else problem)
        self.field = field
        self.problem = problem


def read_mapping(data: Any, name: str) -> Mapping[str, Any]:
    """`data` if it is a JSON object; else ValueError."""
    if not isinstance(data, Mapping):
        raise FieldProblem("", f"the body is not a {name} object")
    return data


def read_const(data: Mapping[str, Any], key: str, value: object) -> None:
    """ValueError unless `data[key]` is the spec's `const` (`"object": "customer"`)."""
    if data.get(key) != value:
        raise FieldProblem(key, f"is not {value!r}: the body is not a {value} object")


@overload
def read_scalar(data: Mapping[str, Any], key: str, kind: type[T], required: Literal[True]) -> T: ...
@overload
def read_scalar(data: Mapping[str, Any], key: str, kind: type[T], required: bool) -> T | None: ...
def read_scalar(data: Mapping[str, Any], key: str, kind: type[T], required: bool) -> T | None:
    """A string, boolean or number: a required one missing or mistyped raises FieldProblem;
    an optional one that is null, absent or mistyped is None."""
    if required and key not in data:
        raise FieldProblem(key, "required but missing")
    value = data.get(key)
    if isinstance(value, kind) and (kind is bool or not isinstance(value, bool)):
        return value
    if required:
        raise FieldProblem(key, f"expected {kind.__name__}, got {type(value).__name__}")
    return None


@overload
def read_timestamp(data: Mapping[str, Any], key: str, required: Literal[True]) -> datetime: ...
@overload
def read_timestamp(data: Mapping[str, Any], key: str, required: bool) -> datetime | None: ...
def read_timestamp(data: Mapping[str, Any], key: str, required: bool) -> datetime | None:
    """A timestamp (parse_timestamp); an optional one that does not parse is None."""
    value = read_scalar(data, key, str, required)
    if value is None:
        return None
    try:
        return parse_timestamp(value)
    except ValueError:
        if required:
            raise FieldProblem(key, "is not an ISO 8601 timestamp") from None
        return None


@overload
def read_object(
    data: Mapping[str, Any], key: str, reader: Callable[[Any], T], required: Literal[True]
) -> T: ...
@overload
def read_object(
    data: Mapping[str, Any], key: str, reader: Callable[[Any], T], required: bool
) -> T | None: ...
def read_object(
    data: Mapping[str, Any], key: str, reader: Callable[[Any], T], required: bool
) -> T | None:
    """A nested object; an optional one that is not a whole valid object is None."""
    if required:
        if key not in data:
            raise FieldProblem(key, "required but missing")
        try:
            return reader(data[key])
        except FieldProblem as problem:
            raise FieldProblem(f"{key}.{problem.field}".rstrip("."), problem.problem) from None
    value = data.get(key)
    if not isinstance(value, Mapping):
        return None
    try:
        return reader(value)
    except (ValueError, TypeError, KeyError):
        return None
