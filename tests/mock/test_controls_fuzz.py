"""Any credentials and any journal query: a documented answer, never a 5xx, never another
merchant's data (issue 11)."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from juspay_mock import MockServer

from tests.mock.conftest import API_KEYS
from tests.mock.test_fuzz import FUZZ

ADMIN_TOKEN = "fuzz-admin-token"
VALID = {"Basic " + base64.b64encode(f"{key}:".encode()).decode(): key for key in API_KEYS} | {
    f"Bearer {ADMIN_TOKEN}": None
}

# Header values as a client may send them: printable Latin-1, around the valid ones.
header_values = st.one_of(
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f")),
    st.sampled_from(sorted(VALID)).map(lambda v: v + " "),
    st.sampled_from(["Basic ", "Bearer ", "basic a2V5X2E6", "BASIC a2V5X2I6cHc=", "Bearer x"]),
    st.sampled_from(sorted(VALID)),
).map(str.strip)


@pytest.fixture(scope="module")
def guarded() -> Iterator[MockServer]:
    with MockServer(api_keys=API_KEYS, admin_token=ADMIN_TOKEN) as server:
        yield server


@pytest.fixture(scope="module")
def http(guarded: MockServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=guarded.base_url) as client:
        yield client


@FUZZ
@given(authorization=header_values)
def test_any_authorization_gets_401_or_exactly_its_own_merchants_journal(
    guarded: MockServer, http: httpx.Client, authorization: str
) -> None:
    guarded.reset()
    for key in API_KEYS:
        http.get(f"/customers/{key}_only", auth=(key, ""))

    response = http.get(
        "/_mock/requests", headers={"Authorization": authorization.encode("latin-1")}
    )

    caller = _caller(authorization)
    if caller is False:
        assert response.status_code == 401
        assert response.json()["error_code"] == "access_denied"
        return
    assert response.status_code == 200
    paths = {entry["path"] for entry in response.json()["requests"]}
    key = caller
    expected = {f"/customers/{k}_only" for k in API_KEYS if key is None or k == key}
    assert paths == expected


def _caller(authorization: str) -> str | bool | None:
    """Who RFC 7617 and RFC 6750 say sends `authorization`: a key, None (the admin), False (no one).

    The Basic scheme's name is case-insensitive and its password is ignored by the mock.
    """
    if authorization == f"Bearer {ADMIN_TOKEN}":
        return None
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        user = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")[0]
    except ValueError:
        return False
    return user if user in API_KEYS else False


queries = st.dictionaries(
    st.sampled_from(["operation", "method", "path", "status", "since", "other"]),
    st.text(max_size=30),
    max_size=4,
)


@settings(FUZZ, max_examples=60)
@given(query=queries)
def test_any_journal_query_is_200_or_400_naming_the_filter(
    guarded: MockServer, query: dict[str, str]
) -> None:
    response = httpx.get(f"{guarded.base_url}/_mock/requests", params=query, auth=(API_KEYS[0], ""))

    assert response.status_code in {200, 400}, response.text
    if response.status_code == 400:
        assert response.json()["error_info"]["developer_message"].startswith("requests: ")
