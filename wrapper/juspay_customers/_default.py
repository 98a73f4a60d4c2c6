"""The module-level facade: `Customers.create({...})` with a client from the environment."""

from __future__ import annotations

import threading
from typing import Any

from ._client import Juspay, SyncCustomers
from ._models import Customer, RawResponse
from ._resource import CustomersResource, Executor

_lock = threading.Lock()
_client: Juspay | None = None


def configure(**settings: Any) -> Juspay:
    """Replace the default client with `Juspay(**settings)` (closing the old one); returns it."""
    global _client
    client = Juspay(**settings)
    with _lock:
        previous, _client = _client, client
    if previous is not None:
        previous.close()
    return client


def default_client() -> Juspay:
    """The client behind `Customers`: the configured one, else one from JUSPAY_* variables."""
    global _client
    with _lock:
        if _client is None:
            _client = Juspay()
        return _client


class _DefaultCustomers(CustomersResource[Customer, RawResponse[Customer]]):
    """`client.customers` of whatever the default client is at call time."""

    def __init__(self) -> None:
        self._raw = False

    def _executor(self) -> Executor[Customer, RawResponse[Customer]]:
        return default_client()

    def __repr__(self) -> str:
        return "<juspay_customers.Customers: the default client's customers>"


Customers: SyncCustomers = _DefaultCustomers()
