"""The contract suite: the mock passes it in process and over loopback; broken mocks fail it.

Every run is the full suite (all phases, all built-in checks and ours, positive and negative
data), by the engine `schemathesis run` uses, in its deterministic mode so findings reproduce.
`CONTRACT_MAX_EXAMPLES` sets its size (`make contract-deep` raises it).
"""

from __future__ import annotations

import os
import subprocess
import xml.etree.ElementTree as ET

import pytest
from juspay_mock import MockServer, create_app

from tests.conftest import ROOT
from tests.contract import variants
from tests.contract.suite import ContractRun, run_contract

MAX_EXAMPLES = int(os.environ.get("CONTRACT_MAX_EXAMPLES", "10"))
API_KEY = "contract_key"
OPERATIONS = {"POST /customers", "GET /customers/{customer_id}", "POST /customers/{customer_id}"}
OUR_CHECKS = {
    "no_undocumented_fields",
    "get_returns_what_create_wrote",
    "update_persists",
    "token_only_when_asked",
}
# The built-in checks a Prism-like mock fails; named so that turning one off fails here.
KEY_BUILT_IN_CHECKS = {
    "ensure_resource_availability",
    "ignored_auth",
    "unsupported_method",
    "negative_data_rejection",
    "positive_data_acceptance",
    "response_schema_conformance",
    "status_code_conformance",
}


def assert_passes_in_full(run: ContractRun, spec_links: set[str]) -> None:
    assert not run.findings, run.summary()
    assert not run.errors, run.summary()
    for phase in ("examples", "coverage", "fuzzing"):
        assert {(phase, operation) for operation in OPERATIONS} <= run.exercised, phase
    assert ("stateful", "Stateful tests") in run.exercised
    assert run.passed_checks >= OUR_CHECKS | KEY_BUILT_IN_CHECKS
    # Which links a short stateful phase follows depends on what the server answers (its ids
    # are random); that it follows the spec's links, and no others, does not.
    followed = {transition.split("] ")[1].split(" -> ")[0] for transition in run.links_followed}
    assert followed, "the stateful phase followed no link"
    assert followed <= spec_links


@pytest.fixture(scope="module")
def spec_links(spec: dict[str, object]) -> set[str]:
    """The names under which the spec's responses declare links."""
    responses = spec["components"]["responses"]  # type: ignore[index]
    return {name for response in responses.values() for name in response.get("links", {})}


def test_mock_meets_the_contract_in_process(spec_links: set[str]) -> None:
    run = run_contract(api_key=API_KEY, max_examples=MAX_EXAMPLES, app=create_app([API_KEY]))
    assert_passes_in_full(run, spec_links)


def test_mock_meets_the_contract_over_loopback(spec_links: set[str]) -> None:
    with MockServer(api_keys=[API_KEY]) as server:
        run = run_contract(api_key=API_KEY, max_examples=MAX_EXAMPLES, base_url=server.base_url)
    assert_passes_in_full(run, spec_links)


@pytest.mark.parametrize(
    ("variant", "caught_by"),
    [
        # ensure_resource_availability stays silent here: it only judges a 404 when the link
        # supplied every parameter of the get, and the spec's get has optional headers too.
        (variants.keeps_no_state, {"get_returns_what_create_wrote"}),
        (variants.accepts_any_credentials, {"ignored_auth"}),
        (variants.answers_undocumented_field, {"no_undocumented_fields"}),
        (variants.accepts_missing_required_field, {"negative_data_rejection"}),
        (variants.answers_405_without_allow, {"unsupported_method"}),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_broken_variant_is_caught_by_the_right_check(
    variant: variants.Variant, caught_by: set[str]
) -> None:
    broken = variant(create_app([API_KEY]), API_KEY)
    run = run_contract(api_key=API_KEY, max_examples=MAX_EXAMPLES, app=broken)
    assert run.caught_by == caught_by, run.summary()


class VariantServer(MockServer):
    """A MockServer that serves a broken variant of the mock over loopback."""

    def __init__(self, variant: variants.Variant) -> None:
        super().__init__(api_keys=[API_KEY])
        self.app = variant(self.app, API_KEY)  # type: ignore[assignment]


def make_contract(server: MockServer) -> tuple[int, str]:
    """Run `make contract` against the server; its exit status and everything it printed."""
    done = subprocess.run(
        [
            *("make", "--no-print-directory", "contract", f"URL={server.base_url}"),
            *(f"API_KEY={API_KEY}", f"EXAMPLES={MAX_EXAMPLES}"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


def test_make_contract_passes_the_mock_and_writes_a_junit_report() -> None:
    junit = ROOT / "reports" / "contract-junit.xml"
    junit.unlink(missing_ok=True)
    with MockServer(api_keys=[API_KEY]) as server:
        status, output = make_contract(server)
    assert status == 0, output
    assert API_KEY not in output
    report = ET.parse(junit).getroot()  # noqa: S314 (our own report, not untrusted input)
    assert report.get("failures") == "0"
    assert {case.get("name") for case in report.iter("testcase")} >= OPERATIONS


def test_make_contract_runs_our_checks_and_fails_a_broken_server() -> None:
    with VariantServer(variants.answers_undocumented_field) as server:
        status, output = make_contract(server)
    assert status != 0, output
    assert "Custom check failed: `no_undocumented_fields`" in output
    assert "loyalty_tier" in output
