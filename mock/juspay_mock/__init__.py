"""A stateful mock of Juspay's Customers API, driven by the OpenAPI document.

`create_app()` gives the ASGI app; `MockServer` runs it on a free loopback port for tests.
"""

from ._app import MockApp, create_app
from ._control import Control
from ._server import MockServer
from ._spec import load_spec, spec_path

__all__ = ["Control", "MockApp", "MockServer", "create_app", "load_spec", "spec_path"]
