"""A run's verdict: one exit code and a one-line reason.

| Code | Verdict                                                                      |
|------|------------------------------------------------------------------------------|
| 0    | passed: every selected operation answered, no check failed                   |
| 1    | findings: a check failed, or the run hit errors                              |
| 2    | usage: bad options, no API key (argparse's own code for bad options)         |
| 3    | credentials rejected: every operation answered only 401/403, whatever it was |
|      | sent (a key replaced on the way is as rejected as a wrong one)               |
| 4    | unreachable: the server did not answer at all                                |
| 5    | uncovered: a selected operation never answered; with `--fail-on-uncovered`,  |
|      | also any operation not selected, documented status never observed or link    |
|      | never followed (save those allowed with `--allow-unobserved`)                |

The order of the table's rows 4, 3, 1, 5 is the order of precedence: a server that rejects the
key fails every check for that reason, so its findings say nothing more.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable

from attrs import frozen

from ._run import REJECTED, ContractRun


class ExitCode(enum.IntEnum):
    """`juspay-contract`'s exit codes."""

    PASSED = 0
    FINDINGS = 1
    USAGE = 2
    CREDENTIALS_REJECTED = 3
    UNREACHABLE = 4
    UNCOVERED = 5


@frozen
class Verdict:
    """An exit code and why, in one line."""

    code: ExitCode
    reason: str

    def __str__(self) -> str:
        return f"{self.code.name.lower().replace('_', ' ')} (exit {int(self.code)}): {self.reason}"


def judge(
    run: ContractRun, *, fail_on_uncovered: bool = False, allowances: Iterable[str] = ()
) -> Verdict:
    """The verdict on `run`; `allowances` excuse gaps under `fail_on_uncovered`."""
    coverage = run.coverage
    if run.unreachable is not None:
        return Verdict(ExitCode.UNREACHABLE, run.unreachable)
    answered = sum(op.answered for op in coverage.operations)
    if answered == 0 and any(op.network_errors for op in coverage.operations):
        return Verdict(ExitCode.UNREACHABLE, "no request got an answer: " + _first(run.errors))
    selected = [op.label for op in coverage.operations if op.selected]
    # Every answer of every selected operation, whatever the requests carried: a key that
    # never reached the server (replaced on the way) is as rejected as a wrong one.
    answers = [run.answers.get(label, Counter()) for label in selected]
    if answers and all(tally and set(tally) <= REJECTED for tally in answers):
        rejected = sum(sum(tally.values()) for tally in answers)
        return Verdict(
            ExitCode.CREDENTIALS_REJECTED,
            f"the server rejected the credentials on every operation: all {rejected} requests "
            "were answered 401 or 403 (check the key and --merchant-id)",
        )
    if run.findings or run.errors:
        return Verdict(ExitCode.FINDINGS, _findings(run))
    never = coverage.never_exercised
    if never:
        labels = ", ".join(op.label for op in never)
        return Verdict(ExitCode.UNCOVERED, f"never exercised: {labels}")
    allowances = tuple(allowances)
    gaps = [gap for gap in coverage.gaps() if not gap.waived_by(allowances)]
    if fail_on_uncovered and gaps:
        shown = "; ".join(gap.description for gap in gaps[:3])
        more = f"; and {len(gaps) - 3} more (see coverage.md)" if len(gaps) > 3 else ""
        return Verdict(ExitCode.UNCOVERED, f"{len(gaps)} gaps: {shown}{more}")
    checks = sum(count.passed for count in coverage.checks)
    return Verdict(
        ExitCode.PASSED,
        f"{coverage.requests} requests to {len(selected)} operations, {checks} checks passed, "
        "no findings",
    )


def _findings(run: ContractRun) -> str:
    by_check = Counter(finding.check for finding in run.findings)
    parts = [f"{check} x{count}" for check, count in by_check.most_common()]
    if run.errors:
        parts.append(f"{len(run.errors)} errors ({_first(run.errors)})")
    return f"{len(run.findings)} findings: " + ", ".join(parts)


def _first(errors: Iterable[str]) -> str:
    return next(iter(errors), "no details").splitlines()[0]
