"""Configuration shared by Juspay and AsyncJuspay; they differ only in how they do I/O."""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Generic, Self, TypeVar

import httpx

from ._errors import ParameterError
from ._logs import configure_from_env, mask_httpx_urls
from ._options import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    NOT_GIVEN,
    NotGiven,
    Secret,
    TimeoutTypes,
)

if TYPE_CHECKING:
    from ._config import ClientOptions, RequestOptions

HttpT = TypeVar("HttpT", httpx.Client, httpx.AsyncClient)


class BaseClient(Generic[HttpT]):
    """Options resolved from arguments and JUSPAY_* variables, and one pooled httpx client."""

    _http_class: type[HttpT]

    def __init__(
        self,
        api_key: str | None = None,
        *,
        merchant_id: str | None = None,
        environment: str | None = None,
        base_url: str | None = None,
        api_version: str | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: HttpT | None = None,
    ) -> None:
        """Missing arguments (None or "") come from JUSPAY_API_KEY, JUSPAY_MERCHANT_ID,
        JUSPAY_ENVIRONMENT and JUSPAY_BASE_URL. Every argument is checked here, before any
        request: ParameterError names the first malformed one (no API key at all, a value
        that cannot travel in a header, a timeout that is not seconds in (0, 1e6],
        `max_retries` outside 0-100, a header in `default_headers` the client sets itself
        such as Host or x-merchantid, ...).

        `api_version` is sent as the `version` header. A given `http_client` is used as is
        and left open on close(): its headers stay, and so does its timeout unless
        `timeout=` is given. Otherwise the client owns its connection pool.
        """
        if isinstance(api_key, str):
            api_key = Secret(api_key)  # a traceback's locals show Secret('***')
        configure_from_env()
        if http_client is not None and (
            not isinstance(http_client, self._http_class) or http_client.is_closed
        ):
            expected = f"an open {self._http_class.__module__}.{self._http_class.__name__}"
            raise ParameterError("http_client", f"must be {expected}")
        from ._config import resolve_options  # attrs loads with the first client

        self._options: ClientOptions = resolve_options(
            api_key,
            merchant_id=merchant_id,
            environment=environment,
            base_url=base_url,
            api_version=api_version,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_timeout=DEFAULT_TIMEOUT if http_client is None else http_client.timeout,
        )
        mask_httpx_urls(self._options.base_url)
        self._owns_http = http_client is None
        self._http: HttpT = self._new_pool() if http_client is None else http_client
        # What the pool applies to every request by itself: our own pool was configured with
        # our headers and timeout; a caller's client knows none of our headers, so its
        # requests carry them all, and keeps its own timeout.
        self._pool_headers: Mapping[str, str] = self._options.headers if self._owns_http else {}
        self._pool_timeout: httpx.Timeout = self._http.timeout
        self._bind()

    def _new_pool(self) -> HttpT:
        """The client's own connection pool. httpx reads the proxy and certificate variables
        (`HTTPS_PROXY`, `ALL_PROXY`, `SSL_CERT_FILE`, ...) here: one it cannot use is a
        ParameterError naming the variables set, never their values (a proxy URL may hold a
        password)."""
        try:
            return self._http_class(
                headers=self._options.headers, timeout=self._options.timeout, follow_redirects=False
            )
        except (ImportError, ValueError, TypeError, httpx.InvalidURL, OSError) as error:
            names = _culprits(certificates=isinstance(error, OSError))
            # An ImportError's text names the missing package (`httpx[socks]`), nothing else.
            why = str(error) if isinstance(error, ImportError) else type(error).__name__
            raise ParameterError(
                names[0] if len(names) == 1 else "environment",
                f"the HTTP client cannot be built from {', '.join(names) or 'the environment'}:"
                f" {why}",
            ) from None

    @property
    def base_url(self) -> str:
        return self._options.base_url

    @property
    def environment(self) -> str:
        return self._options.environment

    @property
    def merchant_id(self) -> str | None:
        return self._options.merchant_id

    @property
    def timeout(self) -> httpx.Timeout:
        return self._options.timeout

    @property
    def max_retries(self) -> int:
        return self._options.max_retries

    def with_options(
        self,
        *,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Self:
        """A client with these overrides that shares this one's connection pool; a
        malformed override raises ParameterError naming it."""
        clone = copy.copy(self)
        clone._options = self._options.replace(
            timeout=timeout, max_retries=max_retries, headers=headers
        )
        clone._owns_http = False
        clone._bind()
        return clone

    def _bind(self) -> None:
        """Derive this client's per-call state (again, after a copy): its request options
        here, its resources in the subclasses."""
        self._request_options = self._options.for_pool(self._pool_headers, self._pool_timeout)

    def _call_options(
        self,
        timeout: TimeoutTypes | NotGiven,
        max_retries: int | None,
        headers: Mapping[str, str] | None,
    ) -> RequestOptions:
        options = self._options.replace(timeout=timeout, max_retries=max_retries, headers=headers)
        if options is self._options:
            return self._request_options  # no overrides: worked out once, in _bind
        return options.for_pool(self._pool_headers, self._pool_timeout)

    def __repr__(self) -> str:
        options: ClientOptions | None = getattr(self, "_options", None)
        if options is None:  # its __init__ raised (a traceback's locals show it)
            return f"{type(self).__name__}(<not configured>)"
        return (
            f"{type(self).__name__}(environment={options.environment!r}, "
            f"base_url={options.base_url!r})"
        )


def _culprits(*, certificates: bool) -> list[str]:
    """The environment variables httpx read that may have failed it: for a certificate file
    that cannot be read or holds none (an OSError), the one it loads (`SSL_CERT_FILE` before
    `SSL_CERT_DIR`); otherwise every proxy variable set."""
    if certificates:
        return [name for name in ("SSL_CERT_FILE", "SSL_CERT_DIR") if os.environ.get(name)][:1]
    return sorted(
        name for name, value in os.environ.items() if value and name.lower().endswith("_proxy")
    )
