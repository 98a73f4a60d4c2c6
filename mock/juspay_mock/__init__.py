"""A stateful mock of Juspay's Customers API, driven by the OpenAPI document.

`create_app()` gives the ASGI app; `MockServer` runs it on a free loopback port for tests.

Everything here needs the `mock` extra (`pip install "./juspay-customers[mock]"`). The names load
on first use, so the package itself imports without it: the pytest plugin and `juspay-mock`
can then say which extra is missing instead of failing on an import.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._app import MockApp, create_app
    from ._control import Controls
    from ._journal import RecordedRequest
    from ._limits import Limits
    from ._server import MockServer
    from ._spec import load_spec, spec_path
    from ._store import Store, open_store

_LAZY = {
    "Controls": "._control",
    "RecordedRequest": "._journal",
    "Limits": "._limits",
    "MockApp": "._app",
    "MockServer": "._server",
    "create_app": "._app",
    "load_spec": "._spec",
    "spec_path": "._spec",
    "Store": "._store",
    "open_store": "._store",
}

__all__ = [
    "Controls",
    "Limits",
    "MockApp",
    "MockServer",
    "RecordedRequest",
    "Store",
    "create_app",
    "load_spec",
    "open_store",
    "spec_path",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value  # later lookups skip this function
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
