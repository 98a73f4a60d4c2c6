"""The API key travels in one place only: the `Authorization` header of the suite's requests.

Not in a generated path, query or body (schemathesis, given the key as Basic credentials,
once sent `GET /customers/<key>`), not in a report or reproduction line, not on a command line.
"""

from __future__ import annotations

import base64
import functools
import os
import secrets
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import schemathesis
from juspay_contract import ExitCode, RunOptions, Secret, run_contract
from juspay_contract._report import terminal
from juspay_contract._secrets import REPLACEMENT, basic_authorization, scrub_case
from juspay_mock import MockServer, create_app
from schemathesis import BaseSchema

from tests.conftest import ROOT, spec_document
from tests.contract.recording_proxy import RecordingProxy
from tests.contract.support import juspay_contract

# Distinctive, and a valid customer id: the kind of key that leaked into paths.
KEY = f"SUPERSECRETKEY_{secrets.token_hex(4)}"


def spellings(key: str) -> list[bytes]:
    """The key as it could appear anywhere: raw, URL-quoted, base64 with and without `:`."""
    return [
        form.encode()
        for form in (
            key,
            quote(key, safe=""),
            base64.b64encode(f"{key}:".encode()).decode(),
            base64.b64encode(key.encode()).decode(),
        )
    ]


@pytest.mark.parametrize(
    ("server_keys", "exit_code"),
    [(["merchant_key", KEY], ExitCode.PASSED), (["another_key"], ExitCode.CREDENTIALS_REJECTED)],
    ids=["key accepted", "key rejected"],
)
def test_the_key_is_in_no_byte_but_its_authorization_header(
    tmp_path: Path, server_keys: list[str], exit_code: ExitCode
) -> None:
    reports = tmp_path / "reports"
    with MockServer(api_keys=server_keys) as server, RecordingProxy(server.base_url) as proxy:
        done = juspay_contract(
            *("run", "--url", proxy.url, "--max-examples", "3", "--report-dir", str(reports)),
            api_key=KEY,
        )

    assert done.returncode == exit_code, done.stdout + done.stderr
    header = b"Authorization: " + basic_authorization(KEY).encode()
    sent, received = proxy.sent(), proxy.received()
    assert sent.count(header) > 100
    elsewhere = sent.replace(header, b"")
    written = [path.read_bytes() for path in reports.iterdir()]
    assert len(written) == 2  # coverage.md, junit.xml
    for form in spellings(KEY):
        assert form not in elsewhere, form
        assert form not in received, form
        for text in (*written, done.stdout.encode(), done.stderr.encode()):
            assert form not in text, form


@functools.cache
def loaded_spec() -> BaseSchema:
    return schemathesis.openapi.from_dict(spec_document(), config=schemathesis.Config())


def test_a_key_in_a_generated_value_is_replaced_before_sending() -> None:
    schema = loaded_spec()
    operation = schema["/customers/{customer_id}"]["GET"]
    case = operation.Case(
        path_parameters={"customer_id": KEY},
        query={"options.get_client_auth_token": f"{KEY}/x"},
        headers={"x-routing-id": f"a {KEY}", "Authorization": basic_authorization(KEY)},
    )

    scrub_case(case, Secret(KEY))

    assert case.path_parameters == {"customer_id": "x" * len(KEY)}
    assert case.query == {"options.get_client_auth_token": "x" * len(KEY) + "/x"}
    assert case.headers["x-routing-id"] == "a " + "x" * len(KEY)
    assert case.headers["Authorization"] == basic_authorization(KEY)


def test_redact_replaces_every_spelling_of_the_key() -> None:
    user_and_colon = base64.b64encode(f"{KEY}:".encode()).decode()
    text = f"/customers/{KEY}?k={quote(KEY + '/', safe='')} Basic {user_and_colon} {KEY}:"

    redacted = Secret(KEY).redact(text)

    assert redacted == "/customers/[Filtered]?k=[Filtered]%2F Basic [Filtered] [Filtered]:"


