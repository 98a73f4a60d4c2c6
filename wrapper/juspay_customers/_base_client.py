"""Configuration shared by Juspay and AsyncJuspay; they differ only in how they do I/O."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Generic, Self, TypeVar

import httpx

from ._logs import configure_from_env
from ._options import (
    DEFAULT_MAX_RETRIES,
    NOT_GIVEN,
    ClientOptions,
    NotGiven,
    RequestOptions,
    TimeoutTypes,
    resolve_options,
)

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
        """Missing arguments come from JUSPAY_API_KEY, JUSPAY_MERCHANT_ID, JUSPAY_ENVIRONMENT
        and JUSPAY_BASE_URL; without any API key this raises ParameterError at once.
        `api_version` is sent as the `version` header. A given `http_client` is used as is
        and left open on close(); otherwise the client owns its connection pool.
        """
        configure_from_env()
        self._options = resolve_options(
            api_key,
            merchant_id=merchant_id,
            environment=environment,
            base_url=base_url,
            api_version=api_version,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
        )
        self._owns_http = http_client is None
        # What the pool sends on every request by itself: our own pool is configured once;
        # a caller's client knows nothing of these options, so its requests carry them all.
        self._pool_options: ClientOptions | None = self._options if self._owns_http else None
        self._http: HttpT = http_client or self._http_class(
            headers=self._options.headers, timeout=self._options.timeout, follow_redirects=False
        )
        self._bind()

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
        """A client with these overrides that shares this one's connection pool."""
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
        self._request_options = self._options.for_pool(self._pool_options)

    def _call_options(
        self,
        timeout: TimeoutTypes | NotGiven,
        max_retries: int | None,
        headers: Mapping[str, str] | None,
    ) -> RequestOptions:
        options = self._options.replace(timeout=timeout, max_retries=max_retries, headers=headers)
        if options is self._options:
            return self._request_options  # no overrides: worked out once, in _bind
        return options.for_pool(self._pool_options)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(environment={self._options.environment!r}, "
            f"base_url={self._options.base_url!r})"
        )
