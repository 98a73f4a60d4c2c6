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


@pytest.mark.parametrize("pieces", [1, 40], ids=["one-write", "many-writes"])
def test_a_head_within_the_limit_is_served(address: tuple[str, int], pieces: int) -> None:
    request = get(b"X-Padding: " + b"a" * 1800 + b"\r\n")
    size = -(-len(request) // pieces)
    with connect(address) as sock:
        for start in range(0, len(request), size):
            sock.sendall(request[start : start + size])
            time.sleep(0.001)
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
    size = -(-len(request) // pieces)
    with connect(address) as sock:
        for start in range(0, len(request), size):
            sock.sendall(request[start : start + size])
            time.sleep(0.001)
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
