"""What a call does, without doing any I/O: build requests, decide retries, parse answers.

Each operation is a generator (a "flow") that yields a `Request` to send or a number of
seconds to sleep, receives the httpx response (or transport error), and finally returns a
`RawResponse`. The sync and async clients only drive flows with their own I/O, so both
share every rule here.
"""

from __future__ import annotations

import email.utils
import logging
import random
import re
import time
from collections.abc import Callable, Generator, Mapping
from datetime import UTC, datetime
from typing import Any, Final, TypeAlias
from urllib.parse import quote

import httpx
from attrs import frozen
from juspay_customers_client.api.customers import create_customer, get_customer, update_customer
from juspay_customers_client.models.create_customer_request import CreateCustomerRequest

from . import _params
from ._config import RequestOptions
from ._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    CreateNotConfirmedError,
    JuspayError,
    body_text,
    status_error,
)
from ._generated import GET_FIELDS, IDENTIFYING_FIELDS, LOOKUP_FIELD
from ._logs import describe, logger, mask
from ._models import Customer, RawResponse
from ._params import collect
from ._reading import FieldProblem

# This module (and with it the generated client, attrs, the typed customer) loads on the
# first call, not with `from juspay_customers import Juspay`: that import stays about as
# cheap as httpx's (benchmarks, start-up).

INITIAL_BACKOFF: Final = 0.5
MAX_BACKOFF: Final = 8.0
MAX_RETRY_AFTER: Final = 60.0
# Failures after which the same request can simply be sent again.
RETRYABLE_ERRORS: Final = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
# Failures before the request was written: no connection (or none free) was ever had.
NOT_SENT_ERRORS: Final = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Retry-After's delta-seconds form: 1*DIGIT (RFC 9110 section 10.2.3), nothing else.
_DELTA_SECONDS: Final = re.compile(r"[0-9]+")


@frozen(repr=False)
class Request:
    """One HTTP request: keyword arguments for httpx, and what its log label shows."""

    kwargs: dict[str, Any]
    customer_id: str | None = None

    def __repr__(self) -> str:
        # The label only: the headers may hold Authorization, the id and form personal data.
        return f"<Request {self.label}>"

    @property
    def label(self) -> str:
        """`GET /customers/<id>`, personal data masked: built only for logs and errors."""
        method = self.kwargs["method"].upper()
        if self.customer_id is None:
            return f"{method} /customers"
        return f"{method} /customers/{mask(self.customer_id)}"


Reply: TypeAlias = httpx.Response | httpx.RequestError | None
Step: TypeAlias = Request | float
Flow: TypeAlias = Generator[Step, Reply, RawResponse[Customer]]


def advance(flow: Flow, reply: Reply) -> Step | RawResponse[Customer]:
    """Feed the last reply to a flow: its next step, or its result once it is done."""
    try:
        return flow.send(reply)
    except StopIteration as done:
        result: RawResponse[Customer] = done.value
        return result


# --- the three operations: validate eagerly (before any I/O), then return the flow ---


def create(options: RequestOptions, given: Mapping[str, object]) -> Flow:
    body = _params.create_request(given)
    return _create_flow(options, body)


def get(options: RequestOptions, given: Mapping[str, object]) -> Flow:
    customer_id, query = _params.get_request(given)
    return _simple_flow(options, _get_request(options, customer_id, query))


def update(options: RequestOptions, given: Mapping[str, object]) -> Flow:
    customer_id, body = _params.update_request(given)
    kwargs = update_customer._get_kwargs(
        customer_id, body=body, x_routing_id=routing_id(customer_id)
    )
    request = _request(options, kwargs, customer_id)
    _log_fields(request, kwargs["data"])
    return _simple_flow(options, request)


# The operations by name, for the resources (which load this module on their first call).
PLANS: Final[Mapping[str, Callable[[RequestOptions, Mapping[str, object]], Flow]]] = {
    "create": create,
    "get": get,
    "update": update,
}
__all__ = ["PLANS", "collect"]


def _create_flow(options: RequestOptions, body: CreateCustomerRequest) -> Flow:
    """Create; if a retry meets `unique`, return what the earlier attempt created, provided
    it holds every field this create sent (is_same_customer). A customer that differs is a
    genuine duplicate (the `unique` InvalidRequestError); one that cannot be fetched leaves
    the create unconfirmed (CreateNotConfirmedError), never reported as a duplicate."""
    lookup: str = getattr(body, LOOKUP_FIELD)
    kwargs = create_customer._get_kwargs(body=body, x_routing_id=routing_id(lookup))
    request = _request(options, kwargs)
    _log_fields(request, kwargs["data"])
    response, retries = yield from _send(options, request)
    if retries and response.status_code == 400:
        error = status_error(response)
        if error.error_code != "unique":
            raise error
        # An attempt that timed out or lost its answer may have created the customer. It is
        # ours only if it holds what we sent; otherwise the duplicate is genuine.
        # The create's options a get also takes (the client auth token), as the create set them.
        query = {
            name: value
            for name, kind in GET_FIELDS.items()
            if isinstance(value := getattr(body, name, None), kind)
        }
        fetch = _get_request(options, lookup, query)
        try:
            found, more = yield from _send(options, fetch)
            result = _result(found, retries + more)
        except (APIConnectionError, APIStatusError) as failure:
            raise _not_confirmed(request, error, failure) from failure
        if not is_same_customer(result.parse(), kwargs["data"]):
            raise error
        logger.info("%s: an earlier attempt created it; returning that", request.label)
        return result
    return _result(response, retries)


