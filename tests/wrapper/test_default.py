"""The module-level facade (`Customers`, `configure`) and the Elixir page's examples."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import juspay_customers
import pytest
from juspay_customers import Customers, Juspay, RawResponse

from tests.conftest import ROOT
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
    with pytest.raises(RuntimeError):  # httpx refuses requests on a closed client
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
