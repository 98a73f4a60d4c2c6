"""The mock's behaviour in process: state, validation, auth and HTTP semantics."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from juspay_mock import MockApp, MockServer, create_app
from starlette.types import Message

from tests.mock.conftest import API_KEYS, ELIXIR_CREATE, exchange, in_process, server_address

JSON = "application/json"


def fields_of(response: Any) -> dict[str, str]:
    info = response.json()["error_info"]
    return {field["field_name"]: field["reason"] for field in info["fields"]}


def parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


async def test_create_returns_the_customer_with_a_juspay_id(api: httpx.AsyncClient) -> None:
    response = await api.post("/customers", data=ELIXIR_CREATE)

    assert response.status_code == 200
    customer = response.json()
    assert customer["id"].startswith("cst_")
    assert customer["object"] == "customer"
    assert {k: customer[k] for k in ELIXIR_CREATE} == ELIXIR_CREATE
    assert customer["date_created"] == customer["last_updated"]
    assert "juspay" not in customer


async def test_get_by_id_and_by_reference_return_what_create_wrote(api: httpx.AsyncClient) -> None:
    created = (await api.post("/customers", data=ELIXIR_CREATE)).json()

    by_id = await api.get(f"/customers/{created['id']}")
    by_reference = await api.get("/customers/guest_user")

    assert by_id.json() == created
    assert by_reference.json() == created


async def test_optional_fields_never_sent_come_back_null(api: httpx.AsyncClient) -> None:
    data = {"object_reference_id": "minimal_1", "mobile_number": "9988776655"}
    customer = (await api.post("/customers", data=data)).json()

    assert customer["email_address"] is None
    assert customer["first_name"] is None


async def test_update_persists_and_keeps_date_created(api: httpx.AsyncClient) -> None:
    created = (await api.post("/customers", data=ELIXIR_CREATE)).json()

    updated = (await api.post(f"/customers/{created['id']}", data={"first_name": "Jo"})).json()
    again = (await api.post("/customers/guest_user", data={"mobile_number": "9988776688"})).json()

    assert updated["first_name"] == "Jo"
    assert again["first_name"] == "Jo"
    assert again["mobile_number"] == "9988776688"
    assert (await api.get("/customers/guest_user")).json() == again
    assert again["date_created"] == updated["date_created"] == created["date_created"]
    assert created["last_updated"] <= updated["last_updated"] <= again["last_updated"]


async def test_last_updated_never_runs_ahead_of_the_clock(api: httpx.AsyncClient) -> None:
    """issue 8 case 19: 30 sequential updates put `last_updated` 30 s in the future."""
    await api.post("/customers", data=ELIXIR_CREATE)
    started = datetime.now(UTC)
    stamps = []
    for index in range(30):
        response = await api.post("/customers/guest_user", data={"first_name": f"n{index}"})
        stamp = parse(response.json()["last_updated"])
        assert stamp <= datetime.now(UTC)
        stamps.append(stamp)

    elapsed = datetime.now(UTC) - started
    assert stamps == sorted(stamps)
    # Whole-second stamps: updates within one second share theirs.
    assert len(set(stamps)) <= elapsed.total_seconds() + 2


async def test_an_update_never_moves_last_updated_back(
    api: httpx.AsyncClient, app: MockApp
) -> None:
    """issue 8 case 19: an earlier stored stamp moves to the clock; a later one (set by a
    concurrent update in the same second) is kept. Seeds ahead of the clock are refused
    (test_controls), so the later stamp is given to the shape directly."""
    seeded = "2016-08-02T08:07:52+0000"
    past = {**ELIXIR_CREATE, "id": "cst_2", "date_created": seeded, "last_updated": seeded}
    assert (await api.post("/_mock/seed", json={"customers": [past]})).status_code == 204

    moved = (await api.post("/customers/cst_2", data={"first_name": "Jo"})).json()
    later = {**moved, "last_updated": "2020-03-17T14:16:31Z"}
    app.control.state.shape.update(later, {"first_name": "Al"}, parse("2020-03-17T14:16:30Z"))

    assert parse(moved["last_updated"]) <= datetime.now(UTC)
    assert parse(moved["last_updated"]) > datetime.now(UTC) - timedelta(minutes=1)
    assert (later["first_name"], later["last_updated"]) == ("Al", "2020-03-17T14:16:31Z")


async def test_update_cannot_change_the_reference_and_ignores_echoed_ids(
    api: httpx.AsyncClient,
) -> None:
    created = (await api.post("/customers", data=ELIXIR_CREATE)).json()
    data = {"object_reference_id": "other", "id": "cst_x", "customer_id": "y", "last_name": "Li"}

    updated = (await api.post("/customers/guest_user", data=data)).json()

    assert updated["id"] == created["id"]
    assert updated["object_reference_id"] == "guest_user"
    assert updated["last_name"] == "Li"


async def test_update_with_only_unknown_fields_names_the_rule(api: httpx.AsyncClient) -> None:
    await api.post("/customers", data=ELIXIR_CREATE)

    response = await api.post(
        "/customers/guest_user", data={"id": "cst_x", "customer_id": "guest_user"}
    )

    assert response.status_code == 400
    assert "at least 1 of: mobile_number" in fields_of(response)["body"]


async def test_duplicate_reference_is_400_unique_and_keeps_the_first(
    api: httpx.AsyncClient,
) -> None:
    first = (await api.post("/customers", data=ELIXIR_CREATE)).json()

    response = await api.post("/customers", data={**ELIXIR_CREATE, "first_name": "Other"})

    assert response.status_code == 400
    assert response.json()["error_code"] == "unique"
    assert response.json()["error_info"]["code"] == "ALREADY_EXISTS"
    assert (await api.get("/customers/guest_user")).json() == first


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_unknown_customer_is_404_object_not_found(
    api: httpx.AsyncClient, method: str
) -> None:
    response = await api.request(method, "/customers/nobody_here", data={"first_name": "Jo"})

    assert response.status_code == 404
    assert response.json()["error_code"] == "object_not_found"


async def test_token_only_when_asked_and_expiring_in_about_15_minutes(
    api: httpx.AsyncClient,
) -> None:
    data = {**ELIXIR_CREATE, "options.get_client_auth_token": "true"}
    created = (await api.post("/customers", data=data)).json()
    plain = (await api.get("/customers/guest_user")).json()
    fetched = await api.get(
        "/customers/guest_user", params={"options.get_client_auth_token": "TRUE"}
    )
    declined = await api.get(
        "/customers/guest_user", params={"options.get_client_auth_token": "false"}
    )
    updated = (await api.post("/customers/guest_user", data={"first_name": "Jo"})).json()

    token = created["juspay"]
    assert token["client_auth_token"].startswith("tkn_")
    expiry = parse(token["client_auth_token_expiry"]) - parse(created["date_created"])
    assert timedelta(minutes=14) <= expiry <= timedelta(minutes=16)
    assert fetched.json()["juspay"]["client_auth_token"] != token["client_auth_token"]
    assert "juspay" not in plain
    assert "juspay" not in declined.json()
    assert "juspay" not in updated


@pytest.mark.parametrize("spelling", ["True", "TRUE", "true", "tRuE"])
async def test_form_booleans_are_read_case_insensitively(
    api: httpx.AsyncClient, spelling: str
) -> None:
    data = {**ELIXIR_CREATE, "options.get_client_auth_token": spelling}

    assert "juspay" in (await api.post("/customers", data=data)).json()


async def test_a_json_body_with_the_same_keys_works_like_a_form(api: httpx.AsyncClient) -> None:
    body = {**ELIXIR_CREATE, "options.get_client_auth_token": True, "customer_id": 7}

    created = await api.post("/customers", json=body)
    updated = await api.post("/customers/guest_user", json={"first_name": "Jo"})

    assert created.status_code == 200
    assert "juspay" in created.json()
    assert updated.json()["first_name"] == "Jo"


async def test_timestamps_use_the_specs_newer_form_in_utc(api: httpx.AsyncClient) -> None:
    customer = (await api.post("/customers", data=ELIXIR_CREATE)).json()

    stamp = customer["date_created"]
    assert stamp.endswith("Z")
    assert abs(parse(stamp) - datetime.now(UTC)) < timedelta(minutes=1)


async def test_missing_fields_are_400_invalid_input_naming_each(api: httpx.AsyncClient) -> None:
    response = await api.post("/customers", data={"first_name": "John"})

    assert response.status_code == 400
    body = response.json()
    assert body["error_info"]["code"] == "INVALID_INPUT"
    assert fields_of(response) == {
        "object_reference_id": "is required",
        "mobile_number": "is required",
    }
    assert "mobile_number" in body["error_message"]


async def test_malformed_fields_are_400_naming_field_and_reason(api: httpx.AsyncClient) -> None:
    data = {
        "object_reference_id": "has space",
        "mobile_number": "+91 99",
        "email_address": "not-an-email",
        "first_name": "x" * 300,
        "options.get_client_auth_token": "maybe",
    }

    fields = fields_of(await api.post("/customers", data=data))

    assert set(fields) == set(data)
    assert fields["email_address"] == "must be a valid email"
    assert fields["first_name"] == "must be at most 255 characters long"
    assert fields["options.get_client_auth_token"] == "must be of type boolean"
    assert fields["mobile_number"].startswith("must match")


async def test_a_declared_field_given_twice_is_refused(api: httpx.AsyncClient) -> None:
    body = "object_reference_id=a_1&object_reference_id=a_2&mobile_number=9988776655"
    headers = {"content-type": "application/x-www-form-urlencoded"}

    response = await api.post("/customers", content=body, headers=headers)

    assert fields_of(response) == {"object_reference_id": "is given more than once"}


async def test_bad_query_and_path_values_are_400(api: httpx.AsyncClient) -> None:
    await api.post("/customers", data=ELIXIR_CREATE)

    query = await api.get("/customers/guest_user", params={"options.get_client_auth_token": "yes"})
    too_long = await api.get("/customers/" + "a" * 129)
    dots = await api.get("/customers/%2E%2E")
    control = await api.get("/customers/a%0Ab")
    unknown = await api.get("/customers/jos%C3%A9_1")  # any other text: the store decides
    slash = await api.get("/customers/a%2Fb")  # an encoded `/` stays inside the id
    not_utf8 = [await api.get(f"/customers/{raw}") for raw in ("%FF", "%ED%A0%80", "a%C3")]

    assert set(fields_of(query)) == {"options.get_client_auth_token"}
    assert fields_of(too_long) == {"customer_id": "must be at most 128 characters long"}
    assert fields_of(dots) == {"customer_id": "must not be one of ['.', '..']"}
    assert set(fields_of(control)) == {"customer_id"}
    assert unknown.status_code == 404
    assert (slash.status_code, slash.json()["error_code"]) == (404, "object_not_found")
    for answer in not_utf8:
        assert fields_of(answer) == {"customer_id": "must be valid Unicode text"}


async def test_extra_headers_and_query_parameters_are_accepted(api: httpx.AsyncClient) -> None:
    headers = {
        "version": "2018-10-25",
        "x-merchantid": "m1",
        "User-Agent": "Python SDK",
        "x-customerid": "c",
    }
    await api.post("/customers", data=ELIXIR_CREATE, headers=headers)

    response = await api.get("/customers/guest_user", params={"id": "guest_user"}, headers=headers)

    assert response.status_code == 200


@pytest.mark.parametrize(
    "body",
    [b"\xff\xfe", b"[1, 2]", b"{not json", b'"text"'],
    ids=["not-utf8-form", "json-array", "broken-json", "json-string"],
)
async def test_unparseable_bodies_are_400_not_500(api: httpx.AsyncClient, body: bytes) -> None:
    is_json = body[:1] in b'[{"'
    media = "application/json" if is_json else "application/x-www-form-urlencoded"

    response = await api.post("/customers", content=body, headers={"content-type": media})

    assert response.status_code == 400
    assert set(fields_of(response)) == {"body"}


@pytest.mark.parametrize("media", ["text/plain", "multipart/form-data", "application/xml"])
async def test_unsupported_content_type_is_415(api: httpx.AsyncClient, media: str) -> None:
    response = await api.post("/customers", content=b"a=b", headers={"content-type": media})

    assert response.status_code == 415


async def test_form_content_type_parameters_are_accepted(api: httpx.AsyncClient) -> None:
    body = "object_reference_id=guest_user&mobile_number=9988776655"
    media = "application/x-www-form-urlencoded; charset=utf-8"

    assert (
        await api.post("/customers", content=body, headers={"content-type": media})
    ).status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/customers", "POST"),
        ("GET", "/customers", "POST"),
        ("DELETE", "/customers/guest_user", "GET, POST"),
        ("PATCH", "/customers/guest_user", "GET, POST"),
        ("HEAD", "/customers/guest_user", "GET, POST"),
        ("OPTIONS", "/customers/guest_user", "GET, POST"),
    ],
)
async def test_wrong_method_is_405_with_allow(
    api: httpx.AsyncClient, method: str, path: str, allow: str
) -> None:
    response = await api.request(method, path)

    assert response.status_code == 405
    assert response.headers["allow"] == allow


@pytest.mark.parametrize(
    "authorization",
    [None, "Basic " + "d3Jvbmc6", "Bearer key_a", "Basic !!!", "Basic a2V5X2E"],
    ids=["missing", "wrong-key", "wrong-scheme", "not-base64", "truncated"],
)
async def test_wrong_or_missing_key_is_401_with_www_authenticate(
    api: httpx.AsyncClient, authorization: str | None
) -> None:
    api.auth = None  # type: ignore[assignment]
    headers = {} if authorization is None else {"authorization": authorization}

    response = await api.post("/customers", data=ELIXIR_CREATE, headers=headers)

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Basic realm=")
    assert response.json()["error_code"] == "access_denied"


async def test_a_password_and_lower_case_scheme_still_authenticate(api: httpx.AsyncClient) -> None:
    api.auth = None  # type: ignore[assignment]
    headers = {"authorization": "basic a2V5X2E6c2VjcmV0"}  # key_a:secret

    assert (await api.post("/customers", data=ELIXIR_CREATE, headers=headers)).status_code == 200


async def test_each_api_key_sees_only_its_own_customers(api: httpx.AsyncClient) -> None:
    await api.post("/customers", data=ELIXIR_CREATE)
    other = (API_KEYS[1], "")

    assert (await api.get("/customers/guest_user", auth=other)).status_code == 404
    assert (await api.post("/customers", data=ELIXIR_CREATE, auth=other)).status_code == 200
    assert (
        await api.post("/customers/guest_user", data={"first_name": "B"}, auth=other)
    ).status_code == 200
    assert (await api.get("/customers/guest_user")).json()["first_name"] == "John"


async def test_a_configured_merchant_id_must_match_when_sent() -> None:
    async with in_process(create_app(["k"], merchant_id="m1"), "k") as client:
        wrong = await client.post("/customers", data=ELIXIR_CREATE, headers={"x-merchantid": "m2"})
        right = await client.post("/customers", data=ELIXIR_CREATE, headers={"x-merchantid": "m1"})
        absent = await client.get("/customers/guest_user")

    assert wrong.status_code == 401
    assert "x-merchantid" in wrong.json()["error_info"]["developer_message"]
    assert right.status_code == absent.status_code == 200


async def test_unknown_paths_are_404_in_the_error_shape(api: httpx.AsyncClient) -> None:
    response = await api.get("/orders/1")

    assert response.status_code == 404
    assert json.loads(response.text)["error_info"]["code"] == "NOT_FOUND"


def test_create_app_needs_a_list_of_keys() -> None:
    with pytest.raises(ValueError, match="at least one API key"):
        create_app([])
    with pytest.raises(TypeError, match="not one string"):
        create_app("key_a")


@pytest.mark.parametrize("field", ["mobile_number", "object_reference_id"])
async def test_patterns_end_at_the_end_not_before_a_newline(
    api: httpx.AsyncClient, field: str
) -> None:
    data = {**ELIXIR_CREATE, field: ELIXIR_CREATE[field] + "\n"}

    response = await api.post("/customers", data=data)

    assert response.status_code == 400
    assert list(fields_of(response)) == [field]
    assert fields_of(response)[field].startswith("must match ^")


async def test_a_body_over_the_limit_is_413_in_the_error_shape(api: httpx.AsyncClient) -> None:
    body = b"first_name=" + b"x" * (1 << 20)
    headers = {"content-type": "application/x-www-form-urlencoded"}

    response = await api.post("/customers", content=body, headers=headers)

    assert response.status_code == 413
    # Python 3.13 renamed the phrase: REQUEST_ENTITY_TOO_LARGE, then CONTENT_TOO_LARGE.
    assert response.json()["error_info"]["code"].endswith("_TOO_LARGE")


async def test_a_client_gone_before_its_body_arrived_gets_no_answer(app: MockApp) -> None:
    sent: list[Message] = []

    async def disconnect() -> Message:
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    authorization = b"Basic " + base64.b64encode(f"{API_KEYS[0]}:".encode())
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/customers",
        "query_string": b"",
        "headers": [(b"authorization", authorization)],
    }
    await app(scope, disconnect, send)

    assert sent == []


@pytest.mark.parametrize("field", ["first_name", "mobile_number"])
async def test_a_lone_surrogate_in_a_json_field_is_400_naming_it(
    api: httpx.AsyncClient, field: str
) -> None:
    # "\ud800" is valid JSON but no Unicode text: it must be refused, never a 500.
    body = json.dumps({**ELIXIR_CREATE, field: "a\ud800"})
    headers = {"content-type": "application/json"}

    response = await api.post("/customers", content=body, headers=headers)

    assert response.status_code == 400
    assert fields_of(response) == {field: "must be valid Unicode text"}


@pytest.mark.parametrize(
    "authorization",
    [b"Basic \xff\xfe", b"\xff\xfe", b"Basic " + base64.b64encode(b"\xff\xfe:"), b"basic \x00"],
    ids=["not-latin-1-base64", "no-scheme", "key-not-utf8", "nul"],
)
async def test_any_authorization_bytes_are_401_not_500(
    api: httpx.AsyncClient, authorization: bytes
) -> None:
    """issue 8 case 16: `Authorization: Basic \\xff\\xfe` was answered 500."""
    api.auth = None  # type: ignore[assignment]

    response = await api.get("/customers/guest_user", headers={"authorization": authorization})

    assert response.status_code == 401
    assert response.json()["error_code"] == "access_denied"


@pytest.mark.parametrize("name", ["content-type", "x-merchantid", "version", "x-routing-id"])
async def test_any_bytes_in_other_headers_never_500(api: httpx.AsyncClient, name: str) -> None:
    """issue 8 case 16, its kind: no header's bytes make the mock fail."""
    headers = {name: b"\xff\xfe\x80 \x00\xe9"}

    response = await api.post("/customers", data=ELIXIR_CREATE, headers=headers)

    assert response.status_code in {200, 400, 401, 415}


