"""The spec's operations: method, auth, validation, then state.

This is every API request's path, so it works on the raw ASGI scope and answers with
pre-encoded bytes; everything it can know in advance (routes, validators, header names) is
built once. A request is answered by one synchronous step once its body is in hand
(`PathEndpoint._respond`): on a lean ASGI path, or straight from the mock's protocol
(`PathEndpoint.answer_now`, `_uvicorn`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from time import perf_counter, time
from typing import Any, NamedTuple

from juspay_customers._errors import FieldError
from juspay_customers._schema import FieldSet
from starlette.types import Receive, Scope, Send

from ._asgi import (
    OWS,
    BodyTooLarge,
    Disconnected,
    RawHeaders,
    RepeatedKeys,
    first_values,
    form_pairs,
    head_arrived,
    parse_json,
    read_body,
    sent_path,
)
from ._customers import TOKEN_OPTION, now, with_token
from ._journal import Recorder, read_headers
from ._responses import Answer, generic_error, header, request_id
from ._spec import CompiledSpec, Operation
from ._state import State
from ._store import ID, CustomerStore, DuplicateError

JSON = "application/json"
MAX_BODY_BYTES = 1 << 20
WWW_AUTHENTICATE = header("WWW-Authenticate", 'Basic realm="Juspay"')


class Invalid(Exception):
    """The request breaks the spec's rules; answered 400 with `error_info.fields`."""

    def __init__(self, errors: list[FieldError], given: Mapping[str, Any]) -> None:
        super().__init__(errors)
        self.errors = errors
        self.given = given  # every field as received, for the journal


class Refused(Exception):
    """The request cannot be read at all (413, 415); answered in the generic error shape."""

    def __init__(
        self, status: int, detail: str, headers: tuple[tuple[bytes, bytes], ...] = ()
    ) -> None:
        super().__init__(detail)
        self.answer = Answer(status, generic_error(status, detail), headers)


# The answer to a request the mock failed on (a store that fails): in Juspay's error shape,
# then the connection closes, as uvicorn closes it after an app's error.
FAILED = Answer(
    500, generic_error(500, "The mock failed; see its log."), (header("Connection", "close"),)
)
_log = logging.getLogger("uvicorn.error")  # where uvicorn logs an app's errors


def failed() -> Answer:
    """`FAILED`, once the exception being handled is logged as uvicorn logs an app's."""
    _log.exception("Exception in ASGI application")
    return FAILED


# A body over the limit is not read on: the connection closes after the 413 (the server hangs
# up gracefully, so that the answer reaches a client still sending).
TOO_LARGE = (
    413,
    f"The request body exceeds {MAX_BODY_BYTES} bytes.",
    (header("Connection", "close"),),
)


class Inputs(NamedTuple):
    """A request's validated, declared fields, by where they came from."""

    path: Mapping[str, Any]
    query: Mapping[str, Any]
    body: Mapping[str, Any]


Handler = Callable[[State, CustomerStore, Inputs], Answer]


def create_customer(state: State, store: CustomerStore, inputs: Inputs) -> Answer:
    """A new customer; 400 `unique` if its `object_reference_id` is taken, as another
    customer's reference or id (ids and references are one namespace, `DuplicateError`)."""
    moment = now()
    while True:
        try:
            (body,) = store.insert([state.shape.new(inputs.body, moment)])
        except DuplicateError as taken:
            if taken.field == ID:  # the new random id is someone's reference: draw another
                continue
            if taken.taken_as == ID:
                return Answer(400, state.errors.duplicate_because(REFERENCE_IS_AN_ID))
            return Answer(400, state.errors.duplicate)
        return _customer(body, moment if inputs.body.get(TOKEN_OPTION) is True else None)


REFERENCE_IS_AN_ID = (
    "This object_reference_id is another customer's id; ids and object_reference_ids"
    " share one namespace per merchant."
)


