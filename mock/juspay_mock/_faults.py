"""Fault injection: make the next API requests fail the ways real networks and servers do."""

from __future__ import annotations

import asyncio
import math
import threading
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import jsonschema_rs
from juspay_customers._schema import not_unicode
from starlette.types import Message, Receive, Scope, Send

from ._responses import Answer, generic_error, header
from ._routes import Routes

ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_DELAY = 60  # seconds: a held answer outlasts any client timeout a test sets
MAX_RETRY_AFTER = 86_400  # seconds: a day, Retry-After's useful range for a client's retry policy
MAX_COUNT = 1_000_000
_NULLABLE_INT = {"type": ["integer", "null"]}
# The body of POST /_mock/faults, and the keyword arguments of MockServer.inject().
FAULT_SCHEMA = jsonschema_rs.Draft202012Validator(
    {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "count": {"type": "integer", "minimum": 1, "maximum": MAX_COUNT},
            "status": {**_NULLABLE_INT, "minimum": 400, "maximum": 599},
            "retry_after": {**_NULLABLE_INT, "minimum": 0, "maximum": MAX_RETRY_AFTER},
            "delay": {"type": ["number", "null"], "minimum": 0, "maximum": MAX_DELAY},
            "drop_after_write": {"type": "boolean"},
            "method": {"type": ["string", "null"], "minLength": 1},
            "path": {"type": ["string", "null"], "pattern": "^/"},
        },
    }
)
_WHOLE = ("count", "status", "retry_after")


@dataclass(frozen=True, slots=True)
class Fault:
    """What to do to a matching request.

    `status`: answer it with this error status (and `Retry-After: retry_after`) without
    processing it, after `delay` seconds if given. Otherwise process it (the write is
    stored), wait `delay` seconds, then answer or, with `drop_after_write`, close the
    connection without answering.
    """

    status: int | None = None
    retry_after: int | None = None
    delay: float | None = None
    drop_after_write: bool = False
    method: str | None = None
    path: str | None = None

    @classmethod
    def parse(cls, given: Mapping[str, Any]) -> tuple[Fault, int]:
        """A fault and its count from control input; `ValueError` naming what is wrong.

        `delay` is at most `MAX_DELAY` seconds, `retry_after` at most `MAX_RETRY_AFTER`, `count`
        at most `MAX_COUNT`; NaN and infinities are refused.
        """
        problems = [
            f"{name}: must be a finite number, not {value!r}"
            for name, value in given.items()
            if isinstance(value, float) and not math.isfinite(value)
        ]
        problems += [f"{e.field_name}: {e.reason}" for e in not_unicode(given)]
        if problems:  # the validator reads NaN and infinities as null, lone surrogates in part
            raise ValueError("; ".join(problems))
        try:
            problems = [
                f"{'.'.join(map(str, e.instance_path)) or 'faults'}: {e.message}"
                for e in FAULT_SCHEMA.iter_errors(given)
            ]
        except UnicodeEncodeError:
            problems = ["faults: text must be valid Unicode"]
        except ValueError as error:  # nested past the validator's limit, or not JSON data
            problems = [f"faults: {error}"]
        if problems:
            raise ValueError("; ".join(problems))
        # JSON's 2.0 is an integer to the schema; headers and counters want 2.
        fields: dict[str, Any] = {
            k: int(v) if k in _WHOLE and v is not None else v for k, v in given.items()
        }
        count = fields.pop("count", 1)
        fault = cls(**fields)
        if fault.status is not None and fault.drop_after_write:
            raise ValueError("faults: status and drop_after_write exclude each other")
        if fault.status is None and not fault.drop_after_write and not fault.delay:
            raise ValueError("faults: give a status, a delay or drop_after_write")
        if fault.method is not None:
            fault = cls(**{**fields, "method": fault.method.upper()})
        return fault, count

    def matches(self, method: str, paths: tuple[str, str, str | None]) -> bool:
        """Whether a request with `method` to a path with `paths` (`Routes.names`) meets it."""
        return (self.method is None or self.method == method) and (
            self.path is None or self.path in paths
        )


class FaultQueue(Protocol):
    """Where pending faults are kept: `Faults` in this process, or shared ones (`_redis`)."""

    def is_empty(self) -> bool: ...

    def add(self, api_key: str, fault: Fault, count: int) -> None: ...

    def clear(self, api_key: str | None = None) -> None: ...

    def take(self, api_key: str | None, method: str, sent: bytes) -> Fault | None: ...


