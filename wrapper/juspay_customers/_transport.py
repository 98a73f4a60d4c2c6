"""Sending one request with httpx, sync or async: never following a redirect, and reading the
answer's body within a size limit and the read timeout.

httpx bounds each socket read by the read timeout, not a whole body, and reads and decodes any
body whole: a server sending a byte at a time, or a small gzip answer that inflates to
gigabytes, would hold a call, or its memory, for as long as it liked. So the body is read raw
and inflated here, never past the limit (zlib's `max_length`); the client asks for the two
codings it can bound (`ACCEPT_ENCODING`), and an answer in another (`br`, `zstd`, or several
layered) is not decoded at all. A redirect is an answer here, never followed, even by a
caller's `http_client` built with `follow_redirects=True`: a request reaches only its own
operation's path.
"""

from __future__ import annotations

import time
import zlib
from typing import TYPE_CHECKING, Final

import httpx

from ._errors import APIConnectionError, APIResponseValidationError, body_text

if TYPE_CHECKING:
    from ._core import Reply, Request

# Bytes of an answer's body (after Content-Encoding) that are read; a customer is under 2 KB.
# Past it, a success is an APIResponseValidationError and an error status keeps this much.
MAX_ANSWER_BYTES: Final = 1024 * 1024
# The codings a request accepts: those zlib inflates within a bound.
ACCEPT_ENCODING: Final = "gzip, deflate"
_WINDOW: Final = {"gzip": zlib.MAX_WBITS | 16, "deflate": zlib.MAX_WBITS}


class _Body:
    """An answer's body as it streams in (raw): inflated, cut at MAX_ANSWER_BYTES, and due
    within the read timeout from its headers (`httpx.ReadTimeout` past it, which a call
    retries as any). A coding other than one gzip or deflate layer is kept raw, undecoded."""

    __slots__ = (
        "_chunks",
        "_deadline",
        "_inflater",
        "_raw_deflate_next",
        "_raw_size",
        "_response",
        "over",
        "size",
        "undecoded",
    )

    def __init__(self, response: httpx.Response, timeout: httpx.Timeout) -> None:
        self._response = response
        self._chunks: list[bytes] = []
        self._deadline = None if timeout.read is None else time.monotonic() + timeout.read
        self.size = 0
        self._raw_size = 0
        self.over = False  # past the limit: read no further
        header = response.headers.get("content-encoding", "")
        codings = [
            c for c in header.replace(" ", "").lower().split(",") if c not in ("", "identity")
        ]
        self._inflater = None
        self.undecoded = ""  # the Content-Encoding left undecoded, if any
        # As httpx does: a `deflate` body that fails at its start is tried as raw deflate.
        self._raw_deflate_next = codings == ["deflate"]
        if len(codings) == 1 and codings[0] in _WINDOW:
            self._inflater = zlib.decompressobj(_WINDOW[codings[0]])
        elif codings:
            self.undecoded = header

    def add_read(self, content: bytes) -> None:
        """The whole body, read and decoded already: an in-process transport's answer
        (`httpx.MockTransport`, respx), which holds no raw bytes to stream."""
        self._inflater, self.undecoded = None, ""
        self._keep(content)

    def add(self, raw: bytes) -> bool:
        """Keep the body's next `raw` bytes; False to read no further: it is over the limit,
        raw or inflated, or its compressed stream has ended (what follows is not the body,
        as zlib's `unused_data`)."""
        if self._inflater is None or not raw:
            return self._keep(raw)
        self._raw_size += len(raw)
        if self._raw_size > MAX_ANSWER_BYTES:  # endless empty blocks inflate to nothing
            self.over = True
            return False
        chunk = self._inflate(raw)
        if chunk:
            self._raw_deflate_next = False  # it inflated: it has zlib's header
        return self._keep(chunk) and not self._inflater.eof

    def _keep(self, chunk: bytes) -> bool:
        self.size += len(chunk)
        if self.size > MAX_ANSWER_BYTES:
            self._chunks.append(chunk[: len(chunk) - (self.size - MAX_ANSWER_BYTES)])
            self.over = True
            return False
        self._chunks.append(chunk)
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise httpx.ReadTimeout(
                "the answer's body did not arrive within the read timeout",
                request=self._response.request,
            )
        return True

    def _inflate(self, raw: bytes) -> bytes:
        """`raw` inflated, at most one byte past what the limit leaves (zlib's `max_length`),
        however much it would inflate to."""
        assert self._inflater is not None
        try:
            return self._inflater.decompress(raw, MAX_ANSWER_BYTES - self.size + 1)
        except zlib.error as error:
            if self._raw_deflate_next:  # `deflate` is often sent raw, without zlib's header
                self._raw_deflate_next = False
                self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                return self._inflate(raw)
            raise httpx.DecodingError(
                f"the answer's body is not valid {self._response.headers['content-encoding']}",
                request=self._response.request,
            ) from error

    def finish(self) -> httpx.Response:
        response = self._response
        if self._inflater is not None and not self.over:
            self._keep(self._inflater.flush())  # what it held back: its input is all taken
        response._content = b"".join(self._chunks)  # as httpx's own read() keeps the body
        if response.is_success and (self.over or self.undecoded):
            why = (
                f"its Content-Encoding ({self.undecoded}) is none the client asked for"
                f" ({ACCEPT_ENCODING}); it is kept undecoded"
                if self.undecoded
                else f"it is over {MAX_ANSWER_BYTES} bytes, raw or inflated (at most the first"
                f" {MAX_ANSWER_BYTES} are kept)"
            )
            raise APIResponseValidationError(
                f"HTTP {response.status_code} but the body is not a customer: {why}",
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
            if response.is_stream_consumed:
                body.add_read(response.content)
            else:
                for chunk in response.iter_raw():
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
            if response.is_stream_consumed:
                body.add_read(response.content)
            else:
                async for chunk in response.aiter_raw():
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
    """httpx's RuntimeError for a client that is closed (nothing sent), or any other raised
    while sending (by httpx, or a caller's event hook)."""
    from ._core import closed_client_error, runtime_error

    return closed_client_error(request) if closed else runtime_error(request, error)
