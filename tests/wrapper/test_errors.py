"""Every error class from a real response, and what each error carries (and never carries)."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from juspay_customers import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    AuthorizationError,
    FieldError,
    InvalidRequestError,
    Juspay,
    JuspayError,
    NotFoundError,
    RateLimitError,
)

from tests.wrapper.conftest import ELIXIR_CREATE, Facade

SECRET_KEY = "sk_secret_never_shown"


def assert_discreet(error: Exception) -> None:
    """The message names no key and no personal data of the request."""
    text = str(error) + repr(error)
    for secret in (SECRET_KEY, "9988776655", "customer@mail.com", "Smith"):
        assert secret not in text


@contextlib.contextmanager
def served_by(transport: httpx.MockTransport) -> Iterator[Juspay]:
    with httpx.Client(transport=transport) as http, Juspay(api_key="k", http_client=http) as j:
        yield j


def test_invalid_input_is_an_invalid_request_error_with_field_errors(juspay: Any) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        juspay.customers.create({**ELIXIR_CREATE, "mobile_number": "not-digits"})
    error = caught.value
    assert type(error) is InvalidRequestError
    assert error.status_code == 400
    assert error.error_code == "Invalid Request"
    assert error.user_message == "Invalid input provided"
    assert [f.field_name for f in error.field_errors] == ["mobile_number"]
    assert isinstance(error.field_errors[0], FieldError)
    assert error.request_id == error.response.headers["x-request-id"]
    assert error.request_id in str(error)
    assert isinstance(error.body, dict)
    assert error.body["error_info"]["code"] == "INVALID_INPUT"
    assert_discreet(error)


def test_a_first_create_with_a_taken_reference_is_a_genuine_duplicate(
    facade: Facade, juspay: Any
) -> None:
    juspay.customers.create(ELIXIR_CREATE)
    with pytest.raises(InvalidRequestError) as caught:
        juspay.customers.create({**ELIXIR_CREATE, "first_name": "Other"})
    assert caught.value.error_code == "unique"
    assert [r.method for r in facade.sent] == ["POST", "POST"]  # no retry, no lookup


def test_unknown_customer_is_not_found(juspay: Any) -> None:
    with pytest.raises(NotFoundError) as caught:
        juspay.customers.update("nobody_here", first_name="Jo")
    assert isinstance(caught.value, InvalidRequestError)
    assert (caught.value.status_code, caught.value.error_code) == (404, "object_not_found")
    assert str(caught.value).startswith("HTTP 404 object_not_found: Customer not found")


def test_wrong_api_key_is_an_authentication_error(facade: Facade) -> None:
    juspay = facade.client(api_key=SECRET_KEY)
    with pytest.raises(AuthenticationError) as caught:
        juspay.customers.create(ELIXIR_CREATE)
    assert caught.value.status_code == 401
    assert caught.value.error_code == "access_denied"
    assert_discreet(caught.value)


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (403, AuthorizationError),
        (429, RateLimitError),
        (500, APIError),
        (503, APIError),
        (409, APIError),  # undocumented
    ],
)
def test_injected_statuses_map_to_their_classes(
    facade: Facade, status: int, kind: type[APIStatusError]
) -> None:
    juspay = facade.client(max_retries=0)
    facade.server.inject(status=status)
    with pytest.raises(kind) as caught:
        juspay.customers.get("guest_user")
    assert type(caught.value) is kind
    assert caught.value.status_code == status
    assert len(facade.sent) == 1


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (404, b"", NotFoundError),
        (401, b"<html>denied</html>", AuthenticationError),
        (502, b"Bad Gateway", APIError),
        (400, b'{"error_info": {"fields": "not a list"}}', InvalidRequestError),
        (403, b"[1, 2]", AuthorizationError),
    ],
)
def test_bodies_that_are_not_juspay_json_still_give_the_right_class(
    status: int, body: bytes, kind: type[APIStatusError]
) -> None:
    # The mock always answers in Juspay's shape, so a transport serves the odd bodies.
    transport = httpx.MockTransport(lambda request: httpx.Response(status, content=body))
    with served_by(transport) as juspay, pytest.raises(kind) as caught:
        juspay.customers.get("guest_user", max_retries=0)
    assert type(caught.value) is kind
    assert caught.value.status_code == status
    assert caught.value.error_code is None


@pytest.mark.parametrize(
    "body", [b"", b"not json", b'{"id": "cst_1"}', b'{"object": "order"}', b"[]"]
)
def test_a_success_that_is_not_a_customer_is_never_a_silent_none(body: bytes) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body))
    with served_by(transport) as juspay, pytest.raises(APIResponseValidationError) as caught:
        juspay.customers.get("guest_user")
    assert isinstance(caught.value, APIError)
    assert caught.value.status_code == 200


def test_connection_refused_is_a_connection_error(facade: Facade) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    juspay = facade.client(base_url=f"http://127.0.0.1:{port}", max_retries=0)
    with pytest.raises(APIConnectionError) as caught:
        juspay.customers.update("guest_user", {"mobile_number": "9988776655"})
    assert not isinstance(caught.value, APITimeoutError)
    assert isinstance(caught.value, JuspayError)
    assert (caught.value.method, caught.value.path) == ("POST", "/customers/guest_user")
    assert_discreet(caught.value)


def test_a_slow_answer_is_a_timeout_error(facade: Facade) -> None:
    juspay = facade.client(max_retries=0)
    facade.server.inject(delay=0.5)
    with pytest.raises(APITimeoutError) as caught:
        juspay.customers.create(ELIXIR_CREATE, timeout=0.1)
    assert isinstance(caught.value, APIConnectionError)
    assert "may have acted on it" in str(caught.value)
    assert_discreet(caught.value)
