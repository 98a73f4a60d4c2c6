"""The mock under concurrent load: beside Prism; with its journal on and off; on each store;
beside WireMock's stateless stubs; and as its store grows."""

from __future__ import annotations

import functools
import itertools
import json
import statistics
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._load import FORM, Load, LoadResult, run_load
from ._measure import alternate, together
from ._servers import AUTHORIZATION, Server, redis_server, serve, split_cores

OPERATIONS = ("get", "create", "update")
CUSTOMER_PREFIX = "cst_bench"  # seeded ids: cst_bench00000000, cst_bench00000001, ...
BAD_CREATE = b"object_reference_id=bench_bad&mobile_number=not-a-number"
CONNECTIONS = 16
# The mock side by side with itself and WireMock: each name's `juspay-mock` options.
MOCK_VARIANTS: Mapping[str, tuple[str, ...]] = {
    "mock": (),  # as users run it: memory store, journal on
    "journal off": ("--journal-size", "0"),
    "journal off, again": ("--journal-size", "0"),  # two identical mocks: the spread of a ratio
    "sqlite": ("--store", "sqlite:///{directory}/bench.db"),
    "redis": ("--store", "{redis}"),
}
VARIANTS = (*MOCK_VARIANTS, "wiremock")
# Load before WireMock's measured rounds: the JVM compiles its hot paths under load, and on two
# cores it took about 35 s of get/create/update to reach its full speed (from a few thousand
# requests per second). A cold JVM would be measuring its compiler.
WIREMOCK_WARM_UP = 40.0
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
    into: list[LoadResult],
    server: Server,
    op: str,
    id_count: int,
    seconds: float,
    cores: frozenset[int] | None = None,
) -> float:
    """Load `server` once with `op` (from `cores`, if given); keep the result, return its
    requests per second."""
    load = Load(
        op,
        AUTHORIZATION,
        customer_id=CUSTOMER_PREFIX if id_count > 1 else f"{CUSTOMER_PREFIX}00000000",
        id_count=id_count,
        tag=f"load{next(_runs)}",
        connections=CONNECTIONS,
        seconds=seconds,
        cores=cores,
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
    servers: Mapping[str, tuple[Server, int]],
    ops: tuple[str, ...],
    rounds: int,
    seconds: float,
    load_cores: frozenset[int] | None = None,
    at_once: bool = False,
) -> Throughput:
    """Load each server (with its number of stored customers) in turn, or all at once
    (`together`), per operation, from `load_cores` if given."""
    results: dict[str, dict[str, list[LoadResult]]] = {}
    for op in ops:
        runs: dict[str, list[LoadResult]] = {name: [] for name in servers}
        contenders = {
            name: functools.partial(
                _recorded, runs[name], server, op, id_count, seconds, load_cores
            )
            for name, (server, id_count) in servers.items()
        }
        (together if at_once else alternate)(contenders, rounds)
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
    """Two mock processes, one holding `small` customers and one `large`, sharing one core and
    loaded at the same moments (`together`, as `variants(pinned=True)`), or in turn where
    there is no core to spare: taken in turn, the ratio went from 0.81 to 1.22 between runs.

    Gets pick a random stored customer each time, so they touch the whole store.
    """
    split = split_cores()
    server_cores, load_cores = (None, None) if split is None else split
    with serve("mock", cores=server_cores) as few, serve("mock", cores=server_cores) as many:
        few.seed(list(customers(small)))
        before = many.rss_bytes()
        stored = list(customers(large))
        many.seed(stored)
        growth = many.rss_bytes() - before
        json_bytes = sum(len(json.dumps(c, separators=(",", ":"))) for c in stored)
        sized = {"small": (few, small), "large": (many, large)}
        at_once = split is not None
        throughput = _compare(sized, ("get",), rounds, seconds, load_cores, at_once)
        return Scale(small, large, throughput, growth, json_bytes)


def answers(server: Server) -> dict[str, tuple[int, bytes]]:
    """`server`'s status and body for one create, get and update (of the first seeded
    customer), per operation: what WireMock's stubs answer."""
    customer = f"/customers/{CUSTOMER_PREFIX}00000000"
    create = f"object_reference_id=stub{next(_runs)}&mobile_number=9988776655"
    requests = {
        "create": ("POST", "/customers", create.encode()),
        "get": ("GET", customer, None),
        "update": ("POST", customer, b"first_name=Bench"),
    }
    return {
        op: server.request(method, path, body, FORM if body else "")
        for op, (method, path, body) in requests.items()
    }


