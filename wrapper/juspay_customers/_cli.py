"""`juspay-customers`: create, get or update a customer from a shell; JSON out.

Exit status: 0 done, 1 the API or the network failed, 2 bad input (nothing was sent).
The API key comes from JUSPAY_API_KEY (or --api-key); errors are one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from juspay_customers_client.models import CreateCustomerRequest, UpdateCustomerRequest

from ._errors import JuspayError, ParameterError
from ._options import NOT_GIVEN
from ._params import declared_fields, public_name

PROG = "juspay-customers"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    from ._client import Juspay

    args = _parser().parse_args(argv)
    try:
        params = _params(args)
        with Juspay(
            args.api_key,
            base_url=args.base_url,
            environment=args.environment,
            merchant_id=args.merchant_id,
            timeout=NOT_GIVEN if args.timeout is None else args.timeout,
            max_retries=args.max_retries,
        ) as juspay:
            operation = getattr(juspay.customers, args.command)
            customer = (
                operation(args.customer_id, params) if args.customer_id else operation(params)
            )
    except ParameterError as error:
        print(f"{PROG}: invalid input: {error}", file=sys.stderr)
        return 2
    except JuspayError as error:
        print(f"{PROG}: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(json.dumps(customer.to_dict(), indent=2, sort_keys=True))
    return 0


def _params(args: argparse.Namespace) -> dict[str, Any]:
    """Fields from --json (text, or `-` for stdin), then from flags, which win."""
    params: dict[str, Any] = {}
    if args.json is not None:
        text = sys.stdin.read() if args.json == "-" else args.json
        try:
            params = json.loads(text)
        except ValueError:
            raise ParameterError("--json", "is not valid JSON") from None
        if not isinstance(params, dict):
            raise ParameterError("--json", "must be a JSON object")
    flags = {key: value for key, value in vars(args).items() if key in args.fields}
    return params | {key: value for key, value in flags.items() if value is not None}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__)
    parser.add_argument("--api-key", help="default: JUSPAY_API_KEY")
    parser.add_argument("--base-url", help="default: JUSPAY_BASE_URL or the environment's")
    parser.add_argument("--environment", choices=["sandbox", "production"])
    parser.add_argument("--merchant-id", help="sent as x-merchantid; default JUSPAY_MERCHANT_ID")
    parser.add_argument("--timeout", type=float, help="seconds (default: 5 connect, 30 read)")
    parser.add_argument("--max-retries", type=int, default=2)
    commands = parser.add_subparsers(dest="command", required=True)

    create = commands.add_parser("create", help="create a customer")
    create.set_defaults(customer_id=None)
    _field_flags(create, declared_fields(CreateCustomerRequest))

    get = commands.add_parser("get", help="fetch a customer by cst_ id or object_reference_id")
    get.add_argument("customer_id")
    _field_flags(get, {"get_client_auth_token": bool}, json_input=False)

    update = commands.add_parser("update", help="change some fields of a customer")
    update.add_argument("customer_id")
    _field_flags(update, declared_fields(UpdateCustomerRequest))
    return parser


def _field_flags(
    parser: argparse.ArgumentParser, fields: Mapping[str, type], *, json_input: bool = True
) -> None:
    """One flag per request field (from the generated model), and --json for a whole body."""
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
