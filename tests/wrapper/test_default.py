"""The module-level facade (`Customers`, `configure`) and the Elixir page's examples."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import juspay_customers
import pytest
from juspay_customers import APIConnectionError, Customers, Juspay, ParameterError, RawResponse
from juspay_customers._default import default_client

from tests.conftest import ROOT
from tests.spec.test_spec import ELIXIR_RESPONSES
from tests.wrapper.conftest import ELIXIR_CREATE


@pytest.fixture
def configured(juspay_mock: Any) -> Iterator[Juspay]:
    client = juspay_customers.configure(api_key=juspay_mock.api_key, base_url=juspay_mock.base_url)
    yield client
    client.close()


def test_customers_uses_the_configured_client(configured: Juspay) -> None:
    created = Customers.create(ELIXIR_CREATE)
    assert Customers.get([("customer_id", "guest_user")]) == created
    assert Customers.update("guest_user", first_name="Jo").first_name == "Jo"
    raw = Customers.with_raw_response.get(created.id)
    assert isinstance(raw, RawResponse)
    assert raw.parse().first_name == "Jo"


def test_configure_replaces_and_closes_the_previous_client(
    juspay_mock: Any, configured: Juspay, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUSPAY_API_KEY", juspay_mock.api_key)
    monkeypatch.setenv("JUSPAY_BASE_URL", juspay_mock.base_url)
    from_env = juspay_customers.configure(max_retries=0)  # the rest from JUSPAY_*

    assert (from_env.base_url, from_env.max_retries) == (juspay_mock.base_url, 0)
    assert Customers.create(ELIXIR_CREATE).object_reference_id == "guest_user"
    with pytest.raises(APIConnectionError, match="not sent: the client is closed"):
        configured.customers.get("guest_user")
    from_env.close()


def test_import_is_light_until_a_client_is_used() -> None:
    code = (
        "import sys, juspay_customers;"
        "print('httpx' in sys.modules, juspay_customers.Juspay.__name__, 'asyncio' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.split() == ["False", "Juspay", "False"]


def test_the_elixir_examples_run_against_the_bundled_mock() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUSPAY_")}
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "elixir_customers.py"), "--mock"],
        capture_output=True, text=True, check=False, timeout=120, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    labels = re.findall(r"^# Customers\.(\w+) \((.+)\)$", result.stdout, flags=re.MULTILINE)
    assert labels == [
        (call, form) for call in ("create", "get", "update") for form in ("map", "keyword list")
    ]
    bodies = [json.loads(b) for b in re.split(r"^# .*$", result.stdout, flags=re.MULTILINE)[1:]]
    created, _, fetched, _, updated, _ = bodies
    assert fetched == created
    assert {k: created[k] for k in ELIXIR_CREATE} == ELIXIR_CREATE
    assert updated["id"] == created["id"]
    assert (updated["mobile_number"], updated["first_name"]) == ("9988776688", "udpate_firstname")


def test_configure_while_other_threads_call_customers(juspay_mock: Any) -> None:
    """issue 8 case 15: 37 of 400 calls raised `RuntimeError: ... the client has been
    closed`. Calls in flight finish on the client they started on; each replaced client
    is closed once its last call is done."""
    settings = {"api_key": juspay_mock.api_key, "base_url": juspay_mock.base_url}
    juspay_mock.seed([ELIXIR_RESPONSES["get"]])
    made = [juspay_customers.configure(**settings)]
    failures: list[BaseException] = []
    found: list[str] = []
    running = threading.Event()

    def call_many() -> None:
        running.set()
        for turn in range(100):
            try:
                if turn % 2:
                    found.append(Customers.get("guest_user").object_reference_id)
                else:
                    raw = Customers.with_raw_response.get("guest_user")
                    found.append(raw.parse().object_reference_id)
            except Exception as error:  # every failure is the finding
                failures.append(error)

    workers = [threading.Thread(target=call_many) for _ in range(4)]
    for worker in workers:
        worker.start()
    running.wait(timeout=30)
    while any(worker.is_alive() for worker in workers) and len(made) < 200:
        made.append(juspay_customers.configure(**settings))
        time.sleep(0.002)
    for worker in workers:
        worker.join(timeout=60)

    assert failures == []
    assert found == ["guest_user"] * 400
    assert len(made) > 2  # clients were replaced while calls ran
    *replaced, current = made
    assert all(client._http.is_closed for client in replaced)  # none leaked
    assert not current._http.is_closed
    current.close()


def test_a_call_in_flight_finishes_on_the_client_it_started_on(juspay_mock: Any) -> None:
    """issue 8 case 15: the replaced client stays open until its call is answered."""
    settings = {"api_key": juspay_mock.api_key, "base_url": juspay_mock.base_url}
    juspay_mock.seed([ELIXIR_RESPONSES["get"]])
    first = juspay_customers.configure(**settings)
    juspay_mock.inject(delay=1.0, method="GET")
    result: list[Any] = []
    slow = threading.Thread(target=lambda: result.append(Customers.get("guest_user")))
    slow.start()
    time.sleep(0.3)  # the get is now waiting for the mock's delayed answer

    second = juspay_customers.configure(**settings)
    assert not first._http.is_closed  # its call is still running
    slow.join(timeout=30)

    assert [customer.object_reference_id for customer in result] == ["guest_user"]
    assert first._http.is_closed
    assert Customers.get("guest_user").object_reference_id == "guest_user"  # on `second`
    second.close()


def test_configure_from_many_threads_leaves_one_default_and_closes_the_rest(
    juspay_mock: Any,
) -> None:
    settings = {"api_key": juspay_mock.api_key, "base_url": juspay_mock.base_url}
    made: list[Juspay] = []
    lock = threading.Lock()

    def configure_some() -> None:
        for _ in range(10):
            client = juspay_customers.configure(**settings)
            with lock:
                made.append(client)

    threads = [threading.Thread(target=configure_some) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    open_clients = [client for client in made if not client._http.is_closed]
    assert len(made) == 40
    assert len(open_clients) == 1
    (current,) = open_clients
    assert default_client() is current
    current.close()


def test_bad_settings_leave_the_default_client_as_it_was(configured: Juspay) -> None:
    with pytest.raises(ParameterError):
        juspay_customers.configure(api_key="key", timeout=float("nan"))
    assert default_client() is configured
