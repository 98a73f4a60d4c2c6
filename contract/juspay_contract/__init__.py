"""The contract suite for Juspay's Customers API, as a package: `juspay-contract run|prove`.

`run_contract(RunOptions(...))` runs schemathesis's engine with the spec shipped here and our
own checks against a server (or an ASGI app in process); `judge` gives its verdict (an
`ExitCode` and a reason); `write_reports` writes `coverage.md` and `junit.xml`. `prove` runs
it against the broken variants of the mock (`juspay_contract.variants`, needs `[mock]`).

Everything here needs the `contract` extra (`pip install "./juspay-customers[contract]"`). The
names load on first use, so the package itself imports without it: `juspay-contract` can then
say which extra is missing instead of failing on an import.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._config import PHASES, OptionError, RunOptions
    from ._coverage import Coverage
    from ._prove import Proof, prove
    from ._report import write_reports
    from ._run import OUR_CHECKS, ContractRun, Finding, run_contract
    from ._secrets import Secret
    from ._verdict import ExitCode, Verdict, judge

_LAZY = {
    "OUR_CHECKS": "._run",
    "PHASES": "._config",
    "ContractRun": "._run",
    "Coverage": "._coverage",
    "ExitCode": "._verdict",
    "Finding": "._run",
    "OptionError": "._config",
    "Proof": "._prove",
    "RunOptions": "._config",
    "Secret": "._secrets",
    "Verdict": "._verdict",
    "judge": "._verdict",
    "prove": "._prove",
    "run_contract": "._run",
    "write_reports": "._report",
}

__all__ = [
    "OUR_CHECKS",
    "PHASES",
    "ContractRun",
    "Coverage",
    "ExitCode",
    "Finding",
    "OptionError",
    "Proof",
    "RunOptions",
    "Secret",
    "Verdict",
    "judge",
    "prove",
    "run_contract",
    "write_reports",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
