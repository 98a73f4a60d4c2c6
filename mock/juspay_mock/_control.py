"""The test controls: reset, seed, inject faults, read the journal and the stored customers.

Each acts on one API key's merchant (by default the first key); `reset()` and the journal's
`every_key` act on all of them. Over HTTP (`_app`) the key comes from the caller's credentials.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from ._customers import SeedError, now
from ._faults import Fault, FaultQueue, Faults
from ._journal import Record, RecordedRequest, Recorder, arrival, arrived
from ._responses import loads
from ._state import State
from ._store import DuplicateError

# RFC 9110's methods and RFC 5789's PATCH: what a journal filter or a fault may name. Any other
# is far likelier a typo (`GTE`) than a method a client of this API sends.
METHODS = frozenset(
    {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"}
)


class Controls:
    """What tests do to a running mock, per API key.

    `api_key=None` means the first configured key; a key the mock does not have is a
    `ValueError`. `admin_token`, when given, lets HTTP callers act on every merchant.
    """

    def __init__(
        self,
        state: State,
        journal: Recorder,
        admin_token: str | None = None,
        faults: FaultQueue | None = None,
    ) -> None:
        self.state = state
        self.journal = journal
        self.faults: FaultQueue = Faults(state.routes) if faults is None else faults
        self._admin = None if admin_token is None else _checked_token(admin_token)

    @property
    def api_keys(self) -> tuple[str, ...]:
        return self.state.api_keys

    def key(self, api_key: str | None) -> str:
        """`api_key`, or the first key when None; `ValueError` if the mock does not have it."""
        if api_key is None:
            return self.state.api_keys[0]
        if api_key not in self.state.api_keys:
            raise ValueError("api_key is not one of the mock's keys")
        return api_key

    def is_admin(self, authorization: bytes | None) -> bool:
        """Whether an `Authorization` header (raw bytes) carries the admin token, its scheme
        `Bearer` in any case (RFC 9110 11.1)."""
        if self._admin is None or authorization is None:
            return False
        scheme, _, token = authorization.partition(b" ")
        return scheme.lower() == b"bearer" and hmac.compare_digest(token, self._admin)

    def reset(self, api_key: str | None = None) -> None:
        """Forget the customers, pending faults and journal of `api_key`, or of every key.

        `reset()` empties the whole mock; `reset("k")` only what key `k` left behind.
        """
        if api_key is None:
            self.state.store.reset()
            self.faults.clear()
            self.journal.clear()
            return
        key = self.key(api_key)
        self.state.store.reset(key)
        self.faults.clear(key)
        self.journal.clear([key])

    def seed(self, customers: Iterable[Mapping[str, Any]], api_key: str | None = None) -> None:
        """Store `customers` for `api_key`, all or none.

        `ValueError` naming the customer (`customers[3]`) and what is wrong with it: a field
        the spec's `Customer` does not have or whose rule it breaks, or an id or
        `object_reference_id` given twice in this batch or already stored.
        """
        key = self.key(api_key)
        if isinstance(customers, str | bytes | Mapping):
            raise TypeError("seed: customers is a list of customer objects")
        moment = now()
        shaped = []
        for index, given in enumerate(customers):
            if not isinstance(given, Mapping):
                raise ValueError(f"seed: customers[{index}] must be an object")
            try:
                shaped.append(self.state.shape.seeded(given, moment))
            except SeedError as error:
                raise ValueError(f"seed: customers[{index}]: {error}") from None
        try:
            self.state.store[key].insert(shaped)
        except DuplicateError as error:
            where = "is given twice in this batch" if error.in_batch else "is already stored"
            if error.taken_as != error.field:  # one namespace: a reference may not be an id
                where += f" as the {error.taken_as} of another customer"
            raise ValueError(
                f"seed: customers[{error.index}]: {error.field} {error.value} {where}"
            ) from None

    def inject(self, api_key: str | None = None, /, **fault: Any) -> None:
        """Queue a fault for `api_key`'s next matching API requests; see `Fault`. The key is
        positional only: an `api_key` among the fault's fields is refused as the schema's."""
        key = self.key(api_key)
        parsed, count = Fault.parse(fault)
        if parsed.method is not None:
            _checked_method(parsed.method)
        if parsed.path is not None:
            templates = self.state.routes.templates
            _checked_template(parsed.path, templates)
            if not _within(parsed.path, templates):
                raise ValueError(
                    f"path: {parsed.path!r} is no path of the spec, so no request would meet"
                    f" this fault; expected a path of {_listed(templates)}"
                )
        self.faults.add(key, parsed, count)

    def customers(self, api_key: str | None = None) -> list[dict[str, Any]]:
        """Every customer `api_key` has stored, as the API answers them, in the order stored."""
        return [loads(body) for body in self.state.store[self.key(api_key)].bodies()]

    def customer(self, id_or_reference: str, api_key: str | None = None) -> dict[str, Any] | None:
        """The customer of `api_key` with this id or `object_reference_id`; None if none."""
        body = self.state.store[self.key(api_key)].get(id_or_reference)
        return None if body is None else loads(body)

    def requests(
        self,
        api_key: str | None = None,
        *,
        every_key: bool = False,
        operation: str | None = None,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        since: datetime | None = None,
    ) -> list[RecordedRequest]:
        """The journal of `api_key` (of every key and of unauthenticated requests, with
        `every_key`), oldest first, filtered: `operation` an operationId, `method` any case,
        `path` the request's path (as sent, or percent-decoded) or its spec template
        (`/customers/{customer_id}`), `status`, `since` an aware datetime (received at or
        after it). A misspelled filter would match nothing, silently: `ValueError` for an
        operationId or a template the spec does not have, a method none of HTTP's (`METHODS`),
        a status outside 100-599, a `path` not starting with `/` and a naive `since`;
        `TypeError` for a filter of another type (a `since` that is no datetime)."""
        key = None if every_key else self.key(api_key)
        matches = self._matcher(operation, method, path, status, since)
        return [
            RecordedRequest.from_record(record)
            for record in self.journal.records(key, every_key)
            if matches(record)
        ]

    def requests_by_merchant(
        self,
        *,
        operation: str | None = None,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        since: datetime | None = None,
    ) -> list[tuple[int | None, RecordedRequest]]:
        """Every key's journal and that of requests with no valid key (the admin's view),
        oldest first, each entry with its merchant: its key's index in `api_keys`, as the
        admin's `GET /_mock/customers` numbers them, or None without a valid key. Filters and
        errors as for `requests`."""
        matches = self._matcher(operation, method, path, status, since)
        merchants: list[tuple[int | None, str | None]] = [*enumerate(self.api_keys), (None, None)]
        found = [
            (merchant, record)
            for merchant, key in merchants
            for record in self.journal.records(key)
            if matches(record)
        ]
        found.sort(key=lambda pair: arrived(pair[1]))
        return [(merchant, RecordedRequest.from_record(record)) for merchant, record in found]

    def _matcher(
        self,
        operation: str | None,
        method: str | None,
        path: str | None,
        status: int | None,
        since: datetime | None,
    ) -> Callable[[Record], bool]:
        """Whether a record meets the filters; the errors `requests` documents."""
        for name, value, kind in (
            ("operation", operation, str),
            ("method", method, str),
            ("path", path, str),
            ("status", status, int),
        ):
            if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
                raise TypeError(f"{name}: expected {kind.__name__}, got {type(value).__name__}")
        known = self.state.operation_ids
        if operation is not None and operation not in known:
            expected = ", ".join(sorted(known))
            raise ValueError(f"operation: {operation!r} is not in the spec; expected {expected}")
        if since is not None and not isinstance(since, datetime):
            raise TypeError(f"since: expected an aware datetime, got {type(since).__name__}")
        if since is not None and since.tzinfo is None:
            raise ValueError("since: give an aware datetime (with a time zone)")
        if path is not None and not path.startswith("/"):
            raise ValueError(f"path: {path!r} is no request path or template; it starts with /")
        routes = self.state.routes
        if path is not None:
            _checked_template(path, routes.templates)
        if status is not None and not 100 <= status <= 599:
            raise ValueError(f"status: {status} is no HTTP status; expected 100-599")
        wanted = None if method is None else _checked_method(method)

        def matches(record: Record) -> bool:
            return (
                (operation is None or record[3] == operation)
                and (wanted is None or record[1] == wanted)
                and (path is None or path in routes.names(record[2]))
                and (status is None or record[4] == status)
                and (since is None or arrival(record[0]) >= since)
            )

        return matches

    def clear_requests(self, api_key: str | None = None, *, every_key: bool = False) -> None:
        """Forget the journal of `api_key`, or all of it with `every_key`."""
        self.journal.clear(None if every_key else [self.key(api_key)])


def _checked_method(method: str) -> str:
    """`method` in upper case; `ValueError` unless it is one of HTTP's (`METHODS`)."""
    upper = method.upper()
    if upper not in METHODS:
        raise ValueError(
            f"method: {method!r} is no HTTP method; expected one of {_listed(METHODS)}"
        )
    return upper


