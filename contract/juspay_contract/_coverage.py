"""What a run exercised: per operation, each documented status and link of the spec, counted.

`Coverage` is built from the spec and the run's tallies; `gaps` lists what was never seen, and
`to_markdown` renders the report's `coverage.md`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from attrs import frozen

from ._spec import spec_document

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@frozen
class StatusCount:
    """How often an operation answered `status` (a code, `4XX` or `default` as documented)."""

    status: str
    documented: bool
    observed: int


@frozen
class LinkCount:
    """How often the stateful phase followed a link the spec declares on a response."""

    name: str
    status: str
    target: str
    followed: int


@frozen
class OperationCoverage:
    """One operation of the spec: whether it was selected, what it was sent and answered."""

    label: str
    operation_id: str
    selected: bool
    requests: int
    network_errors: int
    phases: tuple[str, ...]
    statuses: tuple[StatusCount, ...]
    links: tuple[LinkCount, ...]

    @property
    def answered(self) -> int:
        return sum(count.observed for count in self.statuses)

    @property
    def exercised(self) -> bool:
        """Whether the operation answered at least one request."""
        return self.answered > 0


@frozen
class CheckCount:
    """How often a check passed, failed or crashed (a check that did not apply is not counted)."""

    name: str
    ours: bool
    passed: int
    failed: int
    errored: int


@frozen
class Gap:
    """Something the spec documents that the run never saw; `item` is a status or link name."""

    operation_id: str
    item: str
    description: str

    def waived_by(self, allowances: Iterable[str]) -> bool:
        """Whether an allowance (`ITEM` or `OPERATION_ID:ITEM`) names this gap."""
        return any(a in (self.item, f"{self.operation_id}:{self.item}") for a in allowances)


@frozen
class Coverage:
    """Every operation of the spec, and every check of the run, with counts."""

    operations: tuple[OperationCoverage, ...]
    checks: tuple[CheckCount, ...]

    @property
    def requests(self) -> int:
        return sum(operation.requests for operation in self.operations)

    @property
    def never_exercised(self) -> tuple[OperationCoverage, ...]:
        """Selected operations that answered nothing."""
        return tuple(op for op in self.operations if op.selected and not op.exercised)

    def gaps(self) -> tuple[Gap, ...]:
        """Operations not selected or never exercised, then documented statuses never observed
        and links never followed (of the selected operations)."""
        found = [
            Gap(op.operation_id, "", f"{op.label}: not selected")
            for op in self.operations
            if not op.selected
        ]
        found += [
            Gap(op.operation_id, "", f"{op.label}: never exercised") for op in self.never_exercised
        ]
        for op in self.operations:
            if not op.selected:
                continue
            found += [
                Gap(op.operation_id, s.status, f"{op.label}: documented {s.status} never observed")
                for s in op.statuses
                if s.documented and not s.observed
            ]
            found += [
                Gap(
                    op.operation_id,
                    link.name,
                    f"{op.label}: link {link.name} ({link.status} -> {link.target}) never followed",
                )
                for link in op.links
                if not link.followed
            ]
        return tuple(found)

    def to_markdown(self, *, title: str, facts: Iterable[str], allowances: Iterable[str]) -> str:
        """The report: `facts` (one line each) under `title`, then a section per subject."""
        allowances = tuple(allowances)
        lines = [f"# {title}", "", *(f"- {fact}" for fact in facts), ""]
        lines += ["## Operations", ""]
        lines += _table(
            ("Operation", "operationId", "Selected", "Requests", "Answered", "No answer", "Phases"),
            (
                (
                    f"`{op.label}`",
                    op.operation_id,
                    _yes(op.selected),
                    str(op.requests),
                    str(op.answered),
                    str(op.network_errors),
                    ", ".join(op.phases) or "none",
                )
                for op in self.operations
            ),
        )
        lines += ["## Responses", ""]
        lines += _table(
            ("Operation", "Status", "Documented", "Observed"),
            (
                (f"`{op.label}`", s.status, _yes(s.documented), _count(s.observed))
                for op in self.operations
                for s in op.statuses
            ),
        )
        lines += ["## Links", ""]
        lines += _table(
            ("Operation", "Status", "Link", "Target", "Followed"),
            (
                (f"`{op.label}`", link.status, link.name, link.target, _count(link.followed))
                for op in self.operations
                for link in op.links
            ),
        )
        lines += ["## Never observed", ""]
        gaps = self.gaps()
        lines += [
            f"- {gap.description}" + (" (allowed)" if gap.waived_by(allowances) else "")
            for gap in gaps
        ] or ["Nothing: every documented status and link was seen."]
        lines += ["", "## Checks", ""]
        lines += _table(
            ("Check", "Ours", "Passed", "Failed", "Errors"),
            (
                (c.name, _yes(c.ours), str(c.passed), _count(c.failed, bad=True), str(c.errored))
                for c in self.checks
            ),
        )
        return "\n".join(lines)

    def summary(self) -> Iterator[str]:
        """A few lines for the terminal: each operation's statuses, links, and the checks."""
        for op in self.operations:
            if not op.selected:
                yield f"  {op.label}: not selected"
                continue
            statuses = " ".join(
                f"{s.status}x{s.observed}" + ("" if s.documented else "(undocumented)")
                for s in op.statuses
            )
            links = sum(1 for link in op.links if link.followed)
            yield (
                f"  {op.label}: {op.requests} requests; statuses {statuses}; "
                f"links followed {links}/{len(op.links)}"
            )
        ours = ", ".join(f"{c.name} {c.passed}/{c.failed}" for c in self.checks if c.ours)
        yield f"  our checks (passed/failed): {ours}"


