"""How uvicorn serves the mock: httptools and uvloop, the mock's limits, one write per response.

uvicorn's httptools protocol is extended so:

- Limits (`Limits`, README "The mock server"): a request head over `max_header_size` bytes is
  answered 431, a request that has not fully arrived within `request_timeout` seconds 408, and a
  request on a connection beyond `max_connections` 503; each then closes its connection. The
  bookkeeping is a few integer updates per received chunk and a timer only for requests that
  span chunks, so the usual request (one chunk) pays next to nothing.
- Requests that are not HTTP (uvicorn answers `text/plain`) are answered 400 in Juspay's JSON
  error shape, like every other answer of the mock, and only after the requests pipelined
  before them. A half-closed connection (`nc -N`) still gets its answers. Closing after a
  refusal or an answer with `Connection: close` is graceful (`MockHttpProtocol._hang_up`).
- Header values lose the whitespace after them (llhttp drops only the whitespace before).
- uvicorn writes a response's head and its body to the transport separately, and uvloop sends
  each write at once: two `write` syscalls per response, each waking the client. Over loopback
  that was about a third of the mock's CPU time under load. The transport here joins the
  writes made in one turn of the event loop, so the bytes on the wire are the same and arrive
  in one segment. (Writing each answer at once instead, even as one write, measured 10-25 %
  slower under load: deferred, the answers of every connection served in one turn go out
  together.) The usual answer (a `Content-Length` and the whole body in one message, as every
  answer of the mock is) takes a shorter path through uvicorn's `send` (`_Cycle`).
- An API request that has arrived whole is answered in the parser's callback, without ASGI:
  the app (`at_once`, `PathEndpoint.answer_now`) gives its status, header lines and body,
  the lines `_Cycle` would write. uvicorn's ASGI cycle (a scope, a task, an event, the
  messages) cost about a third of the mock's time per request. The ASGI way remains for every
  other request: controls, unknown paths, faults, a `100 Continue`, a HEAD, a chunked body, a
  connection that is not kept alive, a request behind another still being answered, and a
  client that is not reading its answers; the answers are the same bytes either way.
- uvicorn arms a keep-alive timer after every answer and cancels it on the next request; here
  one timer per connection checks, when it fires, whether the connection has been idle for
  the whole keep-alive timeout (`MockHttpProtocol._idle`), so a request costs no timer.
"""

from __future__ import annotations

import asyncio
import socket
import urllib.parse
from collections.abc import Callable
from functools import cache
from time import perf_counter
from typing import Any, ClassVar, Protocol, TypeAlias, cast

import httptools
import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import (
    HEADER_VALUE_RE,
    STATUS_LINE,
    HttpToolsProtocol,
    RequestResponseCycle,
)

from ._asgi import HEAD_AT
from ._limits import Limits
from ._responses import Answer, generic_error, header, request_id


class AnswersNow(Protocol):
    """What answers a request that has arrived whole (`_operations.PathEndpoint`)."""

    def answer_now(
        self, scope: Scope, path: dict[str, str], raw: bytes
    ) -> tuple[int, bytes, bytes, bool]:
        """The answer to the request whose body is `raw`: its status, its header lines
        (`name: value\\r\\n` each), its body, and whether the connection closes after it."""


# The app's `at_once(scope, body_size)`: what answers the request without ASGI, and the path's
# parameters; None for the ASGI way (`_app.MockApp.at_once`).
AtOnce: TypeAlias = Callable[[Scope, int], "tuple[AnswersNow, dict[str, str]] | None"]

# Requests held by a `delay` fault must not keep a stopping server alive for long.
SHUTDOWN_GRACE = 1
BACKLOG = 2048  # uvicorn's default
# After a refusal (400, 408, 431, 413) the client may still be sending. Closing at once would
# make the kernel answer that data with a reset, which can destroy the answer before the client
# reads it; so the mock sends its answer and a FIN, then discards what arrives until the client
# closes too or has been quiet this long.
LINGER = 1.0


