"""The request journal: what the mock answered, per API key, in a bounded ring.

Recording is on every request's path, so a record is one plain tuple appended to a `deque`
(thread-safe, O(1), the oldest dropped past `size`); `RecordedRequest` objects are built only
when someone reads the journal. Credentials (`Authorization`, `Proxy-Authorization`, `Cookie`)
are replaced by `[filtered]` before they are kept.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, Protocol

from juspay_customers._logs import mask, mask_name

from ._asgi import OWS, RawHeaders, form_pairs
from ._limits import DEFAULT_JOURNAL_SIZE, MAX_JOURNAL_SIZE
from ._routes import shown_path

FILTERED = b"[filtered]"

# arrival (epoch s), method, path as sent (`sent_path`), operationId, status, duration (ms),
# headers, body, x-request-id, query string as sent
Record = tuple[
    float,
    str,
    bytes,
    "str | None",
    int,
    float,
    RawHeaders,
    "Mapping[str, Any] | None",
    str,
    bytes,
]


# Credentials a client may send: kept as `[filtered]`, by name, never with their value.
_FILTERED = {
    name: (name, FILTERED) for name in (b"authorization", b"proxy-authorization", b"cookie")
}


def filtered(headers: RawHeaders) -> RawHeaders:
    """`headers` with every credential's value (`Authorization`, `Proxy-Authorization`,
    `Cookie`) replaced by `[filtered]` (the others shared, not copied)."""
    return [_FILTERED.get(h[0], h) for h in headers]


SHARED_LINES = 1024  # header lines `read_headers` keeps one copy of, at most


def read_headers(
    headers: RawHeaders, shared: dict[tuple[bytes, bytes], tuple[bytes, bytes]]
) -> tuple[dict[bytes, bytes], RawHeaders]:
    """`first_values(headers)` and `filtered(headers)` in one pass: what every API request
    reads when the journal is on (a third of the two apart).

    Most requests repeat the header lines of others: the journal's list holds one copy of each
    line (`shared`, emptied past `SHARED_LINES`), so that the request's own are freed at once.
    A ring of thousands of requests then holds a fraction of the objects, and the cache misses
    of keeping it fall by half or more.
    """
    if len(shared) > SHARED_LINES:
        shared.clear()
    values: dict[bytes, bytes] = {}
    kept: RawHeaders = []
    for line in headers:
        name = line[0]
        if name not in values:
            values[name] = line[1].strip(OWS)
        secret = _FILTERED.get(name)
        kept.append(shared.setdefault(line, line) if secret is None else secret)
    return values, kept


def arrived(record: Record) -> float:
    """When the request arrived (its head): what records are ordered by. They are kept in the
    order they were answered, and a slow upload is answered after requests that came later."""
    return record[0]


def arrival(at: float) -> datetime:
    """A record's arrival as `RecordedRequest.time` shows it: UTC, to the microsecond. The
    `since` filter compares this, so that an entry's own time finds it."""
    return datetime.fromtimestamp(at, UTC)


def _masked(value: Any, name: str = "") -> str:
    """A value as a repr may show it. Personal data is masked as the client's logs mask it
    (`juspay_customers._logs`: a name by its first character, digits but the last two, an
    e-mail's local part), so that a test's output with both shows no more than either; other
    text is cut to its first two characters."""
    if not isinstance(value, str):
        return repr(value)
    if name.endswith("name"):
        return repr(mask_name(value))
    masked = mask(value)
    if masked != value:
        return repr(masked)
    return repr(value[:2] + "…") if len(value) > 2 else "'…'"