def build_coverage(
    spec: Mapping[str, Any],
    *,
    selected: Iterable[str],
    requests: Counter[str],
    network_errors: Counter[str],
    phases: Mapping[str, Iterable[str]],
    statuses: Mapping[str, Counter[int]],
    links: Counter[tuple[str, str, str]],
    checks: Mapping[str, Counter[str]],
    our_checks: Iterable[str],
) -> Coverage:
    """Coverage of `spec` from a run's tallies, keyed by operation label ("POST /customers").

    `links` counts (source label, status, link name) of followed links; `checks` counts each
    check's outcomes (`SUCCESS`, `FAILURE`, `ERROR`).
    """
    selected, ours = set(selected), set(our_checks)
    operations = []
    for path, item in spec.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method not in item:
                continue
            label = f"{method.upper()} {path}"
            definition = item[method]
            responses = definition.get("responses", {})
            seen = statuses.get(label, Counter())
            operations.append(
                OperationCoverage(
                    label=label,
                    operation_id=str(definition.get("operationId", label)),
                    selected=label in selected,
                    requests=requests[label],
                    network_errors=network_errors[label],
                    phases=tuple(sorted(set(phases.get(label, ())), key=_phase_order)),
                    statuses=_status_counts(responses, seen),
                    links=tuple(
                        LinkCount(name, status, target, links[(label, status, name)])
                        for status, name, target in _links(spec, responses)
                    ),
                )
            )
    return Coverage(
        operations=tuple(operations),
        checks=tuple(
            CheckCount(
                name=name,
                ours=name in ours,
                passed=outcomes["SUCCESS"],
                failed=outcomes["FAILURE"],
                errored=outcomes["ERROR"],
            )
            for name, outcomes in sorted(checks.items(), key=lambda kv: (kv[0] not in ours, kv[0]))
        ),
    )


def documented_items() -> dict[str, frozenset[str]]:
    """Per operationId of the shipped spec, what a gap can name (`Gap.item`): each documented
    status as the report shows it (`403`, `4XX`, `default`) and each link name."""
    empty: Counter[Any] = Counter()
    coverage = build_coverage(
        spec_document(),
        selected=(),
        requests=empty,
        network_errors=empty,
        phases={},
        statuses={},
        links=empty,
        checks={},
        our_checks=(),
    )
    return {
        op.operation_id: frozenset(
            [s.status for s in op.statuses] + [link.name for link in op.links]
        )
        for op in coverage.operations
    }


def _status_counts(responses: Mapping[str, Any], seen: Counter[int]) -> tuple[StatusCount, ...]:
    documented = {str(key).upper(): 0 for key in responses}
    undocumented: Counter[str] = Counter()
    for code, count in seen.items():
        for key in (str(code), f"{str(code)[0]}XX", "DEFAULT"):
            if key in documented:
                documented[key] += count
                break
        else:
            undocumented[str(code)] += count
    return (
        *(StatusCount(key.replace("DEFAULT", "default"), True, n) for key, n in documented.items()),
        *(StatusCount(key, False, n) for key, n in sorted(undocumented.items())),
    )


def _links(spec: Mapping[str, Any], responses: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(status, link name, target operationId) of every link on the operation's responses."""
    for status, response in responses.items():
        for name, link in _resolve(spec, response).get("links", {}).items():
            link = _resolve(spec, link)
            yield str(status), str(name), str(link.get("operationId", link.get("operationRef", "")))


def _resolve(spec: Mapping[str, Any], node: Any) -> Any:
    while isinstance(node, Mapping) and "$ref" in node:
        target: Any = spec
        for part in str(node["$ref"]).removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _phase_order(phase: str) -> int:
    order = ("examples", "coverage", "fuzzing", "stateful")
    return order.index(phase) if phase in order else len(order)


def _table(header: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return [*lines, ""]


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _count(number: int, *, bad: bool = False) -> str:
    """A count, in bold where it needs a look: a zero seen, or any failure."""
    flagged = number > 0 if bad else number == 0
    return f"**{number}**" if flagged else str(number)
