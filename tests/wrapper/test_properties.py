"""Every input and every answer gets a documented result (issue 8, "The whole kind").

(a) Every public facade call, fed arbitrary values, raises nothing but JuspayError; when it
raises ParameterError nothing was sent, and what it does send could travel (each request goes
through h11, as on a real connection) to its own operation's path only.
(b) Whatever a server answers (status, headers, body bytes), nothing but JuspayError escapes
and a success is always a whole Customer, never a silent None.

The network is an httpx transport (`Wire`), given to the facade as `http_client=`, so the
facade's own code runs unchanged. Clients run with `max_retries=0` where answers are random
(no backoff sleeps); retries get their own deterministic properties and tests.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import math
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx
import juspay_customers
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from juspay_customers import (
    AsyncJuspay,
    Customer,
    Customers,
    InvalidRequestError,
    Juspay,
    JuspayError,
    ParameterError,
    RawResponse,
    _default,
)
from juspay_customers._core import MAX_RETRY_AFTER, retry_after, retry_delay

from tests.wrapper.conftest import CUSTOMER, ELIXIR_CREATE, Wire

# Derandomized (the same examples every run, as the mock's fuzzing): CI never goes red by
# the luck of the draw; bounded so the module takes seconds.
PROPERTY = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,  # `wire` only clears its script per example
    ],
)

# --- arbitrary values ---

HUGE = ["x" * 100_000, "é" * 100_000, "\n" * 100_000, "7" * 100_000, "%" * 100_000]
surrogates = st.integers(0xD800, 0xDFFF).map(chr)
characters = st.one_of(
    st.characters(), surrogates, st.sampled_from("\x00\r\n\t\x7f\x85 ./?#%:@+é顧")
)
texts = st.one_of(
    st.text(characters, max_size=24),
    st.sampled_from(["", ".", "..", " ", "guest_user", "josé_1", "a/b", "cst_1", *HUGE]),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([0, -1, 10**100, 2**63]),
    st.floats(),
    st.sampled_from([math.nan, math.inf, -math.inf, 0.0, -0.0, 1e308]),
    st.binary(max_size=16),
    texts,
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.tuples(inner, inner),
        st.dictionaries(texts, inner, max_size=3),
    ),
    max_leaves=6,
)

FIELDS = [
    "object_reference_id",
    "mobile_number",
    "email_address",
    "first_name",
    "last_name",
    "mobile_country_code",
    "customer_email",
    "customer_id",
    "get_client_auth_token",
    "options.get_client_auth_token",
]
plausible = st.sampled_from([*ELIXIR_CREATE.values(), "josé_1", "a/b", "Jo", True, False])
field_values = st.one_of(plausible, values)
ids = st.one_of(st.sampled_from(["guest_user", "cst_om2l6ctlptxwxuzj", "josé_1"]), values)
params = st.one_of(
    st.dictionaries(st.one_of(st.sampled_from(FIELDS), texts), field_values, max_size=5),
    st.builds(
        lambda base, extra: {**base, **extra},
        st.fixed_dictionaries({"object_reference_id": ids, "mobile_number": field_values}),
        st.dictionaries(st.sampled_from(FIELDS), field_values, max_size=3),
    ),
    st.lists(st.tuples(st.sampled_from(FIELDS), field_values), max_size=3),
    values,
)
timeouts = st.one_of(
    st.sampled_from([1, 2.5, None, httpx.Timeout(1.0), httpx.Timeout(None, read=math.nan)]),
    values,
)
retries = st.one_of(st.sampled_from([0, 1, None]), values)
header_maps = st.one_of(
    st.sampled_from([None, {}, {"x-trace": "t1"}, {"Authorization": "Basic eA=="}]),
    st.dictionaries(texts, st.one_of(texts, values), max_size=2),
    values,
)
options = st.fixed_dictionaries(
    {}, optional={"timeout": timeouts, "max_retries": retries, "headers": header_maps}
)
keyword_fields = st.dictionaries(
    st.one_of(st.sampled_from(FIELDS), texts), field_values, max_size=3
)


@st.composite
def calls(draw: st.DrawFn) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
    """One `client.customers.<method>(*args, **kwargs)` with arbitrary arguments."""
    method = draw(st.sampled_from(["create", "get", "update"]))
    if method == "create":
        args: tuple[Any, ...] = draw(st.one_of(st.tuples(), st.tuples(params)))
    else:
        args = draw(st.one_of(st.tuples(), st.tuples(ids), st.tuples(ids, params)))
    return method, args, {**draw(keyword_fields), **draw(options)}


def constructor_arguments() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {},
        optional={
            "api_key": st.one_of(st.sampled_from(["key", "sk_live_1"]), values),
            "merchant_id": st.one_of(st.sampled_from(["merchant_1", None]), values),
            "environment": st.one_of(st.sampled_from(["sandbox", "production"]), values),
            "base_url": st.one_of(
                st.sampled_from(["http://127.0.0.1:9", "https://api.example/v1/", "http://[::1]"]),
                st.builds("http://{}".format, texts),
                values,
            ),
            "api_version": st.one_of(st.sampled_from(["2018-10-25"]), values),
            "timeout": timeouts,
            "max_retries": retries,
            "default_headers": header_maps,
        },
    )


# --- fixtures: one wire and one event loop for the whole module ---


@pytest.fixture(scope="module")
def module_wire() -> Wire:
    return Wire()


@pytest.fixture
def wire(module_wire: Wire) -> Wire:
    """The module's wire, answering the example customer unless a test scripts otherwise."""
    module_wire.script.clear()
    return module_wire