class _JoiningTransport(asyncio.Transport):
    """A transport that buffers writes until the event loop's next turn, then sends them."""

    __slots__ = ("_eof_written", "_loop", "_pending", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []
        self._eof_written = False  # the mock has hung up: nothing more is written

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self._eof_written:
            return
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
        self._eof_written = True
        self._transport.write_eof()

    def can_write_eof(self) -> bool:
        return self._transport.can_write_eof()

    def is_closing(self) -> bool:
        return self._eof_written or self._transport.is_closing()

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


class _HungUp(Exception):
    """Raised in a parser callback: the mock has hung up, the chunk's rest is not read."""


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


class _AnswerTransport(asyncio.Transport):
    """What a request's cycle writes its answer to: the connection, except that the close an
    answer asks for (`Connection: close`, a 413) hangs up gracefully (`_hang_up`)."""

    __slots__ = ("_protocol",)

    def __init__(self, protocol: MockHttpProtocol) -> None:
        super().__init__()
        self._protocol = protocol

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self._protocol.transport.write(data)

    def is_closing(self) -> bool:
        return self._protocol.transport.is_closing()

    def close(self) -> None:
        self._protocol._hang_up()

    def abort(self) -> None:
        self._protocol.transport.abort()


# Response header names the fast path takes as they are; any other name (and any head with a
# Transfer-Encoding, or without a Content-Length) goes through uvicorn's own checks.
_KNOWN_NAMES = frozenset(
    {
        b"allow",
        b"cache-control",
        b"connection",
        b"content-length",
        b"content-type",
        b"date",
        b"location",
        b"retry-after",
        b"server",
        b"www-authenticate",
        b"x-request-id",
    }
)


class _Cycle(RequestResponseCycle):
    """uvicorn's request-response cycle; the usual answer takes a shorter path.

    An `http.response.start` whose header names are all `_KNOWN_NAMES` and which declares a
    `Content-Length` has its head built here, with uvicorn's value check in one pass; a body
    message that completes it is written without uvicorn's per-message steps. Anything else
    (HEAD, streamed or chunked bodies, flow control, an access log) is uvicorn's `send` as it
    is. The head and the body reach the socket in one write (`_JoiningTransport`).
    """

    async def send(self, message: Any) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            if self._start(message):
                return
        elif kind == "http.response.body" and self._finish(message):
            return
        await super().send(message)

    def _start(self, message: Any) -> bool:
        """Write the head of the usual answer; False for uvicorn's `send` to do it."""
        if self.response_started or self.disconnected or self.flow.write_paused:
            return False
        if self.access_log or self.scope["method"] == "HEAD":
            return False
        status_line = STATUS_LINE.get(message["status"])
        if status_line is None:
            return False
        head = [status_line]
        length: int | None = None
        close = False
        for headers in (self.default_headers, message.get("headers", ())):
            for name, value in headers:
                if name not in _KNOWN_NAMES:
                    return False
                if name == b"content-length":
                    if length is None:
                        if not value.isdigit():
                            return False
                        length = int(value)
                elif name == b"connection":
                    close = close or b"close" in [t.lower().strip() for t in value.split(b",")]
                head += (name, b": ", value, b"\r\n")
        # Every value in one pass of uvicorn's check: the tab joining them is allowed in values.
        if length is None or HEADER_VALUE_RE.search(b"\t".join(head[3::4])):
            return False
        if close:
            self.keep_alive = False
        elif not self.keep_alive:
            head.append(b"connection: close\r\n")
        head.append(b"\r\n")
        self.response_started = True
        self.waiting_for_100_continue = False
        self.chunked_encoding = False
        self.expected_content_length = length
        self.transport.write(b"".join(head))
        return True

    def _finish(self, message: Any) -> bool:
        """Write the body that completes the usual answer; False for uvicorn's `send`."""
        if self.response_complete or self.disconnected or self.flow.write_paused:
            return False
        if self.chunked_encoding is not False or message.get("more_body", False):
            return False
        body = message.get("body", b"")
        if len(body) != self.expected_content_length or self.scope["method"] == "HEAD":
            return False
        self.expected_content_length = 0
        self.transport.write(body)
        self.response_complete = True
        self.message_event.set()
        if not self.keep_alive:
            self.transport.close()
        self.on_response()
        return True


class MockHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with the mock's limits and answers; see the module doc.

    Answers go out in the order the requests came. A request that is refused (400, 408, 431)
    is answered after every request before it, then the connection is hung up: the mock sends
    a FIN and discards what still arrives until the client is quiet (`LINGER`), so that the
    kernel never answers unread data with a reset that would destroy the answers.
    """

    limits: ClassVar[Limits] = Limits()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._receiving = False  # a request has begun and not fully arrived
        self._has_cycle = False  # ... and its head was accepted: `self.cycle` is its cycle
        self._head_open = False  # its line and headers are still arriving
        self._head_began_in_chunk = False  # ... and began in the chunk being parsed
        self._head_bytes = 0  # received bytes of chunks the head touched (at least its size)
        self._head_whole_chunks = 0  # bytes of chunks all of which were head (at most its size)
        self._chunk_size = 0
        self._request_timer: asyncio.TimerHandle | None = None
        self._answering: RequestResponseCycle | None = None  # the cycle whose app runs
        self._refusal: bytes | None = None  # to send once the requests before it are answered
        self._reading = True  # False once a request is refused or the connection hangs up
        self._client_done = False  # the client closed its sending side (a half-close)
        self._linger_timer: asyncio.TimerHandle | None = None
        self._linger_until = 0.0
        self._idle_since: float | None = None  # when the last answer went, if none is due
        self._idle_timer: asyncio.TimerHandle | None = None
        self._app_at_once: AtOnce | None = None  # the app's `at_once`, where it has one
        self._now: tuple[AnswersNow, dict[str, str]] | None = None  # answers the request...
        self._now_body: list[bytes] = []  # ... once this body has arrived
        self._closing = False  # the server is shutting down: close after the answer
        self._defaults: list[tuple[bytes, bytes]] | None = None  # the server's default headers
        self._defaults_as_lines = b""  # ... as header lines

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(_JoiningTransport(transport, self.loop))
        self._answers = _AnswerTransport(self)  # every request's, as it holds no state of one
        if len(self.connections) > self.limits.max_connections:
            self.app = _too_many_connections
        self._app_at_once = getattr(self.app, "at_once", None)
        self._request_timer = self.loop.call_later(
            self.limits.request_timeout, self._request_timed_out
        )

    def connection_lost(self, exc: Exception | None) -> None:
        for timer in (self._request_timer, self._linger_timer, self._idle_timer):
            if timer is not None:
                timer.cancel()
        self._request_timer = self._linger_timer = self._idle_timer = None
        super().connection_lost(exc)

    def _unset_keepalive_if_required(self) -> None:
        """The connection is busy: the keep-alive timer, when it fires, finds it so."""
        self._idle_since = None

    def _idle(self) -> None:
        """Start the keep-alive timeout: the connection waits for its next request."""
        self._idle_since = self.loop.time()
        if self._idle_timer is None:
            self._idle_timer = self.loop.call_later(self.timeout_keep_alive, self._idle_check)

    def _idle_check(self) -> None:
        self._idle_timer = None
        if self._idle_since is None:  # busy: the next answer starts the timeout again
            return
        left = self._idle_since + self.timeout_keep_alive - self.loop.time()
        if left > 0:
            self._idle_timer = self.loop.call_later(left, self._idle_check)
        else:
            self.timeout_keep_alive_handler()

    def data_received(self, data: bytes) -> None:
        if not self._reading:
            if self._linger_timer is not None:  # still sending: wait for quiet again
                self._linger()
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
            if isinstance(refusal, _HungUp):
                return
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

    def eof_received(self) -> bool:  # type: ignore[override]  # asyncio's: True keeps it open
        """The client sent a FIN (`shutdown(SHUT_WR)`, `nc -N`): it still reads, so every
        request it completed is answered before the mock closes (returning True keeps the
        connection open for that); a request cut short by the FIN is refused 400."""
        self._client_done = True
        if not self._reading:
            if self._refusal is None:  # hanging up, and the client is done: close now
                self.transport.close()
        elif self._receiving:
            self._refuse(400, "The client closed its side of the connection mid-request.")
        elif not self._unanswered():
            self.transport.close()
        return True

    def on_message_begin(self) -> None:
        if not self._reading:  # hung up after an answer in this chunk: the rest goes unread
            raise _HungUp
        super().on_message_begin()
        self._unset_keepalive_if_required()  # an answer earlier in this chunk set it idle
        self._receiving = self._head_open = self._head_began_in_chunk = True
        self._has_cycle = False
        self._head_bytes = self._head_whole_chunks = 0

    def on_header(self, name: bytes, value: bytes) -> None:
        # uvicorn's, except that RFC 9110 5.5: whitespace around a field value is not part of
        # it. llhttp drops the leading whitespace only.
        name = name.lower()
        value = value.rstrip(b" \t")
        if name == b"expect" and value.lower() == b"100-continue":
            self.expect_100_continue = True
        self.headers.append((name, value))

    def on_headers_complete(self) -> None:
        """uvicorn's, with the mock's head size limit, answer transport and `_Cycle` (and
        without WebSocket upgrades or a concurrency limit, which the mock's config turns off)."""
        self._head_open = False
        limit = self.limits.max_header_size
        # The exact size costs a pass over the headers: only when the bytes received say it may
        # be over the limit.
        if self._head_bytes + self._chunk_size > limit and self._head_size() > limit:
            raise _Refusal(431, self._head_too_large())
        parser, scope = self.parser, self.scope
        http_version = parser.get_http_version()
        scope["method"] = parser.get_method().decode("ascii")
        if http_version != "1.1":
            scope["http_version"] = http_version
        url = httptools.parse_url(self.url)
        raw_path = url.path
        path = raw_path.decode("ascii")
        if "%" in path:
            path = urllib.parse.unquote(path)
        scope["path"] = self.root_path + path
        scope["raw_path"] = self.root_path.encode("ascii") + raw_path
        scope["query_string"] = url.query or b""
        keep_alive = http_version != "1.0" and parser.should_keep_alive()
        previous = self.cycle
        idle = previous is None or previous.response_complete
        # For the journal, either way: an ASGI cycle may start later, behind others.
        cast(Scope, scope)[HEAD_AT] = perf_counter()
        if idle and keep_alive and self._app_at_once is not None:
            self._now = self._answers_now(self._app_at_once, cast(Scope, scope))
            if self._now is not None:  # `_now_body` is empty: the last answer emptied it
                return
        self.cycle = cycle = _Cycle(
            scope=scope,
            transport=self._answers,
            flow=self.flow,
            logger=self.logger,
            access_logger=self.access_logger,
            access_log=self.access_log,
            default_headers=self.server_state.default_headers,
            message_event=asyncio.Event(),
            expect_100_continue=self.expect_100_continue,
            keep_alive=keep_alive,
            on_response=self.on_response_complete,
        )
        self._has_cycle = True
        if previous is None or previous.response_complete:
            self._start_asgi_task(cycle, self.app)
        else:  # pipelined: it waits for the answers before it
            self.flow.pause_reading()
            self.pipeline.appendleft((cycle, self.app))

    def _answers_now(
        self, at_once: AtOnce, scope: Scope
    ) -> tuple[AnswersNow, dict[str, str]] | None:
        """What answers this request without ASGI once it has arrived (`at_once`), or None
        when it takes the ASGI way: it waits for `100 Continue`, it is a HEAD, its body's size
        is not declared, or the client is not reading its answers."""
        if self.expect_100_continue or self.flow.write_paused or scope["method"] == "HEAD":
            return None
        size = 0
        for name, value in self.headers:
            if name == b"content-length":
                if not value.isdigit():
                    return None
                size = int(value)
            elif name == b"transfer-encoding":
                return None
        return at_once(scope, size)

    def on_body(self, body: bytes) -> None:
        if self._now is None:
            super().on_body(body)
        else:
            self._now_body.append(body)

    def on_message_complete(self) -> None:
        self._receiving = False
        if self._request_timer is not None:
            self._request_timer.cancel()
            self._request_timer = None
        if self._now is None:
            super().on_message_complete()
        else:
            self._answer_now(*self._now)

    def _answer_now(self, endpoint: AnswersNow, path: dict[str, str]) -> None:
        """Answer the request that has arrived whole, in this parser callback: no task, no
        ASGI messages."""
        self._now = None
        body, self._now_body = b"".join(self._now_body), []
        status, lines, content, close = endpoint.answer_now(cast(Scope, self.scope), path, body)
        if self._closing and not close:  # as uvicorn closes a connection it is shutting down
            lines += b"connection: close\r\n"
            close = True
        self.transport.write(self._http_answer(status, lines, content))
        if close:
            self._hang_up()
        self.on_response_complete()

    def _default_lines(self) -> bytes:
        """The server's default headers (`date`) as header lines, made again only when uvicorn
        replaces them (each second)."""
        defaults = self.server_state.default_headers
        if defaults is not self._defaults:
            self._defaults = defaults
            self._defaults_as_lines = b"".join(
                name + b": " + value + b"\r\n" for name, value in defaults
            )
        return self._defaults_as_lines

    def _start_asgi_task(self, cycle: RequestResponseCycle, app: Any) -> None:
        self._answering = cycle
        super()._start_asgi_task(cycle, app)

    def on_response_complete(self) -> None:
        """uvicorn's (start the next pipelined request, else the keep-alive timeout), then
        what a refusal or a half-closed client waits for."""
        self.server_state.total_requests += 1
        if self.transport.is_closing():
            return
        self.flow.resume_reading()
        if self.pipeline:
            cycle, app = self.pipeline.pop()
            self._start_asgi_task(cycle, app)
        elif not self._receiving:  # begun, the next request's timeout governs, not idling
            self._idle()
        if self._unanswered():
            return
        if self._refusal is not None:
            self._send_refusal()
        elif self._client_done:
            self._unset_keepalive_if_required()
            self.transport.close()

    def shutdown(self) -> None:
        if not self._reading and self._refusal is None:  # hanging up already
            self.transport.close()
            return
        if self._now is not None:  # its body is arriving: answer it, then close
            self._closing = True
            return
        super().shutdown()

    def _unanswered(self) -> bool:
        """Whether a request that arrived whole still waits for (the end of) its answer."""
        answering = self._answering
        if self.pipeline:
            return True
        return answering is not None and not (answering.response_complete or answering.disconnected)

    def _head_size(self) -> int:
        """The request line's and headers' bytes, counted as `name: value` lines."""
        lines = sum(len(name) + len(value) + 4 for name, value in self.headers)
        return len(self.parser.get_method()) + len(self.url) + len(" HTTP/1.1\r\n\r\n") + lines

    def _head_too_large(self) -> str:
        return f"The request line and headers exceed {self.limits.max_header_size} bytes."

    def _request_timed_out(self) -> None:
        self._request_timer = None
        if self.transport.is_closing() or not self._reading:
            return
        if self._receiving:
            timeout = self.limits.request_timeout
            self._refuse(408, f"The request did not arrive within {timeout:g} seconds.")
        else:  # nothing was sent since the connection opened: there is nothing to answer
            self.transport.close()

    def _refuse(self, status: int, detail: str) -> None:
        """Refuse the request being received: read no more, answer every request before it,
        then this refusal in Juspay's error shape, then hang up.

        If the refused request's own answer has begun (its head was accepted and the app
        answered before its body arrived), it keeps that answer and the connection hangs up.
        """
        if self.transport.is_closing() or not self._reading:
            return
        self._reading = False
        if self._request_timer is not None:
            self._request_timer.cancel()
            self._request_timer = None
        own = self.cycle if self._receiving and self._has_cycle else None
        if own is not None:
            if own.response_complete:  # answered before its body arrived: nothing to add
                self._hang_up()
                return
            if own.response_started:  # cut short: there is no way to finish it now
                self.transport.close()
                return
            own.disconnected = True  # its app, if it runs, answers nowhere
            own.message_event.set()
            self.pipeline = type(self.pipeline)(c for c in self.pipeline if c[0] is not own)
        self._refusal = self._error_response(status, detail)
        if not self._unanswered():
            self._send_refusal()

    def _send_refusal(self) -> None:
        assert self._refusal is not None
        self.transport.write(self._refusal)
        self._refusal = None
        self._hang_up()

    def _hang_up(self) -> None:
        """Close after what was written: a FIN, then what arrives is discarded until the client
        closes too or is quiet for `LINGER` seconds (at most the request timeout in all)."""
        self._reading = False
        self._refusal = None
        self._unset_keepalive_if_required()
        if self._request_timer is not None:
            self._request_timer.cancel()
            self._request_timer = None
        if self.transport.is_closing():
            return
        if self._client_done or not self.transport.can_write_eof():
            self.transport.close()
            return
        self.transport.write_eof()
        self.flow.resume_reading()  # so that what arrives is read and dropped, not left unread
        self._linger_until = self.loop.time() + max(LINGER, self.limits.request_timeout)
        self._linger()

    def _linger(self) -> None:
        if self._linger_timer is not None:
            self._linger_timer.cancel()
        left = self._linger_until - self.loop.time()
        self._linger_timer = self.loop.call_later(max(0.0, min(LINGER, left)), self._close)

    def _close(self) -> None:
        self._linger_timer = None
        self.transport.close()

    def _error_response(self, status: int, detail: str) -> bytes:
        answer = Answer(status, generic_error(status, detail), (header("Connection", "close"),))
        return self._http_answer(status, answer.head_lines(request_id()), answer.body)

    def _http_answer(self, status: int, lines: bytes, body: bytes) -> bytes:
        """An answer's bytes: its status line, the server's default headers, `lines`, `body`."""
        return b"".join((STATUS_LINE[status], self._default_lines(), lines, b"\r\n", body))


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
