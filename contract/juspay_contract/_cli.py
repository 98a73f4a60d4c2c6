"""`juspay-contract`: the contract suite from the command line.

    juspay-contract run --url URL [options]     the suite against a server
    juspay-contract prove [options]             the suite against the mock's broken variants

The API key comes from `JUSPAY_API_KEY` or `--api-key-file`, never from the command line
(`ps` shows every process's arguments). Every option, the key and the report folder are checked
before the first request; anything wrong is one line on stderr and exit status 2, as is a
missing `contract` extra (its modules are imported in `main()` only, so an install without it
can still say what to install). Exit codes: see `juspay_contract._verdict`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from ._secrets import Secret

ENV_KEY = "JUSPAY_API_KEY"
# From a clone's folder or the wheel: the package is not on PyPI (README, Contract tests).
EXTRA = 'pip install "./juspay-customers[contract]" (a clone; or the wheel with [contract])'
USAGE_ERROR = 2  # ExitCode.USAGE, argparse's own
# RunOptions' fields, as the options that set them.
FLAGS = {
    "url": "--url",
    "merchant_id": "--merchant-id",
    "max_examples": "--max-examples",
    "seed": "--seed",
    "phases": "--phases",
    "operation_ids": "--include-operation-id",
    "request_timeout": "--request-timeout",
}
EXIT_CODES = """\
exit codes:
  0  passed: every selected operation answered, no check failed
  1  findings: a check failed, or the run hit errors
  2  usage: bad options, no API key, an unwritable report folder, or the extra missing
  3  credentials rejected: every operation answered only 401/403
  4  unreachable: the server did not answer
  5  uncovered: a selected operation never answered (with --fail-on-uncovered: any gap)
"""


class _Parser(argparse.ArgumentParser):
    """argparse, exiting with status 2 (`ExitCode.USAGE`) on any usage error, in one line (the
    usage is one `--help` away)."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message}\n")


def _fail(message: str) -> NoReturn:
    print(f"juspay-contract: error: {message}", file=sys.stderr, flush=True)
    raise SystemExit(USAGE_ERROR)


def _parser() -> _Parser:
    from ._config import DEFAULT_MAX_EXAMPLES, DEFAULT_REQUEST_TIMEOUT, PHASES
    from ._prove import DEFAULT_MAX_EXAMPLES as PROVE_MAX_EXAMPLES

    parser = _Parser(
        prog="juspay-contract",
        # No prefixes: `--api-key KEY` must not pass for `--api-key-file KEY`.
        allow_abbrev=False,
        description="Contract-test a server of Juspay's Customers API against its OpenAPI spec.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = commands.add_parser(
        "run",
        allow_abbrev=False,
        help="run the suite against a server",
        description=f"Run the suite against a server. The API key: {ENV_KEY} or --api-key-file.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument(
        "--url",
        required=True,
        help="the server's base URL, http(s)://host[:port][/path]: no user info, query or fragment",
    )
    run.add_argument("--api-key-file", type=Path, help=f"read the API key here, not from {ENV_KEY}")
    run.add_argument(
        "--merchant-id", help="send this x-merchantid header with every request (visible ASCII)"
    )
    run.add_argument(
        "--max-examples",
        type=int,
        default=DEFAULT_MAX_EXAMPLES,
        help="generated cases per operation and phase, at least 1 (default: %(default)s)",
    )
    run.add_argument(
        "--seed", type=int, help="explore differently, reproducibly (default: the same inputs)"
    )
    run.add_argument(
        "--phases",
        type=_phases,
        default=PHASES,
        help=f"comma-separated, of {','.join(PHASES)} (default: all)",
    )
    run.add_argument(
        "--include-operation-id",
        action="append",
        default=[],
        metavar="ID",
        help="test only this operation (repeat for several; default: all)",
    )
    run.add_argument(
        "--report-dir",
        type=Path,
        default=Path("contract-report"),
        help="write coverage.md and junit.xml here (default: %(default)s)",
    )
    run.add_argument(
        "--fail-on-uncovered",
        action="store_true",
        help="exit 5 on any gap: an operation not selected or never answering, a documented "
        "status never observed, a link never followed",
    )
    run.add_argument(
        "--allow-unobserved",
        action="append",
        default=[],
        metavar="ITEM",
        help="a documented status or link name (or operationId:ITEM) --fail-on-uncovered lets "
        "pass, e.g. 403 for a server that cannot be made to answer it",
    )
    run.add_argument(
        "--request-timeout",
        type=float,
        default=DEFAULT_REQUEST_TIMEOUT,
        help="seconds per request, above 0 (default: %(default)s)",
    )
    prove = commands.add_parser(
        "prove",
        allow_abbrev=False,
        help="prove the suite catches the mock's broken variants (needs the [mock] extra)",
        description="Run the suite against the healthy mock, which must pass, and each broken "
        "variant of it, which must fail in the check meant to catch its fault. Exits 1 if one "
        "escapes.",
    )
    prove.add_argument(
        "--max-examples",
        type=_positive,
        default=PROVE_MAX_EXAMPLES,
        help="generated cases per operation and phase (default: %(default)s)",
    )
    prove.add_argument(
        "--variant",
        action="append",
        metavar="NAME",
        help="prove only this variant (repeat for several; default: all)",
    )
    return parser


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _phases(text: str) -> tuple[str, ...]:
    """The comma-separated phases, as given (`RunOptions` checks them)."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _api_key(parser: _Parser, key_file: Path | None) -> Secret:
    from ._secrets import Secret

    if key_file is not None:
        try:
            key = key_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or error
            parser.error(f"--api-key-file: cannot read {key_file}: {reason}")
        if not key:
            parser.error(f"--api-key-file: {key_file} is empty")
        return Secret(key)
    key = os.environ.get(ENV_KEY, "").strip()
    if not key:
        parser.error(f"no API key: set {ENV_KEY} or pass --api-key-file")
    return Secret(key)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command in `argv` (default: `sys.argv[1:]`); returns the exit code."""
    try:
        from . import _run  # noqa: F401 (schemathesis and the rest of the extra)
    except ImportError as error:
        _fail(f"juspay-contract needs its extra: {EXTRA} ({error.name or error} is missing)")
    parser = _parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    if any(arg == "--api-key" or arg.startswith("--api-key=") for arg in argv):
        # Said without repeating the argument: it holds the key.
        parser.error(
            f"the API key is never an argument (ps shows them): set {ENV_KEY} or use --api-key-file"
        )
    args = parser.parse_args(argv)
    if args.command == "prove":
        return _prove(parser, args)
    return _run_command(parser, args)


