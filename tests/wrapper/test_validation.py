"""Bad input fails with a ParameterError (a ValueError) naming the field, before any request."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import httpx
import pytest
from juspay_customers import AsyncJuspay, Juspay, JuspayError, ParameterError
from juspay_customers._generated import INPUTS

from tests.wrapper.conftest import ELIXIR_CREATE, Facade, RecordingServer

TOKEN = "get_client_auth_token"
WIRE_TOKEN = "options.get_client_auth_token"  # errors name a field as the spec does
LOOKUP = "object_reference_id"
REQUIRED_ONLY = {"object_reference_id": "guest_user", "mobile_number": "9988776655"}
# The spec's updatable fields, however many, in its order.
UPDATABLE = ", ".join(INPUTS["updateCustomer"]["body"]["properties"])
BAD_CALLS = [
    ("create", (), {**ELIXIR_CREATE, "nickname": "Jo"}, "nickname", "unknown field for create"),
    ("create", (), {**ELIXIR_CREATE, "mobile_number": 9988776655}, "mobile_number", "type string"),
    ("create", (), {**ELIXIR_CREATE, "mobile_number": "+91 99887"}, "mobile_number", "must match"),
    ("create", (), {**ELIXIR_CREATE, "object_reference_id": "josé_1"}, LOOKUP, "must match"),
    ("create", (), {**ELIXIR_CREATE, "email_address": "not-an-email"}, "email_address", "email"),
    ("create", (), {**REQUIRED_ONLY, "customer_email": "a@"}, "email_address", "valid email"),
    ("create", (), {**ELIXIR_CREATE, "first_name": "J" * 256}, "first_name", "at most 255"),
    ("create", (), {**ELIXIR_CREATE, "mobile_number": []}, "mobile_number", "type string"),
    ("create", (), {**ELIXIR_CREATE, "mobile_number": b"99887766"}, "mobile_number", "type string"),
    ("create", (), {"mobile_number": "9988776655"}, "object_reference_id", "required"),
    ("create", (), {"object_reference_id": "guest_user"}, "mobile_number", "required"),
    ("create", (), {**ELIXIR_CREATE, TOKEN: "yes"}, WIRE_TOKEN, "must be of type boolean"),
    ("create", (), {**ELIXIR_CREATE, "customer_email": "a@b.co"}, "customer_email", "more than"),
    ("create", (), {"customer_id": "guest_user"}, "customer_id", "unknown field for create"),
    ("get", (), {}, "customer_id", "required"),
    ("get", ("",), {}, "customer_id", "at least 1 characters"),
    ("get", ("..",), {}, "customer_id", "must not be one of"),
    ("get", ("a" * 129,), {}, "customer_id", "at most 128"),
    ("get", ("顧" * 129,), {}, "customer_id", "at most 128"),
    ("get", ("guest_user\n",), {}, "customer_id", "must match"),
    ("get", ("guest_user",), {TOKEN: 1}, WIRE_TOKEN, "must be of type boolean"),
    ("get", ("guest_user",), {"first_name": "Jo"}, "first_name", "unknown field for get"),
    ("get", ("guest_user",), {"customer_id": "other"}, "customer_id", "more than once"),
    ("get", (), {"customer_id": 42}, "customer_id", "must be of type string"),
    ("update", ("guest_user",), {}, "params", f"must contain at least 1 of: {UPDATABLE}"),
    ("update", (".",), {"first_name": "Jo"}, "customer_id", "must not be one of"),
    ("update", (), {"first_name": "Jo"}, "customer_id", "required"),
    ("update", ("guest_user",), {"object_reference_id": "x"}, "object_reference_id", "unknown"),
    ("update", ("guest_user",), {TOKEN: True}, TOKEN, "unknown field for update"),
    ("update", ("guest_user",), {"first_name": None}, "first_name", "must be of type string"),
    ("update", ("guest_user",), {"first_name": object()}, "first_name", "type string"),
    ("update", ("..",), {"last_name": ["x"]}, "customer_id", "must not be one of"),
    ("get", ("a\x00",), {TOKEN: [True]}, "customer_id", "must match"),
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
        ({"max_retries": 101}, "max_retries"),  # QA 6: bounded (MAX_RETRIES, 100)
        ({"max_retries": 10**9}, "max_retries"),
        ({"default_headers": {"Authorization": "Basic x"}}, "default_headers"),
    ],
)
def test_bad_client_options_fail_early(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ParameterError) as caught:
        Juspay(api_key="key", **kwargs)
    assert caught.value.field == field


def test_per_call_options_are_checked_before_sending(facade: Facade) -> None:
    juspay = facade.client()
    with pytest.raises(ParameterError, match=r"^max_retries:"):
        juspay.customers.get("guest_user", request_options={"max_retries": -2})
    with pytest.raises(ParameterError, match=r"^headers:"):
        juspay.customers.get(
            "guest_user", request_options={"headers": {"authorization": "Basic eA=="}}
        )
    assert facade.sent == []


@pytest.mark.parametrize(
    ("call", "field"),
    [
        ({"request_options": {"timout": 1}}, "request_options.timout"),
        ({"request_options": 5}, "request_options"),
        ({"request_options": {"timeout": "soon"}}, "timeout"),
        ({"timeout": 5}, "timeout"),  # a keyword is a field: the options have one keyword
        ({"max_retries": 0}, "max_retries"),
    ],
)
def test_per_call_options_come_in_request_options_only(
    facade: Facade, call: dict[str, Any], field: str
) -> None:
    """issue 9 case 1: per-call options cannot collide with a field the spec may gain."""
    juspay = facade.client()
    with pytest.raises(ParameterError) as caught:
        juspay.customers.get("guest_user", **call)
    assert caught.value.field == field
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
    with Juspay() as juspay:
        assert juspay.base_url == "http://127.0.0.1:9"
        assert juspay.environment == "production"
    # QA 5: an argument beats a variable; a production key went to a JUSPAY_BASE_URL left in
    # the shell though the code asked for production by name.
    with Juspay(environment="production") as juspay:
        assert juspay.base_url == "https://api.juspay.in"
    with Juspay(environment="sandbox") as juspay:
        assert juspay.base_url == "https://sandbox.juspay.in"
    with Juspay(environment="sandbox", base_url="http://127.0.0.1:8") as juspay:
        assert juspay.base_url == "http://127.0.0.1:8"


def test_repr_shows_environment_and_url_never_the_key() -> None:
    with Juspay(api_key="sk_live_secret_123", base_url="http://127.0.0.1:9") as juspay:
        text = repr(juspay) + repr(juspay._options) + repr(juspay.with_options(timeout=1))
    assert "Juspay(environment='sandbox', base_url='http://127.0.0.1:9')" in text
    assert "sk_live_secret_123" not in text
    assert "c2tfbGl2ZV9zZWNyZXRfMTIzOg" not in text  # nor its Basic-auth encoding


# --- issue 8 case 6: values that cannot travel in a header fail where they are given ---

UNSENDABLE_HEADER_VALUES = [
    "merchant_1\n",
    "a\r\nx-evil: 1",
    "m\x00",
    "\tm",
    "m ",
    "märchant",
    "m\x7f",
]


@pytest.mark.parametrize("value", UNSENDABLE_HEADER_VALUES)
@pytest.mark.parametrize("argument", ["merchant_id", "api_version"])
def test_header_values_that_cannot_travel_fail_at_construction(argument: str, value: str) -> None:
    """issue 8 cases 6 and 7: `Juspay(merchant_id="merchant_1\\n")` or `"märchant"`."""
    with pytest.raises(ParameterError) as caught:
        Juspay(api_key="k", **{argument: value})
    assert caught.value.field == argument
    assert value not in str(caught.value)  # the raw value is never echoed


@pytest.mark.parametrize(
    "headers",
    [
        *({"x-trace": value} for value in UNSENDABLE_HEADER_VALUES),
        {"x trace": "1"},
        {"x-tracé": "1"},
        {"": "1"},
        {"x-trace:": "1"},
        {"x-trace": 1},
        {b"x-trace": "1"},
        {"Content-Length": "5"},
        [("x-trace", "1")],
        "x-trace: 1",
    ],
)
def test_headers_that_cannot_travel_fail_before_anything_is_sent(
    facade: Facade, headers: Any
) -> None:
    """issue 8 cases 6 and 14: default_headers at construction, headers per call and in
    with_options, each named."""
    with pytest.raises(ParameterError) as caught:
        Juspay(api_key="k", default_headers=headers)
    assert caught.value.field == "default_headers"
    juspay = facade.client()
    with pytest.raises(ParameterError) as caught:
        juspay.customers.get("guest_user", request_options={"headers": headers})
    assert caught.value.field == "headers"
    with pytest.raises(ParameterError) as caught:
        juspay.with_options(headers=headers)
    assert caught.value.field == "headers"
    assert facade.sent == []


@pytest.mark.parametrize(
    ("call", "field"),
    [
        pytest.param(lambda c: c.get("jo.doe@mail.com\n"), "customer_id", id="get-newline"),
        pytest.param(lambda c: c.get("a\x00b"), "customer_id", id="get-nul"),
        pytest.param(lambda c: c.get("a\x85b"), "customer_id", id="get-c1-control"),
        pytest.param(lambda c: c.get("a\ud800"), "customer_id", id="get-lone-surrogate"),
        pytest.param(lambda c: c.update("a\rb", first_name="Jo"), "customer_id", id="update-cr"),
        pytest.param(
            lambda c: c.create({**ELIXIR_CREATE, "object_reference_id": "guest\tuser"}),
            "object_reference_id",
            id="create-tab",
        ),
        pytest.param(
            lambda c: c.update("guest_user", first_name="Jo\udc80"),
            "first_name",
            id="body-surrogate",
        ),
        # issue 8 case 8: dot segments would take the request to another operation's path.
        pytest.param(lambda c: c.update(".", first_name="Jo"), "customer_id", id="update-dot"),
        pytest.param(lambda c: c.get(".."), "customer_id", id="get-dot-dot"),
        pytest.param(
            lambda c: c.create({**ELIXIR_CREATE, "object_reference_id": ".."}),
            "object_reference_id",
            id="create-dot-dot",
        ),
        pytest.param(lambda c: c.get("x" * 129), "customer_id", id="get-too-long"),
    ],
)
def test_ids_that_cannot_travel_are_parameter_errors(facade: Facade, call: Any, field: str) -> None:
    """issue 8 cases 6 and 8: an id with control characters, or `.`/`..`, names its field
    and nothing is sent."""
    juspay = facade.client()
    with pytest.raises(ParameterError) as caught:
        call(juspay.customers)
    assert caught.value.field == field
    assert facade.sent == []


# --- issue 8 case 14: every constructor argument is checked at construction ---


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"api_key": 123}, "api_key"),
        ({"api_key": b"key"}, "api_key"),
        ({"api_key": "key\n"}, "api_key"),
        ({"api_key": "user:password"}, "api_key"),
        ({"api_key": "k\udcff"}, "api_key"),
        ({"merchant_id": 1}, "merchant_id"),
        ({"api_version": 20181025}, "api_version"),
        ({"timeout": True}, "timeout"),
        ({"timeout": float("nan")}, "timeout"),
        ({"timeout": float("inf")}, "timeout"),
        ({"timeout": -1}, "timeout"),
        ({"timeout": 1e308}, "timeout"),
        ({"timeout": httpx.Timeout(5.0, read=float("nan"))}, "timeout"),
        ({"timeout": httpx.Timeout(5.0, connect=-1)}, "timeout"),
        ({"timeout": [5]}, "timeout"),
        ({"max_retries": 1.5}, "max_retries"),
        ({"max_retries": "2"}, "max_retries"),
        ({"max_retries": None}, "max_retries"),
        ({"base_url": 8080}, "base_url"),
        ({"base_url": "ftp://127.0.0.1"}, "base_url"),
        ({"base_url": "http://"}, "base_url"),
        ({"base_url": "http://127.0.0.1:99999"}, "base_url"),
        ({"base_url": "http://127.0.0.1/api?x=1"}, "base_url"),
        ({"base_url": "http://127.0.0.1/#top"}, "base_url"),
        ({"base_url": "http://user:secret@127.0.0.1"}, "base_url"),
        ({"base_url": "http://127.0.0.1\n"}, "base_url"),
        ({"base_url": "http://" + "h" * 70 + ".example"}, "base_url"),  # no resolver takes it
        ({"base_url": "http://127.0.0.1/" + "a" * 5000}, "base_url"),
        ({"environment": 1}, "environment"),
        ({"environment": ["sandbox"]}, "environment"),
        ({"environment": "Sandbox"}, "environment"),
        ({"default_headers": "x-a: 1"}, "default_headers"),
        ({"http_client": "http://127.0.0.1"}, "http_client"),
        ({"http_client": httpx.AsyncClient()}, "http_client"),  # Juspay needs a sync one
    ],
)
def test_malformed_constructor_arguments_are_named_at_construction(
    kwargs: dict[str, Any], field: str
) -> None:
    """issue 8 case 14: `api_key=123`, `timeout=True`, `timeout=nan`, `merchant_id=1`...
    each raise ParameterError naming the argument when the client is made."""
    kwargs.setdefault("api_key", "key")
    with pytest.raises(ParameterError) as caught:
        Juspay(**kwargs)
    assert caught.value.field == field
    assert "secret" not in str(caught.value)


@pytest.mark.parametrize("client_class", [Juspay, AsyncJuspay])
@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("ALL_PROXY", "socks5://proxy.corp:1080", "pip install httpx[socks]"),  # no socksio
        ("HTTPS_PROXY", "ftp://user:secret@proxy.corp", "ValueError"),
        ("HTTP_PROXY", "http://[::1", "InvalidURL"),
        ("SSL_CERT_FILE", "/nonexistent/ca.pem", "FileNotFoundError"),
        ("SSL_CERT_FILE", __file__, "SSLError"),  # a file that holds no certificate
    ],
)
def test_proxy_and_certificate_variables_httpx_cannot_use_are_named_at_construction(
    client_class: type[Juspay] | type[AsyncJuspay],
    variable: str,
    value: str,
    named: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """QA 5: httpx reads these when the pool is built, and its ImportError, ValueError,
    InvalidURL, FileNotFoundError or SSLError escaped `Juspay()` (and the CLI's traceback).
    The message names the variable, never its value (a proxy URL may hold a password)."""
    for name in (
        "ALL_PROXY",
        "HTTPS_PROXY",
        "HTTP_PROXY",
        "all_proxy",
        "https_proxy",
        "http_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, value)

    with pytest.raises(ParameterError) as caught:
        client_class(api_key="key")

    assert caught.value.field == variable
    assert named in str(caught.value)
    assert "secret" not in str(caught.value)
    assert "proxy.corp" not in str(caught.value)


class UnreadableMapping(Mapping[str, str]):
    def __getitem__(self, key: str) -> str:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        raise RuntimeError("boom")

    def __len__(self) -> int:
        return 1


class UnhashableName(str):
    def __hash__(self) -> int:
        raise TypeError("unhashable key")


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (
            lambda j: j.customers.get("u1", request_options={"headers": UnreadableMapping()}),
            "headers",
        ),
        (lambda j: j.with_options(headers=UnreadableMapping()), "headers"),
        (lambda j: Juspay(api_key="key", default_headers=UnreadableMapping()), "default_headers"),
        (lambda j: j.customers.create([(UnhashableName("first_name"), "Jo")]), "first_name"),
    ],
)
def test_caller_objects_that_raise_are_parameter_errors_naming_the_argument(
    call: Callable[[Juspay], object], field: str, recording_server: RecordingServer
) -> None:
    """QA 5: a headers mapping that raised, or a key whose hash raised, escaped as its own
    RuntimeError or TypeError (a raising `params` was already a ParameterError)."""
    with (
        Juspay(api_key="key", base_url=recording_server.base_url) as juspay,
        pytest.raises(ParameterError, match="cannot be read") as caught,
    ):
        call(juspay)

    assert caught.value.field == field
    assert recording_server.lines == []


@pytest.mark.parametrize(
    ("default_headers", "per_call"),
    [
        ({"user-agent": "my-app/1.0"}, None),
        ({"X-Trace": "from-client"}, {"user-agent": "my-app/1.0", "x-trace": "per-call"}),
    ],
)
@pytest.mark.parametrize("own_pool", [True, False])
def test_a_header_named_in_another_case_replaces_the_clients_own(
    default_headers: dict[str, str],
    per_call: dict[str, str] | None,
    own_pool: bool,
    recording_server: RecordingServer,
) -> None:
    """QA 5: `default_headers={"user-agent": ...}` sent two User-Agent headers; a per-call
    `x-trace` sent beside the client's `X-Trace`. Header names are case-insensitive."""
    with (
        httpx.Client() as http,
        Juspay(
            api_key="key",
            base_url=recording_server.base_url,
            default_headers=default_headers,
            **({} if own_pool else {"http_client": http}),
        ) as juspay,
    ):
        juspay.customers.get("u1", request_options={"headers": per_call} if per_call else None)

    names = [name.lower() for name, _ in recording_server.header_lines[0]]
    sent = recording_server.headers[0]
    assert names.count("user-agent") == 1
    assert names.count("x-trace") == (1 if per_call else 0)
    assert sent["user-agent"] == "my-app/1.0"
    if per_call:
        assert sent["x-trace"] == "per-call"


def test_the_repr_of_a_client_whose_construction_failed_still_works() -> None:
    """QA 5: `unittest --locals` rendered the failed client, and its repr raised
    AttributeError in place of the test's ParameterError."""
    client = Juspay.__new__(Juspay)
    with pytest.raises(ParameterError):
        client.__init__(api_key="key", environment="prod")  # type: ignore[misc]

    assert repr(client) == "Juspay(<not configured>)"


def test_a_closed_http_client_is_refused_at_construction() -> None:
    http = httpx.Client()
    http.close()
    with pytest.raises(ParameterError, match=r"^http_client: must be an open httpx\.Client"):
        Juspay(api_key="key", http_client=http)


def test_async_client_arguments_are_checked_the_same_way() -> None:
    with pytest.raises(ParameterError) as caught:
        AsyncJuspay(api_key="key", merchant_id="m\n")
    assert caught.value.field == "merchant_id"
    with pytest.raises(ParameterError) as caught:
        AsyncJuspay(api_key="key", http_client=httpx.Client())  # type: ignore[arg-type]
    assert caught.value.field == "http_client"


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("timeout", True),
        ("timeout", float("nan")),
        ("timeout", -0.5),
        ("timeout", "5"),
        ("max_retries", -1),
        ("max_retries", 2.0),
        ("max_retries", False),
        ("headers", {"x-a": "\n"}),
        ("headers", 0),
    ],
)
def test_malformed_per_call_and_with_options_overrides_are_named(
    facade: Facade, option: str, value: Any
) -> None:
    """issue 8 case 14: the same rules per call and in with_options, before any request."""
    juspay = facade.client()
    with pytest.raises(ParameterError) as caught:
        juspay.customers.get("guest_user", **{option: value})
    assert caught.value.field == option
    with pytest.raises(ParameterError) as caught:
        juspay.with_options(**{option: value})
    assert caught.value.field == option
    assert facade.sent == []


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"timeout": None}, httpx.Timeout(None)),
        ({"timeout": 2}, httpx.Timeout(2)),
        ({"timeout": httpx.Timeout(3.0, connect=None)}, httpx.Timeout(3.0, connect=None)),
    ],
)
def test_well_formed_timeouts_are_kept(kwargs: dict[str, Any], expected: httpx.Timeout) -> None:
    with Juspay(api_key="key", **kwargs) as juspay:
        assert juspay.timeout == expected


