"""The Redis store: processes on one Redis share customers, journal and faults (issue 11)."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest
import redis

from tests.mock.cli_helpers import COMMAND, free_port, start
from tests.mock.redis_server import redis_process, redis_server

AUTH = ("k", "")


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def fresh(redis_url: str) -> str:
    redis.Redis.from_url(redis_url).flushdb()
    return redis_url


@pytest.fixture
def two(fresh: str) -> Iterator[tuple[str, str]]:
    """Two `juspay-mock` processes on one Redis."""
    first, first_url = start("--port", "0", "--api-key", "k", "--store", fresh)
    second, second_url = start("--port", "0", "--api-key", "k", "--store", fresh)
    try:
        yield first_url, second_url
    finally:
        for process in (first, second):
            process.send_signal(signal.SIGINT)
            process.communicate(timeout=20)


def test_a_create_on_one_process_is_read_and_updated_on_the_other(
    two: tuple[str, str],
) -> None:
    one, other = two
    data = {"object_reference_id": "guest_user", "mobile_number": "9988776655"}

    created = httpx.post(f"{one}/customers", data=data, auth=AUTH).json()
    read = httpx.get(f"{other}/customers/{created['id']}", auth=AUTH).json()
    updated = httpx.post(f"{other}/customers/guest_user", data={"first_name": "Jo"}, auth=AUTH)
    read_back = httpx.get(f"{one}/customers/guest_user", auth=AUTH).json()

    assert read == created
    assert updated.status_code == 200
    assert read_back["first_name"] == "Jo"
    assert read_back["id"] == created["id"]
    listed = httpx.get(f"{other}/_mock/customers", auth=AUTH).json()["customers"]
    assert listed == [read_back]


def test_200_racing_creates_of_one_reference_over_two_processes_store_one(
    two: tuple[str, str],
) -> None:
    statuses: list[tuple[int, str]] = []
    lock = threading.Lock()
    go = threading.Event()

    def create(url: str) -> None:
        with httpx.Client(base_url=url, auth=AUTH, timeout=30) as client:
            go.wait()
            for _ in range(20):
                response = client.post(
                    "/customers", data={"object_reference_id": "raced", "mobile_number": "12345"}
                )
                with lock:
                    statuses.append((response.status_code, response.json().get("error_code", "")))

    threads = [threading.Thread(target=create, args=(two[n % 2],)) for n in range(10)]
    for thread in threads:
        thread.start()
    go.set()
    for thread in threads:
        thread.join()

    assert len(statuses) == 200
    assert sum(status == 200 for status, _ in statuses) == 1
    assert sorted(statuses).count((400, "unique")) == 199


def test_a_fault_injected_through_one_process_is_taken_once_by_either(
    two: tuple[str, str],
) -> None:
    one, other = two
    assert (
        httpx.post(f"{one}/_mock/faults", json={"status": 503, "count": 3}, auth=AUTH).status_code
        == 204
    )

    statuses = [
        httpx.get(f"{url}/customers/x", auth=AUTH).status_code for url in (other, one, other, one)
    ]

    assert statuses == [503, 503, 503, 404]


def test_the_shared_journal_and_faults_keep_the_path_as_sent_and_the_query(
    two: tuple[str, str],
) -> None:
    """Through Redis as in memory: a fault on an id holding `/` is met by the request sent as
    `%2F` on the other process, and its journal entry keeps that path and the query."""
    one, other = two
    fault = {"status": 429, "path": "/customers/a/b"}
    assert httpx.post(f"{one}/_mock/faults", json=fault, auth=AUTH).status_code == 204

    answered = httpx.get(f"{other}/customers/a%2Fb?options.get_client_auth_token=true", auth=AUTH)

    assert answered.status_code == 429
    (entry,) = httpx.get(
        f"{one}/_mock/requests", params={"path": "/customers/a/b"}, auth=AUTH
    ).json()["requests"]
    assert (entry["path"], entry["operation_id"]) == ("/customers/a%2Fb", "getCustomer")
    assert entry["query"] == {"options.get_client_auth_token": ["true"]}


def test_the_journal_sees_every_worker(fresh: str) -> None:
    process, url = start("--port", "0", "--api-key", "k", "--store", fresh, "--workers", "2")
    try:

        def get(n: int) -> str:
            # A new connection each: the kernel spreads them over the workers.
            return httpx.get(f"{url}/customers/c{n}", auth=AUTH).headers["x-request-id"]

        ids: list[str] = []
        threads = [threading.Thread(target=lambda n=n: ids.append(get(n))) for n in range(100)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        journal = httpx.get(f"{url}/_mock/requests", auth=AUTH).json()["requests"]
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)

    assert sorted(entry["request_id"] for entry in journal) == sorted(ids)
    workers = {request_id[:8] for request_id in ids}  # each process has its own id prefix
    assert len(workers) == 2


def test_the_shared_journal_keeps_what_json_cannot_carry_and_reads_older_entries(
    two: tuple[str, str], fresh: str
) -> None:
    """A refused body with a lone surrogate is recorded (it was lost, after the answer), and
    an entry written by an older replica, which kept no query, still reads."""
    one, _ = two
    bad = b'{"object_reference_id": "\\ud800", "mobile_number": "12345"}'
    headers = {"content-type": "application/json"}
    assert (
        httpx.post(f"{one}/customers", content=bad, headers=headers, auth=AUTH).status_code == 400
    )
    client = redis.Redis.from_url(fresh)
    (key,) = [k for k in client.keys("*:journal") if b"12345" in b"".join(client.lrange(k, 0, -1))]
    old = [1.0, "GET", "/customers/x", "getCustomer", 404, 0.5, [["host", "h"]], None, "req_old"]
    client.lpush(key, orjson.dumps(old))

    read = httpx.get(f"{one}/_mock/requests", auth=AUTH)

    assert read.status_code == 200
    older, refused = read.json()["requests"]
    assert (older["request_id"], older["query"]) == ("req_old", {})
    assert refused["body"]["object_reference_id"] == "\\ud800"


def _running(pid: int) -> bool:
    """Whether process `pid` exists and has not exited (a zombie waits only to be reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def test_workers_stop_when_their_parent_is_killed(fresh: str) -> None:
    """`kill -9` of the parent leaves no orphan serving on, holding the port."""
    process, url = start("--port", "0", "--api-key", "k", "--store", fresh, "--workers", "2")
    workers = [
        int(pid)
        for pid in Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    ]
    assert len(workers) == 2

    process.kill()
    process.wait(timeout=10)

    deadline = time.monotonic() + 10
    while any(map(_running, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(_running, workers))
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/customers/x", auth=AUTH)


def test_workers_on_one_redis_share_customers(fresh: str) -> None:
    process, url = start("--port", "0", "--api-key", "k", "--store", fresh, "--workers", "3")
    try:
        created = [
            httpx.post(
                f"{url}/customers",
                data={"object_reference_id": f"u{n}", "mobile_number": "12345"},
                auth=AUTH,
            ).json()
            for n in range(30)
        ]
        read = [httpx.get(f"{url}/customers/u{n}", auth=AUTH).json() for n in range(30)]
    finally:
        process.send_signal(signal.SIGTERM)
        returncode = process.wait(timeout=20)

    assert read == created
    assert returncode == 0


@pytest.mark.parametrize("store", [[], ["--store", "memory"], ["--store", "sqlite:///x.db"]])
def test_more_workers_than_one_need_a_shared_store(store: list[str], tmp_path: Path) -> None:
    result = subprocess.run(
        [str(COMMAND), "--api-key", "k", "--workers", "2", *store],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )

    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    assert "--workers 2 needs --store redis://" in result.stderr


def test_an_unreachable_redis_is_one_line_and_exit_2() -> None:
    result = subprocess.run(
        [str(COMMAND), "--api-key", "k", "--store", f"redis://127.0.0.1:{free_port()}/0"],
        capture_output=True,
        text=True,
    )

    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    assert "cannot reach Redis" in result.stderr


def test_a_redis_that_stops_answering_fails_a_request_with_500_then_recovers(
    tmp_path: Path,
) -> None:
    """A hung Redis (stopped with SIGSTOP) fails the request after the URL's `socket_timeout`
    (default 5 s) with the generic 500, not after a client's own 30 s timeout; once Redis
    answers again, so does the mock."""
    from juspay_mock import MockServer

    with (
        redis_process(tmp_path) as (url, process),
        MockServer(["k"], store=f"{url}?socket_timeout=0.5") as server,
    ):
        customers = f"{server.base_url}/customers"
        data = {"object_reference_id": "u", "mobile_number": "12345"}
        assert httpx.post(customers, data=data, auth=AUTH).status_code == 200
        process.send_signal(signal.SIGSTOP)
        try:
            hung = httpx.get(f"{customers}/u", auth=AUTH, timeout=20)
        finally:
            process.send_signal(signal.SIGCONT)
        again = httpx.get(f"{customers}/u", auth=AUTH)

    assert hung.status_code == 500
    assert hung.json()["error_code"] == "internal_server_error"
    assert again.status_code == 200
    assert again.json()["object_reference_id"] == "u"


def test_a_redis_command_waits_5_seconds_by_default_as_the_readme_says(fresh: str) -> None:
    from juspay_mock._redis import connect

    client = connect(fresh)

    assert client.connection_pool.connection_kwargs["socket_timeout"] == 5.0
    client.close()


def test_redis_holds_no_api_key(two: tuple[str, str], fresh: str) -> None:
    one, _ = two
    httpx.post(
        f"{one}/customers", data={"object_reference_id": "u", "mobile_number": "12345"}, auth=AUTH
    )
    client = redis.Redis.from_url(fresh, decode_responses=True)

    keys: list[str] = list(client.keys("*"))  # type: ignore[arg-type]

    assert keys
    assert not any(":k:" in key or key.endswith(":k") for key in keys)


WITHOUT_REDIS = """
import sys
sys.modules["redis"] = None
from juspay_mock._cli import main
main(sys.argv[1:])
"""


def test_without_the_redis_extra_the_store_names_it_in_one_line() -> None:
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_REDIS, "--api-key", "k", "--store", "redis://127.0.0.1/0"],
        capture_output=True,
        text=True,
    )

    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert 'pip install "./juspay-customers[mock,redis]" (a clone;' in result.stderr
