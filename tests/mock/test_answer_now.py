"""API requests that arrive whole are answered without ASGI (`MockHttpProtocol._answer_now`,
`PathEndpoint.answer_now`): the same bytes and journal entries as the ASGI way, no task."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import re
import socket
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from juspay_mock import Limits, MockApp, MockServer, create_app
from juspay_mock._faults import Faults
from juspay_mock._store import MemoryStore
from juspay_mock._uvicorn import config, protocol_for
from uvicorn.server import ServerState

KEY, OTHER_KEY = "now_key", "other_key"
REFERENCE = "now_user"


def request(
    method: str, path: str, body: bytes = b"", key: str | None = KEY, *extra: bytes
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1".encode(), b"Host: mock"]
    if key is not None:
        lines.append(b"Authorization: Basic " + base64.b64encode(f"{key}:".encode()))
    if body or method == "POST":
        lines += [
            b"Content-Type: application/x-www-form-urlencoded",
            b"Content-Length: %d" % len(body),
        ]
    lines += extra
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


# One of each kind of answer the API gives: every status, extra headers, bodies read and refused.
REQUESTS = {
    "get": request("GET", f"/customers/{REFERENCE}"),
    "get with a query": request(
        "GET", f"/customers/{REFERENCE}?options.get_client_auth_token=false"
    ),
    "get, unknown id": request("GET", "/customers/nobody"),
    "update": request("POST", f"/customers/{REFERENCE}", b"first_name=Jo"),
    "update, refused field": request("POST", f"/customers/{REFERENCE}", b"email_address=x"),
    "create, taken reference": request(
        "POST", "/customers", f"object_reference_id={REFERENCE}&mobile_number=9988776655".encode()
    ),
    "no credentials": request("GET", f"/customers/{REFERENCE}", key=None),
    "method not allowed": request("DELETE", f"/customers/{REFERENCE}"),
    "unsupported media type": request(
        "POST", f"/customers/{REFERENCE}", b"{}", KEY, b"Content-Type: text/plain"
    ),
}
# uvloop's timers count whole milliseconds from the time its loop noted at the start of its
# turn, so a `delay` fault's wait may end a little short of the delay (299.84 ms for 0.3 s).
TIMER_SLACK_MS = 5
# What differs between two answers to one request: the request id, and times.
VARYING = re.compile(rb"x-request-id: [0-9a-f]+|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


class Connection(asyncio.Transport):
    """A stand-in for the client's socket: records what the mock writes to it."""

    def __init__(self) -> None:
        super().__init__()
        self.written = b""
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written += bytes(data)

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def can_write_eof(self) -> bool:
        return False

    def pause_reading(self) -> None:
        pass  # uvicorn pauses a connection whose requests wait in its pipeline

    def resume_reading(self) -> None:
        pass


async def serve(
    app: MockApp,
    *chunks: bytes,
    log: logging.Handler | None = None,
    pause: float = 0,
    shutdown: bool = False,
) -> tuple[bytes, int, bool]:
    """What the mock's protocol writes when a connection sends `chunks` (`pause` seconds
    apart, the server shutting down after the first if `shutdown`), how many ASGI tasks it
    started, and whether it closed the connection; `log` gets what uvicorn logs."""
    loaded = config(app, Limits())  # configures uvicorn's loggers afresh, without `log`
    loaded.load()
    if log is not None:
        logging.getLogger("uvicorn.error").addHandler(log)
    state = ServerState()
    protocol = protocol_for(Limits())(
        config=loaded, server_state=state, app_state={}, _loop=asyncio.get_running_loop()
    )
    connection = Connection()
    protocol.connection_made(connection)
    tasks = 0
    for n, chunk in enumerate(chunks):
        if n:
            await asyncio.sleep(pause)
        protocol.data_received(chunk)
        tasks = max(tasks, len(state.tasks))
        if shutdown and n == 0:
            protocol.shutdown()
    for _ in range(20):  # the tasks' turns, and the turn that sends what they wrote
        await asyncio.sleep(0)
    closed = connection.closed
    protocol.connection_lost(None)
    if log is not None:
        logging.getLogger("uvicorn.error").removeHandler(log)
    return connection.written, tasks, closed


