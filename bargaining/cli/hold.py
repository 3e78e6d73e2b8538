"""``bargaining hold``: will the deal hold step by step, and what would make it hold (docs/holding.md)."""

from __future__ import annotations

import argparse
import json

from .common import EXIT_NO_DEAL, EXIT_OK, EXIT_TIME_LIMIT, UsageError, announced, load, open_space, say
from .limits import phases_for

HELP = ("will the deal hold step by step: the best phased plan in which no party gains by defecting (or why there is "
        "none: who gains by defecting, where, by how much), what would make it hold, which threats are credible, and "
        "whether the signed package is stable")


def run(args: argparse.Namespace) -> int:
    from ..present.holding import render_holding

    if args.coalition_size < 1:
        raise UsageError(f"--coalition-size must be at least 1, not {args.coalition_size}")
    scenario = load(args.file)
    phases = phases_for(scenario, args.phases)  # before the model's phase copies are built
    space = open_space(scenario)
    with announced(f"bargaining hold ({args.objective}, {phases} phases)", args.time_limit), space.deadline(args.time_limit):
        result = space.self_enforcing(args.objective, phases=phases)
        packages = []
        best = space.best(args.objective) if result.plan or result.closest or result.phased else None
        if best is not None:
            packages.append(best)
        plan = result.plan.plan.package if result.plan is not None else None
        if plan is not None and (best is None or plan.key() != best.key()):
            packages.append(plan.with_(criterion=f"self-enforcing {args.objective}"))
        stabilities = [space.stability(p, max_size=args.coalition_size) for p in packages]
    if args.json:
        say(json.dumps({"self_enforcing": result.to_dict(), "stability": [s.to_dict() for s in stabilities]}, indent=2, default=float))
    else:
        say(render_holding(result, stabilities))
    if result.plan is None and not result.complete:
        return EXIT_TIME_LIMIT  # stopped before a plan was found or ruled out: not "no plan"
    return EXIT_OK if result.plan is not None else EXIT_NO_DEAL