def get_customer(state: State, store: CustomerStore, inputs: Inputs) -> Answer:
    body = store.get(inputs.path["customer_id"])
    if body is None:
        return Answer(404, state.errors.not_found)
    return _customer(body, now() if inputs.query.get(TOKEN_OPTION) is True else None)


def update_customer(state: State, store: CustomerStore, inputs: Inputs) -> Answer:
    moment = now()
    body = store.modify(
        inputs.path["customer_id"],
        lambda customer: state.shape.update(customer, inputs.body, moment),
    )
    if body is None:
        return Answer(404, state.errors.not_found)
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
        raise Invalid(twice + errors, values)
    return kept


def _form_pairs(raw: bytes) -> list[tuple[str, str]]:
    try:
        return form_pairs(raw.decode())
    except UnicodeDecodeError:
        raise Invalid([FieldError("body", "must be UTF-8 form data")], {}) from None


def _json_pairs(raw: bytes) -> Iterable[tuple[str, Any]]:
    """A JSON object's name/value pairs, a repeated name twice (as a form would give it)."""
    try:
        document = parse_json(raw)
    except ValueError as error:
        raise Invalid([FieldError("body", f"must be a JSON object ({error})")], {}) from None
    if not isinstance(document, dict):
        raise Invalid([FieldError("body", "must be a JSON object")], {})
    if isinstance(document, RepeatedKeys):
        return [*document.items(), *((name, document[name]) for name in document.repeated)]
    return document.items()


JOURNAL_TEXT = 1000  # characters of a refused field's text the journal keeps


JSON_INTEGERS = range(-(2**63), 2**64)  # what JSON encoders (orjson) write as numbers


def _journalled(given: Mapping[str, Any], fields: FieldSet | None) -> dict[str, Any]:
    """A refused body as the journal keeps it: the declared fields, text cut, no containers,
    and every value one JSON can carry (the journal is read as JSON, and kept in Redis so).

    A refused body is unchecked client input (up to the body limit), and the journal keeps
    thousands: it must not hold megabytes each. Text with lone surrogates keeps them as
    `\\udxxx` escapes; integers past 64 bits are kept as their (cut) digits.
    """
    names = fields.names if fields is not None else frozenset()
    kept: dict[str, Any] = {}
    for name, value in given.items():
        if name not in names:
            continue
        if isinstance(value, int) and not isinstance(value, bool) and value not in JSON_INTEGERS:
            value = str(value)  # it was parsed from as many digits: `str` can write them back
        if isinstance(value, str):
            value = value if len(value) <= JOURNAL_TEXT else value[:JOURNAL_TEXT] + "…"
            kept[name] = value.encode("utf-8", "backslashreplace").decode("utf-8")
        elif value is None or isinstance(value, bool | int | float):
            kept[name] = value
        else:
            kept[name] = f"<{'list' if isinstance(value, list) else 'object'}>"
    return kept


