"""The control endpoints (reset, seed, faults) and their validation, in process."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from juspay_mock import MockApp

from tests.mock.conftest import API_KEYS, ELIXIR_CREATE

SEEDED = {
    "id": "cst_om2l6ctlptxwxuzj",
    "object": "customer",
    "object_reference_id": "guest_user",
    "mobile_number": "9988776655",
    "date_created": "2016-08-02T08:07:52+0000",
    "last_updated": "2016-08-02T08:07:52+0000",
    "email_address": "customer@gmail.com",
    "first_name": "John",
    "last_name": "Smith",
    "mobile_country_code": "91",
}


async def test_seed_stores_customers_verbatim_and_get_finds_them(api: httpx.AsyncClient) -> None:
    response = await api.post("/_mock/seed", json={"api_key": None, "customers": [SEEDED]})

    assert response.status_code == 204
    assert (await api.get("/customers/cst_om2l6ctlptxwxuzj")).json() == SEEDED
    assert (await api.get("/customers/guest_user")).json() == SEEDED


async def test_seed_fills_generated_fields_and_respects_the_key(api: httpx.AsyncClient) -> None:
    minimal = {"object_reference_id": "seeded_1", "mobile_number": "12345"}
    body = {"api_key": API_KEYS[1], "customers": [minimal]}

    await api.post("/_mock/seed", json=body, auth=(API_KEYS[1], ""))

    assert (await api.get("/customers/seeded_1")).status_code == 404
    seeded = (await api.get("/customers/seeded_1", auth=(API_KEYS[1], ""))).json()
    assert seeded["id"].startswith("cst_")
    assert seeded["date_created"] == seeded["last_updated"]


async def test_a_seeded_customer_updates_and_blocks_a_duplicate_create(
    api: httpx.AsyncClient,
) -> None:
    await api.post("/_mock/seed", json={"customers": [SEEDED]})

    updated = (await api.post("/customers/guest_user", data={"first_name": "Jo"})).json()
    duplicate = await api.post("/customers", data=ELIXIR_CREATE)

    assert updated["date_created"] == SEEDED["date_created"]
    assert updated["last_updated"] > "2026"
    assert duplicate.json()["error_code"] == "unique"


@pytest.mark.parametrize(
    ("control", "body", "message"),
    [
        (
            "seed",
            {"customers": [{"mobile_number": "12345"}]},
            "customers[0]: object_reference_id: is required",
        ),
        ("seed", {"customers": [{**SEEDED, "id": "x"}]}, "customers[0]: id: must match ^cst_"),
        (
            "seed",
            {"customers": [SEEDED, {**SEEDED, "id": "cst_other"}]},
            "customers[1]: object_reference_id guest_user is given twice in this batch",
        ),
        (
            "seed",
            {"customers": [SEEDED, {**SEEDED, "object_reference_id": "other"}]},
            "customers[1]: id cst_om2l6ctlptxwxuzj is given twice in this batch",
        ),
        (
            "seed",
            {"customers": [SEEDED], "api_key": "nope"},
            "api_key must be null or the key of the credentials",
        ),
        ("seed", {"customers": "x"}, "customers must be a list of objects"),
        ("seed", {"customers": [], "api_key": 3}, "api_key must be a string or null"),
        ("faults", {}, "give a status, a delay or drop_after_write"),
        ("faults", {"status": 200}, "200 is less than the minimum of 400"),
        ("faults", {"status": 503, "drop_after_write": True}, "exclude each other"),
        ("faults", {"delay": -1}, "delay: -1 is less than the minimum"),
        ("faults", {"status": 503, "count": 0}, "count: 0 is less than the minimum"),
        ("faults", {"status": 503, "colour": "red"}, "'colour' was unexpected"),
        # QA 4, F2: each was accepted (204) and never met a request.
        (
            "faults",
            {"status": 503, "path": "/customer/{customer_id}"},
            "path: '/customer/{customer_id}' is no template of the spec; expected one of",
        ),
        ("faults", {"status": 503, "path": "/customers/{id}"}, "is no template of the spec"),
        (
            "faults",
            {"status": 503, "path": "/nowhere"},
            "path: '/nowhere' is no path of the spec, so no request would meet this fault",
        ),
        ("faults", {"status": 503, "path": "/customers/"}, "is no path of the spec"),
        ("faults", {"status": 503, "method": "GTE"}, "method: 'GTE' is no HTTP method"),
        # A breaker's report: "Controls.inject() got multiple values for argument 'api_key'".
        ("faults", {"status": 503, "api_key": "key_b"}, "'api_key' was unexpected"),
        # QA 4, F4: a body naming one merchant was ignored, and every merchant reset.
        ("reset", {"api_key": "key_b"}, "reset: takes no body"),
    ],
)
async def test_bad_control_input_is_400_naming_the_problem_and_changes_nothing(
    api: httpx.AsyncClient, control: str, body: dict[str, Any], message: str
) -> None:
    response = await api.post(f"/_mock/{control}", json=body)

    assert response.status_code == 400
    assert message in response.json()["error_info"]["developer_message"]
    # Neither a customer "guest_user" nor a fault is in the way of this create.
    assert (await api.post("/customers", data=ELIXIR_CREATE)).status_code == 200


async def test_reset_takes_an_empty_body_and_refuses_one_that_is_no_json(
    api: httpx.AsyncClient,
) -> None:
    await api.post("/customers", data=ELIXIR_CREATE)

    garbage = await api.post("/_mock/reset", content=b"garbage{")

    assert garbage.status_code == 400
    assert (await api.get("/customers/guest_user")).status_code == 200
    assert (await api.post("/_mock/reset", json={})).status_code == 204
    assert (await api.get("/customers/guest_user")).status_code == 404


async def test_reset_forgets_customers_and_faults(api: httpx.AsyncClient) -> None:
    await api.post("/customers", data=ELIXIR_CREATE)
    await api.post("/_mock/faults", json={"status": 503})

    assert (await api.post("/_mock/reset")).status_code == 204

    assert (await api.get("/customers/guest_user")).status_code == 404


async def test_a_status_fault_answers_without_processing(api: httpx.AsyncClient) -> None:
    fault = {"status": 503, "retry_after": 2, "count": 2, "method": "post", "path": "/customers"}
    await api.post("/_mock/faults", json=fault)

    unmatched = await api.get("/customers/guest_user")
    first = await api.post("/customers", data=ELIXIR_CREATE)
    second = await api.post("/customers", data=ELIXIR_CREATE)
    third = await api.post("/customers", data=ELIXIR_CREATE)

    assert unmatched.status_code == 404
    assert [first.status_code, second.status_code, third.status_code] == [503, 503, 200]
    assert first.headers["retry-after"] == "2"
    assert first.json()["error_info"]["code"] == "SERVICE_UNAVAILABLE"


async def test_a_fault_path_may_be_the_spec_template(api: httpx.AsyncClient) -> None:
    await api.post("/_mock/faults", json={"status": 429, "path": "/customers/{customer_id}"})

    assert (await api.post("/customers", data=ELIXIR_CREATE)).status_code == 200
    assert (await api.get("/customers/guest_user")).status_code == 429
    assert (await api.get("/customers/guest_user")).status_code == 200


@pytest.mark.parametrize("fault_path", ["/customers/a%2Fb", "/customers/a/b"])
async def test_a_fault_meets_an_id_holding_a_slash(api: httpx.AsyncClient, fault_path: str) -> None:
    """The faults match the path as the router does (as sent), so the request for the id
    `a/b`, sent as `a%2Fb`, meets a fault on its path as sent or decoded, and no other does."""
    await api.post("/_mock/faults", json={"status": 429, "path": fault_path})

    assert (await api.get("/customers/other")).status_code == 404
    assert (await api.get("/customers/a%2Fb")).status_code == 429


@pytest.mark.parametrize("method", ["PATCH", "delete", "OPTIONS"])
async def test_a_fault_may_name_any_http_method(api: httpx.AsyncClient, method: str) -> None:
    """A method the spec lacks still reaches the spec's paths (and is answered 405)."""
    await api.post("/_mock/faults", json={"status": 429, "method": method, "path": "/customers"})

    assert (await api.request(method.upper(), "/customers")).status_code == 429


