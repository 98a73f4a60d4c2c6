"""The `juspay-mock` console command, run as a merchant would run it."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from juspay_mock._cli import main, parse_args

from tests.mock.cli_helpers import free_port, start
from tests.mock.conftest import assert_error_shape, exchange


@pytest.fixture
def served() -> Iterator[str]:
    """`juspay-mock` with one key from the command line and one from the environment."""
    port = free_port()
    env = {"JUSPAY_MOCK_API_KEYS": "env_key_1, env_key_2"}
    process, url = start(
        "--port", str(port), "--api-key", "cli_key", "--merchant-id", "m1", env=env
    )
    try:
        assert url == f"http://127.0.0.1:{port}"
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
    monkeypatch.setenv("JUSPAY_MOCK_API_KEYS", "a, b")

    args = parse_args([])

    assert (args.host, args.port, args.api_keys, args.merchant_id) == (
        "127.0.0.1",
        8080,
        ["a", "b"],
        None,
    )


# The modules of the `mock` extra (pyproject.toml), made unimportable.
WITHOUT_THE_EXTRA = """
import sys
for name in ("starlette", "uvicorn", "httptools", "uvloop", "jsonschema_rs", "orjson", "yaml"):
    sys.modules[name] = None
from juspay_mock._cli import main
main(sys.argv[1:])
"""


@pytest.mark.parametrize("args", [[], ["--api-key", "k"], ["--help"]], ids=["bare", "key", "help"])
def test_without_the_extra_the_command_names_it_in_one_line(args: list[str]) -> None:
    """issue 8 case 3: `juspay-mock` installed without `[mock]` raised ModuleNotFoundError."""
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_THE_EXTRA, *args], capture_output=True, text=True
    )

    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert 'pip install "./juspay-customers[mock]" (a clone; or the wheel' in result.stderr


def run_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """`main(args)`, which must exit 2 with one line on stderr and nothing on stdout."""
    with pytest.raises(SystemExit) as exited:
        main(args)
    out, err = capsys.readouterr()
    assert exited.value.code == 2
    assert out == ""
    assert len(err.splitlines()) == 1, err
    return err


def test_a_port_in_use_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """issue 8 case 20: it printed "serving on …", then exited 3."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        err = run_main(["--port", str(port), "--api-key", "k"], capsys)

    assert f"cannot listen on 127.0.0.1 port {port}" in err


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--port", "99999"], "", "argument --port: '99999' is not a port"),
        (["--port", "-1"], "", "argument --port"),
        (["--port", "²"], "", "argument --port"),
        (["--api-key", ""], "", "an API key cannot be empty"),
        ([], "a,,b", "JUSPAY_MOCK_API_KEYS item 2 is empty"),
        ([], "a,", "JUSPAY_MOCK_API_KEYS item 2 is empty"),
        (["--api-key", "a:b"], "", "api_keys[0] contains ':'"),
        (["--merchant-id", ""], "", "merchant_id must be printable ASCII"),
        (["--max-header-size", "0"], "", "argument --max-header-size"),
        (["--journal-size", "9223372036854775808"], "", "not a whole number in 0-1000000"),
        (["--request-timeout", "nan"], "", "argument --request-timeout"),
        (["--keep-alive-timeout", "inf"], "", "argument --keep-alive-timeout"),
        (["--max-connections", "1.5"], "", "argument --max-connections"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(
    args: list[str],
    env: str,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """issue 8 case 20: `--port 99999` printed "serving" and hung; `--api-key ''` was taken."""
    monkeypatch.setenv("JUSPAY_MOCK_API_KEYS", env)
    if not env and "--api-key" not in args:
        args = [*args, "--api-key", "k"]

    err = run_main(args, capsys)

    assert message in err
    assert err.startswith("juspay-mock: error: ")


def test_an_empty_key_variable_is_named_as_set_but_empty(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """QA 4: `JUSPAY_MOCK_API_KEYS=''` was told "(or set JUSPAY_MOCK_API_KEYS)"."""
    monkeypatch.setenv("JUSPAY_MOCK_API_KEYS", "")

    err = run_main([], capsys)

    assert "give at least one --api-key (JUSPAY_MOCK_API_KEYS is set but empty)" in err


def test_port_0_prints_the_port_it_got() -> None:
    """issue 8 case 20: `--port 0` printed `:0`."""
    process, url = start("--port", "0", "--api-key", "k")
    try:
        port = int(url.rpartition(":")[2])
        assert port != 0
        assert httpx.get(f"{url}/customers/x", auth=("k", "")).status_code == 404
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)


def test_the_limit_flags_reach_the_server() -> None:
    process, url = start("--port", "0", "--api-key", "k", "--max-header-size", "1024")
    try:
        host, _, port = url.removeprefix("http://").rpartition(":")
        request = b"GET /customers/x HTTP/1.1\r\nX-Padding: " + b"a" * 2000 + b"\r\n\r\n"
        response = exchange((host, int(port)), request)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)

    assert response is not None
    assert response.status == 431
    assert_error_shape(response)


def test_sigterm_stops_promptly_although_a_delayed_answer_is_pending() -> None:
    """issue 8 case 21: a pending `delay` fault kept the process alive after SIGTERM."""
    process, url = start("--port", "0", "--api-key", "k")
    outcome: list[object] = []

    def wait_for_answer() -> None:
        try:
            outcome.append(httpx.get(f"{url}/customers/x", auth=("k", ""), timeout=60))
        except httpx.TransportError as error:
            outcome.append(error)

    try:
        faults = httpx.post(f"{url}/_mock/faults", json={"delay": 60}, auth=("k", ""))
        assert faults.status_code == 204
        waiter = threading.Thread(target=wait_for_answer)
        waiter.start()
        time.sleep(0.3)  # the request is being held
        process.send_signal(signal.SIGTERM)
        returncode = process.wait(timeout=15)  # not the 60 s the answer is delayed by
        waiter.join(timeout=15)
    finally:
        process.kill()
        process.wait()

    assert returncode in {0, -signal.SIGTERM}
    assert len(outcome) == 1
    assert isinstance(outcome[0], httpx.RemoteProtocolError)


def test_the_admin_token_from_the_environment_works_and_is_never_printed() -> None:
    """issue 11: global controls need the admin token, which no output may show."""
    token = "admin-token-1f6e"
    process, url = start("--port", "0", "--api-key", "k", env={"JUSPAY_MOCK_ADMIN_TOKEN": token})
    try:
        httpx.get(f"{url}/customers/x", auth=("k", ""))
        bearer = {"Authorization": f"Bearer {token}"}
        seen = httpx.get(f"{url}/_mock/requests", headers=bearer).json()["requests"]
        wrong = httpx.post(f"{url}/_mock/reset", headers={"Authorization": "Bearer nope"})
        reset = httpx.post(f"{url}/_mock/reset", headers=bearer)
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)

    assert [entry["path"] for entry in seen] == ["/customers/x", "/customers/x"]
    assert wrong.status_code == 401
    assert reset.status_code == 204
    assert token not in out + err


def test_journal_size_0_keeps_no_journal() -> None:
    process, url = start("--port", "0", "--api-key", "k", "--journal-size", "0")
    try:
        httpx.get(f"{url}/customers/x", auth=("k", ""))
        journal = httpx.get(f"{url}/_mock/requests", auth=("k", "")).json()["requests"]
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)

    assert journal == []


@pytest.mark.parametrize("size", ["-1", "x", "1.5"])
def test_a_journal_size_that_is_no_count_is_one_line(
    size: str, capsys: pytest.CaptureFixture[str]
) -> None:
    message = run_main(["--api-key", "k", "--journal-size", size], capsys)

    assert "--journal-size" in message
