"""Fixtures shared by every layer's tests."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SPEC_PATH = ROOT / "openapi" / "juspay-customers.yaml"


@cache
def spec_document() -> dict[str, Any]:
    """The OpenAPI document, parsed once for the whole run: read it, never change it."""
    with SPEC_PATH.open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.safe_load(handle)
    return document


@pytest.fixture(scope="session")
def spec() -> dict[str, Any]:
    return spec_document()
