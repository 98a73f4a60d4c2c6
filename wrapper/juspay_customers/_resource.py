"""`client.customers`: create, get and update, one definition for the sync and async clients.

The methods validate their input and build the operation's flow; the client they belong to
runs it. For `Juspay` they return the customer, for `AsyncJuspay` an awaitable of it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Generic, Protocol, TypeVar, cast

from . import _core
from ._options import NOT_GIVEN, NotGiven, RequestOptions, TimeoutTypes
from ._params import Params, collect

R = TypeVar("R", covariant=True)
RawR = TypeVar("RawR", covariant=True)
Plan = Callable[[RequestOptions, Mapping[str, object]], _core.Flow]


class Executor(Protocol[R, RawR]):
    """What a resource needs from its client: options, and a way to run a flow."""

    def _call_options(
        self,
        timeout: TimeoutTypes | NotGiven,
        max_retries: int | None,
        headers: Mapping[str, str] | None,
    ) -> RequestOptions: ...

    def _run(self, flow: _core.Flow) -> R: ...

    def _run_raw(self, flow: _core.Flow) -> RawR: ...


class CustomersResource(Generic[R, RawR]):
    """The customers API. Per call: `timeout=`, `max_retries=`, extra `headers=`.

    Parameters come as a mapping, a list of `(key, value)` pairs, keywords, or a mix, like
    the Elixir `Juspay.Customers` functions; `get` and `update` also take the id first.

    Every method raises only JuspayError subclasses: ParameterError (naming the field or
    option, before anything is sent) for input that is malformed or cannot travel, such as
    an id with control characters or one that is `.` or `..`; APIStatusError subclasses for
    the server's error answers; APIConnectionError when no answer came. An id is sent
    percent-encoded (UTF-8) in its own path segment, so a call reaches only its operation.
    """

    def __init__(self, client: Executor[R, RawR], *, raw: bool = False) -> None:
        self._client = client
        self._raw = raw

    def _executor(self) -> Executor[R, RawR]:
        return self._client

    @property
    def with_raw_response(self) -> CustomersResource[RawR, RawR]:
        """The same methods, returning a RawResponse (status, headers, request id, .parse())."""
        return cast("CustomersResource[RawR, RawR]", CustomersResource(self._executor(), raw=True))

    def create(
        self,
        params: Params | None = None,
        /,
        *,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
        headers: Mapping[str, str] | None = None,
        **fields: object,
    ) -> R:
        """Create a customer: `object_reference_id` and `mobile_number` are required."""
        return self._call(_core.create, (params,), fields, timeout, max_retries, headers)

    def get(
        self,
        customer: str | Params | None = None,
        params: Params | None = None,
        /,
        *,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
        headers: Mapping[str, str] | None = None,
        **fields: object,
    ) -> R:
        """Fetch a customer by `cst_` id or `object_reference_id`."""
        return self._call(_core.get, (customer, params), fields, timeout, max_retries, headers)

    def update(
        self,
        customer: str | Params | None = None,
        params: Params | None = None,
        /,
        *,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
        headers: Mapping[str, str] | None = None,
        **fields: object,
    ) -> R:
        """Change some of a customer's fields (at least one); returns the updated customer."""
        return self._call(_core.update, (customer, params), fields, timeout, max_retries, headers)

    def _call(
        self,
        plan: Plan,
        positional: tuple[object, ...],
        fields: Mapping[str, object],
        timeout: TimeoutTypes | NotGiven,
        max_retries: int | None,
        headers: Mapping[str, str] | None,
    ) -> R:
        return self._call_on(
            self._executor(), plan, positional, fields, timeout, max_retries, headers
        )

    def _call_on(
        self,
        client: Executor[R, RawR],
        plan: Plan,
        positional: tuple[object, ...],
        fields: Mapping[str, object],
        timeout: TimeoutTypes | NotGiven,
        max_retries: int | None,
        headers: Mapping[str, str] | None,
    ) -> R:
        options = client._call_options(timeout, max_retries, headers)
        flow = plan(options, collect(tuple(p for p in positional if p is not None), fields))
        return cast(R, client._run_raw(flow)) if self._raw else client._run(flow)
