"""Bad input fails with a ParameterError (a ValueError) naming the field, before any request."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from juspay_customers import Juspay, JuspayError, ParameterError

from tests.wrapper.conftest import ELIXIR_CREATE, Facade

TOKEN = "get_client_auth_token"
BAD_CALLS = [
    ("create", (), {**ELIXIR_CREATE, "nickname": "Jo"}, "nickname", "unknown field for create"),
    ("create", (), {**ELIXIR_CREATE, "mobile_number": 9988776655}, "mobile_number", "got int"),
    ("create", (), {"mobile_number": "9988776655"}, "object_reference_id", "required"),
    ("create", (), {"object_reference_id": "guest_user"}, "mobile_number", "required"),
    ("create", (), {**ELIXIR_CREATE, TOKEN: "yes"}, TOKEN, "expected bool, got str"),
    ("create", (), {**ELIXIR_CREATE, "customer_email": "a@b.co"}, "customer_email", "more than"),
    ("create", (), {"customer_id": "guest_user"}, "customer_id", "unknown field for create"),
    ("get", (), {}, "customer_id", "required"),
    ("get", ("",), {}, "customer_id", "required"),
    ("get", ("guest_user",), {"first_name": "Jo"}, "first_name", "unknown field for get"),
    ("get", ("guest_user",), {"customer_id": "other"}, "customer_id", "more than once"),
    ("get", (), {"customer_id": 42}, "customer_id", "expected str, got int"),
    ("update", ("guest_user",), {}, "params", "at least one of email_address, first_name"),
    ("update", (), {"first_name": "Jo"}, "customer_id", "required"),
    ("update", ("guest_user",), {"object_reference_id": "x"}, "object_reference_id", "unknown"),
    ("update", ("guest_user",), {TOKEN: True}, TOKEN, "unknown field for update"),
    ("update", ("guest_user",), {"first_name": None}, "first_name", "expected str, got NoneType"),
]  # fmt: skip


@pytest.mark.parametrize(("method", "args", "params", "field", "problem"), BAD_CALLS)
def test_bad_input_names_the_field_and_sends_nothing(
    facade: Facade,
    method: str,
    args: tuple[Any, ...],
    params: dict[str, Any],
    field: str,
    problem: str,
) -> None:
    juspay = facade.client()
    call = getattr(juspay.customers, method)
    for form in (params, list(params.items())):  # the mapping and the keyword-list forms alike
        with pytest.raises(ParameterError) as caught:
            call(*args, form)
        assert isinstance(caught.value, ValueError)
        assert isinstance(caught.value, JuspayError)
        assert caught.value.field == field
        assert str(caught.value).startswith(f"{field}: ")
        assert problem in str(caught.value)
        assert "9988776655" not in str(caught.value)  # values never echoed
    assert facade.sent == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ("guest_user", "params"),  # a second id
        (42, "params"),
        ([("object_reference_id",)], "params"),
        ({1: "x"}, "1"),
    ],
)
def test_malformed_params_are_rejected(facade: Facade, params: Any, field: str) -> None:
    juspay = facade.client()
    with pytest.raises(ParameterError) as caught:
        juspay.customers.update("guest_user", params)
    assert caught.value.field == field
    assert facade.sent == []


def test_keywords_mix_with_a_mapping_but_may_not_repeat_it(facade: Facade) -> None:
    juspay = facade.client()
    with pytest.raises(ParameterError, match=r"^first_name: given more than once"):
        juspay.customers.update("guest_user", {"first_name": "A"}, first_name="B")
    assert facade.sent == []


def test_missing_api_key_fails_when_the_client_is_made(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JUSPAY_API_KEY", raising=False)
    with pytest.raises(ParameterError, match="JUSPAY_API_KEY") as caught:
        Juspay()
    assert caught.value.field == "api_key"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"environment": "staging"}, "environment"),
        ({"base_url": "127.0.0.1:8080"}, "base_url"),
        ({"timeout": 0}, "timeout"),
        ({"timeout": "5"}, "timeout"),
        ({"max_retries": -1}, "max_retries"),
        ({"max_retries": True}, "max_retries"),
        ({"default_headers": {"Authorization": "Basic x"}}, "headers"),
    ],
)
def test_bad_client_options_fail_early(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ParameterError) as caught:
        Juspay(api_key="key", **kwargs)
    assert caught.value.field == field


def test_per_call_options_are_checked_before_sending(facade: Facade) -> None:
    juspay = facade.client()
    with pytest.raises(ParameterError, match=r"^max_retries:"):
        juspay.customers.get("guest_user", max_retries=-2)
    with pytest.raises(ParameterError, match=r"^headers:"):
        juspay.customers.get("guest_user", headers={"authorization": "Basic eA=="})
    assert facade.sent == []


def test_configuration_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUSPAY_API_KEY", "env_key")
    monkeypatch.setenv("JUSPAY_ENVIRONMENT", "production")
    monkeypatch.setenv("JUSPAY_MERCHANT_ID", "merchant_7")
    with Juspay() as juspay:
        assert juspay.base_url == "https://api.juspay.in"
        assert juspay.environment == "production"
        assert juspay.merchant_id == "merchant_7"
        assert juspay.timeout == httpx.Timeout(30.0, connect=5.0)
        assert juspay.max_retries == 2
    monkeypatch.setenv("JUSPAY_BASE_URL", "http://127.0.0.1:9/")
    with Juspay(environment="sandbox") as juspay:
        assert juspay.base_url == "http://127.0.0.1:9"
        assert juspay.environment == "sandbox"


def test_repr_shows_environment_and_url_never_the_key() -> None:
    with Juspay(api_key="sk_live_secret_123", base_url="http://127.0.0.1:9") as juspay:
        text = repr(juspay) + repr(juspay._options) + repr(juspay.with_options(timeout=1))
    assert "Juspay(environment='sandbox', base_url='http://127.0.0.1:9')" in text
    assert "sk_live_secret_123" not in text
    assert "c2tfbGl2ZV9zZWNyZXRfMTIzOg" not in text  # nor its Basic-auth encoding
