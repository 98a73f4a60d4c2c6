"""Keeping the API key out of everything the suite sends and writes, except its own header.

The key travels in one place only: the `Authorization` header of the suite's requests. Two
guards keep it there. Before each request, `scrub_case` takes it out of every generated value
(a server that echoes the key would otherwise feed it back into generation); before anything
is printed or written, `Secret.redact` replaces each form of it with `[Filtered]`.

Schemathesis is never handed the key as its auth setting: given Basic credentials, schemathesis
4.32 seeds the user name into its pool of values for `id`-like fields (`seed_pool_from_basic_auth`),
and the suite sent `GET /customers/<key>`. `_config` sets the `Authorization` header instead.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote, quote_plus

from attrs import field, frozen
from schemathesis import Case

REPLACEMENT = "[Filtered]"


def basic_authorization(api_key: str) -> str:
    """The `Authorization` value Juspay expects: Basic, the key as user name, no password."""
    return "Basic " + base64.b64encode(f"{api_key}:".encode()).decode("ascii")


@frozen
class Secret:
    """An API key, and every spelling of it that could end up in a report."""

    api_key: str = field(repr=False)

    @property
    def forms(self) -> tuple[str, ...]:
        """The key as sent in a header, in a URL, in base64 (with and without the `:`)."""
        key = self.api_key
        spellings = {
            key,
            quote(key, safe=""),
            quote_plus(key),
            base64.b64encode(f"{key}:".encode()).decode("ascii"),
            base64.b64encode(key.encode()).decode("ascii"),
        }
        # Longest first, so that no spelling is left half-replaced by a shorter one inside it.
        return tuple(sorted(spellings, key=len, reverse=True))

    def redact(self, text: str) -> str:
        """`text` with every form of the key replaced by `[Filtered]`."""
        for form in self.forms:
            text = text.replace(form, REPLACEMENT)
        return text


def scrub_case(case: Case[Any], keys: tuple[str, ...]) -> None:
    """Replace `keys` in the case's path, query, headers (but `Authorization`),
    cookies and body by a run of `x` as long as the key, so the value keeps its length.

    Parts without the key are left untouched (not even reassigned), so schemathesis does not
    see an edit and re-judge the case.
    """
    for container in (case.path_parameters, case.query, case.headers, case.cookies):
        for name, value in list((container or {}).items()):
            if str(name).lower() == "authorization":
                continue
            scrubbed = _scrub(value, keys)
            if scrubbed != value:
                container[name] = scrubbed
    body = _scrub(case.body, keys)
    if body != case.body:
        case.body = body


def _scrub(value: Any, keys: tuple[str, ...]) -> Any:
    if isinstance(value, str):
        for key in keys:
            value = value.replace(key, "x" * len(key))
        return value
    if isinstance(value, bytes):
        for key in keys:
            value = value.replace(key.encode(), b"x" * len(key.encode()))
        return value
    if isinstance(value, dict):
        return {_scrub(name, keys): _scrub(item, keys) for name, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, keys) for item in value]
    return value
