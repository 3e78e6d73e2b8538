"""``bargaining explore FILE [--port N] [--host H]``: the live what-if page (see :mod:`bargaining.explore`)."""

from __future__ import annotations

import argparse
from typing import Any

from .common import EXIT_OK, FILE_HELP, UsageError, load


def add_parser(subcommands: Any) -> None:
    explore = subcommands.add_parser(
        "explore", help="a live what-if page in the browser: change red lines, reservations, probabilities, who takes part; "
        "the answers follow", description="serve a live what-if page for FILE on this machine (127.0.0.1) until Ctrl-C; "
        "open the printed address in a browser")
    explore.add_argument("file", metavar="FILE", help=FILE_HELP)
    explore.add_argument("--port", type=_port, default=8050, metavar="N", help="the port; 0: any free port (default: 8050)")
    explore.add_argument("--host", default="127.0.0.1", metavar="H",
                         help="the address to listen on; the page has no login, so keep it on this machine (default: 127.0.0.1)")
    explore.set_defaults(run=explore_command)


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is between 0 and 65535, not {value}")
    return value


def explore_command(args: argparse.Namespace) -> int:
    try:
        from ..explore import PortInUse, serve
    except ImportError as error:  # Dash and its background-job packages are an optional extra
        raise UsageError(f"bargaining explore needs Dash: pip install 'bargaining[explore]' ({error})") from None
    scenario = load(args.file)
    try:
        serve(scenario, host=args.host, port=args.port)
    except PortInUse as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {error.strerror or error}") from None
    return EXIT_OK
