"""The package logger: silent unless JUSPAY_LOG asks, and never showing personal data."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from typing import Final

logger: Final = logging.getLogger("juspay_customers")

_EMAIL: Final = re.compile(r"([A-Za-z0-9])[A-Za-z0-9._%+-]*@")
_DIGITS: Final = re.compile(r"\d{4,}")
_LEVELS: Final = {"debug": logging.DEBUG, "info": logging.INFO}
_configured = False


def configure_from_env() -> None:
    """Apply JUSPAY_LOG=debug|info once per process: a stderr handler at that level."""
    global _configured
    if _configured:
        return
    _configured = True
    level = _LEVELS.get(os.environ.get("JUSPAY_LOG", "").strip().lower())
    if level is None:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)


def mask_email(value: object) -> str:
    """`customer@mail.com` -> `c***@mail.com`."""
    return _EMAIL.sub(r"\1***@", str(value))


def mask_mobile(value: object) -> str:
    """`9988776655` -> `********55`."""
    return _DIGITS.sub(lambda m: "*" * (len(m[0]) - 2) + m[0][-2:], str(value))


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
