"""The generated client, given only an httpx Basic-auth client, works against a real server."""

from __future__ import annotations

import httpx
from juspay_customers_client import Client
from juspay_customers_client.api.customers import create_customer, get_customer, update_customer
from juspay_customers_client.models import (
    CreateCustomerRequest,
    Customer,
    Error,
    UpdateCustomerRequest,
)
from juspay_customers_client.types import Unset
from juspay_mock import MockServer


def test_create_get_update_over_loopback(juspay_mock: MockServer) -> None:
    client = Client(
        base_url=juspay_mock.base_url,
        httpx_args={"auth": httpx.BasicAuth(juspay_mock.api_key, "")},
    )
    body = CreateCustomerRequest(
        object_reference_id="guest_user",
        mobile_number="9988776655",
        email_address="customer@mail.com",
        options_get_client_auth_token=True,
    )
    created = create_customer.sync(client=client, body=body)
    assert isinstance(created, Customer)
    assert created.id.startswith("cst_")
    assert created.juspay
    assert created.juspay.client_auth_token.startswith("tkn_")

    by_reference = get_customer.sync("guest_user", client=client)
    assert isinstance(by_reference, Customer)
    assert by_reference.id == created.id
    assert isinstance(by_reference.juspay, Unset)  # the token only when asked for

    updated = update_customer.sync(
        created.id, client=client, body=UpdateCustomerRequest(first_name="Jo")
    )
    assert isinstance(updated, Customer)
    assert (updated.first_name, updated.email_address) == ("Jo", "customer@mail.com")
    assert updated.date_created == created.date_created


def test_set_httpx_client_with_a_wrong_key_gets_the_error_body(juspay_mock: MockServer) -> None:
    client = Client(base_url=juspay_mock.base_url)
    client.set_httpx_client(
        httpx.Client(base_url=juspay_mock.base_url, auth=httpx.BasicAuth("wrong_key", ""))
    )
    response = get_customer.sync_detailed("guest_user", client=client)

    assert response.status_code == 401
    assert isinstance(response.parsed, Error)
    assert response.parsed.error_code == "access_denied"
