"""A stateful mock of Juspay's Customers API, driven by the OpenAPI document."""