def test_base_url_is_normalised() -> None:
    with Juspay(api_key="key", base_url="HTTP://LocalHost:8080/api/") as juspay:
        assert juspay.base_url == "http://localhost:8080/api"


# --- QA 5: one rule for the headers the client sets itself ---

CLIENT_SET_HEADERS = [
    "Authorization", "Content-Length", "Transfer-Encoding", "Content-Type", "Host",
    "x-merchantid", "X-Routing-Id", "version", "HOST",
]  # fmt: skip


@pytest.mark.parametrize("name", CLIENT_SET_HEADERS)
def test_headers_the_client_sets_are_refused_by_name_everywhere(facade: Facade, name: str) -> None:
    """QA 5: `Host: evil` was sent and per-call x-merchantid / x-routing-id silently dropped;
    now each is a ParameterError naming the header, in default and per-call headers alike."""
    headers = {name: "evil"}
    with pytest.raises(ParameterError, match=rf"^default_headers: {name} is set by the client"):
        Juspay(api_key="k", default_headers=headers)
    juspay = facade.client()
    for call in (
        lambda: juspay.customers.get("guest_user", request_options={"headers": headers}),
        lambda: juspay.customers.create(ELIXIR_CREATE, request_options={"headers": headers}),
        lambda: juspay.with_options(headers=headers),
    ):
        with pytest.raises(ParameterError, match=rf"^headers: {name} is set by the client"):
            call()
    assert facade.sent == []


