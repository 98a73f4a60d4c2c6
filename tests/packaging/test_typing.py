"""`mypy --strict` on a merchant's script against the installed packages (PEP 561 markers).

mypy runs from this checkout, pointed at the fresh venv's interpreter: it finds the packages
there only through their py.typed markers, and reports `import-untyped` without one.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.packaging.conftest import VenvFactory

CONSUMER = """
from juspay_customers import Juspay
from juspay_customers_client import AuthenticatedClient
from juspay_mock import MockServer


def customer_name(server: MockServer) -> str | None:
    with Juspay(api_key=server.api_key, base_url=server.base_url) as client:
        customer = client.customers.get("x")
        reveal_type(customer)
        return customer.first_name


def low_level(token: str) -> AuthenticatedClient:
    return AuthenticatedClient(base_url="http://127.0.0.1", token=token)
"""


def test_mypy_strict_sees_every_package_typed(venv: VenvFactory, tmp_path: Path) -> None:
    installed = venv("mock")
    (tmp_path / "consumer.py").write_text(CONSUMER)
    (tmp_path / "mypy.ini").write_text("[mypy]\n")  # nothing from this checkout's settings
    command = [sys.executable, "-m", "mypy", "--strict", "--config-file", "mypy.ini"]
    command += ["--python-executable", str(installed.python), "consumer.py"]

    result = subprocess.run(
        command, cwd=tmp_path, env=installed.env(), capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stdout + result.stderr
    (revealed,) = [line for line in result.stdout.splitlines() if "Revealed type" in line]
    assert re.search(r'Revealed type is "juspay_customers\.[\w.]*\bCustomer"$', revealed), revealed
