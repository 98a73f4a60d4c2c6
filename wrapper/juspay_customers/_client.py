"""Juspay: the blocking client."""

from __future__ import annotations

import time
from types import TracebackType
from typing import TYPE_CHECKING, TypeAlias

import httpx

from ._base_client import BaseClient
from ._resource import CustomersResource
from ._transport import send

# What a call needs (flows, the generated client, the typed customer) loads on the first
# call, so `from juspay_customers import Juspay` costs little more than `import httpx`.
if TYPE_CHECKING:
    from ._core import Flow, Reply
    from ._models import Customer, RawResponse

    SyncCustomers: TypeAlias = CustomersResource[Customer, RawResponse[Customer]]
else:
    SyncCustomers = CustomersResource  # the precise alias is for type checkers


class Juspay(BaseClient[httpx.Client]):
    """A Juspay Customers API client: `Juspay(api_key=...).customers.create({...})`.

    Close it with `close()` or use it as a context manager.
    """

    _http_class = httpx.Client
    customers: SyncCustomers

    def _bind(self) -> None:
        super()._bind()
        self.customers = CustomersResource(self)

    def _run_raw(self, flow: Flow) -> RawResponse[Customer]:
        reply: Reply = None
        while True:
            try:
                step = flow.send(reply)
            except StopIteration as done:
                result: RawResponse[Customer] = done.value
                return result
            if isinstance(step, float | int):
                time.sleep(step)
                reply = None
            else:
                reply = send(self._http, step)

    def _run(self, flow: Flow) -> Customer:
        return self._run_raw(flow).parse()

    def close(self) -> None:
        """Close the connection pool (unless it was passed in as `http_client`)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Juspay:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
