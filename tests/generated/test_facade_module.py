"""The facade's typed module (`make generate`'s second step) agrees with the spec and with the
low-level client generated from the same spec: the two generators never disagree on a field."""

from __future__ import annotations

import inspect
import typing

import attrs
import yaml
from juspay_customers import _generated
from juspay_customers_client.api.customers import get_customer
from juspay_customers_client.models import CreateCustomerRequest, UpdateCustomerRequest
from juspay_customers_client.types import Unset

from tests.conftest import ROOT

SPEC = yaml.safe_load((ROOT / "openapi" / "juspay-customers.yaml").read_text())
SCHEMAS = SPEC["components"]["schemas"]


def model_fields(model: type) -> dict[str, type]:
    hints = typing.get_type_hints(model)
    return {
        field.name: next(t for t in typing.get_args(hints[field.name]) if t is not Unset)
        if typing.get_args(hints[field.name])
        else hints[field.name]
        for field in attrs.fields(model)
        if field.name != "additional_properties"
    }


def test_request_tables_match_the_generated_models() -> None:
    assert model_fields(CreateCustomerRequest) == _generated.CREATE_FIELDS
    assert model_fields(UpdateCustomerRequest) == _generated.UPDATE_FIELDS
    keywords = inspect.signature(get_customer._get_kwargs).parameters
    assert set(_generated.GET_FIELDS) <= set(keywords)


def test_rules_come_from_the_spec() -> None:
    create, update = SCHEMAS["CreateCustomerRequest"], SCHEMAS["UpdateCustomerRequest"]
    inputs = _generated.INPUTS
    assert inputs["createCustomer"]["body"]["required"] == create["required"]
    assert inputs["updateCustomer"]["body"]["minProperties"] == update["minProperties"]
    id_schema = SPEC["components"]["parameters"]["CustomerId"]["schema"]
    for operation_id in ("getCustomer", "updateCustomer"):
        (path,) = [p for p in inputs[operation_id]["parameters"] if p["in"] == "path"]
        assert path == {"name": "customer_id", "in": "path", "required": True, "schema": id_schema}
    email = SCHEMAS["EmailAddress"]
    assert inputs["createCustomer"]["body"]["properties"]["email_address"] == {
        key: email[key] for key in email if key != "description"
    }
    assert create["x-lookup-field"] == _generated.LOOKUP_FIELD
    assert create["x-identifying-fields"] == _generated.IDENTIFYING_FIELDS


def test_typed_dicts_hold_every_field_and_alias() -> None:
    create = _generated.CreateCustomerParams
    assert create.__required_keys__ == frozenset(SCHEMAS["CreateCustomerRequest"]["required"])
    shown = {_generated.SHOWN_AS.get(name, name) for name in _generated.CREATE_FIELDS}
    assert create.__optional_keys__ | create.__required_keys__ == shown | {"customer_email"}
    assert _generated.UpdateCustomerParams.__required_keys__ == {"customer_id"}
    assert _generated.GetCustomerParams.__optional_keys__ == {"get_client_auth_token"}


def test_the_customer_has_an_attribute_per_spec_property() -> None:
    properties = SCHEMAS["Customer"]["properties"]
    names = {f.name for f in attrs.fields(_generated.Customer)} - {"_json"}
    assert names == {name for name, schema in properties.items() if "const" not in schema}
    masked = {f.name for f in attrs.fields(_generated.Customer) if f.repr is not True}
    assert masked >= set(SCHEMAS["Customer"]["x-personal-data"])
