"""`MockServer`: the mock on a free loopback port, served by uvicorn in a background thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

import uvicorn

from . import _uvicorn
from ._app import create_app
from ._limits import Limits

if TYPE_CHECKING:
    from juspay_customers import Juspay

STARTUP_TIMEOUT = 10.0


class MockServer:
    """A running mock for tests: `with MockServer(api_keys=["k"]) as server: ...`.

    `ValueError` at construction for an empty API key or a merchant id no header can carry;
    `limits` bound what each connection may take (default `Limits()`, README "The mock server").
    """

    def __init__(
        self,
        api_keys: Sequence[str] = ("test_key",),
        merchant_id: str | None = None,
        host: str = "127.0.0.1",
        limits: Limits | None = None,
    ) -> None:
        self.app = create_app(api_keys, merchant_id)
        self.host = host
        self.limits = Limits() if limits is None else limits
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._port = 0

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("MockServer is not running; use it in a `with` block")
        host = f"[{self.host}]" if ":" in self.host else self.host  # an IPv6 address
        return f"http://{host}:{self._port}"

    @property
    def api_key(self) -> str:
        """The first API key, the one `client()` and `seed()` use by default."""
        return self.app.control.api_keys[0]

    def start(self) -> MockServer:
        """Bind a free port and serve until `stop()`; returns once requests are accepted."""
        if self._server is not None:
            raise RuntimeError("MockServer is already running")
        sock = _uvicorn.bind(self.host, 0)
        self._port = sock.getsockname()[1]
        server = uvicorn.Server(_uvicorn.config(self.app, self.limits))
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="juspay-mock", daemon=True
        )
        thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                sock.close()
                raise RuntimeError("juspay_mock: the server did not start")
            time.sleep(0.005)
        self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread to end."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None and thread is not None:
            server.should_exit = True
            thread.join()

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def reset(self) -> None:
        """Forget every customer and every pending fault."""
        self.app.control.reset()

    def seed(self, customers: Iterable[Mapping[str, Any]], api_key: str | None = None) -> None:
        """Store `customers` (spec-shaped; id and timestamps filled in when absent)."""
        self.app.control.seed(customers, api_key)

    def inject(
        self,
        status: int | None = None,
        retry_after: int | None = None,
        delay: float | None = None,
        drop_after_write: bool = False,
        count: int = 1,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        """Make the next `count` matching API requests fail; see `juspay_mock._faults.Fault`."""
        self.app.control.inject(
            status=status,
            retry_after=retry_after,
            delay=delay,
            drop_after_write=drop_after_write,
            count=count,
            method=method,
            path=path,
        )

    def client(self, **juspay_kwargs: Any) -> Juspay:
        """A `juspay_customers.Juspay` facade for this server (its first key by default)."""
        from juspay_customers import Juspay  # the facade is optional for the mock alone

        juspay_kwargs.setdefault("api_key", self.api_key)
        return Juspay(base_url=self.base_url, **juspay_kwargs)
