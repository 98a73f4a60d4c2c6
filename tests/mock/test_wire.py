"""What the mock's lean request path relies on: its form parser, its one-write transport and
its shorter path through uvicorn's `send`."""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import parse_qsl

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from juspay_mock import create_app
from juspay_mock._asgi import form_pairs
from juspay_mock._uvicorn import _Cycle, _JoiningTransport
from uvicorn.protocols.http.flow_control import FlowControl
from uvicorn.protocols.http.httptools_impl import RequestResponseCycle

# Characters that matter to form parsing, mixed with any text.
form_text = st.lists(
    st.sampled_from(["a", "=", "&", "+", "%", "%20", "%e2%82%ac", "%zz", ";", " ", "é"])
    | st.text(max_size=3),
    max_size=20,
).map("".join)


@settings(max_examples=300, derandomize=True)
@given(text=form_text)
def test_form_pairs_reads_forms_as_parse_qsl_does(text: str) -> None:
    assert form_pairs(text) == parse_qsl(text, keep_blank_values=True)


OPERATIONS = create_app(["wire_key"])._operations
# Request paths as sent: the spec's, odd ones, with and without anything to percent-decode.
raw_paths = st.tuples(
    st.sampled_from(["", "/customers", "/customers/"]),
    st.lists(
        st.sampled_from(["/", "cst_1", "%2F", "%41", "%zz", "é", "?", "a+b"]) | st.text(max_size=3),
        max_size=4,
    ),
).map(lambda parts: (parts[0] + "".join(parts[1])).encode())


@settings(max_examples=300, derandomize=True)
@given(raw_path=raw_paths)
def test_a_path_is_routed_as_sent_whatever_its_shortcut(raw_path: bytes) -> None:
    found = OPERATIONS.match({"raw_path": raw_path, "path": "/not/used/when/raw/is/given"})

    sent = OPERATIONS._routes.match_sent(raw_path)
    assert found == (None if sent is None else (OPERATIONS._endpoints[sent[0]], sent[1]))


class RecordingTransport(asyncio.Transport):
    """A stand-in for the socket transport: records what reaches it."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = self.aborted = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.writes.append(bytes(data))

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.aborted = True

    def is_closing(self) -> bool:
        return self.closed or self.aborted


async def test_writes_in_one_turn_of_the_loop_reach_the_socket_as_one() -> None:
    socket = RecordingTransport()
    joining = _JoiningTransport(socket, asyncio.get_running_loop())

    joining.write(b"HTTP/1.1 200 OK\r\n\r\n")
    joining.write(b"{}")
    assert socket.writes == []
    await asyncio.sleep(0)
    joining.write(b"next")
    await asyncio.sleep(0)

    assert socket.writes == [b"HTTP/1.1 200 OK\r\n\r\n{}", b"next"]


async def test_close_sends_what_was_written_first_and_abort_drops_it() -> None:
    closed, aborted = RecordingTransport(), RecordingTransport()
    loop = asyncio.get_running_loop()
    to_close, to_abort = _JoiningTransport(closed, loop), _JoiningTransport(aborted, loop)

    to_close.write(b"answer")
    to_close.close()
    to_abort.write(b"answer")
    to_abort.abort()
    await asyncio.sleep(0)

    assert (closed.writes, closed.closed) == ([b"answer"], True)
    assert (aborted.writes, aborted.aborted) == ([], True)


DATE = [(b"date", b"Sun, 29 Nov 2026 12:00:00 GMT")]
BODY = b'{"id":"cst_1"}'
JSON_HEAD = [(b"content-type", b"application/json"), (b"content-length", b"14")]


def start(*headers: tuple[bytes, bytes], status: int = 200) -> dict[str, Any]:
    return {"type": "http.response.start", "status": status, "headers": list(headers)}


def body(content: bytes = BODY, more: bool = False) -> dict[str, Any]:
    return {"type": "http.response.body", "body": content, "more_body": more}


# Answers as apps send them: the mock's usual one, and every kind the shorter path hands back
# to uvicorn (or must treat as uvicorn does).
ANSWERS = {
    "usual": ([start(*JSON_HEAD, (b"x-request-id", b"ab01")), body()], "GET", True),
    "asks to close": ([start(*JSON_HEAD, (b"connection", b"close")), body()], "GET", True),
    "HTTP/1.0": ([start(*JSON_HEAD), body()], "GET", False),
    "other header": ([start(*JSON_HEAD, (b"x-other", b"1")), body()], "GET", True),
    "HEAD": ([start(*JSON_HEAD), body()], "HEAD", True),
    "no length": ([start((b"content-type", b"application/json")), body()], "GET", True),
    "204": ([start(status=204), body(b"")], "POST", True),
    "streamed": ([start(*JSON_HEAD), body(BODY[:4], more=True), body(BODY[4:])], "GET", True),
    "short body": ([start(*JSON_HEAD), body(BODY[:4])], "GET", True),
    "long body": ([start(*JSON_HEAD), body(BODY + b"!")], "GET", True),
    "bad value": ([start(*JSON_HEAD, (b"x-request-id", b"a\nb")), body()], "GET", True),
    "bad length": ([start((b"content-length", b"x1")), body()], "GET", True),
    "body first": ([body()], "GET", True),
}


def cycle_of(
    kind: type[RequestResponseCycle],
    transport: RecordingTransport,
    method: str,
    keep_alive: bool,
    on_response: Any,
) -> Any:
    return kind(
        scope={"type": "http", "method": method},  # type: ignore[typeddict-item]
        transport=transport,
        flow=FlowControl(transport),
        logger=logging.getLogger("test"),
        access_logger=logging.getLogger("test.access"),
        access_log=False,
        default_headers=DATE,
        message_event=asyncio.Event(),
        expect_100_continue=False,
        keep_alive=keep_alive,
        on_response=on_response,
    )


async def outcome(
    kind: type[RequestResponseCycle], messages: list[dict[str, Any]], method: str, keep_alive: bool
) -> tuple[bytes, bool, bool, int, str]:
    """What the connection gets when `kind` sends `messages`: the bytes written, whether it was
    closed, whether the answer completed, how often `on_response` ran, and any error."""
    transport = RecordingTransport()
    responded: list[bool] = []
    cycle = cycle_of(kind, transport, method, keep_alive, lambda: responded.append(True))
    error = ""
    try:
        for message in messages:
            await cycle.send(message)
    except (RuntimeError, ValueError) as raised:
        error = repr(raised)
    written = b"".join(transport.writes)
    return written, transport.closed, cycle.response_complete, len(responded), error


@pytest.mark.parametrize("answer", ANSWERS.values(), ids=ANSWERS.keys())
async def test_the_shorter_path_sends_what_uvicorn_sends(
    answer: tuple[list[dict[str, Any]], str, bool],
) -> None:
    messages, method, keep_alive = answer

    ours = await outcome(_Cycle, messages, method, keep_alive)

    assert ours == await outcome(RequestResponseCycle, messages, method, keep_alive)


def test_the_usual_answer_takes_the_shorter_path() -> None:
    transport = RecordingTransport()
    cycle = cycle_of(_Cycle, transport, "GET", True, lambda: None)
    (head, whole), _, _ = ANSWERS["usual"]

    assert cycle._start(head)
    assert cycle._finish(whole)
    assert b"".join(transport.writes) == (
        b"HTTP/1.1 200 OK\r\ndate: Sun, 29 Nov 2026 12:00:00 GMT\r\n"
        b"content-type: application/json\r\ncontent-length: 14\r\nx-request-id: ab01\r\n\r\n" + BODY
    )
