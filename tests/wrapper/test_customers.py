"""create, get and update against the real mock, in every input form, sync and async."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from juspay_customers import (
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    ClientAuthToken,
    Customer,
    Juspay,
    ParameterError,
    RawResponse,
    __version__,
)
from juspay_customers._reading import copy_json
from juspay_mock import MockServer

from tests.spec.test_spec import ELIXIR_RESPONSES
from tests.wrapper.conftest import (
    CUSTOMER,
    ELIXIR_CREATE,
    Facade,
    RecordingServer,
    WireFacade,
)


def form(request: Any) -> dict[str, str]:
    return dict(parse_qsl(request.content.decode()))


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c: c.create(ELIXIR_CREATE), id="mapping"),
        pytest.param(lambda c: c.create(list(ELIXIR_CREATE.items())), id="keyword-list"),
        pytest.param(lambda c: c.create(**ELIXIR_CREATE), id="keywords"),
    ],
)
def test_create_in_every_input_form_sends_the_form_and_returns_the_customer(
    facade: Facade, juspay: Any, call: Any
) -> None:
    customer = call(juspay.customers)

    assert isinstance(customer, Customer)
    assert customer.id.startswith("cst_")
    assert customer.object_reference_id == "guest_user"
    assert (customer.mobile_number, customer.email_address) == ("9988776655", "customer@mail.com")
    assert (customer.first_name, customer.last_name, customer.mobile_country_code) == (
        "John",
        "Smith",
        "91",
    )
    (request,) = facade.sent
    assert (request.method, request.url.path) == ("POST", "/customers")
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert form(request) == ELIXIR_CREATE


def test_create_mixing_a_mapping_and_keywords(juspay: Any) -> None:
    customer = juspay.customers.create(
        {"object_reference_id": "guest_user"}, mobile_number="9988776655"
    )
    assert (customer.object_reference_id, customer.mobile_number) == ("guest_user", "9988776655")


def test_to_dict_is_exactly_the_json_the_server_sent(juspay: Any) -> None:
    raw = juspay.customers.with_raw_response.create(ELIXIR_CREATE)
    customer = raw.parse()
    sent_by_server = json.loads(raw.http_response.content)

    assert customer.to_dict() == sent_by_server
    assert list(customer.to_dict()) == list(sent_by_server)
    customer.to_dict()["first_name"] = "changed"  # a copy: the customer stays as it was
    assert customer.to_dict() == sent_by_server
    assert customer.date_created == datetime.fromisoformat(sent_by_server["date_created"])


def test_to_dict_copies_an_unknown_field_nested_as_deep_as_json_parses(wired: WireFacade) -> None:
    """QA 5: a success with an unknown field nested 900 deep was returned, but its
    `to_dict()` (`copy.deepcopy`) raised RecursionError, and the CLI printed a traceback."""
    deep: Any = "bottom"
    for level in range(900):
        deep = {"level": deep} if level % 2 else [deep]
    body = {**CUSTOMER, "extra": deep}
    wired.wire.default = lambda request: httpx.Response(200, json=body)

    customer = wired.client().customers.get("u1")
    copied = customer.to_dict()

    assert copied == body
    copied["extra"]["level"][0] = "changed"  # a copy, below the top too
    assert customer.to_dict() == body


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
        lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
    )
)
def test_copy_json_is_an_equal_deep_copy(value: Any) -> None:
    copied = copy_json(value)

    assert copied == value
    assert json.dumps(copied) == json.dumps(value)  # key and item order kept
    if isinstance(value, dict | list) and value:
        assert copied is not value


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c, ref: c.get(ref), id="positional"),
        pytest.param(lambda c, ref: c.get({"customer_id": ref}), id="mapping"),
        pytest.param(lambda c, ref: c.get([("customer_id", ref)]), id="keyword-list"),
        pytest.param(lambda c, ref: c.get(customer_id=ref), id="keywords"),
    ],
)
def test_get_by_reference_or_id_in_every_input_form(facade: Facade, juspay: Any, call: Any) -> None:
    created = juspay.customers.create(ELIXIR_CREATE)
    by_reference = call(juspay.customers, "guest_user")
    by_id = call(juspay.customers, created.id)

    assert by_reference == by_id == created
    assert [r.url.path for r in facade.sent[1:]] == [
        "/customers/guest_user",
        f"/customers/{created.id}",
    ]
    assert all(r.method == "GET" and r.content == b"" for r in facade.sent[1:])


def test_get_with_client_auth_token(facade: Facade, juspay: Any) -> None:
    juspay.customers.create(ELIXIR_CREATE)
    customer = juspay.customers.get("guest_user", get_client_auth_token=True)

    assert isinstance(customer.juspay, ClientAuthToken)
    assert customer.juspay.token.startswith("tkn_")
    assert customer.juspay.expiry - customer.last_updated <= timedelta(minutes=16)
    assert customer.juspay.expiry.tzinfo is not None
    assert customer.to_dict()["juspay"]["client_auth_token"] == customer.juspay.token
    assert "tkn_" not in repr(customer)
    assert facade.sent[-1].url.query == b"options.get_client_auth_token=true"


def test_create_with_client_auth_token(facade: Facade, juspay: Any) -> None:
    customer = juspay.customers.create(ELIXIR_CREATE, get_client_auth_token=True)
    assert customer.juspay is not None
    assert form(facade.sent[0])["options.get_client_auth_token"] == "true"


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c: c.update("guest_user", first_name="Jo"), id="id-and-keywords"),
        pytest.param(lambda c: c.update("guest_user", {"first_name": "Jo"}), id="id-and-mapping"),
        pytest.param(
            lambda c: c.update({"customer_id": "guest_user", "first_name": "Jo"}), id="mapping"
        ),
        pytest.param(
            lambda c: c.update([("customer_id", "guest_user"), ("first_name", "Jo")]),
            id="keyword-list",
        ),
        pytest.param(lambda c: c.update(customer_id="guest_user", first_name="Jo"), id="keywords"),
    ],
)
def test_update_in_every_input_form(facade: Facade, juspay: Any, call: Any) -> None:
    created = juspay.customers.create(ELIXIR_CREATE)
    updated = call(juspay.customers)

    assert updated.id == created.id
    assert updated.first_name == "Jo"
    assert updated.last_name == "Smith"
    assert updated.date_created == created.date_created
    assert updated.last_updated >= created.last_updated
    request = facade.sent[-1]
    assert (request.method, request.url.path) == ("POST", "/customers/guest_user")
    assert form(request) == {"first_name": "Jo"}
    assert juspay.customers.get(created.id).first_name == "Jo"


def test_update_accepts_the_elixir_pages_customer_email(facade: Facade, juspay: Any) -> None:
    juspay.customers.create(ELIXIR_CREATE)
    updated = juspay.customers.update(
        {
            "customer_id": "guest_user",
            "mobile_number": "9988776688",
            "customer_email": "new@mail.com",
            "first_name": "udpate_firstname",
        }
    )
    assert (updated.email_address, updated.mobile_number) == ("new@mail.com", "9988776688")
    assert form(facade.sent[-1]) == {
        "mobile_number": "9988776688",
        "email_address": "new@mail.com",
        "first_name": "udpate_firstname",
    }


@pytest.mark.parametrize("stamp", ["2016-08-02T08:07:52+0000", "2016-08-02T08:07:52Z"])
def test_both_timestamp_forms_become_aware_datetimes(
    facade: Facade, juspay: Any, stamp: str
) -> None:
    stored = {**ELIXIR_RESPONSES["get"], "date_created": stamp, "last_updated": stamp}
    facade.server.seed([stored])

    customer = juspay.customers.get("guest_user")

    assert customer.date_created == datetime(2016, 8, 2, 8, 7, 52, tzinfo=UTC)
    assert customer.last_updated.utcoffset() == timedelta(0)
    # The original spelling is kept, and every field the mock returned (fields the seed left
    # out come back null: which ones is the spec's to say).
    assert customer.to_dict() == facade.server.customer("guest_user")
    assert customer.to_dict()["date_created"] == stamp
    assert customer.to_dict().items() >= stored.items()


def test_every_request_carries_auth_user_agent_and_configured_headers(facade: Facade) -> None:
    juspay = facade.client(
        merchant_id="merchant_1", api_version="2018-10-25", default_headers={"x-trace": "t1"}
    )
    juspay.customers.create(ELIXIR_CREATE)
    juspay.customers.get("guest_user", request_options={"headers": {"x-call": "c1"}})
    juspay.customers.update("guest_user", first_name="Jo")

    token = base64.b64encode(f"{facade.server.api_key}:".encode()).decode()
    for request in facade.sent:
        assert request.headers["authorization"] == f"Basic {token}"
        assert request.headers["user-agent"] == f"juspay-customers-python/{__version__}"
        assert request.headers["x-merchantid"] == "merchant_1"
        assert request.headers["version"] == "2018-10-25"
        assert request.headers["x-trace"] == "t1"
        assert request.headers["x-routing-id"] == "guest_user"
    assert [r.headers.get("x-call") for r in facade.sent] == [None, "c1", None]


def test_without_merchant_id_no_merchant_header_is_sent(facade: Facade, juspay: Any) -> None:
    juspay.customers.create(ELIXIR_CREATE)
    assert "x-merchantid" not in facade.sent[0].headers
    assert "version" not in facade.sent[0].headers


def test_with_raw_response_gives_status_headers_and_request_id(juspay: Any) -> None:
    juspay.customers.create(ELIXIR_CREATE)
    raw = juspay.customers.with_raw_response.get("guest_user")

    assert isinstance(raw, RawResponse)
    assert raw.status_code == 200
    assert raw.request_id == raw.headers["x-request-id"]
    assert raw.request_id
    assert raw.retries_taken == 0
    assert raw.parse().object_reference_id == "guest_user"
    assert raw.parse() is raw.parse()


def test_clients_made_without_an_http_client_pool_their_own(facade: Facade) -> None:
    juspay = facade.client(record=False)
    created = juspay.customers.create(ELIXIR_CREATE)
    assert juspay.customers.get(created.id) == created


def test_with_options_shares_the_pool_and_changes_only_what_is_given(facade: Facade) -> None:
    juspay = facade.client(max_retries=0)
    patient = juspay.with_options(timeout=60, headers={"x-extra": "1"})

    patient.customers.create(ELIXIR_CREATE)
    # The recording httpx client keeps its own timeout (httpx's default) unless one is given.
    assert (patient.max_retries, patient.timeout.read, juspay.timeout.read) == (0, 60, 5)
    assert facade.sent[0].headers["x-extra"] == "1"
    patient.close()  # shared pool: closing the copy leaves the original usable
    assert juspay.customers.get("guest_user").object_reference_id == "guest_user"


@pytest.mark.parametrize("own_pool", [True, False], ids=["own-pool", "callers-client"])
def test_configuration_and_per_call_overrides_reach_the_wire_with_any_http_client(
    facade: Facade, own_pool: bool
) -> None:
    # An own pool carries the configuration itself, a caller's client is sent it per request:
    # either way every request shows the same headers and timeout.
    juspay = facade.client(
        record=not own_pool,
        merchant_id="merchant_1",
        api_version="2018-10-25",
        default_headers={"x-trace": "t1"},
        timeout=7,
    )
    juspay.customers.create(ELIXIR_CREATE)
    raw = juspay.customers.with_raw_response
    patient = juspay.with_options(timeout=60, headers={"x-extra": "1"}).customers.with_raw_response
    sent = [
        response.http_response.request
        for response in (
            raw.get("guest_user"),
            raw.get(
                "guest_user",
                request_options={"headers": {"x-trace": "t2", "x-call": "c1"}, "timeout": 9},
            ),
            raw.update("guest_user", first_name="Jo"),
            patient.get("guest_user"),
        )
    ]

    token = base64.b64encode(f"{facade.server.api_key}:".encode()).decode()
    for request in sent:
        assert request.headers.get_list("authorization") == [f"Basic {token}"]
        assert request.headers.get_list("user-agent") == [f"juspay-customers-python/{__version__}"]
        assert request.headers["x-merchantid"] == "merchant_1"
        assert request.headers["version"] == "2018-10-25"
        assert request.headers["x-routing-id"] == "guest_user"
    assert [r.headers.get_list("x-trace") for r in sent] == [["t1"], ["t2"], ["t1"], ["t1"]]
    assert [r.headers.get("x-call") for r in sent] == [None, "c1", None, None]
    assert [r.headers.get("x-extra") for r in sent] == [None, None, None, "1"]
    assert [r.extensions["timeout"]["read"] for r in sent] == [7, 9, 7, 60]
    assert sent[2].headers["content-type"] == "application/x-www-form-urlencoded"


def test_a_callers_http_client_keeps_its_own_headers_and_timeout(
    juspay_mock: MockServer,
) -> None:
    """issue 8 case 11: the caller's timeout stays unless `timeout=` is given."""
    with httpx.Client(headers={"x-app": "shop"}, timeout=1) as http:
        with Juspay(juspay_mock.api_key, base_url=juspay_mock.base_url, http_client=http) as j:
            raw = j.customers.with_raw_response.create(ELIXIR_CREATE)
            assert j.timeout == httpx.Timeout(1)
        assert not http.is_closed  # the caller's to close

    request = raw.http_response.request
    assert request.headers["x-app"] == "shop"
    assert request.headers["user-agent"] == f"juspay-customers-python/{__version__}"
    assert request.extensions["timeout"] == httpx.Timeout(1).as_dict()


