"""The pytest plugin: fixtures registered by entry point, a reset server per test."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from juspay_mock import MockServer

from tests.conftest import ROOT

# The second test fails unless the first one's customer was forgotten in between.
ISOLATION_TEST = """
def test_each_test_starts_empty(juspay_mock):
    juspay_mock.seed([{"object_reference_id": "user_42", "mobile_number": "9988776655"}])
"""


def readme_merchant_test() -> str:
    """The merchant's test shown in the README, verbatim."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL)
    (block,) = [b for b in blocks if "def test_signup" in b]
    return block


def test_the_fixture_is_a_running_reset_server(
    juspay_mock_server: MockServer, request: pytest.FixtureRequest
) -> None:
    juspay_mock_server.seed([{"object_reference_id": "left_over", "mobile_number": "12345"}])
    juspay_mock_server.inject(status=503)

    server = request.getfixturevalue("juspay_mock")

    assert server is juspay_mock_server
    response = httpx.get(f"{server.base_url}/customers/left_over", auth=(server.api_key, ""))
    assert response.status_code == 404


HERMETIC_TEST = """
import pytest
from juspay_customers import NotFoundError


def test_the_client_takes_nothing_from_the_developers_environment(juspay_client, juspay_mock):
    assert juspay_client.merchant_id is None
    assert juspay_client.environment == "sandbox"
    with pytest.raises(NotFoundError):
        juspay_client.customers.get("anyone")
    (entry,) = juspay_mock.requests()
    assert entry.header("x-merchantid") is None
"""


def test_the_client_fixture_is_hermetic(tmp_path: Path) -> None:
    """QA 4: with JUSPAY_MERCHANT_ID set in the shell, the fixture's client sent it."""
    (tmp_path / "test_hermetic.py").write_text(HERMETIC_TEST)
    env = {
        **os.environ,
        "JUSPAY_MERCHANT_ID": "my_real_merchant",
        "JUSPAY_ENVIRONMENT": "production",
    }

    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_hermetic.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_readme_merchant_test_passes_mypy_strict(tmp_path: Path) -> None:
    """QA 4: it had no annotations, so a project checked with `mypy --strict` could not copy it."""
    (tmp_path / "test_signup.py").write_text(readme_merchant_test())

    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "test_signup.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_readme_merchant_test_passes_with_only_the_fixtures(tmp_path: Path) -> None:
    (tmp_path / "test_merchant.py").write_text(readme_merchant_test() + ISOLATION_TEST)

    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_merchant.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
