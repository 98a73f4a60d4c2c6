"""Customers in a SQLite database: they survive a restart, and the database keeps them unique.

One table for every key's customers. Merchants are told apart by a digest of their API key, so
the file holds no key. `UNIQUE` constraints enforce one id and one `object_reference_id` per
merchant, and a write transaction checks that no id is another customer's reference or the
other way round; a write is committed (WAL, `synchronous=FULL`) before the mock answers it, so an
acknowledged create survives a `kill -9` of the mock and a power cut alike.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ._responses import dumps, loads
from ._store import ID, REFERENCE, Change, DuplicateError, check_batch

_SCHEMA = """
CREATE TABLE IF NOT EXISTS customers (
    merchant TEXT NOT NULL,
    id TEXT NOT NULL,
    object_reference_id TEXT NOT NULL,
    body BLOB NOT NULL,
    UNIQUE (merchant, id),
    UNIQUE (merchant, object_reference_id)
)
"""
_COLUMNS = ["merchant", "id", "object_reference_id", "body"]


def merchant_digest(api_key: str) -> str:
    """How a store names a merchant: a digest of its key (the key itself is never stored)."""
    return hashlib.sha256(b"juspay-mock merchant\0" + api_key.encode()).hexdigest()[:32]


class _Database:
    """One connection to the file, used by one thread at a time."""

    def __init__(self, path: Path) -> None:
        self.lock = threading.Lock()
        # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE ... COMMIT).
        self.connection = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, timeout=30
        )
        # Another program's database with a `customers` table of its own is refused before
        # anything in it changes (its journal mode included).
        found = [row[1] for row in self.connection.execute("PRAGMA table_info(customers)")]
        if found and found != _COLUMNS:
            self.connection.close()
            raise ValueError(f"its customers table has the columns {found}, not {_COLUMNS}")
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=FULL")
        self.connection.execute(_SCHEMA)


class SqliteCustomers:
    """The customers of one API key in the database."""

    __slots__ = ("_db", "_merchant")

    def __init__(self, db: _Database, merchant: str) -> None:
        self._db = db
        self._merchant = merchant

    def _get(self, key: str) -> bytes | None:
        connection = self._db.connection
        for column in ("id", "object_reference_id"):
            row = connection.execute(
                f"SELECT body FROM customers WHERE merchant = ? AND {column} = ?",  # noqa: S608
                (self._merchant, key),
            ).fetchone()
            if row is not None:
                return bytes(row[0])
        return None

    def get(self, key: str) -> bytes | None:
        with self._db.lock:
            return self._get(key)

    def insert(self, customers: Iterable[Mapping[str, Any]]) -> list[bytes]:
        rows = [(c["id"], c["object_reference_id"], dumps(c)) for c in customers]
        check_batch(rows)
        connection = self._db.connection
        with self._db.lock:
            connection.execute("BEGIN IMMEDIATE")  # the write lock: no other writer until COMMIT
            try:
                # UNIQUE covers each column; one namespace across both is checked here.
                taken = self._taken(rows)
                if taken is None:
                    connection.executemany(
                        "INSERT INTO customers (merchant, id, object_reference_id, body)"
                        " VALUES (?, ?, ?, ?)",
                        [(self._merchant, *row) for row in rows],
                    )
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            if taken is not None:
                connection.execute("ROLLBACK")
                raise taken
            connection.execute("COMMIT")
        return [body for _, _, body in rows]

    def _taken(self, rows: list[tuple[str, str, bytes]]) -> DuplicateError | None:
        """The first id or reference of `rows` that a stored customer has, as either."""
        for index, (customer_id, reference, _) in enumerate(rows):
            for field, value in ((ID, customer_id), (REFERENCE, reference)):
                for taken_as in (ID, REFERENCE):
                    found = self._db.connection.execute(
                        f"SELECT 1 FROM customers WHERE merchant = ? AND {taken_as} = ?",  # noqa: S608
                        (self._merchant, value),
                    ).fetchone()
                    if found is not None:
                        return DuplicateError(index, field, value, False, taken_as)
        return None

    def modify(self, key: str, change: Change) -> bytes | None:
        connection = self._db.connection
        with self._db.lock:
            connection.execute("BEGIN IMMEDIATE")
            try:
                body = self._get(key)
                if body is None:
                    connection.execute("ROLLBACK")
                    return None
                customer = loads(body)
                change(customer)
                body = dumps(customer)
                connection.execute(
                    "UPDATE customers SET body = ? WHERE merchant = ? AND id = ?",
                    (body, self._merchant, customer["id"]),
                )
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
        return body

    def bodies(self) -> list[bytes]:
        with self._db.lock:
            rows = self._db.connection.execute(
                "SELECT body FROM customers WHERE merchant = ? ORDER BY rowid", (self._merchant,)
            ).fetchall()
        return [bytes(row[0]) for row in rows]


class SqliteStore:
    """Every API key's customers in the SQLite database at `path` (created when missing)."""

    def __init__(self, path: str | Path, api_keys: Iterable[str]) -> None:
        self._db = _Database(Path(path))
        self._stores = {key: SqliteCustomers(self._db, merchant_digest(key)) for key in api_keys}

    def __getitem__(self, api_key: str) -> SqliteCustomers:
        return self._stores[api_key]

    def __contains__(self, api_key: object) -> bool:
        return api_key in self._stores

    def reset(self, api_key: str | None = None) -> None:
        keys = self._stores if api_key is None else (api_key,)
        with self._db.lock:
            self._db.connection.executemany(
                "DELETE FROM customers WHERE merchant = ?", [(merchant_digest(k),) for k in keys]
            )

    def close(self) -> None:
        with self._db.lock:
            self._db.connection.close()