def new_app(**options: Any) -> MockApp:
    app = create_app([KEY, OTHER_KEY], **options)
    app.control.seed([{"object_reference_id": REFERENCE, "mobile_number": "9988776655"}], KEY)
    return app


def through_asgi(app: MockApp) -> None:
    """Make every request take the ASGI way: a fault is pending (for another key)."""
    app.control.inject(OTHER_KEY, status=503, path="/customers")


@pytest.mark.parametrize("data", REQUESTS.values(), ids=REQUESTS.keys())
async def test_an_answer_without_asgi_is_the_answer_asgi_sends(data: bytes) -> None:
    app = new_app()

    now, now_tasks, _ = await serve(app, data)
    through_asgi(app)
    asgi, asgi_tasks, _ = await serve(app, data)

    assert (now_tasks, asgi_tasks) == (0, 1)
    assert now.startswith(b"HTTP/1.1 ")
    assert VARYING.sub(b"", now) == VARYING.sub(b"", asgi)
    first, second = app.control.requests(None, every_key=True)
    assert first.request_id in now.decode()
    assert second.request_id in asgi.decode()
    assert first.duration_ms >= 0
    different = {"time", "duration_ms", "request_id"}
    assert {k: v for k, v in first.to_json().items() if k not in different} == {
        k: v for k, v in second.to_json().items() if k not in different
    }


async def test_pipelined_requests_are_answered_without_asgi_in_order() -> None:
    app = new_app()
    data = REQUESTS["get, unknown id"] + REQUESTS["update"] + REQUESTS["get"]

    written, tasks, closed = await serve(app, data)

    assert tasks == 0
    assert not closed
    statuses = re.findall(rb"HTTP/1.1 (\d+)", written)
    assert statuses == [b"404", b"200", b"200"]
    assert written.rsplit(b"\r\n\r\n", 1)[1].count(b'"first_name":"Jo"') == 1


# Requests the protocol leaves to ASGI, each for its reason; the answer is the same.
ASGI_REQUESTS = {
    "a control": request("GET", "/_mock/requests"),
    "a path the spec does not have": request("GET", "/nowhere"),
    "HEAD": request("HEAD", f"/customers/{REFERENCE}"),
    "a chunked body": request("POST", f"/customers/{REFERENCE}")
    .replace(b"Content-Length: 0", b"Transfer-Encoding: chunked")
    .replace(b"\r\n\r\n", b"\r\n\r\n7\r\nlast_na\r\n0\r\n\r\n"),
    "100 Continue": request("GET", f"/customers/{REFERENCE}", b"", KEY, b"Expect: 100-continue"),
    "HTTP/1.0": request("GET", f"/customers/{REFERENCE}").replace(b"HTTP/1.1", b"HTTP/1.0"),
    "Connection: close": request("GET", f"/customers/{REFERENCE}", b"", KEY, b"Connection: close"),
    "a body over the limit": request("POST", f"/customers/{REFERENCE}").replace(
        b"Content-Length: 0", b"Content-Length: %d" % (2 << 20)
    ),
}


@pytest.mark.parametrize("data", ASGI_REQUESTS.values(), ids=ASGI_REQUESTS.keys())
async def test_other_requests_take_the_asgi_way(data: bytes) -> None:
    written, tasks, _ = await serve(new_app(), data)

    assert tasks == 1
    assert written.startswith((b"HTTP/1.1 ", b"HTTP/1.0 "))


async def test_a_request_behind_one_still_answered_waits_for_it() -> None:
    data = ASGI_REQUESTS["a path the spec does not have"] + REQUESTS["update"]

    written, tasks, _ = await serve(new_app(), data)

    assert tasks == 1  # the update waits in uvicorn's pipeline, then takes the ASGI way too
    assert re.findall(rb"HTTP/1.1 (\d+)", written) == [b"404", b"200"]


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class UnreachableStore(MemoryStore):
    """A store that has gone away, as a database does when its server stops."""

    def __getitem__(self, api_key: str) -> Any:
        raise ConnectionError("the store is unreachable")


