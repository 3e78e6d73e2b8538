"""``bargaining hold``: will the deal hold step by step, and what would make it hold (docs/holding.md)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..criteria import CRITERIA
from . import common
from .common import EXIT_NO_DEAL, EXIT_OK, FORMAT_HELP, UsageError, announced, open_space


def add_parser(subcommands: Any) -> None:
    text = ("will the deal hold step by step: the best phased plan in which no party gains by defecting (or why there is "
            "none: who gains by defecting, where, by how much), what would make it hold, which threats are credible, and "
            "whether the signed package is stable")
    hold = subcommands.add_parser("hold", help=text, description=text)
    hold.add_argument("file", metavar="FILE", help=f"scenario file (YAML or JSON, format 1; see {FORMAT_HELP})")
    hold.add_argument("--phases", type=int, default=3, help="number of phases (default 3)")
    hold.add_argument("--objective", choices=CRITERIA, default="maxmin", help="bargaining criterion (default: maxmin)")
    hold.add_argument("--coalition-size", type=int, default=2, metavar="K",
                      help="stability: coalitions of up to K parties renege together (default 2)")
    hold.add_argument("--json", action="store_true", help="print the results as JSON (the API's names)")
    default = common.DEFAULT_TIME_LIMIT
    hold.add_argument("--time-limit", type=common.seconds, default=default, metavar="SECONDS",
                      help=f"stop the whole command after this long (default {default:g}; 0: no limit)")
    hold.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..present.holding import render_holding

    if args.phases < 1:
        raise UsageError(f"--phases must be at least 1, not {args.phases}")
    if args.coalition_size < 1:
        raise UsageError(f"--coalition-size must be at least 1, not {args.coalition_size}")
    space = open_space(args.file)
    with announced(f"bargaining hold ({args.objective}, {args.phases} phases)", args.time_limit), space.deadline(args.time_limit):
        result = space.self_enforcing(args.objective, phases=args.phases)
        packages = []
        best = space.best(args.objective) if result.plan or result.closest or result.phased else None
        if best is not None:
            packages.append(best)
        plan = result.plan.plan.package if result.plan is not None else None
        if plan is not None and (best is None or plan.key() != best.key()):
            packages.append(plan.with_(criterion=f"self-enforcing {args.objective}"))
        stabilities = [space.stability(p, max_size=args.coalition_size) for p in packages]
    if args.json:
        print(json.dumps({"self_enforcing": result.to_dict(), "stability": [s.to_dict() for s in stabilities]}, indent=2, default=float))
    else:
        print(render_holding(result, stabilities))
    return EXIT_OK if result.plan is not None else EXIT_NO_DEAL