class Faults:
    """The pending faults of each API key, in the order they were injected; thread-safe.

    A fault injected for one key only ever meets that key's API requests.
    """

    __slots__ = ("_lock", "_pending", "_routes")

    def __init__(self, routes: Routes) -> None:
        self._lock = threading.Lock()
        self._pending: dict[str, list[list[Any]]] = {}  # key: [[fault, remaining count], ...]
        self._routes = routes

    def is_empty(self) -> bool:
        return not self._pending

    def add(self, api_key: str, fault: Fault, count: int) -> None:
        with self._lock:
            self._pending.setdefault(api_key, []).append([fault, count])

    def clear(self, api_key: str | None = None) -> None:
        """Forget the faults of `api_key`, or of every key when None."""
        with self._lock:
            if api_key is None:
                self._pending.clear()
            else:
                self._pending.pop(api_key, None)

    def take(self, api_key: str | None, method: str, sent: bytes) -> Fault | None:
        """The fault for this request of `api_key` to path `sent` (as sent), if any
        (consuming one of its count)."""
        if api_key not in self._pending:  # the common case, without taking the lock
            return None
        paths = self._routes.names(sent)
        if paths[2] is None:  # not an API request
            return None
        with self._lock:
            pending = self._pending.get(api_key or "", [])
            for entry in pending:
                fault: Fault = entry[0]
                if fault.matches(method, paths):
                    entry[1] -= 1
                    if entry[1] == 0:
                        pending.remove(entry)
                        if not pending:
                            del self._pending[api_key or ""]
                    return fault
        return None


async def misbehave(
    fault: Fault, app: ASGIApp, scope: Scope, receive: Receive, send: Send
) -> str | None:
    """Serve one request through `app` the way `fault` says.

    For a `status` fault (the request is not processed), the answer's `x-request-id`, or None
    if it was never sent; None for the others (the app answers, and records, the request).
    """
    if fault.status is not None:
        return await _answer_status(fault, receive, send)
    await _process_then_misbehave(fault, app, scope, receive, send)
    return None


async def _answer_status(fault: Fault, receive: Receive, send: Send) -> str | None:
    assert fault.status is not None
    if fault.delay and not await _held(fault.delay, send):
        await _until_disconnected(receive)
        return None
    headers = () if fault.retry_after is None else (header("Retry-After", str(fault.retry_after)),)
    answer = Answer(fault.status, generic_error(fault.status, "injected fault"), headers)
    return await answer.send(send)


async def _process_then_misbehave(
    fault: Fault, app: ASGIApp, scope: Scope, receive: Receive, send: Send
) -> None:
    """Run the request for real, then delay the answer or drop the connection instead."""
    hung_up = False

    async def faulty_send(message: Message) -> None:
        nonlocal hung_up
        if hung_up:
            return
        if message["type"] == "http.response.start":
            if fault.delay and not await _held(fault.delay, send):
                hung_up = True
                return
            if fault.drop_after_write:
                _close_connection(send, abort=False)
                hung_up = True
                return
        await send(message)

    await app(scope, receive, faulty_send)
    if hung_up:
        await _until_disconnected(receive)


async def _held(delay: float, send: Send) -> bool:
    """Wait `delay` seconds; False if the server began stopping meanwhile and hung up."""
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        if _transport(send) is None:  # in process, there is no connection to hang up
            raise
        _close_connection(send, abort=True)
        return False
    return True


async def _until_disconnected(receive: Receive) -> None:
    """Wait until the server sees the connection gone, so it does not answer 500 for us."""
    while (await receive())["type"] != "http.disconnect":
        pass


def _transport(send: Send) -> Any:
    """The server's transport behind `send`, if any (uvicorn's `send` is a bound method of an
    object holding `transport`; ASGI itself has no way to close a connection unanswered)."""
    return getattr(getattr(send, "__self__", None), "transport", None)


def _close_connection(send: Send, abort: bool) -> None:
    """Close the client's connection without a response (`abort`: at once, and mute it).

    In process (httpx's ASGITransport, Starlette's TestClient) there is no connection: raise.
    """
    transport = _transport(send)
    if transport is None:
        raise ConnectionResetError("juspay_mock: connection dropped after the write (injected)")
    if abort:
        transport.abort()  # later writes (a shutting-down server's 500) go nowhere
    else:
        transport.close()  # a clean FIN: "server disconnected without sending a response"