@pytest.mark.parametrize("given_at", ["nowhere", "constructor", "call", "with_options"])
def test_a_callers_client_timeout_applies_until_timeout_is_given(
    juspay_mock: MockServer, given_at: str
) -> None:
    """issue 8 case 11: `http_client=httpx.Client(timeout=0.2)` against a server answering
    after 0.6 s times out (the facade's 30 s default does not replace it); `timeout=` given
    in the constructor, per call or with_options replaces it, and the call succeeds."""
    juspay_mock.seed([ELIXIR_RESPONSES["get"]])
    juspay_mock.inject(delay=0.6, method="GET")
    patient: dict[str, Any] = {"timeout": 5} if given_at == "constructor" else {}
    with (
        httpx.Client(timeout=0.2) as http,
        Juspay(
            juspay_mock.api_key,
            base_url=juspay_mock.base_url,
            http_client=http,
            max_retries=0,
            **patient,
        ) as juspay,
    ):
        client = juspay.with_options(timeout=5) if given_at == "with_options" else juspay
        call: Any = {"timeout": 5} if given_at == "call" else {}
        if given_at == "nowhere":
            with pytest.raises(APITimeoutError):
                client.customers.get("guest_user", request_options=call)
        else:
            assert (
                client.customers.get("guest_user", request_options=call).object_reference_id
                == "guest_user"
            )


