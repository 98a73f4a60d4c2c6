"""The package as users get it: the wheel, built once per session, installed into fresh venvs.

`wheel` is the built wheel's path. `venv("mock")` gives a fresh virtual environment holding the
wheel with those extras (none: `venv()`) and pytest, created once per session for each set of
extras; `Venv.run` runs a command in it as an activated shell would, outside this checkout.
Dependencies come from the package registry through pip (and pip's cache), resolved from the
wheel's own metadata as a user's `pip install` resolves them; pytest is pinned to this run's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pytest

from tests.conftest import ROOT

PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
PYTEST = f"pytest=={pytest.__version__}"
# Variables that would let this checkout's own environment leak into a fresh one.
_LEAKY = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "MYPYPATH", "PYTEST_ADDOPTS", "PYTEST_PLUGINS")


def completed(command: list[str]) -> subprocess.CompletedProcess[str]:
    """Run `command`, failing the test with its output unless it exits 0."""
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.fail(
            f"{' '.join(command)} exited {done.returncode}\n{done.stdout}\n{done.stderr}",
            pytrace=False,
        )
    return done


@dataclass(frozen=True)
class Venv:
    """A virtual environment holding the wheel, and `run` to use it."""

    path: Path
    extras: tuple[str, ...]

    @property
    def bin(self) -> Path:
        return self.path / "bin"

    @property
    def python(self) -> Path:
        return self.bin / "python"

    def env(self) -> dict[str, str]:
        """This process's environment with the venv activated instead of the checkout's."""
        checkout_bin = str(Path(sys.prefix, "bin"))
        path = [entry for entry in os.environ["PATH"].split(os.pathsep) if entry != checkout_bin]
        env = {name: value for name, value in os.environ.items() if name not in _LEAKY}
        return {
            **env,
            "PATH": os.pathsep.join([str(self.bin), *path]),
            "VIRTUAL_ENV": str(self.path),
        }

    def run(self, *args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
        """Run `args` in `cwd`, output captured; bare command names are found in the venv first."""
        return subprocess.run(
            [str(arg) for arg in args],
            cwd=cwd,
            env=self.env(),
            capture_output=True,
            text=True,
            check=False,
        )


class VenvFactory(Protocol):
    def __call__(self, *extras: str) -> Venv: ...


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from this checkout, as `pip wheel .` builds it (PEP 517, hatchling)."""
    out = tmp_path_factory.mktemp("wheel")
    completed([*PIP, "wheel", "--no-deps", "--no-build-isolation", "-w", str(out), str(ROOT)])
    (built,) = out.glob("*.whl")
    return built


@pytest.fixture(scope="session")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> VenvFactory:
    """`venv(*extras)`: the session's fresh venv with the wheel and those extras, plus pytest."""
    made: dict[tuple[str, ...], Venv] = {}

    def make(*extras: str) -> Venv:
        key = tuple(sorted(extras))
        if key not in made:
            path = tmp_path_factory.mktemp("venv-" + "-".join(("core", *key)))
            # Without its own pip: this checkout's pip installs into it (--python), which saves
            # seconds per venv and changes nothing the package sees.
            completed([sys.executable, "-m", "venv", "--without-pip", str(path)])
            requirement = f"{wheel}[{','.join(key)}]" if key else str(wheel)
            python = path / "bin" / "python"
            completed([*PIP, "--python", str(python), "install", requirement, PYTEST])
            made[key] = Venv(path, key)
        return made[key]

    return make
