"""`make check-generated` catches a spec change until `make generate` is run, covers both
generated parts (the low-level package and the facade's typed module), and regenerating is
byte-for-byte reproducible."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

VENV = Path(sys.prefix)
FACADE_MODULE = Path("wrapper/juspay_customers/_generated.py")


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
    shutil.copytree(ROOT / "codegen", tmp_path / "codegen")
    (tmp_path / FACADE_MODULE).parent.mkdir(parents=True)
    shutil.copy2(ROOT / FACADE_MODULE, tmp_path / FACADE_MODULE)
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


def test_check_generated_covers_the_facade_module(checkout: Path) -> None:
    module = checkout / FACADE_MODULE
    module.write_text(module.read_text().replace("mobile_number: Required[str]", "x: str"))
    failed = make(checkout, "check-generated")
    assert failed.returncode != 0
    assert "mobile_number: Required[str]" in failed.stdout
    assert "make generate" in failed.stderr
    assert make(checkout, "generate").returncode == 0
    assert (checkout / FACADE_MODULE).read_bytes() == (ROOT / FACADE_MODULE).read_bytes()


def test_a_spec_field_named_like_the_per_call_keyword_stops_generation(checkout: Path) -> None:
    spec = checkout / "openapi" / "juspay-customers.yaml"
    anchor = (
        '        mobile_country_code:\n          $ref: "#/components/schemas/MobileCountryCode"\n'
    )
    spec.write_text(
        spec.read_text().replace(
            anchor, anchor + "        request_options:\n          type: string\n"
        )
    )
    failed = make(checkout, "generate")
    assert failed.returncode != 0
    assert "request_options" in failed.stderr
    assert "per-call keyword" in failed.stderr


def test_generating_twice_gives_identical_bytes(checkout: Path) -> None:
    package = checkout / "generated" / "juspay_customers_client"
    assert make(checkout, "generate").returncode == 0
    first = tree(package), (checkout / FACADE_MODULE).read_bytes()
    assert make(checkout, "generate").returncode == 0
    assert (tree(package), (checkout / FACADE_MODULE).read_bytes()) == first
    assert first[0] == tree(ROOT / "generated" / "juspay_customers_client")
    assert first[1] == (ROOT / FACADE_MODULE).read_bytes()
