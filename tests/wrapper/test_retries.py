"""Retries against a server that really fails, and the rule that a create is never duplicated.

The mock applies each injected fault to the next matching request: `status` answers without
processing, `delay` and `drop_after_write` store the write and then answer late or never.
"""

from __future__ import annotations

import ast
import copy
import logging
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from juspay_customers import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    CreateNotConfirmedError,
    InvalidRequestError,
    JuspayError,
    RateLimitError,
    _generated,
)
from juspay_customers._core import MAX_BACKOFF, MAX_RETRY_AFTER, retry_after, retry_delay

from tests.conftest import ROOT, spec_document
from tests.wrapper.conftest import CUSTOMER, ELIXIR_CREATE, Facade, WireFacade

SLOW = 0.4  # seconds the mock holds an answer; the client gives up after SHORT
SHORT = 0.1


pytestmark = pytest.mark.usefixtures("quick_backoff")


def methods(facade: Facade) -> list[str]:
    return [f"{r.method} {r.url.path}" for r in facade.sent]


def test_503_with_retry_after_is_retried_after_that_wait(
    facade: Facade, juspay: Any, caplog: pytest.LogCaptureFixture
) -> None:
    juspay.customers.create(ELIXIR_CREATE)
    facade.server.inject(status=503, retry_after=1, method="GET")
    caplog.set_level(logging.INFO, logger="juspay_customers")

    raw = juspay.customers.with_raw_response.get("guest_user")

    assert (raw.status_code, raw.retries_taken) == (200, 1)
    assert methods(facade)[1:] == ["GET /customers/guest_user"] * 2
    assert "GET /customers/guest_user: retrying in 1.00s" in caplog.messages


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_429_and_5xx_are_retried_with_backoff(facade: Facade, juspay: Any, status: int) -> None:
    juspay.customers.create(ELIXIR_CREATE)
    facade.server.inject(status=status, method="POST", path="/customers/{customer_id}")

    updated = juspay.customers.update("guest_user", first_name="Jo")

    assert updated.first_name == "Jo"
    assert methods(facade)[1:] == ["POST /customers/guest_user"] * 2


def test_retries_stop_at_max_retries(facade: Facade) -> None:
    juspay = facade.client(max_retries=1)
    facade.server.inject(status=429, count=3)
    with pytest.raises(RateLimitError):
        juspay.customers.get("guest_user")
    assert len(facade.sent) == 2


def test_per_call_max_retries_overrides_the_client(facade: Facade, juspay: Any) -> None:
    facade.server.inject(status=500)
    with pytest.raises(APIError):
        juspay.customers.get("guest_user", request_options={"max_retries": 0})
    assert len(facade.sent) == 1


def test_client_errors_are_not_retried(facade: Facade, juspay: Any) -> None:
    with pytest.raises(InvalidRequestError):
        juspay.customers.get("nobody_here")
    assert len(facade.sent) == 1


def test_update_whose_connection_dropped_after_the_write_is_retried(
    facade: Facade, juspay: Any
) -> None:
    juspay.customers.create(ELIXIR_CREATE)
    facade.server.inject(drop_after_write=True, method="POST")

    raw = juspay.customers.with_raw_response.update("guest_user", last_name="Doe")

    assert (raw.retries_taken, raw.parse().last_name) == (1, "Doe")


# --- create is never applied twice and never lost ---


