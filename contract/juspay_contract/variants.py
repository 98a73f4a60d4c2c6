"""Broken variants of the mock server: each wraps the real app and adds exactly one fault.

They test the tests: `juspay-contract prove` runs the suite against every one and expects each
to fail in the check meant to catch its fault. Each is ASGI middleware around
`juspay_mock.create_app(...)` that rewrites requests or answers; only `keeps_no_state` reaches
into the mock, through its public `control.reset()`. Needs the `[mock]` extra.
"""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode

from attrs import frozen
from juspay_mock import MockApp, create_app
from starlette.types import ASGIApp, Message, Receive, Scope, Send

Build = Callable[[MockApp, str], ASGIApp]
"""Builds a broken app from the real one and the API key the suite authenticates with."""

FORM = b"application/x-www-form-urlencoded"
UPDATABLE = ("mobile_number", "email_address", "first_name", "last_name", "mobile_country_code")
# How long a racy create holds the store between reading and writing it (seconds).
RACE_WINDOW = 0.01


@frozen
class Variant:
    """A known fault, the check that must catch it, and how to build a mock that has it."""

    name: str
    fault: str
    caught_by: str
    build: Build

    def app(self, api_key: str) -> ASGIApp:
        """A fresh mock accepting `api_key`, with this variant's fault."""
        return self.build(create_app([api_key]), api_key)


# --- ASGI plumbing -----------------------------------------------------------------------


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


def _is_create(scope: Scope) -> bool:
    return _is_api_request(scope) and (scope["method"], scope["path"]) == ("POST", "/customers")


def _rewriting_customers(app: ASGIApp, rewrite: Callable[[Scope, dict[str, Any]], None]) -> ASGIApp:
    """`app`, with `rewrite(scope, customer)` applied to every customer it answers with 200."""

    async def rewriting(scope: Scope, receive: Receive, send: Send) -> None:
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
                customer = json.loads(body)
                rewrite(scope, customer)
                body = json.dumps(customer).encode()
            headers = _with_header(start["headers"], b"content-length", str(len(body)).encode())
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body, "more_body": False})

        await app(scope, receive, capture)

    return rewriting


# --- the faults --------------------------------------------------------------------------


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

    def embellish(scope: Scope, customer: dict[str, Any]) -> None:
        customer["loyalty_tier"] = "gold"

    return _rewriting_customers(app, embellish)


def accepts_missing_required_field(app: MockApp, api_key: str) -> ASGIApp:
    """Creates a customer without `mobile_number` (making one up) instead of answering 400."""

    async def lenient(scope: Scope, receive: Receive, send: Send) -> None:
        content_type = dict(scope["headers"]).get(b"content-type", b"")
        if not (_is_create(scope) and content_type.startswith(FORM)):
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


def drops_updates(app: MockApp, api_key: str) -> ASGIApp:
    """Answers an update as applied, but reads go on showing the customer as created."""
    as_created: dict[str, dict[str, Any]] = {}

    def forget_updates(scope: Scope, customer: dict[str, Any]) -> None:
        if _is_create(scope):
            kept = (*UPDATABLE, "last_updated")
            as_created[customer["id"]] = {key: customer[key] for key in kept if key in customer}
        elif scope["method"] == "GET" and customer.get("id") in as_created:
            original = as_created[customer["id"]]
            for key in (*UPDATABLE, "last_updated"):
                if key in original:
                    customer[key] = original[key]
                else:
                    customer.pop(key, None)

    return _rewriting_customers(app, forget_updates)


def answers_token_unasked(app: MockApp, api_key: str) -> ASGIApp:
    """Hands out a client auth token with every customer, asked for or not."""

    def leak_token(scope: Scope, customer: dict[str, Any]) -> None:
        if "id" in customer and "juspay" not in customer:
            expiry = datetime.now(UTC) + timedelta(minutes=15)
            customer["juspay"] = {
                "client_auth_token": f"tkn_{secrets.token_hex(10)}",
                "client_auth_token_expiry": expiry.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }

    return _rewriting_customers(app, leak_token)


def loses_concurrent_creates(app: MockApp, api_key: str) -> ASGIApp:
    """A racy store: of creates that overlap, only the last one started is kept; the others
    are answered 200 (from a scratch store) and never stored."""
    scratch = create_app([api_key])
    started = 0

    async def racy(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal started
        if not _is_create(scope):
            await app(scope, receive, send)
            return
        started += 1
        ticket = started
        await asyncio.sleep(RACE_WINDOW)
        await (app if started == ticket else scratch)(scope, receive, send)

    return racy


BROKEN_VARIANTS: tuple[Variant, ...] = (
    Variant(
        "keeps_no_state",
        "forgets every customer once it has answered",
        "get_returns_what_create_wrote",
        keeps_no_state,
    ),
    Variant(
        "accepts_any_credentials",
        "serves requests with a wrong key or none",
        "ignored_auth",
        accepts_any_credentials,
    ),
    Variant(
        "answers_undocumented_field",
        "adds a field the spec does not declare",
        "no_undocumented_fields",
        answers_undocumented_field,
    ),
    Variant(
        "accepts_missing_required_field",
        "creates a customer without mobile_number",
        "negative_data_rejection",
        accepts_missing_required_field,
    ),
    Variant(
        "answers_405_without_allow",
        "answers 405 without an Allow header",
        "unsupported_method",
        answers_405_without_allow,
    ),
    Variant(
        "drops_updates",
        "answers an update as applied but does not keep it",
        "update_persists",
        drops_updates,
    ),
    Variant(
        "answers_token_unasked",
        "answers a client auth token nobody asked for",
        "token_only_when_asked",
        answers_token_unasked,
    ),
    Variant(
        "loses_concurrent_creates",
        "loses customers created at the same moment",
        "concurrent_creates_are_kept",
        loses_concurrent_creates,
    ),
)
