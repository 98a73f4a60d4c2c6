"""Checks of our own that no off-the-shelf tool has, registered with schemathesis on import.

Schemathesis registers checks and hooks for the whole process; these act only inside
`running()` (a run of `run_contract`), so importing the package leaves other runs alone.

Each check reads the request as it went over the wire, so it judges what the server saw. A
check returns True when the response is not its business (schemathesis then records no pass),
so the report's pass counts say how often a check really judged something.
"""

from __future__ import annotations

import functools
import json
import re
import secrets
import threading
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeAlias
from urllib.parse import parse_qsl, urlsplit

import schemathesis
from attrs import define, field
from schemathesis import Case, CheckContext, CheckFunction, HookContext, Response

from ._secrets import Secret, scrub_case

AnyCase: TypeAlias = Case[Any]
CREATE, GET, UPDATE = "createCustomer", "getCustomer", "updateCustomer"
TOKEN_OPTION = "options.get_client_auth_token"  # noqa: S105 (a field name)
TOKEN_FIELD = "juspay"  # noqa: S105
# Headers a read-back must repeat so that it reaches the same merchant's customers.
IDENTITY_HEADERS = ("Authorization", "x-merchantid")
FRESH_SUFFIX = re.compile(r"_[0-9a-f]{8}$")
# How many creates `concurrent_creates_are_kept` sends at once.
CONCURRENT_CREATES = 8


@define
class _RunState:
    """What the checks and hooks need to know about the run in progress."""

    secret: Secret
    concurrency_probed: bool = False
    lock: threading.Lock = field(factory=threading.Lock)


_state: _RunState | None = None


@contextmanager
def running(secret: Secret) -> Iterator[None]:
    """Scope one run: the checks act, `secret` is kept out of generated values."""
    global _state
    previous, _state = _state, _RunState(secret)
    try:
        yield
    finally:
        _state = previous