def test_create_answered_503_is_sent_again_and_created_once(facade: Facade, juspay: Any) -> None:
    facade.server.inject(status=503, method="POST")

    created = juspay.customers.create(ELIXIR_CREATE)

    assert methods(facade) == ["POST /customers"] * 2
    assert juspay.customers.get("guest_user").id == created.id


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param({"delay": SLOW}, id="slow-answer"),
        pytest.param({"drop_after_write": True}, id="connection-dropped-after-write"),
    ],
)
def test_create_that_got_through_returns_that_customer(
    facade: Facade, juspay: Any, fault: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    facade.server.inject(method="POST", **fault)
    caplog.set_level(logging.INFO, logger="juspay_customers")

    raw = juspay.customers.with_raw_response.create(
        ELIXIR_CREATE, request_options={"timeout": SHORT}
    )

    # The first attempt stored the customer; the retry met `unique`; the lookup found ours.
    assert methods(facade) == ["POST /customers", "POST /customers", "GET /customers/guest_user"]
    customer = raw.parse()
    assert customer.to_dict() == juspay.customers.get("guest_user").to_dict()
    assert {k: customer.to_dict()[k] for k in ELIXIR_CREATE} == ELIXIR_CREATE
    assert raw.retries_taken == 1
    assert "POST /customers: an earlier attempt created it; returning that" in caplog.messages


def test_create_that_got_through_keeps_the_token_option(facade: Facade, juspay: Any) -> None:
    facade.server.inject(method="POST", drop_after_write=True)

    customer = juspay.customers.create(ELIXIR_CREATE, get_client_auth_token=True)

    assert customer.juspay is not None
    assert facade.sent[-1].url.query == b"options.get_client_auth_token=true"


def test_a_retried_create_meeting_someone_elses_customer_still_fails(
    facade: Facade, juspay: Any
) -> None:
    facade.server.seed([{**ELIXIR_CREATE, "mobile_number": "9000000001"}])
    facade.server.inject(status=503, method="POST")

    with pytest.raises(InvalidRequestError) as caught:
        juspay.customers.create(ELIXIR_CREATE)

    assert caught.value.error_code == "unique"
    assert methods(facade) == ["POST /customers", "POST /customers", "GET /customers/guest_user"]
    assert juspay.customers.get("guest_user").mobile_number == "9000000001"  # untouched


def test_a_create_that_timed_out_for_good_says_so_and_is_not_lost(
    facade: Facade, juspay: Any
) -> None:
    facade.server.inject(method="POST", delay=SLOW)
    with pytest.raises(APITimeoutError, match="may have acted on it"):
        juspay.customers.create(ELIXIR_CREATE, request_options={"timeout": SHORT, "max_retries": 0})

    assert (
        juspay.customers.get("guest_user", request_options={"timeout": 5}).mobile_number
        == "9988776655"
    )


# --- the retry rule itself, on synthetic replies (no waiting) ---


def reply(status: int, retry_after_header: str | None = None) -> httpx.Response:
    headers = {"retry-after": retry_after_header} if retry_after_header is not None else {}
    return httpx.Response(status, headers=headers)


def test_retry_delay_backs_off_exponentially_with_jitter_up_to_a_cap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.undo()  # the real schedule, not quick_backoff's
    for retries_taken, base in [(0, 0.5), (1, 1.0), (2, 2.0), (10, MAX_BACKOFF)]:
        delays = {retry_delay(reply(503), retries_taken, 20) for _ in range(50)}
        assert all(d is not None and 0.75 * base <= d <= base for d in delays)
        assert len(delays) > 1  # jittered


def test_retry_delay_honours_retry_after_within_a_cap() -> None:
    assert retry_delay(reply(429, "3"), 0, 2) == 3.0
    assert retry_delay(reply(503, "0"), 0, 2) == 0.0
    assert retry_delay(reply(429, "86400"), 0, 2) == MAX_RETRY_AFTER
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 <= (retry_delay(reply(503, later), 0, 2) or 0) <= 30
    assert retry_delay(reply(503, "soon"), 0, 2) is not None  # unreadable: plain backoff


def test_retry_delay_says_when_to_stop() -> None:
    assert retry_delay(reply(503), 2, 2) is None
    assert retry_delay(reply(400), 0, 2) is None
    assert retry_delay(reply(404), 0, 2) is None
    assert retry_delay(httpx.ReadTimeout("slow"), 0, 2) is not None
    assert retry_delay(httpx.UnsupportedProtocol("ftp"), 0, 2) is None


@pytest.mark.parametrize(("header", "seconds"), [(None, None), ("", None), ("nan", None)])
def test_retry_after_ignores_what_is_not_a_wait(header: str | None, seconds: None) -> None:
    assert retry_after(header) is seconds


# --- issue 8 case 9: Retry-After in every HTTP-date form of RFC 9110 ---

RFC_9110_FORMS = {
    "IMF-fixdate": "%a, %d %b %Y %H:%M:%S GMT",
    "IMF-fixdate with -0000": "%a, %d %b %Y %H:%M:%S -0000",
    "RFC 850": "%A, %d-%b-%y %H:%M:%S GMT",
    "asctime": "%a %b %e %H:%M:%S %Y",
}


def http_date(form: str, when: datetime) -> str:
    return when.astimezone(UTC).strftime(RFC_9110_FORMS[form])


@pytest.mark.parametrize("form", RFC_9110_FORMS)
def test_retry_after_reads_every_http_date_form_as_utc(form: str) -> None:
    """issue 8 case 9: `Wed, 21 Oct 2015 07:28:00 -0000` and `Sun Nov  6 08:49:37 1994`
    raised TypeError (naive datetimes)."""
    later = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=40)
    assert 30 <= (retry_after(http_date(form, later)) or 0) <= 40
    assert retry_after(http_date(form, datetime(2015, 10, 21, 7, 28, tzinfo=UTC))) == 0.0


