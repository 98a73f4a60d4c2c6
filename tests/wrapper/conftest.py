"""Facade fixtures: real clients against the real mock over loopback, sync and async alike.

`facade` makes clients of both kinds; an AsyncJuspay is wrapped so its calls run to the end
on one private event loop, so each HTTP test body covers both clients. Every request the
client puts on the wire is recorded (an httpx event hook), so tests can assert what was
sent, and that nothing was.

`wire` stands in for the network where a test needs answers no real server gives (odd
bodies, lost answers): an httpx transport that puts each request through h11, as a real
connection would, records it, and answers it from a script.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import h11
import httpx
import pytest
from juspay_customers import AsyncJuspay, Juspay, _core
from juspay_customers._resource import CustomersResource
from juspay_mock import MockServer

from tests.conftest import spec_document

# The Elixir page's create example, as the spec records it.
SPEC_EXAMPLES = spec_document()["components"]["examples"]
ELIXIR_CREATE: dict[str, str] = SPEC_EXAMPLES["CreateCustomerRequest"]["value"]
CUSTOMER: dict[str, str] = SPEC_EXAMPLES["CreatedCustomer"]["value"]


class Blocking:
    """Runs an async client's calls to completion on its loop, so tests call it like Juspay."""

    def __init__(self, target: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._target = target
        self._loop = loop

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._target, name)
        if not callable(attribute):
            return self._wrap(attribute)

        def call(*args: Any, **kwargs: Any) -> Any:
            result = attribute(*args, **kwargs)
            if inspect.isawaitable(result):
                return self._loop.run_until_complete(result)
            return self._wrap(result)

        return call

    def _wrap(self, value: Any) -> Any:
        wrapped = isinstance(value, AsyncJuspay | CustomersResource)
        return Blocking(value, self._loop) if wrapped else value

    def __repr__(self) -> str:
        return repr(self._target)


class Facade:
    """Makes clients for the mock of one kind (sync or async), all closed at teardown."""

    def __init__(self, kind: str, server: MockServer) -> None:
        self.kind = kind
        self.server = server
        self.sent: list[httpx.Request] = []
        self._loop = asyncio.new_event_loop() if kind == "async" else None
        self._closers: list[Callable[[], Any]] = []

    def client(self, *, record: bool = True, **kwargs: Any) -> Any:
        """A client for the mock; with `record`, through an httpx client that logs requests."""
        kwargs.setdefault("api_key", self.server.api_key)
        kwargs.setdefault("base_url", self.server.base_url)
        if self._loop is None:
            if record:
                http = httpx.Client(event_hooks={"request": [self.sent.append]})
                kwargs["http_client"] = http
                self._closers.append(http.close)
            client = Juspay(**kwargs)
            self._closers.append(client.close)
            return client
        if record:

            async def log(request: httpx.Request) -> None:
                self.sent.append(request)

            ahttp = httpx.AsyncClient(event_hooks={"request": [log]})
            kwargs["http_client"] = ahttp
            self._closers.append(ahttp.aclose)
        aclient = AsyncJuspay(**kwargs)
        self._closers.append(aclient.close)
        return Blocking(aclient, self._loop)

    def close(self) -> None:
        for close in reversed(self._closers):
            result = close()
            if self._loop is not None and inspect.isawaitable(result):
                self._loop.run_until_complete(result)
        if self._loop is not None:
            self._loop.close()


@pytest.fixture
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Back off from 20 ms instead of 500 ms, to keep the suite fast; the schedule itself is
    tested on synthetic replies, and Retry-After waits stay real."""
    monkeypatch.setattr(_core, "INITIAL_BACKOFF", 0.02)


@pytest.fixture(params=["sync", "async"])
def facade(request: pytest.FixtureRequest, juspay_mock: MockServer) -> Iterator[Facade]:
    made = Facade(request.param, juspay_mock)
    yield made
    made.close()


@pytest.fixture
def juspay(facade: Facade) -> Any:
    """A recording client (sync or async) for the reset mock, default options."""
    return facade.client()


Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


class Wire:
    """The network as an httpx transport: each request is serialised by h11 (so a value
    that cannot travel fails here as on a real connection), recorded in `sent`, and
    answered by the next scripted answer (an exception is raised, as a transport would),
    then by `default` (the spec's example customer unless set)."""

    def __init__(self) -> None:
        self.sent: list[httpx.Request] = []
        self.script: list[Answer] = []
        self.default: Answer = lambda request: httpx.Response(200, json=CUSTOMER)
        self.transport = httpx.MockTransport(self._handle)

    def answer(self, *answers: Answer) -> None:
        self.script.extend(answers)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        on_the_wire(request)
        self.sent.append(request)
        answer = self.script.pop(0) if self.script else self.default
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx.Response):
            return answer
        return answer(request)

    def lines(self) -> list[str]:
        """`METHOD raw-path` of each request sent, as its request line carried it."""
        return [f"{r.method} {r.url.raw_path.decode('ascii')}" for r in self.sent]


def on_the_wire(request: httpx.Request) -> bytes:
    """The request head as httpcore's h11 connection would send it; raises if it cannot."""
    connection = h11.Connection(h11.CLIENT)
    headers: Iterable[tuple[bytes, bytes]] = request.headers.raw
    return (
        connection.send(
            h11.Request(method=request.method, target=request.url.raw_path, headers=list(headers))
        )
        or b""
    )


class WireFacade:
    """Makes clients (sync or async) whose only network is `wire`."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.wire = Wire()
        self._loop = asyncio.new_event_loop() if kind == "async" else None
        self._closers: list[Callable[[], Any]] = []

    def client(self, **kwargs: Any) -> Any:
        kwargs.setdefault("api_key", "key")
        kwargs.setdefault("base_url", "http://127.0.0.1:9")
        if self._loop is None:
            http = httpx.Client(transport=self.wire.transport)
            self._closers.append(http.close)
            return Juspay(http_client=http, **kwargs)
        ahttp = httpx.AsyncClient(transport=self.wire.transport)
        self._closers.append(ahttp.aclose)
        return Blocking(AsyncJuspay(http_client=ahttp, **kwargs), self._loop)

    def close(self) -> None:
        for close in reversed(self._closers):
            result = close()
            if self._loop is not None and inspect.isawaitable(result):
                self._loop.run_until_complete(result)
        if self._loop is not None:
            self._loop.close()


@pytest.fixture(params=["sync", "async"])
def wired(request: pytest.FixtureRequest) -> Iterator[WireFacade]:
    made = WireFacade(request.param)
    yield made
    made.close()


@pytest.fixture
def wire(wired: WireFacade) -> Wire:
    return wired.wire


class Recorder(BaseHTTPRequestHandler):
    """Answers every request with the example customer, after noting its request line."""

    server: RecordingServer

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        self.rfile.read(length)
        self.server.lines.append(f"{self.command} {self.path}")
        self.server.headers.append(dict(self.headers.items()))
        self.server.header_lines.append(list(self.headers.items()))
        body = json.dumps(CUSTOMER).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet


class RecordingServer(ThreadingHTTPServer):
    """A real HTTP server on 127.0.0.1: `lines` are the request lines exactly as received."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Recorder)
        self.lines: list[str] = []
        self.headers: list[dict[str, str]] = []
        self.header_lines: list[list[tuple[str, str]]] = []  # each request's, repeats kept
        self.base_url = f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def recording_server() -> Iterator[RecordingServer]:
    server = RecordingServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)