class PathEndpoint:
    """One path of the spec: its operations by method, each checked in the same order.

    Two ways in, one answer: `__call__` is the ASGI app of the path (any server, and requests
    the mock's protocol leaves to ASGI), and `answer_now` answers a request that has arrived
    whole at once, without ASGI (`_uvicorn.MockHttpProtocol`).
    """

    __slots__ = ("_allow", "_by_method", "_header_names", "_journal", "_lines", "_state")

    def __init__(
        self, state: State, by_method: Mapping[str, Operation], journal: Recorder | None
    ) -> None:
        unknown = {op.operation_id for op in by_method.values()} - HANDLERS.keys()
        if unknown:
            raise ValueError(f"juspay_mock: no handler for {sorted(unknown)}")
        self._state = state
        self._by_method = by_method
        self._journal = journal
        self._lines: dict[tuple[bytes, bytes], tuple[bytes, bytes]] = {}  # for `read_headers`
        self._allow = header("Allow", ", ".join(by_method))
        # The declared headers' raw names, to pick them out of a request's header list.
        self._header_names = {
            method: frozenset(name.encode("latin-1") for name in op.headers.names)
            for method, op in by_method.items()
        }

    async def __call__(
        self, scope: Scope, receive: Receive, send: Send, path: Mapping[str, str]
    ) -> None:
        head_at = head_arrived(scope)
        op = self._by_method.get(scope["method"])
        raw: bytes | None = b""
        if op is not None and op.body is not None:
            length = first_values(scope["headers"]).get(b"content-length")
            try:
                raw = await read_body(receive, length, MAX_BODY_BYTES)
            except BodyTooLarge:
                raw = None
            except Disconnected:
                return  # never answered: nothing to record
        answer, api_key, body, kept = self._respond(op, scope, path, raw)
        answer_id = request_id()
        await answer.send(send, answer_id)  # a `delay` fault's wait is in here: it counts
        if kept is not None:
            self._record(op, scope, answer, answer_id, api_key, body, kept, head_at)

    def answer_now(
        self, scope: Scope, path: Mapping[str, str], raw: bytes
    ) -> tuple[int, bytes, bytes, bool]:
        """The answer to a request whose body, `raw`, has arrived whole (at most
        `MAX_BODY_BYTES`): its status, header lines (`Answer.head_lines`), body, and whether
        the connection is to close after it (after a 500 only)."""
        op = self._by_method.get(scope["method"])
        answer, api_key, body, kept = self._respond(op, scope, path, raw)
        answer_id = request_id()
        if kept is not None:
            head_at = head_arrived(scope)
            self._record(op, scope, answer, answer_id, api_key, body, kept, head_at)
        return answer.status, answer.head_lines(answer_id), answer.body, answer is FAILED

    def _respond(
        self, op: Operation | None, scope: Scope, path: Mapping[str, str], raw: bytes | None
    ) -> tuple[Answer, str | None, Mapping[str, Any] | None, RawHeaders | None]:
        """The answer to the request, with what the journal keeps of it (`_answer`) and its
        headers as the journal keeps them (None with the journal off); `raw` is the body
        that arrived (None past `MAX_BODY_BYTES`: 413). An error in the mock (a store that
        fails) is logged where uvicorn logs an app's errors and answered `FAILED`, unrecorded.
        """
        try:
            if self._journal is None:
                headers, kept = first_values(scope["headers"]), None
            else:
                headers, kept = read_headers(scope["headers"], self._lines)
            answer, api_key, body = self._answer(op, scope, headers, path, raw)
        except Exception:
            return failed(), None, None, None
        return answer, api_key, body, kept

    def _record(
        self,
        op: Operation | None,
        scope: Scope,
        answer: Answer,
        answer_id: str,
        api_key: str | None,
        body: Mapping[str, Any] | None,
        kept: RawHeaders,
        head_at: float,
    ) -> None:
        """Record the answered request in the journal: it arrived at `head_at` (its head,
        `perf_counter`), and was answered now."""
        assert self._journal is not None
        answered = perf_counter()
        self._journal.record(
            api_key,
            (
                time() - (answered - head_at),
                scope["method"] if op is None else op.method,  # a constant: nothing to keep
                sent_path(scope),
                None if op is None else op.operation_id,
                answer.status,
                (answered - head_at) * 1000,
                kept,
                body,
                answer_id,
                scope["query_string"],
            ),
        )

    def _answer(
        self,
        op: Operation | None,
        scope: Scope,
        headers: Mapping[bytes, bytes],
        path: Mapping[str, str],
        raw: bytes | None,
    ) -> tuple[Answer, str | None, Mapping[str, Any] | None]:
        """Method, auth, then each request part's fields, then the operation itself.

        With the answer: the request's API key (None without a valid one) and its body as
        the operation read it (every field received, when they were refused), for the journal.
        """
        if op is None:
            method = scope["method"]
            api_key = self._state.api_key(headers.get(b"authorization"))
            answer = Answer(405, generic_error(405, f"{method} is not allowed"), (self._allow,))
            return answer, api_key, None
        api_key, refusal = self._authenticate(headers)
        if refusal is not None:
            return refusal, api_key, None
        assert api_key is not None
        reading_body = False
        try:
            path_fields = _fields(op.path_params, path.items())
            query_string: bytes = scope["query_string"]
            # Most requests send no query and no declared header: nothing to read or check.
            if query_string or not op.query.empty_is_valid:
                query = _fields(op.query, form_pairs(query_string.decode("latin-1")))
            else:
                query = {}
            declared = self._declared_headers(scope["headers"], op.method)
            if declared or not op.headers.empty_is_valid:
                _fields(op.headers, declared)
            reading_body = op.body is not None
            body = self._body(raw, headers, op) if reading_body else {}
        except Invalid as invalid:
            given = _journalled(invalid.given, op.body) if reading_body else None
            return Answer(400, self._state.errors.invalid(invalid.errors)), api_key, given
        except Refused as refused:
            return refused.answer, api_key, None
        inputs = Inputs(path_fields, query, body)
        state = self._state
        answer = HANDLERS[op.operation_id](state, state.store[api_key], inputs)
        return answer, api_key, body if reading_body else None

    def _declared_headers(self, headers: RawHeaders, method: str) -> list[tuple[str, str]]:
        """The request's headers that the operation declares, every occurrence of each."""
        names = self._header_names[method]
        return [
            (n.decode("latin-1"), v.strip(OWS).decode("latin-1")) for n, v in headers if n in names
        ]

    def _authenticate(self, headers: Mapping[bytes, bytes]) -> tuple[str | None, Answer | None]:
        """The request's API key, and the 401 to answer when it has no valid one (or names
        another merchant)."""
        state = self._state
        api_key = state.api_key(headers.get(b"authorization"))
        if api_key is None:
            return None, Answer(401, state.errors.access_denied, (WWW_AUTHENTICATE,))
        merchant, expected = headers.get(b"x-merchantid"), state.merchant_header
        if merchant is not None and expected is not None and merchant != expected:
            detail = "x-merchantid is not the merchant of this API key."
            return api_key, Answer(
                401, state.errors.access_denied_because(detail), (WWW_AUTHENTICATE,)
            )
        return api_key, None

    @staticmethod
    def _body(raw: bytes | None, headers: Mapping[bytes, bytes], op: Operation) -> dict[str, Any]:
        """The request body's declared fields, from a form or a JSON object with the same keys."""
        assert op.body is not None
        if raw is None:
            raise Refused(*TOO_LARGE)
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

    __slots__ = ("_endpoints", "_operation_ids", "_routes")

    def __init__(self, state: State, spec: CompiledSpec, journal: Recorder | None) -> None:
        self._routes = state.routes
        self._endpoints = {
            template: PathEndpoint(state, by_method, journal)
            for template, by_method in spec.operations.items()
        }
        self._operation_ids = {
            (template, method): op.operation_id
            for template, by_method in spec.operations.items()
            for method, op in by_method.items()
        }

    def operation_id(self, template: str, method: str) -> str | None:
        """The operationId of `method` on the spec path `template`; None if it has none."""
        return self._operation_ids.get((template, method))

    def match(self, scope: Scope) -> tuple[PathEndpoint, dict[str, str]] | None:
        """The endpoint serving the request and its path parameters, if a spec path matches
        the path as sent (`raw_path`, where the server gives it)."""
        raw_path = scope.get("raw_path")
        routes = self._routes
        if raw_path is None:
            found = routes.match(scope["path"])
        elif b"%" in raw_path or not raw_path.isascii():
            found = routes.match_sent(raw_path)
        else:  # the usual path, with nothing to decode: `match_sent`'s answer, in fewer steps
            found = routes.match(raw_path.decode("ascii"))
        if found is None:
            return None
        template, parameters = found
        return self._endpoints[template], parameters
