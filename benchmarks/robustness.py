"""Uncertainty analyses: seconds per world (serial and on a local Dask cluster), the most robust
package's solve, the share of time inside HiGHS, and the whole ``bargaining robustness`` command.

    python benchmarks/robustness.py [--samples 1000]

Cases: the seed's case as bundled (data/europe_russia_ukraine.yaml: its red lines with ``real``
and ``price``, reservation ranges and points spreads); and a random 30 x 5 x 4 scenario with 10
uncertain red lines (benchmarks/scenarios.py: uncertain_random_scenario).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from scenarios import uncertain_random_scenario

from bargaining import BargainingSpace, Scenario

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "europe_russia_ukraine.yaml"


def per_world(scenario: Scenario, samples: int, scheduler: str) -> tuple[float, float, float, float]:
    """(seconds per world, seconds in all, share of this process's time inside HiGHS, this process's CPU seconds per world)."""
    space = BargainingSpace(scenario, progress=False)
    start, cpu = time.perf_counter(), time.process_time()
    space.deal_probability(samples=samples, seed=0, scheduler=scheduler)
    seconds = time.perf_counter() - start
    return seconds / samples, seconds, space._search.solver.highs_seconds / seconds, (time.process_time() - cpu) / samples


def robust_solve(scenario: Scenario, samples: int) -> tuple[float, float, object]:
    space = BargainingSpace(scenario, progress=False)
    start = time.perf_counter()
    package = space.most_robust(samples=samples, seed=0)
    seconds = time.perf_counter() - start
    return seconds, space._search.solver.highs_seconds / seconds, package


def command(path: str, samples: int) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bargaining.cli", "robustness", path, "--samples", str(samples)], check=False,
                   cwd=ROOT, stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--per-world-random", type=int, default=300,
                        help="worlds for the per-world timing of the random case (its maxmin solves are slow)")
    args = parser.parse_args()
    n = args.samples
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start; {n} worlds")
    seed = Scenario.from_yaml(SEED)
    random = uncertain_random_scenario(30, 5, 4, seed=0, uncertain=10)
    rows = []
    for name, scenario, timed in (("seed case", seed, n), ("random 30x5x4, 10 uncertain lines", random, args.per_world_random)):
        robust = robust_solve(scenario, n)
        serial = per_world(scenario, timed, "serial")
        local = per_world(scenario, timed, "local")
        rows.append((name, serial, local, robust))
        print(f"{name}: serial {serial[0] * 1000:.1f} ms/world ({serial[1]:.1f} s, {serial[2]:.0%} in HiGHS, "
              f"{serial[3] * 1000:.1f} ms CPU/world); "
              f"local cluster {local[0] * 1000:.1f} ms/world ({local[1]:.1f} s); most robust {robust[0]:.2f} s "
              f"({robust[1]:.0%} in HiGHS): {getattr(robust[2], 'wins', None)} of {n} worlds; per-world timings over {timed} worlds",
              flush=True)
    whole = command(str(SEED), n)
    print(f"bargaining robustness on the seed case, {n} worlds: {whole:.1f} s")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    print()
    print("| case | serial ms/world (wall) | serial ms/world (CPU) | HiGHS share (serial) | local cluster ms/world | "
          "most robust s | HiGHS share (most robust) |")
    print("|---|---|---|---|---|---|---|")
    for name, serial, local, robust in rows:
        print(f"| {name} | {serial[0] * 1000:.1f} | {serial[3] * 1000:.1f} | {serial[2]:.0%} | {local[0] * 1000:.1f} | "
              f"{robust[0]:.2f} | {robust[1]:.0%} |")
    print(f"| full `bargaining robustness`, seed case, {n} worlds | | | | | {whole:.1f} (whole command) | |")


if __name__ == "__main__":
    main()
