"""A friendly, typed client for Juspay's Express Checkout Customers API.

    from juspay_customers import Juspay

    with Juspay(api_key="...") as juspay:
        customer = juspay.customers.create({"object_reference_id": "guest_user",
                                            "mobile_number": "9988776655"})

Parameters are typed from the spec (`CreateCustomerParams`, `UpdateCustomerFields`, ...), as
mappings and as keywords. The clients load on first use, so `import juspay_customers` stays
cheap.
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
    CreateNotConfirmedError,
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
    from ._generated import (
        CreateCustomerParams,
        GetCustomerFields,
        GetCustomerParams,
        UpdateCustomerFields,
        UpdateCustomerParams,
    )
    from ._models import ClientAuthToken, Customer, RawResponse
    from ._options import NOT_GIVEN, CallOptions

_LAZY = {
    "AsyncCustomers": "._async_client",
    "AsyncJuspay": "._async_client",
    "CallOptions": "._options",
    "ClientAuthToken": "._models",
    "CreateCustomerParams": "._generated",
    "Customer": "._models",
    "Customers": "._default",
    "GetCustomerFields": "._generated",
    "GetCustomerParams": "._generated",
    "Juspay": "._client",
    "NOT_GIVEN": "._options",
    "RawResponse": "._models",
    "SyncCustomers": "._client",
    "UpdateCustomerFields": "._generated",
    "UpdateCustomerParams": "._generated",
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
    "CallOptions",
    "ClientAuthToken",
    "CreateCustomerParams",
    "CreateNotConfirmedError",
    "Customer",
    "Customers",
    "FieldError",
    "GetCustomerFields",
    "GetCustomerParams",
    "InvalidRequestError",
    "Juspay",
    "JuspayError",
    "NotFoundError",
    "ParameterError",
    "RateLimitError",
    "RawResponse",
    "SyncCustomers",
    "UpdateCustomerFields",
    "UpdateCustomerParams",
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
