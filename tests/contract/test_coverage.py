"""The coverage report: every answer counted under its operation and status, every link of the
spec counted when followed, and what a run skipped shown as a gap."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from juspay_contract import ExitCode, RunOptions, Secret, judge, run_contract, write_reports
from juspay_mock import MockServer, create_app
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tests.contract.support import API_KEY, juspay_contract

GET_PATH = "/customers/{customer_id}"
SKIPPED = "POST /customers/{customer_id}"  # updateCustomer


class Journal:
    """ASGI middleware that notes (method, path template, status) of every answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.answers: Counter[tuple[str, str, int]] = Counter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def note(message: Message) -> None:
            if message["type"] == "http.response.start":
                template = "/customers" if scope["path"] == "/customers" else "/customers/{id}"
                self.answers[(scope["method"], template, message["status"])] += 1
            await send(message)

        await self.app(scope, receive, note)


def test_every_answer_is_counted_and_a_skipped_operation_is_a_gap() -> None:
    journal = Journal(create_app([API_KEY]))
    options = RunOptions(
        Secret(API_KEY),
        max_examples=5,
        operation_ids=("createCustomer", "getCustomer"),
    )

    run = run_contract(options, app=journal)

    operations = {op.label: op for op in run.coverage.operations}
    counted = {
        (label.replace("{customer_id}", "{id}"), s.status): s.observed
        for label, op in operations.items()
        for s in op.statuses
        if s.observed
    }
    # Each operation's own method: counted under it, status by status.
    answered = {
        (f"{method} {path}", str(status)): count
        for (method, path, status), count in journal.answers.items()
        if status != 405
    }
    assert {key: n for key, n in counted.items() if key[1] != "405"} == answered
    # Methods the paths do not have (unsupported_method's probes): counted on their path.
    assert sum(n for key, n in counted.items() if key[1] == "405") == sum(
        n for (_, _, status), n in journal.answers.items() if status == 405
    )
    skipped = operations[SKIPPED]
    assert not skipped.selected
    assert (skipped.requests, skipped.answered, skipped.phases) == (0, 0, ())
    assert not any(
        method == "POST" and path == "/customers/{id}" for method, path, _ in journal.answers
    )
    gaps = [gap.description for gap in run.coverage.gaps()]
    assert gaps[0] == f"{SKIPPED}: not selected"
    assert (
        "POST /customers: link UpdateCreatedCustomer (200 -> updateCustomer) never followed" in gaps
    )
    assert (
        f"GET {GET_PATH}: link UpdateFetchedCustomer (200 -> updateCustomer) never followed" in gaps
    )
    assert "GET /customers/{customer_id}: documented 403 never observed" in gaps
    assert judge(run).code == ExitCode.PASSED
    verdict = judge(run, fail_on_uncovered=True)
    assert verdict.code == ExitCode.UNCOVERED
    assert verdict.reason.startswith(f"{len(gaps)} gaps: {SKIPPED}: not selected; ")


def test_the_cli_fails_on_uncovered_and_writes_the_gaps(tmp_path: Path) -> None:
    with MockServer(api_keys=[API_KEY]) as server:
        done = juspay_contract(
            *("run", "--url", server.base_url, "--max-examples", "3"),
            *("--include-operation-id", "createCustomer", "--include-operation-id", "getCustomer"),
            *("--fail-on-uncovered", "--allow-unobserved", "403", "--report-dir", str(tmp_path)),
        )

    assert done.returncode == ExitCode.UNCOVERED, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1].startswith(
        f"juspay-contract: uncovered (exit 5): 3 gaps: {SKIPPED}: not selected; "
    )
    report = (tmp_path / "coverage.md").read_text()
    assert f"| `{SKIPPED}` | updateCustomer | no | 0 | 0 | 0 | none |" in report
    assert f"- {SKIPPED}: not selected\n" in report
    assert "- POST /customers: documented 403 never observed (allowed)\n" in report
    assert "| `POST /customers` | 200 | GetCreatedCustomer | getCustomer | " in report


def test_a_phase_left_out_sends_nothing_and_leaves_the_links_unfollowed() -> None:
    options = RunOptions(Secret(API_KEY), max_examples=3, seed=7, phases=("examples", "fuzzing"))

    run = run_contract(options, app=create_app([API_KEY]))

    assert {phase for op in run.coverage.operations for phase in op.phases} == {
        "examples",
        "fuzzing",
    }
    assert all(not link.followed for op in run.coverage.operations for link in op.links)
    assert judge(run).code == ExitCode.PASSED
    assert judge(run, fail_on_uncovered=True).code == ExitCode.UNCOVERED


def test_a_selection_without_links_skips_the_stateful_phase_and_says_why(tmp_path: Path) -> None:
    options = RunOptions(
        Secret(API_KEY),
        max_examples=2,
        phases=("examples", "stateful"),
        operation_ids=("getCustomer",),
    )

    run = run_contract(options, app=create_app([API_KEY]))

    assert not run.findings, run.summary()
    assert not run.errors, run.summary()
    assert set(run.skipped_phases) == {"stateful"}
    assert {phase for op in run.coverage.operations for phase in op.phases} == {"examples"}
    verdict = judge(run)
    assert verdict.code == ExitCode.PASSED
    (coverage, _) = write_reports(options, run, verdict, tmp_path)
    facts = coverage.read_text().split("## Operations")[0]
    assert "- Phases: examples; " in facts
    assert (
        "- Phase stateful not run: the selected operations leave no link of the spec to follow"
        in facts
    )


def test_linked_operations_keep_the_stateful_phase() -> None:
    options = RunOptions(
        Secret(API_KEY),
        max_examples=2,
        phases=("stateful",),
        operation_ids=("createCustomer", "getCustomer"),
    )

    run = run_contract(options, app=create_app([API_KEY]))

    assert run.skipped_phases == {}
    assert run.links_followed
    assert judge(run).code == ExitCode.PASSED
