"""`juspay-contract run` checks every option, the key and the report folder before the first
request: anything wrong is one line on stderr and exit 2, and nothing is sent or written.
Checked in process (`main(argv)`), against a URL where nothing listens: a check that let an
option through would end in a run's verdict (unreachable, exit 4), not in exit 2."""

from __future__ import annotations

import math
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from juspay_contract import ExitCode, OptionError, RunOptions, Secret
from juspay_contract._cli import EXTRA, _parser, _unknown_allowances, main

from tests.conftest import ROOT
from tests.contract.support import API_KEY

PASSWORD = "PASSW0RDXYZ"
NOWHERE = "http://127.0.0.1:1"


def usage_error(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> str:
    """Run `juspay-contract ARGV` in process; assert exit 2 in one line, return that line."""
    monkeypatch.setenv("JUSPAY_API_KEY", API_KEY)
    with pytest.raises(SystemExit) as exited:
        main(argv)
    out, err = capsys.readouterr()
    assert exited.value.code == ExitCode.USAGE, out + err
    assert out == ""
    (line,) = err.splitlines()
    return line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--url", f"http://alice:{PASSWORD}@127.0.0.1:1"], "--url: must not carry user info"),
        (["--url", "http://alice@127.0.0.1:1"], "--url: must not carry user info"),
        (["--url", f"ftp://alice:{PASSWORD}@h"], "--url: must not carry user info"),
        (["--url", f"{NOWHERE}/?key={PASSWORD}"], "--url: must not carry a query"),
        (["--url", f"{NOWHERE}#{PASSWORD}"], "--url: must not carry a query (?...) or a fragment"),
        (["--url", "127.0.0.1:8080"], "--url: must be http(s)://host[:port]"),
        (["--url", "http://h:99999"], "--url: must be http(s)://host[:port]"),
        (["--request-timeout", "0"], "--request-timeout: must be a number of seconds above 0"),
        (["--request-timeout", "-1"], "--request-timeout: must be a number of seconds above 0"),
        (["--request-timeout", "nan"], "--request-timeout: must be a number of seconds above 0"),
        (["--request-timeout", "inf"], "--request-timeout: must be a number of seconds above 0"),
        (["--request-timeout", "1e12"], "--request-timeout: must be a number of seconds above 0"),
        (["--request-timeout", "soon"], "argument --request-timeout: invalid float value"),
        (["--merchant-id", "m\n"], "--merchant-id: must be one or more visible ASCII"),
        (["--merchant-id", "m\r\nx-evil: 1"], "--merchant-id: must be one or more visible ASCII"),
        (["--merchant-id", ""], "--merchant-id: must be one or more visible ASCII"),
        (["--merchant-id", "my merchant"], "--merchant-id: must be one or more visible ASCII"),
        (["--merchant-id", "mérchant"], "--merchant-id: must be one or more visible ASCII"),
        (["--max-examples", "0"], "--max-examples: must be a whole number of at least 1, not 0"),
        (["--max-examples", "-1"], "--max-examples: must be a whole number of at least 1, not -1"),
        (["--max-examples", "many"], "argument --max-examples: invalid int value"),
        (["--seed", "1.5"], "argument --seed: invalid int value"),
        (["--phases", "bogus"], "--phases: bogus: phases are examples, coverage, fuzzing"),
        (["--phases", "examples,smoke"], "--phases: smoke: phases are"),
        (["--phases", ","], "--phases: none or repeated: phases are"),
        (["--phases", "examples,examples"], "--phases: none or repeated: phases are"),
        (["--include-operation-id", "unknownOp"], "no operation has the operationId 'unknownOp'"),
        (["--include-operation-id", "deleteCustomer"], "the spec's are createCustomer, getCust"),
        (["--allow-unobserved", "junk"], "--allow-unobserved: 'junk' names no documented status"),
        (["--allow-unobserved", ""], "--allow-unobserved: '' names no documented status"),
        (["--allow-unobserved", "createCustomer:"], "'createCustomer:' names no documented"),
        (["--allow-unobserved", "unknownOp:403"], "'unknownOp:403' names no documented"),
        (["--allow-unobserved", "418"], "'418' names no documented status or link"),
        (["--api-key-file", "/nonexistent"], "--api-key-file: cannot read /nonexistent"),
        (["--api-key-file", "/"], "--api-key-file: cannot read /: Is a directory"),
    ],
)
def test_a_bad_option_is_one_line_and_exit_2_before_any_request(
    args: list[str],
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    argv = ["run", "--url", NOWHERE, "--report-dir", str(tmp_path / "reports"), *args]

    line = usage_error(argv, capsys, monkeypatch)

    assert message in line
    assert PASSWORD not in line
    assert not (tmp_path / "reports").exists() or not any((tmp_path / "reports").iterdir())


def test_an_empty_or_unreadable_key_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty"
    empty.write_text(" \n")
    binary = tmp_path / "binary"
    binary.write_bytes(b"\xff\xfe")
    for key_file, message in ((empty, "is empty"), (binary, "cannot read")):
        argv = ["run", "--url", NOWHERE, "--api-key-file", str(key_file)]
        assert message in usage_error(argv, capsys, monkeypatch)


@pytest.mark.parametrize("kind", ["a file", "under a file", "holding a coverage.md folder"])
def test_a_report_folder_that_cannot_take_the_reports_is_refused_first(
    kind: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    afile = tmp_path / "afile"
    afile.write_text("keep me")
    folder = {"a file": afile, "under a file": afile / "reports"}.get(kind, tmp_path / "r")
    if kind == "holding a coverage.md folder":
        (folder / "coverage.md").mkdir(parents=True)

    line = usage_error(["run", "--url", NOWHERE, "--report-dir", str(folder)], capsys, monkeypatch)

    assert line.startswith(
        f"juspay-contract: error: --report-dir: cannot write reports in {folder}: "
    )
    assert afile.read_text() == "keep me"


def test_a_missing_report_folder_is_created_before_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUSPAY_API_KEY", API_KEY)
    reports = tmp_path / "a" / "b"

    code = main(["run", "--url", NOWHERE, "--report-dir", str(reports)])

    assert code == ExitCode.UNREACHABLE, capsys.readouterr()
    assert {path.name for path in reports.iterdir()} == {"coverage.md", "junit.xml"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("url", "http://u:p@h"),
        ("url", "http://h?q"),
        ("merchant_id", "m\n"),
        ("max_examples", 0),
        ("max_examples", True),
        ("seed", 1.5),
        ("phases", ()),
        ("phases", ("smoke",)),
        ("operation_ids", ("unknownOp",)),
        ("request_timeout", 0),
        ("request_timeout", math.nan),
        ("request_timeout", math.inf),
    ],
)
def test_run_options_refuse_what_cannot_run_naming_the_field(field: str, value: object) -> None:
    with pytest.raises(OptionError) as raised:
        RunOptions(Secret(API_KEY), **{field: value})  # type: ignore[arg-type]

    assert raised.value.field == field
    assert isinstance(raised.value, ValueError)


def test_documented_statuses_and_links_are_allowances() -> None:
    allowances = ["403", "4XX", "createCustomer:403", "GetCreatedCustomer", "getCustomer:404"]

    assert _unknown_allowances([a for a in allowances if a != "4XX"]) is None
    assert _unknown_allowances(["4XX"]) is not None  # the spec documents no 4XX range


@pytest.mark.parametrize(
    ("blocked", "args"), [("schemathesis", ["--help"]), ("yaml", ["run", "--url", NOWHERE])]
)
def test_without_the_extra_one_line_says_what_to_install(blocked: str, args: list[str]) -> None:
    # The extra's modules made unimportable, as in an install without `[contract]`.
    program = (
        f"import sys; sys.modules[{blocked!r}] = None\n"
        "from juspay_contract._cli import main\n"
        f"sys.exit(main({args!r}))\n"
    )
    env = {**os.environ, "JUSPAY_API_KEY": API_KEY}

    done = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )

    assert done.returncode == ExitCode.USAGE, done.stderr
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line == (
        f"juspay-contract: error: juspay-contract needs its extra: {EXTRA} ({blocked} is missing)"
    )


def test_the_readme_shows_a_pasteable_command_and_lists_every_option() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Contract tests\n")[1].split("\n## ")[0]
    block = section.split("```sh\n")[1].split("```")[0]
    commands = [shlex.split(line, comments=True) for line in block.splitlines()]
    parser = _parser()
    run_parser = parser._subparsers._group_actions[0].choices["run"]  # type: ignore[union-attr]
    for command in commands:
        assert not any(word.startswith("[") for word in command), command
        if command[:2] == ["juspay-contract", "run"]:
            run_parser.parse_args(command[2:])  # exits 2 on anything it does not take
    options = {
        option
        for action in run_parser._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    }
    listed = set(re.findall(r"^- `(--[a-z-]+)", section, flags=re.MULTILINE))
    assert listed == options
