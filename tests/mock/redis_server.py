"""A throw-away `redis-server` on a free loopback port, for the tests of the Redis store.

Debian's `redis-server` (`make redis-server` installs it where it can); where it is missing,
the tests that need it skip, saying so (in CI, where `make test` installs it, they fail).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.mock.cli_helpers import free_port

REDIS_SERVER = shutil.which("redis-server")
MISSING = (
    "redis-server is not installed and could not be (make redis-server installs Debian's"
    " package as root with apt)"
)


@contextmanager
def redis_server(directory: Path) -> Iterator[str]:
    """A Redis server, no persistence, on 127.0.0.1; yields its `redis://` URL."""
    with redis_process(directory) as (url, _):
        yield url


@contextmanager
def redis_process(directory: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`redis_server`, with its process (to stop it, as a hung Redis)."""
    if REDIS_SERVER is None:
        if os.environ.get("CI"):  # CI's make test installs it: missing there is a failure
            pytest.fail(MISSING)
        pytest.skip(MISSING)
    port = free_port()
    process = subprocess.Popen(
        [
            REDIS_SERVER,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(directory),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}/0", process
    finally:
        process.terminate()
        process.wait(timeout=10)
