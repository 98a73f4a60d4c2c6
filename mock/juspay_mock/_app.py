"""The mock's ASGI app: the spec's routes with auth, validation and state, plus controls."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from ._control import Control
from ._customers import TOKEN_OPTION, now, with_token
from ._faults import misbehave
from ._responses import generic_error, json_response
from ._spec import HTTP_METHODS, FieldError, FieldSet, Operation, compile_spec, load_spec
from ._store import CustomerStore, DuplicateError

JSON = "application/json"
MAX_BODY_BYTES = 1 << 20
REALM = 'Basic realm="Juspay"'
Handler = Callable[[Control, CustomerStore, "Inputs"], Response]


class Invalid(Exception):
    """The request breaks the spec's rules; answered 400 with `error_info.fields`."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True, slots=True)
class Inputs:
    """A request's validated, declared fields, by where they came from."""

    path: Mapping[str, Any]
    query: Mapping[str, Any]
    body: Mapping[str, Any]


def create_customer(control: Control, store: CustomerStore, inputs: Inputs) -> Response:
    moment = now()
    try:
        (body,) = store.insert([control.shape.new(inputs.body, moment)])
    except DuplicateError:
        return json_response(400, control.errors.duplicate)
    return _customer_response(body, inputs.body.get(TOKEN_OPTION) is True, moment)


def get_customer(control: Control, store: CustomerStore, inputs: Inputs) -> Response:
    body = store.get(inputs.path["customer_id"])
    if body is None:
        return json_response(404, control.errors.not_found)
    return _customer_response(body, inputs.query.get(TOKEN_OPTION) is True, now())


def update_customer(control: Control, store: CustomerStore, inputs: Inputs) -> Response:
    moment = now()
    body = store.modify(
        inputs.path["customer_id"],
        lambda customer: control.shape.update(customer, inputs.body, moment),
    )
    if body is None:
        return json_response(404, control.errors.not_found)
    return _customer_response(body, False, moment)


HANDLERS: Mapping[str, Handler] = {
    "createCustomer": create_customer,
    "getCustomer": get_customer,
    "updateCustomer": update_customer,
}


def _customer_response(body: bytes, token: bool, moment: datetime) -> Response:
    return json_response(200, with_token(body, moment) if token else body)


def _query_pairs(request: Request) -> list[tuple[str, str]]:
    return parse_qsl(request.scope["query_string"].decode("latin-1"), keep_blank_values=True)


