"""What a call returns: the typed customer (generated from the spec) and the raw response."""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, TypeVar

from attrs import field, frozen

from ._generated import ClientAuthToken, Customer

if TYPE_CHECKING:
    import httpx

__all__ = ["ClientAuthToken", "Customer", "RawResponse"]

T = TypeVar("T")


@frozen(repr=False)
class RawResponse(Generic[T]):
    """The HTTP answer behind a call: status, headers, request id, and the parsed result."""

    http_response: httpx.Response
    _parsed: T = field(alias="parsed")
    retries_taken: int = 0

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        request_id: str | None = self.http_response.headers.get("x-request-id")
        return request_id

    def parse(self) -> T:
        """The typed result, as the plain call would have returned it."""
        return self._parsed

    def __repr__(self) -> str:
        return f"<RawResponse [{self.status_code}] request_id={self.request_id!r}>"
