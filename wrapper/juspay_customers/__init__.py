"""A friendly, typed client for Juspay's Express Checkout Customers API.

    from juspay_customers import Juspay

    with Juspay(api_key="...") as juspay:
        customer = juspay.customers.create({"object_reference_id": "guest_user",
                                            "mobile_number": "9988776655"})

The clients load on first use, so `import juspay_customers` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    AuthorizationError,
    FieldError,
    InvalidRequestError,
    JuspayError,
    NotFoundError,
    ParameterError,
    RateLimitError,
)
from ._version import __version__

if TYPE_CHECKING:
    from ._async_client import AsyncCustomers, AsyncJuspay
    from ._client import Juspay, SyncCustomers
    from ._default import Customers, configure
    from ._models import ClientAuthToken, Customer, RawResponse
    from ._options import NOT_GIVEN

_LAZY = {
    "AsyncCustomers": "._async_client",
    "AsyncJuspay": "._async_client",
    "ClientAuthToken": "._models",
    "Customer": "._models",
    "Customers": "._default",
    "Juspay": "._client",
    "NOT_GIVEN": "._options",
    "RawResponse": "._models",
    "SyncCustomers": "._client",
    "configure": "._default",
}

__all__ = [
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncCustomers",
    "AsyncJuspay",
    "AuthenticationError",
    "AuthorizationError",
    "ClientAuthToken",
    "Customer",
    "Customers",
    "FieldError",
    "InvalidRequestError",
    "Juspay",
    "JuspayError",
    "NotFoundError",
    "ParameterError",
    "RateLimitError",
    "RawResponse",
    "SyncCustomers",
    "__version__",
    "configure",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value  # later lookups skip this function
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
