"""`python -m benchmarks`: run every benchmark, print the table, write results.md."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import client, server, startup
from ._load import LoadResult, generator
from ._measure import MISSED, Comparison, Row, Target
from ._report import table, write
from ._servers import have, prism_command, split_cores, wiremock_command, wiremock_version

RESULTS = Path(__file__).with_name("results.md")
MB = 1024 * 1024


@dataclass(frozen=True)
class Sizes:
    """How much of everything to run; `--quick` shrinks it for a fast look."""

    rounds: int = 7
    in_process_calls: int = 2000
    loopback_calls: int = 500
    async_calls: int = 1000
    load_seconds: float = 3.0
    load_rounds: int = 3
    import_rounds: int = 10
    large_store: int = 100_000
    # The journal's cost is near its 10 % limit: its mocks are loaded at once on one core
    # (`server.variants(pinned=True)`), where two identical mocks measured 0.95-1.03 a round.
    journal_rounds: int = 15
    journal_seconds: float = 3.0


QUICK = Sizes(3, 300, 60, 100, 1.0, 1, 3, 10_000, 1, 1.0)


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:,.0f} µs/call"


def client_rows(
    section: str, results: Mapping[str, Comparison], target: Target, legacy: bool = False
) -> Iterator[Row]:
    for op, compared in results.items():
        facade = compared.median("facade")
        ratio = compared.ratio("facade", "httpx")
        raw = f"raw httpx {_us(compared.median('httpx'))}"
        yield Row(section, f"facade `{op}`", _us(facade), raw, ratio, target)
        if legacy:
            legacy_time = _us(compared.median("legacy"))
            vs_legacy = compared.ratio("facade", "legacy")
            yield Row(
                section,
                f"facade `{op}` vs legacy",
                _us(facade),
                f"legacy SDK pattern {legacy_time}",
                vs_legacy,
                Target(1.0),
            )


def _load_cell(name: str, result: LoadResult) -> str:
    return f"{name} {result.rps:,.0f} req/s, p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms"


def throughput_rows(sizes: Sizes, with_prism: bool) -> Iterator[Row]:
    section = f"mock under load ({server.CONNECTIONS} connections)"
    loaded, validation = server.against_prism(sizes.load_rounds, sizes.load_seconds, with_prism)
    verdicts = ", ".join(f"{name}: {'yes' if ok else 'NO'}" for name, ok in validation.items())
    yield Row(section, "refuses a malformed create (validation on)", verdicts)
    for op in server.OPERATIONS:
        mock = loaded.median_result(op, "mock")
        if not with_prism:
            yield Row(section, f"`{op}`", _load_cell("mock", mock), "Prism not installed")
            continue
        prism = loaded.median_result(op, "prism")
        yield Row(
            section,
            f"`{op}`",
            _load_cell("mock", mock),
            _load_cell("Prism", prism),
            loaded.ratio(op, "mock", "prism"),
            Target(5.0, at_least=True),
        )


def journal_rows(sizes: Sizes) -> Iterator[Row]:
    """The mock with its journal on vs off: a run of its own, with only these servers running,
    on one core and loaded at the same moments (`server.variants(pinned=True)`). A second mock
    with the journal off runs beside them: its ratio to the first (A/A) is what the verdict's
    ratio would be with no cost at all, this run's own spread."""
    off, again = "journal off", "journal off, again"
    measured = server.variants(
        sizes.journal_rounds, sizes.journal_seconds, ["mock", off, again], pinned=True
    ).throughput
    pinned = ", loaded at once on one core" if split_cores() else ", loaded at once"
    section = (
        f"mock journal ({server.CONNECTIONS} connections, {sizes.journal_rounds} rounds{pinned})"
    )
    for op in server.OPERATIONS:
        yield Row(
            section,
            f"`{op}`, journal on (the default)",
            _load_cell("on", measured.median_result(op, "mock")),
            _load_cell("`--journal-size 0`", measured.median_result(op, off)),
            measured.ratio(op, "mock", off),
            Target(0.9, at_least=True),
        )
    for op in server.OPERATIONS:
        yield Row(
            section,
            f"`{op}`, A/A: a second mock with `--journal-size 0` against the first",
            _load_cell("second", measured.median_result(op, again)),
            _load_cell("first", measured.median_result(op, off)),
            measured.ratio(op, again, off),
        )


def variant_rows(sizes: Sizes) -> Iterator[Row]:
    """The mock on SQLite and Redis vs memory, and vs WireMock's stubs: one side-by-side run,
    so every ratio pairs rounds taken moments apart."""
    names = ["mock", "sqlite"]
    with_redis = have("redis-server")
    with_wiremock = wiremock_command() is not None
    names += ["redis"] * with_redis + ["wiremock"] * with_wiremock
    measured = server.variants(sizes.load_rounds, sizes.load_seconds, names)
    loaded = measured.throughput
    connections = f"({server.CONNECTIONS} connections)"
    for store, label, url in (("sqlite", "SQLite", "sqlite:///…"), ("redis", "Redis", "redis://…")):
        for op in server.OPERATIONS:
            what = f"`{op}`, `--store {url}`"
            if store not in loaded.results[op]:
                yield Row(f"mock stores {connections}", what, "redis-server not installed")
                continue
            yield Row(
                f"mock stores {connections}",
                what,
                _load_cell(label, loaded.median_result(op, store)),
                _load_cell("memory", loaded.median_result(op, "mock")),
                loaded.ratio(op, store, "mock"),
            )
    section = f"mock vs WireMock stubs {connections}"
    if with_wiremock:
        refuses = ", ".join(
            f"{name}: {'yes' if measured.validation[name] else 'no'}"
            for name in ("mock", "wiremock")
        )
        yield Row(
            section,
            f"WireMock {wiremock_version()} standalone (`java -jar`; journal and logging off;"
            f" {server.WIREMOCK_WARM_UP:.0f} s of load to warm its JIT first)",
            f"refuses a malformed create: {refuses}",
        )
    for op in server.OPERATIONS:
        mock = _load_cell("mock", loaded.median_result(op, "mock"))
        if not with_wiremock:
            yield Row(section, f"`{op}`", mock, "WireMock not installed (needs npm and java)")
            continue
        yield Row(
            section,
            f"`{op}`",
            mock,
            _load_cell("WireMock", loaded.median_result(op, "wiremock")),
            loaded.ratio(op, "mock", "wiremock"),
            Target(1.0, at_least=True),
        )
    if with_wiremock:
        yield from per_core_rows(sizes, section)


