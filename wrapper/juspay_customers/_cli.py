"""`juspay-customers`: create, get or update a customer from a shell; JSON out.

Exit status: 0 done, 1 the API or the network failed, 2 bad input (nothing was sent), 141
done but its output lost (stdout closed, as by `| head`, or full: what SIGPIPE would give).
The API key comes from the first line of --api-key-file FILE, else JUSPAY_API_KEY; never
from an argument (`ps` shows every user a command line), so --api-key is refused, and a usage
error shows no argument's value (a misspelt `--apikey=KEY` would show the key). Errors are
one line on stderr. A field given both as a flag and in --json is refused, as in Python.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import json
import os
import re
import sys
from collections.abc import Collection, Mapping, Sequence
from typing import Any, NoReturn

from ._errors import JuspayError, ParameterError
from ._generated import CREATE_FIELDS, GET_FIELDS, LOOKUP_FIELD, UPDATE_FIELDS
from ._options import NOT_GIVEN
from ._params import public_name, shown_key

PROG = "juspay-customers"
OUTPUT_LOST = 141  # 128 + SIGPIPE: what a command killed by a closed pipe exits with


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    from ._client import Juspay

    arguments = sys.argv[1:] if argv is None else list(argv)
    if any(arg == "--api-key" or arg.startswith("--api-key=") for arg in arguments):
        # The value is not echoed: it is a secret, and already exposed in `ps`.
        _complain(
            "invalid input: --api-key: a key on the command line is visible to every user"
            " (ps); use --api-key-file FILE or JUSPAY_API_KEY"
        )
        return 2
    try:
        args = _parser().parse_args(arguments)
    except SystemExit as stop:  # --help, or a usage error, already printed
        return stop.code if isinstance(stop.code, int) else 2
    try:
        params = _json_params(args)
        flags = {
            key: value
            for key, value in vars(args).items()
            if key in args.fields and value is not None
        }
        with Juspay(
            _api_key(args.api_key_file),
            base_url=args.base_url,
            environment=args.environment,
            merchant_id=args.merchant_id,
            timeout=NOT_GIVEN if args.timeout is None else args.timeout,
            max_retries=args.max_retries,
        ) as juspay:
            operation = getattr(juspay.customers, args.command)
            ids = (args.customer_id,) if args.customer_id else ()
            customer = operation(*ids, params, **flags)  # a field in both: given more than once
    except ParameterError as error:
        _complain(f"invalid input: {error}")
        return 2
    except JuspayError as error:
        _complain(f"{type(error).__name__}: {error}")
        return 1
    output = json.dumps(customer.to_dict(), indent=2, sort_keys=True)
    if sys.stdout is None:  # started with stdout closed
        return OUTPUT_LOST
    try:
        print(output, flush=True)
    except OSError:  # the reader left (`| head`), or the disk is full: the call was done
        # Python's own flush at exit would fail again: stdout goes to /dev/null.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return OUTPUT_LOST
    return 0


def _complain(message: str) -> None:
    """One line on stderr; nothing if stderr is closed (never on stdout, which is the JSON)."""
    if sys.stderr is not None:
        with contextlib.suppress(OSError):
            print(f"{PROG}: {message}", file=sys.stderr, flush=True)


def _api_key(path: str | None) -> str | None:
    """The first line of the key file, stripped; None (JUSPAY_API_KEY) without one. The
    errors name the option, never the file's content."""
    if path is None:
        return None
    try:
        with open(path, encoding="utf-8") as file:
            key = file.readline().strip()
    except (OSError, UnicodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise ParameterError("--api-key-file", f"cannot be read ({reason})") from None
    if not key:
        raise ParameterError("--api-key-file", "its first line is empty")
    return key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object's members; a key given twice is refused, not silently overwritten."""
    members: dict[str, Any] = {}
    for key, value in pairs:
        if key in members:
            raise ParameterError("--json", f"{shown_key(key)} is given more than once")
        members[key] = value
    return members


def _stdin() -> str:
    """All of stdin, for `--json -`; ParameterError when it is closed or not text."""
    if sys.stdin is None:
        raise ParameterError("--json", "- reads stdin, which is closed")
    try:
        return sys.stdin.read()
    except (OSError, UnicodeError) as error:
        raise ParameterError("--json", f"- cannot read stdin ({type(error).__name__})") from None


def _json_params(args: argparse.Namespace) -> dict[str, Any]:
    """The fields of --json (text, or `-` for stdin); none without it."""
    params: dict[str, Any] = {}
    if args.json is not None:
        text = _stdin() if args.json == "-" else args.json
        try:
            params = json.loads(text, object_pairs_hook=_unique_keys)
        except ParameterError:
            raise
        except RecursionError:
            raise ParameterError("--json", "is nested too deeply") from None
        except ValueError:
            raise ParameterError("--json", "is not valid JSON") from None
        if not isinstance(params, dict):
            raise ParameterError("--json", "must be a JSON object")
    return params


class _Parser(argparse.ArgumentParser):
    """argparse, with its usage errors as one line and exit status 2 like any bad input."""

    known_options: Collection[str] = ()  # every command's, for "did you mean"

    def error(self, message: str) -> NoReturn:
        message = _without_values(message, self.known_options)
        hint = ""
        if "expected one argument" in message or "required: customer_id" in message:
            hint = "; a value starting with '-' goes as --flag=VALUE, an id after --"
        self.exit(2, f"{PROG}: invalid input: {message}{hint}\n")


def _without_values(message: str, known: Collection[str]) -> str:
    """An argparse usage error without the arguments' values: a misspelt key flag
    (`--apikey=KEY`, `--api_key KEY`, `-kKEY`, even `--KEY`) would otherwise show the key on
    stderr and in CI logs. Unrecognised arguments are counted, with the `known` options close
    to them; a value argparse could not read (`--timeout KEY`) or choose is left out."""
    unrecognized = "unrecognized arguments: "
    if message.startswith(unrecognized):
        tokens = message.removeprefix(unrecognized).split(" ")
        names = {match[0] for match in map(_OPTION_NAME.match, tokens) if match is not None}
        close = sorted({m for name in names for m in difflib.get_close_matches(name, known, 1)})
        message = f"{unrecognized}{len(tokens)} (not shown: one may be a key)"
        if close:
            message += f"; did you mean {' or '.join(close)}?"
    message = _INVALID_VALUE.sub(r"\1", message)
    return _INVALID_CHOICE.sub("invalid choice (choose from", message)


_OPTION_NAME = re.compile(r"--?[A-Za-z][A-Za-z0-9_-]*")
_INVALID_VALUE = re.compile(r"(invalid [\w ]+ value|ignored explicit argument):? .*", re.DOTALL)
_INVALID_CHOICE = re.compile(r"invalid choice: .*? \(choose from", re.DOTALL)


def _parser() -> _Parser:
    # No abbreviations: `--api-key` must not pass for `--api-key-file`.
    parser = _Parser(prog=PROG, description=__doc__, allow_abbrev=False)
    parser.add_argument(
        "--api-key-file",
        metavar="FILE",
        help="the API key is its first line; default: JUSPAY_API_KEY",
    )
    parser.add_argument("--base-url", help="default: JUSPAY_BASE_URL or the environment's")
    parser.add_argument("--environment", choices=["sandbox", "production"])
    parser.add_argument("--merchant-id", help="sent as x-merchantid; default JUSPAY_MERCHANT_ID")
    parser.add_argument("--timeout", type=float, help="seconds (default: 5 connect, 30 read)")
    parser.add_argument("--max-retries", type=int, default=2)
    commands = parser.add_subparsers(dest="command", required=True)

    create = commands.add_parser("create", help="create a customer")
    create.set_defaults(customer_id=None)
    _field_flags(create, CREATE_FIELDS)

    get = commands.add_parser("get", help=f"fetch a customer by cst_ id or {LOOKUP_FIELD}")
    get.add_argument("customer_id")
    _field_flags(get, GET_FIELDS, json_input=False)

    update = commands.add_parser("update", help="change some fields of a customer")
    update.add_argument("customer_id")
    _field_flags(update, UPDATE_FIELDS)
    parser.known_options = sorted(
        option
        for each in (parser, create, get, update)
        for action in each._actions  # argparse has no public list of a parser's options
        for option in action.option_strings
    )
    return parser


def _field_flags(
    parser: argparse.ArgumentParser, fields: Mapping[str, type], *, json_input: bool = True
) -> None:
    """One flag per request field (from the spec), and --json for a whole body."""
    names = [public_name(name) for name in fields]
    for name, kind in zip(names, fields.values(), strict=True):
        flag = "--" + name.replace("_", "-")
        if kind is bool:
            parser.add_argument(flag, dest=name, action="store_true", default=None)
        else:
            parser.add_argument(flag, dest=name, metavar="TEXT")
    if json_input:
        parser.add_argument(
            "--json", metavar="OBJECT", help="the fields as a JSON object, - = stdin"
        )
    else:
        parser.set_defaults(json=None)
    parser.set_defaults(fields=frozenset(names))
