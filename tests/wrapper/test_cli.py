"""The `juspay-customers` command end to end against the mock: JSON out, exit codes, errors."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from juspay_customers._cli import main

from tests.wrapper.conftest import ELIXIR_CREATE

COMMAND = Path(sys.executable).with_name("juspay-customers")


@pytest.fixture
def key_file(juspay_mock: Any, tmp_path: Path) -> Path:
    """The mock's key in a file, as --api-key-file reads it (first line, stripped)."""
    path = tmp_path / "api-key"
    path.write_text(f"  {juspay_mock.api_key}  \nsecond line ignored\n", encoding="utf-8")
    return path


@pytest.fixture
def cli(juspay_mock: Any, key_file: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    """Run the command in process: (exit status, parsed stdout or None, stderr)."""

    def run(*args: str) -> tuple[int, Any, str]:
        status = main(["--api-key-file", str(key_file), "--base-url", juspay_mock.base_url, *args])
        out, err = capsys.readouterr()
        return status, json.loads(out) if out else None, err

    return run


def test_create_with_flags_then_get_then_update_with_json(cli: Any) -> None:
    status, created, err = cli(
        "create", "--object-reference-id", "guest_user", "--mobile-number", "9988776655",
        "--email-address", "customer@mail.com", "--first-name", "John",
    )  # fmt: skip
    assert (status, err) == (0, "")
    assert created["object_reference_id"] == "guest_user"
    assert created["id"].startswith("cst_")

    status, fetched, _ = cli("get", created["id"], "--get-client-auth-token")
    assert status == 0
    assert fetched["juspay"]["client_auth_token"].startswith("tkn_")

    status, updated, _ = cli(
        "update", "guest_user", "--json", '{"customer_email": "new@mail.com"}', "--last-name", "Doe"
    )
    assert status == 0
    assert (updated["email_address"], updated["last_name"]) == ("new@mail.com", "Doe")
    assert updated["id"] == created["id"]


def test_values_starting_with_a_dash_pass_as_flag_equals_or_after_double_dash(cli: Any) -> None:
    """The spec's object_reference_id may start with `-`; argparse needs it spelled so."""
    status, created, err = cli(
        "create", "--object-reference-id=-dash", "--mobile-number", "99887766"
    )  # fmt: skip
    assert (status, err) == (0, "")
    status, updated, _ = cli("update", "--first-name", "Jo", "--", "-dash")
    assert (status, updated["id"], updated["first_name"]) == (0, created["id"], "Jo")


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["get", "--help"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("usage: juspay-customers get")
    assert err == ""


def test_create_reads_json_from_stdin(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(ELIXIR_CREATE)))
    status, created, _ = cli("create", "--json", "-")
    assert status == 0
    assert {key: created[key] for key in ELIXIR_CREATE} == ELIXIR_CREATE


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["get", "nobody_here"], 1, "NotFoundError: HTTP 404 object_not_found: Customer not found"),
        (["update", "guest_user"], 2, "invalid input: params: must contain at least 1 of"),
        # usage errors too are one line; a value starting with "-" is hinted
        (["create", "--object-reference-id", "-dash", "--mobile-number", "99887766"], 2,
         "invalid input: argument --object-reference-id: expected one argument; a value "
         "starting with '-' goes as --flag=VALUE, an id after --"),
        (["get", "-dash"], 2, "invalid input: the following arguments are required: customer_id;"),
        (["get", "guest_user", "extra"], 2,
         "invalid input: unrecognized arguments: 1 (not shown: one may be a key)"),
        (["update", "guest_user", "--frist-name", "Jo"], 2,
         "invalid input: unrecognized arguments: 2 (not shown: one may be a key);"
         " did you mean --first-name?"),
        # QA 5: a field both as a flag and in --json was sent with the flag's value
        (["create", "--object-reference-id", "g8", "--mobile-number", "9988776655",
          "--json", '{"mobile_number": "9988776656"}'], 2,
         "invalid input: mobile_number: given more than once"),
        (["update", "guest_user", "--first-name", "X", "--json", '{"first_name": "B"}'], 2,
         "invalid input: first_name: given more than once"),
        (["update", "guest_user", "--email-address", "a@b.co", "--json",
          '{"customer_email": "c@d.co"}'], 2,
         "invalid input: email_address: given more than once"),
        (["create", "--json", "{"], 2, "invalid input: --json: is not valid JSON"),
        (["create", "--json", "[1]"], 2, "invalid input: --json: must be a JSON object"),
        (["create", "--json", '{"nick": "x"}'], 2, "invalid input: nick: unknown field for create"),
        # QA 4: no RecursionError traceback, no silently kept last value
        (["create", "--json", "[" * 100_000], 2, "invalid input: --json: is nested too deeply"),
        (["create", "--json", '{"a": ' * 100_000], 2, "invalid input: --json: is nested too"),
        (["create", "--json", '{"mobile_number":"1","mobile_number":"2"}'], 2,
         "invalid input: --json: mobile_number is given more than once"),
        (["update", "guest_user", "--json", '{"first_name": {"x": 1, "x": 2}}'], 2,
         "invalid input: --json: x is given more than once"),
        (["--max-retries", "101", "get", "guest_user"], 2,
         "invalid input: max_retries: must be a whole number from 0 to 100"),
    ],
)  # fmt: skip
def test_errors_are_one_line_and_an_exit_status(
    cli: Any, args: list[str], status: int, message: str
) -> None:
    code, out, err = cli(*args)
    assert (code, out) == (status, None)
    assert err.startswith(f"juspay-customers: {message}")
    assert err.count("\n") == 1


