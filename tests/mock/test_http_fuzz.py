"""Property (issue 8, "The whole kind" (c)): the mock over real HTTP, fed arbitrary bytes.

Raw sockets, so that header bytes, request targets and bodies can be anything, framing
included. Whatever arrives, the mock answers: never a 5xx, every answer JSON in the spec's
`Error` shape (a valid `Customer` on 200, nothing on 204 from a control endpoint or to a HEAD),
and the connection is never dropped without an answer. Its limits (README "The mock server")
are part of the contract: a request that never finishes arriving gets 408.
"""

from __future__ import annotations

import base64
import contextlib
import json
import socket
from collections.abc import Iterator
from functools import cache
from typing import Any
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from juspay_mock import Limits, MockServer

from tests.conftest import spec_document
from tests.mock.conftest import ELIXIR_CREATE, RawResponse, read_response, server_address
from tests.spec.test_spec import validator_for

KEY = "fuzz_key"
BASIC = b"Basic " + base64.b64encode(f"{KEY}:".encode())
# A request left unfinished (a Content-Length larger than its body) costs this much time.
LIMITS = Limits(request_timeout=0.3, keep_alive_timeout=0.3)
FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,  # the same examples every run: CI never goes red by the luck of the draw
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- What a request is made of ---------------------------------------------------------------

CUSTOMER_FIELDS = [*spec_document()["components"]["schemas"]["Customer"]["properties"]]
FIELD_NAMES = [*ELIXIR_CREATE, *CUSTOMER_FIELDS, "options.get_client_auth_token", "customers"]

# Each part is mostly well formed, sometimes anything: requests get past the HTTP parser to
# auth, validation and state often enough, and the parser's own refusals are covered too.


def weighted(*choices: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """One of the strategies, each drawn about as often as its weight says (the first ones
    when shrinking)."""

    @st.composite
    def pick(draw: st.DrawFn) -> Any:
        number = draw(st.integers(0, sum(weight for weight, _ in choices) - 1))
        for weight, strategy in choices:
            if number < weight:
                return draw(strategy)
            number -= weight
        raise AssertionError("unreachable")

    return pick()


methods = weighted(
    (8, st.sampled_from([b"GET", b"POST", b"HEAD", b"PUT", b"DELETE", b"PATCH", b"OPTIONS"])),
    (1, st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=8).map(str.encode)),
    (1, st.binary(min_size=1, max_size=8)),
)
segments = weighted(
    (4, st.binary(max_size=140).map(lambda raw: quote_from_bytes(raw, safe=b"").encode())),
    (3, st.sampled_from([b"guest_user", b"cst_fuzz", b"a" * 129, b".", b"..", b"%2F", b"%ff"])),
    (1, st.binary(max_size=40)),
)
paths = weighted(
    (6, st.builds(lambda segment: b"/customers/" + segment, segments)),
    (3, st.just(b"/customers")),
    (2, st.sampled_from([b"/_mock/reset", b"/_mock/seed", b"/_mock/faults", b"/", b"*", b"//x"])),
    (1, st.builds(lambda segment: b"http://mock/customers/" + segment, segments)),
    (1, st.binary(max_size=60)),
)
queries = weighted(
    (6, st.none()),
    (
        2,
        st.sampled_from(
            [b"options.get_client_auth_token=true", b"options.get_client_auth_token=x"]
        ),
    ),
    (1, st.binary(max_size=40)),
)
targets = st.builds(
    lambda path, query: path if query is None else path + b"?" + query, paths, queries
)
# Bytes a header value may hold (RFC 9110 field-content), and then anything at all.
header_text = st.binary(max_size=60).map(
    lambda raw: bytes(b for b in raw if b == 9 or 32 <= b != 127)
)
known_header_names = st.sampled_from(
    [
        b"Authorization",
        b"Content-Type",
        b"X-MerchantId",
        b"Version",
        b"X-Routing-Id",
        b"Expect",
        b"Connection",
        b"Upgrade",
        b"Accept",
        b"Host",
    ]
)
token_header_names = st.text(
    "abcdefghijklmnopqrstuvwxyz-!#$%&'*+.^_`|~0123456789", min_size=1, max_size=20
).map(str.encode)
header_names = weighted(
    (8, known_header_names), (2, token_header_names), (1, st.binary(min_size=1, max_size=20))
)
header_values = weighted(
    (4, header_text),
    (1, st.binary(max_size=60)),
    (1, st.just(BASIC)),
    (1, st.builds(lambda raw: b"Basic " + raw, header_text)),
    (1, st.builds(lambda raw: b"Basic " + base64.b64encode(raw), st.binary(max_size=20))),
    (
        4,
        st.sampled_from(
            [
                b"application/json",
                b"application/x-www-form-urlencoded",
                b"application/json; charset=utf-8",
                b"text/plain",
                b"100-continue",
                b"close",
                b"upgrade",
                b"websocket",
                b"h2c",
                b"m1",
            ]
        ),
    ),
)
headers = st.lists(st.tuples(header_names, header_values), max_size=5)
# Headers HTTP can carry (any bytes of field-content), so that the request reaches the mock.
wellformed_headers = st.lists(
    st.tuples(known_header_names | token_header_names, header_text), max_size=4
)
authorizations = weighted(
    (6, st.just(BASIC)),
    (1, st.builds(lambda raw: b"Basic " + raw, header_text)),
    (1, st.builds(lambda raw: b"Basic " + base64.b64encode(raw), st.binary(max_size=20))),
    (1, header_text),
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3)
        | st.lists(
            st.tuples(st.sampled_from(FIELD_NAMES) | st.text(max_size=8), children), max_size=5
        )
    ),
    max_leaves=12,
)


