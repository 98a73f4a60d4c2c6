"""Running `juspay-mock` as a merchant would, for the tests that need a real process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx

COMMAND = Path(sys.executable).with_name("juspay-mock")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start(*args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], str]:
    """`juspay-mock ARGS` and the URL it printed; fails unless it serves at once after."""
    process = subprocess.Popen(
        [str(COMMAND), *args],
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    assert line.startswith("juspay-mock: serving on http://"), process.communicate()
    url = line.removeprefix("juspay-mock: serving on ")
    # Printed only once listening: the first attempt connects, with no retry.
    httpx.get(f"{url}/customers/x", timeout=5)
    return process, url