@pytest.mark.parametrize("asgi", [False, True], ids=["at once", "through ASGI"])
async def test_an_error_in_the_app_is_a_500_and_the_connection_hangs_up(asgi: bool) -> None:
    app = create_app([KEY, OTHER_KEY], store=UnreachableStore([KEY, OTHER_KEY]))
    if asgi:
        through_asgi(app)
    create = request("POST", "/customers", b"object_reference_id=never_created&mobile_number=1")
    handler = Records()  # uvicorn's loggers do not propagate to the root, where caplog is

    written, tasks, closed = await serve(app, REQUESTS["get"] + create, log=handler)

    assert tasks == (1 if asgi else 0)
    assert closed
    answer = re.fullmatch(
        rb"HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\n"
        rb"content-length: (\d+)\r\nx-request-id: [0-9a-f]+\r\nconnection: close\r\n\r\n(.*)",
        written,
        re.DOTALL,
    )
    assert answer is not None, written  # one answer, the same either way; the create unread
    assert int(answer[1]) == len(answer[2])
    assert json.loads(answer[2])["error_info"]["developer_message"] == (
        "The mock failed; see its log."
    )
    assert [str(record.exc_info[1]) for record in handler.records if record.exc_info] == [
        "the store is unreachable"
    ]
    assert app.control.requests(None, every_key=True) == []


@pytest.mark.parametrize("asgi", [False, True], ids=["at once", "through ASGI"])
async def test_a_request_arriving_at_shutdown_is_answered_then_the_connection_closes(
    asgi: bool,
) -> None:
    app = new_app()
    if asgi:
        through_asgi(app)
    create = request(
        "POST", "/customers", b"object_reference_id=late_user&mobile_number=9988776655"
    )
    head, body = create[:-10], create[-10:]

    written, _, closed = await serve(app, head, body, shutdown=True)

    assert re.findall(rb"HTTP/1.1 (\d+)", written) == [b"200"]
    assert b"\r\nconnection: close\r\n" in written
    assert closed
    assert app.control.customer("late_user", KEY) is not None


@pytest.mark.parametrize("asgi", [False, True], ids=["at once", "through ASGI"])
async def test_the_journal_times_a_request_from_its_head(asgi: bool) -> None:
    app = new_app()
    if asgi:
        through_asgi(app)
    update = REQUESTS["update"]
    before = datetime.now(UTC)

    await serve(app, update[:-5], update[-5:], pause=0.2)

    (entry,) = app.control.requests(KEY)
    assert entry.duration_ms >= 200
    assert before <= entry.time < before + timedelta(seconds=0.15)


# Any request the API paths may get, valid or not: the two ways must answer it alike.
any_request = st.builds(
    lambda method, path, query, body, media, key: request(
        method, path + query, body.encode(), key, *([b"Content-Type: " + media] if media else [])
    ),
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE"]),
    path=st.sampled_from(
        ["/customers", f"/customers/{REFERENCE}", "/customers/nobody", "/customers/a%2Fb"]
    ),
    query=st.sampled_from(
        ["", "?options.get_client_auth_token=true", "?options.get_client_auth_token=maybe"]
    ),
    body=st.lists(
        st.sampled_from(
            ["object_reference_id=", "mobile_number=", "first_name=", "email_address=", "x="]
        ).flatmap(lambda name: st.text("ab1@.é%&=", max_size=12).map(lambda v: name + v)),
        max_size=4,
    ).map("&".join),
    media=st.sampled_from([None, b"application/json", b"text/plain"]),
    key=st.sampled_from([KEY, "wrong_key", None]),
)
# ... and what is random in an answer besides: new ids and tokens.
RANDOM = re.compile(
    rb'"(id|client_auth_token)":"[^"]*"|x-request-id: [0-9a-f]+|content-length: \d+'
)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(data=any_request)
async def test_any_request_is_answered_alike_either_way(data: bytes) -> None:
    at_once, through = new_app(), new_app()
    through_asgi(through)

    now, now_tasks, _ = await serve(at_once, data)
    asgi, _, _ = await serve(through, data)

    assert now_tasks == 0
    assert RANDOM.sub(b"", VARYING.sub(b"", now)) == RANDOM.sub(b"", VARYING.sub(b"", asgi))


