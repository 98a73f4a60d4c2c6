"""Start-up: importing the facade against importing httpx, and the mock's launch to first answer."""

from __future__ import annotations

import functools
import subprocess
import sys
import time
from collections.abc import Callable

from ._measure import Comparison, alternate
from ._servers import serve

IMPORTS = {
    "import juspay_customers": "import juspay_customers",
    "from juspay_customers import Juspay": "from juspay_customers import Juspay",
    "import httpx": "import httpx",
}


def _interpreter_run(statement: str) -> Callable[[], float]:
    """A contender: seconds for a fresh interpreter to run `statement` and exit."""

    def run() -> float:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", statement], check=True, timeout=60)
        return time.perf_counter() - started

    return run


def imports(rounds: int) -> Comparison:
    """Each import in a fresh interpreter, side by side."""
    return alternate({name: _interpreter_run(code) for name, code in IMPORTS.items()}, rounds)


def _launch(name: str) -> float:
    with serve(name) as server:
        return server.started_in


def server_start(rounds: int, with_prism: bool = True) -> Comparison:
    """Seconds from launching each server process to its first answered request."""
    names = ("mock", "prism") if with_prism else ("mock",)
    return alternate({name: functools.partial(_launch, name) for name in names}, rounds)
