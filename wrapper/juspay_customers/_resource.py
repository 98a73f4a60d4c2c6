"""`client.customers`: create, get and update, one definition for the sync and async clients.

The methods validate their input and build the operation's flow; the client they belong to
runs it. For `Juspay` they return the customer, for `AsyncJuspay` an awaitable of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Generic,
    Literal,
    Protocol,
    TypeAlias,
    TypeVar,
    Unpack,
    cast,
    overload,
)

from ._errors import ParameterError
from ._options import NOT_GIVEN, CallOptions, NotGiven, TimeoutTypes

if TYPE_CHECKING:  # the flows and the spec's types load on the first call (see _client)
    from . import _core
    from ._config import RequestOptions
    from ._generated import (
        CreateCustomerParams,
        GetCustomerFields,
        GetCustomerParams,
        UpdateCustomerFields,
        UpdateCustomerParams,
    )
    from ._params import Pairs, Params


Operation: TypeAlias = Literal["create", "get", "update"]  # a key of _core.PLANS
R = TypeVar("R", covariant=True)
RawR = TypeVar("RawR", covariant=True)
_CALL_OPTIONS = frozenset(CallOptions.__annotations__)


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
    """The customers API.

    Parameters come as a mapping, keywords, or a list of `(key, value)` pairs, like the
    Elixir `Juspay.Customers` functions; `get` and `update` also take the id first. The
    mapping and the keywords are typed from the spec (`CreateCustomerParams`,
    `UpdateCustomerFields`/`UpdateCustomerParams`, `GetCustomerFields`/`GetCustomerParams`),
    so type checkers flag an unknown or mistyped field and editors complete field names; a
    list of pairs, or a mix of forms, is checked at run time only.

    Per call, `request_options={"timeout": ..., "max_retries": ..., "headers": {...}}`
    (`CallOptions`) overrides the client's settings. One keyword object rather than
    `timeout=` and friends beside the fields (stripe's `options`, not openai's keywords):
    the keywords belong to the spec's fields, which may grow, and only this one name is
    reserved (`make generate` refuses a spec field called `request_options`), while options
    can grow without reserving more. `client.with_options(...)` sets them for many calls.

    Every method raises only JuspayError subclasses: ParameterError (naming the field or
    option, before anything is sent) for input the spec's rules for the operation refuse
    (exactly what the mock answers 400 to; an id with control characters, `.` or `..`, a
    mobile number that is not 4-15 digits) and for an undeclared field; APIStatusError for
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

    @overload
    def create(
        self, params: CreateCustomerParams, /, *, request_options: CallOptions | None = None
    ) -> R: ...
    @overload
    def create(
        self,
        /,
        *,
        request_options: CallOptions | None = None,
        **fields: Unpack[CreateCustomerParams],
    ) -> R: ...
    @overload
    def create(self, params: Pairs, /, *, request_options: CallOptions | None = None) -> R: ...
    def create(
        self,
        params: Params | None = None,
        /,
        *,
        request_options: CallOptions | None = None,
        **fields: Any,
    ) -> R:
        """Create a customer: the spec's required fields (`object_reference_id`,
        `mobile_number`) must be given and non-empty."""
        return self._call("create", (params,), fields, request_options)

    @overload
    def get(
        self,
        customer: str,
        params: GetCustomerFields | None = None,
        /,
        *,
        request_options: CallOptions | None = None,
        **fields: Unpack[GetCustomerFields],
    ) -> R: ...
    @overload
    def get(
        self, params: GetCustomerParams, /, *, request_options: CallOptions | None = None
    ) -> R: ...
    @overload
    def get(
        self, /, *, request_options: CallOptions | None = None, **fields: Unpack[GetCustomerParams]
    ) -> R: ...
    @overload
    def get(
        self,
        customer: str | Pairs,
        params: Pairs | None = None,
        /,
        *,
        request_options: CallOptions | None = None,
    ) -> R: ...
    def get(
        self,
        customer: str | Params | None = None,
        params: Params | None = None,
        /,
        *,
        request_options: CallOptions | None = None,
        **fields: Any,
    ) -> R:
        """Fetch a customer by `cst_` id or the lookup field (`object_reference_id`)."""
        return self._call("get", (customer, params), fields, request_options)

    @overload
    def update(
        self,
        customer: str,
        params: UpdateCustomerFields | None = None,
        /,
        *,
        request_options: CallOptions | None = None,
        **fields: Unpack[UpdateCustomerFields],
    ) -> R: ...
    @overload
    def update(
        self, params: UpdateCustomerParams, /, *, request_options: CallOptions | None = None
    ) -> R: ...
    @overload
    def update(
        self,
        /,
        *,
        request_options: CallOptions | None = None,
        **fields: Unpack[UpdateCustomerParams],
    ) -> R: ...
    @overload
    def update(
        self,
        customer: str | Pairs,
        params: Pairs | None = None,
        /,
        *,
        request_options: CallOptions | None = None,
    ) -> R: ...
    def update(
        self,
        customer: str | Params | None = None,
        params: Params | None = None,
        /,
        *,
        request_options: CallOptions | None = None,
        **fields: Any,
    ) -> R:
        """Change some of a customer's fields (at least one, the spec's minProperties);
        returns the updated customer."""
        return self._call("update", (customer, params), fields, request_options)

    def _call(
        self,
        plan: Operation,
        positional: tuple[object, ...],
        fields: Mapping[str, object],
        request_options: CallOptions | None,
    ) -> R:
        return self._call_on(self._executor(), plan, positional, fields, request_options)

    def _call_on(
        self,
        client: Executor[R, RawR],
        plan: Operation,
        positional: tuple[object, ...],
        fields: Mapping[str, object],
        request_options: CallOptions | None,
    ) -> R:
        from . import _core  # loaded by the first call (see _client); cheap afterwards

        options = _resolve(client, request_options)
        given = _core.collect(
            tuple(p for p in positional if p is not None), fields, takes_id=plan != "create"
        )
        flow = _core.PLANS[plan](options, given)
        return cast(R, client._run_raw(flow)) if self._raw else client._run(flow)


def _resolve(client: Executor[Any, Any], given: CallOptions | None) -> RequestOptions:
    """The client's options with this call's overrides; a malformed one raises
    ParameterError naming it (`request_options`, or the option inside it)."""
    if given is None:
        return client._call_options(NOT_GIVEN, None, None)
    if not isinstance(given, Mapping):
        raise ParameterError("request_options", "expected a mapping (CallOptions)")
    from ._params import shown_key

    try:  # the caller's own mapping: whatever it raises is bad input, not our error
        unknown = sorted(shown_key(key) for key in given if key not in _CALL_OPTIONS)
        timeout = given.get("timeout", NOT_GIVEN)
        max_retries, headers = given.get("max_retries"), given.get("headers")
    except Exception as error:
        raise ParameterError(
            "request_options", f"cannot be read ({type(error).__name__})"
        ) from None
    if unknown:
        expected = ", ".join(sorted(_CALL_OPTIONS))
        raise ParameterError(f"request_options.{unknown[0]}", f"expected one of {expected}")
    return client._call_options(timeout, max_retries, headers)
