"""What every API request reads: the keys, the merchant, error bodies, customer shape, store."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable

from ._customers import CustomerShape
from ._responses import ErrorBodies
from ._routes import Routes
from ._spec import CompiledSpec
from ._store import MemoryStore, Store


class State:
    """The mock's per-request state, built once from the spec and the configuration.

    `ValueError` (`TypeError` for a wrong type) for no API key, an empty one, one containing
    `:` (Basic auth could not carry it), or a merchant id no header can carry.
    """

    __slots__ = (
        "_auth_headers",
        "_known",
        "api_keys",
        "errors",
        "merchant_header",
        "merchant_id",
        "operation_ids",
        "routes",
        "shape",
        "store",
    )

    def __init__(
        self,
        spec: CompiledSpec,
        api_keys: Iterable[str],
        merchant_id: str | None,
        store: Store | None = None,
    ) -> None:
        if isinstance(api_keys, str):
            raise TypeError("juspay_mock: api_keys is a list of keys, not one string")
        checked = (_checked_key(index, key) for index, key in enumerate(api_keys))
        self.api_keys = tuple(dict.fromkeys(checked))
        self._known = frozenset(self.api_keys)
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
        self.store: Store = MemoryStore(self.api_keys) if store is None else store
        self.routes = Routes(spec.operations)
        self.operation_ids = frozenset(
            op.operation_id for by_method in spec.operations.values() for op in by_method.values()
        )
        # The exact header each key's SDKs send; other spellings take the slow path.
        self._auth_headers = {
            b"Basic " + base64.b64encode(f"{key}:".encode()): key for key in self.api_keys
        }

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
        return user if user in self._known else None


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
