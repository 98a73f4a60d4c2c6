"""Sending (`_transport`): no redirect is followed, an answer's body is read within a size
limit and the read timeout, and an async client met in a second event loop is a JuspayError.
Each case is one a breaker's report (QA 5) found, against a real server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from juspay_customers import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APITimeoutError,
    AsyncJuspay,
    Juspay,
)
from juspay_customers._transport import MAX_ANSWER_BYTES

from tests.wrapper.conftest import CUSTOMER

BODY = json.dumps(CUSTOMER).encode()


def head(status: str, *lines: str) -> bytes:
    return ("\r\n".join([f"HTTP/1.1 {status}", *lines, "", ""])).encode()


class ScriptedServer:
    """A raw HTTP/1.1 server on 127.0.0.1: answers each request with the next script entry
    (bytes, or a function writing to the socket), after noting its request line; a request
    past the script is answered 500."""

    def __init__(self, *script: bytes | Callable[[socket.socket], None]) -> None:
        self.script = list(script)
        self.lines: list[str] = []
        self.heads: list[dict[str, str]] = []  # each request's headers, by lower-case name
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        try:
            self._keep_answering(connection)
        except OSError:
            pass  # the client gave up first: what some tests want
        finally:
            connection.close()

    def _keep_answering(self, connection: socket.socket) -> None:
        """Request after request on one connection (keep-alive), until the client closes."""
        received = b""
        while True:
            while b"\r\n\r\n" not in received:
                chunk = connection.recv(65536)
                if not chunk:
                    return
                received += chunk
            request_head, _, received = received.partition(b"\r\n\r\n")
            length = next(
                (
                    int(line.split(b":")[1])
                    for line in request_head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                ),
                0,
            )
            while len(received) < length:
                received += connection.recv(65536)
            received = received[length:]
            request_line, *header_lines = request_head.decode("latin-1").split("\r\n")
            self.lines.append(request_line)
            self.heads.append(
                {
                    n.strip().lower(): v.strip()
                    for n, _, v in (h.partition(":") for h in header_lines)
                }
            )
            answer = self.script.pop(0) if self.script else head("500 Nope", "Content-Length: 0")
            if callable(answer):
                answer(connection)
            else:
                connection.sendall(answer)

    def close(self) -> None:
        self._listener.close()


@pytest.fixture
def scripted() -> Iterator[Callable[..., ScriptedServer]]:
    made: list[ScriptedServer] = []

    def make(*script: bytes | Callable[[socket.socket], None]) -> ScriptedServer:
        made.append(ScriptedServer(*script))
        return made[-1]

    yield make
    for server in made:
        server.close()


def call(kind: str, operation: str, base_url: str, **options: Any) -> Any:
    """One call by a sync or an async client: with its own pool, or with
    `follow_redirects=True` through a caller's httpx client that follows redirects."""
    arguments: dict[str, Any] = {
        "create": {"object_reference_id": "u1", "mobile_number": "9988776655"},
        "get": {},
    }[operation]
    positional = ("u1",) if operation == "get" else ()
    # A caller's own httpx client that follows redirects, as a shared one often does.
    follow = options.pop("follow_redirects", False)
    if kind == "sync":
        with (
            httpx.Client(follow_redirects=True) as http,
            Juspay(
                api_key="key",
                base_url=base_url,
                **options,
                **({"http_client": http} if follow else {}),
            ) as client,
        ):
            return getattr(client.customers, operation)(*positional, **arguments)

    async def run() -> Any:
        async with (
            httpx.AsyncClient(follow_redirects=True) as ahttp,
            AsyncJuspay(
                api_key="key",
                base_url=base_url,
                **options,
                **({"http_client": ahttp} if follow else {}),
            ) as client,
        ):
            return await getattr(client.customers, operation)(*positional, **arguments)

    return asyncio.run(run())


KINDS = pytest.mark.parametrize("kind", ["sync", "async"])


@KINDS
@pytest.mark.parametrize("operation", ["create", "get"])
def test_a_redirect_is_an_answer_even_through_a_client_that_follows_them(
    kind: str, operation: str, scripted: Callable[..., ScriptedServer]
) -> None:
    """QA 5: `http_client=httpx.Client(follow_redirects=True)` re-posted a create to the path
    a 307 named, and a get returned another host's body as the customer."""
    other = scripted(
        head("200 OK", "Content-Type: application/json", f"Content-Length: {len(BODY)}") + BODY
    )
    server = scripted(
        head(
            "307 Temporary Redirect",
            f"Location: {other.base_url}/customers/cst_victim/delete",
            "Content-Length: 0",
        )
    )
    with pytest.raises(APIError) as raised:
        call(kind, operation, server.base_url, max_retries=0, follow_redirects=True)

    assert raised.value.status_code == 307
    assert len(server.lines) == 1
    assert other.lines == []


