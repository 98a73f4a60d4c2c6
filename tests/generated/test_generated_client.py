"""The generated client speaks the wire contract: exact request bytes, lossless models."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from juspay_customers_client import Client
from juspay_customers_client.api.customers import create_customer, get_customer, update_customer
from juspay_customers_client.models import (
    CreateCustomerRequest,
    Customer,
    Error,
    UpdateCustomerRequest,
)

from tests.spec.test_spec import ELIXIR_RESPONSES

API_KEY = "test_key_123"
TOKEN_CUSTOMER = {
    **ELIXIR_RESPONSES["create"],
    "date_created": "2020-03-17T14:16:31Z",
    "juspay": {
        "client_auth_token": "tkn_2a7d6b8f1c0e4d3b9a5f",
        "client_auth_token_expiry": "2020-03-17T14:31:31Z",
    },
}


class Recorder:
    """An httpx transport that records each request and answers with a fixed response."""

    def __init__(self, status: int = 200, body: Any = ELIXIR_RESPONSES["create"]) -> None:
        self.requests: list[httpx.Request] = []
        self.status = status
        self.body = body

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return httpx.Response(self.status, json=self.body)


def client_for(recorder: Recorder) -> Client:
    return Client(
        base_url="https://sandbox.juspay.in",
        httpx_args={
            "auth": httpx.BasicAuth(API_KEY, ""),
            "transport": httpx.MockTransport(recorder),
        },
    )


def expected_authorization() -> str:
    return "Basic " + base64.b64encode(f"{API_KEY}:".encode()).decode()


def test_create_sends_a_form_with_the_dotted_option_spelled_exactly() -> None:
    recorder = Recorder()
    body = CreateCustomerRequest(
        object_reference_id="guest_user",
        mobile_number="9988776655",
        email_address="customer@mail.com",
        first_name="John",
        last_name="Smith",
        mobile_country_code="91",
        options_get_client_auth_token=True,
    )
    result = create_customer.sync(
        client=client_for(recorder), body=body, x_merchantid="merchant_1", version="2018-10-25"
    )

    assert isinstance(result, Customer)
    (request,) = recorder.requests
    assert request.method == "POST"
    assert str(request.url) == "https://sandbox.juspay.in/customers"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.headers["authorization"] == expected_authorization()
    assert request.headers["x-merchantid"] == "merchant_1"
    assert request.headers["version"] == "2018-10-25"
    assert request.content == (
        b"object_reference_id=guest_user&mobile_number=9988776655"
        b"&email_address=customer%40mail.com&first_name=John&last_name=Smith"
        b"&mobile_country_code=91&options.get_client_auth_token=true"
    )


def test_get_sends_the_option_in_the_query_and_quotes_the_id() -> None:
    recorder = Recorder(body=TOKEN_CUSTOMER)
    result = get_customer.sync(
        "guest user/1", client=client_for(recorder), options_get_client_auth_token=True
    )

    assert isinstance(result, Customer)
    assert result.juspay
    assert result.juspay.client_auth_token == "tkn_2a7d6b8f1c0e4d3b9a5f"
    (request,) = recorder.requests
    assert request.method == "GET"
    assert request.url.raw_path == b"/customers/guest%20user%2F1?options.get_client_auth_token=true"
    assert request.content == b""
    assert request.headers["authorization"] == expected_authorization()


def test_update_posts_a_form_to_the_customer() -> None:
    recorder = Recorder(body=ELIXIR_RESPONSES["update"])
    body = UpdateCustomerRequest(mobile_number="9988776688", first_name="Jo")
    result = update_customer.sync(
        "cst_om2l6ctlptxwxuzj", client=client_for(recorder), body=body, x_routing_id="guest_user"
    )

    assert isinstance(result, Customer)
    assert result.mobile_number == "9988776688"
    (request,) = recorder.requests
    assert (request.method, request.url.path) == ("POST", "/customers/cst_om2l6ctlptxwxuzj")
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.headers["x-routing-id"] == "guest_user"
    assert parse_qsl(request.content.decode()) == [
        ("mobile_number", "9988776688"),
        ("first_name", "Jo"),
    ]


@pytest.mark.parametrize(
    ("status", "error_code"), [(400, "unique"), (401, "access_denied"), (404, "object_not_found")]
)
def test_documented_errors_parse_as_error(status: int, error_code: str) -> None:
    recorder = Recorder(status=status, body={"status": "x", "error_code": error_code})
    response = get_customer.sync_detailed("cst_x", client=client_for(recorder))

    assert response.status_code == status
    assert isinstance(response.parsed, Error)
    assert response.parsed.error_code == error_code


@pytest.mark.parametrize(
    "payload",
    [
        ELIXIR_RESPONSES["create"],
        ELIXIR_RESPONSES["update"],
        TOKEN_CUSTOMER,
        {**ELIXIR_RESPONSES["get"], "email_address": None, "first_name": None},
        {k: v for k, v in ELIXIR_RESPONSES["get"].items() if k not in {"last_name", "first_name"}},
        {**ELIXIR_RESPONSES["get"], "a_field_juspay_adds_later": {"nested": [1, 2]}},
    ],
)
def test_customer_round_trips_without_loss(payload: dict[str, Any]) -> None:
    wire = json.loads(json.dumps(payload))
    assert Customer.from_dict(wire).to_dict() == payload


def test_error_round_trips_with_field_errors() -> None:
    payload = {
        "status": "Invalid Request",
        "error_code": "Invalid Request",
        "error_message": "Invalid value for field: mobile_number",
        "error_info": {
            "code": "INVALID_INPUT",
            "fields": [{"field_name": "mobile_number", "reason": "is required"}],
        },
    }
    error = Error.from_dict(payload)
    assert error.to_dict() == payload
    assert error.error_info
    assert error.error_info.fields
    assert error.error_info.fields[0].field_name == "mobile_number"
