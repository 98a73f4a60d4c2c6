"""Juspay-shaped JSON responses: the customer body and every error the mock answers."""

from __future__ import annotations

import itertools
import json
import os
import secrets
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any, NamedTuple

import orjson
from juspay_customers._errors import FieldError
from starlette.responses import Response
from starlette.types import Send

_JSON_HEADER = (b"content-type", b"application/json")
# `Answer.send`'s first three headers as lines: its Content-Length and x-request-id to fill in
_JSON_LINES = b"content-type: application/json\r\ncontent-length: %d\r\nx-request-id: %s\r\n"
# Request ids need to be unique, not secret: a random prefix per process, then a counter.
_REQUEST_ID_PREFIX = secrets.token_hex(4)
_request_numbers = itertools.count()


def _new_process() -> None:
    """A forked worker (`--workers`) numbers its answers apart from its siblings."""
    global _REQUEST_ID_PREFIX, _request_numbers
    _REQUEST_ID_PREFIX = secrets.token_hex(4)
    _request_numbers = itertools.count()


os.register_at_fork(after_in_child=_new_process)


def dumps(body: Any) -> bytes:
    """Compact UTF-8 JSON, as the real service sends it (orjson: a tenth of `json`'s time).

    orjson's bytes keep their 4 KiB working buffer; the store keeps 100,000s of bodies, so
    each is copied to its own size (8x less memory, and no page faults on every create).
    """
    return bytes(memoryview(orjson.dumps(body)))


def loads(body: bytes) -> Any:
    """A body `dumps` made, decoded: the stored customers, on every update."""
    return orjson.loads(body)


def request_id() -> str:
    """A new `x-request-id`, which Juspay's answers all carry."""
    return f"{_REQUEST_ID_PREFIX}{next(_request_numbers):08x}"


class Answer(NamedTuple):
    """A JSON answer with its status and extra headers, sent to an ASGI `send` or written by
    the mock's protocol (`head_lines`)."""

    status: int
    body: bytes
    headers: tuple[tuple[bytes, bytes], ...] = ()

    async def send(self, send: Send, answer_id: str | None = None) -> str:
        """Send the answer with `answer_id` as its `x-request-id` (by default, a new one);
        that id."""
        if answer_id is None:
            answer_id = request_id()
        headers = [
            _JSON_HEADER,
            (b"content-length", b"%d" % len(self.body)),
            (b"x-request-id", answer_id.encode()),
        ]
        if self.headers:
            headers += self.headers
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})
        return answer_id

    def head_lines(self, answer_id: str) -> bytes:
        """The header lines (`name: value\\r\\n` each) `send(send, answer_id)` sends."""
        lines = _JSON_LINES % (len(self.body), answer_id.encode())
        if self.headers:
            lines += b"".join(name + b": " + value + b"\r\n" for name, value in self.headers)
        return lines


def header(name: str, value: str) -> tuple[bytes, bytes]:
    """An ASGI response header."""
    return name.lower().encode("latin-1"), value.encode("latin-1")


def json_response(
    status: int, content: bytes, headers: Mapping[str, str] | None = None
) -> Response:
    """The Starlette form of an `Answer`, for the control endpoints' error handler."""
    extra = {"x-request-id": request_id(), **(headers or {})}
    return Response(content, status_code=status, headers=extra, media_type="application/json")


def printable(text: str) -> str:
    """`text` as UTF-8 can carry it: lone surrogates (from a `\\ud800` in JSON input) escaped.

    Error messages name what a client sent; no client input may make an answer unencodable.
    """
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def generic_error(status: int, detail: str) -> bytes:
    """An error body for statuses the spec gives no example of (405, 415, faults…)."""
    phrase = HTTPStatus(status).phrase
    slug = phrase.lower().replace(" ", "_").replace("-", "_")
    return dumps(
        {
            "status": "error",
            "error_code": slug,
            "error_message": phrase,
            "error_info": {
                "user_message": phrase,
                "developer_message": printable(detail),
                "code": slug.upper(),
                "category": "USER_ERROR" if status < 500 else "SERVER_ERROR",
            },
        }
    )


class ErrorBodies:
    """The error bodies of the spec's examples, serialised once at start-up."""

    __slots__ = ("_invalid", "access_denied", "duplicate", "not_found")

    def __init__(self, examples: Mapping[str, Any]) -> None:
        self._invalid: Mapping[str, Any] = examples["InvalidInput"]
        self.not_found = dumps(examples["NotFound"])
        self.duplicate = dumps(examples["Duplicate"])
        self.access_denied = dumps(examples["AccessDenied"])

    def access_denied_because(self, detail: str) -> bytes:
        return self._because(self.access_denied, detail)

    def duplicate_because(self, detail: str) -> bytes:
        return self._because(self.duplicate, detail)

    @staticmethod
    def _because(example: bytes, detail: str) -> bytes:
        """`example` with `detail` as its developer message."""
        body = json.loads(example)
        body["error_info"]["developer_message"] = detail
        return dumps(body)

    def invalid(self, errors: Iterable[FieldError]) -> bytes:
        """The `InvalidInput` example, naming each offending field and its reason."""
        unique = [
            FieldError(printable(e.field_name), printable(e.reason)) for e in dict.fromkeys(errors)
        ]
        names = ", ".join(dict.fromkeys(error.field_name for error in unique))
        return dumps(
            {
                **self._invalid,
                "error_message": f"Invalid value for field: {names}",
                "error_info": {
                    **self._invalid["error_info"],
                    "developer_message": "; ".join(f"{e.field_name}: {e.reason}" for e in unique),
                    "fields": [{"field_name": e.field_name, "reason": e.reason} for e in unique],
                },
            }
        )
