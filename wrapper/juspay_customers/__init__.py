"""A friendly, typed client for Juspay's Express Checkout Customers API."""

from ._version import __version__

__all__ = ["__version__"]
