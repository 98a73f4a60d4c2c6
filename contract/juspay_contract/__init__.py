"""The contract suite for Juspay's Customers API, as a package: `juspay-contract run|prove`.

`run_contract(RunOptions(...))` runs schemathesis's engine with the spec shipped here and our
own checks against a server (or an ASGI app in process); `judge` gives its verdict (an
`ExitCode` and a reason); `write_reports` writes `coverage.md` and `junit.xml`. `prove` runs
it against the broken variants of the mock (`juspay_contract.variants`, needs `[mock]`).
"""

from ._config import PHASES, RunOptions
from ._coverage import Coverage
from ._prove import Proof, prove
from ._report import write_reports
from ._run import OUR_CHECKS, ContractRun, Finding, run_contract
from ._secrets import Secret
from ._verdict import ExitCode, Verdict, judge

__all__ = [
    "OUR_CHECKS",
    "PHASES",
    "ContractRun",
    "Coverage",
    "ExitCode",
    "Finding",
    "Proof",
    "RunOptions",
    "Secret",
    "Verdict",
    "judge",
    "prove",
    "run_contract",
    "write_reports",
]