def test_other_headers_and_user_agent_are_sent_as_given(facade: Facade) -> None:
    juspay = facade.client(default_headers={"User-Agent": "shop/1.0"})
    juspay.customers.create(ELIXIR_CREATE, request_options={"headers": {"x-trace": "t1"}})
    (sent,) = facade.sent
    assert (sent.headers["user-agent"], sent.headers["x-trace"]) == ("shop/1.0", "t1")


# --- QA 6: a positional argument of the wrong kind names what it stands for ---


@pytest.mark.parametrize(
    ("call", "field", "problem"),
    [
        (lambda c: c.get(0), "customer_id", "expected str (the cst_ id or the "),
        (lambda c: c.get(1.5), "customer_id", "got float"),
        (lambda c: c.update(7, first_name="Jo"), "customer_id", "got int"),
        (lambda c: c.get(b"guest_user"), "customer_id", "got bytes"),
        (lambda c: c.create("object_reference_id=r"), "params", "got str (create takes no id)"),
        (lambda c: c.create(b"x"), "params", "got bytes"),
        (lambda c: c.get("guest_user", "x"), "params", "got str"),
    ],
)
def test_a_positional_argument_of_the_wrong_kind_is_named(
    facade: Facade, call: Any, field: str, problem: str
) -> None:
    with pytest.raises(ParameterError) as caught:
        call(facade.client().customers)
    assert caught.value.field == field
    assert problem in caught.value.problem
    assert facade.sent == []


