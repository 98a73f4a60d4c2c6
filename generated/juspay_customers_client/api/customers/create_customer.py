from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.create_customer_request import CreateCustomerRequest
from ...models.customer import Customer
from ...models.error import Error
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: CreateCustomerRequest,
    x_merchantid: str | Unset = UNSET,
    version: str | Unset = UNSET,
    x_routing_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_merchantid, Unset):
        headers["x-merchantid"] = x_merchantid

    if not isinstance(version, Unset):
        headers["version"] = version

    if not isinstance(x_routing_id, Unset):
        headers["x-routing-id"] = x_routing_id

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/customers",
    }

    _kwargs["data"] = body.to_dict()
    headers["Content-Type"] = "application/x-www-form-urlencoded"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Customer | Error | None:
    if response.status_code == 200:
        response_200 = Customer.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 415:
        response_415 = Error.from_dict(response.json())

        return response_415

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Customer | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreateCustomerRequest,
    x_merchantid: str | Unset = UNSET,
    version: str | Unset = UNSET,
    x_routing_id: str | Unset = UNSET,
) -> Response[Customer | Error]:
    """Create a customer

     Creates a customer. `object_reference_id` is the merchant's own id for the customer
    and is unique per merchant: a second create with the same value fails with
    `400 unique`, which also makes a retried create safe to detect. Since a get or update
    finds a customer by either its Juspay id or its `object_reference_id`, the two share
    one namespace per merchant: a create whose `object_reference_id` is another
    customer's Juspay id (`cst_…`) fails with `400 unique` too.

    Args:
        x_merchantid (str | Unset):
        version (str | Unset):
        x_routing_id (str | Unset):
        body (CreateCustomerRequest): Form fields of a create. Unknown fields are ignored by the
            service (some SDKs send
            extra ones), so the object is open.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Customer | Error]
    """

    kwargs = _get_kwargs(
        body=body,
        x_merchantid=x_merchantid,
        version=version,
        x_routing_id=x_routing_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: CreateCustomerRequest,
    x_merchantid: str | Unset = UNSET,
    version: str | Unset = UNSET,
    x_routing_id: str | Unset = UNSET,
) -> Customer | Error | None:
    """Create a customer

     Creates a customer. `object_reference_id` is the merchant's own id for the customer
    and is unique per merchant: a second create with the same value fails with
    `400 unique`, which also makes a retried create safe to detect. Since a get or update
    finds a customer by either its Juspay id or its `object_reference_id`, the two share
    one namespace per merchant: a create whose `object_reference_id` is another
    customer's Juspay id (`cst_…`) fails with `400 unique` too.

    Args:
        x_merchantid (str | Unset):
        version (str | Unset):
        x_routing_id (str | Unset):
        body (CreateCustomerRequest): Form fields of a create. Unknown fields are ignored by the
            service (some SDKs send
            extra ones), so the object is open.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Customer | Error
    """

    return sync_detailed(
        client=client,
        body=body,
        x_merchantid=x_merchantid,
        version=version,
        x_routing_id=x_routing_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreateCustomerRequest,
    x_merchantid: str | Unset = UNSET,
    version: str | Unset = UNSET,
    x_routing_id: str | Unset = UNSET,
) -> Response[Customer | Error]:
    """Create a customer

     Creates a customer. `object_reference_id` is the merchant's own id for the customer
    and is unique per merchant: a second create with the same value fails with
    `400 unique`, which also makes a retried create safe to detect. Since a get or update
    finds a customer by either its Juspay id or its `object_reference_id`, the two share
    one namespace per merchant: a create whose `object_reference_id` is another
    customer's Juspay id (`cst_…`) fails with `400 unique` too.

    Args:
        x_merchantid (str | Unset):
        version (str | Unset):
        x_routing_id (str | Unset):
        body (CreateCustomerRequest): Form fields of a create. Unknown fields are ignored by the
            service (some SDKs send
            extra ones), so the object is open.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Customer | Error]
    """

    kwargs = _get_kwargs(
        body=body,
        x_merchantid=x_merchantid,
        version=version,
        x_routing_id=x_routing_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: CreateCustomerRequest,
    x_merchantid: str | Unset = UNSET,
    version: str | Unset = UNSET,
    x_routing_id: str | Unset = UNSET,
) -> Customer | Error | None:
    """Create a customer

     Creates a customer. `object_reference_id` is the merchant's own id for the customer
    and is unique per merchant: a second create with the same value fails with
    `400 unique`, which also makes a retried create safe to detect. Since a get or update
    finds a customer by either its Juspay id or its `object_reference_id`, the two share
    one namespace per merchant: a create whose `object_reference_id` is another
    customer's Juspay id (`cst_…`) fails with `400 unique` too.

    Args:
        x_merchantid (str | Unset):
        version (str | Unset):
        x_routing_id (str | Unset):
        body (CreateCustomerRequest): Form fields of a create. Unknown fields are ignored by the
            service (some SDKs send
            extra ones), so the object is open.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Customer | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_merchantid=x_merchantid,
            version=version,
            x_routing_id=x_routing_id,
        )
    ).parsed
