"""Run the contract suite from Python, exactly as `schemathesis run` does, and summarise it.

The pytest tests drive the same engine as the CLI, with the same schemathesis.toml and the
same hooks module, against an ASGI app in process or a server over HTTP.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema
from schemathesis.engine.recorder import ScenarioRecorder

from tests.conftest import ROOT, SPEC_PATH

CONFIG_PATH = ROOT / "schemathesis.toml"


@dataclass(frozen=True)
class Finding:
    """One failed check: which check, in which phase, on which operation, and why."""

    check: str
    phase: str
    operation: str
    message: str

    def __str__(self) -> str:
        return f"[{self.check}] {self.phase} {self.operation}: {self.message}"


@dataclass(frozen=True)
class ContractRun:
    """What one run of the suite found and what it exercised."""

    findings: tuple[Finding, ...]
    errors: tuple[str, ...]
    passed_checks: frozenset[str]
    exercised: frozenset[tuple[str, str]]  # (phase, operation label) pairs that sent requests
    links_followed: frozenset[str]

    @property
    def caught_by(self) -> frozenset[str]:
        """Names of the checks that failed."""
        return frozenset(finding.check for finding in self.findings)

    def summary(self) -> str:
        """One line per check, phase and operation that failed (with a count), then errors."""
        groups: dict[tuple[str, str, str], list[Finding]] = {}
        for finding in self.findings:
            key = (finding.check, finding.phase, finding.operation)
            groups.setdefault(key, []).append(finding)
        lines = [f"{found[0]} (x{len(found)})" for found in groups.values()]
        lines += [f"[error] {error}" for error in self.errors]
        return "\n".join(lines) or "no findings"


def run_contract(
    *, api_key: str, max_examples: int, app: Any = None, base_url: str | None = None
) -> ContractRun:
    """Run every phase and check of the suite against `app` (in process) or `base_url`."""
    with CONFIG_PATH.open("rb") as handle:
        settings: dict[str, Any] = tomllib.load(handle)
    settings["auth"] = {"basic": {"username": api_key, "password": ""}}
    settings.setdefault("generation", {})["max-examples"] = max_examples
    if base_url is not None:
        settings["base-url"] = base_url
    config = SchemathesisConfig.from_dict(settings, base_dir=str(ROOT))
    schema = schemathesis.openapi.from_path(SPEC_PATH, config=config)
    schema.app = app
    return _summarise(from_schema(schema).execute())


def _summarise(stream: Iterable[events.EngineEvent]) -> ContractRun:
    findings: list[Finding] = []
    errors: list[str] = []
    passed: set[str] = set()
    exercised: set[tuple[str, str]] = set()
    links: set[str] = set()
    for event in stream:
        if isinstance(event, events.ScenarioFinished):
            phase = event.phase.value
            findings.extend(_findings(event.recorder, phase))
            passed.update(_passed_checks(event.recorder))
            if event.recorder.interactions:
                exercised.add((phase, event.recorder.label))
            links.update(
                node.transition.id
                for node in event.recorder.cases.values()
                if node.transition is not None and node.is_transition_applied
            )
        elif isinstance(event, events.NonFatalError):
            errors.append(f"{event.label}: {event.info.title}: {event.value!r}")
        elif isinstance(event, events.FatalError):
            errors.append(f"fatal: {event.exception!r}")
        elif isinstance(event, events.EngineFinished):
            # Failures of whole-run checks, reported once the phases are over.
            findings.extend(
                Finding("after_run", "run", failure.operation or "", failure.title)
                for failure in event.failures
            )
    return ContractRun(
        findings=tuple(dict.fromkeys(findings)),
        errors=tuple(errors),
        passed_checks=frozenset(passed),
        exercised=frozenset(exercised),
        links_followed=frozenset(links),
    )


def _findings(recorder: ScenarioRecorder, phase: str) -> Iterable[Finding]:
    for nodes in recorder.checks.values():
        for node in nodes:
            if node.status == Status.FAILURE and node.failure_info is not None:
                failure = node.failure_info.failure
                message = f"{failure.title}: {failure.message}".strip().splitlines()[0]
                yield Finding(node.name, phase, failure.operation or recorder.label, message)


def _passed_checks(recorder: ScenarioRecorder) -> Iterable[str]:
    for nodes in recorder.checks.values():
        yield from (node.name for node in nodes if node.status == Status.SUCCESS)
