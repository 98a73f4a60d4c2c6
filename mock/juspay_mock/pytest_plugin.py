"""pytest fixtures for merchants' tests: a running mock and a facade client for it.

Registered through the `pytest11` entry point, so installing `juspay-customers[mock]` is all
a test suite needs. The mock is imported lazily: the plugin loads, quietly, in every pytest run
of an environment with the package, with or without the `mock` extra; without it, a test that
asks for these fixtures fails at set-up with one line naming the extra (`MISSING_EXTRA`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from juspay_customers import Juspay

    from juspay_mock import MockServer


MISSING_EXTRA = (
    'juspay_mock fixtures need the mock extra: pip install "./juspay-customers[mock]" (a clone;'
    " or the wheel with [mock]) "
    "(No module named {module!r})"
)
_OWN_PACKAGES = frozenset({"juspay_mock", "juspay_customers", "juspay_customers_client"})


@pytest.fixture(scope="session")
def juspay_mock_server() -> Iterator[MockServer]:
    """One mock server for the whole session (state is reset per test by `juspay_mock`).

    Fails the requesting test with `MISSING_EXTRA` when a dependency of the `mock` extra
    cannot be imported.
    """
    try:
        from juspay_mock import MockServer
    except ModuleNotFoundError as error:
        module = error.name or ""
        if module.partition(".")[0] in _OWN_PACKAGES:
            raise  # a broken installation of this package, not a missing extra
        # from None: the import's own traceback would bury the one line that says what to do
        raise pytest.fail.Exception(MISSING_EXTRA.format(module=module), pytrace=False) from None

    with MockServer(api_keys=["test_key"]) as server:
        yield server


@pytest.fixture
def juspay_mock(juspay_mock_server: MockServer) -> MockServer:
    """The session's mock server, with no customers, no faults and an empty journal.

    Besides `seed()` and `inject()`: `customers()`, `requests(...)` and
    `assert_requested("createCustomer", times=1, ...)` (README, The mock server).
    """
    juspay_mock_server.reset()
    return juspay_mock_server


# What a `Juspay` client reads from the environment besides its key and URL, which the fixture
# gives: a developer's real merchant id or environment must not reach the mock's journal.
_CLIENT_ENVIRONMENT = ("JUSPAY_MERCHANT_ID", "JUSPAY_ENVIRONMENT")


@pytest.fixture
def juspay_client(juspay_mock: MockServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Juspay]:
    """A `juspay_customers.Juspay` client for the mock, closed after the test; it takes
    nothing from `JUSPAY_MERCHANT_ID` or `JUSPAY_ENVIRONMENT` (unset for the test)."""
    for name in _CLIENT_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    with juspay_mock.client() as client:
        yield client
