"""issue 9 item 5, validation parity: the facade raises ParameterError exactly when the mock
answers 400 to the same input, and names the same field.

Inputs are generated from the spec's own schemas, valid and invalid. Each goes through the
facade against a real mock over loopback. Where the facade refuses, the same values go to
the mock without the facade (a JSON body, which keeps their types; the id percent-encoded
in its path segment): the mock must answer 400 naming, first, the facade's field. Where the
facade sends, the mock must not answer 400 for a field (a `unique` 400 is state, not
validation).

The one deliberate difference, tested on its own: a field the spec does not declare is a
ParameterError in the facade (a typo caught) and ignored by the mock, as by the service.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from juspay_customers import InvalidRequestError, Juspay, NotFoundError, ParameterError
from juspay_customers._generated import ALIASES, SHOWN_AS, WIRE_NAMES
from juspay_customers_client.models.create_customer_request import CreateCustomerRequest
from juspay_customers_client.models.update_customer_request import UpdateCustomerRequest
from juspay_mock import MockServer
from juspay_mock._spec import resolve

from tests.conftest import spec_document

SPEC = resolve(spec_document(), spec_document())
PATHS = SPEC["paths"]
CREATE_BODY = PATHS["/customers"]["post"]["requestBody"]["content"]
CREATE_SCHEMA = next(iter(CREATE_BODY.values()))["schema"]
UPDATE_BODY = PATHS["/customers/{customer_id}"]["post"]["requestBody"]["content"]
UPDATE_SCHEMA = next(iter(UPDATE_BODY.values()))["schema"]
ITEM = PATHS["/customers/{customer_id}"]
PARAMETERS = {p["name"]: p for p in [*ITEM.get("parameters", []), *ITEM["get"]["parameters"]]}
ID_SCHEMA = PARAMETERS["customer_id"]["schema"]
QUERY = {name: p for name, p in PARAMETERS.items() if p["in"] == "query"}
# A rule on the whole body is named as the facade's argument.
FACADE_NAME = {"body": "params"}
SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def python_name(wire: str) -> str:
    """How a consumer spells the wire field `wire` (its TypedDict key)."""
    attribute = next((a for a, w in WIRE_NAMES.items() if w == wire), wire)
    return SHOWN_AS.get(attribute, attribute)


class Text(str):
    """A str subclass, as enums and ORM values are: its text is what counts."""


def wrong_types(kind: str) -> st.SearchStrategy[Any]:
    """JSON values of every type but `kind`."""
    others: list[st.SearchStrategy[Any]] = [
        st.none(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.lists(st.integers(), max_size=2),
        st.dictionaries(st.text(max_size=2), st.booleans(), max_size=2),
    ]
    others.append(st.booleans() if kind == "string" else st.text(max_size=8))
    return st.one_of(others)


def values(schema: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    """Values for one field of the spec: ones its schema accepts, near misses, wrong types."""
    if schema["type"] == "boolean":
        spelled = st.sampled_from(["true", "false", "TRUE", "False", "yes", "1", ""])
        return st.one_of(st.booleans(), spelled, wrong_types("boolean"))
    longest = schema.get("maxLength", 64)
    texts: list[st.SearchStrategy[str]] = [
        st.text(max_size=12),
        st.text(st.characters(codec="utf-8"), max_size=12).map(lambda text: text + "\ud800"),
        st.sampled_from(["", " ", "x" * longest, "x" * (longest + 1), "0" * longest]),
    ]
    texts.append(st.sampled_from(["guest_user", "9988776655", "Jo"]).map(Text))
    if "pattern" in schema:
        texts.append(st.from_regex(schema["pattern"], fullmatch=True).filter(
            lambda text: len(text) <= longest
        ))
    if schema.get("format") == "email":
        texts.append(st.emails())
        texts.append(st.sampled_from(["jo@mail.com", "jo@", "@mail.com", "jo doe@mail.com"]))
    return st.one_of(*texts, wrong_types("string"))


def bodies(schema: Mapping[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Bodies of any subset of the schema's fields, each with a value from `values`."""
    fields = {wire: values(node) for wire, node in schema["properties"].items()}
    return st.fixed_dictionaries({}, optional=fields)


ids = st.one_of(
    st.from_regex(CREATE_SCHEMA["properties"]["object_reference_id"]["pattern"], fullmatch=True),
    st.text(max_size=16),
    st.sampled_from(["guest_user", "", ".", "..", ".x", "a/b", "a?b", "a#b", "100%", "josé_1"]),
    # The longest ids, in the widest encodings: 12 bytes a character in the path and again in
    # x-routing-id, and one character longer.
    st.sampled_from([c * ID_SCHEMA["maxLength"] for c in ("x", "中", "😀")]),
    st.sampled_from([c * (ID_SCHEMA["maxLength"] + 1) for c in ("x", "中", "😀")]),
    # Ids no UTF-8 can carry (lone surrogates): refused by both, whatever the bytes sent.
    st.sampled_from(["\ud800", "a\udfff"]),
)


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer(api_keys=["parity_key"]) as server:
        yield server


@pytest.fixture(scope="module")
def juspay(mock: MockServer) -> Iterator[Juspay]:
    with Juspay(api_key=mock.api_key, base_url=mock.base_url, max_retries=0) as client:
        yield client


