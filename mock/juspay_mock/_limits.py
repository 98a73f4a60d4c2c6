"""What the mock takes from a connection before it gives up on it (README, The mock server).

A mock on a developer's machine or a CI runner still meets clients that send huge headers or
never finish a request; these bound the memory and the time each connection can hold. The
defaults follow Node's HTTP server (`maxHeaderSize`, `keepAliveTimeout`) and are far above what
any Juspay SDK sends; `juspay-mock` has a flag for each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

MAX_TIMEOUT = 86_400.0  # seconds: one day, so a timer always fits the event loop's clock
# Requests the journal keeps per API key (`--journal-size`): by default enough for a test suite;
# at most about a gigabyte of records.
DEFAULT_JOURNAL_SIZE = 10_000
MAX_JOURNAL_SIZE = 1_000_000


@dataclass(frozen=True, slots=True)
class Limits:
    """Per-connection limits; `ValueError` at construction if one is out of range.

    `max_header_size`: bytes of a request's line and headers; past it the answer is 431 and the
    connection is closed. `request_timeout`: seconds for a request (line, headers, body) to
    arrive, counted from the connection's start for its first request and from the first
    byte for later ones; past it the answer is 408 (or, with nothing received, a plain close).
    `keep_alive_timeout`: seconds an idle connection stays open between requests.
    `max_connections`: open connections served at once; a request on one more is answered 503
    with `Retry-After: 1` and its connection closed.
    """

    max_header_size: int = 16 * 1024
    request_timeout: float = 10.0
    keep_alive_timeout: float = 5.0
    max_connections: int = 1000

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"juspay_mock: {field.name} must be a number, not {value!r}")
            if field.type == "int" and (not isinstance(value, int) or value < 1):
                raise ValueError(f"juspay_mock: {field.name} must be a whole number of at least 1")
            if field.type == "float" and not (0 < value <= MAX_TIMEOUT and math.isfinite(value)):
                raise ValueError(
                    f"juspay_mock: {field.name} must be more than 0 and at most"
                    f" {MAX_TIMEOUT:.0f} seconds"
                )
