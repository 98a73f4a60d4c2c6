"""The spec ships inside the wheel, and an installed mock reads that copy."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from juspay_mock import load_spec, spec_path

from tests.conftest import ROOT, SPEC_PATH

PROBE = """
import json, juspay_mock
from juspay_mock import create_app, spec_path
create_app(["k"])
print(json.dumps([juspay_mock.__file__, str(spec_path())]))
"""


def test_an_editable_install_reads_the_repository_spec() -> None:
    assert spec_path() == SPEC_PATH
    assert load_spec()["paths"].keys() == {"/customers", "/customers/{customer_id}"}


def test_the_wheel_ships_the_spec_and_its_mock_finds_it(tmp_path: Path) -> None:
    build = [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)]
    subprocess.run(build, cwd=ROOT, check=True, capture_output=True)
    (wheel,) = tmp_path.glob("*.whl")
    installed = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(installed)
        entry_points = archive.read(
            next(n for n in archive.namelist() if n.endswith("entry_points.txt"))
        )

    shipped = installed / "juspay_mock" / "juspay-customers.yaml"
    assert shipped.read_bytes() == SPEC_PATH.read_bytes()
    assert b"juspay-mock = juspay_mock._cli:main" in entry_points
    assert b"juspay_mock = juspay_mock.pytest_plugin" in entry_points
    env = {**os.environ, "PYTHONPATH": str(installed)}
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=tmp_path, env=env, check=True, capture_output=True
    )
    module, found = probe.stdout.decode().strip().strip("[]").replace('"', "").split(", ")
    assert Path(module).is_relative_to(installed)
    assert Path(found) == shipped
