"""A merchant's mistakes: each line marked `# wrong` must be reported by `mypy --strict` and
by basedpyright, and no other line (tests/typing/test_typing.py). Checked, never run."""

from __future__ import annotations

from juspay_customers import AsyncJuspay, Customer, Customers, Juspay


def sync_mistakes(juspay: Juspay, customer: Customer) -> None:
    juspay.customers.create({"object_reference_id": 42, "mobile_number": "9988776655"})  # wrong
    juspay.customers.create({"object_reference_id": "g", "mobil_number": "9988776655"})  # wrong
    juspay.customers.create(object_reference_id="g", mobile_number="1", frist_name="Jo")  # wrong
    juspay.customers.create(object_reference_id="g", mobile_number=9988776655)  # wrong
    juspay.customers.create(object_reference_id="g")  # wrong
    juspay.customers.update("cst_1", frist_name="Jo")  # wrong
    juspay.customers.update("cst_1", {"first_name": 1})  # wrong
    juspay.customers.update({"first_name": "Jo"})  # wrong
    juspay.customers.get("cst_1", get_client_auth_token="yes")  # wrong
    juspay.customers.get("cst_1", timeout=5)  # wrong
    juspay.customers.get("cst_1", request_options={"timout": 5})  # wrong
    juspay.customers.get("cst_1", request_options={"max_retries": "2"})  # wrong
    Customers.create({"object_reference_id": "g"})  # wrong
    print(customer.date_of_brith)  # wrong
    name: str = customer.first_name  # wrong
    print(name)


async def async_mistakes(juspay: AsyncJuspay) -> None:
    await juspay.customers.update(customer_id="cst_1", frist_name="Jo")  # wrong
    await juspay.customers.update("cst_1", customer_mail="jo@mail.com")  # wrong
    customer: Customer = juspay.customers.get("cst_1")  # wrong
    print(customer)
