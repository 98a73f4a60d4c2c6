"""Fixtures for the mock's tests: the app in process and over loopback, every answer checked.

Each client here validates every response it receives against the spec (an httpx response
hook), so no test can pass on an answer the spec does not allow.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from functools import cache
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from juspay_mock import MockApp, MockServer, create_app

from tests.conftest import spec_document as _spec
from tests.spec.test_spec import resolve, validator_for

API_KEYS = ("key_a", "key_b")
# Statuses the spec does not list that the mock may still answer, always in the Error shape.
UNDOCUMENTED = {405, 413, 415}


# The Elixir page's create example, as the spec quotes it.
ELIXIR_CREATE: dict[str, str] = _spec()["components"]["examples"]["CreateCustomerRequest"]["value"]


@cache
def _validator(pointer: str) -> Draft202012Validator:
    return validator_for(_spec(), {"$ref": pointer})


def _operation(method: str, path: str) -> tuple[str, dict[str, Any]] | None:
    for template, item in _spec()["paths"].items():
        if re.fullmatch(re.sub(r"\{[^/]+\}", "[^/]+", template), path):
            op = item.get(method.lower())
            return (template, op) if op else (template, {})
    return None


def assert_conforms(response: httpx.Response) -> None:
    """Fail unless `response` is one the spec allows for its request."""
    request = response.request
    found = _operation(request.method, request.url.path)
    if found is None or response.status_code == 204:
        return  # control endpoints, unknown paths
    _, op = found
    status = str(response.status_code)
    documented = op.get("responses", {}).get(status)
    if documented is None:
        assert response.status_code in UNDOCUMENTED or "injected" in response.text, response.text
        if response.status_code == 405:
            assert response.headers["allow"]
        if request.method == "HEAD":
            return  # no body
        _validator("#/components/schemas/Error").validate(response.json())
        return
    documented = resolve(_spec(), documented)
    for header in documented.get("headers", {}):
        assert header.lower() in response.headers, f"{status} without {header}"
    assert response.headers["content-type"].startswith("application/json")
    media = documented["content"]["application/json"]["schema"]
    _validator(media["$ref"]).validate(response.json())


def _check(response: httpx.Response) -> None:
    response.read()
    assert_conforms(response)


async def _acheck(response: httpx.Response) -> None:
    await response.aread()
    assert_conforms(response)


@pytest.fixture
def app() -> MockApp:
    return create_app(API_KEYS)


def in_process(app: MockApp, api_key: str = API_KEYS[0]) -> httpx.AsyncClient:
    """An httpx client calling `app` in process, checking every answer against the spec."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver",
        auth=(api_key, ""),
        event_hooks={"response": [_acheck]},
    )


@pytest.fixture
async def api(app: MockApp) -> AsyncIterator[httpx.AsyncClient]:
    """The app in process, authenticated with the first key."""
    async with in_process(app) as client:
        yield client


@pytest.fixture(scope="session")
def server() -> Iterator[MockServer]:
    with MockServer(api_keys=API_KEYS) as running:
        yield running


@pytest.fixture
def live(server: MockServer) -> Iterator[httpx.Client]:
    """A real HTTP client for the (reset) loopback server, authenticated with the first key."""
    server.reset()
    hooks = {"response": [_check]}
    with httpx.Client(base_url=server.base_url, auth=(API_KEYS[0], ""), event_hooks=hooks) as c:
        yield c
