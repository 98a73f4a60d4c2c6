"""`juspay-mock`: serve the mock from the command line (`make mock`).

Every error is one line on stderr and exit status 2: a bad argument, an empty API key, a port
that cannot be listened on, or a missing `mock` extra. The extra's modules are imported in
`main()` only, so an install without it can still say what to install. The address is
printed once the server accepts requests, with the port it really got (`--port 0`).
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from ._limits import DEFAULT_JOURNAL_SIZE, MAX_JOURNAL_SIZE, MAX_TIMEOUT, Limits

ENV_KEYS = "JUSPAY_MOCK_API_KEYS"
ENV_ADMIN_TOKEN = "JUSPAY_MOCK_ADMIN_TOKEN"  # noqa: S105 (a variable's name)
ENV_STORE = "JUSPAY_MOCK_STORE"
# From a clone's folder or the wheel: the package is not on PyPI, and a name pip looks up in an
# index could be anyone's.
EXTRA = 'pip install "./juspay-customers[mock]" (a clone; or the wheel with [mock])'
USAGE_ERROR = 2


class _Parser(argparse.ArgumentParser):
    """argparse with each error on one line; the usage is one `--help` away."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message}\n")


def _whole(text: str) -> int:
    """A decimal whole number; -1 for anything else."""
    try:
        return int(text) if text.isascii() and text.isdigit() else -1
    except ValueError:  # over 4,300 digits
        return -1


def _port(text: str) -> int:
    port = _whole(text)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (0-65535; 0 picks a free one)")
    return port


def _count(text: str) -> int:
    count = _whole(text)
    if count < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return count


def _size(text: str) -> int:
    size = _whole(text)
    if not 0 <= size <= MAX_JOURNAL_SIZE:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number in 0-{MAX_JOURNAL_SIZE}")
    return size


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not 0 < seconds <= MAX_TIMEOUT:  # NaN too
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of seconds above 0 and at most {MAX_TIMEOUT:.0f}"
        )
    return seconds