def _run_command(parser: _Parser, args: argparse.Namespace) -> int:
    """`run`: every option checked before the first request, then the suite, then reports."""
    from ._config import OptionError, RunOptions
    from ._report import prepare_report_dir, terminal, write_reports
    from ._run import run_contract
    from ._verdict import judge

    try:
        options = RunOptions(
            secret=_api_key(parser, args.api_key_file),
            url=args.url.rstrip("/"),
            merchant_id=args.merchant_id,
            max_examples=args.max_examples,
            seed=args.seed,
            phases=args.phases,
            operation_ids=tuple(args.include_operation_id),
            request_timeout=args.request_timeout,
        )
    except OptionError as error:
        parser.error(f"{FLAGS[error.field]}: {error}")
    unknown = _unknown_allowances(args.allow_unobserved)
    if unknown:
        parser.error(f"--allow-unobserved: {unknown}")
    try:
        prepare_report_dir(args.report_dir)
    except OSError as error:
        parser.error(f"--report-dir: cannot write reports in {args.report_dir}: {_reason(error)}")
    run = run_contract(options)
    verdict = judge(run, fail_on_uncovered=args.fail_on_uncovered, allowances=args.allow_unobserved)
    try:
        reports = write_reports(options, run, verdict, args.report_dir, args.allow_unobserved)
    except OSError as error:
        reports = []
        print(f"juspay-contract: reports not written: {_reason(error)}", file=sys.stderr)
    for line in terminal(options, run, reports):
        print(line)
    print(f"juspay-contract: {options.secret.redact(str(verdict))}", flush=True)
    return int(verdict.code)


def _unknown_allowances(allowances: Sequence[str]) -> str | None:
    """Why some of `allowances` name nothing the spec documents, or None if all do."""
    from ._coverage import documented_items

    items = documented_items()
    every = {item for names in items.values() for item in names}
    wrong = []
    for allowance in allowances:
        operation, _, item = allowance.rpartition(":")
        if not (item in items.get(operation, ()) if operation else item in every):
            wrong.append(repr(allowance))
    if not wrong:
        return None
    return (
        f"{', '.join(wrong)} names no documented status or link; one of "
        f"{', '.join(sorted(every))}, or operationId:ITEM with an operationId of "
        f"{', '.join(items)}"
    )


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def _prove(parser: _Parser, args: argparse.Namespace) -> int:
    from ._prove import prove
    from ._verdict import ExitCode, Verdict

    try:
        from .variants import BROKEN_VARIANTS
    except ImportError as error:
        parser.error(
            f'prove needs the mock: pip install "./juspay-customers[contract,mock]" ({error})'
        )
    by_name = {variant.name: variant for variant in BROKEN_VARIANTS}
    unknown = [name for name in args.variant or () if name not in by_name]
    if unknown:
        names = ", ".join(by_name)
        parser.error(f"--variant: no variant named {', '.join(unknown)}; one of {names}")
    chosen = [by_name[name] for name in args.variant] if args.variant else BROKEN_VARIANTS
    proof = prove(chosen, max_examples=args.max_examples)
    for line in proof.lines():
        print(line, flush=True)
    if proof.holds:
        print(f"juspay-contract: proved: the suite catches all {len(proof.variants)} variants")
        return int(ExitCode.PASSED)
    escaped = [outcome.name for outcome in (proof.healthy, *proof.variants) if outcome.escaped]
    verdict = Verdict(ExitCode.FINDINGS, f"not proved: {', '.join(escaped)}")
    print(f"juspay-contract: {verdict}")
    return int(verdict.code)