# --- issue 8 cases 7 and 8: any id travels percent-encoded, and only to its operation ---

# id -> its path segment (percent-encoded UTF-8, every byte but unreserved ones).
ODD_IDS = {
    "josé_1": "jos%C3%A9_1",
    "a/b": "a%2Fb",
    "a?b=1": "a%3Fb%3D1",
    "a#b": "a%23b",
    "100%": "100%25",
    "%2e%2e": "%252e%252e",
    "../admin": "..%2Fadmin",
    "a b": "a%20b",
    "顧客": "%E9%A1%A7%E5%AE%A2",
    ".x": ".x",
}


@pytest.mark.parametrize(("customer_id", "segment"), ODD_IDS.items())
def test_ids_travel_percent_encoded_in_their_own_path_segment_and_routing_header(
    wired: WireFacade, customer_id: str, segment: str
) -> None:
    """issue 8 cases 7 and 8: `get("josé_1")` and ids with `/`, `?`, `#`, `%` reach
    `/customers/<id>` and nothing else; x-routing-id carries the same header-safe form. Which
    ids exist is the server's to say; but the spec's `object_reference_id` pattern refuses
    every one of these on create, so the facade does, before sending (issue 9 item 5)."""
    juspay = wired.client()
    juspay.customers.get(customer_id)
    juspay.customers.update(customer_id, first_name="Jo")
    with pytest.raises(ParameterError) as caught:
        juspay.customers.create({"object_reference_id": customer_id, "mobile_number": "99887766"})

    assert caught.value.field == "object_reference_id"
    wire = wired.wire
    assert wire.lines() == [f"GET /customers/{segment}", f"POST /customers/{segment}"]
    assert [r.headers["x-routing-id"] for r in wire.sent] == [segment] * 2
    assert all(r.url.query == b"" for r in wire.sent)


