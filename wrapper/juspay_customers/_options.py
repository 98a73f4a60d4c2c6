"""Client configuration: one immutable options object, resolved from arguments and environment."""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from typing import Final, Literal

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

    def for_pool(self, pool: ClientOptions | None) -> RequestOptions:
        """What each request must carry itself, when its httpx client was configured with
        `pool`'s headers and timeout (None: a caller's httpx client, configured with none)."""
        if pool is None:
            return RequestOptions(self.base_url, self.max_retries, self.headers, self.timeout)
        return RequestOptions(
            self.base_url,
            self.max_retries,
            {
                name: value
                for name, value in self.headers.items()
                if pool.headers.get(name) != value
            },
            None if self.timeout == pool.timeout else self.timeout,
        )

    def replace(
        self,
        *,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> ClientOptions:
        """A copy with the given overrides (headers are added to the defaults)."""
        if isinstance(timeout, NotGiven) and max_retries is None and not headers:
            return self  # the common case: no per-call overrides
        return evolve(
            self,
            timeout=self.timeout if isinstance(timeout, NotGiven) else as_timeout(timeout),
            max_retries=self.max_retries if max_retries is None else check_retries(max_retries),
            default_headers=(*self.default_headers, *check_headers(headers or {})),
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
    api_key: str | None,
    *,
    merchant_id: str | None,
    environment: str | None,
    base_url: str | None,
    api_version: str | None,
    timeout: TimeoutTypes | NotGiven,
    max_retries: int,
    default_headers: Mapping[str, str] | None,
) -> ClientOptions:
    """Fill what the caller left out from JUSPAY_* variables; fail early on what is missing."""
    api_key = api_key or os.environ.get("JUSPAY_API_KEY")
    if not api_key:
        raise ParameterError(
            "api_key", "no API key: pass api_key= or set the JUSPAY_API_KEY environment variable"
        )
    environment = environment or os.environ.get("JUSPAY_ENVIRONMENT") or "sandbox"
    if environment not in BASE_URLS:
        raise ParameterError("environment", f"must be one of {', '.join(BASE_URLS)}")
    base_url = base_url or os.environ.get("JUSPAY_BASE_URL") or BASE_URLS[environment]
    if not base_url.startswith(("http://", "https://")):
        raise ParameterError("base_url", "must start with http:// or https://")
    return ClientOptions(
        api_key=api_key,
        environment=environment,  # type: ignore[arg-type]  # checked against BASE_URLS above
        base_url=base_url.rstrip("/"),
        merchant_id=merchant_id or os.environ.get("JUSPAY_MERCHANT_ID") or None,
        api_version=api_version,
        timeout=DEFAULT_TIMEOUT if isinstance(timeout, NotGiven) else as_timeout(timeout),
        max_retries=check_retries(max_retries),
        default_headers=tuple(check_headers(default_headers or {})),
    )


def as_timeout(timeout: TimeoutTypes) -> httpx.Timeout:
    """Accept seconds (one limit for every phase), an httpx.Timeout, or None for no limit."""
    if isinstance(timeout, httpx.Timeout):
        return timeout
    if timeout is not None and (not isinstance(timeout, int | float) or timeout <= 0):
        raise ParameterError("timeout", "must be seconds > 0, an httpx.Timeout, or None")
    return httpx.Timeout(timeout)


def check_retries(max_retries: object) -> int:
    if not isinstance(max_retries, int) or isinstance(max_retries, bool) or max_retries < 0:
        raise ParameterError("max_retries", "must be a whole number >= 0")
    return max_retries


def check_headers(headers: Mapping[str, str]) -> list[tuple[str, str]]:
    pairs = list(headers.items())
    for name, value in pairs:
        if not isinstance(name, str) or not isinstance(value, str):
            raise ParameterError("headers", "names and values must be strings")
        if name.lower() == "authorization":
            raise ParameterError("headers", "Authorization comes from api_key")
    return pairs
