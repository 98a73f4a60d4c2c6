"""What a run leaves behind: `coverage.md` and `junit.xml` in the report folder, and the
terminal summary. What a run saw (findings, errors, reproductions, the JUnit report, the URL)
passes through `Secret.redact` on its way out; what comes from the spec (operation labels,
statuses, links) and the counts do not need to."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from ._config import RunOptions
from ._run import ContractRun, Finding
from ._verdict import Verdict

COVERAGE_FILE = "coverage.md"
JUNIT_FILE = "junit.xml"
# Distinct findings shown on the terminal, each with its curl line; coverage.md and the JUnit
# report hold them all.
SHOWN_FINDINGS = 20


def facts(options: RunOptions, run: ContractRun, verdict: Verdict) -> list[str]:
    """The run's settings and outcome, one line each."""
    seed = "deterministic" if options.seed is None else str(options.seed)
    ran = [phase for phase in options.phases if phase not in run.skipped_phases]
    return [
        f"Server: {options.secret.redact(options.url or 'in-process ASGI app')}",
        f"Verdict: {options.secret.redact(str(verdict))}",
        f"Requests: {run.coverage.requests}; findings: {len(run.findings)}; "
        f"errors: {len(run.errors)}",
        f"Phases: {', '.join(ran) or 'none'}; max examples: {options.max_examples}; seed: {seed}",
        *(f"Phase {phase} not run: {why}" for phase, why in run.skipped_phases.items()),
    ]


def prepare_report_dir(directory: Path) -> None:
    """Create `directory` if missing and make sure both reports can be written there.

    Raises `OSError` (with a reason fit for one line) when they cannot: called before a run,
    so a bad folder costs no requests.
    """
    if directory.exists() and not directory.is_dir():
        raise NotADirectoryError("it exists and is not a directory")
    directory.mkdir(parents=True, exist_ok=True)
    for name in (COVERAGE_FILE, JUNIT_FILE):
        path = directory / name
        if path.exists() and (not path.is_file() or not os.access(path, os.W_OK)):
            raise PermissionError(f"{path} exists and cannot be overwritten")
    # Permissions alone do not tell (a read-only file system, root): write a file there.
    with tempfile.TemporaryFile(dir=directory):
        pass


def write_reports(
    options: RunOptions,
    run: ContractRun,
    verdict: Verdict,
    directory: Path,
    allowances: Sequence[str] = (),
) -> list[Path]:
    """Write `coverage.md` and `junit.xml` into `directory` (created if missing)."""
    directory.mkdir(parents=True, exist_ok=True)
    markdown = run.coverage.to_markdown(
        title="Contract coverage", facts=facts(options, run, verdict), allowances=allowances
    )
    markdown += options.secret.redact(_findings_markdown(run.findings))
    junit = options.secret.redact(run.junit_xml)
    written = []
    for name, text in ((COVERAGE_FILE, markdown), (JUNIT_FILE, junit)):
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def terminal(options: RunOptions, run: ContractRun, reports: Sequence[Path]) -> Iterator[str]:
    """The run's summary for the terminal, what the run saw redacted, verdict not included."""
    redact = options.secret.redact
    yield redact(f"juspay-contract: {run.coverage.requests} requests to {options.url or 'the app'}")
    yield from run.coverage.summary()
    for phase, why in run.skipped_phases.items():
        yield f"  phase {phase} not run: {why}"
    distinct = _distinct(run.findings)
    if distinct:
        yield f"findings ({len(run.findings)}; first of each kind):"
    for finding in distinct[:SHOWN_FINDINGS]:
        yield redact(f"  {finding}")
        if finding.reproduce:
            yield redact(f"    reproduce: {finding.reproduce}")
    for error in run.errors[:SHOWN_FINDINGS]:
        yield redact(f"  [error] {error.splitlines()[0]}")
    if reports:
        yield "reports: " + ", ".join(str(path) for path in reports)


def _distinct(findings: Sequence[Finding]) -> list[Finding]:
    """The first finding of each check, phase and operation."""
    first: dict[tuple[str, str, str], Finding] = {}
    for finding in findings:
        first.setdefault((finding.check, finding.phase, finding.operation), finding)
    return list(first.values())


def _findings_markdown(findings: Sequence[Finding]) -> str:
    if not findings:
        return "\n## Findings\n\nNone.\n"
    lines = ["", "## Findings", ""]
    for finding in _distinct(findings):
        count = sum(
            1
            for other in findings
            if (other.check, other.phase, other.operation)
            == (finding.check, finding.phase, finding.operation)
        )
        lines.append(f"- {finding} (x{count})")
        if finding.reproduce:
            lines += ["", "  ```sh", f"  {finding.reproduce}", "  ```", ""]
    return "\n".join(lines) + "\n"
