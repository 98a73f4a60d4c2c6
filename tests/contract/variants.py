"""Broken variants of the mock server: each wraps the real app and adds exactly one defect.

They exist to test the tests: the contract suite must fail on every one of them, and fail in
the check that is meant to catch that defect.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode

from juspay_mock import MockApp
from starlette.types import ASGIApp, Message, Receive, Scope, Send

Variant = Callable[[MockApp, str], ASGIApp]
"""Builds a broken app from the real one and the API key the suite authenticates with."""


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    """A `receive` that hands the app `body` in one message, then reports a disconnect."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _with_header(
    headers: list[tuple[bytes, bytes]], name: bytes, value: bytes
) -> list[tuple[bytes, bytes]]:
    return [(key, val) for key, val in headers if key.lower() != name] + [(name, value)]


def _is_api_request(scope: Scope) -> bool:
    return scope["type"] == "http" and not scope["path"].startswith("/_mock/")


def keeps_no_state(app: MockApp, api_key: str) -> ASGIApp:
    """Forgets every customer as soon as it has answered, like a mock that replays examples."""

    async def forgetful(scope: Scope, receive: Receive, send: Send) -> None:
        await app(scope, receive, send)
        app.control.reset()

    return forgetful


def accepts_any_credentials(app: MockApp, api_key: str) -> ASGIApp:
    """Treats every request, whatever its Authorization header (or none), as the merchant's."""
    valid = b"Basic " + base64.b64encode(f"{api_key}:".encode())

    async def trusting(scope: Scope, receive: Receive, send: Send) -> None:
        if _is_api_request(scope):
            scope = {**scope, "headers": _with_header(scope["headers"], b"authorization", valid)}
        await app(scope, receive, send)

    return trusting


def answers_undocumented_field(app: MockApp, api_key: str) -> ASGIApp:
    """Adds a field the spec does not have to every customer it answers."""

    async def embellishing(scope: Scope, receive: Receive, send: Send) -> None:
        if not _is_api_request(scope):
            await app(scope, receive, send)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            if start["status"] == 200:
                body = json.dumps({**json.loads(body), "loyalty_tier": "gold"}).encode()
            headers = _with_header(start["headers"], b"content-length", str(len(body)).encode())
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body, "more_body": False})

        await app(scope, receive, capture)

    return embellishing


def accepts_missing_required_field(app: MockApp, api_key: str) -> ASGIApp:
    """Creates a customer without `mobile_number` (making one up) instead of answering 400."""

    async def lenient(scope: Scope, receive: Receive, send: Send) -> None:
        content_type = dict(scope["headers"]).get(b"content-type", b"")
        is_form_create = (
            _is_api_request(scope)
            and (scope["method"], scope["path"]) == ("POST", "/customers")
            and content_type.startswith(b"application/x-www-form-urlencoded")
        )
        if not is_form_create:
            await app(scope, receive, send)
            return
        fields = parse_qsl(
            (await _read_body(receive)).decode("utf-8", "replace"), keep_blank_values=True
        )
        if not any(name == "mobile_number" for name, _ in fields):
            fields.append(("mobile_number", "9988776655"))
        body = urlencode(fields).encode()
        headers = _with_header(scope["headers"], b"content-length", str(len(body)).encode())
        await app({**scope, "headers": headers}, _replay(body), send)

    return lenient


def answers_405_without_allow(app: MockApp, api_key: str) -> ASGIApp:
    """Answers a method the path does not have with 405 but no `Allow` header, as Prism does."""

    async def unhelpful(scope: Scope, receive: Receive, send: Send) -> None:
        async def without_allow(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                headers = [(k, v) for k, v in message["headers"] if k.lower() != b"allow"]
                message = {**message, "headers": headers}
            await send(message)

        await app(scope, receive, without_allow)

    return unhelpful
