"""Keeping the API key out of everything the suite sends and writes, except its own header.

The key travels in one place only: the `Authorization` header of the suite's requests. Two
guards keep it there. Before each request, `scrub_case` takes it out of every generated value
(a server that echoes the key would otherwise feed it back into generation); before anything
is printed or written, `Secret.redact` replaces each form of it with `[Filtered]`.

Both act on exact occurrences only: the key as a whole token (not glued to letters, digits, `_`
or `-`, nor part of a dotted name), and never inside a name or text of the spec. So a short key
that happens to be part of the spec's vocabulary (`customer`) neither mangles `POST /customers`
nor gives itself away by the hole it would leave there. A key that is itself one of the spec's
words is left alone too: nothing would tell it from the word.

Schemathesis is never handed the key as its auth setting: given Basic credentials, schemathesis
4.32 seeds the user name into its pool of values for `id`-like fields (`seed_pool_from_basic_auth`),
and the suite sent `GET /customers/<key>`. `_config` sets the `Authorization` header instead.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from typing import Any
from urllib.parse import quote, quote_plus

from attrs import field, frozen
from schemathesis import Case

from ._spec import vocabulary

REPLACEMENT = "[Filtered]"
_WORD = "A-Za-z0-9_-"


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
        """`text` with every exact occurrence of every form of the key replaced by `[Filtered]`."""
        for form in self.forms:
            text = _replace(text, form, REPLACEMENT)
        return text


def scrub_case(case: Case[Any], secret: Secret) -> None:
    """Replace exact occurrences of the key in the case's path, query, headers (but
    `Authorization`), cookies and body by a run of `x` as long as the key, so the value keeps
    its length.

    Parts without the key are left untouched (not even reassigned), so schemathesis does not
    see an edit and re-judge the case.
    """
    for container in (case.path_parameters, case.query, case.headers, case.cookies):
        for name, value in list((container or {}).items()):
            if str(name).lower() == "authorization":
                continue
            scrubbed = _scrub(value, secret.api_key)
            if scrubbed != value:
                container[name] = scrubbed
    body = _scrub(case.body, secret.api_key)
    if body != case.body:
        case.body = body


def _scrub(value: Any, key: str) -> Any:
    if isinstance(value, str):
        return _replace(value, key, "x" * len(key))
    if isinstance(value, bytes):
        text = value.decode("utf-8", "surrogateescape")
        return _replace(text, key, "x" * len(key)).encode("utf-8", "surrogateescape")
    if isinstance(value, dict):
        return {_scrub(name, key): _scrub(item, key) for name, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, key) for item in value]
    return value


def _replace(text: str, form: str, replacement: str) -> str:
    """`text` with each exact occurrence of `form` outside the spec's own words replaced."""
    if not form or form not in text:
        return text
    kept = [
        (start, start + len(word))
        for word in _vocabulary_holding(form)
        for start in _starts(text, word)
    ]
    pieces, last = [], 0
    for match in _token(form).finditer(text):
        start, end = match.span()
        if any(low <= start and end <= high for low, high in kept):
            continue
        pieces += [text[last:start], replacement]
        last = end
    return "".join(pieces) + text[last:] if pieces else text


@cache
def _token(form: str) -> re.Pattern[str]:
    """`form` as a whole token: no word character beside it, nor a dot joining one."""
    word = f"[{_WORD}]"
    return re.compile(f"(?<!{word})(?<!{word}\\.){re.escape(form)}(?!{word})(?!\\.{word})")


@cache
def _vocabulary_holding(form: str) -> tuple[str, ...]:
    """The spec's words (names, paths, labels: nothing with a line break) that hold `form`."""
    return tuple(word for word in vocabulary() if form in word and "\n" not in word)


def _starts(text: str, word: str) -> list[int]:
    starts, at = [], text.find(word)
    while at != -1:
        starts.append(at)
        at = text.find(word, at + 1)
    return starts
