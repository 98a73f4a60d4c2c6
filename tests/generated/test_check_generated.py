"""`make check-generated` catches a spec change until `make generate` is run, and
regenerating is byte-for-byte reproducible."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

VENV = Path(sys.prefix)


def make(workdir: Path, target: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(workdir), target, f"VENV={VENV}"],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """The parts of the repository that generation reads and writes, copied."""
    for name in ("Makefile", "generator-config.yml", "requirements-dev.txt"):
        shutil.copy2(ROOT / name, tmp_path / name)  # copy2 keeps mtimes: the venv stays fresh
    shutil.copytree(ROOT / "openapi", tmp_path / "openapi")
    shutil.copytree(
        ROOT / "generated", tmp_path / "generated", ignore=shutil.ignore_patterns("__pycache__")
    )
    return tmp_path


def test_check_generated_fails_on_a_spec_change_until_regenerated(checkout: Path) -> None:
    assert make(checkout, "check-generated").returncode == 0

    spec = checkout / "openapi" / "juspay-customers.yaml"
    spec.write_text(
        spec.read_text().replace("summary: Get a customer", "summary: Fetch a customer")
    )
    failed = make(checkout, "check-generated")
    assert failed.returncode != 0
    assert "Fetch a customer" in failed.stdout
    assert "make generate" in failed.stderr

    assert make(checkout, "generate").returncode == 0
    assert make(checkout, "check-generated").returncode == 0


def test_generating_twice_gives_identical_bytes(checkout: Path) -> None:
    package = checkout / "generated" / "juspay_customers_client"
    assert make(checkout, "generate").returncode == 0
    first = tree(package)
    assert make(checkout, "generate").returncode == 0
    assert tree(package) == first
    assert first == tree(ROOT / "generated" / "juspay_customers_client")