def _not_confirmed(
    request: Request, unique: APIStatusError, failure: JuspayError
) -> CreateNotConfirmedError:
    method, _, path = request.label.partition(" ")
    return CreateNotConfirmedError(
        f"{request.label} may have been applied but could not be confirmed: a retry met "
        f"`unique` and fetching that {LOOKUP_FIELD} failed ({type(failure).__name__}: "
        f"{failure}); this is not known to be a duplicate",
        method=method,
        path=path,
        unique_error=unique,
    )


def _simple_flow(options: RequestOptions, request: Request) -> Flow:
    response, retries = yield from _send(options, request)
    return _result(response, retries)


def is_same_customer(customer: Customer, sent: Mapping[str, str]) -> bool:
    """Whether `customer`, found under the `object_reference_id` a retried create sent, holds
    every field that create sent, so it may be the one an earlier attempt made.

    Every field the create sent that a customer stores (the spec's `x-identifying-fields`,
    which must list them all) is compared after the normalisation a service may apply when
    storing it: `exact`; `digits` (mobile number and country code) by their digits without
    leading zeros (`+65`, `065` and `65` are one code); `email` trimmed and case-folded;
    `name` trimmed but case-sensitive (`john` is not `John`). A field sent but stored as
    null or absent does not match. Options that are not stored (`get_client_auth_token`)
    are not compared. No client can tell its own earlier attempt from a second caller's
    create with an identical body (after normalisation): that caller's customer is returned.
    """
    for name, normalisation in IDENTIFYING_FIELDS.items():
        value = sent.get(name)
        if value is None:
            continue
        stored = getattr(customer, name, None)
        normalise = NORMALISATIONS[normalisation]
        if not isinstance(stored, str) or normalise(stored) != normalise(value):
            return False
    return True


_NOT_DIGITS: Final = re.compile(r"[^0-9]")


def _digits(value: str) -> str:
    return _NOT_DIGITS.sub("", value).lstrip("0")


def _email(value: str) -> str:
    return value.strip().casefold()


def _exact(value: str) -> str:
    return value


def _name(value: str) -> str:
    return value.strip()


# The spec's normalisations (`x-identifying-fields`) for comparing what a create sent.
NORMALISATIONS: Final[Mapping[str, Callable[[str], str]]] = {
    "exact": _exact,
    "digits": _digits,
    "email": _email,
    "name": _name,
}


# --- requests ---


def routing_id(customer_id: str) -> str:
    """The x-routing-id header value: the id as the URL path carries it, percent-encoded
    UTF-8 (RFC 3986, every byte but unreserved ones), so any id is header-safe ASCII."""
    if _UNRESERVED.fullmatch(customer_id):
        return customer_id  # the common case, which percent-encoding leaves as it is
    return quote(customer_id, safe="")


_UNRESERVED: Final = re.compile(r"[A-Za-z0-9_.~-]+")


def _get_request(options: RequestOptions, customer_id: str, query: Mapping[str, Any]) -> Request:
    """A get; `query` holds the spec's query options by generated argument name."""
    kwargs = get_customer._get_kwargs(customer_id, x_routing_id=routing_id(customer_id), **query)
    return _request(options, kwargs, customer_id)


def _request(
    options: RequestOptions, kwargs: dict[str, Any], customer_id: str | None = None
) -> Request:
    """Complete the generated request with what the httpx client does not add by itself."""
    # Absolute: cheaper for httpx than joining onto a base_url, and right for any client.
    kwargs["url"] = options.base_url + kwargs["url"]
    if not kwargs.get("params", True):
        del kwargs["params"]  # an empty query would make httpx parse the URL a second time
    if options.headers:
        kwargs["headers"] = {**options.headers, **kwargs["headers"]}
    if options.timeout is not None:
        kwargs["timeout"] = options.timeout
    return Request(kwargs, customer_id)


def _log_fields(request: Request, fields: Mapping[str, object]) -> None:
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug("%s fields: %s", request.label, describe(fields))


# --- sending, retrying, parsing ---