async def test_a_fault_on_the_template_meets_an_id_holding_a_slash(
    api: httpx.AsyncClient,
) -> None:
    await api.post("/_mock/faults", json={"status": 429, "path": "/customers/{customer_id}"})

    assert (await api.get("/customers/a%2Fb")).status_code == 429


async def test_control_requests_do_not_consume_faults(api: httpx.AsyncClient) -> None:
    await api.post("/_mock/faults", json={"status": 500})
    await api.post("/_mock/seed", json={"customers": [SEEDED]})

    assert (await api.get("/customers/guest_user")).status_code == 500


async def test_a_drop_in_process_stores_the_write_and_raises(
    app: MockApp, api: httpx.AsyncClient
) -> None:
    app.control.inject(drop_after_write=True)

    with pytest.raises(ConnectionResetError):
        await api.post("/customers", data=ELIXIR_CREATE)

    assert (await api.get("/customers/guest_user")).status_code == 200


@pytest.mark.parametrize("body", [b"[]", b"{", b"null"])
async def test_a_control_body_must_be_a_json_object(api: httpx.AsyncClient, body: bytes) -> None:
    response = await api.post("/_mock/faults", content=body)

    assert response.status_code == 400


async def test_controls_accept_only_post(api: httpx.AsyncClient) -> None:
    response = await api.get("/_mock/reset")

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