def through_facade(call: Any, *args: Any) -> ParameterError | None:
    """Run one facade call: its ParameterError, or None once the request was answered, and
    the answer was no 400 for a field."""
    try:
        call(*args)
    except ParameterError as refused:
        return refused
    except NotFoundError:  # an unknown id: the store's answer, not a rule's
        pass
    except InvalidRequestError as error:
        assert error.error_code == "unique", f"the mock refused what the facade sent: {error}"
    return None


def segment(customer_id: str) -> str:
    """The id in its own path segment, percent-encoded; dot segments too, or the URL would
    lose them."""
    if customer_id in (".", ".."):
        return "%2E" * len(customer_id)
    return quote(customer_id.encode("utf-8", "surrogatepass"), safe="")


def first_refused_field(mock: MockServer, method: str, path: str, **kwargs: Any) -> str:
    """Send without the facade; the first field of the mock's 400, as the facade names it."""
    answer = httpx.request(
        method, mock.base_url + path, auth=(mock.api_key, ""), timeout=30, **kwargs
    )
    assert answer.status_code == 400, (answer.status_code, answer.text)
    fields = answer.json()["error_info"]["fields"]
    assert fields, answer.text
    name: str = fields[0]["field_name"]
    return FACADE_NAME.get(name, name)


def json_body(fields: Mapping[str, Any]) -> bytes:
    """Send values as JSON, which keeps their types (a lone surrogate as its \\u escape)."""
    return json.dumps(fields).encode()


def in_sent_order(model: Any, body: dict[str, Any]) -> dict[str, Any]:
    """A body in the order the facade sends it (its generated `model`'s), once complete."""
    try:
        attributes = {ALIASES.get(python_name(w), python_name(w)): v for w, v in body.items()}
        return model(**attributes).to_dict()  # type: ignore[no-any-return]
    except TypeError:  # a required field is missing: the facade checks the body as given
        return body


def consumer_params(body: Mapping[str, Any]) -> dict[str, Any]:
    return {python_name(wire): value for wire, value in body.items()}


@SETTINGS
@given(body=bodies(CREATE_SCHEMA))
def test_create(juspay: Juspay, mock: MockServer, body: dict[str, Any]) -> None:
    refused = through_facade(juspay.customers.create, consumer_params(body))
    if refused is not None:
        sent = json_body(in_sent_order(CreateCustomerRequest, body))
        headers = {"content-type": "application/json"}
        assert first_refused_field(mock, "POST", "/customers", content=sent, headers=headers) == (
            refused.field
        )


@SETTINGS
@given(customer_id=ids, body=bodies(UPDATE_SCHEMA))
def test_update(juspay: Juspay, mock: MockServer, customer_id: str, body: dict[str, Any]) -> None:
    refused = through_facade(juspay.customers.update, customer_id, consumer_params(body))
    if refused is not None:
        path = f"/customers/{segment(customer_id)}"
        if not customer_id:  # `/customers/` is no update's path: nothing can be compared
            assert refused.field == "customer_id"
            return
        sent = json_body(in_sent_order(UpdateCustomerRequest, body))
        headers = {"content-type": "application/json"}
        assert first_refused_field(mock, "POST", path, content=sent, headers=headers) == (
            refused.field
        )


def query_text(value: Any) -> str:
    """A query value as text: booleans as the form spells them, anything else as written."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


@SETTINGS
@given(
    customer_id=st.one_of(ids, st.just("guest_user")),
    query=st.fixed_dictionaries({}, optional={name: values(p["schema"]) for name, p in QUERY.items()}),
)
def test_get(juspay: Juspay, mock: MockServer, customer_id: str, query: dict[str, Any]) -> None:
    refused = through_facade(juspay.customers.get, customer_id, consumer_params(query))
    if refused is not None:
        if not customer_id:
            assert refused.field == "customer_id"
            return
        params = {name: query_text(value) for name, value in query.items()}
        path = f"/customers/{segment(customer_id)}"
        assert first_refused_field(mock, "GET", path, params=params) == refused.field


def test_the_parity_examples_cover_both_answers(juspay: Juspay, mock: MockServer) -> None:
    """The properties above see both outcomes: a spec-valid update is sent and answered, an
    invalid one is refused by both (else they could pass vacuously)."""
    juspay.customers.create({"object_reference_id": "parity_1", "mobile_number": "99887766"})
    assert juspay.customers.update("parity_1", first_name="Jo").first_name == "Jo"
    refused = through_facade(juspay.customers.update, "parity_1", {"mobile_number": "+91"})
    assert refused is not None
    assert refused.field == "mobile_number"
    sent = json_body({"mobile_number": "+91"})
    headers = {"content-type": "application/json"}
    path = "/customers/parity_1"
    assert first_refused_field(mock, "POST", path, content=sent, headers=headers) == refused.field


def test_an_undeclared_field_is_the_one_deliberate_difference(
    juspay: Juspay, mock: MockServer
) -> None:
    """The spec's bodies are open: the service ignores unknown fields, so the mock does; the
    facade refuses them by name, to catch a typo before it silently sends nothing."""
    with pytest.raises(ParameterError) as caught:
        juspay.customers.update("guest_user", {"frist_name": "Jo"})
    assert caught.value.field == "frist_name"
    juspay.customers.create({"object_reference_id": "parity_2", "mobile_number": "99887766"})
    answer = httpx.post(
        f"{mock.base_url}/customers/parity_2",
        data={"frist_name": "Jo", "first_name": "Jo"},
        auth=(mock.api_key, ""),
    )
    assert answer.status_code == 200
    assert "frist_name" not in answer.json()
