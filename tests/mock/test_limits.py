"""The mock's per-connection limits, over real sockets (issue 8 case 18; README "The mock server").

Each test serves with small limits so that it runs in a fraction of a second.
"""

from __future__ import annotations

import base64
import socket
import time
from collections.abc import Iterator

import pytest
from juspay_mock import Limits, MockServer

from tests.mock.conftest import (
    assert_error_shape,
    closed_by_server,
    exchange,
    read_response,
    server_address,
)

KEY = "limits_key"
AUTHORIZATION = b"Authorization: Basic " + base64.b64encode(f"{KEY}:".encode()) + b"\r\n"
# Size limits are tested with timeouts no loaded machine reaches; timeouts on a server of their own.
LIMITS = Limits(max_header_size=2048, request_timeout=60, keep_alive_timeout=60)
IMPATIENT = Limits(max_header_size=2048, request_timeout=0.5, keep_alive_timeout=0.3)


def get(extra_headers: bytes = b"", path: bytes = b"/customers/nobody") -> bytes:
    return b"GET " + path + b" HTTP/1.1\r\nHost: mock\r\n" + AUTHORIZATION + extra_headers + b"\r\n"


@pytest.fixture(scope="module")
def address() -> Iterator[tuple[str, int]]:
    with MockServer(api_keys=[KEY], limits=LIMITS) as server:
        yield server_address(server)


@pytest.fixture(scope="module")
def impatient() -> Iterator[tuple[str, int]]:
    with MockServer(api_keys=[KEY], limits=IMPATIENT) as server:
        yield server_address(server)


def connect(address: tuple[str, int], timeout: float = 5) -> socket.socket:
    return socket.create_connection(address, timeout=timeout)


