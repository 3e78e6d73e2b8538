"""The main job in seconds (issue 24): what a user waits for, against its target, in one table.

    python benchmarks/main_job.py                 # everything but the test suite (~5 min on a quiet machine)
    python benchmarks/main_job.py --only startup frontier
    python benchmarks/main_job.py --tests         # also the README's test command and .ci/run's slow stage (long)

Rows (each command in a fresh subprocess, as a user runs it; wall seconds, and the CPU seconds of the process and
its children, which on a loaded machine estimate a quiet machine's wall time better):

* report:     ``bargaining report data/europe_russia_ukraine.yaml`` end to end (target 10 s).
* robustness: ``bargaining robustness data/europe_russia_ukraine.yaml --samples 1000`` (the bundled case: real lines,
              reservation ranges; target 10 s).
* frontier:   ``BargainingSpace(s).frontier().to_frame()`` end to end (model build, programme, the exact re-check of
              every package, the four solutions, the table) against ``dp_frontier(s)`` alone, on
              ``random_scenario(I, O, P, 1)`` for 30x5x3, 20x4x4, 15x4x5 (target: within 3x), in one process after a
              warm-up; and ``bargaining frontier`` on 40x5x4 with its peak resident memory (target 600 MB).
* startup:    ``bargaining --version``, ``bargaining check`` and ``bargaining solve`` on docs/examples/minimal.yaml,
              best of three (targets 0.5 s, 0.5 s, 1 s).
* tests:      with ``--tests``: ``python -m pytest -q -n 2`` (target 3 min) and the slow stage of .ci/run (the two
              together: 15 min).

``ratio`` is the measured figure over the target (at most 1: met).  The load average is printed before and after each
row: on two cores, anything above ~1 means other work shared the machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))
BUNDLED = "data/europe_russia_ukraine.yaml"
SMALL = "docs/examples/minimal.yaml"
ROWS: list[tuple[str, str, float, str, float]] = []  # what, measured text, measured value, target text, target value


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def run(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the process and its children, its stderr)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        print(f"# {' '.join(command)}: exit {done.returncode}: {done.stderr.strip()[-300:]}", file=sys.stderr)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stderr


def row(what: str, wall: float, cpu: float, target: float, unit: str = "s", at: str = "") -> None:
    ROWS.append((what, f"{wall:.2f} {unit} (CPU {cpu:.2f} s)" if unit == "s" else f"{wall:.0f} {unit}", wall,
                 f"{target:g} {unit}", target))
    print(f"| {what} | {ROWS[-1][1]} | {target:g} {unit} | {wall / target:.2f} | {at or load()} |", flush=True)


def bargaining(*args: str) -> list[str]:
    return [sys.executable, "-c", "import sys; from bargaining.cli import main; sys.exit(main())", *args]


def report() -> None:
    at = load()
    with tempfile.TemporaryDirectory() as folder:
        wall, cpu, _ = run(bargaining("report", BUNDLED, "-o", str(Path(folder) / "report.html")))
    row("report, bundled case", wall, cpu, 10.0, at=f"{at} -> {load()}")


def robustness() -> None:
    at = load()
    wall, cpu, _ = run(bargaining("robustness", BUNDLED, "--samples", "1000"))
    row("robustness, bundled case, 1,000 worlds", wall, cpu, 10.0, at=f"{at} -> {load()}")


FRONTIER_CODE = """
import sys, time
sys.path.insert(0, 'benchmarks')
from scenarios import random_scenario
from bargaining import BargainingSpace
from bargaining.algorithms.programme import frontier as dp_frontier
i, o, p = map(int, sys.argv[1].split('x'))
s = random_scenario(i, o, p, 1)
dp_frontier(s); BargainingSpace(s).frontier().to_frame()  # warm-up
dp = min(time_ for time_ in [(lambda t: (dp_frontier(s), time.perf_counter() - t)[1])(time.perf_counter()) for _ in range(3)])
ends = []
for _ in range(3):
    t = time.perf_counter(); f = BargainingSpace(s).frontier(); f.to_frame(); ends.append(time.perf_counter() - t)
print(len(f), dp, min(ends))
"""


def frontier() -> None:
    for case in ("30x5x3", "20x4x4", "15x4x5"):
        at = load()
        out = subprocess.run([sys.executable, "-c", FRONTIER_CODE, case], cwd=ROOT, capture_output=True, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True).stdout.split()
        points, dp, end = int(out[0]), float(out[1]), float(out[2])
        ROWS.append((f"frontier {case} end to end / programme", f"{end:.3f} s / {dp:.3f} s", end / dp, "3x", 3.0))
        print(f"| frontier {case} ({points:,} points): end to end / programme alone | {end:.3f} s / {dp:.3f} s = "
              f"{end / dp:.1f}x | 3x | {end / dp / 3:.2f} | {at} -> {load()} |", flush=True)
    from scenarios import random_scenario

    at = load()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random_40x5x4.yaml"
        path.write_text(random_scenario(40, 5, 4, 1).to_yaml())
        wall, cpu, err = run(["/usr/bin/time", "-f", "peak %M", *bargaining("frontier", str(path), "--time-limit", "0")])
    peak = float(err.strip().splitlines()[-1].split()[-1]) / 1024  # /usr/bin/time's maximum resident set, kB
    row("bargaining frontier 40x5x4: peak memory", peak, cpu, 600.0, unit="MB", at=f"{at} -> {load()}")
    row("bargaining frontier 40x5x4: seconds", wall, cpu, 60.0, at=f"{at} -> {load()}")


def startup() -> None:
    for what, command, target in [("bargaining --version", bargaining("--version"), 0.5),
                                  ("bargaining check (small file)", bargaining("check", SMALL), 0.5),
                                  ("bargaining solve (tiny case)", bargaining("solve", SMALL), 1.0)]:
        best = min((run(command) for _ in range(3)), key=lambda x: x[0])
        row(what, best[0], best[1], target)


def tests() -> None:
    at = load()
    wall, cpu, _ = run([sys.executable, "-m", "pytest", "-q", "-n", "2", "-p", "no:cacheprovider"])
    row("README's test command (pytest -n 2)", wall, cpu, 180.0, at=f"{at} -> {load()}")
    at = load()
    slow, cpu2, _ = run([sys.executable, "-m", "pytest", "-q", "-n", "2", "-m", "not browser", "-p", "no:cacheprovider"],
                        env={"HYPOTHESIS_PROFILE": "fresh"})
    row(".ci/run's slow stage", slow, cpu2, 600.0, at=f"{at} -> {load()}")
    row(".ci/run's two stages", wall + slow, cpu + cpu2, 900.0)


STEPS = {"startup": startup, "frontier": frontier, "report": report, "robustness": robustness, "tests": tests}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=list(STEPS), help="only these rows")
    parser.add_argument("--tests", action="store_true", help="also time the test suite (long)")
    args = parser.parse_args()
    chosen = args.only or [s for s in STEPS if s != "tests" or args.tests]
    print(f"# main job {time.strftime('%Y-%m-%d %H:%M')}: {os.cpu_count()} cores, load average {load()} at the start")
    print("| what | measured | target | ratio | load |")
    print("|---|---|---|---|---|")
    for step in chosen:
        STEPS[step]()
    met = sum(1 for *_, value, _, target in ROWS if value <= target)
    print(f"# {met} of {len(ROWS)} rows within target; load average {load()} at the end")


if __name__ == "__main__":
    main()