@pytest.mark.parametrize(
    "header",
    [
        "Wed, 21 Oct 2015 07:28:00 -0000",
        "Sun Nov  6 08:49:37 1994",
        "Sunday, 06-Nov-94 08:49:37 GMT",
    ],
)
def test_a_503_with_a_past_http_date_is_retried_and_returns_the_customer(
    wired: WireFacade, header: str
) -> None:
    """issue 8 case 9: the retry happens (at once: the date is past) and the call succeeds."""
    wired.wire.answer(httpx.Response(503, headers={"retry-after": header}))
    raw = wired.client().customers.with_raw_response.get("guest_user")
    assert (raw.status_code, raw.retries_taken) == (200, 1)
    assert raw.parse().id == CUSTOMER["id"]
    assert wired.wire.lines() == ["GET /customers/guest_user"] * 2


@pytest.mark.parametrize(
    "header",
    ["Wed, 31 Feb 2015 07:28:00 GMT", "Wed, 21 Oct 99999 07:28:00 GMT", "1e999", "-3",
     "Mon, 1 Jan 2024 00:00:00 +9999", "Sun Nov  6 08:49:37", "\x00", "Sun, 06 Nov 1994 x"],
)  # fmt: skip
def test_unreadable_retry_after_is_no_hint_and_never_an_exception(header: str) -> None:
    value = retry_after(header)
    assert value is None or value >= 0.0
    delay = retry_delay(reply(503, header), 0, 1)
    assert delay is not None
    assert 0.0 <= delay <= MAX_RETRY_AFTER


@pytest.mark.parametrize("header", ["inf", "-5", "1_0", "+5", " 5 ", "5 ", "0.25", "1e3", "5s"])
def test_retry_after_is_only_rfc_9110_delta_seconds_else_backoff(
    monkeypatch: pytest.MonkeyPatch, header: str
) -> None:
    """QA 6: delta-seconds is 1*DIGIT (RFC 9110 10.2.3); Python's float() forms are no hint,
    so the wait is the plain backoff (first retry: 0.375-0.5 s), not the header's."""
    monkeypatch.undo()  # the real schedule, not quick_backoff's
    assert retry_after(header) is None
    delay = retry_delay(reply(503, header), 0, 2)
    assert delay is not None
    assert 0.375 <= delay <= 0.5


def test_a_huge_delta_seconds_is_capped() -> None:
    assert retry_after("9" * 5000) == float("inf")
    assert retry_delay(reply(503, "9" * 5000), 0, 2) == MAX_RETRY_AFTER


def test_backoff_never_overflows_however_many_retries() -> None:
    assert retry_delay(reply(503), 5000, 10_000) == pytest.approx(MAX_BACKOFF, rel=0.25)


# --- issue 8 cases 10 and 12: a retried create finds what its lost first attempt made ---

UNIQUE = {
    "status": "invalid_request_error",
    "error_code": "unique",
    "error_message": "Customer with object_reference_id already exists",
}


