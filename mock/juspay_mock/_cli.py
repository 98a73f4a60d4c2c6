"""`juspay-mock`: serve the mock from the command line (`make mock`)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

import uvicorn

from . import _uvicorn
from ._app import create_app

ENV_KEYS = "JUSPAY_MOCK_API_KEYS"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="juspay-mock", description="Serve a stateful mock of Juspay's Customers API."
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default: %(default)s)"
    )
    parser.add_argument("--port", type=int, default=8080, help="port (default: %(default)s)")
    parser.add_argument(
        "--api-key",
        dest="api_keys",
        action="append",
        default=[],
        metavar="KEY",
        help=f"an accepted API key; repeat for several (also: {ENV_KEYS}, comma-separated)",
    )
    parser.add_argument("--merchant-id", help="refuse requests whose x-merchantid differs")
    args = parser.parse_args(argv)
    args.api_keys += [key.strip() for key in os.environ.get(ENV_KEYS, "").split(",") if key.strip()]
    if not args.api_keys:
        parser.error(f"give at least one --api-key (or set {ENV_KEYS})")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    app = create_app(args.api_keys, args.merchant_id)
    print(f"juspay-mock: serving on http://{args.host}:{args.port}", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, **_uvicorn.OPTIONS)
