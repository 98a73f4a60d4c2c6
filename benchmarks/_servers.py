"""Servers under test, each in its own process on 127.0.0.1: the mock and Stoplight Prism."""

from __future__ import annotations

import base64
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "openapi" / "juspay-customers.yaml"
PRISM = ROOT / "benchmarks" / ".cache" / "node_modules" / ".bin" / "prism"
API_KEY = "bench_key"
AUTHORIZATION = "Basic " + base64.b64encode(f"{API_KEY}:".encode()).decode()
START_TIMEOUT = 60.0
SEED_BATCH = 2500  # customers per /_mock/seed request, well under the mock's 1 MiB body limit


@dataclass
class Server:
    """A running server process and when it first answered."""

    name: str
    process: subprocess.Popen[bytes]
    host: str
    port: int
    started_in: float  # seconds from launch to the first answered request

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def rss_bytes(self) -> int:
        """Resident memory of the server process (Linux /proc)."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
        return int(line.split()[1]) * 1024

    def request(
        self, method: str, path: str, body: bytes | None = None, content_type: str = ""
    ) -> tuple[int, bytes]:
        """One request with the benchmark's API key; the status and body."""
        headers = {"Authorization": AUTHORIZATION}
        if content_type:
            headers["Content-Type"] = content_type
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def seed(self, customers: Sequence[dict[str, Any]]) -> None:
        """Store customers through the mock's control endpoint, in batches."""
        for start in range(0, len(customers), SEED_BATCH):
            batch = {"customers": list(customers[start : start + SEED_BATCH])}
            status, body = self.request(
                "POST", "/_mock/seed", json.dumps(batch).encode(), "application/json"
            )
            if status != 204:
                raise RuntimeError(f"seeding {self.name} failed: {status} {body[:200]!r}")


def prism_command() -> list[str] | None:
    """How to start Prism, if `make bench` could install it."""
    return [str(PRISM)] if PRISM.exists() else None


def mock_command() -> list[str]:
    """The mock's own console script, as users run it (`make mock`)."""
    script = Path(sys.executable).with_name("juspay-mock")
    return [str(script) if script.exists() else "juspay-mock", "--api-key", API_KEY]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serve(name: str) -> Iterator[Server]:
    """Launch `name` ("mock" or "prism") on a free loopback port; stop it on exit."""
    port = free_port()
    if name == "mock":
        command = [*mock_command(), "--host", "127.0.0.1", "--port", str(port)]
    else:
        prism = prism_command()
        if prism is None:
            raise RuntimeError("Prism is not installed (make bench installs it when npm exists)")
        # Prism's best showing: request logging off.
        command = [*prism, "mock", "-h", "127.0.0.1", "-p", str(port), "-v", "silent", str(SPEC)]
    with tempfile.TemporaryFile() as log:
        launched = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True
        )
        try:
            server = Server(name, process, "127.0.0.1", port, 0.0)
            server.started_in = _first_answer(server, launched, log)
            yield server
        finally:
            _stop(process)


def _first_answer(server: Server, launched: float, log: IO[bytes]) -> float:
    """Poll until the server answers an API request; seconds since `launched`."""
    deadline = launched + START_TIMEOUT
    while time.perf_counter() < deadline:
        if server.process.poll() is not None:
            log.seek(0)
            error = log.read().decode(errors="replace")[-500:]
            raise RuntimeError(f"{server.name} exited at start-up: {error}")
        try:
            server.request("GET", "/customers/start_probe")
        except OSError:
            time.sleep(0.005)
            continue
        return time.perf_counter() - launched
    raise RuntimeError(f"{server.name} did not answer within {START_TIMEOUT:.0f} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, 15)  # the whole group: npm's shim may have started node
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()


def have(program: str) -> bool:
    return shutil.which(program) is not None
