"""What a run leaves behind: `coverage.md` and `junit.xml` in the report folder, and the
terminal summary. Everything passes through `Secret.redact` on its way out."""

from __future__ import annotations

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
    return [
        f"Server: {options.url or 'in-process ASGI app'}",
        f"Verdict: {verdict}",
        f"Requests: {run.coverage.requests}; findings: {len(run.findings)}; "
        f"errors: {len(run.errors)}",
        f"Phases: {', '.join(options.phases)}; max examples: {options.max_examples}; seed: {seed}",
    ]


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
    markdown += _findings_markdown(run.findings)
    written = []
    for name, text in ((COVERAGE_FILE, markdown), (JUNIT_FILE, run.junit_xml)):
        path = directory / name
        path.write_text(options.secret.redact(text), encoding="utf-8")
        written.append(path)
    return written


def terminal(options: RunOptions, run: ContractRun, reports: Sequence[Path]) -> Iterator[str]:
    """The run's summary for the terminal, redacted, verdict not included."""
    lines = [f"juspay-contract: {run.coverage.requests} requests to {options.url or 'the app'}"]
    lines += run.coverage.summary()
    distinct = _distinct(run.findings)
    if distinct:
        lines.append(f"findings ({len(run.findings)}; first of each kind):")
    for finding in distinct[:SHOWN_FINDINGS]:
        lines.append(f"  {finding}")
        if finding.reproduce:
            lines.append(f"    reproduce: {finding.reproduce}")
    lines += [f"  [error] {error.splitlines()[0]}" for error in run.errors[:SHOWN_FINDINGS]]
    if reports:
        lines.append("reports: " + ", ".join(str(path) for path in reports))
    for line in lines:
        yield options.secret.redact(line)


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
