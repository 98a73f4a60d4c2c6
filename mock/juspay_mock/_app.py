"""The mock's ASGI app: the spec's operations on a lean path, and the test controls."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from time import perf_counter, time
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from ._asgi import (
    BodyTooLarge,
    Disconnected,
    first_values,
    head_arrived,
    parse_json,
    read_body,
    repeated_keys,
    sent_path,
)
from ._control import Controls, parse_since
from ._faults import FaultQueue, misbehave
from ._journal import Journal, Recorder, filtered
from ._limits import DEFAULT_JOURNAL_SIZE
from ._operations import FAILED, MAX_BODY_BYTES, TOO_LARGE, Operations, PathEndpoint, failed
from ._responses import dumps, generic_error, json_response
from ._spec import compile_spec, load_spec
from ._state import State
from ._store import Store, open_store

CONTROL_PREFIX = "/_mock/"
_CHALLENGE = {
    "WWW-Authenticate": 'Basic realm="Juspay", Bearer realm="juspay-mock"',
}
_FILTERS = ("operation", "method", "path", "status", "since")


@dataclass(frozen=True, slots=True)
class Caller:
    """Who calls a control: a merchant's API key, or the admin (every merchant)."""

    api_key: str | None

    @property
    def admin(self) -> bool:
        return self.api_key is None


class Unauthorized(Exception):
    """A control call without valid credentials (answered 401, the spec's AccessDenied)."""


def _caller(control: Controls, request: Request) -> Caller:
    authorization = first_values(request.scope["headers"]).get(b"authorization")
    if control.is_admin(authorization):
        return Caller(None)
    api_key = control.state.api_key(authorization)
    if api_key is None:
        raise Unauthorized
    return Caller(api_key)


def _merchant_only(caller: Caller, control: str) -> str:
    """The caller's key; 403 for the admin, who acts on no merchant in particular."""
    if caller.api_key is None:
        raise HTTPException(
            403, f"{control}: send a merchant's Basic credentials; the admin token names none"
        )
    return caller.api_key


def _json(content: Any) -> Response:
    return Response(dumps(content), media_type="application/json")


def _control_routes(control: Controls) -> list[Route]:
    """`/_mock/...`: the test controls, outside the spec's paths, each needing credentials."""

    async def reset(request: Request) -> Response:
        caller = _caller(control, request)
        _no_query(request, "reset")
        if await _control_json(request, "reset"):
            # The admin's reset empties every merchant: a body naming one would be ignored.
            raise HTTPException(
                400, "reset: takes no body; it resets the caller's merchant (the admin's: all)"
            )
        control.reset(caller.api_key)
        return Response(status_code=204)

    async def seed(request: Request) -> Response:
        caller = _caller(control, request)
        _no_query(request, "seed")
        document = await _control_json(request, "seed")
        unknown = document.keys() - {"customers", "api_key"}
        if unknown:
            raise HTTPException(400, f"seed: unexpected {_names(unknown)}; give customers, api_key")
        customers = document.get("customers")
        if not isinstance(customers, list) or not all(isinstance(c, dict) for c in customers):
            raise HTTPException(400, "seed: customers must be a list of objects")
        api_key = document.get("api_key")
        if api_key is not None and not isinstance(api_key, str):
            raise HTTPException(400, "seed: api_key must be a string or null")
        if caller.admin:
            if api_key is None:
                raise HTTPException(400, "seed: with the admin token, api_key names the merchant")
        elif api_key not in (None, caller.api_key):
            # The same answer whether that key exists or not: seed reveals no keys.
            raise HTTPException(400, "seed: api_key must be null or the key of the credentials")
        else:
            api_key = caller.api_key
        _control_call(control.seed, customers, api_key)
        return Response(status_code=204)

    async def faults(request: Request) -> Response:
        api_key = _merchant_only(_caller(control, request), "faults")
        _no_query(request, "faults")
        _control_call(control.inject, api_key, **await _control_json(request, "faults"))
        return Response(status_code=204)

    async def customers(request: Request) -> Response:
        caller = _caller(control, request)
        _no_query(request, "customers")
        if caller.api_key is not None:
            return _json({"customers": control.customers(caller.api_key)})
        merchants = [
            {"merchant": index, "customers": control.customers(key)}
            for index, key in enumerate(control.api_keys)
        ]
        return _json({"merchants": merchants})

    async def customer(request: Request) -> Response:
        api_key = _merchant_only(_caller(control, request), "customers")
        _no_query(request, "customers")
        found = control.customer(request.path_params["customer_id"], api_key)
        if found is None:
            return Response(control.state.errors.not_found, 404, media_type="application/json")
        return _json(found)

    async def requests(request: Request) -> Response:
        caller = _caller(control, request)
        if request.method == "DELETE":
            if request.query_params or await _control_json(request, "requests"):
                raise HTTPException(
                    400, "requests: DELETE takes no filters; it empties the journal"
                )
            control.clear_requests(caller.api_key, every_key=caller.admin)
            return Response(status_code=204)
        filters = _filters(request)
        try:
            if caller.api_key is not None:
                found = control.requests(caller.api_key, **filters)
                return _json({"requests": [entry.to_json() for entry in found]})
            every = control.requests_by_merchant(**filters)
        except ValueError as error:  # an operationId the spec does not have, ...
            raise HTTPException(400, f"requests: {error}") from None
        # Whose each request was: as the admin's GET /_mock/customers numbers merchants.
        return _json({"requests": [{**e.to_json(), "merchant": m} for m, e in every]})

    return [
        Route("/_mock/reset", reset, methods=["POST"]),
        Route("/_mock/seed", seed, methods=["POST"]),
        Route("/_mock/faults", faults, methods=["POST"]),
        Route("/_mock/customers", customers, methods=["GET"]),
        Route("/_mock/customers/{customer_id}", customer, methods=["GET"]),
        Route("/_mock/requests", requests, methods=["GET", "DELETE"]),
    ]


