"""The benchmark harness at a tiny size: every piece runs and returns sane results.

Nothing here asserts on timings (shared machines are noisy); `make bench` does the measuring.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks import __main__ as bench
from benchmarks import client, server, startup
from benchmarks._load import Load, LoadResult, run_load, run_python
from benchmarks._measure import Comparison, Row, Target, alternate, interleave, together
from benchmarks._report import table, write
from benchmarks._servers import (
    AUTHORIZATION,
    Server,
    have,
    serve,
    split_cores,
    wiremock_command,
)


def _sane(comparison: Comparison, names: set[str], rounds: int) -> None:
    assert set(comparison.samples) == names
    for samples in comparison.samples.values():
        assert len(samples) == rounds
        assert all(math.isfinite(value) and value > 0 for value in samples)


def test_alternate_rotates_and_warms_up() -> None:
    calls: list[str] = []

    def contender(name: str) -> float:
        calls.append(name)
        return float(len(calls))

    result = alternate({"a": lambda: contender("a"), "b": lambda: contender("b")}, rounds=2)
    assert calls == ["a", "b", "a", "b", "b", "a"]  # warm-up, round 1, round 2 rotated
    assert result.samples == {"a": [3.0, 6.0], "b": [4.0, 5.0]}
    assert result.ratio("a", "b") == pytest.approx((3 / 4 + 6 / 5) / 2)


def test_together_runs_contenders_at_the_same_moments() -> None:
    # Each contender waits for the other inside its call: run in turn, the first wait times out
    # (BrokenBarrierError) and the test fails.
    both = threading.Barrier(2, timeout=5)
    calls: dict[str, int] = {"a": 0, "b": 0}

    def contender(name: str) -> float:
        both.wait()
        calls[name] += 1
        return calls[name] * (1.0 if name == "a" else 2.0)

    result = together({"a": lambda: contender("a"), "b": lambda: contender("b")}, 3)
    assert calls == {"a": 4, "b": 4}  # a warm-up round, then 3 recorded
    assert result.samples == {"a": [2.0, 3.0, 4.0], "b": [4.0, 6.0, 8.0]}  # in round order
    assert result.ratio("a", "b") == 0.5


def test_interleave_takes_calls_in_turn_one_by_one() -> None:
    calls: list[str] = []
    result = interleave({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, 3, 2, 60)
    warm_up, rounds = calls[:2], calls[2:]
    assert warm_up == ["a", "b"]
    assert len(rounds) == 2 * 3 * 2  # two rounds of three turns, each contender once a turn
    assert all(sorted(rounds[i : i + 2]) == ["a", "b"] for i in range(0, len(rounds), 2))
    assert {name: len(samples) for name, samples in result.samples.items()} == {"a": 2, "b": 2}
    assert all(value > 0 for samples in result.samples.values() for value in samples)


def test_interleave_stops_a_round_when_its_budget_runs_out() -> None:
    calls: list[str] = []
    interleave({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, 10**9, 2, 0)
    assert calls == ["a", "b"] * 3  # the warm-up, then one pair in each of the two rounds


def test_targets_and_table(tmp_path: Path) -> None:
    rows = [
        Row("s", "time", "1 ms", "httpx 1 ms", 1.2, Target(1.3)),
        Row("s", "rate", "9 req/s", "prism 3 req/s", 3.0, Target(5.0, at_least=True)),
        Row("s", "info", "42 MB"),
    ]
    assert [row.verdict for row in rows] == ["met", "**missed**", ""]
    text = write(tmp_path / "results.md", rows, "make bench", ["a note"])
    assert table(rows) in text
    assert "cores (nproc)" in text
    assert "| s | rate | 9 req/s | prism 3 req/s | 3.000x | ≥ 5x | **missed** |" in text


def test_client_in_process() -> None:
    results = client.in_process(rounds=2, calls=3)
    assert set(results) == set(client.OPERATIONS)
    for comparison in results.values():
        _sane(comparison, {"facade", "httpx"}, 2)


def test_client_over_loopback_sync_and_async() -> None:
    for comparison in client.end_to_end(rounds=1, calls=2).values():
        _sane(comparison, {"facade", "httpx", "legacy"}, 1)
    for comparison in client.end_to_end_async(rounds=1, calls=client.ASYNC_CONCURRENCY).values():
        _sane(comparison, {"facade", "httpx"}, 1)


@pytest.fixture(scope="module")
def mock() -> Iterator[Server]:
    """A mock server process holding three customers."""
    with serve("mock") as running:
        running.seed(list(server.customers(3)))
        yield running


@pytest.mark.parametrize("op", server.OPERATIONS)
def test_load_generators_measure_successes(mock: Server, op: str) -> None:
    """Each generator, run twice with the same `Load`: a create load's second run must not
    repeat the first run's object_reference_ids (the mock would answer 400 `unique`)."""
    assert server.validates(mock)
    load = Load(
        op, AUTHORIZATION, "cst_bench", id_count=3, tag=f"t{op}", connections=2, seconds=0.3
    )
    for run in (run_python, run_python, run_load, run_load):  # run_load: wrk where installed
        result = run(mock.base_url, load)
        assert result.requests > 0
        assert result.non2xx == 0
        assert result.errors == 0
        assert 0 < result.p50_ms <= result.p99_ms


def test_load_counts_failures(mock: Server) -> None:
    load = Load("get", AUTHORIZATION, "cst_missing", connections=1, seconds=0.3)
    result = run_python(mock.base_url, load)
    assert result.requests > 0
    assert result.non2xx == result.requests  # every get is a 404


