"""Logs say what happened (method, path, status, time, request id, retries), never secrets."""

from __future__ import annotations

import base64
import logging
import os
import subprocess
import sys
import traceback
from typing import Any

import httpx
import pytest
from juspay_customers import APIError, Juspay, NotFoundError, ParameterError, _core
from juspay_customers._config import ClientOptions
from juspay_customers._logs import describe, mask

from tests.wrapper.conftest import ELIXIR_CREATE, Facade


@pytest.mark.usefixtures("quick_backoff")
def test_logs_carry_method_path_status_request_id_and_retries(
    facade: Facade, caplog: pytest.LogCaptureFixture
) -> None:
    juspay = facade.client()
    caplog.set_level(logging.DEBUG, logger="juspay_customers")
    created = juspay.customers.create({**ELIXIR_CREATE, "object_reference_id": "a@b.example"})
    facade.server.inject(status=503, method="GET")
    raw = juspay.customers.with_raw_response.get(created.id)

    text = caplog.text
    assert "POST /customers fields: object_reference_id=a***@b.example " in text
    assert "mobile_number=********55" in text
    assert "email_address=c***@mail.com" in text
    assert f"GET /customers/{created.id} -> 503 request_id=" in text
    assert f"GET /customers/{created.id} -> 200 request_id={raw.request_id} in " in text
    assert "retries=1" in text
    assert all(record.name == "juspay_customers" for record in caplog.records)
    assert_no_secrets(text, facade.server.api_key)


def assert_no_secrets(text: str, api_key: str) -> None:
    token = base64.b64encode(f"{api_key}:".encode()).decode()
    for secret in (api_key, token, "Authorization", "authorization", "9988776655", "customer@"):
        assert secret not in text


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("customer@mail.com", "c***@mail.com"),
        ("9988776655", "********55"),
        ("guest.9988776655@mail.com", "g***@mail.com"),
        ("cst_om2l6ctlptxwxuzj", "cst_om2l6ctlptxwxuzj"),
        ("guest_user", "guest_user"),
        # A breaker's report (QA 5): addresses the client accepts, shown whole or in part.
        ('"john.doe"@mail.com', '"***@mail.com'),
        ("john{doe}@mail.com", "j***@mail.com"),
        ("john.doe=x@mail.com", "j***@mail.com"),
        ("john!d@mail.com", "j***@mail.com"),
        ("o'brien@mail.com", "o***@mail.com"),
        ("josé@mail.com", "j***@mail.com"),
        # A re-check: a space or a `/` in the local part showed what followed it.
        ('"john doe"@mail.com', '"***@mail.com'),
        ("john/smith@mail.com", "j***@mail.com"),
        ('"john@doe"@mail.com', '"***@mail.com'),
        ("a/b.c@mail.com", "a***@mail.com"),
        # ... and numbers as a server may format them.
        ("998-877-6655", "***-***-**55"),
        ("998 877 665", "*** *** *65"),
        ("+91 (22) 1234-5678", "+** (**) ****-**78"),
    ],
)
def test_mask(value: str, masked: str) -> None:
    assert mask(value) == masked


def test_httpx_request_lines_show_the_customer_id_masked(
    facade: Facade, caplog: pytest.LogCaptureFixture
) -> None:
    """QA 5: an app logging at INFO got httpx's own line, `GET .../customers/jo.doe%40mail.com`,
    beside the facade's masked one. Lines for other URLs are left as httpx wrote them."""
    juspay = facade.client()
    caplog.set_level(logging.INFO)
    juspay.customers.create({**ELIXIR_CREATE, "object_reference_id": "jo.doe@mail.com"})
    juspay.customers.update("jo.doe@mail.com", mobile_number="9988776655")
    with pytest.raises(NotFoundError):
        juspay.customers.get("9988776600", get_client_auth_token=True)
    httpx.get(f"{facade.server.base_url}/elsewhere/9988776611")

    lines = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert len(lines) == 4
    assert "/customers/j***@mail.com " in lines[1]
    assert "/customers/********00?options.get_client_auth_token=true " in lines[2]
    assert "/elsewhere/9988776611 " in lines[3]
    shown = "\n".join(lines[:3])
    for secret in ("jo.doe", "9988776655", "9988776600"):
        assert secret not in shown


def _with_locals(error: BaseException) -> str:
    """The traceback as pytest `-l` or `unittest --locals` shows it: every frame's locals."""
    return "".join(traceback.TracebackException.from_exception(error, capture_locals=True).format())


KEY = "sk_live_S3CRETKEY99"