def _send(
    options: RequestOptions, request: Request
) -> Generator[Step, Reply, tuple[httpx.Response, int]]:
    """Send with retries; the final response and how many retries it took."""
    retries = 0
    reached = False  # whether any attempt may have reached the server
    while True:
        started = time.monotonic()
        reply = yield request
        reached = reached or not isinstance(reply, NOT_SENT_ERRORS)
        delay = retry_delay(reply, retries, options.max_retries)
        if logger.isEnabledFor(logging.INFO):
            _log_reply(request, reply, started, retries, delay)
        if delay is None:
            break
        retries += 1
        yield delay
    if isinstance(reply, httpx.Response):
        return reply, retries
    raise _connection_error(request, reply, retries, reached=reached)


def retry_delay(reply: Reply, retries_taken: int, max_retries: int) -> float | None:
    """Seconds to wait before sending again, or None when this reply is final."""
    if retries_taken >= max_retries:
        return None
    if isinstance(reply, httpx.Response):
        if reply.status_code != 429 and reply.status_code < 500:
            return None
        hint = retry_after(reply.headers.get("retry-after"))
        if hint is not None:
            return min(hint, MAX_RETRY_AFTER)
    elif not isinstance(reply, RETRYABLE_ERRORS):
        return None
    backoff = min(INITIAL_BACKOFF * 2.0 ** min(retries_taken, 32), MAX_BACKOFF)
    return backoff * (1 - 0.25 * random.random())  # noqa: S311  # jitter, not crypto


def retry_after(value: str | None) -> float | None:
    """A Retry-After header in seconds, if it is one of RFC 9110's forms: delta-seconds
    (1*DIGIT only: no sign, point, underscore, exponent, `inf` or spaces), or an HTTP-date
    in any of the three forms (IMF-fixdate, RFC 850, asctime), which are all UTC: a date
    without a zone (asctime) or with `-0000` is read as UTC too. Anything else is None (no
    hint: the caller backs off as without one)."""
    if not value:
        return None
    if _DELTA_SECONDS.fullmatch(value):
        return float(value)  # any length: a huge one is inf, which the caller caps
    if value != value.strip() or not value[:1].isalpha():
        return None  # every HTTP-date starts with a day name
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def _result(response: httpx.Response, retries: int) -> RawResponse[Customer]:
    if not response.is_success:
        raise status_error(response)
    try:
        customer = Customer.from_json(response.json())
    except FieldProblem as problem:
        raise APIResponseValidationError(
            f"HTTP {response.status_code} but the body is not a customer: {problem}",
            response=response,
            body=body_text(response),
            field=problem.field or None,
        ) from None
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        raise APIResponseValidationError(
            f"HTTP {response.status_code} but the body is not a customer: not JSON "
            f"({type(exc).__name__})",
            response=response,
            body=body_text(response),
        ) from None
    return RawResponse(response, customer, retries)


def closed_client_error(request: Request) -> APIConnectionError:
    """For a call on a closed client (or one whose `http_client` was closed): nothing sent."""
    return _not_sent(request, "the client is closed")


def other_loop_error(request: Request) -> APIConnectionError:
    """For an AsyncJuspay called in an event loop other than the one its connections were
    made in, which has closed since (one client across `asyncio.run` calls): nothing sent."""
    return _not_sent(
        request,
        "its connections belong to an event loop that has closed since; make one client per "
        "event loop",
    )


def _not_sent(request: Request, why: str) -> APIConnectionError:
    method, _, path = request.label.partition(" ")
    return APIConnectionError(f"{request.label} was not sent: {why}", method=method, path=path)


def runtime_error(request: Request, error: RuntimeError) -> APIConnectionError:
    """httpx's (or an event hook's) RuntimeError while sending, as a JuspayError."""
    return _connection_error(request, error, 0, reached=True)


def _connection_error(
    request: Request, error: Reply | RuntimeError, retries: int, *, reached: bool
) -> APIConnectionError:
    """`reached`: whether any attempt may have reached the server (a POST then may have
    been applied); when none did (connect errors only), the message says nothing was sent."""
    kind = APITimeoutError if isinstance(error, httpx.TimeoutException) else APIConnectionError
    method, _, path = request.label.partition(" ")
    message = f"{request.label} failed: {type(error).__name__}: {error}".rstrip(": ")
    if retries:
        message += f" (after {retries} retries)"
    if not reached:
        message += "; it was not sent"
    elif method == "POST":
        message += "; the server may have acted on it"
    return kind(message, method=method, path=path)


def _log_reply(
    request: Request, reply: Reply, started: float, retries: int, delay: float | None
) -> None:
    elapsed = (time.monotonic() - started) * 1000
    if isinstance(reply, httpx.Response):
        outcome = f"{reply.status_code} request_id={reply.headers.get('x-request-id')}"
    else:
        outcome = type(reply).__name__
    logger.info("%s -> %s in %.1fms retries=%d", request.label, outcome, elapsed, retries)
    if delay is not None:
        logger.info("%s: retrying in %.2fs", request.label, delay)