# Keys that are words of the spec or parts of them: a mask there would mangle the output and
# show, by the hole it leaves, what the key is.
SPEC_WORDS = ["customer", "customers", "customer_id", "options", "get", "id", "first_name"]


@pytest.mark.parametrize("key", SPEC_WORDS)
def test_a_key_inside_the_specs_words_leaves_them_alone(key: str) -> None:
    text = (
        "[no_undocumented_fields] examples POST /customers: POST /customers answered 200 with "
        "fields the spec does not declare: body.first_name_2; GET /customers/{customer_id} "
        "getCustomer options.get_client_auth_token=true GetCreatedCustomer"
    )

    assert Secret(key).redact(text) == text


@pytest.mark.parametrize("key", ["custom", "get_client", "cst"])
def test_a_short_key_is_masked_where_it_stands_as_a_value(key: str) -> None:
    text = f"curl -X GET -H 'x-routing-id: {key}' 'http://h/customers/{key}?a={key}' -d '\"{key}\"'"

    redacted = Secret(key).redact(text)

    assert redacted == (
        "curl -X GET -H 'x-routing-id: [Filtered]' 'http://h/customers/[Filtered]?a=[Filtered]' "
        "-d '\"[Filtered]\"'"
    )


def test_a_key_that_is_a_spec_word_is_not_scrubbed_from_field_names() -> None:
    schema = loaded_spec()
    operation = schema["/customers"]["POST"]
    body = {"object_reference_id": "user_1", "mobile_number": "9988776655", "first_name": "Jo"}
    case = operation.Case(body=dict(body), media_type="application/x-www-form-urlencoded")

    scrub_case(case, Secret("first_name"))
    scrub_case(case, Secret("user"))

    assert case.body == body


def test_the_summary_of_a_run_with_a_short_key_keeps_every_operation_label() -> None:
    key = "customer"
    options = RunOptions(Secret(key), max_examples=2, phases=("examples",))
    run = run_contract(options, app=create_app([key]))

    lines = list(terminal(options, run, []))

    assert not any(REPLACEMENT in line for line in lines), lines
    labels = ("POST /customers", "GET /customers/{customer_id}", "POST /customers/{customer_id}")
    for label in labels:
        assert any(line.startswith(f"  {label}: ") for line in lines), lines


def test_the_secret_has_no_repr_of_its_key() -> None:
    assert KEY not in repr(Secret(KEY))


def command_lines() -> dict[int, bytes]:
    """Every process's argv (NUL-separated), by pid, as `ps` reads it."""
    lines = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                lines[int(entry.name)] = (entry / "cmdline").read_bytes()
            except OSError:
                continue
    return lines


def test_make_contract_keeps_the_key_off_every_command_line(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    with MockServer(api_keys=[KEY]) as server:
        command = [
            *("make", "--no-print-directory", "contract", f"URL={server.base_url}"),
            *(f"API_KEY={KEY}", "EXAMPLES=3", f"REPORT_DIR={reports}"),
        ]
        # The make we start holds the key in its arguments, and so does each copy of itself it
        # forks (until that copy execs a recipe's command): no other process may.
        ours = b"\0".join(arg.encode() for arg in command) + b"\0"
        make = subprocess.Popen(
            command,
            cwd=ROOT,
            env={k: v for k, v in os.environ.items() if k != "JUSPAY_API_KEY"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        showing_the_key: dict[int, bytes] = {}
        done = threading.Event()

        def watch() -> None:
            while not done.is_set():
                for pid, line in command_lines().items():
                    if KEY.encode() in line and line != ours:
                        showing_the_key[pid] = line
                time.sleep(0.005)

        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            output, _ = make.communicate(timeout=240)
        finally:
            done.set()
            watcher.join()

    assert make.returncode == 0, output.decode()
    assert KEY.encode() not in output
    assert showing_the_key == {}
    assert {path.name for path in reports.iterdir()} == {"coverage.md", "junit.xml"}
