"""`pip install juspay-customers` without extras, plus pytest: what a merchant's project sees.

The pytest plugin is registered whatever the extras, so it must load quietly in any test run
and name the missing extra only to a test that asks for its fixtures (issue 8, cases 1 and 3).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.packaging.conftest import Venv, VenvFactory

INSTALL_MOCK = 'pip install "./juspay-customers[mock]" (a clone; or the wheel with [mock])'

UNRELATED_TEST = """
def test_arithmetic():
    assert 1 + 1 == 2
"""

FIXTURE_TESTS = """
def test_with_the_client(juspay_client):
    pass

def test_with_the_mock(juspay_mock):
    pass

def test_with_the_server(juspay_mock_server):
    pass
"""


@pytest.fixture(scope="module")
def core(venv: VenvFactory) -> Venv:
    return venv()


def test_the_extra_is_really_missing(core: Venv, tmp_path: Path) -> None:
    probe = core.run("python", "-c", "import starlette", cwd=tmp_path)
    assert "No module named 'starlette'" in probe.stderr


def test_an_unrelated_test_file_passes_and_the_plugin_stays_quiet(
    core: Venv, tmp_path: Path
) -> None:
    (tmp_path / "test_unrelated.py").write_text(UNRELATED_TEST)

    result = core.run("pytest", "test_unrelated.py", cwd=tmp_path)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "1 passed" in result.stdout
    assert "plugins: juspay-customers-" in result.stdout  # the plugin did load
    assert "warning" not in output.lower()
    assert "juspay_mock" not in output


def test_a_test_using_the_fixtures_gets_one_line_naming_the_extra(
    core: Venv, tmp_path: Path
) -> None:
    (tmp_path / "test_fixtures.py").write_text(FIXTURE_TESTS)

    result = core.run("pytest", "test_fixtures.py", cwd=tmp_path)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "3 errors" in result.stdout
    lines = result.stdout.splitlines()
    for test in ("test_with_the_client", "test_with_the_mock", "test_with_the_server"):
        header = next(i for i, line in enumerate(lines) if f"ERROR at setup of {test} " in line)
        message = lines[header + 1]
        assert INSTALL_MOCK in message
        assert lines[header + 2].startswith(("___", "=")), "more than one line"
    assert "Traceback" not in result.stdout
    assert "ModuleNotFoundError" not in result.stdout


def test_juspay_mock_says_in_one_line_which_extra_to_install(core: Venv, tmp_path: Path) -> None:
    result = core.run("juspay-mock", "--help", cwd=tmp_path)

    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert INSTALL_MOCK in line


def test_juspay_customers_works_without_the_extra(core: Venv, tmp_path: Path) -> None:
    result = core.run("juspay-customers", "--help", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: juspay-customers")


def test_juspay_contract_says_in_one_line_which_extra_to_install(
    core: Venv, tmp_path: Path
) -> None:
    result = core.run("juspay-contract", "--help", cwd=tmp_path)

    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert 'pip install "./juspay-customers[contract]" (a clone;' in line
