"""The spec's path templates, compiled once, for the router and the faults alike."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote, unquote

from ._spec import path_pattern

_PRINTABLE = "".join(map(chr, range(0x21, 0x7F)))


def shown_path(sent: bytes) -> str:
    """A path as sent (ASGI `raw_path`), as text: bytes a client sent unencoded (outside
    printable ASCII: spaces, controls, non-ASCII) percent-encoded, the rest as it was."""
    return quote(sent, safe=_PRINTABLE)  # as it was, at once, when every byte is printable


class Routes:
    """Match a request path to the spec's path template it belongs to, with its parameters.

    Each `{name}` in a template matches one non-empty segment, as in Starlette's routes.
    """

    __slots__ = ("_compiled", "templates")

    def __init__(self, templates: Iterable[str]) -> None:
        self.templates = tuple(templates)
        self._compiled: tuple[tuple[re.Pattern[str], tuple[str, ...], str], ...] = tuple(
            (*path_pattern(template), template) for template in self.templates
        )

    def match(self, path: str) -> tuple[str, dict[str, str]] | None:
        """`path`'s template and its parameters by name; None if no template matches."""
        for pattern, names, template in self._compiled:
            found = pattern.fullmatch(path)
            if found is not None:
                return template, dict(zip(names, found.groups(), strict=True))
        return None

    def match_sent(self, raw_path: bytes) -> tuple[str, dict[str, str]] | None:
        """As `match`, on the path as sent (ASGI's `raw_path`): a percent-encoded `/` stays
        inside its parameter (RFC 3986), and each parameter is then decoded as UTF-8. Bytes
        that are no UTF-8 become lone surrogates, which validation refuses (400 naming the
        parameter), rather than U+FFFD, which would pass for a valid id."""
        found = self.match(raw_path.decode("latin-1"))
        if found is None:
            return None
        template, parameters = found
        return template, {
            name: unquote(value, errors="surrogateescape") for name, value in parameters.items()
        }

    def names(self, sent: bytes) -> tuple[str, str, str | None]:
        """What a request path answers to in fault and journal filters: the path as sent
        (`shown_path`), percent-decoded (UTF-8), and its spec template (None without one)."""
        shown = shown_path(sent)
        return shown, unquote(shown, errors="replace"), self.template(shown)

    def template(self, path: str) -> str | None:
        """`path`'s template, without building its parameters."""
        for pattern, _, template in self._compiled:
            if pattern.fullmatch(path) is not None:
                return template
        return None
