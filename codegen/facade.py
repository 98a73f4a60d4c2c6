"""The second step of `make generate`: the facade's typed module, from the spec alone.

    python codegen/facade.py SPEC OUTPUT

writes OUTPUT (`wrapper/juspay_customers/_generated.py`): the parameter TypedDicts of each
operation, the typed response classes, and every per-field fact the facade's hand-written
policy needs (accepted fields and types, aliases, required fields, the minProperties rule,
masking, identifying fields). `make check-generated` regenerates it and diffs.

Besides plain OpenAPI it reads these extensions: `x-python-name` (a property's or
parameter's Python spelling), `x-python-type: datetime` (a string schema parsed to an
aware datetime), and on a schema `x-aliases`, `x-lookup-field`, `x-identifying-fields`
(a stored create field it leaves out is compared `exact`), `x-personal-data` (see the
spec's comments). A schema shape it cannot type stops generation.
"""

from __future__ import annotations

import re
import sys
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

# The facade's per-call keyword: no spec field may take its name.
RESERVED = frozenset({"request_options"})
SCALARS = {"string": "str", "boolean": "bool", "integer": "int", "number": "float"}
MASKS = frozenset({"email", "mobile", "name", "text", "secret"})
NORMALISATIONS = frozenset({"exact", "digits", "email", "name"})
# JSON Schema keywords that never change whether a value is valid.
ANNOTATIONS = frozenset({"title", "description", "examples", "example", "deprecated"})
OPERATIONS = ("createCustomer", "getCustomer", "updateCustomer")


class SpecError(Exception):
    """The spec has a shape this generator does not type; the message says where."""


