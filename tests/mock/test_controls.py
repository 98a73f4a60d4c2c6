"""The control endpoints (reset, seed, faults) and their validation, in process."""

from __future__ import annotations

import json
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

    await api.post("/_mock/seed", json=body)

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
        ("seed", {"customers": [SEEDED, SEEDED]}, "is already stored"),
        (
            "seed",
            {"customers": [SEEDED], "api_key": "nope"},
            "api_key is not one of the mock's keys",
        ),
        ("seed", {"customers": "x"}, "customers must be a list of objects"),
        ("seed", {"customers": [], "api_key": 3}, "api_key must be a string or null"),
        ("faults", {}, "give a status, a delay or drop_after_write"),
        ("faults", {"status": 200}, "200 is less than the minimum of 400"),
        ("faults", {"status": 503, "drop_after_write": True}, "exclude each other"),
        ("faults", {"delay": -1}, "delay: -1 is less than the minimum"),
        ("faults", {"status": 503, "count": 0}, "count: 0 is less than the minimum"),
        ("faults", {"status": 503, "colour": "red"}, "'colour' was unexpected"),
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
        ("faults", {"status": 503, "path": "/\ud800"}, "text must be valid Unicode"),
    ],
)
async def test_a_lone_surrogate_in_control_input_is_400(
    api: httpx.AsyncClient, control: str, body: dict[str, Any], message: str
) -> None:
    content = json.dumps(body)  # ASCII JSON with a "\ud800" escape, which is no text

    response = await api.post(f"/_mock/{control}", content=content)

    assert response.status_code == 400
    assert message in response.json()["error_info"]["developer_message"]