async def test_a_configured_merchant_id_compares_the_header_bytes() -> None:
    async with in_process(create_app(["k"], merchant_id="m1"), "k") as client:
        response = await client.get("/customers/x", headers={"x-merchantid": b"m1\xff"})

    assert response.status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000,
        b'{"first_name":' * 50_000,
        b'{"first_name": ' + b"[" * 400 + b"]" * 400 + b"}",
    ],
    ids=["100k-brackets", "50k-objects", "400-deep-value"],
)
async def test_deeply_nested_json_is_400_not_500(api: httpx.AsyncClient, body: bytes) -> None:
    """issue 8 case 17: a JSON body of 100,000 `[` was a RecursionError, answered 500."""
    headers = {"content-type": "application/json"}

    response = await api.post("/customers", content=body, headers=headers)

    assert response.status_code == 400
    assert set(fields_of(response)) == {"body"}


@pytest.mark.parametrize(
    "body", [b'{"first_name": NaN}', b'{"first_name": Infinity}', b'{"first_name": 1e400}']
)
async def test_json_that_is_not_rfc_8259_is_400(api: httpx.AsyncClient, body: bytes) -> None:
    response = await api.post("/customers", content=body, headers={"content-type": JSON})

    assert response.status_code == 400
    assert set(fields_of(response)) == {"body"}


