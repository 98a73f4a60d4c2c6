"""One run of the suite: schemathesis's engine, as `schemathesis run` drives it, summarised.

Against a server (`RunOptions.url`) or an ASGI app in process (`app`). The run's events become
a `ContractRun`: the findings, the errors, what was covered, and the JUnit report.
"""

from __future__ import annotations

import io
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import httpx
import schemathesis
from attrs import evolve, field, frozen
from schemathesis import APIOperation, BaseSchema
from schemathesis.core.result import Ok
from schemathesis.engine import Status, events, from_schema
from schemathesis.engine.recorder import ScenarioRecorder
from schemathesis.reporting.junitxml import JunitXmlWriter

from . import _checks
from ._config import RunOptions, build_config
from ._coverage import Coverage, build_coverage
from ._spec import spec_path

OUR_CHECKS = (
    "no_undocumented_fields",
    "get_returns_what_create_wrote",
    "update_persists",
    "token_only_when_asked",
    "concurrent_creates_are_kept",
)
# Answers that mean "not with these credentials".
REJECTED = frozenset({401, 403})
# "POST /customers -> [200] GetCreatedCustomer -> GET /customers/{customer_id}"
_TRANSITION = re.compile(r"^(?P<source>.+?) -> \[(?P<status>[^\]]+)\] (?P<link>.+?) -> ")


@frozen
class Finding:
    """One failed check: which check, in which phase, on which operation, why, and a curl line
    that reproduces it."""

    check: str
    phase: str
    operation: str
    message: str
    reproduce: str

    def __str__(self) -> str:
        return f"[{self.check}] {self.phase} {self.operation}: {self.message}"


@frozen
class ContractRun:
    """What one run found and what it exercised.

    `answers` counts, per operation label, the statuses answered to requests with the
    operation's own method, whatever credentials they carried (`unsupported_method`'s probes
    with other methods are left out). `unreachable` is the reason no request could be sent, if
    none could. `skipped_phases` maps a selected phase that did not run to why. `junit_xml` is
    the JUnit report.
    """

    findings: tuple[Finding, ...]
    errors: tuple[str, ...]
    coverage: Coverage
    answers: Mapping[str, Counter[int]]
    links_followed: frozenset[str]
    junit_xml: str
    unreachable: str | None = None
    skipped_phases: Mapping[str, str] = field(factory=dict)

    @property
    def caught_by(self) -> frozenset[str]:
        """Names of the checks that failed."""
        return frozenset(finding.check for finding in self.findings)

    @property
    def passed_checks(self) -> frozenset[str]:
        """Names of the checks that passed at least once."""
        return frozenset(count.name for count in self.coverage.checks if count.passed)

    @property
    def exercised(self) -> frozenset[tuple[str, str]]:
        """(phase, operation label) pairs that sent requests."""
        return frozenset(
            (phase, op.label) for op in self.coverage.operations for phase in op.phases
        )

    def summary(self) -> str:
        """One line per check, phase and operation that failed (with a count), then errors."""
        groups: dict[tuple[str, str, str], list[Finding]] = {}
        for finding in self.findings:
            key = (finding.check, finding.phase, finding.operation)
            groups.setdefault(key, []).append(finding)
        lines = [f"{found[0]} (x{len(found)})" for found in groups.values()]
        lines += [f"[error] {error}" for error in self.errors]
        return "\n".join(lines) or "no findings"


def run_contract(options: RunOptions, *, app: Any = None) -> ContractRun:
    """Run the suite with `options` against `options.url`, or against `app` in process.

    A server that cannot be reached gives a `ContractRun` with `unreachable` set and nothing
    sent. When the selected operations leave no link of the spec to follow, the stateful phase
    is skipped (`skipped_phases` says so) rather than failed.
    """
    schema = _schema(options, app)
    skipped = {}
    if "stateful" in options.phases and not schema.statistic.transitions.selected:
        skipped["stateful"] = (
            "the selected operations leave no link of the spec to follow "
            "(select a link's source and target operations)"
        )
        phases = tuple(phase for phase in options.phases if phase != "stateful")
        schema = _schema(evolve(options, phases=phases), app) if phases else schema
        if not phases:
            return _Collector(schema, [op.label for op in _operations(schema)]).result(
                skipped_phases=skipped
            )
    selected = [op.label for op in _operations(schema)]
    collector = _Collector(schema, selected)
    if app is None and options.url is not None:
        reason = _unreachable(options.url, options.request_timeout)
        if reason is not None:
            return collector.result(unreachable=reason, skipped_phases=skipped)
    with _checks.running(options.secret):
        for event in from_schema(schema).execute():
            collector.handle(event)
    return collector.result(skipped_phases=skipped)


