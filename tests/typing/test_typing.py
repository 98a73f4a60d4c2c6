"""The facade's types as a merchant's type checker sees them: `mypy --strict` and basedpyright
(strict) accept every typed form (consumer_ok.py) and report each mistake on its own line
(consumer_wrong.py, lines marked `# wrong`), and no other line."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
OK, WRONG = HERE / "consumer_ok.py", HERE / "consumer_wrong.py"
BASEDPYRIGHT = Path(sys.executable).parent / "basedpyright"


def marked_lines(path: Path) -> set[int]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {number for number, line in enumerate(lines, 1) if line.endswith("# wrong")}


@pytest.fixture(scope="module")
def mypy(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[Path, set[int]], str]:
    """Per file, the lines `mypy --strict` reports errors on; and its output."""
    cache = tmp_path_factory.mktemp("mypy")
    command = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(cache), str(OK)]
    result = subprocess.run(
        [*command, str(WRONG)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    reported: dict[Path, set[int]] = {OK: set(), WRONG: set()}
    for name, line in re.findall(r"^([^:\n]+):(\d+): error:", result.stdout, re.M):
        reported[ROOT / name].add(int(line))
    return reported, result.stdout + result.stderr


@pytest.fixture(scope="module")
def pyright() -> tuple[dict[Path, set[int]], str]:
    """Per file, the lines basedpyright (strict: tests/typing/pyrightconfig.json) reports
    anything on; and its output."""
    command = [str(BASEDPYRIGHT), "--outputjson", "--pythonpath", sys.executable]
    command += ["-p", str(HERE / "pyrightconfig.json"), str(OK), str(WRONG)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    reported: dict[Path, set[int]] = {OK: set(), WRONG: set()}
    for diagnostic in json.loads(result.stdout)["generalDiagnostics"]:
        reported[Path(diagnostic["file"])].add(diagnostic["range"]["start"]["line"] + 1)
    return reported, result.stdout


def test_the_wrong_file_marks_mistakes() -> None:
    assert len(marked_lines(WRONG)) >= 15
    assert marked_lines(OK) == set()


@pytest.mark.parametrize("path", [OK, WRONG], ids=["ok", "wrong"])
def test_mypy_strict_reports_exactly_the_marked_lines(
    mypy: tuple[dict[Path, set[int]], str], path: Path
) -> None:
    reported, output = mypy
    assert reported[path] == marked_lines(path), output


@pytest.mark.parametrize("path", [OK, WRONG], ids=["ok", "wrong"])
def test_basedpyright_reports_exactly_the_marked_lines(
    pyright: tuple[dict[Path, set[int]], str], path: Path
) -> None:
    reported, output = pyright
    assert reported[path] == marked_lines(path), output