def _in_our_runs(check: CheckFunction) -> CheckFunction:
    """`check`, skipping every response outside `running()`."""

    @functools.wraps(check)
    def guarded(ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
        return True if _state is None else check(ctx, response, case)

    return guarded


@schemathesis.check
@_in_our_runs
def no_undocumented_fields(ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
    """The JSON body holds no field that its response schema does not declare.

    The spec leaves Customer and Error open (Juspay may add fields), so schema conformance lets
    any invented field through; this check does not.
    """
    schema = _response_schema(case, response.status_code)
    body = _json_body(response)
    if schema is None or body is None:
        return True
    spec = case.operation.schema.raw_schema
    extra = sorted(_undocumented(body, schema, spec, "body"))
    if extra:
        raise AssertionError(
            f"{case.operation.label} answered {response.status_code} with fields the spec does "
            f"not declare: {', '.join(extra)}"
        )
    return None


@schemathesis.check
@_in_our_runs
def get_returns_what_create_wrote(
    ctx: CheckContext, response: Response, case: AnyCase
) -> bool | None:
    """A created customer reads back as created, by its `cst_` id and by object_reference_id."""
    created = _customer(response) if _operation_id(case) == CREATE else None
    if created is None:
        return True
    expected = _without_token(created)
    for key in ("id", "object_reference_id"):
        fetched = _read_back(ctx, case, response, str(created[key]))
        _assert_same_customer(
            fetched, expected, f"GET by {key} {created[key]!r} right after the create"
        )
    return None


@schemathesis.check
@_in_our_runs
def update_persists(ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
    """An update answers the values it was sent, and a later get returns that same customer."""
    updated = _customer(response) if _operation_id(case) == UPDATE else None
    if updated is None:
        return True
    updatable = _request_schema(case).get("properties", {})
    sent = _sent_fields(response)
    wrong = {
        field: (value, updated.get(field))
        for field, value in sent.items()
        if field in updatable and not _same_value(value, updated.get(field))
    }
    if wrong:
        details = ", ".join(f"{f}: sent {s!r}, answered {a!r}" for f, (s, a) in wrong.items())
        raise AssertionError(f"{case.operation.label} did not apply the update: {details}")
    fetched = _read_back(ctx, case, response, str(updated["id"]))
    _assert_same_customer(fetched, _without_token(updated), "GET right after the update")
    return None


@schemathesis.check
@_in_our_runs
def token_only_when_asked(ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
    """The `juspay` token object is there exactly when the request asked for it.

    Create asks in its form body, get in its query string; update has no such option.
    """
    customer = _customer(response)
    if customer is None:
        return True
    asked = _asked_for_token(response, _operation_id(case))
    present = customer.get(TOKEN_FIELD) is not None
    if asked and not present:
        raise AssertionError(
            f"{case.operation.label} was sent {TOKEN_OPTION}=true but answered no "
            f"`{TOKEN_FIELD}` token object"
        )
    if present and not asked:
        raise AssertionError(
            f"{case.operation.label} answered a `{TOKEN_FIELD}` token object although the "
            f"request did not ask for one with {TOKEN_OPTION}=true"
        )
    return None


@schemathesis.check
@_in_our_runs
def concurrent_creates_are_kept(
    ctx: CheckContext, response: Response, case: AnyCase
) -> bool | None:
    """Creates sent at the same moment are all kept: each one answered 200 reads back as such.

    Once per run, on the first create that reads back on its own (one that does not is
    `get_returns_what_create_wrote`'s finding): sends `CONCURRENT_CREATES` copies of it at
    once, each with a fresh object_reference_id, then gets every customer answered 200 by id.
    """
    state = _state
    created = _customer(response) if _operation_id(case) == CREATE else None
    if state is None or created is None or not isinstance(case.body, dict):
        return True
    if state.concurrency_probed:
        return True
    if _read_back(ctx, case, response, str(created["id"])).status_code != 200:
        return True
    with state.lock:
        if state.concurrency_probed:
            return True
        state.concurrency_probed = True
    reference_rules = _reference_rules(case)
    operation, headers = case.operation, _identity_headers(response)
    probes = [
        operation.Case(
            body={
                **case.body,
                "object_reference_id": _fresh_reference(
                    str(case.body.get("object_reference_id", "concurrent")), reference_rules
                ),
            },
            headers=headers,
            media_type=case.media_type,
        )
        for _ in range(CONCURRENT_CREATES)
    ]
    start = threading.Barrier(len(probes))

    def send(probe: AnyCase) -> Response:
        start.wait()
        return _send(ctx, case, probe)

    with ThreadPoolExecutor(max_workers=len(probes)) as pool:
        answers = list(pool.map(send, probes))
    lost = []
    for probe, answer in zip(probes, answers, strict=True):
        _record(ctx, case, probe, answer)
        customer = _customer(answer)
        if customer is None:
            continue
        fetched = _read_back(ctx, case, answer, str(customer["id"]))
        if fetched.status_code != 200:
            lost.append(f"GET {customer['id']} answered {fetched.status_code}")
    if lost:
        raise AssertionError(
            f"{len(lost)} of {len(probes)} customers created at the same moment (each "
            f"answered 200) were not kept: {'; '.join(lost)}"
        )
    return None


@schemathesis.hook
def before_call(context: HookContext, case: AnyCase, kwargs: dict[str, Any]) -> None:
    """Keep the API key out of generated values, and give each create a fresh reference."""
    if _state is not None:
        scrub_case(case, _state.secret)
        _freshen_reference(case)


def _freshen_reference(case: AnyCase) -> None:
    """Give each create a fresh object_reference_id; an invalid one is left as generated.

    The id is unique per merchant. Without this the spec's example `guest_user` is taken by
    the first create, and every later create's `400 unique` would hide what the request
    tests (a missing field, say). Fresh ids also let the suite rerun against a server that
    keeps its customers.
    """
    if _operation_id(case) != CREATE or not isinstance(case.body, dict):
        return
    reference = case.body.get("object_reference_id")
    rules = _reference_rules(case)
    if isinstance(reference, str) and _satisfies(reference, rules):
        case.body["object_reference_id"] = _fresh_reference(reference, rules)


def _reference_rules(case: AnyCase) -> Mapping[str, Any]:
    properties = _request_schema(case).get("properties", {})
    return dict(_resolve(case.operation.schema.raw_schema, properties["object_reference_id"]))


def _fresh_reference(reference: str, rules: Mapping[str, Any]) -> str:
    """`reference` with a random suffix, within the schema's rules (else unchanged)."""
    # A case can be sent more than once (replays, shrinking): swap our suffix, do not stack it.
    stem = FRESH_SUFFIX.sub("", reference)
    suffix = f"_{secrets.token_hex(4)}"
    fresh = stem[: rules.get("maxLength", len(stem) + len(suffix)) - len(suffix)] + suffix
    return fresh if _satisfies(fresh, rules) else reference


# --- reading the spec -------------------------------------------------------------------


def _resolve(spec: Mapping[str, Any], node: Any) -> Any:
    """Follow local `$ref`s ("#/components/...") to the node they point at."""
    while isinstance(node, Mapping) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _operation_id(case: AnyCase) -> str:
    return str(case.operation.definition.raw.get("operationId", ""))


def _response_schema(case: AnyCase, status_code: int) -> Mapping[str, Any] | None:
    spec = case.operation.schema.raw_schema
    responses = case.operation.definition.raw.get("responses", {})
    declared = next(
        (
            responses[key]
            for key in (str(status_code), f"{str(status_code)[0]}XX", "default")
            if key in responses
        ),
        None,
    )
    media = _resolve(spec, declared or {}).get("content", {}).get("application/json")
    return None if media is None else _resolve(spec, media.get("schema"))


def _request_schema(case: AnyCase) -> Mapping[str, Any]:
    spec = case.operation.schema.raw_schema
    body = _resolve(spec, case.operation.definition.raw.get("requestBody", {}))
    for media in body.get("content", {}).values():
        return dict(_resolve(spec, media.get("schema", {})))
    return {}


def _satisfies(value: str, rules: Mapping[str, Any]) -> bool:
    """Whether a string meets a string schema's length and pattern rules."""
    return (
        rules.get("minLength", 0) <= len(value) <= rules.get("maxLength", len(value))
        and re.search(rules.get("pattern", ""), value) is not None
    )


def _undocumented(instance: Any, schema: Any, spec: Mapping[str, Any], where: str) -> Iterator[str]:
    """Paths of object members that the schema does not list under `properties`.

    An explicit `additionalProperties` is taken at its word; only its absence (the open
    default) is held to the declared properties.
    """
    schema = _resolve(spec, schema)
    if not isinstance(schema, Mapping):
        return
    if isinstance(instance, dict) and "properties" in schema:
        declared = schema["properties"]
        for name, value in instance.items():
            if name in declared:
                yield from _undocumented(value, declared[name], spec, f"{where}.{name}")
            elif "additionalProperties" not in schema:
                yield f"{where}.{name}"
    elif isinstance(instance, list) and "items" in schema:
        for index, item in enumerate(instance):
            yield from _undocumented(item, schema["items"], spec, f"{where}[{index}]")


# --- reading the exchange ---------------------------------------------------------------


def _json_body(response: Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _customer(response: Response) -> dict[str, Any] | None:
    """The customer a 2xx answer holds, or None for any other answer."""
    if not 200 <= response.status_code < 300:
        return None
    body = _json_body(response)
    return body if isinstance(body, dict) and "id" in body else None


def _sent_fields(response: Response) -> dict[str, str]:
    """The body fields as the server received them (form or JSON, the two media it accepts)."""
    raw = response.request.body
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw or "")
    content_type = response.request.headers.get("Content-Type", "")
    if "json" in content_type:
        try:
            data = json.loads(text)
        except ValueError:
            return {}
        if not isinstance(data, dict):
            return {}
        # Non-strings as their JSON text, so `true` reads like the form's "true".
        return {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}
    return dict(parse_qsl(text, keep_blank_values=True))


def _asked_for_token(response: Response, operation_id: str) -> bool:
    """Whether the request set the token option where its operation takes it."""
    if operation_id == GET:
        fields = dict(parse_qsl(urlsplit(response.request.url or "").query))
    elif operation_id == CREATE:
        fields = _sent_fields(response)
    else:
        return False
    return fields.get(TOKEN_OPTION, "").lower() == "true"


def _without_token(customer: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in customer.items() if key != TOKEN_FIELD}


def _same_value(sent: Any, answered: Any) -> bool:
    # An emptied optional field may come back empty or null: both read as "no value".
    if sent in ("", None):
        return answered in ("", None)
    return bool(sent == answered)


def _identity_headers(response: Response) -> dict[str, str]:
    """The headers that make a request the checked request's merchant's."""
    headers = response.request.headers
    return {name: str(headers[name]) for name in IDENTITY_HEADERS if name in headers}


def _read_back(ctx: CheckContext, case: AnyCase, response: Response, customer_id: str) -> Response:
    """GET a customer as the checked request's merchant, recorded as that request's child."""
    probe = case.operation.schema["/customers/{customer_id}"]["GET"].Case(
        path_parameters={"customer_id": customer_id}, headers=_identity_headers(response)
    )
    fetched = _send(ctx, case, probe)
    _record(ctx, case, probe, fetched)
    return fetched


def _send(ctx: CheckContext, case: AnyCase, probe: AnyCase) -> Response:
    """Send `probe` the way the run sends its requests (same server, timeouts, app)."""
    # The run's transport settings are internal to schemathesis; its built-in checks that send
    # requests of their own use them the same way.
    kwargs = dict(ctx.internals.transport_kwargs or {})
    if case.operation.app is not None:
        kwargs.setdefault("app", case.operation.app)
    answer: Response = case.operation.schema.transport.send(probe, **kwargs)
    return answer


def _record(ctx: CheckContext, case: AnyCase, probe: AnyCase, response: Response) -> None:
    """Record `probe` and its answer as a child of the checked case, for reports."""
    ctx.internals.record_case(parent_id=case.id, case=probe)
    ctx.internals.record_response(case_id=probe.id, response=response)


def _assert_same_customer(fetched: Response, expected: Mapping[str, Any], what: str) -> None:
    if fetched.status_code != 200:
        raise AssertionError(f"{what} answered {fetched.status_code}, expected 200")
    body = _json_body(fetched)
    actual = _without_token(body) if isinstance(body, dict) else body
    if actual != expected:
        raise AssertionError(
            f"{what} returned a different customer: expected {expected!r}, got {actual!r}"
        )
