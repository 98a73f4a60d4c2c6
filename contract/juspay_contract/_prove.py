"""`prove`: the suite against the healthy mock and each broken variant, in process.

The healthy mock must pass (else a variant's failure proves nothing); each variant must fail
in the check meant to catch its fault. Needs the `[mock]` extra.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from attrs import frozen

from ._config import RunOptions
from ._run import ContractRun, run_contract
from ._secrets import Secret

if TYPE_CHECKING:
    from .variants import Variant

PROVE_KEY = "prove_key"
DEFAULT_MAX_EXAMPLES = 10


@frozen
class Outcome:
    """What the suite made of one server: which checks failed, and which one should have."""

    name: str
    expected: str | None
    run: ContractRun

    @property
    def caught_by(self) -> frozenset[str]:
        return self.run.caught_by

    @property
    def escaped(self) -> bool:
        """For a variant: its check did not fail. For the healthy mock: anything failed."""
        if self.expected is None:
            return bool(self.run.findings or self.run.errors)
        return self.expected not in self.caught_by

    def __str__(self) -> str:
        if self.expected is None:
            return f"{self.name} -> " + (
                f"FAILS, so nothing below proves anything: {self.run.summary()}"
                if self.escaped
                else "passes"
            )
        if self.escaped:
            failed = ", ".join(sorted(self.caught_by)) or "none"
            return f"{self.name} -> ESCAPED: {self.expected} did not fail (failed: {failed})"
        others = ", ".join(sorted(self.caught_by - {self.expected}))
        return f"{self.name} -> {self.expected}" + (f" (also: {others})" if others else "")


@frozen
class Proof:
    """The healthy mock's outcome, then each variant's."""

    healthy: Outcome
    variants: tuple[Outcome, ...]

    @property
    def holds(self) -> bool:
        """The healthy mock passes and every variant is caught by its check."""
        return not self.healthy.escaped and not any(o.escaped for o in self.variants)

    def lines(self) -> Iterator[str]:
        yield str(self.healthy)
        yield from map(str, self.variants)


def prove(
    variants: Iterable[Variant] | None = None, *, max_examples: int = DEFAULT_MAX_EXAMPLES
) -> Proof:
    """Run the suite against the healthy mock, then each variant (default: the built-in ones).

    Raises `ImportError` without the mock (the `[mock]` extra).
    """
    from juspay_mock import create_app

    from .variants import BROKEN_VARIANTS

    options = RunOptions(secret=Secret(PROVE_KEY), max_examples=max_examples)
    healthy = run_contract(options, app=create_app([PROVE_KEY]))
    outcomes = [
        Outcome(variant.name, variant.caught_by, run_contract(options, app=variant.app(PROVE_KEY)))
        for variant in (BROKEN_VARIANTS if variants is None else variants)
    ]
    return Proof(Outcome("healthy mock", None, healthy), tuple(outcomes))
