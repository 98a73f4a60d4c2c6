"""The suite's schemathesis settings, built in code: an installed suite needs no file of its own.

Every built-in check stays on (none is excluded), every phase runs unless left out (examples,
coverage, fuzzing, and stateful, which follows the spec's links and only those), with
positive and negative data, each finding reported (not just a scenario's first).
"""

from __future__ import annotations

from typing import Any

from attrs import frozen
from schemathesis.config import SchemathesisConfig

from ._secrets import Secret, basic_authorization

PHASES = ("examples", "coverage", "fuzzing", "stateful")
DEFAULT_MAX_EXAMPLES = 50
DEFAULT_REQUEST_TIMEOUT = 10.0


@frozen
class RunOptions:
    """What one run of the suite does.

    `url` is the server's base URL (`http://host:port`); None runs against an ASGI app in process.
    `max_examples` bounds the generated cases per operation and phase. Without `seed` the
    inputs are the same on every run (schemathesis's deterministic mode); a `seed` explores
    differently, reproducibly. `phases` is a subset of `PHASES`; `operation_ids` selects
    operations by the spec's operationId (empty: all). `request_timeout` is in seconds.
    """

    secret: Secret
    url: str | None = None
    merchant_id: str | None = None
    max_examples: int = DEFAULT_MAX_EXAMPLES
    seed: int | None = None
    phases: tuple[str, ...] = PHASES
    operation_ids: tuple[str, ...] = ()
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT


def build_config(options: RunOptions) -> SchemathesisConfig:
    """The schemathesis configuration for `options`."""
    # The key goes into a header we set, never into `auth`: see `_secrets`.
    headers = {"Authorization": basic_authorization(options.secret.api_key)}
    if options.merchant_id is not None:
        headers["x-merchantid"] = options.merchant_id
    settings: dict[str, Any] = {
        "headers": headers,
        "continue-on-failure": True,
        # Reproduction lines hide the Authorization header only: schemathesis's default also
        # hides whatever has "token" in its name, `options.get_client_auth_token` too, and a
        # `curl` line that does not send what was sent reproduces nothing. `Secret.redact`
        # takes the key out of everything else.
        "output": {
            "sanitization": {
                "keys-to-sanitize": ["authorization"],
                "sensitive-markers": ["authorization"],
            }
        },
        "request-timeout": options.request_timeout,
        "generation": {
            "mode": "all",
            "max-examples": options.max_examples,
            "deterministic": options.seed is None,
            # No example database: a run depends on its options only, not on earlier runs.
            "database": "none",
            # Credentials are ours to send; generated ones would only test the server's 401.
            "with-security-parameters": False,
        },
        "phases": {
            phase: {"enabled": phase in options.phases}
            # Links the spec declares, none inferred: the coverage report counts the spec's.
            | ({"inference": {"algorithms": []}} if phase == "stateful" else {})
            for phase in PHASES
        },
    }
    if options.url is not None:
        settings["base-url"] = options.url
    if options.seed is not None:
        settings["seed"] = options.seed
    return SchemathesisConfig.from_dict(settings)
