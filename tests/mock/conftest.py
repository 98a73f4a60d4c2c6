"""Fixtures for the mock's tests: the app in process and over loopback, every answer checked.

Each client here validates every response it receives against the spec (an httpx response
hook), so no test can pass on an answer the spec does not allow.
"""

from __future__ import annotations

import json
import re
import socket
import weakref
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from juspay_mock import MockApp, MockServer, create_app

from tests.conftest import spec_document as _spec
from tests.spec.test_spec import resolve, validator_for

API_KEYS = ("key_a", "key_b")
# Statuses the spec does not list that the mock may still answer, always in the Error shape:
# a wrong method or media type, and the limits of README "The mock server".
UNDOCUMENTED = {405, 408, 413, 415, 431, 503}


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


@dataclass(frozen=True)
class RawResponse:
    """One HTTP/1.1 response as it came off the wire."""

    status: int
    headers: dict[str, str]  # lower-case names; a repeated header's last value
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def assert_error_shape(response: RawResponse) -> None:
    """Fail unless `response` is JSON in the spec's `Error` shape, naming what went wrong."""
    assert response.headers["content-type"].startswith("application/json"), response
    body = response.json()
    _validator("#/components/schemas/Error").validate(body)
    assert body["error_info"]["code"], body


# Bytes read past the end of a response: a pipelined answer may arrive in the same segment.
_unread: weakref.WeakKeyDictionary[socket.socket, bytes] = weakref.WeakKeyDictionary()


def read_response(sock: socket.socket, head: bool = False) -> RawResponse | None:
    """The next final (non-1xx) response on `sock`; None if the server closed without one.

    `head`: the answer is to a HEAD request, so it has no body whatever its Content-Length.
    What is read past this response is kept for the next call on the same socket.
    """
    buffer = _unread.pop(sock, b"")
    while True:
        while b"\r\n\r\n" not in buffer:
            chunk = sock.recv(65536)
            if not chunk:
                return None
            buffer += chunk
        response_head, _, buffer = buffer.partition(b"\r\n\r\n")
        status_line, *lines = response_head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ")[1])
        headers = {}
        for line in lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if 100 <= status < 200:
            continue
        length = 0 if head or status in {204, 304} else int(headers.get("content-length", "0"))
        while len(buffer) < length:
            chunk = sock.recv(65536)
            if not chunk:
                return None
            buffer += chunk
        _unread[sock] = buffer[length:]
        return RawResponse(status, headers, buffer[:length])


def exchange(address: tuple[str, int], request: bytes, timeout: float = 10) -> RawResponse | None:
    """Send `request` as raw bytes on a new connection and read the answer to it."""
    with socket.create_connection(address, timeout=timeout) as sock:
        sock.sendall(request)
        return read_response(sock)


def closed_by_server(sock: socket.socket) -> bool:
    """Whether the server has closed `sock` (reading waits up to the socket's timeout)."""
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def server_address(server: MockServer) -> tuple[str, int]:
    host, _, port = server.base_url.removeprefix("http://").rpartition(":")
    return host, int(port)