class Text(str):
    """A str subclass whose own str() differs, as an enum member's does."""

    def __str__(self) -> str:
        return "not this"


def test_a_str_or_int_subclass_is_checked_and_sent_as_its_plain_value(facade: Facade) -> None:
    """breaker's review: jsonschema-rs takes no subclasses; the facade sends their plain value."""
    juspay = facade.client()
    created = juspay.customers.create(
        {"object_reference_id": Text("sub_1"), "mobile_number": Text("99887766")}
    )
    updated = juspay.customers.update(Text("sub_1"), first_name=Text("Jo"))

    assert (created.object_reference_id, updated.first_name) == ("sub_1", "Jo")
    assert [r.url.raw_path for r in facade.sent] == [b"/customers", b"/customers/sub_1"]


class Unreadable(Mapping[str, object]):
    """A mapping that fails however it is read."""

    def __getitem__(self, key: str) -> object:
        raise RuntimeError("the caller's bug")

    def __iter__(self) -> Iterator[str]:
        raise RuntimeError("the caller's bug")

    def __len__(self) -> int:
        raise RuntimeError("the caller's bug")


class BadRepr:
    def __repr__(self) -> str:
        raise RuntimeError("the caller's bug")


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: c.update("guest_user", Unreadable()), "params"),
        (lambda c: c.update("guest_user", {BadRepr(): "Jo"}), "<BadRepr>"),
        (
            lambda c: c.get("guest_user", request_options={BadRepr(): 1}),
            "request_options.<BadRepr>",
        ),
        (lambda c: c.get("guest_user", request_options=Unreadable()), "request_options"),
    ],
)
def test_a_callers_object_that_raises_is_a_parameter_error(
    facade: Facade, call: Any, field: str
) -> None:
    """breaker's review: only JuspayError escapes, even when the caller's own objects fail."""
    with pytest.raises(ParameterError) as caught:
        call(facade.client().customers)
    assert caught.value.field == field
    assert facade.sent == []
