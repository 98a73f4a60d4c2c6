"""The mock's state and what tests do to it: keys, customers, faults; reset, seed, inject."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping
from typing import Any

from ._customers import CustomerShape, SeedError, now
from ._faults import Fault, Faults
from ._responses import ErrorBodies
from ._spec import CompiledSpec
from ._store import DuplicateError, Stores


class Control:
    """The mock's state and the operations tests use on it: reset, seed, inject."""

    def __init__(self, spec: CompiledSpec, api_keys: Iterable[str], merchant_id: str | None):
        if isinstance(api_keys, str):
            raise TypeError("juspay_mock: api_keys is a list of keys, not one string")
        self.api_keys = tuple(dict.fromkeys(api_keys))
        if not self.api_keys:
            raise ValueError("juspay_mock: give at least one API key")
        self.merchant_id = merchant_id
        self.errors = ErrorBodies(spec.examples)
        create_fields = spec.operations["/customers"]["POST"].body
        self.shape = CustomerShape(
            spec.schemas["Customer"], create_fields.names if create_fields else ()
        )
        self.stores = Stores(self.api_keys)
        self.faults = Faults(spec.operations)
        # The exact header each key's SDKs send; other spellings take the slow path.
        self._auth_headers = {
            "Basic " + base64.b64encode(f"{key}:".encode()).decode(): key for key in self.api_keys
        }

    def reset(self) -> None:
        """Forget every customer and every pending fault."""
        self.stores.reset()
        self.faults.clear()

    def seed(self, customers: Iterable[Mapping[str, Any]], api_key: str | None = None) -> None:
        """Store `customers` for `api_key` (default: the first key); `ValueError` if invalid."""
        key = self.api_keys[0] if api_key is None else api_key
        if key not in self.stores:
            raise ValueError("seed: api_key is not one of the mock's keys")
        moment = now()
        shaped = []
        for index, given in enumerate(customers):
            try:
                shaped.append(self.shape.seeded(given, moment))
            except SeedError as error:
                raise ValueError(f"seed: customers[{index}]: {error}") from None
        try:
            self.stores[key].insert(shaped)
        except DuplicateError as error:
            raise ValueError(f"seed: {error} is already stored") from None

    def inject(self, **fault: Any) -> None:
        """Queue a fault for the next matching API requests; see `Fault`."""
        parsed, count = Fault.parse(fault)
        self.faults.add(parsed, count)

    def api_key(self, authorization: str | None) -> str | None:
        """The configured API key a Basic `Authorization` header carries, if any."""
        if authorization is None:
            return None
        key = self._auth_headers.get(authorization)
        if key is not None:
            return key
        scheme, _, encoded = authorization.partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            user = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")[0]
        except (binascii.Error, UnicodeDecodeError):
            return None
        return user if user in self.stores else None
