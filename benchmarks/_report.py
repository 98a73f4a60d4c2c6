"""The results table: printed, and written to results.md with the machine and versions."""

from __future__ import annotations

import os
import platform
import subprocess
from collections.abc import Iterable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from ._load import generator
from ._measure import Row
from ._servers import prism_command


def environment() -> list[tuple[str, str]]:
    """What the numbers depend on: date, cores, and the versions of everything measured."""
    packages = (
        "httpx",
        "starlette",
        "uvicorn",
        "httptools",
        "uvloop",
        "requests",
        "jsonschema_rs",
        "orjson",
    )
    return [
        ("date", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("cores (nproc)", str(len(os.sched_getaffinity(0)))),
        ("Python", platform.python_version()),
        *((name, _version(name)) for name in packages),
        ("prism", _output(prism_command(), "--version") or "not installed"),
        ("load generator", _load_generator()),
    ]


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _load_generator() -> str:
    if generator() == "python":
        return "Python multi-process generator (wrk is not installed)"
    return _output(["wrk"], "--version").split(" [")[0] or "wrk"


def _output(command: list[str] | None, *args: str) -> str:
    if command is None:
        return ""
    try:
        done = subprocess.run([*command, *args], capture_output=True, text=True, timeout=60)
    except OSError:
        return ""
    return (
        (done.stdout or done.stderr).strip().splitlines()[0] if done.stdout or done.stderr else ""
    )


def table(rows: Iterable[Row]) -> str:
    """A Markdown table of the rows."""
    lines = [
        "| section | measurement | value | baseline | ratio | target | |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        ratio = "" if row.ratio is None else f"{row.ratio:.3f}x"
        target = "" if row.target is None else str(row.target)
        cells = (row.section, row.what, row.value, row.baseline, ratio, target, row.verdict)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write(path: Path, rows: list[Row], command: str, notes: Iterable[str]) -> str:
    """Write results.md; returns its text."""
    facts = "\n".join(f"- {name}: {value}" for name, value in environment())
    notes_text = "\n".join(f"- {note}" for note in notes)
    text = (
        "# Benchmark results\n\n"
        f"Produced by `{command}`. Ratios compare against a baseline measured in the same run,"
        " side by side (alternating rounds; for the journal and the scale rows, rounds at the"
        " same moments; for the sync client, calls interleaved; medians).\n\n"
        f"{facts}\n\n{table(rows)}\n\n{notes_text}\n"
    )
    path.write_text(text, encoding="utf-8")
    return text