def _fields(fields: FieldSet, pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """Validated declared fields from name/value pairs; a declared name given twice is invalid."""
    values: dict[str, Any] = {}
    twice: list[FieldError] = []
    for name, value in pairs:
        if name in values and name in fields.names:
            twice.append(FieldError(name, "is given more than once"))
        values[name] = value
    kept, errors = fields.clean(values)
    if twice or errors:
        raise Invalid(twice + errors)
    return kept


async def _body(request: Request, op: Operation) -> dict[str, Any]:
    """The request body's declared fields, from a form or a JSON object with the same keys."""
    assert op.body is not None
    raw = await request.body()
    media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media in op.media_types or (media == "" and not raw):
        try:
            pairs = parse_qsl(raw.decode(), keep_blank_values=True)
        except UnicodeDecodeError:
            raise Invalid([FieldError("body", "must be UTF-8 form data")]) from None
        return _fields(op.body, pairs)
    if media == JSON:
        try:
            document = json.loads(raw)
        except ValueError:
            raise Invalid([FieldError("body", "must be a JSON object")]) from None
        if not isinstance(document, dict):
            raise Invalid([FieldError("body", "must be a JSON object")])
        return _fields(op.body, document.items())
    accepted = ", ".join(sorted({*op.media_types, JSON}))
    raise HTTPException(415, f"Content-Type must be one of: {accepted}")


def _authenticate(control: Control, request: Request) -> str | Response:
    """The request's API key, or the 401 to answer when it has no valid one."""
    api_key = control.api_key(request.headers.get("authorization"))
    if api_key is None:
        return json_response(401, control.errors.access_denied, {"WWW-Authenticate": REALM})
    merchant = request.headers.get("x-merchantid")
    if control.merchant_id is not None and merchant not in (None, control.merchant_id):
        detail = "x-merchantid is not the merchant of this API key."
        body = control.errors.access_denied_because(detail)
        return json_response(401, body, {"WWW-Authenticate": REALM})
    return api_key


def _operation_endpoint(
    control: Control, by_method: Mapping[str, Operation]
) -> Callable[[Request], Awaitable[Response]]:
    """The endpoint of one spec path: method, auth, parameters, then the operation."""
    allow = ", ".join(by_method)

    async def endpoint(request: Request) -> Response:
        op = by_method.get(request.method)
        if op is None:
            raise HTTPException(405, f"{request.method} is not allowed", {"Allow": allow})
        api_key = _authenticate(control, request)
        if isinstance(api_key, Response):
            return api_key
        try:
            path = _fields(op.path_params, request.path_params.items())
            query = _fields(op.query, _query_pairs(request))
            _fields(op.headers, request.headers.items())
            body = await _body(request, op) if op.body is not None else {}
        except Invalid as invalid:
            return json_response(400, control.errors.invalid(invalid.errors))
        inputs = Inputs(path, query, body)
        return HANDLERS[op.operation_id](control, control.stores[api_key], inputs)

    return endpoint


def _control_routes(control: Control) -> list[Route]:
    """`POST /_mock/reset|seed|faults`: the test controls, outside the spec's paths."""

    async def reset(request: Request) -> Response:
        control.reset()
        return Response(status_code=204)

    async def seed(request: Request) -> Response:
        document = await _control_json(request)
        customers = document.get("customers")
        if not isinstance(customers, list) or not all(isinstance(c, dict) for c in customers):
            raise HTTPException(400, "seed: customers must be a list of objects")
        api_key = document.get("api_key")
        if api_key is not None and not isinstance(api_key, str):
            raise HTTPException(400, "seed: api_key must be a string or null")
        _control_call(control.seed, customers, api_key)
        return Response(status_code=204)

    async def faults(request: Request) -> Response:
        _control_call(control.inject, **await _control_json(request))
        return Response(status_code=204)

    return [
        Route(f"/_mock/{endpoint.__name__}", endpoint, methods=["POST"])
        for endpoint in (reset, seed, faults)
    ]


async def _control_json(request: Request) -> dict[str, Any]:
    try:
        document = json.loads(await request.body() or b"{}")
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise HTTPException(400, "the body must be a JSON object")
    return document


def _control_call(action: Callable[..., None], *args: Any, **kwargs: Any) -> None:
    try:
        action(*args, **kwargs)
    except (ValueError, TypeError) as error:
        raise HTTPException(400, str(error)) from None


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (404 route, 405, 413, 415, control 400s) in Juspay's shape."""
    assert isinstance(exc, HTTPException)
    return json_response(exc.status_code, generic_error(exc.status_code, exc.detail), exc.headers)


class MockApp(Starlette):
    """The Starlette app, with fault injection in front of everything else."""

    def __init__(self, control: Control, routes: list[Route]) -> None:
        super().__init__(
            routes=routes,
            exception_handlers={HTTPException: _http_error},
            max_body_size=MAX_BODY_BYTES,
        )
        self.control = control
        # "/customers/" + "%2F" must not be redirected: no path of the spec ends in a slash.
        self.router.redirect_slashes = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        fault = None
        if scope["type"] == "http":
            fault = self.control.faults.take(scope["method"], scope["path"])
        if fault is None:
            await super().__call__(scope, receive, send)
        else:
            await misbehave(fault, super().__call__, scope, receive, send)


def create_app(
    api_keys: Iterable[str], merchant_id: str | None = None, spec: Mapping[str, Any] | None = None
) -> MockApp:
    """The mock as an ASGI app accepting `api_keys`, serving the spec (default: shipped copy)."""
    compiled = compile_spec(load_spec() if spec is None else spec)
    operation_ids = {op.operation_id for ops in compiled.operations.values() for op in ops.values()}
    if operation_ids - HANDLERS.keys():
        raise ValueError(f"juspay_mock: no handler for {sorted(operation_ids - HANDLERS.keys())}")
    control = Control(compiled, api_keys, merchant_id)
    routes = [
        Route(path, _operation_endpoint(control, by_method), methods=HTTP_METHODS)
        for path, by_method in compiled.operations.items()
    ]
    return MockApp(control, [*routes, *_control_routes(control)])