@pytest.mark.parametrize(
    ("control", "body", "message"),
    [
        ("seed", {"customers": [{**SEEDED, "first_name": "\ud800"}]}, "first_name: must be valid"),
        ("faults", {"status": 503, "path": "/\ud800"}, "path: must be valid Unicode text"),
        ("faults", {"status": 503, "method": "\ud800"}, "method: must be valid Unicode text"),
    ],
)
async def test_a_lone_surrogate_in_control_input_is_400(
    api: httpx.AsyncClient, control: str, body: dict[str, Any], message: str
) -> None:
    content = json.dumps(body)  # ASCII JSON with a "\ud800" escape, which is no text

    response = await api.post(f"/_mock/{control}", content=content)

    assert response.status_code == 400
    assert message in response.json()["error_info"]["developer_message"]


async def test_seed_refuses_fields_the_spec_does_not_declare(api: httpx.AsyncClient) -> None:
    """issue 8 case 22: seed accepted undeclared fields, and the mock then answered them."""
    customer = {**SEEDED, "loyalty_tier": "gold", "juspay": {"client_auth_token": "tkn_1"}}

    response = await api.post("/_mock/seed", json={"customers": [customer]})

    message = response.json()["error_info"]["developer_message"]
    assert response.status_code == 400
    assert "customers[0]: " in message
    assert "loyalty_tier: is not a field of the spec's Customer" in message
    assert "juspay: is not stored: it is added per request" in message
    assert (await api.get("/customers/guest_user")).status_code == 404


async def test_seeding_a_stored_reference_says_it_is_already_stored(
    api: httpx.AsyncClient,
) -> None:
    """issue 8 case 22: "already stored" only for customers stored before this batch."""
    await api.post("/_mock/seed", json={"customers": [SEEDED]})
    again = {**SEEDED, "id": "cst_other"}

    response = await api.post(
        "/_mock/seed",
        json={"customers": [{**again, "id": "cst_b", "object_reference_id": "b"}, again]},
    )

    message = response.json()["error_info"]["developer_message"]
    assert message == "seed: customers[1]: object_reference_id guest_user is already stored"
    assert (await api.get("/customers/b")).status_code == 404  # all or none


@pytest.mark.parametrize(
    ("control", "body", "message"),
    [
        ("seed", '{"customers": [], "customers": []}', "seed: customers is given more than once"),
        (
            "seed",
            '{"customers": [{"object_reference_id": "a", "mobile_number": "12345",'
            ' "first_name": "A", "first_name": "B"}]}',
            "seed: customers[0].first_name is given more than once",
        ),
        ("faults", '{"status": 503, "status": 429}', "faults: status is given more than once"),
    ],
)
async def test_a_name_given_twice_in_a_control_body_is_refused(
    api: httpx.AsyncClient, control: str, body: str, message: str
) -> None:
    """issue 8 case 22: one rule for repeated keys, in control calls as in API bodies."""
    response = await api.post(f"/_mock/{control}", content=body)

    assert response.status_code == 400
    assert response.json()["error_info"]["developer_message"] == message


