"""The `juspay-mock` console command, run as a merchant would run it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from juspay_mock._cli import parse_args

COMMAND = Path(sys.executable).with_name("juspay-mock")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def served() -> Iterator[str]:
    """`juspay-mock` with one key from the command line and one from the environment."""
    port = free_port()
    env = {**os.environ, "JUSPAY_MOCK_API_KEYS": "env_key_1, env_key_2"}
    args = [str(COMMAND), "--port", str(port), "--api-key", "cli_key", "--merchant-id", "m1"]
    process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == f"juspay-mock: serving on {url}"
        deadline = time.monotonic() + 20
        while True:  # wait until it accepts connections
            try:
                httpx.get(url)
                break
            except httpx.ConnectError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.05)
        yield url
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0


def test_the_command_serves_every_key_it_was_given(served: str) -> None:
    data = {"object_reference_id": "cli_user", "mobile_number": "9988776655"}
    for key in ("cli_key", "env_key_1", "env_key_2"):
        response = httpx.post(f"{served}/customers", data=data, auth=(key, ""))
        assert response.status_code == 200, key
    merchant = httpx.get(
        f"{served}/customers/cli_user", auth=("cli_key", ""), headers={"x-merchantid": "m2"}
    )
    assert merchant.status_code == 401
    assert httpx.get(f"{served}/customers/cli_user", auth=("other", "")).status_code == 401


def test_the_command_needs_a_key(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("JUSPAY_MOCK_API_KEYS", raising=False)

    with pytest.raises(SystemExit):
        parse_args([])

    assert "give at least one --api-key" in capsys.readouterr().err


def test_defaults_are_loopback_and_8080(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUSPAY_MOCK_API_KEYS", "a,,b")

    args = parse_args([])

    assert (args.host, args.port, args.api_keys, args.merchant_id) == (
        "127.0.0.1",
        8080,
        ["a", "b"],
        None,
    )
