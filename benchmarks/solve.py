"""Build and solve maxmin on seeded random scenarios; print build, solve and HiGHS times.

    python benchmarks/solve.py

Columns: model build (Scenario -> Pyomo model -> HiGHS instance), the maxmin solve (all its
stages: the floor, the tie-breaks), HiGHS's own run time summed over those solves, the end
to end total, and total / HiGHS (the modelling overhead: 1.0 would mean no overhead).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from scenarios import random_scenario  # noqa: E402

from bargaining import BargainingSpace  # noqa: E402

SIZES = [(10, 3, 2), (20, 4, 3), (40, 5, 4), (60, 5, 6)]
TARGET = (60, 5, 6)


def main() -> None:
    print(f"{'issues x options x parties':>27} {'build s':>8} {'solve s':>8} {'HiGHS s':>8} {'total s':>8} {'total/HiGHS':>11} {'solves':>6}  maxmin gains")
    for size in SIZES:
        scenario = random_scenario(*size, seed=1)
        start = time.perf_counter()
        space = BargainingSpace(scenario)
        built = time.perf_counter()
        highs_before = space.search.solver.highs_seconds
        package = space.best("maxmin")
        done = time.perf_counter()
        highs = space.search.solver.highs_seconds - highs_before
        total = done - start
        gains = "none acceptable" if package is None else " ".join(f"{g:g}" for g in package.gains.values())
        mark = "  <- target: under 1 s end to end" if size == TARGET else ""
        print(f"{' x '.join(map(str, size)):>27} {built - start:>8.3f} {done - built:>8.3f} {highs:>8.3f} {total:>8.3f} {total / max(highs, 1e-9):>11.1f} {space.solver_calls:>6}  {gains}{mark}")


if __name__ == "__main__":
    main()
