"""One bargaining solution (maxmin): best() as it is now (the exact programme first, within a small
budget) against the mixed-integer search alone, on seeded random scenarios.

    python benchmarks/solve.py [--seeds 3] [--criterion maxmin]
    python benchmarks/solve.py --dp-seconds 2 --dp-states 1000000 --no-estimate   # the first budget

For each size and seed (model build, ``BargainingSpace(scenario)``, printed apart):

* mip:  ``solutions.best_package(search, criterion, parties)``: the criterion's solve and the
        tie-break (largest total among optimal packages, so the answer is Pareto-optimal);
* best: ``space.best(criterion)`` on a second model of its own: the programme first (``programme.budget.BUDGETS["best"]``: its seconds and
        states per stage, with the cheap size estimate); the
        package read off the exact frontier when it answers, else the MIP as above.

Printed: both times, which path answered best() and what the programme cost when it gave up,
best - mip (the target: never more than about 0.5 s where the programme does not answer), and
whether both found the same smallest gain.  Scenarios: benchmarks/scenarios.py (integer points
0-20, reservations at 45% of each party's best total, one forbidden option per party).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from scenarios import random_scenario  # noqa: E402

from bargaining import BargainingSpace  # noqa: E402
from bargaining.algorithms.programme import budget as budget_module  # noqa: E402
from bargaining.algorithms.solutions import best_package  # noqa: E402

SIZES = [(10, 3, 2), (20, 4, 3), (40, 5, 4), (60, 5, 6)]
TARGET = (60, 5, 6)


class ProgrammeLog:
    """Wraps the programme as best() calls it: how long each call took and how it ended."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, str]] = []
        self.original = budget_module.frontier

    def __call__(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            found = self.original(*args, **kwargs)
        except Exception as error:
            self.calls.append((time.perf_counter() - started, getattr(error, "reason", type(error).__name__)))
            raise
        self.calls.append((time.perf_counter() - started, f"answered ({len(found):,} points)"))
        return found


def run(size: tuple[int, int, int], seed: int, criterion: str, log: ProgrammeLog) -> dict:
    scenario = random_scenario(*size, seed=seed)
    started = time.perf_counter()
    space = BargainingSpace(scenario)
    built = time.perf_counter()
    mip = best_package(space._search, criterion, space.criteria_parties)
    mip_seconds = time.perf_counter() - built
    fresh = BargainingSpace(random_scenario(*size, seed=seed))  # its own model and solver: no state carried over
    log.calls.clear()
    best_started = time.perf_counter()
    exact = fresh.best(criterion)
    best_seconds = time.perf_counter() - best_started
    programme, how = log.calls[-1] if log.calls else (0.0, "not tried")
    return {
        "build": built - started, "mip": mip_seconds, "best": best_seconds, "programme": programme, "how": how,
        "same": (mip is None and exact is None) or (mip is not None and exact is not None
                                                      and min(mip.exact_gains.values()) == min(exact.exact_gains.values())),
        "min_gain": min(exact.gains.values()) if exact else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="random scenarios per size (default 3)")
    parser.add_argument("--criterion", default="maxmin")
    parser.add_argument("--dp-seconds", type=float, help="best()'s programme budget instead of programme.budget.BUDGETS['best']")
    parser.add_argument("--dp-states", type=int, help="its states per stage instead")
    parser.add_argument("--no-estimate", action="store_true", help="best() without the programme's size estimate")
    args = parser.parse_args()
    best = budget_module.BUDGETS["best"]
    budget_module.BUDGETS["best"] = replace(best, seconds=best.seconds if args.dp_seconds is None else args.dp_seconds,
                                            max_states=best.max_states if args.dp_states is None else args.dp_states,
                                            estimate=best.estimate and not args.no_estimate)
    best = budget_module.BUDGETS["best"]
    log = ProgrammeLog()
    budget_module.frontier = log
    BargainingSpace(random_scenario(3, 3, 2, seed=0)).best(args.criterion)  # imports and first calls out of the timings
    print(f"# {args.criterion}; best() budget: {best.seconds:g} s, {best.max_states:,} states, "
          f"size estimate {best.estimate}; load average at start {os.getloadavg()[0]:.2f}")
    print("| issues x options x parties | seed | build s | MIP s | best() s | best - MIP s | programme | same answer | min gain |")
    print("|---|---|---|---|---|---|---|---|---|")
    for size in SIZES:
        mips, bests = [], []
        for seed in range(1, args.seeds + 1):
            r = run(size, seed, args.criterion, log)
            mips.append(r["mip"])
            bests.append(r["best"])
            print(f"| {' x '.join(map(str, size))} | {seed} | {r['build']:.3f} | {r['mip']:.3f} | {r['best']:.3f} | {r['best'] - r['mip']:+.3f} | "
                  f"{r['how']} in {r['programme']:.3f} s | {'yes' if r['same'] else 'NO'} | {r['min_gain']:g} |", flush=True)
        note = " (target: under 1 s)" if size == TARGET else ""
        print(f"| {' x '.join(map(str, size))} | median | | {statistics.median(mips):.3f} | {statistics.median(bests):.3f}{note} | | | | |")
    print(f"# load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