@pytest.mark.parametrize(
    "error_info", [None, {"fields": None}, {"code": None, "fields": None}, "gone", []]
)
def test_a_lost_create_retried_into_a_unique_with_a_null_error_info_returns_the_customer(
    wired: WireFacade, error_info: Any
) -> None:
    """issue 8 case 10: the 400's `error_info` (or its `fields`) is null: still `unique`."""
    stored = {**CUSTOMER, "object_reference_id": ELIXIR_CREATE["object_reference_id"]}
    stored |= {"email_address": ELIXIR_CREATE["email_address"]}
    wired.wire.answer(
        httpx.ReadTimeout("the answer was lost"),
        httpx.Response(400, json={**UNIQUE, "error_info": error_info}),
        httpx.Response(200, json=stored),
    )
    raw = wired.client().customers.with_raw_response.create(ELIXIR_CREATE)

    assert raw.parse().to_dict() == stored
    assert raw.retries_taken == 1
    assert wired.wire.lines() == ["POST /customers", "POST /customers", "GET /customers/guest_user"]


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ({"mobile_country_code": "65"}, {"mobile_country_code": "+65"}),
        ({"mobile_country_code": "0065"}, {"mobile_country_code": "65"}),
        ({"mobile_country_code": "065"}, {"mobile_country_code": "65"}),
        ({"mobile_number": "09988776655"}, {"mobile_number": "99887 76655"}),
        ({"email_address": "Jo.Doe@Mail.COM"}, {"email_address": "jo.doe@mail.com"}),
        ({"email_address": "jo@mail.com"}, {"email_address": " JO@MAIL.COM "}),
        ({"first_name": " John "}, {"first_name": "John"}),  # names: trimmed only
        ({"first_name": "John", "last_name": "Doe"}, {"first_name": "John", "last_name": "Doe"}),
    ],
)
def test_create_recovery_compares_identifying_fields_after_normalisation(
    wired: WireFacade, sent: dict[str, str], stored: dict[str, Any]
) -> None:
    """issue 8 case 12: the service stored `+65` for `65`, or the e-mail in another case."""
    body = {"object_reference_id": "guest_user", "mobile_number": "9988776655", **sent}
    held = {**CUSTOMER, "email_address": None, **stored}
    wired.wire.answer(
        httpx.Response(503, headers={"retry-after": "0"}),
        httpx.Response(400, json=UNIQUE),
        httpx.Response(200, json=held),
    )
    customer = wired.client().customers.create(body)
    assert customer.to_dict() == held


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ({"mobile_number": "9988776655"}, {"mobile_number": "9988776656"}),
        ({"mobile_country_code": "65"}, {"mobile_country_code": "91"}),
        ({"mobile_country_code": "65"}, {"mobile_country_code": None}),
        ({"email_address": "jo@mail.com"}, {"email_address": "joe@mail.com"}),
        ({"email_address": "jo@mail.com"}, {"email_address": None}),
        ({"object_reference_id": "guest_user"}, {"object_reference_id": "cst_other"}),
        # QA 1: every field sent must match, names too (trimmed, case-sensitive).
        ({"first_name": "Bob"}, {"first_name": "Alice"}),
        ({"first_name": "john"}, {"first_name": "John"}),
        ({"last_name": "Other"}, {"last_name": None}),
        ({"first_name": "Bob", "last_name": "Other"}, {"first_name": "Bob", "last_name": "Else"}),
    ],
)
def test_create_recovery_still_refuses_another_persons_customer(
    wired: WireFacade, sent: dict[str, str], stored: dict[str, Any]
) -> None:
    body = {"object_reference_id": "guest_user", "mobile_number": "9988776655", **sent}
    wired.wire.answer(
        httpx.Response(503, headers={"retry-after": "0"}),
        httpx.Response(400, json=UNIQUE),
        httpx.Response(200, json={**CUSTOMER, **stored}),
    )
    with pytest.raises(InvalidRequestError) as caught:
        wired.client().customers.create(body)
    assert caught.value.error_code == "unique"


# --- QA 1: a retried create returns another caller's customer only for an identical body ---

FIRST = {"object_reference_id": "r1", "mobile_number": "9988776655", "first_name": "Alice"}


def test_a_retried_create_with_other_fields_is_a_duplicate_not_anothers_customer(
    facade: Facade,
) -> None:
    """QA 1: B's first POST meets a 503, its retry `unique` (A's customer): B is told it is a
    duplicate, exactly as without the 503, and never handed A's customer."""
    facade.client().customers.create(FIRST)
    second = {**FIRST, "first_name": "Bob", "last_name": "Other"}

    with pytest.raises(InvalidRequestError) as without_retry:
        facade.client().customers.create(second)
    facade.server.inject(count=1, status=503)
    with pytest.raises(InvalidRequestError) as after_retry:
        facade.client().customers.create(second)

    assert without_retry.value.error_code == after_retry.value.error_code == "unique"
    assert facade.server.customer("r1")["first_name"] == "Alice"  # type: ignore[index]


