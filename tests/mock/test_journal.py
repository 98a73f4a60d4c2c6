"""The request journal (issue 11): what the mock answered, per key, over HTTP and in Python."""

from __future__ import annotations

import dataclasses
import logging
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote_to_bytes

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from juspay_mock import MockApp, MockServer, RecordedRequest, create_app
from juspay_mock._asgi import first_values
from juspay_mock._journal import SHARED_LINES, filtered, read_headers
from juspay_mock._routes import shown_path

from tests.mock.conftest import API_KEYS, ELIXIR_CREATE, in_process

KEY_A, KEY_B = API_KEYS


async def test_each_api_request_is_recorded_with_what_the_operation_saw(
    app: MockApp, api: httpx.AsyncClient
) -> None:
    created = await api.post("/customers", data=ELIXIR_CREATE, headers={"x-routing-id": "route_1"})

    (entry,) = app.control.requests(KEY_A)

    assert entry.operation_id == "createCustomer"
    assert (entry.method, entry.path, entry.status) == ("POST", "/customers", 200)
    assert entry.body == ELIXIR_CREATE
    assert entry.header("X-Routing-Id") == "route_1"
    assert entry.header("authorization") == "[filtered]"
    assert entry.request_id == created.headers["x-request-id"]
    assert entry.duration_ms >= 0
    assert datetime.now(UTC) - timedelta(minutes=1) < entry.time <= datetime.now(UTC)


async def test_credentials_are_never_kept(app: MockApp, api: httpx.AsyncClient) -> None:
    """Authorization (the API key), and any Proxy-Authorization or Cookie a client sends."""
    others = {"proxy-authorization": "Basic cHJveHk6c2VjcmV0", "cookie": "session=s3cret"}
    await api.get("/customers/x", headers=others)
    await api.get("/nowhere", headers=others)

    for entry in app.control.requests(KEY_A):
        assert all("a2V5X2E6" not in value and KEY_A not in value for _, value in entry.headers)
        assert not any("s3cret" in value or "cHJveHk" in value for _, value in entry.headers)
        for name in ("authorization", "proxy-authorization", "cookie"):
            assert entry.header(name) == "[filtered]"


async def test_refused_requests_are_recorded_with_the_body_as_received(
    app: MockApp, api: httpx.AsyncClient
) -> None:
    await api.post("/customers", data={"object_reference_id": "x", "mobile_number": "no"})
    await api.put("/customers")
    await api.get("/unknown/path")

    invalid, not_allowed, unknown = app.control.requests(KEY_A)

    assert (invalid.status, invalid.body) == (
        400,
        {"object_reference_id": "x", "mobile_number": "no"},
    )
    assert (not_allowed.status, not_allowed.operation_id) == (405, None)
    assert (unknown.status, unknown.operation_id, unknown.path) == (404, None, "/unknown/path")


async def test_requests_without_a_valid_key_are_kept_apart_from_every_merchant(
    app: MockApp,
) -> None:
    async with in_process(app, "stranger") as stranger:
        assert (await stranger.get("/customers/x")).status_code == 401

    assert app.control.requests(KEY_A) == []
    (entry,) = app.control.requests(every_key=True)
    assert entry.status == 401


async def test_control_calls_are_not_recorded(app: MockApp, api: httpx.AsyncClient) -> None:
    await api.post("/_mock/seed", json={"customers": []})
    await api.get("/_mock/customers")
    await api.get("/_mock/requests")

    assert app.control.requests(KEY_A) == []


async def test_a_status_fault_is_recorded_as_answered(app: MockApp, api: httpx.AsyncClient) -> None:
    await api.post("/_mock/faults", json={"status": 503})

    answered = await api.get("/customers/x")

    (entry,) = app.control.requests(KEY_A)
    assert (entry.status, entry.operation_id) == (503, "getCustomer")
    assert entry.request_id == answered.headers["x-request-id"]


