"""How uvicorn serves the mock: httptools and uvloop, one socket write per response.

uvicorn writes a response's head and its body to the transport separately, and uvloop sends
each write at once: two `write` syscalls per response, each waking the client. Over loopback
that was about a third of the mock's CPU time under load. The protocol here gives uvicorn a
transport that joins the writes made in one turn of the event loop, so the bytes on the wire
are the same and arrive in one segment.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


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


class OneWriteHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol on a transport that joins each response's writes."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(_JoiningTransport(transport, self.loop))


# For `uvicorn.run` and `uvicorn.Config`. No proxy headers (the mock is never behind a proxy),
# no `server` header, no access log: paths carry object_reference_ids, which may be e-mails.
OPTIONS: dict[str, Any] = {
    "http": OneWriteHttpToolsProtocol,
    "proxy_headers": False,
    "server_header": False,
    "access_log": False,
    "log_level": "warning",
}
