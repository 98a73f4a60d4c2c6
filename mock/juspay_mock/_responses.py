"""Juspay-shaped JSON responses: the customer body and every error the mock answers."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any

from starlette.responses import Response

from ._spec import FieldError


def dumps(body: Any) -> bytes:
    """Compact JSON, as the real service sends it."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def json_response(
    status: int, content: bytes, headers: Mapping[str, str] | None = None
) -> Response:
    """A JSON response carrying an `x-request-id`, which Juspay's answers all have."""
    extra = {"x-request-id": secrets.token_hex(8), **(headers or {})}
    return Response(content, status_code=status, headers=extra, media_type="application/json")


def generic_error(status: int, detail: str) -> bytes:
    """An error body for statuses the spec gives no example of (405, 415, faults…)."""
    phrase = HTTPStatus(status).phrase
    slug = phrase.lower().replace(" ", "_").replace("-", "_")
    return dumps(
        {
            "status": "error",
            "error_code": slug,
            "error_message": phrase,
            "error_info": {
                "user_message": phrase,
                "developer_message": detail,
                "code": slug.upper(),
                "category": "USER_ERROR" if status < 500 else "SERVER_ERROR",
            },
        }
    )


class ErrorBodies:
    """The error bodies of the spec's examples, serialised once at start-up."""

    __slots__ = ("_invalid", "access_denied", "duplicate", "not_found")

    def __init__(self, examples: Mapping[str, Any]) -> None:
        self._invalid: Mapping[str, Any] = examples["InvalidInput"]
        self.not_found = dumps(examples["NotFound"])
        self.duplicate = dumps(examples["Duplicate"])
        self.access_denied = dumps(examples["AccessDenied"])

    def access_denied_because(self, detail: str) -> bytes:
        body = json.loads(self.access_denied)
        body["error_info"]["developer_message"] = detail
        return dumps(body)

    def invalid(self, errors: Iterable[FieldError]) -> bytes:
        """The `InvalidInput` example, naming each offending field and its reason."""
        unique = list(dict.fromkeys(errors))
        names = ", ".join(dict.fromkeys(error.field_name for error in unique))
        return dumps(
            {
                **self._invalid,
                "error_message": f"Invalid value for field: {names}",
                "error_info": {
                    **self._invalid["error_info"],
                    "developer_message": "; ".join(f"{e.field_name}: {e.reason}" for e in unique),
                    "fields": [{"field_name": e.field_name, "reason": e.reason} for e in unique],
                },
            }
        )