def per_core_rows(sizes: Sizes, section: str) -> Iterator[Row]:
    """The mock and WireMock's stubs on the same one core, in turn (`server.per_core`)."""
    measured = server.per_core(sizes.load_rounds, sizes.load_seconds)
    for op in server.OPERATIONS:
        what = f"`{op}`, each kept on one core (the same one), in turn"
        if measured is None:
            yield Row(section, what, "one core only: none to spare for the load")
            continue
        yield Row(
            section,
            what,
            _load_cell("mock", measured.median_result(op, "mock")),
            _load_cell("WireMock", measured.median_result(op, "wiremock")),
            measured.ratio(op, "mock", "wiremock"),
            Target(1.0, at_least=True),
        )


def scale_rows(sizes: Sizes) -> Iterator[Row]:
    measured = server.scale(sizes.load_rounds, large=sizes.large_store, seconds=sizes.load_seconds)
    small = measured.throughput.median_result("get", "small")
    large = measured.throughput.median_result("get", "large")
    yield Row(
        "scale",
        f"`get` of random customers, {measured.large:,} stored",
        f"{large.rps:,.0f} req/s",
        f"{measured.small:,} stored: {small.rps:,.0f} req/s",
        measured.throughput.ratio("get", "large", "small"),
        Target(0.9, at_least=True),
    )
    per_100k = measured.rss_growth / measured.large * 100_000
    json_per_100k = measured.json_bytes / measured.large * 100_000
    yield Row(
        "scale",
        "mock resident memory per 100,000 customers",
        f"{per_100k / MB:.1f} MB",
        f"their compact JSON {json_per_100k / MB:.1f} MB",
        per_100k / json_per_100k,
    )


def startup_rows(sizes: Sizes, with_prism: bool) -> Iterator[Row]:
    imports = startup.imports(sizes.import_rounds)
    httpx_time = f"`import httpx` {imports.median('import httpx') * 1000:.0f} ms"
    for name, target in (
        ("import juspay_customers", Target(1.3)),
        ("from juspay_customers import Juspay", Target(1.1)),  # issue 9
    ):
        yield Row(
            "start-up",
            f'`python -c "{name}"`',
            f"{imports.median(name) * 1000:.0f} ms",
            httpx_time,
            imports.ratio(name, "import httpx"),
            target,
        )
    started = startup.server_start(sizes.load_rounds, with_prism)
    mock = f"{started.median('mock') * 1000:.0f} ms"
    if with_prism:
        prism = f"Prism {started.median('prism') * 1000:.0f} ms"
        yield Row(
            "start-up",
            "mock: launch to first answered request",
            mock,
            prism,
            started.ratio("mock", "prism"),
        )
    else:
        yield Row("start-up", "mock: launch to first answered request", mock)


def run(sizes: Sizes, with_prism: bool) -> list[Row]:
    rounds = sizes.rounds
    return [
        *client_rows(
            "client in process (MockTransport)",
            client.in_process(rounds, sizes.in_process_calls),
            Target(1.3),
        ),
        *client_rows(
            "client over loopback, sync",
            client.end_to_end(rounds, sizes.loopback_calls),
            Target(1.1),
            legacy=True,
        ),
        *client_rows(
            f"client over loopback, async ({client.ASYNC_CONCURRENCY} concurrent)",
            client.end_to_end_async(rounds, sizes.async_calls),
            Target(1.1),
        ),
        *throughput_rows(sizes, with_prism),
        *journal_rows(sizes),
        *variant_rows(sizes),
        *scale_rows(sizes),
        *startup_rows(sizes, with_prism),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a fast look")
    parser.add_argument("--out", type=Path, default=RESULTS, help="default: %(default)s")
    args = parser.parse_args(argv)
    with_prism = prism_command() is not None
    rows = run(QUICK if args.quick else Sizes(), with_prism)
    notes = [
        "Servers run in their own processes (the `juspay-mock` console script, Prism's CLI with"
        " logging off), load comes from a separate process; everything on 127.0.0.1.",
        f"Load generator: {generator()}.",
    ]
    if not with_prism:
        notes.append("Prism was not installed (no `npm`): no throughput ratios.")
    command = "make bench" + (" BENCH_ARGS=--quick" if args.quick else "")
    print(table(rows))
    write(args.out, rows, command, notes)
    missed = sum(row.verdict == MISSED for row in rows)
    print(f"written to {args.out}; {missed} target(s) missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