@dataclass(frozen=True, slots=True, repr=False)
class RecordedRequest:
    """One request the mock answered, as its journal kept it.

    `time`: when it arrived (UTC); `path`: the path as sent, percent-encoding kept
    (`/customers/a%2Fb`); `query`: the query string's (name, value) pairs, decoded, in the
    order sent (empty without one); `operation_id`: the spec's operationId, None for a path
    the spec does not have; `duration_ms`: from its arrival to its answer, in milliseconds;
    `headers`: its headers as (lower-case name, value) pairs, credentials as `[filtered]`;
    `body`: the body as the operation read it (declared fields by name), None without one;
    `request_id`: the `x-request-id` of the answer. The repr masks personal data.
    """

    time: datetime
    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    operation_id: str | None
    status: int
    duration_ms: float
    headers: tuple[tuple[str, str], ...]
    body: Mapping[str, Any] | None
    request_id: str

    @classmethod
    def from_record(cls, record: Record) -> RecordedRequest:
        at, method, path, operation_id, status, duration, headers, body, request_id, query = record
        return cls(
            arrival(at),
            method,
            shown_path(path),
            tuple(form_pairs(query.decode("latin-1"))),
            operation_id,
            status,
            round(duration, 3),
            tuple((n.decode("latin-1"), v.decode("latin-1")) for n, v in headers),
            None if body is None else MappingProxyType(dict(body)),
            request_id,
        )

    def header(self, name: str) -> str | None:
        """The first value of header `name` (any case), None if the request had none."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key == wanted), None)

    def query_param(self, name: str) -> str | None:
        """The first value of query parameter `name` (exact case), None if none was sent."""
        return next((value for key, value in self.query if key == name), None)

    def to_json(self) -> dict[str, Any]:
        """The entry as `GET /_mock/requests` answers it; headers and query as objects of
        lists."""
        headers: dict[str, list[str]] = {}
        for name, value in self.headers:
            headers.setdefault(name, []).append(value)
        query: dict[str, list[str]] = {}
        for name, value in self.query:
            query.setdefault(name, []).append(value)
        return {
            "time": self.time.isoformat(timespec="microseconds").replace("+00:00", "Z"),
            "method": self.method,
            "path": self.path,
            "query": query,
            "operation_id": self.operation_id,
            "status": self.status,
            "duration_ms": self.duration_ms,
            "headers": headers,
            "body": None if self.body is None else dict(self.body),
            "request_id": self.request_id,
        }

    def __repr__(self) -> str:
        body = (
            "None"
            if self.body is None
            else "{" + ", ".join(f"{k!r}: {_masked(v, k)}" for k, v in self.body.items()) + "}"
        )
        # An id in the path may be a merchant's own reference: an e-mail, a mobile number.
        first, *rest = self.path.lstrip("/").split("/")
        path = "/".join(["", first, *(_masked(segment)[1:-1] for segment in rest)])
        query = ", ".join(f"{name}={_masked(value, name)[1:-1]}" for name, value in self.query)
        return (
            f"RecordedRequest({self.method} {path}{f'?{query}' if query else ''}"
            f" {self.operation_id or 'unknown path'} -> {self.status},"
            f" body={body}, request_id={self.request_id!r})"
        )


class Recorder(Protocol):
    """Where the journal is kept: `Journal` in this process, or a shared one (`_redis`)."""

    size: int

    def record(self, api_key: str | None, record: Record) -> None: ...

    def records(self, api_key: str | None, every_key: bool = False) -> list[Record]: ...

    def clear(self, api_keys: Iterable[str | None] | None = None) -> None: ...


class Journal:
    """The last `size` requests of each API key (and of requests with no valid key: None)."""

    __slots__ = ("_rings", "size")

    def __init__(self, size: int = DEFAULT_JOURNAL_SIZE) -> None:
        if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= MAX_JOURNAL_SIZE:
            raise ValueError(
                f"juspay_mock: journal_size must be a whole number in 0-{MAX_JOURNAL_SIZE},"
                f" not {size!r}"
            )
        self.size = size
        self._rings: dict[str | None, deque[Record]] = {}

    def record(self, api_key: str | None, record: Record) -> None:
        try:
            ring = self._rings[api_key]
        except KeyError:
            ring = self._rings.setdefault(api_key, deque(maxlen=self.size))
        ring.append(record)

    def records(self, api_key: str | None, every_key: bool = False) -> list[Record]:
        """`api_key`'s records (every key's when `every_key`), oldest first."""
        if not every_key:
            return sorted(self._rings.get(api_key, ()), key=arrived)
        rings = [list(ring) for ring in list(self._rings.values())]
        return sorted(itertools.chain.from_iterable(rings), key=arrived)

    def clear(self, api_keys: Iterable[str | None] | None = None) -> None:
        """Forget the records of `api_keys`, or every record when None."""
        if api_keys is None:
            self._rings.clear()
        else:
            for key in api_keys:
                self._rings.pop(key, None)
