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
        checked = (_checked_key(index, key) for index, key in enumerate(api_keys))
        self.api_keys = tuple(dict.fromkeys(checked))
        if not self.api_keys:
            raise ValueError("juspay_mock: give at least one API key")
        self.merchant_id = merchant_id
        # What x-merchantid must carry, byte for byte, when a merchant id is configured.
        self.merchant_header = None if merchant_id is None else _checked_merchant(merchant_id)
        self.errors = ErrorBodies(spec.examples)
        create_fields = spec.operations["/customers"]["POST"].body
        self.shape = CustomerShape(
            spec.schemas["Customer"], create_fields.names if create_fields else ()
        )
        self.stores = Stores(self.api_keys)
        self.faults = Faults(spec.operations)
        # The exact header each key's SDKs send; other spellings take the slow path.
        self._auth_headers = {
            b"Basic " + base64.b64encode(f"{key}:".encode()): key for key in self.api_keys
        }

    def reset(self) -> None:
        """Forget every customer and every pending fault."""
        self.stores.reset()
        self.faults.clear()

    def seed(self, customers: Iterable[Mapping[str, Any]], api_key: str | None = None) -> None:
        """Store `customers` for `api_key` (default: the first key), all or none.

        `ValueError` naming the customer (`customers[3]`) and what is wrong with it: a field
        the spec's `Customer` does not have or whose rule it breaks, or an id or
        `object_reference_id` given twice in this batch or already stored.
        """
        key = self.api_keys[0] if api_key is None else api_key
        if key not in self.stores:
            raise ValueError("seed: api_key is not one of the mock's keys")
        if isinstance(customers, str | bytes | Mapping):
            raise TypeError("seed: customers is a list of customer objects")
        moment = now()
        shaped = []
        for index, given in enumerate(customers):
            if not isinstance(given, Mapping):
                raise ValueError(f"seed: customers[{index}] must be an object")
            try:
                shaped.append(self.shape.seeded(given, moment))
            except SeedError as error:
                raise ValueError(f"seed: customers[{index}]: {error}") from None
        try:
            self.stores[key].insert(shaped)
        except DuplicateError as error:
            where = "is given twice in this batch" if error.in_batch else "is already stored"
            raise ValueError(
                f"seed: customers[{error.index}]: {error.field} {error.value} {where}"
            ) from None

    def inject(self, /, **fault: Any) -> None:
        """Queue a fault for the next matching API requests; see `Fault`."""
        parsed, count = Fault.parse(fault)
        self.faults.add(parsed, count)

    def api_key(self, authorization: bytes | None) -> str | None:
        """The configured API key a Basic `Authorization` header (raw bytes) carries, if any."""
        if authorization is None:
            return None
        key = self._auth_headers.get(authorization)
        if key is not None:
            return key
        scheme, _, encoded = authorization.partition(b" ")
        if scheme.lower() != b"basic":
            return None
        try:
            user = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")[0]
        except (binascii.Error, UnicodeDecodeError):
            return None
        return user if user in self.stores else None


def _checked_key(index: int, key: object) -> str:
    """`key` if Basic auth can carry it as its user-id (RFC 7617); never shows the key."""
    if not isinstance(key, str):
        raise TypeError(f"juspay_mock: api_keys[{index}] is a {type(key).__name__}, not a string")
    if not key:
        raise ValueError(f"juspay_mock: api_keys[{index}] is empty")
    if ":" in key:
        raise ValueError(f"juspay_mock: api_keys[{index}] contains ':', which ends a Basic user-id")
    try:
        key.encode()
    except UnicodeEncodeError:
        raise ValueError(f"juspay_mock: api_keys[{index}] is not valid Unicode text") from None
    return key


def _checked_merchant(merchant_id: object) -> bytes:
    """`merchant_id` as its x-merchantid header's bytes; it must be able to travel in one."""
    if not isinstance(merchant_id, str):
        raise TypeError(f"juspay_mock: merchant_id is a {type(merchant_id).__name__}, not a string")
    header_safe = merchant_id.isascii() and merchant_id.isprintable()
    if not (header_safe and merchant_id and merchant_id == merchant_id.strip()):
        raise ValueError(
            "juspay_mock: merchant_id must be printable ASCII without surrounding spaces,"
            f" as a header carries it, not {merchant_id!r}"
        )
    return merchant_id.encode()
