"""The mock under concurrent load, beside Prism, and as its store grows."""

from __future__ import annotations

import functools
import itertools
import json
import statistics
from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass

from ._load import Load, LoadResult, run_load
from ._measure import alternate
from ._servers import AUTHORIZATION, Server, serve

OPERATIONS = ("get", "create", "update")
CUSTOMER_PREFIX = "cst_bench"  # seeded ids: cst_bench00000000, cst_bench00000001, ...
BAD_CREATE = b"object_reference_id=bench_bad&mobile_number=not-a-number"
CONNECTIONS = 16
_runs = itertools.count()  # a fresh object_reference_id prefix for every create load


@dataclass(frozen=True)
class Throughput:
    """Every load run's result, per operation and server, in round order."""

    results: Mapping[str, Mapping[str, list[LoadResult]]]  # op -> server -> rounds

    def rps(self, op: str, server: str) -> list[float]:
        return [result.rps for result in self.results[op][server]]

    def ratio(self, op: str, server: str, baseline: str) -> float:
        """The median of the per-round throughput ratios of `server` to `baseline`."""
        pairs = zip(self.rps(op, server), self.rps(op, baseline), strict=True)
        return statistics.median(rps / base for rps, base in pairs)

    def median_result(self, op: str, server: str) -> LoadResult:
        ordered = sorted(self.results[op][server], key=lambda result: result.rps)
        return ordered[len(ordered) // 2]


def customers(count: int) -> Iterator[dict[str, str]]:
    """`count` spec-valid customers with predictable ids, for seeding."""
    for n in range(count):
        yield {
            "id": f"{CUSTOMER_PREFIX}{n:08d}",
            "object_reference_id": f"bench_ref_{n:08d}",
            "mobile_number": "9988776655",
            "first_name": "Bench",
        }


def validates(server: Server) -> bool:
    """Whether `server` refuses a create with a malformed mobile number (and takes a good one)."""
    form = "application/x-www-form-urlencoded"
    good_create = f"object_reference_id=good{next(_runs)}&mobile_number=9988776655".encode()
    bad, _ = server.request("POST", "/customers", BAD_CREATE, form)
    good, _ = server.request("POST", "/customers", good_create, form)
    return 400 <= bad < 500 and good == 200


def _recorded(
    into: list[LoadResult], server: Server, op: str, id_count: int, seconds: float
) -> float:
    """Load `server` once with `op`; keep the result, return its requests per second."""
    load = Load(
        op,
        AUTHORIZATION,
        customer_id=CUSTOMER_PREFIX if id_count > 1 else f"{CUSTOMER_PREFIX}00000000",
        id_count=id_count,
        tag=f"load{next(_runs)}",
        connections=CONNECTIONS,
        seconds=seconds,
    )
    result = run_load(server.base_url, load)
    if result.non2xx or result.errors:
        raise RuntimeError(
            f"{server.name} {op}: {result.non2xx} non-2xx answers, {result.errors} errors; "
            "the benchmark would be measuring failures"
        )
    into.append(result)
    return result.rps


def _compare(
    servers: Mapping[str, tuple[Server, int]], ops: tuple[str, ...], rounds: int, seconds: float
) -> Throughput:
    """Load each server (with its number of stored customers) in turn, per operation."""
    results: dict[str, dict[str, list[LoadResult]]] = {}
    for op in ops:
        runs: dict[str, list[LoadResult]] = {name: [] for name in servers}
        contenders = {
            name: functools.partial(_recorded, runs[name], server, op, id_count, seconds)
            for name, (server, id_count) in servers.items()
        }
        alternate(contenders, rounds)
        results[op] = {name: recorded[1:] for name, recorded in runs.items()}  # no warm-up
    return Throughput(results)


def against_prism(
    rounds: int, seconds: float = 3.0, with_prism: bool = True
) -> tuple[Throughput, dict[str, bool]]:
    """The mock's get, create and update under load, side by side with Prism on the same spec.

    Also whether each server refuses bad input, checked before loading it.
    """
    names = ("mock", "prism") if with_prism else ("mock",)
    with ExitStack() as stack:
        servers = {name: stack.enter_context(serve(name)) for name in names}
        servers["mock"].seed(list(customers(1)))
        validation = {name: validates(server) for name, server in servers.items()}
        if not validation["mock"]:
            raise RuntimeError(
                "the mock accepted a malformed create: its throughput would not count"
            )
        loaded = {name: (server, 1) for name, server in servers.items()}
        return _compare(loaded, OPERATIONS, rounds, seconds), validation


@dataclass(frozen=True)
class Scale:
    """Get throughput with a small and a large store, and the memory the large one took."""

    small: int
    large: int
    throughput: Throughput  # servers "small" and "large", operation "get"
    rss_growth: int  # bytes the large store added to the server's resident memory
    json_bytes: int  # the large store's customers as compact JSON, for comparison


def scale(rounds: int, small: int = 1_000, large: int = 100_000, seconds: float = 3.0) -> Scale:
    """Two mock processes, one holding `small` customers and one `large`, loaded in turn.

    Gets pick a random stored customer each time, so they touch the whole store.
    """
    with serve("mock") as few, serve("mock") as many:
        few.seed(list(customers(small)))
        before = many.rss_bytes()
        stored = list(customers(large))
        many.seed(stored)
        growth = many.rss_bytes() - before
        json_bytes = sum(len(json.dumps(c, separators=(",", ":"))) for c in stored)
        sized = {"small": (few, small), "large": (many, large)}
        return Scale(small, large, _compare(sized, ("get",), rounds, seconds), growth, json_bytes)
