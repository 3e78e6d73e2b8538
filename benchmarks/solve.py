"""Build and solve maxmin on seeded random scenarios; print build, solve and HiGHS times.

    python benchmarks/solve.py [--seeds 3]

For each size and seed: model build (Scenario -> Pyomo model -> persistent HiGHS instance),
the maxmin criterion solve (largest smallest gain), the tie-break solve (largest total among
maxmin-optimal packages, which makes the answer Pareto-optimal), HiGHS's own run time over
both, the end-to-end total, and total / HiGHS: the modelling overhead (1.0 = none).
Scenarios: benchmarks/scenarios.py (integer points 0-20, reservations at 45% of each
party's best total, one forbidden option per party).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from scenarios import random_scenario  # noqa: E402

from bargaining import BargainingSpace  # noqa: E402

SIZES = [(10, 3, 2), (20, 4, 3), (40, 5, 4), (60, 5, 6)]
TARGET = (60, 5, 6)


def run(size: tuple[int, int, int], seed: int) -> dict[str, float]:
    scenario = random_scenario(*size, seed=seed)
    start = time.perf_counter()
    space = BargainingSpace(scenario)
    built = time.perf_counter()
    package = space.best("maxmin")
    done = time.perf_counter()
    log = space.search.solver.log
    return {
        "build": built - start,
        "criterion": log[0][0],
        "tie_break": sum(x[0] for x in log[1:]),
        "highs": sum(x[1] for x in log),
        "total": done - start,
        "solves": len(log),
        "min_gain": min(package.gains.values()) if package else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="random scenarios per size (default 3)")
    seeds = range(1, parser.parse_args().seeds + 1)
    header = f"{'issues x options x parties':>27} {'seed':>4} {'build s':>8} {'maxmin s':>8} {'tie s':>7} {'HiGHS s':>8} {'total s':>8} {'total/HiGHS':>11} {'solves':>6} {'min gain':>8}"
    print(header)
    for size in SIZES:
        totals = []
        for seed in seeds:
            r = run(size, seed)
            totals.append(r["total"])
            print(f"{' x '.join(map(str, size)):>27} {seed:>4} {r['build']:>8.3f} {r['criterion']:>8.3f} {r['tie_break']:>7.3f} {r['highs']:>8.3f} "
                  f"{r['total']:>8.3f} {r['total'] / max(r['highs'], 1e-9):>11.2f} {r['solves']:>6} {r['min_gain']:>8g}")
        note = "   <- target: under 1 s end to end" if size == TARGET else ""
        print(f"{'':>27} median total {statistics.median(totals):.3f} s{note}")


if __name__ == "__main__":
    main()
