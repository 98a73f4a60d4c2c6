"""How uvicorn serves the mock: httptools and uvloop, the mock's limits, one write per response.

uvicorn's httptools protocol is extended in three ways:

- Limits (`Limits`, README "The mock server"): a request head over `max_header_size` bytes is
  answered 431, a request that has not fully arrived within `request_timeout` seconds 408, and a
  request on a connection beyond `max_connections` 503; each then closes its connection. The
  bookkeeping is a few integer updates per received chunk and a timer only for requests that
  span chunks, so the usual request (one chunk) pays next to nothing.
- Requests that are not HTTP (uvicorn answers `text/plain`) are answered 400 in Juspay's JSON
  error shape, like every other answer of the mock.
- uvicorn writes a response's head and its body to the transport separately, and uvloop sends
  each write at once: two `write` syscalls per response, each waking the client. Over loopback
  that was about a third of the mock's CPU time under load. The transport here joins the
  writes made in one turn of the event loop, so the bytes on the wire are the same and arrive
  in one segment.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from functools import cache
from typing import Any, ClassVar

import httptools
import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from ._limits import Limits
from ._responses import Answer, generic_error, header, request_id

# Requests held by a `delay` fault must not keep a stopping server alive for long.
SHUTDOWN_GRACE = 1
BACKLOG = 2048  # uvicorn's default
# After a refusal (400, 408, 431) the client may still be sending. Closing at once would make
# the kernel answer that data with a reset, which can destroy the refusal before the client
# reads it; so the mock sends its answer and a FIN, then discards what arrives for this long.
LINGER = 1.0


class _JoiningTransport(asyncio.Transport):
    """A transport that buffers writes until the event loop's next turn, then sends them."""

    __slots__ = ("_loop", "_pending", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not self._pending:
            self._loop.call_soon(self._flush)
        self._pending.append(bytes(data))

    def _flush(self) -> None:
        pending, self._pending = self._pending, []
        if pending and not self._transport.is_closing():
            self._transport.write(b"".join(pending))

    def close(self) -> None:
        self._flush()  # what was written before close() is still sent, as with any transport
        self._transport.close()

    def abort(self) -> None:
        self._pending.clear()
        self._transport.abort()

    def write_eof(self) -> None:
        self._flush()
        self._transport.write_eof()

    def can_write_eof(self) -> bool:
        return self._transport.can_write_eof()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._transport.get_extra_info(name, default)

    def pause_reading(self) -> None:
        self._transport.pause_reading()

    def resume_reading(self) -> None:
        self._transport.resume_reading()

    def is_reading(self) -> bool:
        return self._transport.is_reading()

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self._transport.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self._transport.get_protocol()

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + sum(map(len, self._pending))


class _Refusal(Exception):
    """Raised in a parser callback: stop reading the request and answer `status` instead."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


_TOO_MANY_CONNECTIONS = Answer(
    503,
    generic_error(503, "Too many open connections; retry on a new connection."),
    (header("Retry-After", "1"), header("Connection", "close")),
)


async def _too_many_connections(scope: Scope, receive: Receive, send: Send) -> None:
    await _TOO_MANY_CONNECTIONS.send(send)


class MockHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with the mock's limits and answers; see the module doc."""

    limits: ClassVar[Limits] = Limits()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._receiving = False  # a request has begun and not fully arrived
        self._head_open = False  # its line and headers are still arriving
        self._head_began_in_chunk = False  # ... and began in the chunk being parsed
        self._head_bytes = 0  # received bytes of chunks the head touched (at least its size)
        self._head_whole_chunks = 0  # bytes of chunks all of which were head (at most its size)
        self._chunk_size = 0
        self._request_timer: asyncio.TimerHandle | None = None
        self._refused = False  # a request was refused: what still arrives is discarded

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(_JoiningTransport(transport, self.loop))
        if len(self.connections) > self.limits.max_connections:
            self.app = _too_many_connections
        self._request_timer = self.loop.call_later(
            self.limits.request_timeout, self._request_timed_out
        )

    def connection_lost(self, exc: Exception | None) -> None:
        if self._request_timer is not None:
            self._request_timer.cancel()
            self._request_timer = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        self._unset_keepalive_if_required()
        self._chunk_size = len(data)
        self._head_began_in_chunk = False
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            pass  # the mock upgrades to nothing: the request was served as plain HTTP
        except httptools.HttpParserError as error:
            refusal = error.__context__
            if isinstance(refusal, _Refusal):
                self._refuse(refusal.status, refusal.detail)
            else:
                self._refuse(400, f"Not a valid HTTP/1.1 request: {error}")
            return
        if not self._receiving:
            return
        if self._request_timer is None:
            self._request_timer = self.loop.call_later(
                self.limits.request_timeout, self._request_timed_out
            )
        if self._head_open:
            self._head_bytes += len(data)
            if not self._head_began_in_chunk:
                self._head_whole_chunks += len(data)
                if self._head_whole_chunks > self.limits.max_header_size:
                    self._refuse(431, self._head_too_large())

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._receiving = self._head_open = self._head_began_in_chunk = True
        self._head_bytes = self._head_whole_chunks = 0

    def on_headers_complete(self) -> None:
        self._head_open = False
        limit = self.limits.max_header_size
        # The exact size costs a pass over the headers: only when the bytes received say it may
        # be over the limit.
        if self._head_bytes + self._chunk_size > limit and self._head_size() > limit:
            raise _Refusal(431, self._head_too_large())
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._receiving = False
        if self._request_timer is not None:
            self._request_timer.cancel()
            self._request_timer = None
        super().on_message_complete()

    def _head_size(self) -> int:
        """The request line's and headers' bytes, counted as `name: value` lines."""
        lines = sum(len(name) + len(value) + 4 for name, value in self.headers)
        return len(self.parser.get_method()) + len(self.url) + len(" HTTP/1.1\r\n\r\n") + lines

    def _head_too_large(self) -> str:
        return f"The request line and headers exceed {self.limits.max_header_size} bytes."

    def _request_timed_out(self) -> None:
        self._request_timer = None
        if self.transport.is_closing():
            return
        if self._receiving:
            timeout = self.limits.request_timeout
            self._refuse(408, f"The request did not arrive within {timeout:g} seconds.")
        else:  # nothing was sent since the connection opened: there is nothing to answer
            self.transport.close()

    def _refuse(self, status: int, detail: str) -> None:
        """Refuse the request being received: read no more from this connection, and hang up.

        A request still in flight before it (pipelined) is answered first, then the connection
        closes; the refused one gets no answer. Otherwise the refusal is answered in Juspay's
        error shape, unless the app's own answer has begun (then it is cut short).
        """
        if self.transport.is_closing():
            return
        self._refused = True
        if self._request_timer is not None:
            self._request_timer.cancel()
            self._request_timer = None
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            if self._head_open or not self._receiving:  # a later request than the cycle's
                cycle.keep_alive = False
                return
            if cycle.response_started:
                self.transport.close()
                return
            cycle.disconnected = True  # the app's answer, if any, has nowhere to go now
        self.transport.write(self._error_response(status, detail))
        self._request_timer = self.loop.call_later(LINGER, self.transport.close)
        if self.transport.can_write_eof():
            self.transport.write_eof()
        else:
            self.transport.close()

    def _error_response(self, status: int, detail: str) -> bytes:
        body = generic_error(status, detail)
        head = [STATUS_LINE[status]]
        head += [
            name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers
        ]
        head += [
            b"content-type: application/json\r\n",
            b"content-length: %d\r\n" % len(body),
            b"x-request-id: %s\r\n" % request_id().encode(),
            b"connection: close\r\n\r\n",
            body,
        ]
        return b"".join(head)


@cache
def protocol_for(limits: Limits) -> type[MockHttpProtocol]:
    """The protocol class serving with `limits` (uvicorn makes one instance per connection)."""
    return type("MockHttpProtocol", (MockHttpProtocol,), {"limits": limits})


def config(app: ASGIApp, limits: Limits) -> uvicorn.Config:
    """uvicorn's settings for the mock.

    No proxy headers (the mock is never behind a proxy), no WebSockets, no `server` header, no
    access log: paths carry object_reference_ids, which may be e-mails.
    """
    return uvicorn.Config(
        app,
        http=protocol_for(limits),
        ws="none",
        lifespan="off",
        # uvicorn hands it to `call_later`, which takes float seconds.
        timeout_keep_alive=limits.keep_alive_timeout,  # type: ignore[arg-type]
        timeout_graceful_shutdown=SHUTDOWN_GRACE,
        proxy_headers=False,
        server_header=False,
        access_log=False,
        log_level="warning",
    )


def bind(host: str, port: int) -> socket.socket:
    """A TCP socket listening on `host`:`port` (0: a free port); `OSError` if it cannot be."""
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets that name it, and
    # without it every response waits ~40 ms for a delayed ACK.
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    return sock


class Server(uvicorn.Server):
    """uvicorn's server, calling `on_started` once it accepts requests."""

    def __init__(self, config: uvicorn.Config, on_started: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_started = on_started

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            self._on_started()