async def test_a_declared_field_given_twice_in_json_is_refused_as_in_a_form(
    api: httpx.AsyncClient,
) -> None:
    """issue 8 case 22: JSON kept the last of a repeated key silently; forms answered 400."""
    body = b'{"object_reference_id": "a_1", "object_reference_id": "a_2", "mobile_number": "12345"}'

    response = await api.post("/customers", content=body, headers={"content-type": JSON})

    assert response.status_code == 400
    assert fields_of(response) == {"object_reference_id": "is given more than once"}


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "form"])
async def test_an_undeclared_field_given_twice_is_ignored_like_any_undeclared_one(
    api: httpx.AsyncClient, as_json: bool
) -> None:
    if as_json:
        body = b'{"object_reference_id": "a_1", "mobile_number": "9988776655", "x": 1, "x": 2}'
        media = JSON
    else:
        body = b"object_reference_id=a_1&mobile_number=9988776655&x=1&x=2"
        media = "application/x-www-form-urlencoded"

    response = await api.post("/customers", content=body, headers={"content-type": media})

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ([""], "api_keys[0] is empty"),
        (["k", ""], "api_keys[1] is empty"),
        (["a:b"], "api_keys[0] contains ':'"),
        (["\ud800"], "api_keys[0] is not valid Unicode"),
    ],
)
def test_empty_or_unusable_api_keys_are_refused(keys: list[str], message: str) -> None:
    """issue 8 case 20: an empty key was accepted, so `Basic Og==` authenticated."""
    with pytest.raises(ValueError, match=re.escape(message)):
        create_app(keys)
    with pytest.raises(ValueError, match=re.escape(message)):
        MockServer(api_keys=keys)