def test_a_retried_create_with_an_identical_body_returns_the_existing_customer(
    facade: Facade,
) -> None:
    """The one case no client can tell apart: an identical body (after normalisation)."""
    first = facade.client().customers.create({**FIRST, "email_address": "alice@mail.com"})
    facade.server.inject(count=1, status=503)
    again = facade.client().customers.create({**FIRST, "email_address": "Alice@Mail.COM"})
    assert again.id == first.id
    assert again.email_address == "alice@mail.com"


# --- QA 2: a recovery whose fetch fails is "not confirmed", never "duplicate" ---


FAILED_FETCHES: dict[str, Any] = {
    "404": lambda: [httpx.Response(404, json={"error_code": "object_not_found"})],
    # the fetch's own retries (max_retries=2) all fail
    "503-after-retries": lambda: [httpx.Response(503) for _ in range(3)],
    "connect-error": lambda: [httpx.ConnectError("refused") for _ in range(3)],
    "not-a-customer": lambda: [httpx.Response(200, json={"object": "customer"})],
}


@pytest.mark.parametrize("fetch", FAILED_FETCHES)
def test_a_recovery_that_cannot_fetch_says_the_create_is_not_confirmed(
    wired: WireFacade, fetch: str
) -> None:
    wired.wire.answer(
        httpx.ReadError("lost"), httpx.Response(400, json=UNIQUE), *FAILED_FETCHES[fetch]()
    )
    with pytest.raises(CreateNotConfirmedError) as caught:
        wired.client().customers.create(ELIXIR_CREATE)

    error = caught.value
    assert not isinstance(error, InvalidRequestError)  # not told it is a duplicate
    assert isinstance(error, APIConnectionError)
    assert "may have been applied but could not be confirmed" in str(error)
    assert "not known to be a duplicate" in str(error)
    assert error.unique_error.error_code == "unique"
    assert isinstance(error.__cause__, JuspayError)
    assert (error.method, error.path) == ("POST", "/customers")
    assert wired.wire.lines()[:3] == [
        "POST /customers", "POST /customers", "GET /customers/guest_user"
    ]  # fmt: skip


# --- QA 6: a connection never made sent nothing ---


def test_a_create_that_never_connected_does_not_say_the_server_may_have_acted(
    wired: WireFacade,
) -> None:
    wired.wire.answer(*[httpx.ConnectError("refused")] * 3)
    with pytest.raises(APIConnectionError) as caught:
        wired.client().customers.create(ELIXIR_CREATE)
    assert "may have acted" not in str(caught.value)
    assert "it was not sent" in str(caught.value)


def test_a_create_that_may_have_reached_the_server_says_so(wired: WireFacade) -> None:
    wired.wire.answer(httpx.ReadError("lost"), *[httpx.ConnectError("refused")] * 2)
    with pytest.raises(APIConnectionError) as caught:
        wired.client().customers.create(ELIXIR_CREATE)
    assert "the server may have acted on it" in str(caught.value)


@pytest.mark.parametrize("left_out", ["first_name", "last_name", "email_address"])
def test_a_stored_create_field_the_spec_does_not_list_is_still_compared_exactly(
    tmp_path: Path, left_out: str
) -> None:
    """QA 1: a create field the customer stores but x-identifying-fields leaves out (a field
    new to the spec, say) is compared exactly by the recovery, never skipped."""
    document = copy.deepcopy(spec_document())
    del document["components"]["schemas"]["CreateCustomerRequest"]["x-identifying-fields"][left_out]
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(document), encoding="utf-8")
    out = tmp_path / "out.py"
    subprocess.run(
        [sys.executable, str(ROOT / "codegen" / "facade.py"), str(spec), str(out)],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    (generated,) = [
        ast.literal_eval(node.value)
        for node in ast.parse(out.read_text(encoding="utf-8")).body
        if isinstance(node, ast.AnnAssign)
        and isinstance(node.target, ast.Name)
        and node.target.id == "IDENTIFYING_FIELDS"
        and node.value is not None
    ]
    assert generated[left_out] == "exact"
    assert generated == {**_generated.IDENTIFYING_FIELDS, left_out: "exact"}