async def test_the_journal_over_http(app: MockApp, api: httpx.AsyncClient) -> None:
    await api.post("/customers", data=ELIXIR_CREATE)
    await api.get("/customers/guest_user")
    await api.get("/customers/nobody")

    async def paths(**params: str) -> list[str]:
        response = await api.get("/_mock/requests", params=params)
        assert response.status_code == 200, response.text
        return [f"{r['method']} {r['path']} {r['status']}" for r in response.json()["requests"]]

    assert await paths() == [
        "POST /customers 200",
        "GET /customers/guest_user 200",
        "GET /customers/nobody 404",
    ]
    assert await paths(operation="getCustomer", status="404") == ["GET /customers/nobody 404"]
    assert await paths(method="post") == ["POST /customers 200"]
    assert await paths(path="/customers/{customer_id}") == [
        "GET /customers/guest_user 200",
        "GET /customers/nobody 404",
    ]
    assert await paths(since="2999-01-01T00:00:00Z") == []
    first = (await api.get("/_mock/requests")).json()["requests"][0]
    assert first["headers"]["authorization"] == ["[filtered]"]
    assert first["body"] == ELIXIR_CREATE
    assert first["operation_id"] == "createCustomer"
    assert first["time"].endswith("Z")

    assert (await api.delete("/_mock/requests")).status_code == 204
    assert await paths() == []


async def test_the_query_is_recorded_as_sent(app: MockApp, api: httpx.AsyncClient) -> None:
    """A QA engineer can assert that a get asked for a client auth token."""
    await api.post("/customers", data=ELIXIR_CREATE)
    await api.get("/customers/guest_user?options.get_client_auth_token=true&x=a+b&x=%26")
    await api.get("/customers/guest_user")

    _, with_token, plain = app.control.requests(KEY_A)

    assert with_token.query_param("options.get_client_auth_token") == "true"
    assert with_token.query == (("options.get_client_auth_token", "true"), ("x", "a b"), ("x", "&"))
    assert (plain.query, plain.query_param("options.get_client_auth_token")) == ((), None)
    entry = (await api.get("/_mock/requests", params={"operation": "getCustomer"})).json()
    assert [r["query"] for r in entry["requests"]] == [
        {"options.get_client_auth_token": ["true"], "x": ["a b", "&"]},
        {},
    ]


@pytest.mark.parametrize(
    ("sent", "recorded", "also_matches"),
    [
        ("/customers/a%2Fb", "/customers/a%2Fb", "/customers/a/b"),
        ("/customers/jos%C3%A9", "/customers/jos%C3%A9", "/customers/josé"),
        ("/customers/plain_id", "/customers/plain_id", "/customers/plain_id"),
    ],
)
async def test_the_path_is_recorded_as_sent_and_found_by_any_of_its_names(
    app: MockApp, api: httpx.AsyncClient, sent: str, recorded: str, also_matches: str
) -> None:
    """An id holding `/` stays one segment: its request is recorded as sent, as getCustomer,
    and the path filter finds it as sent, percent-decoded and by its template."""
    await api.get(sent)

    (entry,) = app.control.requests(KEY_A)
    assert (entry.path, entry.operation_id) == (recorded, "getCustomer")
    for name in (recorded, also_matches, "/customers/{customer_id}"):
        assert app.control.requests(KEY_A, path=name) == [entry], name
    assert app.control.requests(KEY_A, path="/customers") == []


async def test_an_entrys_own_time_finds_it_with_since(app: MockApp, api: httpx.AsyncClient) -> None:
    """`time` is shown to the microsecond; `since` compares that, not the clock's finer float
    (issue found: `since=entry.time` left the entry out about half the time)."""
    for n in range(200):
        await api.get(f"/customers/c{n}")

    entries = app.control.requests(KEY_A)
    for entry in entries:
        assert app.control.requests(KEY_A, since=entry.time)[0] == entry
    for entry in entries[::20]:
        shown = (await api.get("/_mock/requests")).json()["requests"][entries.index(entry)]
        found = await api.get("/_mock/requests", params={"since": shown["time"]})
        assert found.json()["requests"][0] == shown