def test_odd_ids_reach_a_real_server_exactly_as_encoded(recording_server: RecordingServer) -> None:
    """issue 8 case 8 over real HTTP: the request lines a server on 127.0.0.1 receives."""
    with Juspay("key", base_url=recording_server.base_url, max_retries=0) as juspay:
        for customer_id in ODD_IDS:
            juspay.customers.get(customer_id, get_client_auth_token=True)
            juspay.customers.update(customer_id, first_name="Jo")
    assert recording_server.lines == [
        line
        for segment in ODD_IDS.values()
        for line in (
            f"GET /customers/{segment}?options.get_client_auth_token=true",
            f"POST /customers/{segment}",
        )
    ]
    routing = [headers["x-routing-id"] for headers in recording_server.headers]
    assert routing == [segment for segment in ODD_IDS.values() for _ in range(2)]


def test_a_non_ascii_id_reaches_the_mock_which_decides(facade: Facade, juspay: Any) -> None:
    """issue 8 case 7: no UnicodeEncodeError; the server's answer is the result."""
    with pytest.raises(APIStatusError) as caught:
        juspay.customers.get("josé_1")
    assert caught.value.status_code in (400, 404)
    (request,) = facade.sent
    assert request.url.raw_path == b"/customers/jos%C3%A9_1"
    assert request.headers["x-routing-id"] == "jos%C3%A9_1"