@pytest.mark.parametrize("from_environment", [False, True])
def test_a_traceback_with_locals_never_shows_the_api_key(
    from_environment: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A re-check (QA 5): a ParameterError from a malformed `base_url` showed `api_key =
    'sk_live_...'` in the constructor's locals, and `key` in `resolve_options`'."""
    if from_environment:
        monkeypatch.setenv("JUSPAY_API_KEY", KEY)
    with pytest.raises(ParameterError) as caught:
        Juspay(api_key=None if from_environment else KEY, base_url="ftp://127.0.0.1")

    shown = _with_locals(caught.value)
    assert "Secret('***')" in shown
    assert_no_secrets(shown, KEY)


def test_configure_with_bad_settings_never_shows_the_api_key_in_locals() -> None:
    """A second re-check (QA 5): `configure`'s frame showed `settings = {'api_key': ...}`."""
    from juspay_customers import configure

    with pytest.raises(ParameterError) as caught:
        configure(api_key=KEY, base_url="ftp://127.0.0.1")

    assert_no_secrets(_with_locals(caught.value), KEY)


def test_a_failed_call_through_a_callers_client_never_shows_the_token_in_locals() -> None:
    """A re-check (QA 5): a failed create through `http_client=` showed `Authorization: Basic
    <base64 of the key>` in the flow's `kwargs`."""
    transport = httpx.MockTransport(lambda request: httpx.Response(503))
    with (
        httpx.Client(transport=transport) as http,
        Juspay(api_key=KEY, base_url="http://127.0.0.1:9", http_client=http) as juspay,
        pytest.raises(APIError) as caught,
    ):
        juspay.customers.create(ELIXIR_CREATE, request_options={"max_retries": 0})

    shown = _with_locals(caught.value)
    assert "'Authorization': Secret('***')" in shown
    assert KEY not in shown
    assert base64.b64encode(f"{KEY}:".encode()).decode() not in shown


def test_a_request_repr_shows_only_its_masked_label() -> None:
    # A caller's httpx client: every request carries Authorization itself.
    key = "sk_secret_never_shown"
    options = ClientOptions(api_key=key, environment="sandbox", base_url="http://x").for_pool(
        {}, httpx.Timeout(5.0)
    )
    created = next(_core.create(options, ELIXIR_CREATE))
    fetched = next(_core.get(options, {"customer_id": "customer@mail.com"}))

    assert isinstance(created, _core.Request)
    assert isinstance(fetched, _core.Request)
    assert "Authorization" in created.kwargs["headers"]
    assert repr(created) == "<Request POST /customers>"
    assert repr(fetched) == "<Request GET /customers/c***@mail.com>"
    assert_no_secrets(repr(created) + repr(fetched), key)


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


GET_ONE = """
import juspay_customers as j
with j.Juspay() as client:
    try:
        client.customers.get("9988776655", request_options={"max_retries": 0})
    except j.NotFoundError:
        pass
"""


@pytest.mark.parametrize(("level", "logged"), [("", False), ("info", True), ("DEBUG", True)])
def test_juspay_log_turns_logging_on_and_it_is_off_by_default(
    juspay_mock: Any, level: str, logged: bool
) -> None:
    env = {"JUSPAY_API_KEY": juspay_mock.api_key, "JUSPAY_BASE_URL": juspay_mock.base_url}
    result = run_python(GET_ONE, {**env, "JUSPAY_LOG": level})

    assert ("juspay_customers INFO GET /customers/********55 -> 404" in result.stderr) is logged
    assert bool(result.stderr) is logged
    assert_no_secrets(result.stderr, juspay_mock.api_key)


def test_an_unknown_juspay_log_value_is_a_warning_naming_it(juspay_mock: Any) -> None:
    """QA 5: `JUSPAY_LOG=verbose` was silently ignored."""
    env = {"JUSPAY_API_KEY": juspay_mock.api_key, "JUSPAY_BASE_URL": juspay_mock.base_url}
    result = run_python(GET_ONE, {**env, "JUSPAY_LOG": "verbose"})

    assert result.returncode == 0
    assert "UserWarning: JUSPAY_LOG='verbose' is neither debug nor info" in result.stderr
    assert "juspay_customers INFO" not in result.stderr


@pytest.mark.usefixtures("quick_backoff")
def test_debug_logs_mask_names_too(facade: Facade, caplog: pytest.LogCaptureFixture) -> None:
    """issue 8 case 13: `first_name`/`last_name` were logged in full at debug level."""
    juspay = facade.client()
    caplog.set_level(logging.DEBUG, logger="juspay_customers")
    juspay.customers.create(ELIXIR_CREATE)
    juspay.customers.update("guest_user", first_name="Johanna", last_name="Doe-Smith")

    text = caplog.text
    assert "first_name=J*** last_name=S***" in text
    assert "POST /customers/guest_user fields: first_name=J*** last_name=D***" in text
    for name in ("John", "Smith", "Johanna", "Doe-Smith"):
        assert name not in text
    assert_no_secrets(text, facade.server.api_key)


@pytest.mark.parametrize(
    ("fields", "described"),
    [
        ({"first_name": "John", "last_name": ""}, "first_name=J*** last_name="),
        ({"object_reference_id": "a@b.example"}, "object_reference_id=a***@b.example"),
        ({"mobile_number": "9988776655"}, "mobile_number=********55"),
    ],
)
def test_describe_masks_every_kind_of_personal_data(fields: dict[str, str], described: str) -> None:
    assert describe(fields) == described
