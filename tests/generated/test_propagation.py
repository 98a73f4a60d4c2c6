"""issue 9 case 3: a spec change reaches every layer through `make generate` alone.

Each test works on a copy of the repository (its git-tracked and not-ignored files) in a
temporary folder, changes only `openapi/juspay-customers.yaml` there, runs `make generate`
with this checkout's venv, and then checks the copy: exactly the steps README "Changing the
API" lists. The copy's packages come first on the path (PYTHONPATH, and mypy's mypy_path
from the copy's pyproject), so nothing of this checkout's own code is used.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = Path("openapi/juspay-customers.yaml")
VENV = Path(sys.executable).parent.parent
PACKAGE_DIRS = ("generated", "wrapper", "mock", "contract")

# Run in the changed copy, as the README's "Changing the API" promises: the facade's tests,
# the typing tests, the facade/mock validation parity (now with the new field), and the
# contract suite against the copy's mock, as a user runs it.
COPY_TESTS = (
    "tests/wrapper",
    "tests/typing",
    "tests/generated/test_validation_parity.py",
    "tests/contract/test_run.py::test_the_cli_passes_the_mock_covering_all_but_the_403_it_cannot_"
    "provoke",
)
NEW_FIELD = "        date_of_birth:\n          type: string\n"
# In the Customer, like its other optional fields: "Optional fields may come back `null`".
NEW_CUSTOMER_FIELD = '        date_of_birth:\n          type: [string, "null"]\n'
# Anchors: the last property of the create and update bodies, and of the Customer.
BODY_ANCHOR = (
    '        mobile_country_code:\n          $ref: "#/components/schemas/MobileCountryCode"\n'
)
CUSTOMER_ANCHOR = '        mobile_country_code:\n          type: [string, "null"]\n'
FIRST_NAME_IN_BODIES = '        first_name:\n          $ref: "#/components/schemas/PersonName"\n'
FIRST_NAME_IN_CUSTOMER = '        first_name:\n          type: [string, "null"]\n'

CONSUMER_WITH_NEW_FIELD = """
from typing import reveal_type

from juspay_customers import AsyncJuspay, Juspay


def merchant(juspay: Juspay) -> None:
    created = juspay.customers.create(
        {"object_reference_id": "guest_user", "mobile_number": "9988776655",
         "date_of_birth": "1990-01-31"}
    )
    juspay.customers.create(
        object_reference_id="guest_user", mobile_number="9988776655", date_of_birth="1990-01-31"
    )
    juspay.customers.update("guest_user", {"date_of_birth": "1990-02-01"})
    updated = juspay.customers.update("guest_user", date_of_birth="1990-02-01")
    reveal_type(created.date_of_birth)
    reveal_type(updated.date_of_birth)


async def merchant_async(juspay: AsyncJuspay) -> None:
    customer = await juspay.customers.update("guest_user", date_of_birth="1990-02-01")
    reveal_type(customer.date_of_birth)
"""

MOCK_ROUND_TRIP = """
from juspay_customers import Juspay
from juspay_mock import MockServer

with MockServer() as server, Juspay(server.api_key, base_url=server.base_url) as juspay:
    created = juspay.customers.create(
        object_reference_id="guest_user", mobile_number="9988776655", date_of_birth="1990-01-31"
    )
    assert created.date_of_birth == "1990-01-31", created.to_dict()
    assert server.customer("guest_user")["date_of_birth"] == "1990-01-31"
    updated = juspay.customers.update("guest_user", {"date_of_birth": "1990-02-01"})
    assert updated.date_of_birth == "1990-02-01", updated.to_dict()
    fetched = juspay.customers.get(updated.id)
    assert fetched.date_of_birth == "1990-02-01", fetched.to_dict()
    assert fetched.to_dict()["date_of_birth"] == "1990-02-01"
print("round trip ok")
"""

CONSUMER_OF_FIRST_NAME = """
from juspay_customers import Juspay


def merchant(juspay: Juspay) -> str | None:
    juspay.customers.update("guest_user", first_name="Jo")
    customer = juspay.customers.get("guest_user")
    return customer.first_name
"""


def copy_repository(destination: Path) -> Path:
    """The checkout's tracked and not-ignored files (as a fresh clone plus new files has)."""
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


