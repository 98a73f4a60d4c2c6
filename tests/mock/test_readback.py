"""Reading back what a run left behind: `GET /_mock/customers[/{id}]`, `MockServer.customers()`."""

from __future__ import annotations

import httpx
from juspay_mock import MockServer

from tests.mock.conftest import API_KEYS, ELIXIR_CREATE


async def test_get_customers_lists_only_the_callers_merchant(api: httpx.AsyncClient) -> None:
    created = (await api.post("/customers", data=ELIXIR_CREATE)).json()
    await api.post(
        "/customers", data={**ELIXIR_CREATE, "object_reference_id": "other"}, auth=(API_KEYS[1], "")
    )

    mine = await api.get("/_mock/customers")

    assert mine.status_code == 200
    assert mine.json() == {"customers": [created]}


async def test_get_one_customer_by_id_or_reference(api: httpx.AsyncClient) -> None:
    created = (await api.post("/customers", data=ELIXIR_CREATE)).json()

    by_id = await api.get(f"/_mock/customers/{created['id']}")
    by_reference = await api.get("/_mock/customers/guest_user")
    elsewhere = await api.get("/_mock/customers/guest_user", auth=(API_KEYS[1], ""))

    assert by_id.json() == by_reference.json() == created
    assert elsewhere.status_code == 404
    assert elsewhere.json()["error_code"] == "object_not_found"  # the API's own 404


async def test_reading_back_changes_nothing_and_is_not_journalled(api: httpx.AsyncClient) -> None:
    await api.post("/customers", data=ELIXIR_CREATE)
    before = (await api.get("/customers/guest_user")).json()

    await api.get("/_mock/customers")
    await api.get("/_mock/customers/guest_user")

    assert (await api.get("/customers/guest_user")).json() == before
    journal = (await api.get("/_mock/requests")).json()["requests"]
    assert [r["operation_id"] for r in journal] == ["createCustomer", "getCustomer", "getCustomer"]


def test_mock_server_customers(server: MockServer, live: httpx.Client) -> None:
    created = live.post("/customers", data=ELIXIR_CREATE).json()
    server.seed([{"object_reference_id": "seeded", "mobile_number": "12345"}], API_KEYS[1])

    assert server.customers() == [created]
    assert server.customer("guest_user") == created
    assert server.customer(created["id"]) == created
    assert server.customer("seeded") is None
    assert [c["object_reference_id"] for c in server.customers(API_KEYS[1])] == ["seeded"]