def _checked_template(path: str, templates: Iterable[str]) -> None:
    """`ValueError` if `path` names a template (`{...}`) the spec does not have."""
    if "{" in path and path not in templates:
        raise ValueError(
            f"path: {path!r} is no template of the spec; expected one of {_listed(templates)}"
        )


def _within(path: str, templates: Iterable[str]) -> bool:
    """Whether a request path could have `path` as one of its names (`Routes.names`): as
    sent or percent-decoded, so a decoded id may hold a `/`."""
    for template in templates:
        static, brace, _ = template.partition("{")
        if path == template or (brace and path.startswith(static) and path != static):
            return True
    return False


def _listed(names: Iterable[str]) -> str:
    return ", ".join(sorted(names))


def parse_since(text: str) -> datetime:
    """An ISO 8601 moment (`2026-01-31T12:00:00Z`; UTC when it gives no offset)."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _checked_token(token: object) -> bytes:
    """The admin token as a header carries it; never shows the token."""
    if not isinstance(token, str):
        raise TypeError(f"juspay_mock: admin_token is a {type(token).__name__}, not a string")
    if not (token.isascii() and token.isprintable() and token and token == token.strip()):
        raise ValueError(
            "juspay_mock: admin_token must be printable ASCII without surrounding spaces"
        )
    return token.encode()
