"""`pip install "juspay-customers[contract]"`: `juspay-contract` from the wheel, nothing else.

The suite runs from a fresh virtual environment holding the wheel and `[contract]` only, in a
folder outside this checkout, against `juspay-mock` served from another fresh environment
(the wheel with `[mock]`): the mock passes, and a mock started with another key fails with the
credentials verdict.
"""

from __future__ import annotations

import socket
import subprocess
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.conftest import SPEC_PATH
from tests.packaging.conftest import Venv, VenvFactory

KEY = "wheel_contract_key"
STARTUP_TIMEOUT = 30.0


@pytest.fixture(scope="module")
def with_contract(venv: VenvFactory) -> Venv:
    return venv("contract")


@pytest.fixture(scope="module")
def with_mock(venv: VenvFactory) -> Venv:
    return venv("mock")


@contextmanager
def juspay_mock(venv: Venv, api_key: str, cwd: Path) -> Iterator[str]:
    """`juspay-mock --api-key KEY` from `venv` on a free loopback port; yields its URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [venv.bin / "juspay-mock", "--port", str(port), "--api-key", api_key],
        cwd=cwd,
        env=venv.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"juspay-mock did not start (exit {server.poll()})")
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def contract_run(venv: Venv, url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    key_file = cwd / "api-key"
    key_file.write_text(KEY)
    return venv.run(
        *("juspay-contract", "run", "--url", url, "--api-key-file", key_file),
        *("--max-examples", "3", "--report-dir", cwd / "reports"),
        cwd=cwd,
    )


def test_the_wheel_ships_the_spec_inside_the_contract_package(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        shipped = archive.read("juspay_contract/openapi/juspay-customers.yaml")

    assert shipped == SPEC_PATH.read_bytes()


def test_the_installed_suite_passes_the_installed_mock(
    with_contract: Venv, with_mock: Venv, tmp_path: Path
) -> None:
    with juspay_mock(with_mock, KEY, tmp_path) as url:
        result = contract_run(with_contract, url, tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith("juspay-contract: passed (exit 0): ")
    assert {path.name for path in (tmp_path / "reports").iterdir()} == {"coverage.md", "junit.xml"}


def test_the_installed_suite_fails_a_mock_with_another_key_for_that_reason(
    with_contract: Venv, with_mock: Venv, tmp_path: Path
) -> None:
    with juspay_mock(with_mock, "another_key", tmp_path) as url:
        result = contract_run(with_contract, url, tmp_path)

    assert result.returncode == 3, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith(
        "juspay-contract: credentials rejected (exit 3): the server rejected the credentials on "
        "every operation"
    )


def test_prove_without_the_mock_says_which_extra_it_needs(
    with_contract: Venv, tmp_path: Path
) -> None:
    result = with_contract.run("juspay-contract", "prove", cwd=tmp_path)

    assert result.returncode == 2, result.stdout + result.stderr
    assert 'pip install "./juspay-customers[contract,mock]"' in result.stderr


def test_prove_from_the_wheel_catches_a_variant(venv: VenvFactory, tmp_path: Path) -> None:
    both = venv("contract", "mock")

    result = both.run(
        *("juspay-contract", "prove", "--variant", "loses_concurrent_creates"),
        *("--max-examples", "3"),
        cwd=tmp_path,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "loses_concurrent_creates -> concurrent_creates_are_kept" in result.stdout
