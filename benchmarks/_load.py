"""Concurrent HTTP load from separate processes: wrk where installed, else Python workers."""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import random
import secrets
import shutil
import statistics
import subprocess
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from ._servers import pin

WRK_SCRIPT = Path(__file__).with_name("load.lua")
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Load:
    """What to send: `op` ("get", "create", "update") and how many connections, for how long."""

    op: str
    authorization: str
    customer_id: str = "none"
    id_count: int = 1  # > 1: each get or update picks customer_id + a random 8-digit suffix
    tag: str = "bench"  # prefix of created object_reference_ids (each run adds its own part)
    connections: int = 16
    seconds: float = 3.0
    cores: frozenset[int] | None = None  # where the generator runs (None: anywhere)


@dataclass(frozen=True)
class LoadResult:
    """Answered requests, of which non-2xx, transport errors, and latency percentiles."""

    tool: str
    requests: int
    seconds: float
    non2xx: int
    errors: int
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def generator() -> str:
    """The load generator this machine has."""
    return "wrk" if shutil.which("wrk") else "python"


def run_load(base_url: str, load: Load) -> LoadResult:
    return run_wrk(base_url, load) if generator() == "wrk" else run_python(base_url, load)


def _fresh(load: Load) -> Load:
    """`load` with a tag no other run has: a server keeps every customer a create load makes,
    so a second run of the same load would otherwise be answered 400 `unique` throughout."""
    return replace(load, tag=f"{load.tag}_{secrets.token_hex(8)}")


def run_wrk(base_url: str, load: Load) -> LoadResult:
    load = _fresh(load)
    cores = len(load.cores) if load.cores else (os.cpu_count() or 2) // 2
    threads = max(1, min(load.connections, cores))
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{load.connections}",
        f"-d{max(1, round(load.seconds))}s",
        "--timeout=5s",
        f"-s{WRK_SCRIPT}",
        base_url,
        "--",
        load.op,
        load.authorization,
        load.customer_id,
        str(load.id_count),
        load.tag,
    ]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=True,
        timeout=load.seconds + 60,
        preexec_fn=pin(load.cores),
    )
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    return LoadResult(tool="wrk", **summary)


def request_for(load: Load, worker: int, n: int) -> tuple[str, str, str | None]:
    """Method, path and form body of request `n` of `worker`: the same requests as load.lua."""
    if load.op == "create":
        reference = f"{load.tag}_{worker}_{n}"
        return "POST", "/customers", f"object_reference_id={reference}&mobile_number=9988776655"
    customer_id = load.customer_id
    if load.id_count > 1:
        customer_id += f"{random.randrange(load.id_count):08d}"
    if load.op == "update":
        return "POST", f"/customers/{customer_id}", f"first_name=Bench{n}"
    return "GET", f"/customers/{customer_id}", None


def run_python(base_url: str, load: Load) -> LoadResult:
    """The fallback generator: worker processes, each with threads on keep-alive connections."""
    load = _fresh(load)
    processes = max(1, min(load.connections, len(load.cores or ()) or os.cpu_count() or 1))
    shares = [
        load.connections // processes + (i < load.connections % processes) for i in range(processes)
    ]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(processes, context, pin(load.cores)) as pool:
        futures = [
            pool.submit(_python_worker, base_url, load, index, share)
            for index, share in enumerate(shares)
        ]
        outcomes = [future.result(timeout=load.seconds + 60) for future in futures]
    latencies = sorted(ms for latency, _, _, _ in outcomes for ms in latency)
    seconds = max(elapsed for _, elapsed, _, _ in outcomes)
    return LoadResult(
        tool="python",
        requests=len(latencies),
        seconds=seconds,
        non2xx=sum(non2xx for _, _, non2xx, _ in outcomes),
        errors=sum(errors for _, _, _, errors in outcomes),
        p50_ms=statistics.median(latencies) if latencies else 0.0,
        p99_ms=latencies[int(len(latencies) * 0.99)] if latencies else 0.0,
    )


def _python_worker(
    base_url: str, load: Load, process: int, connections: int
) -> tuple[list[float], float, int, int]:
    """One process's share: latencies (ms), seconds, non-2xx and error counts."""
    url = urlsplit(base_url)
    latencies: list[float] = []
    counts = [0, 0]  # non-2xx, errors
    lock = threading.Lock()
    started = time.perf_counter()
    deadline = started + load.seconds

    def connection_loop(worker: int) -> None:
        connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=5)
        headers = {"Authorization": load.authorization, "Content-Type": FORM}
        mine: list[float] = []
        n = 0
        while time.perf_counter() < deadline:
            n += 1
            method, path, body = request_for(load, worker, n)
            sent = time.perf_counter()
            try:
                connection.request(method, path, body, headers)
                response = connection.getresponse()
                response.read()
            except OSError:
                connection.close()
                with lock:
                    counts[1] += 1
                continue
            mine.append((time.perf_counter() - sent) * 1000)
            if not 200 <= response.status < 300:
                with lock:
                    counts[0] += 1
        connection.close()
        with lock:
            latencies.extend(mine)

    workers = [
        threading.Thread(target=connection_loop, args=(process * 1000 + i,))
        for i in range(connections)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return latencies, time.perf_counter() - started, counts[0], counts[1]