@pytest.mark.parametrize("merchant_id", ["", " m1", "märchant", "m\n1"])
def test_a_merchant_id_no_header_can_carry_is_refused(merchant_id: str) -> None:
    with pytest.raises(ValueError, match="merchant_id"):
        create_app(["k"], merchant_id=merchant_id)


@pytest.mark.parametrize("value", ["m1 ", "\tm1\t", " m1  \t"])
async def test_header_values_are_read_without_surrounding_whitespace(value: str) -> None:
    """QA 2 (RFC 9110 5.5): `x-merchantid: m1 ` was 401 with merchant id m1; the kind is every
    header the mock reads: authorization, content-type, x-merchantid, declared headers."""
    authorization = "Basic " + base64.b64encode(b"k:").decode()
    headers = {
        "authorization": f" {authorization}\t",
        "content-type": "application/x-www-form-urlencoded ",
        "x-merchantid": value,
        "x-routing-id": " guest_user\t",
    }
    async with in_process(create_app(["k"], merchant_id="m1"), "k") as client:
        client.auth = None  # type: ignore[assignment]
        created = await client.post("/customers", data=ELIXIR_CREATE, headers=headers)
        fetched = await client.get("/customers/guest_user", headers=headers)

    assert created.status_code == 200, created.text
    assert fetched.status_code == 200, fetched.text


def test_header_values_on_the_wire_are_read_without_surrounding_whitespace() -> None:
    """The same over a socket, where the server parses the bytes, Content-Length included."""
    body = urlencode(ELIXIR_CREATE).encode()
    authorization = b"Basic " + base64.b64encode(b"k:")
    request = (
        b"POST /customers HTTP/1.1\r\nHost: mock\r\nAuthorization: " + authorization + b" \r\n"
        b"X-MerchantId:\tm1\t\r\nContent-Type: application/x-www-form-urlencoded \t\r\n"
        b"Content-Length: %d \r\n\r\n" % len(body) + body
    )
    with MockServer(api_keys=["k"], merchant_id="m1") as server:
        response = exchange(server_address(server), request)
        (recorded,) = server.requests("createCustomer")

    assert response is not None
    assert response.status == 200, response.body
    assert recorded.header("x-merchantid") == "m1"
