"""The per-request state and the test controls are separate objects; routes compiled once."""

from __future__ import annotations

import pytest
from juspay_mock import MockApp
from juspay_mock._faults import Faults
from juspay_mock._routes import Routes
from juspay_mock._state import State


def test_the_state_requests_read_is_apart_from_the_test_controls(app: MockApp) -> None:
    state = app.control.state

    assert isinstance(state, State)
    assert state.api_keys == ("key_a", "key_b")
    for control in ("reset", "seed", "inject", "requests"):
        assert not hasattr(state, control)
    for per_request in ("shape", "errors", "store", "merchant_header"):
        assert not hasattr(app.control, per_request)


def test_the_router_and_the_faults_share_one_compiled_routes(app: MockApp) -> None:
    routes = app.control.state.routes

    faults = app.control.faults
    assert isinstance(faults, Faults)
    assert faults._routes is routes
    assert app._operations._routes is routes


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/customers", ("/customers", {})),
        ("/customers/cst_1", ("/customers/{customer_id}", {"customer_id": "cst_1"})),
        ("/customers/", None),
        ("/customers/a/b", None),
        ("/other", None),
    ],
)
def test_routes_match_a_path_to_its_template_and_parameters(
    path: str, expected: tuple[str, dict[str, str]] | None
) -> None:
    routes = Routes(["/customers", "/customers/{customer_id}"])

    assert routes.match(path) == expected
    assert routes.template(path) == (None if expected is None else expected[0])
