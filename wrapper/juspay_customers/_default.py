"""The module-level facade: `Customers.create({...})` with a client from the environment."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

from ._client import Juspay, SyncCustomers
from ._models import Customer, RawResponse
from ._options import CallOptions, Secret
from ._resource import CustomersResource, Executor

if TYPE_CHECKING:
    from ._resource import Operation

# The default client, and how many calls are running on each client that was the default:
# a client replaced by configure() is closed when its last call finishes, never under one.
_lock = threading.Lock()
_client: Juspay | None = None
_calls: dict[Juspay, int] = {}
_replaced: set[Juspay] = set()


def configure(**settings: Any) -> Juspay:
    """Replace the default client with `Juspay(**settings)`; returns it.

    Thread-safe. Calls already running on the previous client finish on it; it is closed
    when the last of them does (at once if none is running). Bad settings raise
    ParameterError and leave the default client as it was.
    """
    global _client
    if isinstance(settings.get("api_key"), str):  # a traceback's locals show Secret('***')
        settings["api_key"] = Secret(settings["api_key"])
    client = Juspay(**settings)
    with _lock:
        previous, _client = _client, client
        close_now = previous is not None and previous not in _calls
        if previous is not None and not close_now:
            _replaced.add(previous)
    if close_now:
        cast(Juspay, previous).close()
    return client


def default_client() -> Juspay:
    """The client behind `Customers`: the configured one, else one from JUSPAY_* variables."""
    global _client
    with _lock:
        if _client is None:
            _client = Juspay()
        return _client


@contextmanager
def _lease() -> Iterator[Juspay]:
    """The default client, kept open until the block ends even if configure() replaces it."""
    global _client
    with _lock:
        if _client is None:
            _client = Juspay()
        client = _client
        _calls[client] = _calls.get(client, 0) + 1
    try:
        yield client
    finally:
        with _lock:
            running = _calls.pop(client) - 1
            if running:
                _calls[client] = running
            close = not running and client in _replaced
            if close:
                _replaced.discard(client)
        if close:
            client.close()


class _DefaultCustomers(CustomersResource[Customer, RawResponse[Customer]]):
    """`client.customers` of whatever the default client is when each call starts."""

    def __init__(self, *, raw: bool = False) -> None:
        self._raw = raw

    def _executor(self) -> Executor[Customer, RawResponse[Customer]]:
        return default_client()

    @property
    def with_raw_response(self) -> CustomersResource[RawResponse[Customer], RawResponse[Customer]]:
        return cast(
            "CustomersResource[RawResponse[Customer], RawResponse[Customer]]",
            _DefaultCustomers(raw=True),
        )

    def _call(
        self,
        plan: Operation,
        positional: tuple[object, ...],
        fields: Mapping[str, object],
        request_options: CallOptions | None,
    ) -> Any:
        with _lease() as client:
            return self._call_on(client, plan, positional, fields, request_options)

    def __repr__(self) -> str:
        return "<juspay_customers.Customers: the default client's customers>"


Customers: SyncCustomers = _DefaultCustomers()
