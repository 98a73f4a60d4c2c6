"""Read the OpenAPI document once and compile what each request needs from it.

Everything the mock knows about field rules comes from here: the routes, the methods, and a
compiled JSON Schema validator per operation for its path, query, header and body fields.
Nothing is looked up in the spec while a request is served.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

# One notion of validity for the facade and the mock (the facade's own module).
from juspay_customers._schema import FieldSet, parameters_schema

SPEC_NAME = "juspay-customers.yaml"
# An editable install runs from the repository, where the spec lives beside mock/.
_REPO_SPEC = Path(__file__).resolve().parents[2] / "openapi" / SPEC_NAME
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
                path_params=FieldSet(parameters_schema(_located(params, "path"))),
                query=FieldSet(parameters_schema(_located(params, "query"))),
                headers=FieldSet(parameters_schema(_headers(params))),
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


def _headers(parameters: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The header parameters, named in lower case as ASGI gives header names."""
    return [{**header, "name": header["name"].lower()} for header in _located(parameters, "header")]
