"""Servers under test, each in its own process on 127.0.0.1: the mock, Stoplight Prism, WireMock.

Also a throw-away `redis-server` for the mock's Redis store.
"""

from __future__ import annotations

import base64
import functools
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "openapi" / "juspay-customers.yaml"
CACHE = ROOT / "benchmarks" / ".cache" / "node_modules"  # npm's, filled by `make bench`
PRISM = CACHE / ".bin" / "prism"
WIREMOCK_JARS = CACHE / "wiremock" / "build"  # the npm package `wiremock` carries the jar
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


def wiremock_jar() -> Path | None:
    """WireMock standalone's jar, if `make bench` could install it."""
    jars = sorted(WIREMOCK_JARS.glob("wiremock-standalone-*.jar"))
    return jars[-1] if jars else None


def wiremock_command() -> list[str] | None:
    """How to start WireMock standalone: `java -jar`, if both are installed."""
    jar = wiremock_jar()
    java = shutil.which("java")
    return [java, "-jar", str(jar)] if jar is not None and java is not None else None


def wiremock_version() -> str:
    """WireMock's version, from its jar's name ("3.13.2"); "" when it is not installed."""
    jar = wiremock_jar()
    return "" if jar is None else jar.stem.removeprefix("wiremock-standalone-")


def mock_command() -> list[str]:
    """The mock's own console script, as users run it (`make mock`); the API key comes from
    `JUSPAY_MOCK_API_KEYS` (see `serve`), never the command line."""
    script = Path(sys.executable).with_name("juspay-mock")
    return [str(script) if script.exists() else "juspay-mock"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def split_cores() -> tuple[frozenset[int], frozenset[int]] | None:
    """One core for the servers and the others for the load generator, where there are two
    or more (Linux): pinned, neither steals the other's core, and side-by-side rounds of two
    servers differ by a few per cent, not the 10 % and more of rounds left to the scheduler."""
    if not hasattr(os, "sched_getaffinity"):
        return None
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return None
    return frozenset(cores[:1]), frozenset(cores[1:])


def pin(cores: frozenset[int] | None) -> Callable[[], None] | None:
    """A `preexec_fn` keeping the started process on `cores` (None: anywhere)."""
    if cores is None:
        return None
    return functools.partial(os.sched_setaffinity, 0, cores)


@contextmanager
def serve(name: str, *options: str, cores: frozenset[int] | None = None) -> Iterator[Server]:
    """Launch `name` ("mock", "prism" or "wiremock") on a free loopback port, with `options`
    added to its command line (the mock's `--store URL`, WireMock's `--root-dir DIR`), kept
    on `cores` if given; stop it on exit."""
    port = free_port()
    environment = dict(os.environ)
    if name == "mock":
        command = [*mock_command(), "--host", "127.0.0.1", "--port", str(port)]
        environment["JUSPAY_MOCK_API_KEYS"] = API_KEY
    elif name == "wiremock":
        wiremock = wiremock_command()
        if wiremock is None:
            raise RuntimeError("WireMock is not installed (make bench installs it: npm and java)")
        # WireMock's best showing for stateless stubs: no request journal, no logging, and
        # answers with a Content-Length (its default is chunked).
        command = [
            *wiremock,
            "--bind-address",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-request-journal",
            "--disable-request-logging",
            "--disable-banner",
            "--use-chunked-encoding",
            "never",
        ]
    else:
        prism = prism_command()
        if prism is None:
            raise RuntimeError("Prism is not installed (make bench installs it when npm exists)")
        # Prism's best showing: request logging off.
        command = [*prism, "mock", "-h", "127.0.0.1", "-p", str(port), "-v", "silent", str(SPEC)]
    with tempfile.TemporaryFile() as log:
        launched = time.perf_counter()
        process = subprocess.Popen(
            [*command, *options],
            stdout=subprocess.DEVNULL,
            stderr=log,
            env=environment,
            start_new_session=True,
            preexec_fn=pin(cores),
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


@contextmanager
def redis_server(directory: Path) -> Iterator[str]:
    """Debian's `redis-server` on a free loopback port, keeping nothing on disk; yields its
    `redis://` URL for the mock's `--store`."""
    program = shutil.which("redis-server")
    if program is None:
        raise RuntimeError("redis-server is not installed (make bench installs it: root, apt)")
    port = free_port()
    command = [program, "--bind", "127.0.0.1", "--port", str(port), "--save", ""]
    command += ["--appendonly", "no", "--dir", str(directory)]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        deadline = time.perf_counter() + START_TIMEOUT
        while not _accepts(port):
            if process.poll() is not None or time.perf_counter() > deadline:
                raise RuntimeError(f"redis-server did not start on port {port}")
            time.sleep(0.01)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop(process)


def _accepts(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def have(program: str) -> bool:
    return shutil.which(program) is not None