def _parser() -> argparse.ArgumentParser:
    defaults = Limits()
    parser = _Parser(
        prog="juspay-mock", description="Serve a stateful mock of Juspay's Customers API."
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default: %(default)s)"
    )
    parser.add_argument(
        "--port", type=_port, default=8080, help="port; 0 picks a free one (default: %(default)s)"
    )
    parser.add_argument(
        "--api-key",
        dest="api_keys",
        action="append",
        default=[],
        metavar="KEY",
        help=f"an accepted API key; repeat for several (also: {ENV_KEYS}, comma-separated)",
    )
    parser.add_argument("--merchant-id", help="refuse requests whose x-merchantid differs")
    parser.add_argument(
        "--admin-token",
        metavar="TOKEN",
        help=(
            "a Bearer token for control calls on every merchant (better: "
            f"{ENV_ADMIN_TOKEN}, which `ps` does not show; default: none)"
        ),
    )
    parser.add_argument(
        "--store",
        metavar="URL",
        help="where customers live: memory; sqlite:///PATH to keep them across restarts;"
        " redis://HOST:PORT/DB to share them, the journal and faults between processes"
        f" (default: memory; also {ENV_STORE}, which `ps` does not show: for a Redis URL"
        " with a password)",
    )
    parser.add_argument(
        "--workers",
        type=_count,
        default=1,
        metavar="N",
        help="processes serving the port; more than 1 needs a shared --store redis://..."
        " (default: %(default)s)",
    )
    parser.add_argument(
        "--journal-size",
        type=_size,
        default=DEFAULT_JOURNAL_SIZE,
        metavar="N",
        help="requests kept per API key in the journal; 0 keeps none (default: %(default)s)",
    )
    limits = parser.add_argument_group("limits per connection (README: The mock server)")
    limits.add_argument(
        "--max-header-size",
        type=_count,
        default=defaults.max_header_size,
        metavar="BYTES",
        help="a request line and headers over this get 431 (default: %(default)s)",
    )
    limits.add_argument(
        "--request-timeout",
        type=_seconds,
        default=defaults.request_timeout,
        metavar="SECONDS",
        help="a request not fully arrived by then gets 408 (default: %(default)s)",
    )
    limits.add_argument(
        "--keep-alive-timeout",
        type=_seconds,
        default=defaults.keep_alive_timeout,
        metavar="SECONDS",
        help="an idle connection is closed after this (default: %(default)s)",
    )
    limits.add_argument(
        "--max-connections",
        type=_count,
        default=defaults.max_connections,
        metavar="N",
        help="requests on connections beyond these get 503 (default: %(default)s)",
    )
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line, checked: one line on stderr and `SystemExit(2)` if it is wrong."""
    parser = _parser()
    args = parser.parse_args(argv)
    if "" in args.api_keys:
        parser.error("argument --api-key: an API key cannot be empty")
    given = os.environ.get(ENV_KEYS, "")
    if given:
        from_env = [key.strip() for key in given.split(",")]
        if "" in from_env:
            parser.error(
                f"{ENV_KEYS} item {from_env.index('') + 1} is empty; separate keys with single"
                " commas"
            )
        args.api_keys += from_env
    if not args.api_keys:
        unset = f"{ENV_KEYS} is set but empty" if ENV_KEYS in os.environ else f"or set {ENV_KEYS}"
        parser.error(f"give at least one --api-key ({unset})")
    if args.store is None:
        args.store = os.environ.get(ENV_STORE) or "memory"
    if args.workers > 1 and not args.store.startswith(("redis://", "rediss://", "unix://")):
        parser.error(
            f"--workers {args.workers} needs --store redis://HOST:PORT/DB, which the processes"
            " share (customers, journal and faults); a memory or SQLite store is one process's own"
        )
    if args.admin_token is None:
        args.admin_token = os.environ.get(ENV_ADMIN_TOKEN) or None
    args.limits = Limits(
        max_header_size=args.max_header_size,
        request_timeout=args.request_timeout,
        keep_alive_timeout=args.keep_alive_timeout,
        max_connections=args.max_connections,
    )
    return args


def _fail(message: str) -> NoReturn:
    print(f"juspay-mock: error: {message}", file=sys.stderr)
    raise SystemExit(USAGE_ERROR)


def _app(args: argparse.Namespace) -> Any:
    """The app the arguments describe; one line and exit 2 if they describe none."""
    from ._app import create_app

    try:
        return create_app(
            args.api_keys,
            args.merchant_id,
            admin_token=args.admin_token,
            journal_size=args.journal_size,
            store=args.store,
        )
    except ValueError as error:
        _fail(str(error).removeprefix("juspay_mock: "))


def _serve(
    args: argparse.Namespace, app: Any, sock: socket.socket, started: Callable[[], None]
) -> None:
    from . import _uvicorn

    server = _uvicorn.Server(_uvicorn.config(app, args.limits), on_started=started)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # a second Ctrl-C while stopping
        pass
    finally:
        app.control.state.store.close()


ORPHAN_CHECK = 0.5  # seconds between a worker's checks that its parent still runs


def _worker(args: argparse.Namespace, sock: socket.socket, ready: Any) -> None:
    """One of `--workers` processes: its own app and store connection, the shared socket.

    It stops, as on SIGTERM, once its parent is gone: a parent killed with SIGKILL cannot
    stop it, and an orphan would keep the port and serve on unwatched.
    """
    parent = os.getppid()

    def stop_when_orphaned() -> None:
        while os.getppid() == parent:
            time.sleep(ORPHAN_CHECK)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=stop_when_orphaned, name="orphan-check", daemon=True).start()
    _serve(args, _app(args), sock, ready.release)


def _serve_workers(
    args: argparse.Namespace, sock: socket.socket, announce: Callable[[], None]
) -> None:
    """`--workers N` processes accepting on one socket; stops them all on SIGTERM or Ctrl-C."""
    context = multiprocessing.get_context("fork")  # the bound socket is inherited as it is
    ready = context.Semaphore(0)
    workers = [
        context.Process(target=_worker, args=(args, sock, ready), name=f"juspay-mock-{n}")
        for n in range(args.workers)
    ]
    for worker in workers:
        worker.start()

    def stop(signum: int, frame: object) -> None:
        for worker in workers:
            if worker.is_alive():
                os.kill(worker.pid or 0, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    started = 0
    while started < len(workers):
        if ready.acquire(timeout=0.1):
            started += 1
        elif not all(worker.is_alive() for worker in workers):
            stop(signal.SIGTERM, None)
            for worker in workers:
                worker.join()
            _fail("a worker process stopped while starting")
    announce()
    for worker in workers:
        worker.join()


def main(argv: Sequence[str] | None = None) -> None:
    try:
        from . import _uvicorn
    except ImportError as error:
        _fail(f"the mock needs its extra: {EXTRA} ({error.name or error} is missing)")
    args = parse_args(argv)
    app = _app(args)  # checks the arguments (and the store) before anything listens
    try:
        sock = _uvicorn.bind(args.host, args.port)
    except OSError as error:
        app.control.state.store.close()
        _fail(f"cannot listen on {args.host} port {args.port}: {error.strerror or error}")
    host, port = sock.getsockname()[:2]
    url = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def announce() -> None:
        print(f"juspay-mock: serving on {url}", flush=True)

    try:
        if args.workers == 1:
            _serve(args, app, sock, announce)
        else:
            app.control.state.store.close()  # each worker opens its own
            _serve_workers(args, sock, announce)
    finally:
        sock.close()
