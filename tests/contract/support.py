"""What the contract tests share: the key, the CLI as a user runs it, broken servers."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from juspay_contract import OUR_CHECKS, ContractRun
from juspay_contract.variants import Variant
from juspay_mock import MockServer

from tests.conftest import ROOT

API_KEY = "contract_key"
# Generated cases per operation and phase; `make contract-deep` raises it.
MAX_EXAMPLES = int(os.environ.get("CONTRACT_MAX_EXAMPLES", "10"))
# The console script the editable install put beside this interpreter.
JUSPAY_CONTRACT = Path(sys.executable).with_name("juspay-contract")
OPERATIONS = {"POST /customers", "GET /customers/{customer_id}", "POST /customers/{customer_id}"}
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
    for phase in ("examples", "coverage", "fuzzing", "stateful"):
        assert {(phase, operation) for operation in OPERATIONS} <= run.exercised, phase
    assert run.passed_checks >= set(OUR_CHECKS) | KEY_BUILT_IN_CHECKS
    # Which links a short stateful phase follows depends on what the server answers (its ids
    # are random); that it follows the spec's links, and no others, does not.
    followed = {transition.split("] ")[1].split(" -> ")[0] for transition in run.links_followed}
    assert followed, "the stateful phase followed no link"
    assert followed <= spec_links


def juspay_contract(
    *args: str,
    api_key: str | None = API_KEY,
    cwd: Path = ROOT,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `juspay-contract ARGS` with `api_key` in JUSPAY_API_KEY (None: no key at all)."""
    environment = {k: v for k, v in os.environ.items() if k != "JUSPAY_API_KEY"}
    if api_key is not None:
        environment["JUSPAY_API_KEY"] = api_key
    return subprocess.run(
        [str(JUSPAY_CONTRACT), *args],
        cwd=cwd,
        env={**environment, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )


class VariantServer(MockServer):
    """A MockServer that serves a broken variant of the mock over loopback."""

    def __init__(self, variant: Variant, api_key: str = API_KEY) -> None:
        super().__init__(api_keys=[api_key])
        self.app = variant.build(self.app, api_key)  # type: ignore[assignment]
