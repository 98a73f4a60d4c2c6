"""A merchant's code in every typed form: `mypy --strict` and basedpyright (strict) accept it.

Checked, never run, by tests/typing/test_typing.py. `assert_type` pins every return.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime
from typing import Any, assert_type

from juspay_customers import (
    AsyncJuspay,
    CallOptions,
    ClientAuthToken,
    CreateCustomerParams,
    Customer,
    Customers,
    Juspay,
    RawResponse,
    UpdateCustomerFields,
)

CREATE: CreateCustomerParams = {"object_reference_id": "guest_user", "mobile_number": "9988776655"}
CHANGES: UpdateCustomerFields = {"first_name": "Jo", "customer_email": "jo@mail.com"}
OPTIONS: CallOptions = {"timeout": 5.0, "max_retries": 0, "headers": {"x-trace": "t1"}}


def sync_forms(juspay: Juspay) -> None:
    assert_type(juspay.customers.create(CREATE), Customer)
    assert_type(juspay.customers.create(**CREATE), Customer)
    assert_type(
        juspay.customers.create(
            object_reference_id="guest_user",
            mobile_number="9988776655",
            email_address="jo@mail.com",
            get_client_auth_token=True,
        ),
        Customer,
    )
    assert_type(
        juspay.customers.create([("object_reference_id", "g"), ("mobile_number", "1")]), Customer
    )
    assert_type(juspay.customers.get("guest_user"), Customer)
    assert_type(juspay.customers.get("guest_user", get_client_auth_token=True), Customer)
    assert_type(juspay.customers.get("guest_user", {"get_client_auth_token": True}), Customer)
    assert_type(juspay.customers.get({"customer_id": "guest_user"}), Customer)
    assert_type(juspay.customers.get(customer_id="guest_user"), Customer)
    assert_type(juspay.customers.get("guest_user", request_options=OPTIONS), Customer)
    assert_type(juspay.customers.update("guest_user", CHANGES), Customer)
    assert_type(juspay.customers.update("guest_user", first_name="Jo", last_name="Doe"), Customer)
    assert_type(juspay.customers.update({"customer_id": "g", "mobile_number": "1"}), Customer)
    assert_type(juspay.customers.update(customer_id="g", customer_email="jo@mail.com"), Customer)
    assert_type(juspay.customers.update("g", [("first_name", "Jo")]), Customer)
    assert_type(Customers.create(CREATE), Customer)
    assert_type(Customers.update("guest_user", first_name="Jo"), Customer)


def raw_response(juspay: Juspay) -> None:
    raw = juspay.customers.with_raw_response.get("guest_user")
    assert_type(raw, RawResponse[Customer])
    assert_type(raw.parse(), Customer)
    assert_type(raw.status_code, int)
    assert_type(raw.request_id, str | None)
    assert_type(raw.retries_taken, int)
    assert_type(juspay.customers.with_raw_response.create(CREATE), RawResponse[Customer])
    assert_type(Customers.with_raw_response.update("g", first_name="Jo"), RawResponse[Customer])


def fields(customer: Customer) -> None:
    assert_type(customer.id, str)
    assert_type(customer.object_reference_id, str)
    assert_type(customer.mobile_number, str)
    assert_type(customer.date_created, datetime)
    assert_type(customer.last_updated, datetime)
    assert_type(customer.mobile_country_code, str | None)
    assert_type(customer.email_address, str | None)
    assert_type(customer.first_name, str | None)
    assert_type(customer.last_name, str | None)
    assert_type(customer.juspay, ClientAuthToken | None)
    assert_type(customer.to_dict(), dict[str, Any])
    if customer.juspay is not None:
        assert_type(customer.juspay.token, str)
        assert_type(customer.juspay.expiry, datetime)


async def async_forms(juspay: AsyncJuspay) -> None:
    assert_type(juspay.customers.get("guest_user"), Awaitable[Customer])
    assert_type(await juspay.customers.create(CREATE), Customer)
    assert_type(await juspay.customers.create(**CREATE), Customer)
    assert_type(await juspay.customers.get("guest_user", get_client_auth_token=True), Customer)
    assert_type(await juspay.customers.update("guest_user", first_name="Jo"), Customer)
    assert_type(await juspay.customers.update(customer_id="g", mobile_number="1"), Customer)
    raw = await juspay.customers.with_raw_response.update("guest_user", CHANGES)
    assert_type(raw, RawResponse[Customer])
    assert_type(raw.parse(), Customer)
