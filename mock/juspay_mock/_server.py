"""`MockServer`: the mock on a free loopback port, served by uvicorn in a background thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any

import uvicorn

from . import _uvicorn
from ._app import create_app
from ._journal import RecordedRequest
from ._limits import DEFAULT_JOURNAL_SIZE, Limits
from ._store import Store

if TYPE_CHECKING:
    from juspay_customers import Juspay

STARTUP_TIMEOUT = 10.0
LISTED = 20  # requests an `assert_requested` failure lists: the newest


class MockServer:
    """A running mock for tests: `with MockServer(api_keys=["k"]) as server: ...`.

    `ValueError` at construction for an empty API key or a merchant id no header can carry;
    `limits` bound what each connection may take (default `Limits()`, README "The mock server").
    `admin_token`, `journal_size` and `store` as for `create_app`.

    The controls act in process on the first API key's merchant unless given `api_key`; over
    HTTP, `/_mock/...` calls need that key's Basic credentials (or the admin token).
    """

    def __init__(
        self,
        api_keys: Sequence[str] = ("test_key",),
        merchant_id: str | None = None,
        host: str = "127.0.0.1",
        limits: Limits | None = None,
        *,
        admin_token: str | None = None,
        journal_size: int = DEFAULT_JOURNAL_SIZE,
        store: Store | str | None = None,
    ) -> None:
        self.app = create_app(
            api_keys, merchant_id, admin_token=admin_token, journal_size=journal_size, store=store
        )
        self._owns_store = isinstance(store, str)  # opened here from a URL: closed here too
        self._store_closed = False
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
        if self._store_closed:
            raise RuntimeError(
                "MockServer closed the store it opened from a URL when it stopped;"
                " start a new MockServer"
            )
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
        """Stop serving and wait for the thread to end. A store given as a URL was opened
        here and is closed here (its connections and files released): such a server cannot
        start again. A `Store` object given stays open, its owner's to close."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None and thread is not None:
            server.should_exit = True
            thread.join()
            if self._owns_store:
                self.app.control.state.store.close()
                self._store_closed = True

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def reset(self, api_key: str | None = None) -> None:
        """Forget customers, pending faults and journal: of every key, or of `api_key` only."""
        self.app.control.reset(api_key)

    def seed(self, customers: Iterable[Mapping[str, Any]], api_key: str | None = None) -> None:
        """Store `customers` (spec-shaped; id and timestamps filled in when absent)."""
        self.app.control.seed(customers, api_key)

    def customers(self, api_key: str | None = None) -> list[dict[str, Any]]:
        """Every stored customer of `api_key`, as the API answers them, in the order stored."""
        return self.app.control.customers(api_key)

    def customer(self, id_or_reference: str, api_key: str | None = None) -> dict[str, Any] | None:
        """The stored customer with this `cst_` id or `object_reference_id`; None if none."""
        return self.app.control.customer(id_or_reference, api_key)

    def requests(
        self,
        operation: str | None = None,
        *,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        since: datetime | None = None,
        api_key: str | None = None,
    ) -> list[RecordedRequest]:
        """The journal of `api_key`, oldest first: `operation` an operationId
        (`createCustomer`), `method` an HTTP method, `path` a request path or the spec's
        template, `status` 100-599, `since` an aware datetime. `ValueError` for an operationId,
        method or template the spec or HTTP does not have (a typo never silently matches
        nothing), a status outside 100-599, a naive `since` or a key the mock does not have;
        `TypeError` for a filter of another type."""
        return self.app.control.requests(
            api_key, operation=operation, method=method, path=path, status=status, since=since
        )

    def clear_requests(self, api_key: str | None = None) -> None:
        """Forget the journal of `api_key`."""
        self.app.control.clear_requests(api_key)

    def assert_requested(
        self,
        operation: str | None = None,
        times: int | None = 1,
        *,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        since: datetime | None = None,
        api_key: str | None = None,
    ) -> list[RecordedRequest]:
        """The matching requests; `AssertionError` unless there are `times` of them (None: at
        least one), listing the requests received instead (the newest `LISTED`, personal data
        masked) and saying when the journal is full (older ones may have been dropped); with
        the journal off it always fails, as nothing can be checked. `times` is a whole number
        >= 0 or None: `TypeError`/`ValueError` otherwise, as for the filters."""
        if times is not None and (not isinstance(times, int) or isinstance(times, bool)):
            raise TypeError(f"times: expected int or None, got {type(times).__name__}")
        if times is not None and times < 0:
            raise ValueError(f"times: {times} is below 0")
        found = self.requests(
            operation, method=method, path=path, status=status, since=since, api_key=api_key
        )
        kept = self.app.control.journal.size
        if not kept:  # `times=0` would pass whatever was sent
            raise AssertionError(
                f"the journal is off (journal_size=0): no {operation or 'request'} can be checked"
            )
        if len(found) == times or (times is None and found):
            return found
        filters = {"method": method, "path": path, "status": status, "since": since}
        wanted = ", ".join(f"{k}={v!r}" for k, v in filters.items() if v is not None)
        expected = "at least 1" if times is None else str(times)
        received = self.requests(api_key=api_key)
        listing = "".join(f"\n  {entry!r}" for entry in received[-LISTED:])
        received_text = (
            (f" {len(received)}, the newest {LISTED}:" if len(received) > LISTED else "")
            + (listing or " nothing")
            + (
                f"\n  (the journal keeps the last {kept} requests of a key; it is full,"
                " so older ones may have been dropped)"
                if len(received) >= kept
                else ""
            )
        )
        raise AssertionError(
            f"expected {expected} {operation or 'any'} request(s)"
            f"{f' with {wanted}' if wanted else ''}, found {len(found)}; received:{received_text}"
        )

    def inject(
        self,
        status: int | None = None,
        retry_after: int | None = None,
        delay: float | None = None,
        drop_after_write: bool = False,
        count: int = 1,
        method: str | None = None,
        path: str | None = None,
        api_key: str | None = None,
    ) -> None:
        """Make the next `count` matching API requests of `api_key` fail; see
        `juspay_mock._faults.Fault`."""
        self.app.control.inject(
            api_key,
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
