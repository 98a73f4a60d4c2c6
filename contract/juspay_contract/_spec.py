"""Where the OpenAPI document is: inside the package (a wheel), else beside it (a checkout);
and what it names, for checking options against it before a run."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

SPEC_NAME = "juspay-customers.yaml"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# An editable install runs from the repository, where the spec lives in openapi/.
_REPO_SPEC = Path(__file__).resolve().parents[2] / "openapi" / SPEC_NAME


def spec_path() -> Path:
    """The spec shipped inside the package, else the repository's copy.

    Raises `FileNotFoundError` when neither exists (a broken install).
    """
    shipped = resources.files("juspay_contract").joinpath("openapi", SPEC_NAME)
    if shipped.is_file():
        return Path(str(shipped))
    if _REPO_SPEC.is_file():
        return _REPO_SPEC
    raise FileNotFoundError(
        f"juspay_contract: {SPEC_NAME} is neither in the package nor at {_REPO_SPEC}"
    )


@cache
def spec_document() -> dict[str, Any]:
    """The spec, parsed once per process: read it, never change it."""
    with spec_path().open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.safe_load(handle)
    return document


def operation_ids() -> tuple[str, ...]:
    """Every operationId of the spec, in its order."""
    return tuple(
        str(item[method]["operationId"])
        for item in spec_document().get("paths", {}).values()
        for method in HTTP_METHODS
        if method in item and "operationId" in item[method]
    )


@cache
def vocabulary() -> frozenset[str]:
    """Every name and text the spec holds (paths, operation labels, operationIds, field and
    link names, examples): what the suite prints that comes from the spec, not from a run."""
    words = set(_strings(spec_document()))
    for path, item in spec_document().get("paths", {}).items():
        words.update(f"{method.upper()} {path}" for method in HTTP_METHODS if method in item)
    return frozenset(words)


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)
