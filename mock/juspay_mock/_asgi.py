"""A request read straight from the ASGI scope and receive channel, with no wrapper objects."""

from __future__ import annotations

from urllib.parse import unquote_plus

from starlette.types import Receive

RawHeaders = list[tuple[bytes, bytes]]


class BodyTooLarge(Exception):
    """The request body is over the size limit (answered 413)."""


class Disconnected(Exception):
    """The client went away before its body arrived: there is no one to answer."""


def first_values(headers: RawHeaders) -> dict[bytes, bytes]:
    """Each header's first value by its (lower-case) name, as `Request.headers.get` gives."""
    values: dict[bytes, bytes] = {}
    for name, value in headers:
        values.setdefault(name, value)
    return values


async def read_body(receive: Receive, content_length: bytes | None, limit: int) -> bytes:
    """The whole body; `BodyTooLarge` past `limit` bytes, `Disconnected` if the client left."""
    if content_length is not None and content_length.isdigit() and int(content_length) > limit:
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
