"""Client configuration: one immutable options object, resolved from arguments and environment."""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Mapping
from typing import Final, Literal, cast

import httpx
from attrs import evolve, field, frozen

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


class NotGiven:
    """Marks an argument the caller left out, where None has its own meaning (no timeout)."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()

MAX_TIMEOUT: Final = 1e6  # seconds; None means no limit
MAX_BASE_URL_LENGTH: Final = 4096  # leaves room for the path within httpx's URL limit
# Headers the client sets itself: a caller's value would be ignored or break the request.
RESERVED_HEADERS: Final[Mapping[str, str]] = {
    "authorization": "comes from api_key",
    "content-length": "is set from the body",
    "transfer-encoding": "is set from the body",
}
_TOKEN: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_FIELD_VALUE: Final = re.compile(r"(?:[\x21-\x7e]+(?:[ \t]+[\x21-\x7e]+)*)?")
# Control characters (C0, DEL, C1) and lone surrogates, which have no UTF-8 form.
UNSENDABLE: Final = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


@frozen(kw_only=True)
class ClientOptions:
    """Everything a client needs to make requests; the API key never shows in its repr."""

    api_key: str = field(repr=False)
    environment: Environment
    base_url: str
    merchant_id: str | None = None
    api_version: str | None = None
    timeout: httpx.Timeout = DEFAULT_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES
    default_headers: tuple[tuple[str, str], ...] = ()
    # Authorization, User-Agent, the defaults, merchant and version, built once: every
    # request sends them.
    headers: Mapping[str, str] = field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        token = base64.b64encode(f"{self.api_key}:".encode()).decode("ascii")
        headers = {"User-Agent": USER_AGENT, **dict(self.default_headers)}
        headers["Authorization"] = f"Basic {token}"
        if self.merchant_id:
            headers[MERCHANT_HEADER] = self.merchant_id
        if self.api_version:
            headers[VERSION_HEADER] = self.api_version
        object.__setattr__(self, "headers", headers)

    def for_pool(
        self, pool_headers: Mapping[str, str], pool_timeout: httpx.Timeout
    ) -> RequestOptions:
        """What each request must carry itself, when its httpx client already sends
        `pool_headers` and applies `pool_timeout` to every request by itself."""
        return RequestOptions(
            self.base_url,
            self.max_retries,
            {
                name: value
                for name, value in self.headers.items()
                if pool_headers.get(name) != value
            },
            None if self.timeout == pool_timeout else self.timeout,
        )

    def replace(
        self,
        *,
        timeout: object = NOT_GIVEN,
        max_retries: object = None,
        headers: object = None,
    ) -> ClientOptions:
        """A copy with the given overrides (headers are added to the defaults); raises
        ParameterError naming `timeout`, `max_retries` or `headers` when one is malformed."""
        if isinstance(timeout, NotGiven) and max_retries is None and headers is None:
            return self  # the common case: no per-call overrides
        return evolve(
            self,
            timeout=self.timeout if isinstance(timeout, NotGiven) else as_timeout(timeout),
            max_retries=self.max_retries if max_retries is None else check_retries(max_retries),
            default_headers=(*self.default_headers, *check_headers(headers, "headers")),
        )


@frozen
class RequestOptions:
    """One call's settings, less what its pooled httpx client already applies to every request.

    A client's own pool is configured once with its options, so a plain call adds no headers
    and no timeout (httpx would merge them anew on every request); per-call overrides do.
    """

    base_url: str
    max_retries: int
    headers: Mapping[str, str] = field(repr=False)  # with Authorization, for a caller's client
    timeout: httpx.Timeout | None  # None: the pool's own (not "no limit")


def resolve_options(
    api_key: object,
    *,
    merchant_id: object,
    environment: object,
    base_url: object,
    api_version: object,
    timeout: object,
    max_retries: object,
    default_headers: object,
    default_timeout: httpx.Timeout = DEFAULT_TIMEOUT,
) -> ClientOptions:
    """Fill what the caller left out (None or "") from JUSPAY_* variables, and check every
    value before any request: a ParameterError names the first argument that is malformed."""
    key = _text("api_key", api_key) or os.environ.get("JUSPAY_API_KEY")
    if not key:
        raise ParameterError(
            "api_key", "no API key: pass api_key= or set the JUSPAY_API_KEY environment variable"
        )
    if UNSENDABLE.search(key) or ":" in key:
        # RFC 7617: the user-id of Basic auth holds no colon; the key itself is never shown.
        raise ParameterError("api_key", "may not contain ':', control characters or surrogates")
    env = _text("environment", environment) or os.environ.get("JUSPAY_ENVIRONMENT") or "sandbox"
    if env not in BASE_URLS:
        raise ParameterError("environment", f"must be one of {', '.join(BASE_URLS)}")
    url = _text("base_url", base_url) or os.environ.get("JUSPAY_BASE_URL") or BASE_URLS[env]
    merchant = _text("merchant_id", merchant_id) or os.environ.get("JUSPAY_MERCHANT_ID") or None
    version = _text("api_version", api_version) or None
    return ClientOptions(
        api_key=key,
        environment=env,  # type: ignore[arg-type]  # checked against BASE_URLS above
        base_url=check_base_url(url),
        merchant_id=None if merchant is None else check_header_value("merchant_id", merchant),
        api_version=None if version is None else check_header_value("api_version", version),
        timeout=default_timeout if isinstance(timeout, NotGiven) else as_timeout(timeout),
        max_retries=check_retries(max_retries),
        default_headers=tuple(check_headers(default_headers, "default_headers")),
    )


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
    if not isinstance(max_retries, int) or isinstance(max_retries, bool) or max_retries < 0:
        raise ParameterError("max_retries", "must be a whole number >= 0")
    return max_retries


def check_headers(headers: object, argument: str) -> list[tuple[str, str]]:
    """A mapping of header names to values that can travel as they are (RFC 9110)."""
    if headers is None:
        return []
    if not isinstance(headers, Mapping):
        raise ParameterError(argument, "must be a mapping of header names to values")
    pairs = list(headers.items())
    for name, value in pairs:
        if not isinstance(name, str) or not _TOKEN.fullmatch(name):
            raise ParameterError(argument, "header names must be HTTP tokens (RFC 9110)")
        if name.lower() in RESERVED_HEADERS:
            raise ParameterError(argument, f"{name} {RESERVED_HEADERS[name.lower()]}")
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