@pytest.mark.parametrize(
    "body",
    [
        b'{"object_reference_id": "\\ud800", "mobile_number": "12345"}',
        b'{"object_reference_id": "ok", "mobile_number": 123456789012345678901234567890}',
        b'{"object_reference_id": "ok", "mobile_number": -123456789012345678901234567890}',
        b'{"object_reference_id": "ok", "mobile_number": ' + b"9" * 4000 + b"}",
    ],
    ids=["lone-surrogate", "huge-integer", "huge-negative-integer", "4000-digits"],
)
async def test_a_refused_body_no_json_can_carry_leaves_the_journal_readable(
    app: MockApp, api: httpx.AsyncClient, body: bytes
) -> None:
    """Breaker's case: one refused request with such a value made every later read of the
    journal a 500 (and was lost on Redis). It is kept in a form JSON carries."""
    refused = await api.post(
        "/customers", content=body, headers={"content-type": "application/json"}
    )
    assert refused.status_code == 400

    read = await api.get("/_mock/requests")

    assert read.status_code == 200
    (entry,) = read.json()["requests"]
    assert entry["status"] == 400
    assert set(entry["body"]) == {"object_reference_id", "mobile_number"}
    assert all(isinstance(value, str) for value in entry["body"].values())


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"path": "customers/x"}, "path: 'customers/x' is no request path"),
        ({"status": ["404", "200"]}, "give 'status' once"),
        ({"status": "abc"}, "status must be a three-digit"),
        ({"since": "2026-01-31T12:00:00 05:30"}, "send the offset's + as %2B"),
        ({"since": "yesterday"}, "since must be an ISO 8601 time"),
        ({"colour": "red"}, "unexpected 'colour'"),
        ({"operation": "createCustomr"}, "operation: 'createCustomr' is not in the spec"),
        # A new user's report (QA 4, F1): these answered 200 with nothing matched.
        ({"method": "GTE"}, "method: 'GTE' is no HTTP method"),
        ({"path": "/customer/{customer_id}"}, "is no template of the spec; expected one of"),
        ({"path": "/customers/{id}"}, "path: '/customers/{id}' is no template of the spec"),
        ({"status": "999"}, "status: 999 is no HTTP status"),
    ],
)
async def test_bad_journal_filters_are_400_naming_them(
    api: httpx.AsyncClient, params: dict[str, str | list[str]], message: str
) -> None:
    response = await api.get("/_mock/requests", params=params)

    assert response.status_code == 400
    assert message in response.json()["error_info"]["developer_message"]


async def test_delete_takes_no_filters_and_keeps_the_journal(
    app: MockApp, api: httpx.AsyncClient
) -> None:
    """QA 4, F3: `DELETE ...?operation=getCustomer` emptied the whole journal, answering 204."""
    await api.post("/customers", data=ELIXIR_CREATE)
    await api.get("/customers/guest_user")

    response = await api.delete("/_mock/requests", params={"operation": "getCustomer"})

    with_body = await api.request(
        "DELETE", "/_mock/requests", json={"operation": "getCustomer"}
    )  # a re-check: a body of filters emptied it too

    assert response.status_code == with_body.status_code == 400
    assert "DELETE takes no filters" in response.json()["error_info"]["developer_message"]
    assert [r.operation_id for r in app.control.requests(KEY_A)] == [
        "createCustomer",
        "getCustomer",
    ]
    assert (await api.delete("/_mock/requests")).status_code == 204
    assert app.control.requests(KEY_A) == []


async def test_the_journal_is_a_bounded_ring_per_key() -> None:
    app = create_app(API_KEYS, journal_size=3)
    async with in_process(app, KEY_A) as a, in_process(app, KEY_B) as b:
        for number in range(5):
            await a.get(f"/customers/a{number}")
        await b.get("/customers/b0")

    assert [r.path for r in app.control.requests(KEY_A)] == [
        "/customers/a2",
        "/customers/a3",
        "/customers/a4",
    ]
    assert [r.path for r in app.control.requests(KEY_B)] == ["/customers/b0"]


