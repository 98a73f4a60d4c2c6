"""The facade against raw httpx (and the legacy SDK's way), per call, in one process."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from typing import Any

import httpx
import requests
from juspay_customers import AsyncJuspay, Juspay

from ._measure import Comparison, alternate, interleave
from ._servers import API_KEY, AUTHORIZATION, serve

OPERATIONS = ("create", "get", "update")
REFERENCE = "bench_user"
MOBILE = "9988776655"
STORED = {  # the customer every get and update reads; the in-process transport answers it
    "id": "cst_om2l6ctlptxwxuzj",
    "object": "customer",
    "object_reference_id": REFERENCE,
    "mobile_number": MOBILE,
    "mobile_country_code": "91",
    "email_address": "customer@mail.com",
    "first_name": "John",
    "last_name": "Smith",
    "date_created": "2020-03-17T14:16:31Z",
    "last_updated": "2020-03-17T14:16:31Z",
}
ASYNC_CONCURRENCY = 50

Calls = Mapping[str, Callable[[], Any]]
_unique = itertools.count()  # object_reference_ids of creates never repeat within a run


def _new_reference() -> str:
    return f"bench_{next(_unique)}"


def facade_calls(customers: Any) -> Calls:
    """The three calls through `client.customers` (sync, or async returning awaitables)."""
    return {
        "create": lambda: customers.create(
            {"object_reference_id": _new_reference(), "mobile_number": MOBILE}
        ),
        "get": lambda: customers.get(REFERENCE),
        "update": lambda: customers.update(REFERENCE, first_name="Jo"),
    }


def raw_calls(http: Any, base_url: str, finish: Callable[[Any], Any]) -> Calls:
    """The same requests by hand with a pooled httpx client, answers decoded by `finish`."""

    def send(method: str, path: str, routing_id: str, data: dict[str, str] | None = None) -> Any:
        headers = {"Authorization": AUTHORIZATION, "x-routing-id": routing_id}
        return finish(http.request(method, base_url + path, data=data, headers=headers))

    def create() -> Any:
        reference = _new_reference()
        data = {"object_reference_id": reference, "mobile_number": MOBILE}
        return send("POST", "/customers", reference, data)

    return {
        "create": create,
        "get": lambda: send("GET", f"/customers/{REFERENCE}", REFERENCE),
        "update": lambda: send("POST", f"/customers/{REFERENCE}", REFERENCE, {"first_name": "Jo"}),
    }


def legacy_calls(base_url: str) -> Calls:
    """Juspay's Python SDK pattern: `requests.post/get` per call, no session, Basic auth, form."""
    auth = requests.auth.HTTPBasicAuth(API_KEY, "")

    def create() -> Any:
        data = {"object_reference_id": _new_reference(), "mobile_number": MOBILE}
        return requests.post(f"{base_url}/customers", data=data, auth=auth, timeout=30).json()

    return {
        "create": create,
        "get": lambda: requests.get(
            f"{base_url}/customers/{REFERENCE}", auth=auth, timeout=30
        ).json(),
        "update": lambda: requests.post(
            f"{base_url}/customers/{REFERENCE}", data={"first_name": "Jo"}, auth=auth, timeout=30
        ).json(),
    }


def _json(response: httpx.Response) -> Any:
    response.raise_for_status()
    return response.json()


async def _ajson(pending: Awaitable[httpx.Response]) -> Any:
    return _json(await pending)


def _compare_ops(
    contenders: Mapping[str, Calls], rounds: int, calls: int, budget: float
) -> dict[str, Comparison]:
    """Per operation, seconds per call of each contender, their calls interleaved."""
    return {
        op: interleave({name: ops[op] for name, ops in contenders.items()}, calls, rounds, budget)
        for op in OPERATIONS
    }


def in_process(rounds: int, calls: int, budget: float = 5.0) -> dict[str, Comparison]:
    """Facade vs raw httpx over one `httpx.MockTransport` answering the same bytes."""
    body = json.dumps(STORED).encode()
    transport = httpx.MockTransport(
        lambda request: httpx.Response(
            200, content=body, headers={"content-type": "application/json"}
        )
    )
    base_url = "http://127.0.0.1:9"  # never contacted: the transport answers
    with (
        httpx.Client(transport=transport) as raw,
        Juspay(API_KEY, base_url=base_url, http_client=httpx.Client(transport=transport)) as facade,
    ):
        return _compare_ops(
            {"facade": facade_calls(facade.customers), "httpx": raw_calls(raw, base_url, _json)},
            rounds,
            calls,
            budget,
        )


@contextmanager
def _mock_with_customer() -> Iterator[str]:
    """A mock server process holding the customer that gets and updates read; its URL."""
    with serve("mock") as server:
        server.seed([{k: v for k, v in STORED.items() if v is not None}])
        yield server.base_url


def end_to_end(rounds: int, calls: int, budget: float = 10.0) -> dict[str, Comparison]:
    """Sync facade vs pooled raw httpx vs the legacy pattern, over loopback to the mock."""
    with ExitStack() as stack:
        base_url = stack.enter_context(_mock_with_customer())
        raw = stack.enter_context(httpx.Client())
        facade = stack.enter_context(Juspay(API_KEY, base_url=base_url))
        contenders = {
            "facade": facade_calls(facade.customers),
            "httpx": raw_calls(raw, base_url, _json),
            "legacy": legacy_calls(base_url),
        }
        for ops in contenders.values():  # connect and warm up before timing
            ops["get"]()
        return _compare_ops(contenders, rounds, calls, budget)


def end_to_end_async(rounds: int, calls: int, budget: float = 10.0) -> dict[str, Comparison]:
    """AsyncJuspay vs raw httpx.AsyncClient, `ASYNC_CONCURRENCY` calls in flight at once."""
    with _mock_with_customer() as base_url, asyncio.Runner() as runner:
        raw = httpx.AsyncClient()
        facade = runner.run(_open_async(base_url))
        contenders = {
            "facade": facade_calls(facade.customers),
            "httpx": raw_calls(raw, base_url, _ajson),
        }
        try:
            return {
                op: alternate(
                    {
                        name: _concurrently(runner, ops[op], calls, budget)
                        for name, ops in contenders.items()
                    },
                    rounds,
                )
                for op in OPERATIONS
            }
        finally:
            runner.run(facade.close())
            runner.run(raw.aclose())


async def _open_async(base_url: str) -> AsyncJuspay:
    return AsyncJuspay(API_KEY, base_url=base_url)


def _concurrently(
    runner: asyncio.Runner, call: Callable[[], Awaitable[Any]], calls: int, budget: float
) -> Callable[[], float]:
    """A contender: `calls` calls by `ASYNC_CONCURRENCY` tasks; seconds per call."""

    async def batch() -> float:
        started = time.perf_counter()
        deadline = started + budget
        issued = itertools.count()

        async def worker() -> int:
            done = 0
            while next(issued) < calls and time.perf_counter() < deadline:
                await call()
                done += 1
            return done

        done = await asyncio.gather(*(worker() for _ in range(ASYNC_CONCURRENCY)))
        return (time.perf_counter() - started) / sum(done)

    return lambda: runner.run(batch())
