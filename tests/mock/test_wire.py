"""What the mock's lean request path relies on: its form parser and its one-write transport."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qsl

from hypothesis import given, settings
from hypothesis import strategies as st
from juspay_mock._asgi import form_pairs
from juspay_mock._uvicorn import _JoiningTransport

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
