"""Fixtures of the contract tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def spec_links(spec: dict[str, object]) -> set[str]:
    """The names under which the spec's responses declare links."""
    responses = spec["components"]["responses"]  # type: ignore[index]
    return {name for response in responses.values() for name in response.get("links", {})}
