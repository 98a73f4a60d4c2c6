"""Side-by-side measurement: contenders take turns, round after round, in rotating order; or
run at the same moments (`together`); or, in one process, call by call (`interleave`)."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass


@dataclass(frozen=True)
class Comparison:
    """Each contender's sample per round, in the order the rounds ran."""

    samples: Mapping[str, list[float]]

    def median(self, name: str) -> float:
        return statistics.median(self.samples[name])

    def ratio(self, name: str, baseline: str) -> float:
        """The median of the per-round ratios: rounds pair measurements taken moments apart."""
        pairs = zip(self.samples[name], self.samples[baseline], strict=True)
        return statistics.median(value / base for value, base in pairs)


def alternate(contenders: Mapping[str, Callable[[], float]], rounds: int) -> Comparison:
    """Run every contender once per round; the starting contender rotates between rounds.

    One unrecorded warm-up run each comes first: connections, caches, lazy imports.
    """
    names = list(contenders)
    for contender in contenders.values():
        contender()
    samples: dict[str, list[float]] = {name: [] for name in names}
    for turn in range(rounds):
        shift = turn % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(contenders[name]())
    return Comparison(samples)


def together(contenders: Mapping[str, Callable[[], float]], rounds: int) -> Comparison:
    """Run every contender at once, from its own thread, round after round.

    For contenders that share one core (servers pinned to it, each loaded by its own process):
    the scheduler splits the core between them, so their throughputs compare their costs, and
    whatever slows the machine in a round (another tenant, the host) slows them all alike.
    Taking turns, a round's pair is seconds apart: on a shared machine two identical servers
    then measured 0.78-1.34 against each other per round; at once, 0.95-1.03. The contenders
    must wait outside Python (a subprocess) to run truly at once. One unrecorded warm-up round
    comes first: each contender's first call (`alternate`'s too).
    """
    names = list(contenders)
    samples: dict[str, list[float]] = {name: [] for name in names}
    with ThreadPoolExecutor(len(names)) as pool:
        for turn in range(rounds + 1):
            futures = {name: pool.submit(contenders[name]) for name in names}
            measured = {name: future.result() for name, future in futures.items()}
            if turn:  # the first round warms up
                for name, value in measured.items():
                    samples[name].append(value)
    return Comparison(samples)


def interleave(
    contenders: Mapping[str, Callable[[], object]], calls: int, rounds: int, budget: float
) -> Comparison:
    """Seconds per call of each contender, their calls taken in turn one by one, `calls` of
    each a round or fewer if `budget` seconds a contender run out.

    For calls of microseconds to milliseconds in one process: each pair is microseconds apart,
    so a second in which another tenant takes the host slows both alike. With whole batches in
    turn (`alternate`), such a second lands on one contender's batch, and which client target
    missed changed from run to run. Each turn's order is shuffled afresh (seeded), so that
    every contender follows every other equally often: a call's after-effects (a connection
    closed, memory freed) fall on the others alike. With a fixed rotation of three, one
    contender followed the legacy pattern's new connections twice as often as another, and
    measured up to 7 % slower for it. One unrecorded warm-up call each comes first.
    """
    names = list(contenders)
    for call in contenders.values():
        call()
    samples: dict[str, list[float]] = {name: [] for name in names}
    clock = time.perf_counter
    order = random.Random(0)
    for _ in range(rounds):
        spent = dict.fromkeys(names, 0.0)
        deadline = clock() + budget * len(names)
        done = 0
        while done < calls:
            order.shuffle(names)
            for name in names:
                started = clock()
                contenders[name]()
                spent[name] += clock() - started
            done += 1
            if clock() > deadline:
                break
        for name in names:
            samples[name].append(spent[name] / done)
    return Comparison(samples)


@dataclass(frozen=True)
class Target:
    """A bound on a ratio: at most `limit` (times) or at least `limit` (throughput)."""

    limit: float
    at_least: bool = False

    def met(self, ratio: float) -> bool:
        return ratio >= self.limit if self.at_least else ratio <= self.limit

    def __str__(self) -> str:
        return f"{'≥' if self.at_least else '≤'} {self.limit:g}x"


MISSED = "**missed**"


@dataclass(frozen=True)
class Row:
    """One line of the results table."""

    section: str
    what: str
    value: str
    baseline: str = ""
    ratio: float | None = None
    target: Target | None = None

    @property
    def verdict(self) -> str:
        if self.target is None or self.ratio is None:
            return ""
        return "met" if self.target.met(self.ratio) else MISSED
