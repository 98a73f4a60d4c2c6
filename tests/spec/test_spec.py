"""The OpenAPI document is valid, self-consistent and faithful to the Elixir original."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.conftest import ROOT

SPEC_URI = "urn:juspay-customers-spec"
ELIXIR_RESPONSES = json.loads((ROOT / "tests/fixtures/elixir_responses.json").read_text())
ELIXIR_SEED = ROOT.parent / "shared" / "seeds" / "000_b1cbf76b21a21dc8.txt"


def resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def validator_for(spec: dict[str, Any], schema: dict[str, Any]) -> Draft202012Validator:
    registry: Registry[Any] = Registry().with_resource(
        SPEC_URI, Resource.from_contents(spec, default_specification=DRAFT202012)
    )
    # Refs inside the spec are document-relative ("#/components/..."): root them at the spec.
    rooted = json.loads(json.dumps(schema).replace('"$ref": "#/', f'"$ref": "{SPEC_URI}#/'))
    return Draft202012Validator(
        rooted, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield f"{method.upper()} {path}", operation


def media_examples(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], Any]]:
    """Every (where, schema, example value) pair of request and response bodies."""
    for where, operation in operations(spec):
        contents = []
        if "requestBody" in operation:
            contents.append(("request", resolve(spec, operation["requestBody"])["content"]))
        for status, response in operation["responses"].items():
            contents.append((status, resolve(spec, response).get("content", {})))
        for part, content in contents:
            for media_type, media in content.items():
                for name, example in media.get("examples", {}).items():
                    value = resolve(spec, example)["value"]
                    yield f"{where} {part} {media_type} {name}", media["schema"], value


def test_spec_is_valid_openapi_3_1(spec: dict[str, Any]) -> None:
    assert spec["openapi"].startswith("3.1")
    validate(spec)


def test_operations_are_the_three_customer_operations(spec: dict[str, Any]) -> None:
    found = {where: operation["operationId"] for where, operation in operations(spec)}
    assert found == {
        "POST /customers": "createCustomer",
        "GET /customers/{customer_id}": "getCustomer",
        "POST /customers/{customer_id}": "updateCustomer",
    }
    for _, operation in operations(spec):
        assert operation["tags"] == ["customers"]


def test_every_operation_uses_basic_auth(spec: dict[str, Any]) -> None:
    scheme = spec["components"]["securitySchemes"]["basicAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "basic")
    assert spec["security"] == [{"basicAuth": []}]
    for _, operation in operations(spec):
        assert operation.get("security", spec["security"]) == [{"basicAuth": []}]


def test_every_media_example_validates_against_its_schema(spec: dict[str, Any]) -> None:
    checked = []
    for where, schema, value in media_examples(spec):
        errors = [error.message for error in validator_for(spec, schema).iter_errors(value)]
        assert errors == [], where
        checked.append(where)
    # Requests of create and update, 200s of all three, and the documented error bodies.
    assert len(checked) >= 12


def test_every_parameter_and_schema_example_validates(spec: dict[str, Any]) -> None:
    components = spec["components"]
    for name, parameter in components["parameters"].items():
        examples = [e["value"] for e in parameter.get("examples", {}).values()]
        examples += parameter["schema"].get("examples", [])
        for value in examples:
            assert validator_for(spec, parameter["schema"]).is_valid(value), name
    for name, schema in components["schemas"].items():
        for value in schema.get("examples", []):
            assert validator_for(spec, schema).is_valid(value), name


@pytest.mark.parametrize("operation", ["create", "get", "update"])
def test_elixir_example_responses_are_customers(spec: dict[str, Any], operation: str) -> None:
    customer = validator_for(spec, {"$ref": "#/components/schemas/Customer"})
    assert list(customer.iter_errors(ELIXIR_RESPONSES[operation])) == []


def test_elixir_fixture_is_the_seed_page_transcribed() -> None:
    if not ELIXIR_SEED.exists():
        pytest.skip(f"the Elixir page is not beside this checkout ({ELIXIR_SEED})")
    page = ELIXIR_SEED.read_text(encoding="utf-8")
    maps = re.findall(r"# response\s*%\{(.*?)\}", page, flags=re.DOTALL)
    parsed = [dict(re.findall(r'"(\w+)" => "([^"]*)"', body)) for body in maps]
    assert parsed == [ELIXIR_RESPONSES[op] for op in ("create", "get", "update")]


@pytest.mark.parametrize(
    "timestamp", ["2016-08-02T08:07:52+0000", "2020-03-17T14:16:31Z", "2020-03-17T14:16:31.5+05:30"]
)
def test_timestamps_accept_both_forms(spec: dict[str, Any], timestamp: str) -> None:
    assert validator_for(spec, {"$ref": "#/components/schemas/Timestamp"}).is_valid(timestamp)


@pytest.mark.parametrize("timestamp", ["2016-08-02", "yesterday", "2016-08-02 08:07:52"])
def test_timestamps_reject_other_strings(spec: dict[str, Any], timestamp: str) -> None:
    assert not validator_for(spec, {"$ref": "#/components/schemas/Timestamp"}).is_valid(timestamp)


def test_customer_schema_is_strict_where_the_contract_is(spec: dict[str, Any]) -> None:
    customer = validator_for(spec, {"$ref": "#/components/schemas/Customer"})
    valid = dict(ELIXIR_RESPONSES["create"])
    assert customer.is_valid({**valid, "email_address": None, "first_name": None})
    assert not customer.is_valid({**valid, "object": "order"})
    assert not customer.is_valid({k: v for k, v in valid.items() if k != "id"})
    assert not customer.is_valid({**valid, "juspay": {"client_auth_token": "tkn_x"}})


def test_create_request_requires_reference_and_mobile(spec: dict[str, Any]) -> None:
    create = validator_for(spec, {"$ref": "#/components/schemas/CreateCustomerRequest"})
    errors = create.iter_errors({"email_address": "a@example.com"})
    missing = sorted(error.message for error in errors)
    assert missing == [
        "'mobile_number' is a required property",
        "'object_reference_id' is a required property",
    ]


def test_update_request_needs_at_least_one_field(spec: dict[str, Any]) -> None:
    update = validator_for(spec, {"$ref": "#/components/schemas/UpdateCustomerRequest"})
    assert not update.is_valid({})
    assert update.is_valid({"first_name": "Jo"})


def test_create_links_lead_to_get_and_update(spec: dict[str, Any]) -> None:
    created = resolve(spec, spec["paths"]["/customers"]["post"]["responses"]["200"])
    targets = {
        (resolve(spec, link)["operationId"], resolve(spec, link)["parameters"]["customer_id"])
        for link in created["links"].values()
    }
    assert ("getCustomer", "$response.body#/id") in targets
    assert ("updateCustomer", "$response.body#/id") in targets
