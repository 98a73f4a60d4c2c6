"""The wheel's file list: what any installer unpacks (issue 8, case 2)."""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath


def test_every_package_in_the_wheel_carries_its_py_typed_marker(wheel: Path) -> None:
    names = {PurePosixPath(name) for name in zipfile.ZipFile(wheel).namelist()}
    packages = {name.parent for name in names if name.name == "__init__.py"}
    top_level = {package for package in packages if len(package.parts) == 1}

    assert {"juspay_customers", "juspay_customers_client", "juspay_mock"} <= {
        package.name for package in top_level
    }
    assert {package for package in top_level if package / "py.typed" not in names} == set()