def test_the_installed_command_runs_with_the_key_from_the_environment(juspay_mock: Any) -> None:
    env = {**os.environ, "JUSPAY_API_KEY": juspay_mock.api_key, "JUSPAY_LOG": "debug"}
    create = [str(COMMAND), "--base-url", juspay_mock.base_url, "create", "--json", "-"]
    result = subprocess.run(
        create, input=json.dumps(ELIXIR_CREATE), env=env, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["mobile_number"] == "9988776655"
    assert "POST /customers -> 200" in result.stderr
    assert "9988776655" not in result.stderr
    assert juspay_mock.api_key not in result.stderr

    env["JUSPAY_API_KEY"] = "wrong_key"
    result = subprocess.run(
        create, input="{}", env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 2  # nothing was sent: the input was checked first
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--merchant-id", "merchant_1\n", "get", "guest_user"], "merchant_id: cannot be sent"),
        (["get", "jo.doe@mail.com\n"], "customer_id: must match"),
        (["update", "..", "--first-name", "Jo"], "customer_id: must not be one of ['.', '..']"),
        (["create", "--object-reference-id", "a\x00", "--mobile-number", "9988776655"],
         "object_reference_id: must match"),
        (["create", "--object-reference-id", "a", "--mobile-number", "+91 99887"],
         "mobile_number: must match"),
        (["--timeout", "nan", "get", "guest_user"], "timeout: must be seconds"),
        (["--max-retries", "-1", "get", "guest_user"], "max_retries: must be a whole number"),
    ],
)  # fmt: skip
def test_input_that_cannot_be_sent_exits_2_with_one_line(
    cli: Any, juspay_mock: Any, args: list[str], message: str
) -> None:
    """issue 8 cases 6, 8 and 14: the CLI maps these ParameterErrors to exit status 2."""
    code, out, err = cli(*args)
    assert (code, out) == (2, None)
    assert err.startswith(f"juspay-customers: invalid input: {message}")
    assert err.count("\n") == 1


def test_a_non_ascii_id_reaches_the_server_which_decides(cli: Any) -> None:
    """issue 8 case 7: no traceback; the id travels percent-encoded, the mock refuses it."""
    code, out, err = cli("get", "josé_1")
    assert (code, out) == (1, None)
    assert re.match(
        r"juspay-customers: (InvalidRequestError: HTTP 400|NotFoundError: HTTP 404)", err
    )
    assert err.count("\n") == 1


# --- QA 3: the API key never on the command line ---

SECRET = "sk_live_on_the_command_line"


