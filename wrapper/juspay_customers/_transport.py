"""Sending one request with httpx, sync or async: never following a redirect, and reading the
answer's body within a size limit and the read timeout.

httpx bounds each socket read by the read timeout, not a whole body, and reads any body whole:
a server sending a byte at a time, or a small gzip answer that inflates to gigabytes, would hold
a call, or its memory, for as long as it liked. A redirect is an answer here, never followed,
even by a caller's `http_client` built with `follow_redirects=True`: a request reaches only
its own operation's path.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Final

import httpx

from ._errors import APIConnectionError, APIResponseValidationError, body_text

if TYPE_CHECKING:
    from ._core import Reply, Request

# Bytes of an answer's body (after Content-Encoding) that are read; a customer is under 2 KB.
# Past it, a success is an APIResponseValidationError and an error status keeps this much.
MAX_ANSWER_BYTES: Final = 1024 * 1024


class _Body:
    """An answer's body as it streams in: cut at MAX_ANSWER_BYTES, and due within the read
    timeout from its headers (`httpx.ReadTimeout` past it, which a call retries as any)."""

    __slots__ = ("_chunks", "_deadline", "_response", "size")

    def __init__(self, response: httpx.Response, timeout: httpx.Timeout) -> None:
        self._response = response
        self._chunks: list[bytes] = []
        self._deadline = None if timeout.read is None else time.monotonic() + timeout.read
        self.size = 0

    def add(self, chunk: bytes) -> bool:
        """Keep `chunk`; False once the body is over the limit (read no further)."""
        self.size += len(chunk)
        if self.size > MAX_ANSWER_BYTES:
            self._chunks.append(chunk[: len(chunk) - (self.size - MAX_ANSWER_BYTES)])
            return False
        self._chunks.append(chunk)
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise httpx.ReadTimeout(
                "the answer's body did not arrive within the read timeout",
                request=self._response.request,
            )
        return True

    def finish(self) -> httpx.Response:
        response = self._response
        response._content = b"".join(self._chunks)  # as httpx's own read() keeps the body
        if self.size > MAX_ANSWER_BYTES and response.is_success:
            raise APIResponseValidationError(
                f"HTTP {response.status_code} but the body is not a customer: it is over "
                f"{MAX_ANSWER_BYTES} bytes (the first {MAX_ANSWER_BYTES} are kept)",
                response=response,
                body=body_text(response),
            )
        return response


def _timeout(http: httpx.Client | httpx.AsyncClient, request: Request) -> httpx.Timeout:
    timeout: httpx.Timeout | None = request.kwargs.get("timeout")
    return http.timeout if timeout is None else timeout


def send(http: httpx.Client, request: Request) -> Reply:
    """The answer to `request` (its body read), or the transport error that replaced it."""
    try:
        response = http.send(
            http.build_request(**request.kwargs), stream=True, follow_redirects=False
        )
        body = _Body(response, _timeout(http, request))
        try:
            for chunk in response.iter_bytes():
                if not body.add(chunk):
                    break
        finally:
            response.close()
        return body.finish()
    except httpx.RequestError as error:
        return error
    except RuntimeError as error:
        raise _unusable(http.is_closed, request, error) from None


async def send_async(http: httpx.AsyncClient, request: Request) -> Reply:
    """`send`, with an `httpx.AsyncClient`."""
    try:
        response = await http.send(
            http.build_request(**request.kwargs), stream=True, follow_redirects=False
        )
        body = _Body(response, _timeout(http, request))
        try:
            async for chunk in response.aiter_bytes():
                if not body.add(chunk):
                    break
        finally:
            await response.aclose()
        return body.finish()
    except httpx.RequestError as error:
        return error
    except RuntimeError as error:
        raise _unusable(http.is_closed, request, error) from None


def _unusable(closed: bool, request: Request, error: RuntimeError) -> APIConnectionError:
    """httpx's RuntimeError for a client that cannot send: it is closed, or (async) its
    connections belong to an event loop that has closed since (`asyncio.run` per job)."""
    from ._core import closed_client_error, other_loop_error

    return closed_client_error(request) if closed else other_loop_error(request, error)
