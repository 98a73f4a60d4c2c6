"""Facade fixtures: real clients against the real mock over loopback, sync and async alike.

`facade` makes clients of both kinds; an AsyncJuspay is wrapped so its calls run to the end
on one private event loop, so each HTTP test body covers both clients. Every request the
client puts on the wire is recorded (an httpx event hook), so tests can assert what was
sent, and that nothing was.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from juspay_customers import AsyncJuspay, Juspay, _core
from juspay_customers._resource import CustomersResource
from juspay_mock import MockServer

from tests.conftest import spec_document

# The Elixir page's create example, as the spec records it.
SPEC_EXAMPLES = spec_document()["components"]["examples"]
ELIXIR_CREATE: dict[str, str] = SPEC_EXAMPLES["CreateCustomerRequest"]["value"]


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