def _schema(options: RunOptions, app: Any) -> BaseSchema:
    """The spec loaded for `options`, narrowed to its selected operations."""
    schema: BaseSchema = schemathesis.openapi.from_path(spec_path(), config=build_config(options))
    schema.app = app  # before anything reads the operations, which take it from the schema
    if options.operation_ids:
        schema = schema.include(operation_id=list(options.operation_ids))
    return schema


def _operations(schema: BaseSchema) -> list[APIOperation[Any, Any, Any, Any]]:
    """The schema's operations (the spec is ours and valid: none fails to load)."""
    return [result.ok() for result in schema.get_all_operations() if isinstance(result, Ok)]


def _unreachable(url: str, timeout: float) -> str | None:
    """Why nothing answers at `url` (one request, without credentials), or None if it answers."""
    try:
        httpx.get(url, timeout=timeout, follow_redirects=False)
    except httpx.TransportError as error:
        return f"no answer from {url}: {type(error).__name__}: {error}"
    return None


class _Collector:
    """Tallies the engine's events as they come."""

    def __init__(self, schema: BaseSchema, selected: Iterable[str]) -> None:
        self.spec, self.selected = schema.raw_schema, selected
        self.findings: list[Finding] = []
        self.errors: list[str] = []
        self.requests: Counter[str] = Counter()
        self.network_errors: Counter[str] = Counter()
        self.phases: defaultdict[str, set[str]] = defaultdict(set)
        self.statuses: defaultdict[str, Counter[int]] = defaultdict(Counter)
        self.answers: defaultdict[str, Counter[int]] = defaultdict(Counter)
        self.links: Counter[tuple[str, str, str]] = Counter()
        self.transitions: set[str] = set()
        self.checks: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self._junit_buffer = io.StringIO()
        self._junit = JunitXmlWriter(self._junit_buffer, config=schema.config.output)

    def handle(self, event: events.EngineEvent) -> None:
        if isinstance(event, events.ScenarioFinished):
            self._scenario(event.recorder, event.phase.value)
            self._junit.write(event.recorder, event.elapsed_time)
        elif isinstance(event, events.NonFatalError):
            self.errors.append(f"{event.label}: {event.info.title}: {event.info.message}")
            self._junit.record_error(label=event.label, message=event.info.format())
        elif isinstance(event, events.FatalError):
            self.errors.append(f"fatal: {type(event.exception).__name__}: {event.exception}")
        elif isinstance(event, events.EngineFinished):
            # Failures of whole-run checks, reported once the phases are over.
            for failure in event.failures:
                operation = failure.operation or "run"
                self.findings.append(Finding("after_run", "run", operation, failure.title, ""))

    def _scenario(self, recorder: ScenarioRecorder, phase: str) -> None:
        for case_id, interaction in recorder.interactions.items():
            node = recorder.cases.get(case_id)
            if node is None:
                continue
            operation = node.value.operation
            label = operation.label
            self.requests[label] += 1
            self.phases[label].add(phase)
            if interaction.response is None:
                self.network_errors[label] += 1
                continue
            status = interaction.response.status_code
            self.statuses[label][status] += 1
            # Whatever credentials went out (ours, a check's probe without them, or anything
            # that replaced them): the verdict on credentials needs every answer. Not one of
            # `unsupported_method`'s requests with a method the path does not have.
            if interaction.request.method.upper() == operation.method.upper():
                self.answers[label][status] += 1
        for node in recorder.cases.values():
            if node.transition is None or not node.is_transition_applied:
                continue
            self.transitions.add(node.transition.id)
            match = _TRANSITION.match(node.transition.id)
            if match is not None:
                self.links[(match["source"], match["status"], match["link"])] += 1
        for nodes in recorder.checks.values():
            for check in nodes:
                self.checks[check.name][check.status.name] += 1
                if check.status == Status.FAILURE and check.failure_info is not None:
                    failure = check.failure_info.failure
                    message = f"{failure.title}: {failure.message}".strip().splitlines()[0]
                    operation = failure.operation or recorder.label
                    reproduce = check.failure_info.code_sample
                    self.findings.append(Finding(check.name, phase, operation, message, reproduce))

    def result(
        self, unreachable: str | None = None, skipped_phases: Mapping[str, str] | None = None
    ) -> ContractRun:
        self._junit.close()
        return ContractRun(
            findings=tuple(dict.fromkeys(self.findings)),
            errors=tuple(self.errors),
            coverage=build_coverage(
                self.spec,
                selected=self.selected,
                requests=self.requests,
                network_errors=self.network_errors,
                phases=self.phases,
                statuses=self.statuses,
                links=self.links,
                checks=self.checks,
                our_checks=OUR_CHECKS,
            ),
            answers=dict(self.answers),
            links_followed=frozenset(self.transitions),
            junit_xml=self._junit_buffer.getvalue(),
            unreachable=unreachable,
            skipped_phases=dict(skipped_phases or {}),
        )