def send_in_pieces(sock: socket.socket, data: bytes, pieces: int) -> None:
    """Send `data` in `pieces` writes, a moment apart, so the server reads it in chunks."""
    size = -(-len(data) // pieces)
    for start in range(0, len(data), size):
        sock.sendall(data[start : start + size])
        time.sleep(0.001)


@pytest.mark.parametrize("pieces", [1, 40], ids=["one-write", "many-writes"])
def test_a_head_within_the_limit_is_served(address: tuple[str, int], pieces: int) -> None:
    request = get(b"X-Padding: " + b"a" * 1800 + b"\r\n")
    with connect(address) as sock:
        send_in_pieces(sock, request, pieces)
        response = read_response(sock)

    assert response is not None
    assert response.status == 404


def test_a_large_body_before_the_next_request_does_not_count_as_its_head(
    address: tuple[str, int],
) -> None:
    body = b"object_reference_id=big_body&mobile_number=9988776655&first_name=" + b"a" * 4000
    first = (
        b"POST /customers HTTP/1.1\r\nHost: mock\r\n"
        + AUTHORIZATION
        + b"Content-Type: application/x-www-form-urlencoded\r\n"
        + b"Content-Length: %d\r\n\r\n" % len(body)
        + body
    )
    second = get()
    with connect(address) as sock:
        sock.sendall(first + second[:10])  # pipelined: the next head begins in the same write
        time.sleep(0.05)
        sock.sendall(second[10:])
        answers = [read_response(sock), read_response(sock)]

    assert [answer.status if answer else None for answer in answers] == [400, 404]


@pytest.mark.parametrize("pieces", [1, 40], ids=["one-write", "many-writes"])
def test_a_head_over_the_limit_is_431_then_closed(address: tuple[str, int], pieces: int) -> None:
    """issue 8 case 18: a 50 MB header was read whole."""
    request = get(b"X-Padding: " + b"a" * 4000 + b"\r\n")
    with connect(address) as sock:
        send_in_pieces(sock, request, pieces)
        response = read_response(sock)
        assert closed_by_server(sock)

    assert response is not None
    assert response.status == 431
    assert_error_shape(response)
    assert response.headers["connection"] == "close"


def test_an_endless_header_is_refused_at_the_limit(address: tuple[str, int]) -> None:
    """issue 8 case 18: five unfinished 10 MB headers held 71 MB; the mock stops reading."""
    with connect(address) as sock:
        sock.sendall(b"GET /customers/x HTTP/1.1\r\nX-Padding: ")
        for _ in range(64):  # 64 KiB, 32 times the limit, and no end of the header in sight
            sock.sendall(b"a" * 1024)
            time.sleep(0.001)
        response = read_response(sock)
        assert closed_by_server(sock)

    assert response is not None
    assert response.status == 431


def test_a_request_that_never_finishes_arriving_is_408(impatient: tuple[str, int]) -> None:
    """issue 8 case 18: slow connections were held for over a minute."""
    with connect(impatient) as sock:
        sock.sendall(b"GET /customers/x HTTP/1.1\r\nHost: mock\r\n")
        response = read_response(sock)
        assert closed_by_server(sock)

    assert response is not None
    assert response.status == 408
    assert_error_shape(response)


def test_a_body_that_never_finishes_arriving_is_408(impatient: tuple[str, int]) -> None:
    with connect(impatient) as sock:
        head = b"POST /customers HTTP/1.1\r\nHost: mock\r\n" + AUTHORIZATION
        sock.sendall(head + b"Content-Length: 100\r\n\r\nobject_reference_id=")
        response = read_response(sock)

    assert response is not None
    assert response.status == 408
    assert_error_shape(response)


def test_a_connection_that_sends_nothing_is_closed_without_an_answer(
    impatient: tuple[str, int],
) -> None:
    with connect(impatient) as sock:
        assert read_response(sock) is None


def test_a_keep_alive_connection_serves_request_after_request(address: tuple[str, int]) -> None:
    with connect(address) as sock:
        answers = []
        for _ in range(3):
            sock.sendall(get())
            answers.append(read_response(sock))

    assert [answer.status if answer else None for answer in answers] == [404, 404, 404]


def test_an_idle_keep_alive_connection_is_closed(impatient: tuple[str, int]) -> None:
    with connect(impatient) as sock:
        sock.sendall(get())
        first = read_response(sock)

        assert closed_by_server(sock)  # after 0.3 s of quiet
    assert first is not None
    assert first.status == 404


def test_the_keep_alive_timeout_counts_from_the_last_answer() -> None:
    """A connection in steady use outlives the timeout many times over (its one timer, when it
    fires, finds the connection was not idle all that time); quiet for the timeout, it closes."""
    limits = Limits(request_timeout=10, keep_alive_timeout=1.0)
    with (
        MockServer(api_keys=[KEY], limits=limits) as server,
        connect(server_address(server)) as sock,
    ):
        statuses = []
        for _ in range(10):  # 2.5 s of requests, each 0.25 s after the last answer
            time.sleep(0.25)
            sock.sendall(get())
            answer = read_response(sock)
            statuses.append(answer.status if answer else None)
        quiet_since = time.monotonic()

        assert closed_by_server(sock)
        quiet_for = time.monotonic() - quiet_since

    assert statuses == [404] * 10
    assert quiet_for >= 0.9


def test_a_request_that_is_not_http_is_400_in_the_error_shape(address: tuple[str, int]) -> None:
    response = exchange(address, b"GET /customers/x HTTP/1.1\r\nBad Header\r\n\r\n")

    assert response is not None
    assert response.status == 400
    assert_error_shape(response)


def test_connections_beyond_the_cap_are_answered_503_and_closed() -> None:
    limits = Limits(max_connections=2, request_timeout=5)
    with MockServer(api_keys=[KEY], limits=limits) as server:
        address = server_address(server)
        with connect(address) as first, connect(address) as second:
            second.sendall(get())
            assert read_response(second) is not None  # both connections are open now

            with connect(address) as third:
                third.sendall(get())
                refused = read_response(third)
                assert closed_by_server(third)

            first.sendall(get())
            served = read_response(first)

    assert refused is not None
    assert refused.status == 503
    assert refused.headers["retry-after"] == "1"
    assert_error_shape(refused)
    assert served is not None
    assert served.status == 404


@pytest.mark.parametrize(
    "given",
    [
        {"max_header_size": 0},
        {"max_connections": 1.5},
        {"request_timeout": 0},
        {"request_timeout": float("nan")},
        {"keep_alive_timeout": float("inf")},
        {"keep_alive_timeout": True},
    ],
)
def test_limits_out_of_range_are_refused(given: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=next(iter(given))):
        Limits(**given)  # type: ignore[arg-type]


# --- Refusals after pipelined requests, half-closes, bodies over the limit ---------------------


def answers_until_closed(sock: socket.socket) -> list[tuple[int, str | None]]:
    """Every response on `sock` until the server closes it: (status, its Connection header)."""
    answers = []
    while (response := read_response(sock)) is not None:
        answers.append((response.status, response.headers.get("connection")))
    return answers


@pytest.mark.parametrize(
    ("refused", "status"),
    [
        (b"GET /x HTTP/1.1\r\nHost: mock\r\nX-Padding: " + b"a" * 20_000 + b"\r\n\r\n", 431),
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET /customers/a1 HTTP/1.1\r\nHost: mock\r\nContent-Length: -1\r\n\r\n", 400),
    ],
    ids=["431", "garbage", "negative-content-length"],
)
def test_requests_pipelined_before_a_refused_one_are_answered_first(
    address: tuple[str, int], refused: bytes, status: int
) -> None:
    """QA 1: in one write, the refusal replaced the answers before it (or never came)."""
    with connect(address) as sock:
        sock.sendall(get() + get(b"", b"/customers/a1") + refused)  # one write
        answers = answers_until_closed(sock)

    assert answers == [(404, None), (404, None), (status, "close")]


def test_a_request_timing_out_behind_pipelined_ones_is_answered_after_them(
    impatient: tuple[str, int],
) -> None:
    with connect(impatient) as sock:
        sock.sendall(get() + b"GET /customers/x HTTP/1.1\r\nHost: mo")  # never finished
        answers = answers_until_closed(sock)

    assert answers == [(404, None), (408, "close")]


def test_a_half_closed_connection_gets_its_answers_before_closing(address: tuple[str, int]) -> None:
    """QA 3: `printf 'GET ...' | nc -N` (a request, then shutdown(SHUT_WR)) got 0 bytes."""
    with connect(address) as sock:
        sock.sendall(get() + get(b"", b"/customers/a1"))
        sock.shutdown(socket.SHUT_WR)
        answers = answers_until_closed(sock)

    assert answers == [(404, None), (404, None)]


def test_a_half_close_mid_request_is_400_after_the_complete_ones(address: tuple[str, int]) -> None:
    with connect(address) as sock:
        sock.sendall(get() + b"GET /customers/x HTTP/1.1\r\nHost: mo")
        sock.shutdown(socket.SHUT_WR)
        answers = answers_until_closed(sock)

    assert answers == [(404, None), (400, "close")]


def test_a_half_close_waits_for_an_answer_still_being_made() -> None:
    """The answer is held by a `delay` fault when the FIN arrives: it still goes out."""
    with MockServer(api_keys=[KEY], limits=LIMITS) as server:
        server.inject(delay=0.2)
        with connect(server_address(server)) as sock:
            sock.sendall(get())
            sock.shutdown(socket.SHUT_WR)
            answers = answers_until_closed(sock)

    assert answers == [(404, None)]


@pytest.mark.parametrize("path", [b"/customers", b"/_mock/seed"])
@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_a_body_over_the_limit_is_413_then_closed_and_never_reset(
    address: tuple[str, int], path: bytes, framing: str
) -> None:
    """QA 6: a 413 may not be lost to a reset while the client is still sending its body."""
    body = b"a" * (3 << 20)
    if framing == "chunked":
        size = b"Transfer-Encoding: chunked\r\n"
        body = b"".join(
            b"10000\r\n" + body[i : i + 65536] + b"\r\n" for i in range(0, len(body), 65536)
        )
        body += b"0\r\n\r\n"
    else:
        size = b"Content-Length: %d\r\n" % len(body)
    head = b"POST " + path + b" HTTP/1.1\r\nHost: mock\r\n" + AUTHORIZATION
    head += b"Content-Type: application/json\r\n" + size + b"\r\n"
    with connect(address) as sock:
        sock.sendall(head + body + get())  # the whole body is sent, and a request after it
        response = read_response(sock)
        assert closed_by_server(sock)  # the request after it is not read

    assert response is not None
    assert response.status == 413
    assert response.headers["connection"] == "close"
    assert_error_shape(response)
