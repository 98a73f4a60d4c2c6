"""A client library for accessing Juspay Express Checkout Customers API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
