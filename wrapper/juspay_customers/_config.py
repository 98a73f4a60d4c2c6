"""Client configuration: one immutable options object, resolved from arguments and environment.

Loaded when the first client is built (with attrs), not by `from juspay_customers import Juspay`.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping

import httpx
from attrs import evolve, field, frozen

from ._errors import ParameterError
from ._options import (
    BASE_URLS,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    MERCHANT_HEADER,
    NOT_GIVEN,
    UNSENDABLE,
    USER_AGENT,
    VERSION_HEADER,
    Environment,
    NotGiven,
    Secret,
    _text,
    as_timeout,
    check_base_url,
    check_header_value,
    check_headers,
    check_retries,
)
from ._transport import ACCEPT_ENCODING


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
        # Header names are case-insensitive: a later `user-agent` replaces `User-Agent`.
        by_name = {
            name.lower(): (name, value)
            for name, value in (("User-Agent", USER_AGENT), *self.default_headers)
        }
        headers = dict(by_name.values())
        headers["Accept-Encoding"] = ACCEPT_ENCODING  # what `_transport` inflates, bounded
        # No local holds the token: a traceback's locals would show it (Secret hides it).
        headers["Authorization"] = Secret(
            "Basic " + base64.b64encode(f"{self.api_key}:".encode()).decode("ascii")
        )
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
    value before any request: a ParameterError names the first argument that is malformed.
    The URL is `base_url`, else the given `environment`'s, else JUSPAY_BASE_URL, else the
    URL of JUSPAY_ENVIRONMENT (sandbox by default): an argument always beats a variable."""
    key = Secret(_text("api_key", api_key) or os.environ.get("JUSPAY_API_KEY") or "")
    if not key:
        raise ParameterError(
            "api_key", "no API key: pass api_key= or set the JUSPAY_API_KEY environment variable"
        )
    if UNSENDABLE.search(key) or ":" in key:
        # RFC 7617: the user-id of Basic auth holds no colon; the key itself is never shown.
        raise ParameterError("api_key", "may not contain ':', control characters or surrogates")
    named = _text("environment", environment)
    env = named or os.environ.get("JUSPAY_ENVIRONMENT") or "sandbox"
    if env not in BASE_URLS:
        raise ParameterError("environment", f"must be one of {', '.join(BASE_URLS)}")
    # Arguments beat variables: `environment="production"` is not sent to a JUSPAY_BASE_URL
    # left over in the shell.
    url = (
        _text("base_url", base_url)
        or (None if named else os.environ.get("JUSPAY_BASE_URL"))
        or BASE_URLS[env]
    )
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
