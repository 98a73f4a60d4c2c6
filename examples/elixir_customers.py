"""The examples of the Elixir `Juspay.Customers` documentation page, in Python.

    python examples/elixir_customers.py --mock   # against the bundled mock (`make demo`)
    python examples/elixir_customers.py          # against JUSPAY_BASE_URL / JUSPAY_ENVIRONMENT
                                                 # with JUSPAY_API_KEY

Each Elixir call takes a map or a keyword list; in Python that is a dict or a list of
(key, value) pairs, and both forms are shown, through the module-level `Customers` facade.
"""

from __future__ import annotations

import argparse
import contextlib
import json
from collections.abc import Iterator

import juspay_customers
from juspay_customers import Customer, Customers

FORMS = ("map", "keyword list")


def run() -> list[Customer]:
    """create -> get -> update, each in the page's two input forms."""
    # create(%{...}): a map (any mapping with string keys)
    created = Customers.create(
        {
            "object_reference_id": "guest_user",
            "mobile_number": "9988776655",
            "email_address": "customer@mail.com",
            "first_name": "John",
            "last_name": "Smith",
            "mobile_country_code": "91",
        }
    )
    # create([...]): a keyword list; a second customer, as object_reference_id is unique
    created_from_list = Customers.create(
        [
            ("object_reference_id", "guest_user_2"),
            ("mobile_number", "9988776655"),
            ("email_address", "customer@mail.com"),
            ("first_name", "John"),
            ("last_name", "Smith"),
            ("mobile_country_code", "91"),
        ]
    )
    # get(%{customer_id: ...}) and get([customer_id: ...])
    fetched = Customers.get({"customer_id": "guest_user"})
    fetched_from_list = Customers.get([("customer_id", "guest_user")])
    # update(%{...}): the page spells the e-mail `customer_email`, accepted as an alias
    updated = Customers.update(
        {
            "customer_id": "guest_user",
            "mobile_number": "9988776688",
            "customer_email": "customer@mail.com",
            "first_name": "udpate_firstname",
            "last_name": "udpate_lastname",
            "mobile_country_code": "91",
        }
    )
    updated_from_list = Customers.update(
        [
            ("customer_id", "guest_user"),
            ("mobile_number", "9988776688"),
            ("customer_email", "customer@mail.com"),
            ("first_name", "udpate_firstname"),
            ("last_name", "udpate_lastname"),
            ("mobile_country_code", "91"),
        ]
    )
    return [created, created_from_list, fetched, fetched_from_list, updated, updated_from_list]


@contextlib.contextmanager
def bundled_mock() -> Iterator[None]:
    """Serve the mock on a free loopback port and point the default client at it."""
    from juspay_mock import MockServer

    with MockServer(api_keys=["demo_key"]) as server:
        client = juspay_customers.configure(api_key=server.api_key, base_url=server.base_url)
        try:
            yield
        finally:
            client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mock", action="store_true", help="run against the bundled mock")
    args = parser.parse_args()
    with bundled_mock() if args.mock else contextlib.nullcontext():
        forms = [f"{call} ({form})" for call in ("create", "get", "update") for form in FORMS]
        for label, customer in zip(forms, run(), strict=True):
            print(f"# Customers.{label}")
            print(json.dumps(customer.to_dict(), indent=2))


if __name__ == "__main__":
    main()
