"""Deals that hold: how long the best self-enforcing plan and the stability of the solutions take.

    python benchmarks/holding.py [--seeds 3] [--criteria maxmin nash] [--phases 3]

Cases: the bundled case as written (closed: the answer is the proof that no package exists), two of its deals
(Moscow's administration demand dropped with the withdrawal at the end; every annotated red line priced), and
``holding_scenario(15, 4, 4, seed)`` from benchmarks/scenarios.py (delivered_by / controlled_by on every issue,
snapbacks on a third of them, 3 credible threats).  Per case and criterion: the seconds of
``space.self_enforcing`` (a fresh space each time: the model build is included), its solver calls, the
answer, and the seconds of ``space.stability`` over the four bargaining solutions (pairs included).
Targets (issue 21): bundled case under 30 s for the plan, under 5 s for the stability of the four solutions;
random 15x4x4 under 60 s.  The load average is printed: the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks"), str(ROOT / "tests")]

from scenarios import holding_scenario

from bargaining import BargainingSpace, Scenario
from bargaining.results import CRITERIA, number


def bundled_cases() -> list[tuple[str, Scenario]]:
    from test_cases import eru_variant

    written = Scenario.from_yaml(ROOT / "data" / "europe_russia_ukraine.yaml")
    data = written.to_dict()
    priced = {line["id"] for line in data["red_lines"] if "real" in line}
    return [("bundled, as written", written),
            ("bundled, admin demand dropped, withdrawal final", eru_variant(data, drop={"ru_donbas_admin"}, final_only={"ru_donbas_withdrawal"})),
            ("bundled, every annotated line priced", eru_variant(data, soften=priced))]


def measure(name: str, scenario: Scenario, criteria: list[str], phases: int) -> list[str]:
    rows = []
    for criterion in criteria:
        space = BargainingSpace(scenario)
        start = time.perf_counter()
        result = space.self_enforcing(criterion, phases=phases)
        seconds = time.perf_counter() - start
        if result.plan is not None:
            answer = f"holds, smallest margin {number(result.plan.smallest or 0)}"
        elif result.closest is not None:
            answer = f"none; closest: {result.closest.describe_violations(scenario, 2)}"
        else:
            answer = "none: " + result.reason.split(":")[0]
        stability = ""
        if criterion == criteria[0]:
            packages = [p for p in (space.best(c) for c in CRITERIA) if p is not None]
            start = time.perf_counter()
            found = [space.stability(p) for p in packages]
            stability = f"{time.perf_counter() - start:.2f} ({len(packages)} solutions; stable: {sum(f.stable for f in found)})"
        rows.append(f"| {name} | {criterion} | {seconds:.2f} | {space.solver_calls} | {answer} | {stability} | {os.getloadavg()[0]:.1f} |")
        print(rows[-1], flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--criteria", nargs="+", default=list(CRITERIA))
    parser.add_argument("--phases", type=int, default=3)
    args = parser.parse_args()
    print(f"# holding benchmark {time.strftime('%Y-%m-%d %H:%M')}: {os.cpu_count()} cores, {args.phases} phases, "
          f"load average at start {os.getloadavg()[0]:.2f}")
    print("| case | criterion | self_enforcing s | solver calls | answer | stability of the solutions s | load |")
    print("|---|---|---|---|---|---|---|")
    for name, scenario in bundled_cases():
        measure(name, scenario, args.criteria, args.phases)
    for seed in range(1, args.seeds + 1):
        measure(f"random 15x4x4 seed {seed}", holding_scenario(15, 4, 4, seed), args.criteria, args.phases)
    print(f"# load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