@KINDS
@pytest.mark.parametrize("coding", ["gzip", "deflate"])
def test_a_success_whose_body_inflates_past_the_limit_is_refused_and_kept_cut(
    kind: str, coding: str, scripted: Callable[..., ScriptedServer]
) -> None:
    """QA 5: 0.5 MB of gzip that inflated to 500 MB took 2 GB, and the error kept it all; a
    re-check: with the limit counted after httpx inflated a whole 64 KB read, 171 MB. The body
    is inflated no further than the limit: no more than a few MiB are ever held."""
    spaces = b" " * (64 * MAX_ANSWER_BYTES)
    bomb = gzip.compress(spaces, compresslevel=9) if coding == "gzip" else zlib.compress(spaces, 9)
    server = scripted(
        head(
            "200 OK",
            "Content-Type: application/json",
            f"Content-Encoding: {coding}",
            f"Content-Length: {len(bomb)}",
        )
        + bomb
    )

    tracemalloc.start()
    try:
        with pytest.raises(APIResponseValidationError) as raised:
            call(kind, "get", server.base_url, max_retries=0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert f"over {MAX_ANSWER_BYTES} bytes" in str(raised.value)
    assert len(raised.value.response.content) == MAX_ANSWER_BYTES
    assert len(raised.value.body) == MAX_ANSWER_BYTES
    assert peak < 8 * MAX_ANSWER_BYTES


@KINDS
def test_reading_stops_where_the_compressed_body_ends(
    kind: str, scripted: Callable[..., ScriptedServer]
) -> None:
    """A second re-check (QA 5): a gzip body followed by endless junk was read on and on
    (239 MB after 60 s): what follows the end of the stream is not the body."""
    sent = []

    def junk_after_gzip(connection: socket.socket) -> None:
        connection.sendall(
            head(
                "200 OK",
                "Content-Type: application/json",
                "Content-Encoding: gzip",
                "Connection: close",
            )
        )
        connection.sendall(gzip.compress(BODY))
        for _ in range(64):  # 64 MiB unless the client stops reading
            connection.sendall(b"j" * MAX_ANSWER_BYTES)
            sent.append(MAX_ANSWER_BYTES)

    server = scripted(junk_after_gzip)

    customer = call(kind, "get", server.base_url, max_retries=0)

    assert customer.to_dict() == CUSTOMER
    assert sum(sent) < 32 * MAX_ANSWER_BYTES


@KINDS
def test_a_compressed_body_over_the_limit_before_inflating_is_refused(
    kind: str, scripted: Callable[..., ScriptedServer]
) -> None:
    """A second re-check (QA 5): endless empty deflate blocks inflate to nothing, and were read
    at 300 MB a second: the limit counts the raw bytes too."""
    # zlib's header, then empty stored blocks (RFC 1951 3.2.4: header byte, LEN 0, NLEN).
    empty_blocks = b"x\x9c" + b"\x00\x00\x00\xff\xff" * (MAX_ANSWER_BYTES // 4)
    server = scripted(
        head(
            "200 OK",
            "Content-Type: application/json",
            "Content-Encoding: deflate",
            f"Content-Length: {len(empty_blocks)}",
        )
        + empty_blocks
    )

    with pytest.raises(APIResponseValidationError, match="raw or inflated"):
        call(kind, "get", server.base_url, max_retries=0)


@KINDS
@pytest.mark.parametrize("coding", ["gzip, gzip", "br", "zstd", "compress"])
def test_a_body_in_a_coding_the_client_did_not_ask_for_is_kept_undecoded(
    kind: str, coding: str, scripted: Callable[..., ScriptedServer]
) -> None:
    """A re-check (QA 5): `gzip, gzip` (0.6 KB) and `br` (500 bytes, with brotli installed)
    inflated to 300 MB at once; under a memory limit a bare MemoryError escaped. The client
    asks for `gzip, deflate` only, and decodes nothing else."""
    layered = gzip.compress(gzip.compress(b" " * (64 * MAX_ANSWER_BYTES)))
    server = scripted(
        head(
            "200 OK",
            "Content-Type: application/json",
            f"Content-Encoding: {coding}",
            f"Content-Length: {len(layered)}",
        )
        + layered
    )

    with pytest.raises(APIResponseValidationError, match="none the client asked for") as raised:
        call(kind, "get", server.base_url, max_retries=0)

    assert raised.value.response.content == layered
    assert coding in str(raised.value)


@KINDS
@pytest.mark.parametrize("coding", ["gzip", "deflate", "raw deflate", "identity"])
def test_a_customer_in_an_accepted_coding_is_read(
    kind: str, coding: str, scripted: Callable[..., ScriptedServer]
) -> None:
    encoded = {
        "gzip": gzip.compress(BODY),
        "deflate": zlib.compress(BODY),
        "raw deflate": zlib.compress(BODY, wbits=-zlib.MAX_WBITS),
        "identity": BODY,
    }[coding]
    name = coding.removeprefix("raw ")
    server = scripted(
        head(
            "200 OK",
            "Content-Type: application/json",
            f"Content-Encoding: {name}",
            f"Content-Length: {len(encoded)}",
        )
        + encoded
    )

    customer = call(kind, "get", server.base_url, max_retries=0)

    assert customer.to_dict() == CUSTOMER
    assert server.heads[0]["accept-encoding"] == "gzip, deflate"


@KINDS
def test_an_error_status_with_a_huge_body_keeps_its_status_and_the_first_mebibyte(
    kind: str, scripted: Callable[..., ScriptedServer]
) -> None:
    page = b"<html>" + b"x" * (3 * MAX_ANSWER_BYTES)
    server = scripted(head("503 Service Unavailable", f"Content-Length: {len(page)}") + page)

    with pytest.raises(APIError) as raised:
        call(kind, "get", server.base_url, max_retries=0)

    assert raised.value.status_code == 503
    assert raised.value.response.content == page[:MAX_ANSWER_BYTES]


@KINDS
def test_a_body_sent_a_byte_at_a_time_times_out_after_the_read_timeout(
    kind: str, scripted: Callable[..., ScriptedServer]
) -> None:
    """QA 5: each byte came within the read timeout, so a call with `timeout=1` took 16.5 s.
    The whole body is due within the read timeout from its headers."""

    def drip(connection: socket.socket) -> None:
        connection.sendall(
            head("200 OK", "Content-Type: application/json", f"Content-Length: {len(BODY)}")
        )
        for byte in BODY:  # about 3 s in all, each byte 10 ms after the last
            time.sleep(0.01)
            connection.sendall(bytes([byte]))

    server = scripted(drip)

    with pytest.raises(APITimeoutError, match="did not arrive within the read timeout"):
        call(kind, "get", server.base_url, timeout=0.5, max_retries=0)


@pytest.mark.parametrize("operation", ["get", "create"])
def test_an_async_client_met_in_a_second_event_loop_sends_nothing(
    operation: str, scripted: Callable[..., ScriptedServer]
) -> None:
    """QA 5: one module-level AsyncJuspay under a second `asyncio.run` raised a bare
    RuntimeError ("Event loop is closed"); a re-check: the create was sent and applied all
    the same. Now nothing is sent, and the error says so."""
    answer = head("200 OK", "Content-Type: application/json", f"Content-Length: {len(BODY)}") + BODY
    server = scripted(answer, answer)
    client = AsyncJuspay(api_key="key", base_url=server.base_url, max_retries=0)
    arguments: dict[str, Any] = (
        {"object_reference_id": "u1", "mobile_number": "9988776655"}
        if operation == "create"
        else {"customer": "u1"}
    )

    async def one() -> Any:
        if operation == "create":
            return await client.customers.create(**arguments)
        return await client.customers.get(arguments["customer"])

    first = asyncio.run(one())
    with pytest.raises(APIConnectionError, match=r"was not sent: .* make one client per event"):
        asyncio.run(one())

    assert first.id == CUSTOMER["id"]
    assert len(server.lines) == 1


def test_closing_an_async_client_after_its_event_loop_closed_raises_nothing(
    scripted: Callable[..., ScriptedServer],
) -> None:
    """A second re-check (QA 5): `asyncio.run(client.close())` after the loop of its calls had
    closed raised a bare RuntimeError ("Event loop is closed")."""
    answer = head("200 OK", "Content-Type: application/json", f"Content-Length: {len(BODY)}") + BODY
    server = scripted(answer)
    client = AsyncJuspay(api_key="key", base_url=server.base_url, max_retries=0)
    asyncio.run(client.customers.get("u1"))

    asyncio.run(client.close())


def test_a_runtime_error_while_sending_is_a_connection_error_naming_it() -> None:
    """A re-check (QA 5): any RuntimeError was explained as an event-loop problem, even on
    the sync client (here an app's event hook raises it)."""

    def hook(response: httpx.Response) -> None:
        raise RuntimeError("metrics registry is full")

    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=CUSTOMER))
    with (
        httpx.Client(transport=transport, event_hooks={"response": [hook]}) as http,
        Juspay(api_key="key", base_url="http://127.0.0.1:9", http_client=http) as juspay,
        pytest.raises(APIConnectionError) as raised,
    ):
        juspay.customers.create(object_reference_id="u1", mobile_number="9988776655")

    assert str(raised.value) == (
        "POST /customers failed: RuntimeError: metrics registry is full;"
        " the server may have acted on it"
    )