def test_a_delay_fault_counts_in_the_journal_duration(
    server: MockServer, live: httpx.Client
) -> None:
    """A `delay` fault holds the answer (it takes the ASGI way): the journal's duration runs
    to the answer, so it shows the wait."""
    server.inject(delay=0.3, api_key=server.api_key)

    assert live.get("/customers/nobody").status_code == 404

    (entry,) = server.requests()
    assert entry.duration_ms >= 300 - TIMER_SLACK_MS


@pytest.mark.parametrize(
    ("path", "fault", "status"),
    [
        ("/customers/nobody", None, b"404"),
        ("/nowhere", None, b"404"),
        ("/customers/x", 503, b"503"),
    ],
    ids=["a spec path", "an unknown path", "a fault's answer"],
)
def test_a_request_pipelined_behind_a_slow_one_is_timed_from_its_head(
    server: MockServer, path: str, fault: int | None, status: bytes
) -> None:
    """Two gets arrive in one write; a `delay` fault holds the first, and the second waits in
    uvicorn's pipeline for its turn. The journal times the second from its own head, as it
    times any request: it arrived with the first, and its duration shows the wait."""
    server.reset()
    server.inject(delay=0.3, api_key=server.api_key)
    if fault is not None:
        server.inject(status=fault, api_key=server.api_key)
    first_get = request("GET", "/customers/nobody", key=server.api_key)
    second_get = request("GET", path, key=server.api_key)
    url = httpx.URL(server.base_url)

    with socket.create_connection((url.host, url.port)) as connection:
        connection.sendall(first_get + second_get)
        answers = b""
        while not re.search(rb"HTTP/1.1 404.*HTTP/1.1 " + status, answers, re.DOTALL):
            answers += connection.recv(65536) or pytest.fail(f"closed after {answers!r}")

    first, second = server.requests()
    assert second.path == path
    assert abs(second.time - first.time) < timedelta(seconds=0.1)
    assert first.duration_ms >= 300 - TIMER_SLACK_MS
    assert second.duration_ms >= 250


async def test_the_journal_lists_requests_by_arrival_not_by_answer() -> None:
    app = new_app()
    slow = REQUESTS["update"]
    # The slow update's head comes first, then a whole get on another connection, then the
    # update's body: answered second, it arrived first.
    loaded = config(app, Limits())
    loaded.load()
    loop = asyncio.get_running_loop()
    first, second = (
        protocol_for(Limits())(config=loaded, server_state=ServerState(), app_state={}, _loop=loop)
        for _ in range(2)
    )
    for protocol in (first, second):
        protocol.connection_made(Connection())
    first.data_received(slow[:-5])
    await asyncio.sleep(0.01)
    second.data_received(REQUESTS["get"])
    first.data_received(slow[-5:])

    entries = app.control.requests(KEY)
    assert [entry.operation_id for entry in entries] == ["updateCustomer", "getCustomer"]
    assert entries[0].time < entries[1].time
    everyone = app.control.requests(None, every_key=True)
    assert [entry.request_id for entry in everyone] == [entry.request_id for entry in entries]


class FailingFaults(Faults):
    """Faults kept in a store that has gone away (Redis, stopped)."""

    def is_empty(self) -> bool:
        return False

    def take(self, api_key: str | None, method: str, sent: bytes) -> Any:
        raise ConnectionError("the faults' store is unreachable")


async def test_a_failing_fault_store_is_a_500_in_juspays_shape() -> None:
    app = new_app()
    app._faults = FailingFaults(app.control.state.routes)

    written, tasks, closed = await serve(app, REQUESTS["get"] + REQUESTS["get"], log=Records())

    assert tasks == 1
    assert closed
    assert re.findall(rb"HTTP/1.1 (\d+)", written) == [b"500"]
    assert b"content-type: application/json\r\n" in written
    assert b"\r\nconnection: close\r\n" in written


async def test_a_failing_control_is_a_500_in_juspays_shape() -> None:
    app = create_app([KEY], store=UnreachableStore([KEY]))

    written, _, _ = await serve(app, request("GET", "/_mock/customers"), log=Records())

    assert re.findall(rb"HTTP/1.1 (\d+)", written) == [b"500"]
    assert b"content-type: application/json\r\n" in written
    assert b"The mock failed; see its log." in written
