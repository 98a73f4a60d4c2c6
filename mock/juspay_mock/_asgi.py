"""A request read straight from the ASGI scope and receive channel, with no wrapper objects."""

from __future__ import annotations

import json
import math
from time import perf_counter
from typing import Any
from urllib.parse import quote, unquote_plus

from starlette.types import Receive, Scope

RawHeaders = list[tuple[bytes, bytes]]
OWS = b" \t"  # optional whitespace around a field value, not part of it (RFC 9110 5.5)
# Where the mock's protocol (`_uvicorn`) notes when a request's head arrived (`perf_counter`),
# for either way in: a request pipelined behind others starts its ASGI cycle only on its turn.
HEAD_AT = "juspay_mock.head_at"


class BodyTooLarge(Exception):
    """The request body is over the size limit (answered 413)."""


class Disconnected(Exception):
    """The client went away before its body arrived: there is no one to answer."""


def first_values(headers: RawHeaders) -> dict[bytes, bytes]:
    """Each header's first value by its (lower-case) name, without surrounding whitespace.

    The server already strips it (`_uvicorn`); this serves the app under any ASGI server.
    """
    values: dict[bytes, bytes] = {}
    for name, value in headers:
        if name not in values:
            values[name] = value.strip(OWS)
    return values


def head_arrived(scope: Scope) -> float:
    """When the request's head arrived (`perf_counter`): as the mock's protocol noted it, or
    now, under a server that does not note it."""
    noted: float | None = scope.get(HEAD_AT)
    return perf_counter() if noted is None else noted


def sent_path(scope: Scope) -> bytes:
    """The request's path as sent: ASGI's `raw_path` (percent-encoding kept), or `path`
    encoded again where the server gives no `raw_path`."""
    raw: bytes | None = scope.get("raw_path")
    return quote(scope["path"], safe="/").encode("ascii") if raw is None else raw


async def read_body(receive: Receive, content_length: bytes | None, limit: int) -> bytes:
    """The whole body; `BodyTooLarge` past `limit` bytes, `Disconnected` if the client left."""
    if content_length is not None and _declared_size(content_length) > limit:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise Disconnected
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _declared_size(content_length: bytes) -> int:
    """The size a `Content-Length` declares; 0 if it declares none (the body decides then)."""
    digits = content_length.strip().lstrip(b"0")
    if not digits.isdigit():
        return 0
    return int(digits) if len(digits) < 19 else 1 << 63  # `int()` refuses 4,300+ digits


def form_pairs(text: str) -> list[tuple[str, str]]:
    """The `name=value&...` pairs of a form or query string, blank values kept.

    What `urllib.parse.parse_qsl(text, keep_blank_values=True)` returns, without its cost for
    the usual fields that need no unquoting.
    """
    pairs = []
    for field in text.split("&"):
        if field:
            name, _, value = field.partition("=")
            pairs.append((_unquote(name), _unquote(value)))
    return pairs


def _unquote(text: str) -> str:
    return unquote_plus(text) if "%" in text or "+" in text else text


class RepeatedKeys(dict[str, Any]):
    """A JSON object in which some names were given more than once (the last value is kept)."""

    __slots__ = ("repeated",)

    def __init__(self, pairs: list[tuple[str, Any]], repeated: tuple[str, ...]) -> None:
        super().__init__(pairs)
        self.repeated = repeated


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) == len(pairs):  # the usual case
        return document
    seen: set[str] = set()
    repeated: dict[str, None] = {}
    for name, _ in pairs:
        if name in seen:
            repeated[name] = None
        seen.add(name)
    return RepeatedKeys(pairs, tuple(repeated))


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is too large a number")
    return number


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json(raw: bytes) -> Any:
    """A request body as strict JSON (RFC 8259); `ValueError` saying why it is none.

    UTF-8 only; no `NaN` or `Infinity`, no number too large for a float; nesting only as deep
    as the parser's recursion allows (a body of 100,000 `[` is a `ValueError`, not a crash).
    Objects whose names repeat come back as `RepeatedKeys`, so that callers can refuse them.
    """
    try:
        return json.loads(
            raw.decode("utf-8"),
            object_pairs_hook=_json_object,
            parse_float=_finite,
            parse_constant=_no_constant,
        )
    except RecursionError:
        raise ValueError("it is nested too deeply") from None


def repeated_keys(document: Any) -> list[str]:
    """Where a name was given twice in one object of a `parse_json` document (`a[0].b`)."""
    found: list[str] = []
    pending: list[tuple[str, Any]] = [("", document)]
    while pending:  # not recursive: the document may be nested as deep as the parser allows
        path, node = pending.pop()
        if isinstance(node, dict):
            prefix = f"{path}." if path else ""
            if isinstance(node, RepeatedKeys):
                found += [prefix + name for name in node.repeated]
            pending += [(prefix + name, value) for name, value in reversed(node.items())]
        elif isinstance(node, list):
            indexed = [(f"{path}[{index}]", item) for index, item in enumerate(node)]
            pending += reversed(indexed)
    return found