def encode_json(value: Any) -> bytes:
    """JSON text for `value`; lists of pairs become objects, with any repeated names kept."""
    if isinstance(value, list) and value and all(isinstance(v, tuple) for v in value):
        members = (json.dumps(name) + ":" + encode_json(item).decode() for name, item in value)
        return ("{" + ",".join(members) + "}").encode()
    if isinstance(value, list):
        return b"[" + b",".join(encode_json(item) for item in value) + b"]"
    return json.dumps(value).encode()


forms = st.lists(
    st.tuples(st.sampled_from(FIELD_NAMES) | st.text(max_size=8), st.text(max_size=20)),
    max_size=6,
).map(
    lambda pairs: "&".join(
        f"{quote_from_bytes(n.encode())}={quote_from_bytes(v.encode())}" for n, v in pairs
    ).encode()
)
nested = st.builds(
    lambda opening, depth: opening * depth,
    st.sampled_from([b"[", b'{"first_name":', b'{"customers":[{"first_name":']),
    st.sampled_from([300, 1_000, 30_000]),  # past the validator's, the parser's, any limit
)
bodies = weighted(
    (2, st.binary(max_size=200)),
    (3, json_values.map(encode_json)),
    (3, forms),
    (2, nested),
    (1, st.just(json.dumps({"customers": [{**ELIXIR_CREATE, "id": "cst_fuzz"}]}).encode())),
)
framings = weighted(
    (12, st.just("exact")), (2, st.sampled_from(["none", "chunked"])), (1, st.binary(max_size=8))
)


# Request lines of the spec's operations, on customers that may exist.
api_lines = st.builds(
    lambda method, path: (method, path),
    st.sampled_from([b"GET", b"POST"]),
    st.sampled_from([b"/customers", b"/customers/guest_user", b"/customers/cst_fuzz"])
    | st.builds(lambda segment: b"/customers/" + segment, segments),
)


