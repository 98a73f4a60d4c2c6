"""In-memory customer storage: one store per API key, O(1) lookups by id or reference.

Each customer is kept as its serialised JSON body, so a get answers without re-encoding and
100,000 customers cost little more than their bytes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ._responses import dumps, loads


class DuplicateError(Exception):
    """A customer's id or `object_reference_id` is taken: stored already, or earlier in its batch.

    `index` is the customer's place in the batch, `field` and `value` what is taken.
    """

    def __init__(self, index: int, field: str, value: str, in_batch: bool) -> None:
        super().__init__(f"{field} {value}")
        self.index, self.field, self.value, self.in_batch = index, field, value, in_batch


class CustomerStore:
    """The customers of one API key, safe to use from several threads at once."""

    __slots__ = ("_by_id", "_id_by_reference", "_lock")

    def __init__(self) -> None:
        self._by_id: dict[str, bytes] = {}
        self._id_by_reference: dict[str, str] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, key: str) -> bytes | None:
        """The customer whose id, or else whose `object_reference_id`, is `key`."""
        body = self._by_id.get(key)
        if body is None:
            customer_id = self._id_by_reference.get(key)
            if customer_id is not None:
                body = self._by_id.get(customer_id)
        return body

    def insert(self, customers: Iterable[Mapping[str, Any]]) -> list[bytes]:
        """Store new customers, all or none; `DuplicateError` if any id or reference is taken."""
        bodies = [(c["id"], c["object_reference_id"], dumps(c)) for c in customers]
        with self._lock:
            new_ids: set[str] = set()
            new_references: set[str] = set()
            for index, (customer_id, reference, _) in enumerate(bodies):
                if customer_id in self._by_id or customer_id in new_ids:
                    raise DuplicateError(index, "id", customer_id, customer_id in new_ids)
                if reference in self._id_by_reference or reference in new_references:
                    in_batch = reference in new_references
                    raise DuplicateError(index, "object_reference_id", reference, in_batch)
                new_ids.add(customer_id)
                new_references.add(reference)
            for customer_id, reference, body in bodies:
                self._by_id[customer_id] = body
                self._id_by_reference[reference] = customer_id
        return [body for _, _, body in bodies]

    def modify(self, key: str, change: Callable[[dict[str, Any]], None]) -> bytes | None:
        """Apply `change` to the stored customer `key` atomically; None if there is none."""
        with self._lock:
            body = self.get(key)
            if body is None:
                return None
            customer = loads(body)
            change(customer)
            body = self._by_id[customer["id"]] = dumps(customer)
        return body


class Stores:
    """Every API key's customer store; keys not configured have none."""

    __slots__ = ("_stores",)

    def __init__(self, api_keys: Iterable[str]) -> None:
        self._stores = {key: CustomerStore() for key in api_keys}

    def __getitem__(self, api_key: str) -> CustomerStore:
        return self._stores[api_key]

    def __contains__(self, api_key: object) -> bool:
        return api_key in self._stores

    def reset(self) -> None:
        """Forget every customer of every key."""
        for key in self._stores:
            self._stores[key] = CustomerStore()