async def test_journal_size_0_records_nothing() -> None:
    app = create_app(API_KEYS, journal_size=0)
    async with in_process(app) as client:
        await client.post("/customers", data=ELIXIR_CREATE)
        await client.get("/nowhere")

    assert app.control.requests() == []


# 2**63: a breaker's report, accepted, then no journal and the API key in a logged traceback.
@pytest.mark.parametrize("size", [-1, 1.5, True, 1_000_001, 2**63])
def test_a_journal_size_that_is_no_count_is_refused(size: object) -> None:
    with pytest.raises(ValueError, match="journal_size"):
        create_app(API_KEYS, journal_size=size)  # type: ignore[arg-type]


def test_entries_are_immutable_and_their_repr_masks_personal_data(
    server: MockServer, live: httpx.Client
) -> None:
    live.post("/customers", data={**ELIXIR_CREATE, "email_address": "someone@example.com"})

    (entry,) = server.requests("createCustomer")

    assert isinstance(entry, RecordedRequest)
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.status = 500  # type: ignore[misc]
    with pytest.raises(TypeError):
        entry.body["first_name"] = "x"  # type: ignore[index]
    assert "someone@example.com" not in repr(entry)
    assert ELIXIR_CREATE["mobile_number"] not in repr(entry)
    assert "email_address" in repr(entry)


def test_the_repr_shows_path_and_query_with_ids_and_values_masked(
    server: MockServer, live: httpx.Client
) -> None:
    """What `assert_requested` lists: enough to tell requests apart, no reference in full."""
    live.get("/customers/someone@example.com", params={"options.get_client_auth_token": "true"})

    (entry,) = server.requests()

    assert repr(entry).startswith(
        "RecordedRequest(GET /customers/s***@example.com?options.get_client_auth_token=tr…"
        " getCustomer -> 404,"
    )
    assert "someone" not in repr(entry)


def test_the_repr_masks_personal_data_as_the_clients_logs_do(
    server: MockServer, caplog: pytest.LogCaptureFixture
) -> None:
    """QA 4, F7: the journal kept the first two characters and the client's log the last two
    digits, so one failing test's output showed `98******10`. Now both mask alike: together
    they show no more than either."""
    caplog.set_level(logging.DEBUG, logger="juspay_customers")
    with server.client() as client:
        client.customers.create(ELIXIR_CREATE)
    (entry,) = server.requests("createCustomer")

    shown = repr(entry) + caplog.text

    assert "'mobile_number': '********55'" in repr(entry)
    assert "'email_address': 'c***@mail.com'" in repr(entry)
    assert "'first_name': 'J***', 'last_name': 'S***'" in repr(entry)
    assert "mobile_number=********55 email_address=c***@mail.com" in caplog.text
    assert "99" not in shown  # the mobile's first digits, in either
    assert "customer@" not in shown  # the e-mail's local part
    assert "cu…" not in shown
    assert "Jo" not in shown  # the names' second letters
    assert "Sm" not in shown


def test_mock_server_requests_and_assert_requested(server: MockServer, live: httpx.Client) -> None:
    live.post("/customers", data=ELIXIR_CREATE, headers={"x-routing-id": "r1"})
    live.get("/customers/guest_user")

    (create,) = server.assert_requested("createCustomer", times=1, status=200)
    assert create.header("x-routing-id") == "r1"
    server.assert_requested("getCustomer", path="/customers/guest_user")
    server.assert_requested("updateCustomer", times=0)
    with pytest.raises(AssertionError) as failed:
        server.assert_requested("createCustomer", times=2)

    message = str(failed.value)
    assert "expected 2 createCustomer request(s), found 1" in message
    assert "POST /customers createCustomer -> 200" in message
    assert "GET /customers/gu… getCustomer -> 200" in message
    assert "guest_user" not in message
    assert ELIXIR_CREATE["mobile_number"] not in message
    server.clear_requests()
    assert server.requests() == []


def test_assert_requested_with_nothing_received_says_so(server: MockServer) -> None:
    server.reset()

    with pytest.raises(AssertionError, match="found 0; received: nothing"):
        server.assert_requested("createCustomer")