@st.composite
def requests(draw: st.DrawFn, api: bool = False) -> tuple[bytes, bytes]:
    """Raw HTTP/1.1 request bytes, and the method (to know whether a body may come back).

    `api`: a request for one of the spec's operations, mostly with the right key, the rest
    arbitrary.
    """
    method, target = draw(api_lines) if api else (draw(methods), draw(targets))
    body = draw(bodies)
    lines = [method + b" " + target + b" HTTP/1.1", b"Host: mock"]
    if api:
        lines.append(b"Authorization: " + draw(authorizations))
    if api or draw(st.booleans()):  # a body the API reads
        media = draw(st.sampled_from([b"application/json", b"application/x-www-form-urlencoded"]))
        lines.append(b"Content-Type: " + media)
    extra = draw(wellformed_headers if api and draw(st.booleans()) else headers)
    lines += [name + b": " + value for name, value in extra]
    framing = draw(framings)
    if framing == "exact":
        lines.append(b"Content-Length: %d" % len(body))
    elif framing == "chunked":
        lines.append(b"Transfer-Encoding: chunked")
        body = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body) if draw(st.booleans()) else body
    elif isinstance(framing, bytes):
        lines.append(b"Content-Length: " + framing)
    return b"\r\n".join(lines) + b"\r\n\r\n" + body, method


@st.composite
def posts(draw: st.DrawFn) -> tuple[bytes, bytes]:
    """A well-framed, authenticated POST to an operation or a control, with any body."""
    target = draw(
        st.sampled_from([b"/customers", b"/customers/guest_user", b"/_mock/seed", b"/_mock/faults"])
    )
    media = draw(
        st.sampled_from([b"application/json", b"application/x-www-form-urlencoded", b"text/plain"])
    )
    body = draw(bodies)
    head = [
        b"POST " + target + b" HTTP/1.1",
        b"Host: mock",
        b"Authorization: " + BASIC,
        b"Content-Type: " + media,
        b"Content-Length: %d" % len(body),
    ]
    return b"\r\n".join(head) + b"\r\n\r\n" + body, b"POST"


# --- What every answer must be ---------------------------------------------------------------


@cache
def validator(name: str) -> Draft202012Validator:
    return validator_for(spec_document(), {"$ref": f"#/components/schemas/{name}"})


def assert_answered_in_shape(request: bytes, method: bytes, response: RawResponse | None) -> None:
    assert response is not None, f"no answer to {request!r}"
    assert response.status < 500, (request, response)
    if method == b"HEAD" or response.status == 204:
        assert response.body == b"", (request, response)
        return
    assert response.headers["content-type"].startswith("application/json"), (request, response)
    assert response.body, (request, response)
    body = response.json()
    if response.status == 200:
        validator("Customer").validate(body)
    else:
        validator("Error").validate(body)
        assert body["error_info"]["code"], (request, response)


def send(address: tuple[str, int], request: bytes, method: bytes) -> RawResponse | None:
    with socket.create_connection(address, timeout=10) as sock:
        with contextlib.suppress(OSError):  # the mock refused early and hung up meanwhile
            sock.sendall(request)
        return read_response(sock, head=method == b"HEAD")


@pytest.fixture(scope="module")
def fuzz_server() -> Iterator[MockServer]:
    with MockServer(api_keys=[KEY], limits=LIMITS) as server:
        yield server


def fresh(server: MockServer) -> tuple[str, int]:
    """The server with one customer, no faults: no example depends on another."""
    server.reset()
    server.seed([{**ELIXIR_CREATE, "id": "cst_fuzz"}])
    return server_address(server)


@FUZZ
@given(request=requests())
def test_any_request_is_answered_in_the_error_shape(
    fuzz_server: MockServer, request: tuple[bytes, bytes]
) -> None:
    raw, method = request
    assert_answered_in_shape(raw, method, send(fresh(fuzz_server), raw, method))


@FUZZ
@given(request=requests(api=True))
def test_any_api_request_is_answered_in_the_error_shape(
    fuzz_server: MockServer, request: tuple[bytes, bytes]
) -> None:
    raw, method = request
    assert_answered_in_shape(raw, method, send(fresh(fuzz_server), raw, method))


@FUZZ
@given(request=posts())
def test_any_body_is_answered_in_the_error_shape(
    fuzz_server: MockServer, request: tuple[bytes, bytes]
) -> None:
    raw, method = request
    assert_answered_in_shape(raw, method, send(fresh(fuzz_server), raw, method))
