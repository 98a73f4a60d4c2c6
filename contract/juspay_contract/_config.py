"""The suite's schemathesis settings, built in code: an installed suite needs no file of its own.

Every built-in check stays on (none is excluded), every phase runs unless left out (examples,
coverage, fuzzing, and stateful, which follows the spec's links and only those), with
positive and negative data, each finding reported (not just a scenario's first).
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlsplit

from attrs import Attribute, field, frozen
from schemathesis.config import SchemathesisConfig

from ._secrets import Secret, basic_authorization
from ._spec import operation_ids

PHASES = ("examples", "coverage", "fuzzing", "stateful")
DEFAULT_MAX_EXAMPLES = 50
DEFAULT_REQUEST_TIMEOUT = 10.0
# Seconds: one day, as the mock's own limit; far beyond it, socket timers overflow.
MAX_REQUEST_TIMEOUT = 86_400.0


class OptionError(ValueError):
    """An option `RunOptions` cannot run with; `field` names it, the message says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _url(options: RunOptions, attribute: Attribute[str | None], url: str | None) -> None:
    if url is None:
        return
    # The URL is never repeated: user info in it may hold a password.
    parts = urlsplit(url)
    if "@" in parts.netloc:
        raise OptionError(
            "url",
            "must not carry user info (user:password@): it would replace the API key's "
            "Authorization header; the key comes from JUSPAY_API_KEY or --api-key-file",
        )
    if parts.query or parts.fragment or "?" in url or "#" in url:
        raise OptionError("url", "must not carry a query (?...) or a fragment (#...)")
    try:
        parts.port  # noqa: B018 (raises ValueError for a port out of range)
    except ValueError:
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OptionError("url", "must be http(s)://host[:port]")


def _merchant_id(options: RunOptions, attribute: Attribute[str | None], value: str | None) -> None:
    # An HTTP header value (RFC 9110), as Juspay's merchant ids are: visible ASCII only.
    if value is not None and not (value and all("!" <= char <= "~" for char in value)):
        raise OptionError(
            "merchant_id", "must be one or more visible ASCII characters (a header value)"
        )


def _max_examples(options: RunOptions, attribute: Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise OptionError("max_examples", f"must be a whole number of at least 1, not {value!r}")


def _seed(options: RunOptions, attribute: Attribute[int | None], value: int | None) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise OptionError("seed", f"must be a whole number, not {value!r}")


def _phases(options: RunOptions, attribute: Attribute[tuple[str, ...]], value: Any) -> None:
    unknown = [phase for phase in value if phase not in PHASES]
    if unknown or not value or len(set(value)) != len(value):
        raise OptionError(
            "phases",
            f"{', '.join(map(str, unknown)) or 'none or repeated'}: phases are {', '.join(PHASES)}",
        )


def _operation_ids(options: RunOptions, attribute: Attribute[tuple[str, ...]], value: Any) -> None:
    known = operation_ids()
    unknown = sorted(set(value) - set(known))
    if unknown:
        raise OptionError(
            "operation_ids",
            f"no operation has the operationId {', '.join(map(repr, unknown))}; "
            f"the spec's are {', '.join(known)}",
        )


def _request_timeout(options: RunOptions, attribute: Attribute[float], value: float) -> None:
    if not (
        isinstance(value, int | float) and math.isfinite(value) and 0 < value <= MAX_REQUEST_TIMEOUT
    ):
        raise OptionError(
            "request_timeout",
            f"must be a number of seconds above 0 and at most {MAX_REQUEST_TIMEOUT:.0f}, "
            f"not {value!r}",
        )


@frozen
class RunOptions:
    """What one run of the suite does; each value is checked here, before any request.

    `url` is the server's base URL (`http(s)://host[:port][/path]`, without user info, query
    or fragment); None runs against an ASGI app in process. `merchant_id` is sent as the
    `x-merchantid` header (visible ASCII). `max_examples` (at least 1) bounds the generated
    cases per operation and phase. Without `seed` the inputs are the same on every run
    (schemathesis's deterministic mode); a `seed` explores differently, reproducibly. `phases`
    is a subset of `PHASES`; `operation_ids` selects operations by the spec's operationId
    (empty: all). `request_timeout` is in seconds, above 0 and at most a day.

    Raises `OptionError` (a `ValueError` whose `field` names the attribute) for anything else.
    """

    secret: Secret
    url: str | None = field(default=None, validator=_url)
    merchant_id: str | None = field(default=None, validator=_merchant_id)
    max_examples: int = field(default=DEFAULT_MAX_EXAMPLES, validator=_max_examples)
    seed: int | None = field(default=None, validator=_seed)
    phases: tuple[str, ...] = field(default=PHASES, validator=_phases)
    operation_ids: tuple[str, ...] = field(default=(), validator=_operation_ids)
    request_timeout: float = field(default=DEFAULT_REQUEST_TIMEOUT, validator=_request_timeout)


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
