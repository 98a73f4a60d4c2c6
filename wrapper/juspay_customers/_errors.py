"""The one exception hierarchy, rooted in JuspayError, with the names Juspay's SDKs use.

JuspayError
├── ParameterError (also a ValueError): bad input, nothing sent
├── APIConnectionError: no HTTP answer
│   ├── APITimeoutError
│   └── CreateNotConfirmedError: a create that may have been applied
└── APIStatusError: an answer with an error status (or a success that is no customer)
    ├── InvalidRequestError (400)
    │   └── NotFoundError (404)
    ├── AuthenticationError (401)
    ├── AuthorizationError (403)
    ├── RateLimitError (429)
    └── APIError (5xx, any other status)
        └── APIResponseValidationError: a 2xx whose body is not the customer promised
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import httpx

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "AuthorizationError",
    "CreateNotConfirmedError",
    "FieldError",
    "InvalidRequestError",
    "JuspayError",
    "NotFoundError",
    "ParameterError",
    "RateLimitError",
]


class JuspayError(Exception):
    """Base of every error this package raises."""


class ParameterError(JuspayError, ValueError):
    """Bad input caught before any request was sent; `field` names the culprit."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class APIConnectionError(JuspayError):
    """No HTTP answer at all: the connection failed, was dropped, or timed out."""

    def __init__(self, message: str, *, method: str, path: str) -> None:
        super().__init__(message)
        self.method = method
        self.path = path


class APITimeoutError(APIConnectionError):
    """The request timed out; the server may still have acted on it."""


class CreateNotConfirmedError(APIConnectionError):
    """A create may have been applied but could not be confirmed: an attempt lost its answer,
    a retry met `unique`, and fetching the customer under that `object_reference_id` then
    failed (an error status, a body that is no customer, or no answer). It is NOT known to be
    a duplicate: fetch the customer later to see whether it is yours. `unique_error` is the
    retry's 400; the fetch's own error is the `__cause__`."""

    def __init__(self, message: str, *, method: str, path: str, unique_error: APIStatusError):
        super().__init__(message, method=method, path=path)
        self.unique_error = unique_error


class FieldError(NamedTuple):
    """One entry of `error_info.fields`: which field the server rejected, and why."""

    field_name: str
    reason: str


class APIStatusError(JuspayError):
    """The server answered with an error status; the parsed Juspay error body is attached."""

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: Any,
        error_code: str | None = None,
        error_message: str | None = None,
        user_message: str | None = None,
        field_errors: tuple[FieldError, ...] = (),
    ) -> None:
        super().__init__(message)
        self.response = response
        self.status_code = response.status_code
        self.request_id: str | None = response.headers.get("x-request-id")
        self.body = body
        self.error_code = error_code
        self.error_message = error_message
        self.user_message = user_message
        self.field_errors = field_errors


class InvalidRequestError(APIStatusError):
    """400: a missing or malformed field, or a duplicate `object_reference_id`."""


class NotFoundError(InvalidRequestError):
    """404: no customer has this id or `object_reference_id`."""


class AuthenticationError(APIStatusError):
    """401: the API key is wrong or missing."""


class AuthorizationError(APIStatusError):
    """403: the caller (usually its IP address) is not allowed for this merchant."""


class RateLimitError(APIStatusError):
    """429: too many requests; retried automatically, honouring `Retry-After`."""

    @property
    def retry_after(self) -> float | None:
        """Seconds the answer asked to wait (its `Retry-After`, RFC 9110: delta-seconds or
        an HTTP-date, counted from now), None without a valid one."""
        from ._core import retry_after  # loaded with the first call

        return retry_after(self.response.headers.get("retry-after"))


class APIError(APIStatusError):
    """5xx or any other status the API does not document."""


class APIResponseValidationError(APIError):
    """A success status whose body is not the customer the spec promises; `field` names the
    field that failed (None when the body is no JSON object at all)."""

    def __init__(
        self, message: str, *, response: httpx.Response, body: Any, field: str | None = None
    ) -> None:
        super().__init__(message, response=response, body=body)
        self.field = field


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: InvalidRequestError,
    401: AuthenticationError,
    403: AuthorizationError,
    404: NotFoundError,
    429: RateLimitError,
}


def status_error(response: httpx.Response) -> APIStatusError:
    """Build the right APIStatusError for an error response, whatever its body (or none).

    Juspay's error body is read tolerantly: each documented field is taken when it has the
    documented type and skipped otherwise, so a `null` `error_info` or `fields` loses only
    itself, never `error_code` or `error_message`.
    """
    try:
        body: Any = response.json()
    except (ValueError, RecursionError):
        body = body_text(response)
    error = body if isinstance(body, dict) else {}
    info = error.get("error_info")
    info = info if isinstance(info, dict) else {}
    error_code = _text(error.get("error_code")) or _text(info.get("code"))
    error_message = _text(error.get("error_message"))
    user_message = _text(info.get("user_message"))
    fields = info.get("fields")
    field_errors = tuple(
        FieldError(name, reason)
        for entry in (fields if isinstance(fields, list) else ())
        if isinstance(entry, dict)
        and (name := _text(entry.get("field_name"))) is not None
        and isinstance(reason := entry.get("reason"), str)
    )

    request_id = response.headers.get("x-request-id")
    summary = error_message or user_message or response.reason_phrase or "error"
    message = f"HTTP {response.status_code} {error_code or ''}: {summary}".replace(" :", ":")
    if request_id:
        message += f" (request_id={request_id})"
    return _BY_STATUS.get(response.status_code, APIError)(
        message,
        response=response,
        body=body,
        error_code=error_code,
        error_message=error_message,
        user_message=user_message,
        field_errors=field_errors,
    )


def body_text(response: httpx.Response) -> str:
    """The body as text in its declared charset, or as UTF-8 where that charset cannot
    decode it (httpx raises for, say, UTF-16 without a byte order mark)."""
    try:
        return response.text
    except (UnicodeError, LookupError):
        return response.content.decode("utf-8", "replace")


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
