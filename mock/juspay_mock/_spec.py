"""Read the OpenAPI document once and compile what each request needs from it.

Everything the mock knows about field rules comes from here: the routes, the methods, and a
jsonschema validator per operation for its path, query, header and body fields. Nothing is
looked up in the spec while a request is served.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, ValidationError, validators

SPEC_NAME = "juspay-customers.yaml"
# An editable install runs from the repository, where the spec lives beside mock/.
_REPO_SPEC = Path(__file__).resolve().parents[2] / "openapi" / SPEC_NAME
_FORMATS = Draft202012Validator.FORMAT_CHECKER  # formats are checked, not just annotations
_TRUE_FALSE = {"true": True, "false": False}
HTTP_METHODS = ("GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE")


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterable[Any]:
    """JSON Schema's `pattern` with ECMA-262's `$`: Python's also matches before a final newline,
    which would let "9988776655\\n" through `^[0-9]{4,15}$`."""
    if validator.is_type(instance, "string") and not _ecma_regex(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def _ecma_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"(?<!\\)\$", r"\\Z", pattern))


# Every schema of the spec is compiled with this: draft 2020-12, with ECMA-262 patterns.
# (jsonschema's stubs leave `extend` untyped.)
Validator: Any = validators.extend(  # type: ignore[no-untyped-call]
    Draft202012Validator, {"pattern": _ecma_pattern}
)


def compile_schema(schema: Mapping[str, Any]) -> Any:
    """A validator for `schema` (refs already inlined), checking formats too."""
    return Validator(schema, format_checker=_FORMATS)


def spec_path() -> Path:
    """The spec shipped inside the package (a wheel install), else the repository's copy."""
    shipped = resources.files("juspay_mock").joinpath(SPEC_NAME)
    if shipped.is_file():
        return Path(str(shipped))
    if _REPO_SPEC.is_file():
        return _REPO_SPEC
    raise FileNotFoundError(
        f"juspay_mock: {SPEC_NAME} is neither in the package nor at {_REPO_SPEC}"
    )


def load_spec(path: Path | None = None) -> dict[str, Any]:
    """Parse the OpenAPI document at `path` (default: `spec_path()`)."""
    with (path or spec_path()).open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.safe_load(handle)
    return document


def resolve(node: Any, root: Mapping[str, Any], _seen: tuple[str, ...] = ()) -> Any:
    """Inline every local `$ref` so validators never resolve references per request."""
    if isinstance(node, list):
        return [resolve(item, root, _seen) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str):
        if ref in _seen:
            raise ValueError(f"juspay_mock: recursive $ref {ref} is not supported")
        target: Any = root
        for part in ref.removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        return resolve(target, root, (*_seen, ref))
    return {key: resolve(value, root, _seen) for key, value in node.items()}


@dataclass(frozen=True, slots=True)
class FieldError:
    """One offending input field and why it was refused."""

    field_name: str
    reason: str


class FieldSet:
    """The declared fields of one request part (path, query, headers or body) and their rules.

    Undeclared fields are dropped before validation, as the real service ignores them; string
    values of boolean fields are read case-insensitively, as form bodies carry only strings.
    """

    __slots__ = ("_booleans", "_empty_is_valid", "_names", "_validator")

    def __init__(self, schema: Mapping[str, Any]) -> None:
        properties: Mapping[str, Any] = schema.get("properties", {})
        self._names = frozenset(properties)
        self._booleans = frozenset(
            name for name, prop in properties.items() if prop.get("type") == "boolean"
        )
        self._validator = compile_schema(schema)
        # Most requests send no query and no declared headers: skip validating nothing.
        self._empty_is_valid = self._validator.is_valid({})

    @property
    def names(self) -> frozenset[str]:
        return self._names

    def clean(self, values: Mapping[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
        """Return the declared fields of `values`, coerced, and every rule they break."""
        kept = {name: value for name, value in values.items() if name in self._names}
        if not kept and self._empty_is_valid:
            return kept, []
        for name in self._booleans & kept.keys():
            value = kept[name]
            if isinstance(value, str):
                kept[name] = _TRUE_FALSE.get(value.lower(), value)
        errors: list[FieldError] = []
        for error in self._validator.iter_errors(kept):
            errors.extend(field_errors(error))
        return kept, errors


def field_errors(error: Any) -> Iterable[FieldError]:
    """Name the fields a jsonschema error is about, with a short reason."""
    kind, expected = error.validator, error.validator_value
    if kind == "required":
        # jsonschema reports each missing property once, with the whole list as the rule.
        missing = error.message.split("'")[1] if "'" in error.message else str(expected)
        return [FieldError(missing, "is required")]
    if kind == "minProperties":
        declared = ", ".join(error.schema.get("properties", ()))
        return [FieldError("body", f"must contain at least {expected} of: {declared}")]
    field = ".".join(str(part) for part in error.absolute_path) or "body"
    reasons = {
        "type": f"must be of type {expected}",
        "pattern": f"must match {expected}",
        "format": f"must be a valid {expected}",
        "minLength": f"must be at least {expected} characters long",
        "maxLength": f"must be at most {expected} characters long",
        "const": f"must be {expected!r}",
        "enum": f"must be one of {expected!r}",
    }
    return [FieldError(field, reasons.get(kind, error.message))]


def _fields_schema(parameters: Iterable[Mapping[str, Any]], lower_names: bool) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required: list[str] = []
    for parameter in parameters:
        name = parameter["name"].lower() if lower_names else parameter["name"]
        properties[name] = parameter.get("schema", {})
        if parameter.get("required"):
            required.append(name)
    return {"type": "object", "properties": properties, "required": required}


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of the spec, with compiled validators for each part of its request."""

    operation_id: str
    method: str
    path: str
    path_params: FieldSet
    query: FieldSet
    headers: FieldSet
    body: FieldSet | None
    media_types: frozenset[str]


@dataclass(frozen=True, slots=True)
class CompiledSpec:
    """The spec reduced to what serving needs: operations by path and method, examples."""

    operations: Mapping[str, Mapping[str, Operation]]
    examples: Mapping[str, Any]
    schemas: Mapping[str, Any]


def compile_spec(document: Mapping[str, Any]) -> CompiledSpec:
    """Compile every operation of `document` (an OpenAPI 3.1 mapping)."""
    resolved: dict[str, Any] = resolve(document, document)
    components = resolved.get("components", {})
    operations: dict[str, dict[str, Operation]] = {}
    for path, item in resolved["paths"].items():
        shared = item.get("parameters", [])
        by_method: dict[str, Operation] = {}
        for method, spec in item.items():
            if method.upper() not in HTTP_METHODS:
                continue
            params = [*shared, *spec.get("parameters", [])]
            content = spec.get("requestBody", {}).get("content", {})
            schemas = [media["schema"] for media in content.values() if "schema" in media]
            by_method[method.upper()] = Operation(
                operation_id=spec["operationId"],
                method=method.upper(),
                path=path,
                path_params=FieldSet(_fields_schema(_located(params, "path"), False)),
                query=FieldSet(_fields_schema(_located(params, "query"), False)),
                headers=FieldSet(_fields_schema(_located(params, "header"), True)),
                body=FieldSet(schemas[0]) if schemas else None,
                media_types=frozenset(content),
            )
        operations[path] = by_method
    return CompiledSpec(
        operations=operations,
        examples={name: ex["value"] for name, ex in components.get("examples", {}).items()},
        schemas=components.get("schemas", {}),
    )


def _located(parameters: Iterable[Mapping[str, Any]], where: str) -> list[Mapping[str, Any]]:
    return [parameter for parameter in parameters if parameter.get("in") == where]
