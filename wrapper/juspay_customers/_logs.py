"""The package logger: silent unless JUSPAY_LOG asks, and never showing personal data.

httpx logs each request's URL on its own logger (`httpx`, INFO), and a customer's id there may
be an e-mail or a mobile number: `mask_httpx_urls` masks it in those lines too.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import warnings
from collections.abc import Mapping
from typing import Final
from urllib.parse import unquote

logger: Final = logging.getLogger("juspay_customers")

# A number, with the separators people write in one (`998-877 66.55`, `(22) 1234`).
_NUMBER: Final = re.compile(r"\d(?:[\d\s().-]*\d)?")
_DIGIT: Final = re.compile(r"\d")
_LEVELS: Final = {"debug": logging.DEBUG, "info": logging.INFO}
_configured = False


def configure_from_env() -> None:
    """Apply JUSPAY_LOG=debug|info once per process: a stderr handler at that level (an app
    that configures logging itself gets each line twice: its handlers see them too). Another
    value is a warning (UserWarning), and no handler."""
    global _configured
    if _configured:
        return
    _configured = True
    value = os.environ.get("JUSPAY_LOG", "")
    level = _LEVELS.get(value.strip().lower())
    if level is None:
        if value.strip():
            warnings.warn(
                f"JUSPAY_LOG={value[:20]!r} is neither debug nor info: no log is shown",
                stacklevel=3,  # the line that built the client
            )
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)


def mask_email(value: object) -> str:
    """`customer@mail.com` -> `c***@mail.com`: a value holding `@` shows its first character
    and what follows its last `@`, whatever comes between (`"john doe"@x` -> `"***@x`)."""
    text = str(value)
    local, at, domain = text.rpartition("@")
    return f"{local[:1]}***@{domain}" if at and local else text


def mask_mobile(value: object) -> str:
    """`9988776655` -> `********55`, `998-877-6655` -> `***-***-**55`: every digit of a number
    of four or more digits but its last two, separators kept."""
    return _NUMBER.sub(_mask_number, str(value))


def _mask_number(match: re.Match[str]) -> str:
    number = match[0]
    digits = len(_DIGIT.findall(number))
    if digits < 4:
        return number
    return _DIGIT.sub("*", number, count=digits - 2)


def mask(value: object) -> str:
    """Mask anything that looks like an e-mail address or a phone number (not `cst_` ids)."""
    text = str(value)
    return text if text.startswith("cst_") else mask_mobile(mask_email(text))


def mask_name(value: object) -> str:
    """`John` -> `J***`: a person's name keeps only its first character."""
    text = str(value)
    return f"{text[:1]}***" if text else text


def describe(fields: Mapping[str, object]) -> str:
    """`key=value` pairs for a debug line, personal data masked: names (`first_name`,
    `last_name`, any field whose name ends in `name`) by `mask_name`, the rest by `mask`."""
    return " ".join(
        f"{key}={mask_name(value) if key.endswith('name') else mask(value)}"
        for key, value in fields.items()
    )


class _MaskedHttpxUrls(logging.Filter):
    """On httpx's logger: its request line (`HTTP Request: GET <url> ...`) with the customer id
    masked, for URLs under a client's base URL only (other requests' lines are left alone)."""

    def __init__(self) -> None:
        super().__init__()
        # Replaced whole, never changed in place: another thread may be logging through it.
        self.prefixes: frozenset[str] = frozenset()
        self._adding = threading.Lock()

    def add(self, prefix: str) -> None:
        with self._adding:
            self.prefixes |= {prefix}

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) > 1:
            url = str(args[1])
            for prefix in self.prefixes:
                if url.startswith(prefix):
                    segment, query_mark, query = url[len(prefix) :].partition("?")
                    shown = f"{prefix}{mask(unquote(segment))}{query_mark}{query}"
                    record.args = (args[0], shown, *args[2:])
                    break
        return True


_httpx_urls: Final = _MaskedHttpxUrls()
logging.getLogger("httpx").addFilter(_httpx_urls)


def mask_httpx_urls(base_url: str) -> None:
    """Mask customer ids in httpx's log lines for requests to `base_url` (a client's)."""
    prefix = f"{base_url}/customers/"
    if prefix not in _httpx_urls.prefixes:
        _httpx_urls.add(prefix)