def stubs(answered: Mapping[str, tuple[int, bytes]]) -> dict[str, Any]:
    """WireMock stub mappings giving the mock's `answers`: any create, get or update of any
    customer, matched on method and path only (no validation, no state)."""
    customer = "/customers/[^/]+"
    matchers = {
        "create": {"method": "POST", "urlPath": "/customers"},
        "get": {"method": "GET", "urlPathPattern": customer},
        "update": {"method": "POST", "urlPathPattern": customer},
    }
    return {
        "mappings": [
            {
                "request": matchers[op],
                "response": {
                    "status": status,
                    "headers": {"Content-Type": "application/json"},
                    "body": body.decode(),
                },
            }
            for op, (status, body) in answered.items()
        ]
    }


def _wiremock(
    stack: ExitStack, mock: Server, warm_up_seconds: float, cores: frozenset[int] | None = None
) -> Server:
    """WireMock standalone (kept on `cores`, if given) serving stubs of what `mock` answers,
    checked, then warmed up (`warm_up`); it stops when `stack` closes."""
    root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="wiremock")))
    (root / "mappings").mkdir()
    answered = answers(mock)
    (root / "mappings" / "customers.json").write_text(json.dumps(stubs(answered)))
    wiremock = stack.enter_context(serve("wiremock", "--root-dir", str(root), cores=cores))
    if answers(wiremock) != answered:
        raise RuntimeError("WireMock's stubs do not answer what the mock answered")
    warm_up(wiremock, warm_up_seconds)
    return wiremock


def warm_up(server: Server, seconds: float) -> None:
    """Load `server` with get, create and update in turn, one second each, for `seconds`."""
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        for op in OPERATIONS:
            _recorded([], server, op, 1, 1.0)


@dataclass(frozen=True)
class Variants:
    """The mock's variants and WireMock loaded side by side (names from `VARIANTS`)."""

    throughput: Throughput
    validation: Mapping[str, bool]  # whether each server refuses a malformed create


def variants(
    rounds: int,
    seconds: float = 3.0,
    names: Iterable[str] = VARIANTS,
    wiremock_warm_up: float = WIREMOCK_WARM_UP,
    pinned: bool = False,
) -> Variants:
    """get, create and update under load on each of `names`, in alternating rounds (at the
    same moments when `pinned`).

    "mock" is the mock as users run it (memory store, journal on) and always runs: it is every
    other variant's baseline, and WireMock's stubs answer what it answered. "redis" starts a
    throw-away `redis-server`; "wiremock" is warmed up first (`WIREMOCK_WARM_UP`). `pinned`:
    the mock processes share one core and are loaded at the same moments (`together`), the
    load from the other cores (`split_cores`), for a ratio of two mocks close to 1 that the
    noise of rounds taken in turn would hide. Only the mocks are pinned, so it is for mocks on
    memory: WireMock or a redis-server would compete for the load's cores.
    """
    wanted = ["mock", *(name for name in names if name != "mock")]
    split = split_cores() if pinned else None
    server_cores, load_cores = (None, None) if split is None else split
    with ExitStack() as stack:
        directory = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench")))
        places = {"directory": str(directory)}
        if "redis" in wanted:
            places["redis"] = stack.enter_context(redis_server(directory))
        servers = {
            name: stack.enter_context(
                serve(
                    "mock",
                    *(option.format(**places) for option in MOCK_VARIANTS[name]),
                    cores=server_cores,
                )
            )
            for name in wanted
            if name in MOCK_VARIANTS
        }
        for mock in servers.values():
            mock.seed(list(customers(1)))
        if "wiremock" in wanted:
            servers["wiremock"] = _wiremock(stack, servers["mock"], wiremock_warm_up)
        validation = {name: validates(server) for name, server in servers.items()}
        loaded = {name: (server, 1) for name, server in servers.items()}
        throughput = _compare(loaded, OPERATIONS, rounds, seconds, load_cores, at_once=pinned)
        return Variants(throughput, validation)


def per_core(
    rounds: int, seconds: float = 3.0, wiremock_warm_up: float = WIREMOCK_WARM_UP
) -> Throughput | None:
    """The mock and WireMock's stubs kept on the same one core (`split_cores`) and loaded in
    turn from the others: what each serves on one core. None where there is no core to spare.

    Unpinned (`variants`), WireMock's JVM spreads over every core (Jetty's threads, its JIT
    compiler) while the mock is one process on one. In turn, not at once: on a shared core, a
    JVM's dozens of runnable threads would take most of it from the mock's one.
    """
    split = split_cores()
    if split is None:
        return None
    server_cores, load_cores = split
    with ExitStack() as stack:
        mock = stack.enter_context(serve("mock", cores=server_cores))
        mock.seed(list(customers(1)))
        wiremock = _wiremock(stack, mock, wiremock_warm_up, server_cores)
        both = {"mock": (mock, 1), "wiremock": (wiremock, 1)}
        return _compare(both, OPERATIONS, rounds, seconds, load_cores)
