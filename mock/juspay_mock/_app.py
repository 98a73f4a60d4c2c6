"""The mock's ASGI app: the spec's operations on a lean path, and the test controls."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from ._asgi import parse_json, repeated_keys
from ._control import Control
from ._faults import misbehave
from ._operations import MAX_BODY_BYTES, Operations
from ._responses import generic_error, json_response
from ._spec import compile_spec, load_spec


def _control_routes(control: Control) -> list[Route]:
    """`POST /_mock/reset|seed|faults`: the test controls, outside the spec's paths."""

    async def reset(request: Request) -> Response:
        control.reset()
        return Response(status_code=204)

    async def seed(request: Request) -> Response:
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
        _control_call(control.seed, customers, api_key)
        return Response(status_code=204)

    async def faults(request: Request) -> Response:
        _control_call(control.inject, **await _control_json(request, "faults"))
        return Response(status_code=204)

    return [
        Route(f"/_mock/{endpoint.__name__}", endpoint, methods=["POST"])
        for endpoint in (reset, seed, faults)
    ]


async def _control_json(request: Request, control: str) -> dict[str, Any]:
    """The body as a JSON object; 400 if it is none, or gives any name twice in one object."""
    try:
        raw = await request.body()
    except ClientDisconnect:  # no one to answer: this answer goes nowhere, quietly
        raise HTTPException(400, f"{control}: the client left before its body arrived") from None
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


class MockApp(Starlette):
    """Fault injection in front of everything; the spec's operations on their own lean path.

    Starlette serves the rest: the control endpoints and paths the spec does not have.
    """

    def __init__(self, control: Control, operations: Operations) -> None:
        super().__init__(
            routes=_control_routes(control),
            exception_handlers={HTTPException: _http_error},
            max_body_size=MAX_BODY_BYTES,
        )
        self.control = control
        self._operations = operations
        # "/customers/" + "%2F" must not be redirected: no path of the spec ends in a slash.
        self.router.redirect_slashes = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # lifespan
            await super().__call__(scope, receive, send)
            return
        fault = self.control.faults.take(scope["method"], scope["path"])
        if fault is None:
            await self._serve(scope, receive, send)
        else:
            await misbehave(fault, self._serve, scope, receive, send)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = self._operations.match(scope["path"])
        if found is None:
            await super().__call__(scope, receive, send)
        else:
            endpoint, path_params = found
            await endpoint(scope, receive, send, path_params)


def create_app(
    api_keys: Iterable[str], merchant_id: str | None = None, spec: Mapping[str, Any] | None = None
) -> MockApp:
    """The mock as an ASGI app accepting `api_keys`, serving the spec (default: shipped copy).

    `ValueError` for an empty API key, one containing `:` (Basic auth could not carry it), or
    a `merchant_id` no header can carry.
    """
    compiled = compile_spec(load_spec() if spec is None else spec)
    control = Control(compiled, api_keys, merchant_id)
    return MockApp(control, Operations(control, compiled))