# --- issue 8 case 10: customers are read tolerantly ---


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("juspay", None),
        ("juspay", "tkn_1"),
        ("juspay", {"client_auth_token": "tkn_1"}),
        ("juspay", {"client_auth_token": "tkn_1", "client_auth_token_expiry": "soon"}),
        ("juspay", {"client_auth_token": None, "client_auth_token_expiry": None}),
        ("email_address", None),
        ("email_address", ["customer@mail.com"]),
        ("first_name", {"given": "John"}),
        ("last_name", 7),
        ("mobile_country_code", 91),
        ("mobile_country_code", None),
    ],
)
def test_an_optional_field_that_is_null_or_malformed_loses_only_itself(
    wired: WireFacade, field: str, value: Any
) -> None:
    """issue 8 case 10: a 200 customer with `"juspay": null` is that customer, juspay=None."""
    wired.wire.default = httpx.Response(200, json={**CUSTOMER, field: value})
    customer = wired.client().customers.get("guest_user")

    assert getattr(customer, field) is None
    assert customer.id == CUSTOMER["id"]
    assert customer.mobile_number == CUSTOMER["mobile_number"]
    assert customer.to_dict()[field] == value  # the server's JSON, as it came


@pytest.mark.parametrize(
    "change",
    [
        {"id": None},
        {"object_reference_id": 42},
        {"mobile_number": None},
        {"date_created": "yesterday"},
        {"last_updated": None},
        {"object": "order"},
    ],
)
def test_a_missing_or_malformed_required_field_is_still_an_error(
    wired: WireFacade, change: dict[str, Any]
) -> None:
    wired.wire.default = httpx.Response(200, json={**CUSTOMER, **change})
    with pytest.raises(APIResponseValidationError):
        wired.client().customers.get("guest_user")


def test_a_timestamp_without_a_zone_is_read_as_utc(wired: WireFacade) -> None:
    wired.wire.default = httpx.Response(200, json={**CUSTOMER, "last_updated": "2020-03-17T14:16"})
    customer = wired.client().customers.get("guest_user")
    assert customer.last_updated == datetime(2020, 3, 17, 14, 16, tzinfo=UTC)


# --- issue 8 case 13: a customer's repr masks personal data ---


def test_customer_repr_masks_the_reference_and_shows_absent_values_as_none(
    wired: WireFacade,
) -> None:
    """issue 8 case 13: `object_reference_id` masked like the log label; no `'None'`."""
    stored = {**CUSTOMER, "object_reference_id": "jo.doe@mail.com", "email_address": None}
    wired.wire.default = httpx.Response(200, json=stored)
    text = repr(wired.client().customers.get("jo.doe@mail.com"))

    assert "object_reference_id='j***@mail.com'" in text
    assert "email_address=None" in text
    assert "mobile_number='********55'" in text
    for private in ("jo.doe", "9988776655", "John", "Smith"):
        assert private not in text
