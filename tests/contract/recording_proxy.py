"""A test tool: a TCP proxy on 127.0.0.1 that records every byte, both ways, per connection.

`with RecordingProxy(server_url) as proxy:` send requests to `proxy.url`; then `proxy.sent()`
holds every byte clients sent (all connections) and `proxy.received()` every byte answered.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from types import TracebackType
from urllib.parse import urlsplit


@dataclass
class Connection:
    """The bytes of one proxied connection, in each direction."""

    sent: bytearray = field(default_factory=bytearray)
    received: bytearray = field(default_factory=bytearray)


class RecordingProxy:
    """Forwards connections to the server at `url` and keeps every byte in `connections`."""

    def __init__(self, url: str) -> None:
        target = urlsplit(url)
        if target.hostname is None or target.port is None:
            raise ValueError(f"RecordingProxy needs http://host:port, not {url!r}")
        self.target = (target.hostname, target.port)
        self.connections: list[Connection] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def sent(self) -> bytes:
        return b"".join(bytes(connection.sent) for connection in self.connections)

    def received(self) -> bytes:
        return b"".join(bytes(connection.received) for connection in self.connections)

    def __enter__(self) -> RecordingProxy:
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._proxy, "127.0.0.1", 0), self._loop
        ).result(timeout=10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _shutdown(self) -> None:
        assert self._server is not None
        self._server.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _proxy(self, client: asyncio.StreamReader, to_client: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        connection = Connection()
        self.connections.append(connection)
        try:
            server, to_server = await asyncio.open_connection(*self.target)
        except OSError:
            to_client.close()
            return
        await asyncio.gather(
            _pump(client, to_server, connection.sent),
            _pump(server, to_client, connection.received),
        )
        self._tasks.discard(task)


async def _pump(
    source: asyncio.StreamReader, sink: asyncio.StreamWriter, journal: bytearray
) -> None:
    """Copy `source` to `sink`, recording each chunk, until either end closes."""
    try:
        while chunk := await source.read(65536):
            journal += chunk
            sink.write(chunk)
            await sink.drain()
    except OSError:
        pass
    finally:
        sink.close()
