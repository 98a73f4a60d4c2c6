"""Read the OpenAPI document once and compile what each request needs from it.

Everything the mock knows about field rules comes from here: the routes, the methods, and a
compiled JSON Schema validator per operation for its path, query, header and body fields.
Nothing is looked up in the spec while a request is served.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema_rs
import yaml

SPEC_NAME = "juspay-customers.yaml"
# An editable install runs from the repository, where the spec lives beside mock/.
_REPO_SPEC = Path(__file__).resolve().parents[2] / "openapi" / SPEC_NAME
_TRUE_FALSE = {"true": True, "false": False}
HTTP_METHODS = ("GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE")


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


class Schema:
    """One JSON Schema (draft 2020-12, refs inlined), compiled once, formats checked.

    The validator is jsonschema-rs, the one schemathesis checks with, so the mock and the
    contract suite share one notion of validity. Its regexes follow ECMA-262 where it matters:
    `$` is the end of the text, so "9988776655\\n" fails `^[0-9]{4,15}$` (Python's `re`
    would let it through).
    """

    __slots__ = ("_schema", "_validator")

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self._schema = schema
        self._validator = jsonschema_rs.Draft202012Validator(dict(schema), validate_formats=True)

    def is_valid(self, instance: Any) -> bool:
        return self._validator.is_valid(instance)

    def errors(self, instance: Any) -> list[FieldError]:
        """Every rule `instance` breaks, naming the field and the reason."""
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
        reasons = {
            "type": f"must be of type {expected}",
            "pattern": f"must match {expected}",
            "format": f"must be a valid {expected}",
            "minLength": f"must be at least {expected} characters long",
            "maxLength": f"must be at most {expected} characters long",
            "const": f"must be {expected!r}",
            "enum": f"must be one of {expected!r}",
        }
        return FieldError(".".join(path) or "body", reasons.get(kind, error.message))

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


def path_pattern(template: str) -> tuple[re.Pattern[str], tuple[str, ...]]:
    """A regex to `fullmatch` the request paths of a spec path template, and its parameters.

    Each `{name}` matches one non-empty segment, as in Starlette's routes.
    """
    names = tuple(re.findall(r"\{([^/{}]+)\}", template))
    pattern = re.sub(r"\\\{[^/]+?\\\}", "([^/]+)", re.escape(template))
    return re.compile(pattern), names


def _located(parameters: Iterable[Mapping[str, Any]], where: str) -> list[Mapping[str, Any]]:
    return [parameter for parameter in parameters if parameter.get("in") == where]
