"""`juspay-contract run` against servers on loopback: the mock passes; each kind of failure
gets its own exit code and a one-line reason.

Every run is the full suite (all phases, all built-in checks and ours, positive and negative
data), in schemathesis's deterministic mode so findings reproduce.
"""

from __future__ import annotations

import re
import socket
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from juspay_contract import ExitCode, RunOptions, Secret, judge, run_contract
from juspay_contract.variants import BROKEN_VARIANTS
from juspay_mock import MockServer
from starlette.types import Receive, Scope, Send

from tests.contract.support import (
    API_KEY,
    MAX_EXAMPLES,
    OPERATIONS,
    VariantServer,
    juspay_contract,
)


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def verdict_line(output: str) -> str:
    return output.strip().splitlines()[-1]


def test_the_cli_passes_the_mock_covering_all_but_the_403_it_cannot_provoke(
    tmp_path: Path,
) -> None:
    with MockServer(api_keys=[API_KEY]) as server:
        done = juspay_contract(
            *("run", "--url", server.base_url, "--max-examples", str(MAX_EXAMPLES)),
            *("--fail-on-uncovered", "--allow-unobserved", "403", "--report-dir", str(tmp_path)),
        )

    assert done.returncode == ExitCode.PASSED, done.stdout + done.stderr
    assert verdict_line(done.stdout).startswith("juspay-contract: passed (exit 0): ")
    report = ET.parse(tmp_path / "junit.xml").getroot()  # noqa: S314 (our own report)
    assert report.get("failures") == "0"
    assert {case.get("name") for case in report.iter("testcase")} >= OPERATIONS
    coverage = (tmp_path / "coverage.md").read_text()
    never = coverage.split("## Never observed\n\n")[1].split("\n\n")[0].splitlines()
    assert sorted(never) == sorted(
        f"- {label}: documented 403 never observed (allowed)" for label in OPERATIONS
    )
    assert "## Findings\n\nNone." in coverage


def test_a_finding_fails_the_run_with_the_check_and_a_reproduction(tmp_path: Path) -> None:
    (variant,) = (v for v in BROKEN_VARIANTS if v.name == "answers_undocumented_field")
    with VariantServer(variant) as server:
        done = juspay_contract(
            "run", "--url", server.base_url, "--max-examples", "3", "--report-dir", str(tmp_path)
        )

    assert done.returncode == ExitCode.FINDINGS, done.stdout + done.stderr
    assert verdict_line(done.stdout).startswith("juspay-contract: findings (exit 1): "), done.stdout
    assert "no_undocumented_fields x" in verdict_line(done.stdout)
    assert "body.loyalty_tier" in done.stdout
    assert re.search(r"reproduce: curl .*-H 'Authorization: \[Filtered\]'", done.stdout)
    report = ET.parse(tmp_path / "junit.xml").getroot()  # noqa: S314 (our own report)
    assert int(report.get("failures", "0")) > 0


def test_a_key_the_server_rejects_everywhere_fails_with_the_credentials_reason(
    tmp_path: Path,
) -> None:
    key_file = tmp_path / "key"
    key_file.write_text("wrong_key\n")
    with MockServer(api_keys=[API_KEY]) as server:
        done = juspay_contract(
            *("run", "--url", server.base_url, "--max-examples", "3"),
            *("--api-key-file", str(key_file), "--report-dir", str(tmp_path / "reports")),
        )

    assert done.returncode == ExitCode.CREDENTIALS_REJECTED, done.stdout + done.stderr
    assert re.fullmatch(
        r"juspay-contract: credentials rejected \(exit 3\): the server rejected the credentials "
        r"on every operation: all \d+ requests were answered 401 or 403 "
        r"\(check the key and --merchant-id\)",
        verdict_line(done.stdout),
    ), done.stdout


def test_a_server_that_does_not_answer_is_unreachable(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"

    done = juspay_contract("run", "--url", url, "--report-dir", str(tmp_path))

    assert done.returncode == ExitCode.UNREACHABLE, done.stdout + done.stderr
    assert verdict_line(done.stdout).startswith(
        f"juspay-contract: unreachable (exit 4): no answer from {url}: ConnectError"
    )


@pytest.mark.parametrize(
    ("args", "api_key", "message"),
    [
        (("run", "--url", "http://127.0.0.1:1"), None, "no API key: set JUSPAY_API_KEY"),
        (("run", "--url", "127.0.0.1:8080"), API_KEY, "--url: must be http(s)://host[:port]"),
        (("run", "--api-key", "sk_argv", "--url", "http://h"), API_KEY, "never an argument"),
        (("run", "--api-key=sk_argv", "--url", "http://h"), API_KEY, "never an argument"),
        (("prove", "--variant", "nonsense"), API_KEY, "no variant named nonsense"),
    ],
)
def test_usage_errors_exit_2_naming_the_option(
    args: tuple[str, ...], api_key: str | None, message: str
) -> None:
    done = juspay_contract(*args, api_key=api_key)

    assert done.returncode == ExitCode.USAGE, done.stdout + done.stderr
    assert message in done.stderr
    assert done.stdout == ""
    assert "sk_argv" not in done.stderr  # a key given as an argument is not repeated


async def rejects_everything(scope: Scope, receive: Receive, send: Send) -> None:
    """An ASGI server that answers 401 or 403 to any request, whatever it carries."""
    if scope["type"] != "http":
        return
    status = 403 if scope["method"] == "GET" else 401
    body = b'{"status": "error", "error_code": "access_denied", "error_message": "no"}'
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def test_every_answer_401_or_403_is_rejected_credentials_whatever_the_requests_carried() -> None:
    run = run_contract(
        RunOptions(Secret(API_KEY), max_examples=2, phases=("examples",)),
        app=rejects_everything,
    )

    verdict = judge(run)

    assert verdict.code == ExitCode.CREDENTIALS_REJECTED, verdict
    # Counted: every answer to each operation's own method, the checks' probes without our
    # key too (the verdict does not depend on which Authorization went out).
    counted = sum(sum(tally.values()) for tally in run.answers.values())
    assert f"all {counted} requests were answered 401 or 403" in verdict.reason
    assert {status for tally in run.answers.values() for status in tally} == {401, 403}


def test_a_url_with_a_password_is_refused_and_never_repeated(tmp_path: Path) -> None:
    with MockServer(api_keys=[API_KEY]) as server:
        url = server.base_url.replace("http://", "http://alice:PASSW0RDXYZ@")
        done = juspay_contract("run", "--url", url, "--report-dir", str(tmp_path / "reports"))

    assert done.returncode == ExitCode.USAGE, done.stdout + done.stderr
    assert "PASSW0RDXYZ" not in done.stdout + done.stderr
    assert done.stderr.startswith("juspay-contract: error: --url: must not carry user info")
    assert not (tmp_path / "reports").exists()
