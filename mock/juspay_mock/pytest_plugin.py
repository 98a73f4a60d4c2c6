"""pytest fixtures for merchants' tests: a running mock and a facade client for it.

Registered through the `pytest11` entry point, so installing `juspay-customers[mock]` is all
a test suite needs. The mock is imported lazily: the plugin loads in every pytest run of an
environment with the package, with or without the `mock` extra.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from juspay_customers import Juspay

    from juspay_mock import MockServer


@pytest.fixture(scope="session")
def juspay_mock_server() -> Iterator[MockServer]:
    """One mock server for the whole session (state is reset per test by `juspay_mock`)."""
    from juspay_mock import MockServer

    with MockServer(api_keys=["test_key"]) as server:
        yield server


@pytest.fixture
def juspay_mock(juspay_mock_server: MockServer) -> MockServer:
    """The session's mock server, with no customers and no faults."""
    juspay_mock_server.reset()
    return juspay_mock_server


@pytest.fixture
def juspay_client(juspay_mock: MockServer) -> Iterator[Juspay]:
    """A `juspay_customers.Juspay` client for the mock, closed after the test."""
    with juspay_mock.client() as client:
        yield client
