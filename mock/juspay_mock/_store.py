"""Customer storage behind one interface: a store per API key, found by id or reference.

`MemoryStore` (the default) keeps each customer as its serialised JSON body, so a get answers
without re-encoding and 100,000 customers cost little more than their bytes. Other stores
(`_sqlite`) implement the same two protocols.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from ._responses import dumps, loads

Change = Callable[[dict[str, Any]], None]


class DuplicateError(Exception):
    """A customer's id or `object_reference_id` is taken: stored already, or earlier in its batch.

    `index` is the customer's place in the batch, `field` and `value` what is taken, `taken_as`
    what another customer has it as. Ids and references are one namespace per merchant (a get
    tries the id first, so a reference equal to another customer's id could never be found):
    a reference may not be another customer's id, nor an id another customer's reference.
    """

    def __init__(
        self, index: int, field: str, value: str, in_batch: bool, taken_as: str | None = None
    ) -> None:
        super().__init__(f"{field} {value}")
        self.index, self.field, self.value, self.in_batch = index, field, value, in_batch
        self.taken_as = field if taken_as is None else taken_as


ID, REFERENCE = "id", "object_reference_id"


def check_batch(customers: list[tuple[str, str, bytes]]) -> None:
    """`DuplicateError` for an id or reference taken by an earlier customer of one batch."""
    ids: set[str] = set()
    references: set[str] = set()
    for index, (customer_id, reference, _) in enumerate(customers):
        for field, value in ((ID, customer_id), (REFERENCE, reference)):
            for taken_as, taken in ((ID, ids), (REFERENCE, references)):
                if value in taken:
                    raise DuplicateError(index, field, value, True, taken_as)
        ids.add(customer_id)
        references.add(reference)


class CustomerStore(Protocol):
    """The customers of one API key; every method is atomic and safe from several threads."""

    def get(self, key: str) -> bytes | None:
        """The customer (its JSON body) whose id, or else whose `object_reference_id`, is `key`."""

    def insert(self, customers: Iterable[Mapping[str, Any]]) -> list[bytes]:
        """Store new customers, all or none; `DuplicateError` if any id or reference is taken.

        Returns their bodies once stored (for a durable store: committed).
        """

    def modify(self, key: str, change: Change) -> bytes | None:
        """Apply `change` to the stored customer `key` atomically; None if there is none."""

    def bodies(self) -> list[bytes]:
        """Every customer's body, in the order stored (first stored first)."""


class Store(Protocol):
    """Every API key's customer store; keys not configured have none."""

    def __getitem__(self, api_key: str) -> CustomerStore: ...

    def __contains__(self, api_key: object) -> bool: ...

    def reset(self, api_key: str | None = None) -> None:
        """Forget every customer of `api_key`, or of every key when None."""

    def close(self) -> None:
        """Release what the store holds open (files, connections)."""


class MemoryCustomers:
    """The customers of one API key, in this process's memory."""

    __slots__ = ("_by_id", "_id_by_reference", "_lock")

    def __init__(self) -> None:
        self._by_id: dict[str, bytes] = {}
        self._id_by_reference: dict[str, str] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, key: str) -> bytes | None:
        body = self._by_id.get(key)
        if body is None:
            customer_id = self._id_by_reference.get(key)
            if customer_id is not None:
                body = self._by_id.get(customer_id)
        return body

    def insert(self, customers: Iterable[Mapping[str, Any]]) -> list[bytes]:
        bodies = [(c["id"], c["object_reference_id"], dumps(c)) for c in customers]
        check_batch(bodies)
        with self._lock:
            for index, (customer_id, reference, _) in enumerate(bodies):
                for field, value in ((ID, customer_id), (REFERENCE, reference)):
                    if value in self._by_id:
                        raise DuplicateError(index, field, value, False, ID)
                    if value in self._id_by_reference:
                        raise DuplicateError(index, field, value, False, REFERENCE)
            for customer_id, reference, body in bodies:
                self._by_id[customer_id] = body
                self._id_by_reference[reference] = customer_id
        return [body for _, _, body in bodies]

    def modify(self, key: str, change: Change) -> bytes | None:
        with self._lock:
            body = self.get(key)
            if body is None:
                return None
            customer = loads(body)
            change(customer)
            body = self._by_id[customer["id"]] = dumps(customer)
        return body

    def bodies(self) -> list[bytes]:
        return list(self._by_id.values())


class MemoryStore:
    """Every API key's customers in this process's memory: fast, gone when it stops."""

    __slots__ = ("_stores",)

    def __init__(self, api_keys: Iterable[str]) -> None:
        self._stores = {key: MemoryCustomers() for key in api_keys}

    def __getitem__(self, api_key: str) -> MemoryCustomers:
        return self._stores[api_key]

    def __contains__(self, api_key: object) -> bool:
        return api_key in self._stores

    def reset(self, api_key: str | None = None) -> None:
        for key in self._stores if api_key is None else (api_key,):
            self._stores[key] = MemoryCustomers()

    def close(self) -> None:
        pass


# A URL's user and password: after its scheme, up to its last @ (a password may hold / or @
# unencoded; a path with an @ is hidden too, which errs the safe way).
_CREDENTIALS = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://).*@")
STORE_FORMS = "memory, sqlite:///PATH (relative; sqlite:////PATH absolute), redis://HOST:PORT/DB"


def shown_url(url: str) -> str:
    """A store URL as messages show it: any credentials in it (`redis://:PASSWORD@host`) and
    its query (`?password=...`) replaced by `***`."""
    without_query, question, _ = url.partition("?")
    return _CREDENTIALS.sub(r"\1***@", without_query) + ("?***" if question else "")


def open_store(url: str, api_keys: Iterable[str]) -> Store:
    """The store a `--store` URL names; `ValueError` saying the accepted forms.

    `memory`: this process's memory (the default). `sqlite:///PATH`: a SQLite database at
    PATH, relative to the working directory (SQLAlchemy's form; `sqlite:////abs/mock.db` for an
    absolute path), created when missing. `redis://HOST:PORT/DB`: a Redis server, shared by
    every process naming it (needs the `redis` extra).
    """
    if url == "memory":
        return MemoryStore(api_keys)
    if url.startswith("sqlite:///") and len(url) > len("sqlite:///"):
        from ._sqlite import SqliteStore

        path = url.removeprefix("sqlite:///")
        try:
            return SqliteStore(path, api_keys)
        except Exception as error:  # sqlite3.Error, OSError: the file cannot be a database
            raise ValueError(f"store: cannot open the SQLite database {path}: {error}") from None
    if url.startswith(("redis://", "rediss://", "unix://")):
        try:
            from ._redis import RedisStore
        except ImportError:
            raise ValueError(
                'store: Redis needs its extra: pip install "./juspay-customers[mock,redis]"'
                " (a clone; or the wheel with [mock,redis])"
            ) from None
        return RedisStore(url, api_keys)
    raise ValueError(f"store: {shown_url(url)!r} is none of: {STORE_FORMS}")
