"""The spec's operations, served on a lean ASGI path: method, auth, validation, then state.

This is every API request's path, so it works on the raw ASGI scope and sends pre-encoded
bytes; everything it can know in advance (routes, validators, header names) is built once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, NamedTuple

from starlette.types import Receive, Scope, Send

from ._asgi import (
    BodyTooLarge,
    Disconnected,
    RawHeaders,
    RepeatedKeys,
    first_values,
    form_pairs,
    parse_json,
    read_body,
)
from ._control import Control
from ._customers import TOKEN_OPTION, now, with_token
from ._responses import Answer, generic_error, header
from ._spec import CompiledSpec, FieldError, FieldSet, Operation, path_pattern
from ._store import CustomerStore, DuplicateError

JSON = "application/json"
MAX_BODY_BYTES = 1 << 20
WWW_AUTHENTICATE = header("WWW-Authenticate", 'Basic realm="Juspay"')


class Invalid(Exception):
    """The request breaks the spec's rules; answered 400 with `error_info.fields`."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(errors)
        self.errors = errors


class Refused(Exception):
    """The request cannot be read at all (413, 415); answered in the generic error shape."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.answer = Answer(status, generic_error(status, detail))


class Inputs(NamedTuple):
    """A request's validated, declared fields, by where they came from."""

    path: Mapping[str, Any]
    query: Mapping[str, Any]
    body: Mapping[str, Any]


Handler = Callable[[Control, CustomerStore, Inputs], Answer]


def create_customer(control: Control, store: CustomerStore, inputs: Inputs) -> Answer:
    moment = now()
    try:
        (body,) = store.insert([control.shape.new(inputs.body, moment)])
    except DuplicateError:
        return Answer(400, control.errors.duplicate)
    return _customer(body, moment if inputs.body.get(TOKEN_OPTION) is True else None)


def get_customer(control: Control, store: CustomerStore, inputs: Inputs) -> Answer:
    body = store.get(inputs.path["customer_id"])
    if body is None:
        return Answer(404, control.errors.not_found)
    return _customer(body, now() if inputs.query.get(TOKEN_OPTION) is True else None)


def update_customer(control: Control, store: CustomerStore, inputs: Inputs) -> Answer:
    moment = now()
    body = store.modify(
        inputs.path["customer_id"],
        lambda customer: control.shape.update(customer, inputs.body, moment),
    )
    if body is None:
        return Answer(404, control.errors.not_found)
    return _customer(body, None)


HANDLERS: Mapping[str, Handler] = {
    "createCustomer": create_customer,
    "getCustomer": get_customer,
    "updateCustomer": update_customer,
}


def _customer(body: bytes, token_moment: datetime | None) -> Answer:
    """A customer answer, with a fresh client auth token when `token_moment` is given."""
    return Answer(200, body if token_moment is None else with_token(body, token_moment))


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


def _form_pairs(raw: bytes) -> list[tuple[str, str]]:
    try:
        return form_pairs(raw.decode())
    except UnicodeDecodeError:
        raise Invalid([FieldError("body", "must be UTF-8 form data")]) from None


def _json_pairs(raw: bytes) -> Iterable[tuple[str, Any]]:
    """A JSON object's name/value pairs, a repeated name twice (as a form would give it)."""
    try:
        document = parse_json(raw)
    except ValueError as error:
        raise Invalid([FieldError("body", f"must be a JSON object ({error})")]) from None
    if not isinstance(document, dict):
        raise Invalid([FieldError("body", "must be a JSON object")])
    if isinstance(document, RepeatedKeys):
        return [*document.items(), *((name, document[name]) for name in document.repeated)]
    return document.items()