@pytest.mark.parametrize(
    ("control", "body"),
    [
        ("seed", b"[" * 100_000),
        ("faults", b'{"delay":' * 50_000),
        ("seed", b'{"customers": [{"first_name": ' + b"[" * 400 + b"]" * 400 + b"}]}"),
        ("faults", b'{"method": ' + b"[" * 400 + b"]" * 400 + b"}"),
    ],
    ids=["seed-100k", "faults-50k", "seed-deep-field", "faults-deep-field"],
)
async def test_deeply_nested_control_json_is_400_not_500(
    api: httpx.AsyncClient, control: str, body: bytes
) -> None:
    """issue 8 case 17, in the control endpoints."""
    response = await api.post(f"/_mock/{control}", content=body)

    assert response.status_code == 400
    assert response.json()["error_info"]["developer_message"].startswith(control)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"customers": [], "extra": 1}', "seed: unexpected 'extra'"),
        (
            b'{"customers": [{**}]}'.replace(
                b"{**}", json.dumps({**SEEDED, "date_created": "2016-13-45T25:00:00Z"}).encode()
            ),
            "customers[0]: date_created: must be a real date and time",
        ),
        (b'{"customers": [3]}', "customers must be a list of objects"),
    ],
)
async def test_seed_bodies_are_checked_with_clear_messages(
    api: httpx.AsyncClient, body: bytes, message: str
) -> None:
    response = await api.post("/_mock/seed", content=body)

    assert response.status_code == 400
    assert message in response.json()["error_info"]["developer_message"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"delay": 1e308}', "delay: 1e+308 is greater than the maximum of 60"),
        (b'{"delay": 1e400}', "1e400 is too large a number"),
        (b'{"delay": NaN}', "NaN is not JSON"),
        (b'{"delay": -Infinity}', "-Infinity is not JSON"),
        (b'{"delay": -0.5}', "delay: -0.5 is less than the minimum of 0"),
        (
            b'{"status": 503, "retry_after": 86401}',
            "retry_after: 86401 is greater than the maximum",
        ),
        (b'{"status": 503, "count": 1e9}', "count: 1000000000.0 is greater than the maximum"),
    ],
)
async def test_fault_delays_and_numbers_are_bounded(
    api: httpx.AsyncClient, body: bytes, message: str
) -> None:
    """issue 8 case 21: `{"delay": 1e308}` held a request forever."""
    response = await api.post("/_mock/faults", content=body)

    assert response.status_code == 400
    assert message in response.json()["error_info"]["developer_message"]


@pytest.mark.parametrize("delay", [float("nan"), float("inf"), -1.0, 61.0])
def test_inject_refuses_delays_out_of_range(app: MockApp, delay: float) -> None:
    """issue 8 case 21, through the Python API (where NaN and infinities exist)."""
    with pytest.raises(ValueError, match="delay"):
        app.control.inject(delay=delay)


async def test_whole_numbers_written_as_floats_work_as_whole_numbers(
    api: httpx.AsyncClient,
) -> None:
    await api.post("/_mock/faults", json={"status": 503.0, "retry_after": 2.0, "count": 2.0})

    answers = [await api.get("/customers/x") for _ in range(3)]

    assert [a.status_code for a in answers] == [503, 503, 404]
    assert answers[0].headers["retry-after"] == "2"


@pytest.mark.parametrize("body", [b'{"self": 1}', b'{"status": 503, "": 1}'])
async def test_any_name_in_a_fault_body_is_checked_by_the_schema(
    api: httpx.AsyncClient, body: bytes
) -> None:
    response = await api.post("/_mock/faults", content=body)

    assert response.status_code == 400
    assert "was unexpected" in response.json()["error_info"]["developer_message"]


@pytest.mark.parametrize(
    ("times", "message"),
    [
        (
            {"date_created": "2020-03-17T14:16:31Z", "last_updated": "2020-03-17T14:16:30Z"},
            "customers[0]: last_updated: must not be earlier than date_created",
        ),
        (
            {"date_created": "2020-03-17T14:16:31Z", "last_updated": "2999-01-01T00:00:00Z"},
            "customers[0]: last_updated: must not be ahead of the clock",
        ),
        (
            {"date_created": "2999-01-01T00:00:00+0000"},  # last_updated defaults to it
            "customers[0]: date_created: must not be ahead of the clock",
        ),
    ],
    ids=["updated-before-created", "updated-in-2999", "created-in-2999"],
)
async def test_seed_refuses_timestamps_out_of_order_or_ahead_of_the_clock(
    api: httpx.AsyncClient, times: dict[str, str], message: str
) -> None:
    """QA 4 (issue 8 case 19: `last_updated` is never ahead of the clock)."""
    customer = {"object_reference_id": "seeded_1", "mobile_number": "12345", **times}

    response = await api.post("/_mock/seed", json={"customers": [customer]})

    assert response.status_code == 400
    assert message in response.json()["error_info"]["developer_message"]
    assert (await api.get("/customers/seeded_1")).status_code == 404


async def test_seed_accepts_the_present_moment_and_equal_timestamps(
    api: httpx.AsyncClient,
) -> None:
    moment = datetime.now(UTC).isoformat()[:19] + "Z"
    customer = {"object_reference_id": "seeded_1", "mobile_number": "12345"}
    times = {"date_created": "2016-08-02T08:07:52+0000", "last_updated": moment}

    response = await api.post("/_mock/seed", json={"customers": [{**customer, **times}]})

    assert response.status_code == 204
    assert (await api.get("/customers/seeded_1")).json()["last_updated"] == moment