@pytest.mark.parametrize(
    "argv",
    [
        ["--apikey=sk_live_SECRET1", "get", "guest_user"],
        ["--api_key", "sk_live_SECRET1", "get", "guest_user"],
        ["--api_key=sk_live_SECRET1", "get", "guest_user"],
        ["--api-keys=sk_live_SECRET1", "get", "guest_user"],
        ["--key=sk_live_SECRET1", "get", "guest_user"],
        ["--api=sk_live_SECRET1", "get", "guest_user"],
        ["get", "guest_user", "--apikey", "sk_live_SECRET1"],
        ["get", "guest_user", "sk_live_SECRET1"],
        # A re-check: argparse's other messages that quote a value.
        ["--timeout=sk_live_SECRET1", "get", "guest_user"],
        ["--max-retries", "sk_live_SECRET1", "get", "guest_user"],
        ["get", "guest_user", "-ksk_live_SECRET1"],
        ["get", "guest_user", "--apikey:sk_live_SECRET1"],
        ["get", "guest_user", "--get-client-auth-token=sk_live_SECRET1"],
        ["get", "guest_user", "--sk_live_SECRET1"],  # a second re-check: a key as an option
    ],
)
def test_a_misspelt_key_flag_is_refused_without_echoing_the_key(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """QA 5: argparse's own messages quoted the key (`unrecognized arguments:
    --apikey=sk_live_...`, `invalid choice: 'sk_live_...'`) on stderr and into CI logs."""
    status = main(argv)

    out, err = capsys.readouterr()
    assert status == 2
    assert err.startswith("juspay-customers: invalid input: ")
    assert "SECRET1" not in out + err
    assert err.count("\n") == 1


def test_a_closed_stdout_after_the_call_exits_141_with_no_traceback(
    juspay_mock: Any, key_file: Path
) -> None:
    """QA 5: `juspay-customers get r1 | true` printed a BrokenPipeError traceback and exited 1,
    the status of a failed call, though the call was done (a script might retry a create)."""
    command = [str(COMMAND), "--api-key-file", str(key_file), "--base-url", juspay_mock.base_url]
    args = ["create", "--object-reference-id", "piped", "--mobile-number", "9988776655"]
    reader, writer = os.pipe()
    os.close(reader)  # nobody reads: the first write fails
    try:
        result = subprocess.run([*command, *args], stdout=writer, stderr=subprocess.PIPE, text=True)
    finally:
        os.close(writer)

    assert result.returncode == 141
    assert result.stderr == ""
    assert juspay_mock.customer("piped") is not None  # it was done, once


def run_installed(
    juspay_mock: Any, key_file: Path, *args: str, closing: int | None = None, **options: Any
) -> subprocess.CompletedProcess[str]:
    """The installed command against the mock; with `closing`, that file descriptor (0, 1, 2)
    is closed before it starts."""
    command = [str(COMMAND), "--api-key-file", str(key_file), "--base-url", juspay_mock.base_url]
    return subprocess.run(
        [*command, *args],
        capture_output="stdout" not in options,
        text=True,
        preexec_fn=None if closing is None else (lambda: os.close(closing)),
        **options,
    )


CREATE = ["create", "--object-reference-id", "written", "--mobile-number", "9988776655"]


def test_output_that_cannot_be_written_after_the_call_exits_141(
    juspay_mock: Any, key_file: Path
) -> None:
    """A re-check (QA 5): a full disk (`> /dev/full`) gave a traceback and exit 1, a failed
    call's status, after a create that was done; stdout closed from the start gave exit 0."""
    with open("/dev/full", "w") as full:
        result = run_installed(juspay_mock, key_file, *CREATE, stdout=full, stderr=subprocess.PIPE)
    assert (result.returncode, result.stderr) == (141, "")

    result = run_installed(
        juspay_mock, key_file, "get", "written", closing=1, stdout=None, stderr=subprocess.PIPE
    )
    assert (result.returncode, result.stderr) == (141, "")


def test_json_from_a_closed_stdin_is_bad_input(juspay_mock: Any, key_file: Path) -> None:
    """A re-check (QA 5): `--json - <&-` gave an AttributeError traceback and exit 1."""
    result = run_installed(juspay_mock, key_file, "create", "--json", "-", closing=0)

    assert result.returncode == 2
    assert (
        result.stderr == "juspay-customers: invalid input: --json: - reads stdin, which is closed\n"
    )
    assert juspay_mock.requests() == []


def test_an_error_with_stderr_closed_never_goes_to_stdout(juspay_mock: Any, key_file: Path) -> None:
    """A re-check (QA 5): with stderr closed, `print(file=sys.stderr)` fell back to stdout,
    where a script reads the customer's JSON."""
    result = run_installed(
        juspay_mock, key_file, "get", "nobody", closing=2, stdout=subprocess.PIPE, stderr=None
    )

    assert (result.returncode, result.stdout) == (1, "")


@pytest.mark.parametrize(
    "args",
    [
        ["--api-key", SECRET, "get", "guest_user"],
        [f"--api-key={SECRET}", "get", "guest_user"],
        ["--base-url", "http://127.0.0.1:9", "--api-key", SECRET, "get", "guest_user"],
    ],
)
def test_an_api_key_argument_is_refused_without_echoing_it(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("juspay-customers: invalid input: --api-key: ")
    assert "--api-key-file" in err
    assert err.count("\n") == 1
    assert SECRET not in err


def test_the_installed_command_refuses_api_key_and_reads_a_key_file(
    juspay_mock: Any, key_file: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "JUSPAY_API_KEY"}
    base = [str(COMMAND), "--base-url", juspay_mock.base_url]
    refused = subprocess.run(
        [*base, "--api-key", SECRET, "get", "guest_user"], env=env, capture_output=True,
        text=True, timeout=60, check=False,
    )  # fmt: skip
    assert (refused.returncode, refused.stdout) == (2, "")
    assert SECRET not in refused.stderr
    assert refused.stderr.count("\n") == 1

    created = subprocess.run(
        [*base, "--api-key-file", str(key_file), "create", "--json", "-"],
        input=json.dumps(ELIXIR_CREATE), env=env, capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["object_reference_id"] == "guest_user"


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "--api-key-file: cannot be read"), ("\nkey\n", "--api-key-file: its first line")],
)
def test_an_unusable_key_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    path = tmp_path / "key"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert main(["--api-key-file", str(path), "get", "guest_user"]) == 2
    _, err = capsys.readouterr()
    assert err.startswith(f"juspay-customers: invalid input: {message}")
    assert err.count("\n") == 1
