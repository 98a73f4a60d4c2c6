"""`pip install "juspay-customers[mock]"`, plus pytest: the mock and its fixtures, installed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT, SPEC_PATH
from tests.packaging.conftest import Venv, VenvFactory

SPEC_PROBE = """
from juspay_mock import create_app, spec_path
create_app(["k"])
print(spec_path())
"""


def readme_merchant_test() -> str:
    """The README's merchant test (test_signup.py), verbatim."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks: list[str] = re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL)
    (block,) = [b for b in blocks if "def test_signup" in b]
    return block


@pytest.fixture(scope="module")
def with_mock(venv: VenvFactory) -> Venv:
    return venv("mock")


def test_the_readme_merchant_test_passes_with_the_fixtures(with_mock: Venv, tmp_path: Path) -> None:
    (tmp_path / "test_signup.py").write_text(readme_merchant_test())

    result = with_mock.run("pytest", "test_signup.py", cwd=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_juspay_mock_help(with_mock: Venv, tmp_path: Path) -> None:
    result = with_mock.run("juspay-mock", "--help", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: juspay-mock")


def test_the_installed_mock_reads_the_spec_it_ships(with_mock: Venv, tmp_path: Path) -> None:
    result = with_mock.run("python", "-c", SPEC_PROBE, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    found = Path(result.stdout.strip())
    assert found.is_relative_to(with_mock.path)
    assert found.read_bytes() == SPEC_PATH.read_bytes()
