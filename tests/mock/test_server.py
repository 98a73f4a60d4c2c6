"""MockServer over real loopback HTTP: lifecycle, faults on the wire, concurrency."""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from juspay_mock import MockServer
from juspay_mock._store import open_store

from tests.mock.conftest import API_KEYS, ELIXIR_CREATE


def stamp(moment: datetime) -> str:
    """`moment` as the mock writes timestamps, so that they compare as text."""
    return moment.isoformat()[:19] + "Z"


def test_the_server_serves_on_a_free_loopback_port(server: MockServer, live: httpx.Client) -> None:
    created = live.post("/customers", data=ELIXIR_CREATE).json()

    assert server.base_url.startswith("http://127.0.0.1:")
    assert server.api_key == API_KEYS[0]
    assert live.get(f"/customers/{created['id']}").json() == created


def test_seed_and_reset_act_on_the_running_server(server: MockServer, live: httpx.Client) -> None:
    server.seed([{"object_reference_id": "seeded_1", "mobile_number": "12345"}])
    server.seed([{"object_reference_id": "seeded_2", "mobile_number": "12345"}], API_KEYS[1])

    assert live.get("/customers/seeded_1").status_code == 200
    assert live.get("/customers/seeded_2").status_code == 404
    server.reset()
    assert live.get("/customers/seeded_1").status_code == 404


def test_503_with_retry_after_then_normal_service(server: MockServer, live: httpx.Client) -> None:
    server.inject(status=503, retry_after=2)

    refused = live.post("/customers", data=ELIXIR_CREATE)
    accepted = live.post("/customers", data=ELIXIR_CREATE)

    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "2"
    assert accepted.status_code == 200


def test_a_slow_answer_times_out_a_client_although_the_write_is_stored(
    server: MockServer, live: httpx.Client
) -> None:
    server.inject(delay=2, method="POST")

    with pytest.raises(httpx.ReadTimeout):
        live.post("/customers", data=ELIXIR_CREATE, timeout=0.2)

    assert live.get("/customers/guest_user").status_code == 200


def test_a_delay_below_the_timeout_still_answers(server: MockServer, live: httpx.Client) -> None:
    server.inject(delay=0.05)

    assert live.post("/customers", data=ELIXIR_CREATE).status_code == 200


def test_a_dropped_connection_after_the_write_leaves_the_customer_stored(
    server: MockServer, live: httpx.Client
) -> None:
    server.inject(drop_after_write=True, path="/customers")

    with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
        live.post("/customers", data=ELIXIR_CREATE)

    assert live.get("/customers/guest_user").status_code == 200
    assert live.post("/customers", data=ELIXIR_CREATE).json()["error_code"] == "unique"


def test_faults_injected_over_http_apply_to_the_next_requests(live: httpx.Client) -> None:
    live.post("/_mock/faults", json={"status": 429, "retry_after": 1, "count": 2})

    statuses = [live.get("/customers/guest_user").status_code for _ in range(3)]

    assert statuses == [429, 429, 404]


def test_concurrent_creates_of_one_reference_store_exactly_one(
    server: MockServer, live: httpx.Client
) -> None:
    def create(index: int) -> int:
        data = {**ELIXIR_CREATE, "first_name": f"n{index}"}
        with httpx.Client(base_url=server.base_url, auth=(API_KEYS[0], "")) as client:
            return client.post("/customers", data=data).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(create, range(24)))

    assert sorted(statuses) == [200] + [400] * 23


def test_concurrent_updates_all_land_and_last_updated_stays_behind_the_clock(
    server: MockServer, live: httpx.Client
) -> None:
    """issue 8 case 19: 200 concurrent updates put `last_updated` 3 minutes in the future."""
    created = live.post("/customers", data=ELIXIR_CREATE).json()

    def update_25(worker: int) -> list[tuple[str, str]]:
        answers = []
        with httpx.Client(base_url=server.base_url, auth=(API_KEYS[0], "")) as client:
            for index in range(worker * 25, worker * 25 + 25):
                data = {"first_name": f"n{index}"}
                customer = client.post("/customers/guest_user", data=data).json()
                assert customer["last_updated"] <= stamp(datetime.now(UTC))
                answers.append((customer["first_name"], customer["last_updated"]))
        return answers

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = [answer for batch in pool.map(update_25, range(8)) for answer in batch]

    assert sorted(name for name, _ in answers) == sorted(f"n{i}" for i in range(200))
    final = live.get("/customers/guest_user").json()
    assert created["last_updated"] <= final["last_updated"] <= stamp(datetime.now(UTC))
    assert all(
        created["last_updated"] <= updated <= final["last_updated"] for _, updated in answers
    )


def test_the_server_stops_on_exit_and_refuses_use_after() -> None:
    with MockServer(api_keys=["only"]) as server:
        url = server.base_url
        assert httpx.get(f"{url}/customers/x", auth=("only", "")).status_code == 404

    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/customers/x")
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.base_url


def test_a_store_opened_from_a_url_is_closed_on_exit(tmp_path: Path) -> None:
    """A fixture per test on SQLite must not leak a connection (and a file) per test."""
    with MockServer(api_keys=["only"], store=f"sqlite:///{tmp_path}/mock.db") as server:
        server.seed([{"object_reference_id": "kept", "mobile_number": "12345"}])
    store = server.app.control.state.store

    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        store["only"].bodies()
    with pytest.raises(RuntimeError, match="start a new MockServer"):
        server.start()
    with MockServer(api_keys=["only"], store=f"sqlite:///{tmp_path}/mock.db") as again:
        assert again.customer("kept") is not None


def test_a_store_given_as_an_object_stays_its_owners(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/mock.db", ["only"])
    try:
        with MockServer(api_keys=["only"], store=store) as server:
            server.seed([{"object_reference_id": "kept", "mobile_number": "12345"}])

        assert len(store["only"].bodies()) == 1
        with server:  # and the server can start again
            assert server.customer("kept") is not None
    finally:
        store.close()


def test_answers_are_not_held_back_by_nagle(server: MockServer, live: httpx.Client) -> None:
    # Without TCP_NODELAY each loopback answer waits ~40 ms for a delayed ACK (a 50x slowdown).
    live.get("/customers/guest_user")

    uvicorn_server = server._server
    assert uvicorn_server is not None
    # Earlier tests' connections may still be finishing (a delayed answer to a client gone).
    connections = uvicorn_server.server_state.connections
    assert connections
    for connection in connections:
        sock = connection.transport.get_extra_info("socket")
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def test_stopping_hangs_up_on_a_request_still_being_delayed() -> None:
    outcome: list[BaseException | int] = []

    def wait_for_answer(url: str) -> None:
        try:
            outcome.append(httpx.get(f"{url}/customers/x", auth=("k", ""), timeout=120).status_code)
        except httpx.TransportError as error:
            outcome.append(error)

    with MockServer(api_keys=["k"]) as server:
        server.inject(delay=60)  # the longest a fault may hold an answer
        waiter = threading.Thread(target=wait_for_answer, args=(server.base_url,))
        waiter.start()
        while not server.app.control.faults.is_empty():  # until the request is being delayed
            time.sleep(0.01)
    waiter.join()

    assert len(outcome) == 1
    assert isinstance(outcome[0], httpx.RemoteProtocolError)