def test_filters_any_request_may_match_are_taken(server: MockServer, live: httpx.Client) -> None:
    """What the stricter filters still take: any case of a method, a path the spec lacks
    (unknown paths are journalled too), the spec's template, the edges of the status range."""
    live.get("/nowhere")
    live.patch("/customers/guest_user")

    assert [r.status for r in server.requests(path="/nowhere")] == [404]
    assert [r.path for r in server.requests(method="patch")] == ["/customers/guest_user"]
    assert len(server.requests(path="/customers/{customer_id}")) == 1
    assert server.requests(status=100) == server.requests(status=599) == []


@pytest.mark.parametrize(
    ("times", "error", "message"),
    [
        (
            "1",
            TypeError,
            "times: expected int or None, got str",
        ),  # QA 4, F11: "expected 1, found 1"
        (True, TypeError, "times: expected int or None, got bool"),
        (1.0, TypeError, "times: expected int or None, got float"),
        (-1, ValueError, "times: -1 is below 0"),  # could never pass
    ],
)
def test_assert_requested_refuses_a_times_that_is_no_count(
    server: MockServer, times: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        server.assert_requested("createCustomer", times=times)


@pytest.mark.parametrize("times", [1, 0, None])
def test_assert_requested_with_the_journal_off_always_fails(times: int | None) -> None:
    """QA 4, F12: with the journal off it said "received: nothing" after a create, and a
    re-check: `times=0` passed although the create happened."""
    with MockServer(api_keys=["k"], journal_size=0) as off, off.client() as client:
        client.customers.create(ELIXIR_CREATE)

        with pytest.raises(AssertionError, match=r"the journal is off \(journal_size=0\): no"):
            off.assert_requested("createCustomer", times=times)
        with pytest.raises(ValueError, match="createCustomr"):  # the filters are still checked
            off.assert_requested("createCustomr", times=0)


def test_assert_requested_lists_the_newest_and_says_when_the_journal_is_full() -> None:
    """QA 4, F12: 2,000 requests made a 198 KB message, and a full ring looked complete."""
    with MockServer(api_keys=["k"], journal_size=25) as small:
        with httpx.Client(base_url=small.base_url, auth=("k", "")) as http:
            for number in range(30):
                http.get(f"/customers/user_{number:02}")

        with pytest.raises(AssertionError) as failed:
            small.assert_requested("createCustomer")

    message = str(failed.value)
    listed = [line for line in message.splitlines() if line.startswith("  RecordedRequest(")]
    assert "received: 25, the newest 20:" in message
    assert len(listed) == 20
    assert listed[-1].startswith("  RecordedRequest(GET /customers/us… getCustomer -> 404")
    assert "keeps the last 25 requests of a key; it is full" in message


def test_requests_since_needs_a_time_zone(server: MockServer) -> None:
    with pytest.raises(ValueError, match="since"):
        server.requests(since=datetime(2026, 1, 1))
    with pytest.raises(TypeError, match="since: expected an aware datetime, got str"):
        server.requests(since="2026-01-01")  # type: ignore[arg-type]


def test_a_misspelled_operation_is_refused_not_matched_by_nothing(server: MockServer) -> None:
    """A new user's report: `assert_requested("createCustomr", times=0)` passed, always."""
    with pytest.raises(ValueError, match="'createCustomr' is not in the spec; expected"):
        server.assert_requested("createCustomr", times=0)
    with pytest.raises(ValueError, match="createCustomr"):
        server.requests("createCustomr")


@pytest.mark.parametrize(
    ("filters", "error", "message"),
    [
        ({"method": 1}, TypeError, "method: expected str, got int"),
        ({"operation": ["getCustomer"]}, TypeError, "operation: expected str, got list"),
        ({"path": b"/customers"}, TypeError, "path: expected str, got bytes"),
        ({"status": "404"}, TypeError, "status: expected int, got str"),
        ({"status": True}, TypeError, "status: expected int, got bool"),
        ({"path": "customers/x"}, ValueError, "starts with /"),
        # QA 4, F1: each of these matched nothing, silently.
        ({"method": "GTE"}, ValueError, "method: 'GTE' is no HTTP method; expected one of"),
        ({"path": "/customer/{customer_id}"}, ValueError, "is no template of the spec"),
        ({"path": "/customers/{id}"}, ValueError, "is no template of the spec"),
        ({"status": 999}, ValueError, "status: 999 is no HTTP status; expected 100-599"),
        ({"status": 99}, ValueError, "status: 99 is no HTTP status"),
    ],
)
def test_filters_of_the_wrong_kind_are_refused_not_matched_by_nothing(
    server: MockServer, filters: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        server.requests(**filters)


def test_requests_since_filters_by_arrival(server: MockServer, live: httpx.Client) -> None:
    live.get("/customers/early")
    middle = datetime.now(UTC)
    live.get("/customers/late")

    assert [r.path for r in server.requests(since=middle)] == ["/customers/late"]


async def test_a_refused_body_is_kept_bounded(app: MockApp, api: httpx.AsyncClient) -> None:
    """A refused body is unchecked input: the journal keeps its declared fields, text cut."""
    body = {"object_reference_id": "x" * 5000, "first_name": ["a"] * 1000, "undeclared": "y"}

    response = await api.post("/customers", json=body)

    (entry,) = app.control.requests(KEY_A)
    assert response.status_code == 400
    assert entry.body == {"object_reference_id": "x" * 1000 + "…", "first_name": "<list>"}


# Header lists as any ASGI server may give them: names repeated or not, `Authorization` once,
# twice or never, values with and without the whitespace the mock's server strips.
CREDENTIALS = {b"authorization", b"proxy-authorization", b"cookie"}
header_lists = st.lists(
    st.tuples(
        st.sampled_from(
            [b"authorization", b"proxy-authorization", b"cookie", b"host", b"x-routing-id"]
        ),
        st.sampled_from([b"Basic a2V5X2E6", b" Basic a2V5X2E6 ", b"", b"\t", b"x"]),
    ),
    max_size=6,
)


@settings(max_examples=300, derandomize=True)
@given(headers=header_lists)
def test_reading_headers_once_gives_what_the_two_passes_give(
    headers: list[tuple[bytes, bytes]],
) -> None:
    """`read_headers`, on every API request, is `first_values` and `filtered` in one pass."""
    shared: dict[tuple[bytes, bytes], tuple[bytes, bytes]] = {}
    values, kept = read_headers(headers, shared)
    again = read_headers([(name, value) for name, value in headers], shared)[1]  # equal lines

    assert values == first_values(headers)
    assert kept == again == filtered(headers)
    assert all(value == b"[filtered]" for name, value in kept if name in CREDENTIALS)
    assert all(mine is theirs for mine, theirs in zip(kept, again, strict=True))  # one copy
    assert not any(name in CREDENTIALS for name, _ in shared)  # nor kept there


def test_the_header_lines_kept_once_are_bounded() -> None:
    """Lines that never repeat (a routing id per customer) do not grow the shared copies."""
    shared: dict[tuple[bytes, bytes], tuple[bytes, bytes]] = {}
    for n in range(3 * SHARED_LINES):
        read_headers([(b"x-routing-id", b"cst_%d" % n)], shared)

    assert 0 < len(shared) <= SHARED_LINES + 1


@settings(max_examples=300, derandomize=True)
@given(sent=st.binary(max_size=40).map(lambda raw: b"/" + raw))
def test_a_path_is_shown_as_printable_ascii_that_decodes_to_what_was_sent(sent: bytes) -> None:
    shown = shown_path(sent)

    assert shown.isascii()
    assert shown.isprintable()
    assert " " not in shown
    assert unquote_to_bytes(shown) == unquote_to_bytes(sent)
    if all(0x21 <= byte < 0x7F for byte in sent):
        assert shown == sent.decode("ascii")  # nothing the client encoded is changed
