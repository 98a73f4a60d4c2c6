"""`prove` and `juspay-contract prove`: the healthy mock passes the suite in process, and each
broken variant fails it in the one check meant to catch its fault."""

from __future__ import annotations

import re

import pytest
from juspay_contract import Proof, prove
from juspay_contract.variants import BROKEN_VARIANTS, Variant

from tests.conftest import ROOT
from tests.contract.support import MAX_EXAMPLES, assert_passes_in_full, juspay_contract

CAUGHT_BY = {
    # ensure_resource_availability stays silent here: it only judges a 404 when the link
    # supplied every parameter of the get, and the spec's get has optional headers too.
    "keeps_no_state": {"get_returns_what_create_wrote"},
    "accepts_any_credentials": {"ignored_auth"},
    "answers_undocumented_field": {"no_undocumented_fields"},
    "accepts_missing_required_field": {"negative_data_rejection"},
    "answers_405_without_allow": {"unsupported_method"},
    "drops_updates": {"update_persists"},
    "answers_token_unasked": {"token_only_when_asked"},
    "loses_concurrent_creates": {"concurrent_creates_are_kept"},
}


@pytest.fixture(scope="module")
def proof() -> Proof:
    """The suite against the healthy mock and every built-in variant."""
    return prove(max_examples=MAX_EXAMPLES)


def test_the_healthy_mock_meets_the_contract_in_process(proof: Proof, spec_links: set[str]) -> None:
    assert_passes_in_full(proof.healthy.run, spec_links)
    assert str(proof.healthy) == "healthy mock -> passes"


def test_the_suite_catches_every_built_in_variant(proof: Proof) -> None:
    assert [outcome.name for outcome in proof.variants] == list(CAUGHT_BY)
    assert proof.holds


@pytest.mark.parametrize(("name", "caught_by"), CAUGHT_BY.items(), ids=list(CAUGHT_BY))
def test_each_variant_is_caught_by_the_right_check_only(
    proof: Proof, name: str, caught_by: set[str]
) -> None:
    (outcome,) = (outcome for outcome in proof.variants if outcome.name == name)

    assert outcome.caught_by == caught_by, outcome.run.summary()
    assert str(outcome) == f"{name} -> {''.join(caught_by)}"


def test_a_variant_that_escapes_fails_the_proof() -> None:
    harmless = Variant("harmless", "no fault at all", "update_persists", lambda app, key: app)

    proof = prove([harmless], max_examples=3)

    assert not proof.holds
    assert list(proof.lines()) == [
        "healthy mock -> passes",
        "harmless -> ESCAPED: update_persists did not fail (failed: none)",
    ]


def test_juspay_contract_prove_prints_each_variant_and_the_check_that_caught_it() -> None:
    done = juspay_contract(
        *("prove", "--variant", "answers_token_unasked", "--max-examples", "3"),
        api_key=None,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines() == [
        "healthy mock -> passes",
        "answers_token_unasked -> token_only_when_asked",
        "juspay-contract: proved: the suite catches all 1 variants",
    ]


def test_the_readme_lists_every_variant_with_its_fault_and_check() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")

    rows = re.findall(r"^\| `(\w+)` \| (.+?) \| `(\w+)` \|$", readme, flags=re.MULTILINE)

    assert rows == [(v.name, v.fault, v.caught_by) for v in BROKEN_VARIANTS]
