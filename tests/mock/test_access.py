"""Controls that need a key: each `/_mock/*` call acts only on its caller's merchant (issue 11)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from juspay_mock import MockApp, create_app

from tests.mock.conftest import API_KEYS, ELIXIR_CREATE, in_process

ADMIN_TOKEN = "admin-secret-token"
KEY_A, KEY_B = API_KEYS
CUSTOMER = {"object_reference_id": "guest_user", "mobile_number": "9988776655"}
CONTROLS = [
    ("POST", "/_mock/reset", None),
    ("POST", "/_mock/seed", {"customers": [{**CUSTOMER, "object_reference_id": "planted"}]}),
    ("POST", "/_mock/faults", {"status": 503, "count": 5}),
    ("GET", "/_mock/customers", None),
    ("GET", "/_mock/customers/guest_user", None),
    ("GET", "/_mock/requests", None),
    ("DELETE", "/_mock/requests", None),
]


@pytest.fixture
def admin_app() -> MockApp:
    return create_app(API_KEYS, admin_token=ADMIN_TOKEN)


@pytest.fixture
async def merchant_a(admin_app: MockApp) -> AsyncIterator[httpx.AsyncClient]:
    async with in_process(admin_app, KEY_A) as client:
        yield client


@pytest.fixture
async def merchant_b(admin_app: MockApp) -> AsyncIterator[httpx.AsyncClient]:
    async with in_process(admin_app, KEY_B) as client:
        yield client


async def control(
    client: httpx.AsyncClient, method: str, path: str, body: Any, **kwargs: Any
) -> httpx.Response:
    return await client.request(method, path, json=body, **kwargs)


@pytest.mark.parametrize(
    "authorization",
    [None, "Basic bm9wZTo=", f"Bearer {ADMIN_TOKEN}x", "Bearer ", "Basic !!!", ADMIN_TOKEN],
    ids=["none", "unknown-key", "wrong-token", "empty-token", "not-base64", "bare-token"],
)
@pytest.mark.parametrize(("method", "path", "body"), CONTROLS, ids=[c[1] + c[0] for c in CONTROLS])
async def test_a_control_without_valid_credentials_is_401_and_changes_nothing(
    admin_app: MockApp,
    merchant_a: httpx.AsyncClient,
    authorization: str | None,
    method: str,
    path: str,
    body: Any,
) -> None:
    await merchant_a.post("/customers", data=ELIXIR_CREATE)
    headers = {} if authorization is None else {"Authorization": authorization}
    transport = httpx.ASGITransport(app=admin_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as anonymous:
        response = await anonymous.request(method, path, json=body, headers=headers)

    assert response.status_code == 401
    assert response.json()["error_code"] == "access_denied"
    assert response.json()["status"] == "error"
    assert "Basic" in response.headers["www-authenticate"]
    assert (await merchant_a.get("/customers/guest_user")).status_code == 200  # no reset, fault
    assert (await merchant_a.get("/customers/planted")).status_code == 404  # no seed
    assert len(admin_app.control.requests(KEY_A)) == 3  # journal not cleared


async def test_reset_with_a_key_forgets_only_that_merchant(
    admin_app: MockApp, merchant_a: httpx.AsyncClient, merchant_b: httpx.AsyncClient
) -> None:
    await merchant_a.post("/customers", data=ELIXIR_CREATE)
    await merchant_b.post("/customers", data=ELIXIR_CREATE)
    await merchant_b.post("/_mock/faults", json={"status": 503, "path": "/customers"})

    assert (await merchant_a.post("/_mock/reset")).status_code == 204

    assert admin_app.control.requests(KEY_A) == []
    assert (await merchant_a.get("/customers/guest_user")).status_code == 404
    assert (await merchant_b.get("/customers/guest_user")).status_code == 200
    assert [r.operation_id for r in admin_app.control.requests(KEY_B)] == [
        "createCustomer",
        "getCustomer",
    ]
    assert (await merchant_b.post("/customers", data={"object_reference_id": "x"})).status_code == (
        503
    )


async def test_a_fault_injected_with_one_key_never_meets_another_keys_requests(
    merchant_a: httpx.AsyncClient, merchant_b: httpx.AsyncClient
) -> None:
    await merchant_a.post("/_mock/faults", json={"status": 503, "count": 2})

    from_b = [(await merchant_b.get("/customers/x")).status_code for _ in range(3)]
    from_a = [(await merchant_a.get("/customers/x")).status_code for _ in range(3)]

    assert from_b == [404, 404, 404]
    assert from_a == [503, 503, 404]


async def test_seed_reveals_no_keys(merchant_a: httpx.AsyncClient) -> None:
    """A real other key and a made-up one get the same answer; the old 400-vs-204 probe is gone."""
    customers = [CUSTOMER]

    real = await merchant_a.post("/_mock/seed", json={"api_key": KEY_B, "customers": customers})
    made_up = await merchant_a.post("/_mock/seed", json={"api_key": "nope", "customers": customers})

    assert real.status_code == made_up.status_code == 400
    assert real.json() == made_up.json()
    assert (await merchant_a.get("/customers/guest_user")).status_code == 404


async def test_seed_with_the_callers_own_key_named_works(
    merchant_a: httpx.AsyncClient, merchant_b: httpx.AsyncClient
) -> None:
    response = await merchant_a.post(
        "/_mock/seed", json={"api_key": KEY_A, "customers": [CUSTOMER]}
    )

    assert response.status_code == 204
    assert (await merchant_a.get("/customers/guest_user")).status_code == 200
    assert (await merchant_b.get("/customers/guest_user")).status_code == 404


def admin(app: MockApp) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    )


async def test_the_admin_token_resets_every_merchant_and_sees_every_journal(
    admin_app: MockApp, merchant_a: httpx.AsyncClient, merchant_b: httpx.AsyncClient
) -> None:
    await merchant_a.post("/customers", data=ELIXIR_CREATE)
    await merchant_b.get("/customers/nobody")
    async with admin(admin_app) as client:
        everyone = (await client.get("/_mock/requests")).json()["requests"]
        merchants = (await client.get("/_mock/customers")).json()["merchants"]
        reset = await client.post("/_mock/reset")
        after = (await client.get("/_mock/requests")).json()["requests"]

    assert [r["operation_id"] for r in everyone] == ["createCustomer", "getCustomer"]
    assert [len(m["customers"]) for m in merchants] == [1, 0]
    assert reset.status_code == 204
    assert after == []
    assert (await merchant_a.get("/customers/guest_user")).status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/_mock/reset?api_key=key_b"),  # a re-check: 204, and every merchant emptied
        ("POST", "/_mock/seed?api_key=key_b"),
        ("GET", "/_mock/customers?merchant=1"),
        ("GET", "/_mock/customers/guest_user?x=1"),
    ],
)
async def test_a_control_that_reads_no_query_refuses_one(
    admin_app: MockApp, merchant_a: httpx.AsyncClient, method: str, path: str
) -> None:
    await merchant_a.post("/customers", data=ELIXIR_CREATE)
    async with admin(admin_app) as client:
        as_admin = await client.request(method, path, json={"customers": []})
    as_merchant = await merchant_a.request(method, path, json={"customers": []})

    assert as_admin.status_code in (400, 403)  # 403: one customer is a merchant's to read
    assert as_merchant.status_code == 400
    assert "takes no query parameters" in as_merchant.json()["error_info"]["developer_message"]
    assert (await merchant_a.get("/customers/guest_user")).status_code == 200


async def test_the_admins_journal_says_whose_each_request_was(
    admin_app: MockApp, merchant_a: httpx.AsyncClient, merchant_b: httpx.AsyncClient
) -> None:
    """QA 4, F5: every merchant's requests and those with a wrong key came mixed, with no way
    to tell them apart. Each now names its merchant as the admin's customers do."""
    await merchant_b.get("/customers/b_only")
    await merchant_a.get("/customers/a_only")
    async with in_process(admin_app, "wrong_key") as stranger:
        await stranger.get("/customers/stranger")
    async with admin(admin_app) as client:
        everyone = (await client.get("/_mock/requests")).json()["requests"]
        gets_of_b = (
            await client.get("/_mock/requests", params={"path": "/customers/b_only"})
        ).json()
        merchants = (await client.get("/_mock/customers")).json()["merchants"]

    assert [(r["path"], r["merchant"], r["status"]) for r in everyone] == [
        ("/customers/b_only", 1, 404),
        ("/customers/a_only", 0, 404),
        ("/customers/stranger", None, 401),
    ]
    assert [r["merchant"] for r in gets_of_b["requests"]] == [1]
    assert [m["merchant"] for m in merchants] == [0, 1]
    assert admin_app.control.api_keys[1] == KEY_B


