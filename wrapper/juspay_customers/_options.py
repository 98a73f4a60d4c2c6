"""Client configuration: the settings' defaults and checks (the options objects: _config)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final, Literal, TypedDict, cast

import httpx

from ._errors import ParameterError
from ._version import __version__

Environment = Literal["sandbox", "production"]
TimeoutTypes = float | httpx.Timeout | None

BASE_URLS: Final[Mapping[str, str]] = {
    "sandbox": "https://sandbox.juspay.in",
    "production": "https://api.juspay.in",
}
DEFAULT_TIMEOUT: Final = httpx.Timeout(30.0, connect=5.0)
DEFAULT_MAX_RETRIES: Final = 2
USER_AGENT: Final = f"juspay-customers-python/{__version__}"
# The spec's header parameters that come from the client's configuration, not the call.
MERCHANT_HEADER: Final = "x-merchantid"
VERSION_HEADER: Final = "version"


class Secret(str):
    """A str whose repr hides it: the API key, and the Authorization value made from it. A
    traceback that shows each frame's locals (pytest `-l`, `unittest --locals`, an error
    tracker) then shows `Secret('***')`; str() and sending give the value itself."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "Secret('***')"


class NotGiven:
    """Marks an argument the caller left out, where None has its own meaning (no timeout)."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()


class CallOptions(TypedDict, total=False):
    """Per-call overrides (`request_options=`): `timeout` in seconds (or an httpx.Timeout;
    None for no limit), `max_retries` (0 to MAX_RETRIES, 100), extra `headers` (none of the
    headers the client sets itself, RESERVED_HEADERS: Authorization, Accept-Encoding,
    Content-Length, Transfer-Encoding, Content-Type, Host, x-merchantid, x-routing-id,
    version; User-Agent may be replaced). Each is checked before anything is sent."""

    timeout: TimeoutTypes
    max_retries: int
    headers: Mapping[str, str]


MAX_TIMEOUT: Final = 1e6  # seconds; None means no limit
MAX_BASE_URL_LENGTH: Final = 4096  # leaves room for the path within httpx's URL limit
MAX_RETRIES: Final = 100  # a bound on how long one call may keep a caller waiting
# Headers the client sets itself: a caller's value would be ignored, override the client's
# or break the request, so `default_headers` and per-call `headers` refuse them all alike
# (case-insensitively). User-Agent is not among them: a caller may name its application.
RESERVED_HEADERS: Final[Mapping[str, str]] = {
    "authorization": "comes from api_key",
    "accept-encoding": "is gzip, deflate: the codings the client inflates within its limit",
    "content-length": "is set from the body",
    "transfer-encoding": "is set from the body",
    "content-type": "is set from the body",
    "host": "comes from base_url",
    MERCHANT_HEADER: "comes from merchant_id",
    "x-routing-id": "is set from the customer id",
    VERSION_HEADER: "comes from api_version",
}
_TOKEN: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_FIELD_VALUE: Final = re.compile(r"(?:[\x21-\x7e]+(?:[ \t]+[\x21-\x7e]+)*)?")
# Control characters (C0, DEL, C1) and lone surrogates, which have no UTF-8 form.
UNSENDABLE: Final = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _text(name: str, value: object) -> str | None:
    """A string argument, or None when it was left out (None or the empty string)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ParameterError(name, f"expected str, got {type(value).__name__}")
    return value or None


def check_base_url(value: str) -> str:
    """An absolute http(s) URL with a host, to which `/customers...` is appended: no query,
    no fragment, no credentials (the API key goes in `api_key`), a host that resolves."""
    if len(value) > MAX_BASE_URL_LENGTH:
        raise ParameterError("base_url", f"longer than {MAX_BASE_URL_LENGTH} characters")
    try:
        url = httpx.URL(value)
        url.raw_host.decode("ascii").encode("idna")  # what the resolver will need
    except (httpx.InvalidURL, UnicodeError, ValueError, TypeError):
        raise ParameterError("base_url", "is not a valid URL") from None
    if url.scheme not in ("http", "https") or not url.raw_host:
        raise ParameterError("base_url", "must start with http:// or https:// and name a host")
    if "?" in value or "#" in value:
        raise ParameterError("base_url", "may not have a query or a fragment")
    if url.userinfo:
        raise ParameterError("base_url", "may not carry credentials; pass api_key=")
    if url.port is not None and not 0 < url.port < 65536:
        raise ParameterError("base_url", "has a port outside 1-65535")
    return str(url).rstrip("/")


def as_timeout(timeout: object) -> httpx.Timeout:
    """Accept seconds (one limit for every phase), an httpx.Timeout, or None for no limit;
    each limit must be None or seconds in (0, MAX_TIMEOUT]."""
    if isinstance(timeout, httpx.Timeout):
        if all(map(_is_limit, (timeout.connect, timeout.read, timeout.write, timeout.pool))):
            return timeout
    elif _is_limit(timeout):
        return httpx.Timeout(cast("float | None", timeout))
    raise ParameterError(
        "timeout", f"must be seconds in (0, {MAX_TIMEOUT:g}], an httpx.Timeout of such, or None"
    )


def _is_limit(value: object) -> bool:
    if value is None:
        return True
    return (
        isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= MAX_TIMEOUT
    )


def check_retries(max_retries: object) -> int:
    """A whole number of retries from 0 to MAX_RETRIES (100)."""
    if (
        not isinstance(max_retries, int)
        or isinstance(max_retries, bool)
        or not 0 <= max_retries <= MAX_RETRIES
    ):
        raise ParameterError("max_retries", f"must be a whole number from 0 to {MAX_RETRIES}")
    return max_retries


def check_headers(headers: object, argument: str) -> list[tuple[str, str]]:
    """A mapping of header names to values that can travel as they are (RFC 9110)."""
    if headers is None:
        return []
    if not isinstance(headers, Mapping):
        raise ParameterError(argument, "must be a mapping of header names to values")
    try:  # the caller's own mapping: whatever it raises is bad input, not our error
        pairs = list(headers.items())
    except Exception as error:
        raise ParameterError(argument, f"cannot be read ({type(error).__name__})") from None
    for name, value in pairs:
        if not isinstance(name, str) or not _TOKEN.fullmatch(name):
            raise ParameterError(argument, "header names must be HTTP tokens (RFC 9110)")
        if name.lower() in RESERVED_HEADERS:
            reason = RESERVED_HEADERS[name.lower()]
            raise ParameterError(argument, f"{name} is set by the client ({reason})")
        check_header_value(argument, value)
    return pairs


def check_header_value(argument: str, value: object) -> str:
    """A string that can travel in an HTTP header as is: visible ASCII, with spaces or tabs
    only between visible characters (RFC 9110 field-value, without obsolete text)."""
    if not isinstance(value, str):
        raise ParameterError(argument, f"expected str, got {type(value).__name__}")
    if not _FIELD_VALUE.fullmatch(value):
        raise ParameterError(
            argument,
            "cannot be sent in an HTTP header: visible ASCII only, spaces only inside",
        )
    return value