@pytest.fixture(scope="module")
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    with asyncio.Runner() as runner:
        yield runner.get_loop()


@pytest.fixture(scope="module", autouse=True)
def no_environment() -> Iterator[None]:
    """No JUSPAY_* settings, and the module-level default client restored afterwards."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("API_KEY", "MERCHANT_ID", "ENVIRONMENT", "BASE_URL", "LOG"):
            patch.delenv(f"JUSPAY_{name}", raising=False)
        patch.setattr(_default, "_client", None)
        yield


@pytest.fixture(scope="module")
def clients(module_wire: Wire, loop: asyncio.AbstractEventLoop) -> Iterator[dict[str, Any]]:
    sync_http = httpx.Client(transport=module_wire.transport)
    async_http = httpx.AsyncClient(transport=module_wire.transport)
    made = {
        "sync": Juspay("key", base_url="http://127.0.0.1:9", max_retries=0, http_client=sync_http),
        "async": AsyncJuspay(
            "key", base_url="http://127.0.0.1:9", max_retries=0, http_client=async_http
        ),
    }
    yield made
    sync_http.close()
    loop.run_until_complete(async_http.aclose())


def finish(result: Any, loop: asyncio.AbstractEventLoop) -> Any:
    return loop.run_until_complete(result) if inspect.isawaitable(result) else result


def outcome(call: Callable[[], Any], wire: Wire, loop: asyncio.AbstractEventLoop) -> Any:
    """Run a facade call: its result, or the JuspayError it raised. Anything else escapes
    and fails the test; a ParameterError must leave the wire untouched."""
    before = len(wire.sent)
    try:
        return finish(call(), loop)
    except ParameterError as error:
        refused = error
    except JuspayError as error:
        return error
    assert len(wire.sent) == before, f"sent although {refused}"
    assert isinstance(refused.field, str)
    assert refused.field
    return refused


def assert_whole_customer(result: Any) -> None:
    """A success is a whole Customer: the required fields present and typed."""
    customer = result.parse() if isinstance(result, RawResponse) else result
    assert isinstance(customer, Customer)
    for name in ("id", "object_reference_id", "mobile_number"):
        assert isinstance(getattr(customer, name), str)
    for stamp in (customer.date_created, customer.last_updated):
        assert isinstance(stamp, datetime)
        assert stamp.tzinfo is not None


def assert_own_paths(sent: list[httpx.Request], method: str, args: tuple[Any, ...]) -> None:
    """Each request went to its own operation's path (create: /customers; get and update:
    /customers/ and exactly the percent-encoded id)."""
    for request in sent:
        path = request.url.raw_path.split(b"?")[0]
        if method == "create":
            assert (request.method, path) in {
                ("POST", b"/customers"),
                ("GET", b"/customers/" + request.headers["x-routing-id"].encode()),
            }
        else:
            segment = path.removeprefix(b"/customers/")
            assert path == b"/customers/" + segment
            assert segment
            assert b"/" not in segment
            assert segment not in (b".", b"..")
            assert request.headers["x-routing-id"] == segment.decode()
            if args and isinstance(args[0], str):
                assert segment == quote(args[0], safe="").encode()
            expected = "GET" if method == "get" else "POST"
            assert request.method == expected


# --- (a) arbitrary input ---


@PROPERTY
@given(call=calls(), kind=st.sampled_from(["sync", "async"]), raw=st.booleans())
def test_any_call_with_any_arguments_raises_only_juspay_errors(
    clients: dict[str, Any],
    wire: Wire,
    loop: asyncio.AbstractEventLoop,
    call: tuple[str, tuple[Any, ...], dict[str, Any]],
    kind: str,
    raw: bool,
) -> None:
    method, args, kwargs = call
    customers = clients[kind].customers
    operation = getattr(customers.with_raw_response if raw else customers, method)
    before = len(wire.sent)

    result = outcome(lambda: operation(*args, **kwargs), wire, loop)

    if not isinstance(result, JuspayError):
        assert_whole_customer(result)
        assert_own_paths(wire.sent[before:], method, args)


@PROPERTY
@given(arguments=constructor_arguments(), kind=st.sampled_from(["sync", "async"]))
def test_any_constructor_arguments_make_a_working_client_or_a_parameter_error(
    wire: Wire, loop: asyncio.AbstractEventLoop, arguments: dict[str, Any], kind: str
) -> None:
    """A client that was made can send: its headers travel (h11 checks them on the wire)."""
    arguments.setdefault("api_key", "key")
    http: Any = httpx.Client(transport=wire.transport)
    if kind == "async":
        http = httpx.AsyncClient(transport=wire.transport)
    made = Juspay if kind == "sync" else AsyncJuspay
    before = len(wire.sent)
    try:
        client = outcome(lambda: made(http_client=http, **arguments), wire, loop)
        if isinstance(client, ParameterError):
            return
        assert isinstance(client, made)
        assert_whole_customer(finish(client.customers.get("guest_user"), loop))
        assert len(wire.sent) == before + 1
    finally:
        finish(http.aclose() if kind == "async" else http.close(), loop)


@PROPERTY
@given(overrides=options, call=calls())
def test_with_options_takes_any_value_or_names_it(
    clients: dict[str, Any],
    wire: Wire,
    loop: asyncio.AbstractEventLoop,
    overrides: dict[str, Any],
    call: tuple[str, tuple[Any, ...], dict[str, Any]],
) -> None:
    derived = outcome(lambda: clients["sync"].with_options(**overrides), wire, loop)
    if isinstance(derived, ParameterError):
        assert derived.field in overrides
        return
    method, args, kwargs = call
    before = len(wire.sent)
    result = outcome(lambda: getattr(derived.customers, method)(*args, **kwargs), wire, loop)
    if not isinstance(result, JuspayError):
        assert_whole_customer(result)
        assert_own_paths(wire.sent[before:], method, args)


@PROPERTY
@given(arguments=constructor_arguments(), call=calls(), raw=st.booleans())
def test_module_level_configure_and_customers_raise_only_juspay_errors(
    wire: Wire,
    loop: asyncio.AbstractEventLoop,
    arguments: dict[str, Any],
    call: tuple[str, tuple[Any, ...], dict[str, Any]],
    raw: bool,
) -> None:
    arguments.setdefault("api_key", "key")
    with httpx.Client(transport=wire.transport) as http:
        configured = outcome(
            lambda: juspay_customers.configure(http_client=http, **arguments), wire, loop
        )
        if isinstance(configured, ParameterError):
            return
        method, args, kwargs = call
        operation = getattr(Customers.with_raw_response if raw else Customers, method)
        before = len(wire.sent)
        result = outcome(lambda: operation(*args, **kwargs), wire, loop)
        if not isinstance(result, JuspayError):
            assert_whole_customer(result)
            assert_own_paths(wire.sent[before:], method, args)
        configured.close()


# --- (b) arbitrary answers ---

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), texts),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
customer_like = st.builds(
    lambda base, changes, dropped: {
        key: value for key, value in {**base, **changes}.items() if key not in dropped
    },
    st.just(
        {
            **CUSTOMER,
            "juspay": {
                "client_auth_token": "tkn_1",
                "client_auth_token_expiry": "2020-03-17T14:31:31Z",
            },
        }
    ),
    st.dictionaries(st.sampled_from([*CUSTOMER, "juspay"]), json_values, max_size=3),
    st.sets(st.sampled_from([*CUSTOMER, "juspay"]), max_size=2),
)
error_like = st.fixed_dictionaries(
    {},
    optional={
        "status": json_values,
        "error_code": st.one_of(st.sampled_from(["unique", "object_not_found"]), json_values),
        "error_message": json_values,
        "error_info": st.one_of(
            json_values,
            st.fixed_dictionaries(
                {},
                optional={
                    "code": json_values,
                    "user_message": json_values,
                    "fields": st.one_of(
                        json_values,
                        st.lists(
                            st.dictionaries(st.sampled_from(["field_name", "reason"]), json_values),
                            max_size=2,
                        ),
                    ),
                },
            ),
        ),
    },
)
bodies = st.one_of(
    st.binary(max_size=64),
    st.one_of(customer_like, error_like, json_values).map(lambda value: json.dumps(value).encode()),
    st.sampled_from([b"", b"null", b"[" * 100_000, b'{"object": "customer"}', b"\xff\xfe{}"]),
)
header_names = st.one_of(
    st.sampled_from(
        ["retry-after", "content-type", "x-request-id", "content-encoding", "content-length"]
    ),
    st.binary(min_size=1, max_size=12),
)
header_values = st.one_of(
    st.sampled_from(
        [b"0", b"1e999", b"-1", b"nan", b"Sun Nov  6 08:49:37 1994", b"gzip", b"br",
         b"application/json; charset=bogus", b"application/json; charset=utf-16", b"7" * 5000]
    ),
    st.binary(max_size=24),
)  # fmt: skip
statuses = st.one_of(
    st.sampled_from([200, 201, 204, 400, 401, 403, 404, 429, 500, 503]), st.integers(100, 999)
)


@st.composite
def answers(draw: st.DrawFn, status: st.SearchStrategy[int] = statuses) -> httpx.Response:
    """An arbitrary HTTP answer; its body is decoded by the client, as off a real socket."""
    headers = draw(st.lists(st.tuples(header_names, header_values), max_size=4))
    return httpx.Response(draw(status), headers=headers, stream=httpx.ByteStream(draw(bodies)))


def run_answered(client: Any, loop: asyncio.AbstractEventLoop, wire: Wire, method: str) -> Any:
    call = {
        "create": lambda: client.customers.create(ELIXIR_CREATE),
        "get": lambda: client.customers.get("guest_user", get_client_auth_token=True),
        "update": lambda: client.customers.update("guest_user", first_name="Jo"),
    }[method]
    result = outcome(call, wire, loop)
    assert not isinstance(result, ParameterError)  # the input was fine: only the answer varies
    if not isinstance(result, JuspayError):
        assert_whole_customer(result)
    return result


@PROPERTY
@given(
    answer=answers(),
    method=st.sampled_from(["create", "get", "update"]),
    kind=st.sampled_from(["sync", "async"]),
)
def test_any_answer_gives_a_whole_customer_or_a_juspay_error(
    clients: dict[str, Any],
    wire: Wire,
    loop: asyncio.AbstractEventLoop,
    answer: httpx.Response,
    method: str,
    kind: str,
) -> None:
    wire.answer(answer)
    run_answered(clients[kind], loop, wire, method)
    assert wire.script == []


@PROPERTY
@given(
    second=answers(),
    lookup=answers(status=st.one_of(st.sampled_from([200, 400, 404]), st.integers(100, 428))),
)
def test_any_answers_to_a_retried_create_and_its_lookup_give_a_customer_or_an_error(
    wire: Wire, loop: asyncio.AbstractEventLoop, second: httpx.Response, lookup: httpx.Response
) -> None:
    """The create recovery path: a first 503 (retried at once: Retry-After 0), then any
    answer to the retry and, if that was a 400, any non-retryable answer to the lookup."""
    with httpx.Client(transport=wire.transport) as http:
        client = Juspay("key", base_url="http://127.0.0.1:9", max_retries=1, http_client=http)
        wire.answer(httpx.Response(503, headers={"retry-after": "0"}), second, lookup)
        result = run_answered(client, loop, wire, "create")
    if isinstance(result, Customer):  # a success came from the retry or from the lookup
        assert wire.script in ([], [lookup])
    if isinstance(result, InvalidRequestError) and result.error_code == "unique":
        assert wire.script == []  # a unique was looked up before being raised
    wire.script.clear()


@PROPERTY
@given(value=st.one_of(st.text(), header_values.map(lambda raw: raw.decode("latin-1"))))
def test_retry_after_is_a_bounded_wait_or_no_hint_for_any_header(value: str) -> None:
    seconds = retry_after(value)
    assert seconds is None or (seconds >= 0.0 and not math.isnan(seconds))
    delay = retry_delay(
        httpx.Response(503, headers={"retry-after": value.encode("utf-8", "replace")}), 0, 1
    )
    assert delay is not None
    assert 0.0 <= delay <= MAX_RETRY_AFTER
