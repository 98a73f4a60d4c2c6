"""AsyncJuspay: the asyncio client; its customers methods return awaitables."""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import Awaitable
from types import TracebackType
from typing import TYPE_CHECKING, TypeAlias

import httpx

from ._base_client import BaseClient
from ._resource import CustomersResource
from ._transport import send_async

# As in _client: what a call needs loads on the first call.
if TYPE_CHECKING:
    from ._core import Flow, Reply, Request
    from ._models import Customer, RawResponse

    AsyncCustomers: TypeAlias = CustomersResource[
        Awaitable[Customer], Awaitable[RawResponse[Customer]]
    ]
else:
    AsyncCustomers = CustomersResource  # the precise alias is for type checkers


class AsyncJuspay(BaseClient[httpx.AsyncClient]):
    """The async twin of Juspay: `await client.customers.get("cst_...")`.

    Close it with `await close()` or use it with `async with`.
    """

    _http_class = httpx.AsyncClient
    customers: AsyncCustomers

    def _bind(self) -> None:
        super()._bind()
        self.customers = CustomersResource(self)

    async def _run_raw(self, flow: Flow) -> RawResponse[Customer]:
        reply: Reply = None
        while True:
            try:
                step = flow.send(reply)
            except StopIteration as done:
                result: RawResponse[Customer] = done.value
                return result
            if isinstance(step, float | int):
                await asyncio.sleep(step)
                reply = None
            else:
                _check_loop(self._http, step)
                reply = await send_async(self._http, step)

    async def _run(self, flow: Flow) -> Customer:
        return (await self._run_raw(flow)).parse()

    async def close(self) -> None:
        """Close the connection pool (unless it was passed in as `http_client`)."""
        if self._owns_http:
            # Its connections' event loop may have closed (asyncio.run ended): they are gone.
            with contextlib.suppress(RuntimeError):
                await self._http.aclose()

    async def __aenter__(self) -> AsyncJuspay:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


# The event loop each async pool first sent in: its connections belong to that loop.
_LOOPS: weakref.WeakKeyDictionary[httpx.AsyncClient, asyncio.AbstractEventLoop] = (
    weakref.WeakKeyDictionary()
)


def _check_loop(http: httpx.AsyncClient, request: Request) -> None:
    """Nothing is sent from an event loop other than the one the pool first sent in, once
    that one has closed (`asyncio.run` per job): APIConnectionError, where httpx would send
    on some connections and fail on others (a create applied, its call failed)."""
    loop = asyncio.get_running_loop()
    first = _LOOPS.setdefault(http, loop)
    if first is not loop and first.is_closed():
        from ._core import other_loop_error

        raise other_loop_error(request)