def changed_copy(tmp: Path, change: Callable[[str], str]) -> Path:
    """A copy whose spec `change` rewrote, after `make generate` there."""
    copy = copy_repository(tmp)
    spec = copy / SPEC
    spec.write_text(change(spec.read_text(encoding="utf-8")), encoding="utf-8")
    run(["make", "--no-print-directory", "generate", f"VENV={VENV}", "-o", f"{VENV}/.tools"], copy)
    return copy


def copy_env(copy: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(str(copy / name) for name in PACKAGE_DIRS)
    env.pop("JUSPAY_API_KEY", None)
    return env


def run(command: list[str], copy: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        command, cwd=copy, env=copy_env(copy), capture_output=True, text=True, check=False
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def mypy(copy: Path, source: str) -> subprocess.CompletedProcess[str]:
    (copy / "consumer.py").write_text(source, encoding="utf-8")
    command = [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "consumer.py"]
    return run(command, copy, check=False)


def add_date_of_birth(spec: str) -> str:
    assert spec.count(BODY_ANCHOR) == 2
    assert spec.count(CUSTOMER_ANCHOR) == 1
    spec = spec.replace(BODY_ANCHOR, BODY_ANCHOR + NEW_FIELD)
    return spec.replace(CUSTOMER_ANCHOR, CUSTOMER_ANCHOR + NEW_CUSTOMER_FIELD)


def remove_first_name(spec: str) -> str:
    assert spec.count(FIRST_NAME_IN_BODIES) == 2
    assert spec.count(FIRST_NAME_IN_CUSTOMER) == 1
    spec = spec.replace(FIRST_NAME_IN_BODIES, "").replace(FIRST_NAME_IN_CUSTOMER, "")
    return spec.replace("        first_name: name\n", "")  # its x-personal-data entry


@pytest.fixture(scope="module")
def with_new_field(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return changed_copy(tmp_path_factory.mktemp("date_of_birth"), add_date_of_birth)


def test_make_generate_alone_changes_the_generated_code(with_new_field: Path) -> None:
    run(["git", "init", "-q"], with_new_field)  # only to diff the two trees
    diff = subprocess.run(
        ["git", "diff", "--no-index", "--name-only", str(ROOT / "generated"), "generated"],
        cwd=with_new_field,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    assert "create_customer_request.py" in diff, diff
    assert "update_customer_request.py" in diff, diff
    assert "/customer.py" in diff, diff
    typed = (with_new_field / "wrapper/juspay_customers/_generated.py").read_text()
    assert typed.count("date_of_birth") >= 5  # create, update, tables and the Customer
    run(
        ["make", "--no-print-directory", "check-generated", f"VENV={VENV}", "-o", f"{VENV}/.tools"],
        with_new_field,
    )


def test_mypy_strict_accepts_the_new_field_in_every_form(with_new_field: Path) -> None:
    result = mypy(with_new_field, CONSUMER_WITH_NEW_FIELD)
    assert result.returncode == 0, result.stdout + result.stderr
    revealed = [line for line in result.stdout.splitlines() if "Revealed type" in line]
    assert len(revealed) == 3
    assert all(line.endswith('Revealed type is "str | None"') for line in revealed), revealed


def test_the_mock_stores_and_returns_the_new_field(with_new_field: Path) -> None:
    result = run([sys.executable, "-c", MOCK_ROUND_TRIP], with_new_field)
    assert "round trip ok" in result.stdout


def test_the_cli_grows_a_flag_for_the_new_field(with_new_field: Path) -> None:
    for command in ("create", "update"):
        shown = run([sys.executable, "-m", "juspay_customers", command, "--help"], with_new_field)
        assert "--date-of-birth" in shown.stdout


def test_the_facade_and_contract_tests_pass_with_the_new_field(with_new_field: Path) -> None:
    command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider"]
    result = run([*command, *COPY_TESTS], with_new_field, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_mypy_rejects_a_field_the_spec_dropped(tmp_path: Path) -> None:
    copy = changed_copy(tmp_path, remove_first_name)
    result = mypy(copy, CONSUMER_OF_FIRST_NAME)
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert result.returncode == 1, result.stdout
    assert {line.split(":")[1] for line in errors} == {"6", "8"}, result.stdout
    assert '"Customer" has no attribute "first_name"' in result.stdout