async def test_the_admin_seeds_a_named_merchant_but_injects_no_faults(
    admin_app: MockApp, merchant_b: httpx.AsyncClient
) -> None:
    async with admin(admin_app) as client:
        unnamed = await client.post("/_mock/seed", json={"customers": [CUSTOMER]})
        named = await client.post("/_mock/seed", json={"api_key": KEY_B, "customers": [CUSTOMER]})
        fault = await client.post("/_mock/faults", json={"status": 503})

    assert unnamed.status_code == 400
    assert named.status_code == 204
    assert fault.status_code == 403
    assert "Basic credentials" in fault.json()["error_info"]["developer_message"]
    assert (await merchant_b.get("/customers/guest_user")).status_code == 200


@pytest.mark.parametrize(
    ("authorization", "status"),
    [
        (f"bearer {ADMIN_TOKEN}", 204),  # a breaker's report: 401, as for BEARER
        (f"BEARER {ADMIN_TOKEN}", 204),
        (f"Bearer {ADMIN_TOKEN}", 204),
        (f"Bearer {ADMIN_TOKEN.upper()}", 401),  # the token itself is exact
        (f"Bearer  {ADMIN_TOKEN}", 401),
        (f"Basic {ADMIN_TOKEN}", 401),
        (ADMIN_TOKEN, 401),
    ],
)
async def test_the_admin_tokens_scheme_is_bearer_in_any_case(
    admin_app: MockApp, authorization: str, status: int
) -> None:
    """RFC 9110 11.1: an authentication scheme is case-insensitive; the token is not."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=admin_app), base_url="http://testserver"
    ) as client:
        response = await client.post("/_mock/reset", headers={"Authorization": authorization})

    assert response.status_code == status


async def test_without_an_admin_token_configured_no_bearer_is_accepted(app: MockApp) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        for token in ("", "None", "null"):
            response = await client.post(
                "/_mock/reset", headers={"Authorization": f"Bearer {token}"}
            )
            assert response.status_code == 401


@pytest.mark.parametrize("token", ["", " padded", "tab\there", "ünïcode"])
def test_an_admin_token_no_header_can_carry_is_refused_without_showing_it(token: str) -> None:
    with pytest.raises(ValueError, match="admin_token") as raised:
        create_app(API_KEYS, admin_token=token)

    assert token.strip() == "" or token not in str(raised.value)


async def test_api_requests_still_answer_without_control_credentials(
    api: httpx.AsyncClient,
) -> None:
    """The API's own auth is unchanged: controls and API share the Basic credentials."""
    assert (await api.post("/customers", data=ELIXIR_CREATE)).status_code == 200
    assert (await api.post("/_mock/reset")).status_code == 204