class Spec:
    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.schemas: Mapping[str, Any] = document["components"]["schemas"]

    def resolve(self, node: Mapping[str, Any]) -> tuple[str | None, Mapping[str, Any]]:
        """A schema or parameter with its `$ref` followed: (the component name, the node)."""
        ref = node.get("$ref")
        if ref is None:
            return None, node
        target: Any = self.document
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        name, resolved = self.resolve(target)
        return name or ref.rsplit("/", 1)[1], resolved

    def operation(self, operation_id: str) -> tuple[Mapping[str, Any], list[Mapping[str, Any]]]:
        """The operation and its parameters (the path item's first, as OpenAPI merges them)."""
        for item in self.document["paths"].values():
            for operation in item.values():
                if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                    shared = [self.resolve(p)[1] for p in item.get("parameters", [])]
                    own = [self.resolve(p)[1] for p in operation.get("parameters", [])]
                    return operation, shared + own
        raise SpecError(f"no operation {operation_id}")

    def inline(self, node: Any) -> Any:
        """`node` with every `$ref` inlined and annotations dropped: what a validator needs."""
        if isinstance(node, list):
            return [self.inline(item) for item in node]
        if not isinstance(node, Mapping):
            return node
        _, node = self.resolve(node)
        return {
            key: self.inline(value)
            for key, value in node.items()
            if key not in ANNOTATIONS and not key.startswith("x-")
        }

    def inputs(self, operation_id: str) -> dict[str, Any]:
        """An operation's checked inputs: its path and query parameters and its body schema,
        annotations dropped. Headers are the client's own to set, so they are left out."""
        operation, parameters = self.operation(operation_id)
        checked: dict[str, Any] = {
            "parameters": [
                {
                    "name": parameter["name"],
                    "in": parameter["in"],
                    "required": bool(parameter.get("required")),
                    "schema": self.inline(parameter.get("schema", {})),
                }
                for parameter in parameters
                if parameter["in"] in ("path", "query")
            ]
        }
        if "requestBody" in operation:
            checked["body"] = self.inline(self.body_schema(operation)[1])
        return checked

    def body_schema(self, operation: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
        (media,) = operation["requestBody"]["content"].values()
        name, schema = self.resolve(media["schema"])
        if name is None:
            raise SpecError("request bodies must be named schemas")
        return name, schema


def attribute(wire: str) -> str:
    """The generated model's attribute for a wire name (openapi-python-client's snake case)."""
    return re.sub(r"[^0-9a-zA-Z_]", "_", wire)


def public(wire: str, node: Mapping[str, Any]) -> str:
    return str(node.get("x-python-name") or attribute(wire))


def scalar(spec: Spec, node: Mapping[str, Any], where: str) -> str:
    """The Python type a request value of this schema must have."""
    _, schema = spec.resolve(node)
    kind = schema.get("type")
    if kind not in SCALARS:
        raise SpecError(f"{where}: request fields must be string, boolean, integer or number")
    return SCALARS[kind]


def check_name(name: str, where: str) -> str:
    if name in RESERVED:
        raise SpecError(f"{where}: {name!r} is the facade's per-call keyword (request_options)")
    if not name.isidentifier():
        raise SpecError(f"{where}: {name!r} is no Python name; give it an x-python-name")
    return name


class Module:
    """The generated module's text, built section by section."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.lines: list[str] = []
        self.aliases: dict[str, str] = {}
        self.shown: dict[str, str] = {}

    def emit(self, *lines: str) -> None:
        self.lines.extend(lines)

    # --- requests ---

    def body_fields(self, schema_name: str, schema: Mapping[str, Any]) -> dict[str, str]:
        """Attribute name -> type; records public spellings and aliases."""
        fields: dict[str, str] = {}
        for wire, node in schema.get("properties", {}).items():
            where = f"{schema_name}.{wire}"
            name, attr = check_name(public(wire, node), where), attribute(wire)
            fields[attr] = scalar(self.spec, node, where)
            self.spelled(name, attr)
            self.alias(wire, attr)
        for alias, wire in schema.get("x-aliases", {}).items():
            self.alias(check_name(alias, f"{schema_name}.x-aliases"), attribute(wire))
        return fields

    def spelled(self, name: str, attr: str) -> None:
        """`name` is how users write the attribute `attr` (its x-python-name)."""
        self.alias(name, attr)
        if name != attr and self.shown.setdefault(attr, name) != name:
            raise SpecError(f"{attr!r} has two Python names")

    def alias(self, spelling: str, attr: str) -> None:
        if spelling != attr and self.aliases.setdefault(spelling, attr) != attr:
            raise SpecError(f"{spelling!r} names two different fields")

    def typed_dict(
        self,
        name: str,
        doc: str,
        fields: Mapping[str, str],
        required: set[str],
        base: str = "TypedDict",
    ) -> None:
        self.emit("", "", f"class {name}({base}, total=False):", f'    """{doc}"""', "")
        for attr, kind in fields.items():
            key = self.shown.get(attr, attr)
            self.emit(f"    {key}: {f'Required[{kind}]' if attr in required else kind}")
            for alias, target in self.aliases.items():
                if target == attr and alias.isidentifier() and alias != key:
                    self.emit(f"    {alias}: {kind}  # the same field as {key}")

    def requests(self) -> None:
        create, _ = self.spec.operation("createCustomer")
        create_name, create_schema = self.spec.body_schema(create)
        update, update_parameters = self.spec.operation("updateCustomer")
        update_name, update_schema = self.spec.body_schema(update)
        _, get_parameters = self.spec.operation("getCustomer")

        create_fields = self.body_fields(create_name, create_schema)
        update_fields = self.body_fields(update_name, update_schema)
        (path,) = [p for p in update_parameters if p["in"] == "path"]
        path_name = check_name(public(path["name"], path), "path parameter")
        get_fields: dict[str, str] = {}
        for parameter in get_parameters:
            if parameter["in"] != "query":
                continue  # the path id is PATH_PARAMETER; headers come from the client
            name = check_name(public(parameter["name"], parameter), parameter["name"])
            attr = attribute(parameter["name"])
            get_fields[attr] = scalar(self.spec, parameter["schema"], parameter["name"])
            self.spelled(name, attr)
            self.alias(parameter["name"], attr)

        required_wire = list(create_schema.get("required", []))
        required = {attribute(wire) for wire in required_wire}
        lookup = str(create_schema.get("x-lookup-field", ""))
        listed = dict(create_schema.get("x-identifying-fields", {}))
        for field, normalisation in listed.items():
            if normalisation not in NORMALISATIONS or field not in create_fields:
                raise SpecError(f"{create_name}.x-identifying-fields: {field}: {normalisation}")
        # A retried create accepts a found customer only if EVERY field it sent that the
        # customer stores matches, so each is compared: as listed, else exactly (a field new
        # to the spec is never left unchecked, nor its spec change blocked).
        stored = self.spec.schemas["Customer"].get("properties", {})
        identifying = {
            attribute(wire): listed.get(wire, "exact")
            for wire in create_schema.get("properties", {})
            if wire in stored
        }
        if lookup not in required_wire:
            raise SpecError(f"{create_name}.x-lookup-field must name a required field")

        self.typed_dict(
            "CreateCustomerParams",
            f"The fields of a create (the spec's `{create_name}`); required keys are marked.",
            create_fields,
            required,
        )
        self.typed_dict(
            "UpdateCustomerFields",
            f"The fields of an update (the spec's `{update_name}`), without the customer id.",
            update_fields,
            set(),
        )
        self.emit(
            "",
            "",
            "class UpdateCustomerParams(UpdateCustomerFields, total=False):",
            '    """An update\'s fields with the id (the `cst_` id or the lookup field)."""',
            "",
            f"    {path_name}: Required[str]",
        )
        self.typed_dict(
            "GetCustomerFields",
            "The query options of a get, without the customer id.",
            get_fields,
            set(),
        )
        self.emit(
            "",
            "",
            "class GetCustomerParams(GetCustomerFields, total=False):",
            '    """A get\'s options with the id (the `cst_` id or the lookup field)."""',
            "",
            f"    {path_name}: Required[str]",
        )
        self.emit(
            "",
            "",
            "# Attribute names of the generated request models (and the get's query) -> type.",
            f"CREATE_FIELDS: Final[Mapping[str, type]] = {self.types(create_fields)}",
            f"UPDATE_FIELDS: Final[Mapping[str, type]] = {self.types(update_fields)}",
            f"GET_FIELDS: Final[Mapping[str, type]] = {self.types(get_fields)}",
            "# Other spellings users may write -> attribute name; attribute -> how errors show it.",
            f"ALIASES: Final[Mapping[str, str]] = {dict(sorted(self.aliases.items()))!r}",
            f"SHOWN_AS: Final[Mapping[str, str]] = {dict(sorted(self.shown.items()))!r}",
            "# Attribute name -> the spec's (wire) name, where the two differ.",
            f"WIRE_NAMES: Final[Mapping[str, str]] = {self.wire_names()!r}",
            f"PATH_PARAMETER: Final = {path_name!r}",
            f"LOOKUP_FIELD: Final = {attribute(lookup)!r}",
            "# Every field a create sends that the customer stores -> how to compare it.",
            f"IDENTIFYING_FIELDS: Final[Mapping[str, str]] = {identifying!r}",
            "# What each operation's inputs must be, as the mock checks them (`_schema`): the",
            "# path and query parameters, and the body schema; $refs inlined, annotations dropped.",
            f"INPUTS: Final[Mapping[str, Mapping[str, Any]]] = {self.all_inputs()!r}",
        )

    def wire_names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for operation_id, inputs in self.all_inputs().items():
            parameters = [p["name"] for p in inputs["parameters"]]
            for wire in [*parameters, *inputs.get("body", {}).get("properties", {})]:
                if attribute(wire) != wire and names.setdefault(attribute(wire), wire) != wire:
                    raise SpecError(f"{operation_id}: {wire!r} and {names[attribute(wire)]!r}")
        return dict(sorted(names.items()))

    def all_inputs(self) -> dict[str, Any]:
        return {operation_id: self.spec.inputs(operation_id) for operation_id in OPERATIONS}

    @staticmethod
    def types(fields: Mapping[str, str]) -> str:
        return "{" + ", ".join(f"{k!r}: {v}" for k, v in fields.items()) + "}"

    # --- responses ---

    def response_class(self, name: str, emitted: set[str]) -> None:
        """A frozen attrs class for an object schema, nested object schemas first."""
        if name in emitted:
            return
        schema = self.spec.schemas[name]
        required = set(schema.get("required", []))
        masks = dict(schema.get("x-personal-data", {}))
        attributes: list[tuple[str, str, str, str]] = []  # name, annotation, reader, repr
        consts: list[tuple[str, Any]] = []
        for wire, node in schema["properties"].items():
            where = f"{name}.{wire}"
            if "const" in node:
                consts.append((wire, node["const"]))
                continue
            ref, resolved = self.spec.resolve(node)
            kinds = resolved.get("type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            nullable = "null" in kinds
            kinds = [k for k in kinds if k != "null"]
            if kinds == ["object"]:
                if ref is None:
                    raise SpecError(f"{where}: nested objects must be named schemas")
                self.response_class(ref, emitted)
                kind, reader = ref, f"read_object(data, {wire!r}, {ref}.from_json"
            elif len(kinds) == 1 and kinds[0] == "string" and resolved.get("x-python-type"):
                if resolved["x-python-type"] != "datetime":
                    raise SpecError(f"{where}: unknown x-python-type")
                kind, reader = "datetime", f"read_timestamp(data, {wire!r}"
            elif len(kinds) == 1 and kinds[0] in SCALARS:
                kind = SCALARS[kinds[0]]
                reader = f"read_scalar(data, {wire!r}, {kind}"
            else:
                raise SpecError(f"{where}: cannot type {kinds}")
            mask = masks.pop(wire, None)
            if mask is not None and mask not in MASKS:
                raise SpecError(f"{name}.x-personal-data: {wire}: {mask}")
            is_required = wire in required and not nullable
            annotation = kind if is_required else f"{kind} | None"
            attr = check_name(public(wire, node), where)
            attributes.append((attr, annotation, f"{reader}, {is_required})", mask or ""))
        if masks:
            raise SpecError(f"{name}.x-personal-data names unknown fields {sorted(masks)}")
        attributes.sort(key=lambda a: "| None" in a[1])  # required first, in spec order
        emitted.add(name)
        doc = textwrap.fill(
            " ".join(str(schema.get("description", name)).split()),
            width=96,
            initial_indent='    """',
            subsequent_indent="    ",
        )
        self.emit("", "", "@frozen(kw_only=True)", f"class {name}(JsonObject):", doc)
        self.emit(
            "",
            "    `from_json` reads it tolerantly: an optional field that is null, absent or not",
            "    of its type becomes None; a missing or malformed required one raises",
            "    (`FieldProblem`, a ValueError naming it). `to_dict()` gives back the exact JSON.",
            '    """',
            "",
        )
        for attr, annotation, _, mask in attributes:
            options = [] if "| None" not in annotation else ["default=None"]
            if mask == "secret":
                options.append("repr=False")
            elif mask:
                options.append(f'repr=masked("{mask}")')
            value = f" = field({', '.join(options)})" if mask else (" = None" if options else "")
            self.emit(f"    {attr}: {annotation}{value}")
        self.emit(
            "",
            "    @classmethod",
            "    def from_json(cls, data: Any) -> Self:",
            f'        """The spec\'s `{name}` from decoded JSON; raises on anything else."""',
            f'        data = read_mapping(data, "{name}")',
        )
        for wire, value in consts:
            self.emit(f"        read_const(data, {wire!r}, {value!r})")
        self.emit("        return cls(")
        for attr, _, reader, _ in attributes:
            self.emit(f"            {attr}={reader},")
        self.emit("            json=data,", "        )")

    def render(self) -> str:
        self.requests()
        customer, _ = self.spec.resolve(
            self.spec.document["components"]["responses"]["CreatedCustomer"]["content"][
                "application/json"
            ]["schema"]
        )
        assert customer is not None
        body = self.lines
        self.lines = []
        self.response_class(customer, set())
        classes = self.lines
        return "\n".join([HEADER, *body, *classes, ""])


HEADER = '''"""Generated by `make generate` from openapi/juspay-customers.yaml (codegen/facade.py).

Do not edit: every per-field fact of the facade lives here, derived from the spec; the
hand-written modules hold only policy (how to read, mask, validate and send). Annotations are
evaluated (no `from __future__ import annotations`), so the TypedDicts' required keys are
right at run time too.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final, Required, Self, TypedDict

from attrs import field, frozen

from ._reading import (
    JsonObject,
    masked,
    read_const,
    read_mapping,
    read_object,
    read_scalar,
    read_timestamp,
)'''


def main(argv: list[str]) -> int:
    spec_path, output = argv
    spec = Spec(yaml.safe_load(Path(spec_path).read_text(encoding="utf-8")))
    try:
        text = Module(spec).render()
    except SpecError as error:
        print(f"codegen/facade.py: {spec_path}: {error}", file=sys.stderr)
        return 1
    Path(output).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
