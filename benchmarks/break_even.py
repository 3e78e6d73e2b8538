"""Break-even tables: seconds, solver calls and rows for the bundled case and a few others.

    python benchmarks/break_even.py [--repeat 1]

Cases: the bundled case (data/europe_russia_ukraine.yaml, closed: every reservation, price and threshold
against the open/closed finding, the conflict, the concessions, the levers; the model, its continuous
issue ``fund``); data/logrolling.yaml and docs/examples/break_even.yaml (open, discrete: also each
criterion's package, with the points of the packages that compete, on the exact programme); a seeded
random 10 x 3 x 3 scenario (benchmarks/scenarios.py).  Each case builds its model once, then times
``space.break_even()`` alone.  Target (issue 20): the bundled case's full table in under 30 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from scenarios import random_scenario

from bargaining import BargainingSpace, Scenario

ROOT = Path(__file__).resolve().parents[1]


def cases() -> list[tuple[str, Scenario]]:
    return [
        ("bundled case", Scenario.from_yaml(ROOT / "data" / "europe_russia_ukraine.yaml")),
        ("logrolling", Scenario.from_yaml(ROOT / "data" / "logrolling.yaml")),
        ("docs example", Scenario.from_yaml(ROOT / "docs" / "examples" / "break_even.yaml")),
        ("random 10x3x3", random_scenario(10, 3, 3, seed=1)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per case (the table shows the fastest)")
    args = parser.parse_args()
    print(f"# break-even benchmark {time.strftime('%Y-%m-%d %H:%M')}: {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f} at the start")
    print()
    print("| case | findings | inputs | rows | flips | verified | inert | solver calls | method | seconds | target | load |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, scenario in cases():
        best = None
        for _ in range(args.repeat):
            space = BargainingSpace(scenario, progress=False)
            calls = space._search.solver.calls
            start = time.perf_counter()
            table = space.break_even(progress=False)
            seconds = time.perf_counter() - start
            if best is None or seconds < best[0]:
                best = (seconds, table, space._search.solver.calls - calls)
        assert best is not None
        seconds, table, calls = best
        flips = table.flips()
        verified = sum(1 for r in flips if r.verified)
        target = ("< 30 s " + ("met" if seconds < 30 else "MISSED")) if name == "bundled case" else "-"
        print(f"| {name} | {len(table.findings)} | {len({r.input for r in table.rows})} | {len(table.rows)} | {len(flips)} | "
              f"{verified}/{len(flips)} | {len(table.inert())} | {calls:,} | {table.method} | {seconds:.2f} | {target} | "
              f"{os.getloadavg()[0]:.1f} |")


if __name__ == "__main__":
    main()