def _no_query(request: Request, control: str) -> None:
    """400 for a query on a control that reads none: a parameter it would silently ignore
    (`?api_key=` on the admin's reset, which empties every merchant) is refused."""
    if request.url.query:
        raise HTTPException(400, f"{control}: takes no query parameters")


def _filters(request: Request) -> dict[str, Any]:
    """The journal filters of a `GET /_mock/requests` query; 400 naming a bad one."""
    params = request.query_params
    unknown = params.keys() - set(_FILTERS)
    if unknown:
        raise HTTPException(400, f"requests: unexpected {_names(unknown)}; filter by {_FILTERS}")
    repeated = [name for name in _FILTERS if len(params.getlist(name)) > 1]
    if repeated:
        raise HTTPException(400, f"requests: give {_names(repeated)} once")
    filters: dict[str, Any] = {name: params[name] for name in _FILTERS if name in params}
    if "status" in filters:
        status = filters["status"]
        if not (status.isascii() and status.isdigit() and len(status) == 3):
            raise HTTPException(400, "requests: status must be a three-digit HTTP status")
        filters["status"] = int(status)
    if "since" in filters:
        since = filters["since"]
        try:
            filters["since"] = parse_since(since)
        except ValueError:
            # An offset's `+` sent as is arrives as a space (form encoding).
            plus = " (send the offset's + as %2B)" if " " in since else ""
            raise HTTPException(
                400, f"requests: since must be an ISO 8601 time, e.g. 2026-01-31T12:00:00Z{plus}"
            ) from None
    return filters


async def _control_json(request: Request, control: str) -> dict[str, Any]:
    """The body as a JSON object; 400 if it is none, or gives any name twice in one object."""
    content_length = first_values(request.scope["headers"]).get(b"content-length")
    try:
        raw = await read_body(request.receive, content_length, MAX_BODY_BYTES)
    except Disconnected:  # no one to answer: this answer goes nowhere, quietly
        raise HTTPException(400, f"{control}: the client left before its body arrived") from None
    except BodyTooLarge:
        status, detail, _ = TOO_LARGE
        raise HTTPException(status, f"{control}: {detail}", {"Connection": "close"}) from None
    try:
        document = parse_json(raw or b"{}")
    except ValueError as error:
        raise HTTPException(400, f"{control}: the body must be a JSON object ({error})") from None
    if not isinstance(document, dict):
        raise HTTPException(400, f"{control}: the body must be a JSON object")
    repeated = repeated_keys(document)
    if repeated:
        twice = "; ".join(f"{control}: {place} is given more than once" for place in repeated)
        raise HTTPException(400, twice)
    return document


def _names(names: Iterable[str]) -> str:
    return ", ".join(sorted(map(repr, names)))


def _control_call(action: Callable[..., None], *args: Any, **kwargs: Any) -> None:
    try:
        action(*args, **kwargs)
    except (ValueError, TypeError) as error:
        raise HTTPException(400, str(error)) from None


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (404 route, 405, 413, 415, control 400s) in Juspay's shape."""
    assert isinstance(exc, HTTPException)
    return json_response(exc.status_code, generic_error(exc.status_code, exc.detail), exc.headers)


async def _failed(request: Request, exc: Exception) -> Response:
    """A control that failed (a store that fails): `FAILED`, in Juspay's shape."""
    headers = {name.decode(): value.decode() for name, value in FAILED.headers}
    return json_response(FAILED.status, FAILED.body, headers)