def test_scale_and_startup() -> None:
    measured = server.scale(rounds=1, small=2, large=50, seconds=1)
    assert measured.throughput.rps("get", "small")[0] > 0
    assert measured.throughput.rps("get", "large")[0] > 0
    assert measured.json_bytes > 50 * 60
    _sane(startup.imports(rounds=1), set(startup.IMPORTS), 1)
    launched = startup.server_start(rounds=1, with_prism=False)
    _sane(launched, {"mock"}, 1)


def _measured(variants: server.Variants, names: set[str]) -> None:
    """Every operation was loaded on each of `names` (one warm-up run dropped, one kept)."""
    for op in server.OPERATIONS:
        assert set(variants.throughput.results[op]) == names
        for name in names:
            [rps] = variants.throughput.rps(op, name)
            assert rps > 0


def test_journal_on_and_off_and_sqlite() -> None:
    """The mock as users run it, with `--journal-size 0` and on SQLite, side by side; each
    refuses a malformed create (validation stays on in every variant)."""
    measured = server.variants(rounds=1, seconds=1, names=("journal off", "sqlite"))
    _measured(measured, {"mock", "journal off", "sqlite"})
    assert measured.validation == {"mock": True, "journal off": True, "sqlite": True}


def test_the_journal_pair_runs_pinned_apart_from_its_load() -> None:
    """`make bench`'s journal section: the mocks on one core, the load on the others, a
    verdict and an A/A row per operation."""
    available = os.sched_getaffinity(0)
    split = split_cores()
    if len(available) < 2:
        assert split is None  # nothing to pin apart: the section runs unpinned
    else:
        assert split is not None
        servers, load = split
        assert servers | load == available
        assert not servers & load
        with serve("mock", cores=servers) as mock:
            assert os.sched_getaffinity(mock.process.pid) == servers
    rows = list(bench.journal_rows(bench.QUICK))  # three mocks at once: on, off, off again
    verdicts, controls = rows[:3], rows[3:]
    assert [row.what for row in verdicts] == [
        f"`{op}`, journal on (the default)" for op in server.OPERATIONS
    ]
    assert all(row.target == Target(0.9, at_least=True) for row in verdicts)
    assert all(
        row.what.startswith(f"`{op}`, A/A")
        for row, op in zip(controls, server.OPERATIONS, strict=True)
    )
    assert all(row.target is None for row in controls)
    assert all(
        row.value.startswith("second ") and row.baseline.startswith("first ") for row in controls
    )
    assert all(row.ratio is not None and 0 < row.ratio < 10 for row in rows)


def test_redis_store() -> None:
    """The mock on a throw-away redis-server beside the memory store."""
    if not have("redis-server"):
        missing = "redis-server is not installed (make redis-server installs it as root)"
        if os.environ.get("CI"):  # CI's make test installs it: missing there is a failure
            pytest.fail(missing)
        pytest.skip(missing)
    measured = server.variants(rounds=1, seconds=1, names=("redis",))
    _measured(measured, {"mock", "redis"})
    assert measured.validation == {"mock": True, "redis": True}


def test_stubs_match_method_and_path_and_answer_the_given_bodies() -> None:
    answered = {"create": (200, b'{"id":"c1"}'), "get": (200, b"{}"), "update": (200, b"[]")}
    mappings = server.stubs(answered)["mappings"]
    assert [mapping["request"] for mapping in mappings] == [
        {"method": "POST", "urlPath": "/customers"},
        {"method": "GET", "urlPathPattern": "/customers/[^/]+"},
        {"method": "POST", "urlPathPattern": "/customers/[^/]+"},
    ]
    assert [mapping["response"]["body"] for mapping in mappings] == ['{"id":"c1"}', "{}", "[]"]


@pytest.mark.skipif(
    wiremock_command() is None,
    reason="WireMock is not installed: `make bench` installs it (npm package `wiremock`, run"
    " with Debian's Java); bench tools are not part of a fresh machine",
)
def test_wiremock_stubs_beside_the_mock() -> None:
    """WireMock serves the mock's answers (`variants` checks it before loading) and does not
    validate; a second of warm-up stands in for the benchmark's JIT warm-up."""
    measured = server.variants(rounds=1, seconds=1, names=("wiremock",), wiremock_warm_up=1)
    _measured(measured, {"mock", "wiremock"})
    assert measured.validation == {"mock": True, "wiremock": False}


@pytest.mark.skipif(
    wiremock_command() is None,
    reason="WireMock is not installed: `make bench` installs it (npm package `wiremock`, run"
    " with Debian's Java); bench tools are not part of a fresh machine",
)
def test_wiremock_and_the_mock_on_one_core() -> None:
    """Both servers kept on the servers' core while they are loaded, each operation measured
    on each; None where there is no core to spare for the load."""
    seen: dict[str, frozenset[int]] = {}
    real_recorded = server._recorded

    def recorded(into: list[LoadResult], target: Server, *args: Any) -> float:
        seen[target.name] = frozenset(os.sched_getaffinity(target.process.pid))
        return real_recorded(into, target, *args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(server, "_recorded", recorded)
        measured = server.per_core(rounds=1, seconds=1, wiremock_warm_up=1)
    split = split_cores()
    if split is None:
        assert measured is None
        return
    assert measured is not None
    assert seen == {"mock": split[0], "wiremock": split[0]}
    for op in server.OPERATIONS:
        assert set(measured.results[op]) == {"mock", "wiremock"}
        assert all(rps > 0 for name in ("mock", "wiremock") for rps in measured.rps(op, name))


def test_quick_sizes_are_smaller() -> None:
    full, quick = bench.Sizes(), bench.QUICK
    assert quick.in_process_calls < full.in_process_calls
    assert quick.large_store < full.large_store
