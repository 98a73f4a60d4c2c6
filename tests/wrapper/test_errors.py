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


def test_invalid_input_is_an_invalid_request_error_with_field_errors(facade: Facade) -> None:
    """The facade refuses before sending what the spec refuses (issue 9 item 5), so a 400
    naming fields comes from a service stricter than the spec: here the mock's own 400 for
    a request sent without the facade, answered to the facade."""
    server = facade.server
    refused = httpx.post(
        f"{server.base_url}/customers",
        data={**ELIXIR_CREATE, "mobile_number": "not-digits"},
        auth=(server.api_key, ""),
    )
    assert refused.status_code == 400
    answer = httpx.Response(400, headers=refused.headers, content=refused.content)
    with (
        served_by(httpx.MockTransport(lambda request: answer)) as juspay,
        pytest.raises(InvalidRequestError) as caught,
    ):
        juspay.customers.create(ELIXIR_CREATE)
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
    ("header", "seconds"),
    [("7", 7.0), ("soon", None), (None, None), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)],
)
def test_a_rate_limit_error_says_how_long_the_answer_asked_to_wait(
    header: str | None, seconds: float | None
) -> None:
    """QA 5: a merchant had to read `exc.response.headers["retry-after"]` themselves."""
    headers = {} if header is None else {"Retry-After": header}
    transport = httpx.MockTransport(lambda request: httpx.Response(429, headers=headers))
    with served_by(transport) as juspay, pytest.raises(RateLimitError) as caught:
        juspay.customers.get("guest_user", request_options={"max_retries": 0})
    assert caught.value.retry_after == seconds


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
        juspay.customers.get("guest_user", request_options={"max_retries": 0})
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


@pytest.mark.parametrize(
    ("body", "field", "problem"),
    [
        (b'{"object": "customer"}', "id", "id: required but missing"),
        (b'{"object": "order"}', "object", "object: is not 'customer'"),
        (b'{"object": "customer", "id": 5}', "id", "id: expected str, got int"),
        (b"[]", None, "the body is not a Customer object"),
        (b"not json", None, "not JSON"),
    ],
)
def test_a_success_that_is_not_a_customer_names_the_field(
    body: bytes, field: str | None, problem: str
) -> None:
    """QA 6: APIResponseValidationError says which field failed (never its value)."""
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body))
    with served_by(transport) as juspay, pytest.raises(APIResponseValidationError) as caught:
        juspay.customers.get("guest_user")
    assert caught.value.field == field
    assert problem in str(caught.value)


def test_a_malformed_required_timestamp_is_named_without_its_value() -> None:
    customer = {
        "object": "customer", "id": "cst_1", "object_reference_id": "r",
        "mobile_number": "9988776655", "date_created": "2020-03-17T14:16:31Z",
        "last_updated": "yesterday 9988776655",
    }  # fmt: skip
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=customer))
    with served_by(transport) as juspay, pytest.raises(APIResponseValidationError) as caught:
        juspay.customers.get("guest_user")
    assert caught.value.field == "last_updated"
    assert "last_updated: is not an ISO 8601 timestamp" in str(caught.value)
    assert_discreet(caught.value)


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
        juspay.customers.create(ELIXIR_CREATE, request_options={"timeout": 0.1})
    assert isinstance(caught.value, APIConnectionError)
    assert "may have acted on it" in str(caught.value)
    assert_discreet(caught.value)


@pytest.mark.parametrize(
    "error_info",
    [
        None,
        {"fields": None},
        {"user_message": None, "code": None, "fields": None},
        {"fields": [None, {"field_name": 1}, {"field_name": "mobile_number", "reason": "bad"}]},
        "not an object",
    ],
)
def test_an_error_body_is_read_field_by_field(error_info: Any) -> None:
    """issue 8 case 10: a 400 whose `error_info` (or `fields`) is null still carries
    `error_code="unique"` and the server's `error_message`."""
    body = {
        "status": "invalid_request_error",
        "error_code": "unique",
        "error_message": "Customer with object_reference_id already exists",
        "error_info": error_info,
    }
    transport = httpx.MockTransport(lambda request: httpx.Response(400, json=body))
    with served_by(transport) as juspay, pytest.raises(InvalidRequestError) as caught:
        juspay.customers.get("guest_user")
    error = caught.value
    assert error.error_code == "unique"
    assert error.error_message == "Customer with object_reference_id already exists"
    assert str(error) == "HTTP 400 unique: Customer with object_reference_id already exists"
    assert error.user_message is None
    kept = (
        [("mobile_number", "bad")] if isinstance(error_info, dict) and error_info["fields"] else []
    )
    assert list(error.field_errors) == kept


@pytest.mark.parametrize(
    "body",
    [
        {"error_code": None, "error_message": None, "error_info": {"code": "ALREADY_EXISTS"}},
        {"error_code": 7, "error_message": ["x"], "error_info": {"code": "ALREADY_EXISTS"}},
    ],
)
def test_error_code_falls_back_to_error_info_code(body: dict[str, Any]) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(400, json=body))
    with served_by(transport) as juspay, pytest.raises(InvalidRequestError) as caught:
        juspay.customers.get("guest_user")
    assert caught.value.error_code == "ALREADY_EXISTS"
    assert caught.value.error_message is None


@pytest.mark.parametrize("status", [200, 400, 503])
def test_a_body_nested_beyond_any_parser_is_still_a_juspay_error(status: int) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(status, content=b"[" * 100_000))
    with served_by(transport) as juspay, pytest.raises(APIStatusError) as caught:
        juspay.customers.get("guest_user", request_options={"max_retries": 0})
    assert caught.value.status_code == status


@pytest.mark.parametrize("status", [200, 400])
@pytest.mark.parametrize("charset", ["utf-16", "utf-32", "no-such-charset"])
def test_a_body_its_declared_charset_cannot_decode_is_still_a_juspay_error(
    status: int, charset: str
) -> None:
    """Found by the answer property: httpx raised UnicodeError reading such a body's text."""
    headers = {"content-type": f"application/json; charset={charset}"}
    transport = httpx.MockTransport(
        lambda request: httpx.Response(status, headers=headers, content=b"{\x80 not json")
    )
    with served_by(transport) as juspay, pytest.raises(APIStatusError) as caught:
        juspay.customers.get("guest_user")
    assert caught.value.status_code == status
    assert isinstance(caught.value.body, str)


def test_a_call_on_a_closed_client_is_a_connection_error_and_sends_nothing(
    facade: Facade,
) -> None:
    """Only JuspayError escapes: httpx's RuntimeError for a closed client becomes one."""
    juspay = facade.client(record=False)
    juspay.close()
    with pytest.raises(APIConnectionError) as caught:
        juspay.customers.create(ELIXIR_CREATE)
    assert str(caught.value) == "POST /customers was not sent: the client is closed"
    assert (caught.value.method, caught.value.path) == ("POST", "/customers")