class MockApp(Starlette):
    """Fault injection in front of everything; the spec's operations on their own lean path.

    Starlette serves the rest: the control endpoints and paths the spec does not have.
    `control` is the test controls (`Controls`), `control.state` what requests read.
    """

    def __init__(self, control: Controls, operations: Operations) -> None:
        errors = control.state.errors

        async def unauthorized(request: Request, exc: Exception) -> Response:
            return json_response(401, errors.access_denied, _CHALLENGE)

        super().__init__(
            routes=_control_routes(control),
            exception_handlers={
                HTTPException: _http_error,
                Unauthorized: unauthorized,
                Exception: _failed,  # Starlette still raises it on, for uvicorn to log
            },
        )
        self.control = control
        self._operations = operations
        self._faults = control.faults
        self._journal = control.journal if control.journal.size else None
        # "/customers/" + "%2F" must not be redirected: no path of the spec ends in a slash.
        self.router.redirect_slashes = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # lifespan
            await super().__call__(scope, receive, send)
            return
        faults = self._faults
        if faults.is_empty():
            found = self._operations.match(scope)  # `_serve`, one call shorter
            if found is not None:
                await found[0](scope, receive, send, found[1])
            else:
                await self._serve_other(scope, receive, send)
            return
        authorization = first_values(scope["headers"]).get(b"authorization")
        api_key = self.control.state.api_key(authorization)
        try:
            fault = faults.take(api_key, scope["method"], sent_path(scope))
        except Exception:  # faults kept in a store that fails (Redis)
            await failed().send(send)
            return
        if fault is None:
            await self._serve(scope, receive, send)
            return
        head_at = head_arrived(scope)
        answer_id = await misbehave(fault, self._serve, scope, receive, send)
        if answer_id is not None and self._journal is not None and fault.status is not None:
            self._record(scope, api_key, fault.status, answer_id, head_at)

    def at_once(self, scope: Scope, body_size: int) -> tuple[PathEndpoint, dict[str, str]] | None:
        """The endpoint that can answer this request without ASGI (`PathEndpoint.answer_now`)
        once its body of `body_size` bytes has arrived, and the path's parameters; None when
        it needs ASGI: a fault is set, no spec path matches, or the body is over the limit."""
        if body_size > MAX_BODY_BYTES or not self._faults.is_empty():
            return None
        return self._operations.match(scope)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = self._operations.match(scope)
        if found is not None:
            endpoint, path_params = found
            await endpoint(scope, receive, send, path_params)
        else:
            await self._serve_other(scope, receive, send)

    async def _serve_other(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A control, or a path the spec does not have: Starlette's."""
        if self._journal is None or scope["path"].startswith(CONTROL_PREFIX):
            await super().__call__(scope, receive, send)
        else:
            await self._serve_recorded(scope, receive, send)

    async def _serve_recorded(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A path the spec does not have, recorded in the journal (the slow path)."""
        head_at = head_arrived(scope)
        answer: dict[str, Any] = {}

        async def watching(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
                answer["id"] = first_values(message["headers"]).get(b"x-request-id", b"")
            await send(message)

        await super().__call__(scope, receive, watching)
        if "status" in answer:
            api_key = self.control.state.api_key(
                first_values(scope["headers"]).get(b"authorization")
            )
            request_id = answer["id"].decode("latin-1")
            self._record(scope, api_key, answer["status"], request_id, head_at)

    def _record(
        self,
        scope: Scope,
        api_key: str | None,
        status: int,
        request_id: str,
        head_at: float,
    ) -> None:
        """Record the answered request: its head arrived at `head_at` (`perf_counter`)."""
        assert self._journal is not None
        sent = sent_path(scope)
        template = self.control.state.routes.names(sent)[2]
        operation_id = None
        if template is not None:
            operation_id = self._operations.operation_id(template, scope["method"])
        answered = perf_counter()
        headers = filtered(scope["headers"])
        self._journal.record(
            api_key,
            (
                time() - (answered - head_at),
                scope["method"],
                sent,
                operation_id,
                status,
                (answered - head_at) * 1000,
                headers,
                None,
                request_id,
                scope["query_string"],
            ),
        )


def create_app(
    api_keys: Iterable[str],
    merchant_id: str | None = None,
    spec: Mapping[str, Any] | None = None,
    *,
    admin_token: str | None = None,
    journal_size: int = DEFAULT_JOURNAL_SIZE,
    store: Store | str | None = None,
) -> MockApp:
    """The mock as an ASGI app accepting `api_keys`, serving the spec (default: shipped copy).

    `admin_token`: a `Bearer` token for control calls on every merchant (none by default).
    `journal_size`: requests kept per API key in the journal (0: no journal). `store`: where
    customers live, a `Store` or a URL for `open_store` (`"memory"`, the default;
    `"sqlite:///mock.db"`).

    `ValueError` for an empty API key, one containing `:` (Basic auth could not carry it), a
    `merchant_id` no header can carry, an admin token that is not printable ASCII, a journal
    size outside 0-1,000,000, or a `Store` opened for other keys.
    """
    compiled = compile_spec(load_spec() if spec is None else spec)
    state = State(compiled, api_keys, merchant_id, None if isinstance(store, str) else store)
    if isinstance(store, str):  # opened once the keys are known to be good
        state.store = open_store(store, state.api_keys)
    missing = [index for index, key in enumerate(state.api_keys) if key not in state.store]
    if missing:  # its requests would fail, and log the key; by index: a key is never shown
        raise ValueError(f"juspay_mock: the store was opened without api_keys{missing}")
    journal: Recorder = Journal(journal_size)
    faults: FaultQueue | None = None
    shared = getattr(state.store, "shared", None)
    if shared is not None:  # a store several processes share: journal and faults with it
        journal, faults = shared(journal_size, state.routes)
    control = Controls(state, journal, admin_token, faults)
    return MockApp(control, Operations(state, compiled, journal if journal_size else None))