class PathEndpoint:
    """One path of the spec: its operations by method, each checked in the same order."""

    __slots__ = ("_allow", "_by_method", "_control", "_header_names")

    def __init__(self, control: Control, by_method: Mapping[str, Operation]) -> None:
        unknown = {op.operation_id for op in by_method.values()} - HANDLERS.keys()
        if unknown:
            raise ValueError(f"juspay_mock: no handler for {sorted(unknown)}")
        self._control = control
        self._by_method = by_method
        self._allow = header("Allow", ", ".join(by_method))
        # The declared headers' raw names, to pick them out of a request's header list.
        self._header_names = {
            method: frozenset(name.encode("latin-1") for name in op.headers.names)
            for method, op in by_method.items()
        }

    async def __call__(
        self, scope: Scope, receive: Receive, send: Send, path: Mapping[str, str]
    ) -> None:
        try:
            answer = await self._answer(scope, receive, path)
        except Disconnected:
            return
        await answer.send(send)

    async def _answer(self, scope: Scope, receive: Receive, path: Mapping[str, str]) -> Answer:
        """Method, auth, then each request part's fields, then the operation itself."""
        method = scope["method"]
        op = self._by_method.get(method)
        if op is None:
            return Answer(405, generic_error(405, f"{method} is not allowed"), (self._allow,))
        headers = first_values(scope["headers"])
        api_key = self._authenticate(headers)
        if isinstance(api_key, Answer):
            return api_key
        try:
            path_fields = _fields(op.path_params, path.items())
            query = _fields(op.query, form_pairs(scope["query_string"].decode("latin-1")))
            _fields(op.headers, self._declared_headers(scope["headers"], method))
            body = await self._body(receive, headers, op) if op.body is not None else {}
        except Invalid as invalid:
            return Answer(400, self._control.errors.invalid(invalid.errors))
        except Refused as refused:
            return refused.answer
        inputs = Inputs(path_fields, query, body)
        return HANDLERS[op.operation_id](self._control, self._control.stores[api_key], inputs)

    def _declared_headers(self, headers: RawHeaders, method: str) -> list[tuple[str, str]]:
        """The request's headers that the operation declares, every occurrence of each."""
        names = self._header_names[method]
        return [(n.decode("latin-1"), v.decode("latin-1")) for n, v in headers if n in names]

    def _authenticate(self, headers: Mapping[bytes, bytes]) -> str | Answer:
        """The request's API key, or the 401 to answer when it has no valid one."""
        control = self._control
        api_key = control.api_key(headers.get(b"authorization"))
        if api_key is None:
            return Answer(401, control.errors.access_denied, (WWW_AUTHENTICATE,))
        merchant, expected = headers.get(b"x-merchantid"), control.merchant_header
        if merchant is not None and expected is not None and merchant != expected:
            detail = "x-merchantid is not the merchant of this API key."
            return Answer(401, control.errors.access_denied_because(detail), (WWW_AUTHENTICATE,))
        return api_key

    @staticmethod
    async def _body(
        receive: Receive, headers: Mapping[bytes, bytes], op: Operation
    ) -> dict[str, Any]:
        """The request body's declared fields, from a form or a JSON object with the same keys."""
        assert op.body is not None
        try:
            raw = await read_body(receive, headers.get(b"content-length"), MAX_BODY_BYTES)
        except BodyTooLarge:
            raise Refused(413, "Content Too Large") from None
        content_type = headers.get(b"content-type", b"").decode("latin-1")
        media = content_type.partition(";")[0].strip().lower()
        if media in op.media_types or (media == "" and not raw):
            return _fields(op.body, _form_pairs(raw))
        if media == JSON:
            return _fields(op.body, _json_pairs(raw))
        accepted = ", ".join(sorted({*op.media_types, JSON}))
        raise Refused(415, f"Content-Type must be one of: {accepted}")


class Operations:
    """The spec's paths, each with its endpoint, matched against request paths."""

    __slots__ = ("_routes",)

    def __init__(self, control: Control, spec: CompiledSpec) -> None:
        self._routes: list[tuple[re.Pattern[str], tuple[str, ...], PathEndpoint]] = [
            (*path_pattern(template), PathEndpoint(control, by_method))
            for template, by_method in spec.operations.items()
        ]

    def match(self, path: str) -> tuple[PathEndpoint, dict[str, str]] | None:
        """The endpoint serving `path` and the path's parameters, if a spec path matches."""
        for pattern, names, endpoint in self._routes:
            found = pattern.fullmatch(path)
            if found is not None:
                return endpoint, dict(zip(names, found.groups(), strict=True))
        return None
