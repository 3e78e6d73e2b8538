"""Whole-command limits on the hostile large case (issue 27, item 1): each command's wall time and peak memory.

    python benchmarks/limits.py [--time-limit 2] [--cap 600] [--commands report robustness ...]

Writes tests/hostile_large.py's cases to a temporary folder, then runs each command on the 60 x 6 x 6 case with
``--time-limit`` (and ``--samples 20`` for robustness and report) in its own process under ``/usr/bin/time``, killed
at ``--cap`` seconds (a "> cap" row), and the memory case with its default options; every run's data segment
is capped at 8 GB as a safety net for the machine (the code before the fix had no budget of its own).  Prints one row per command:
exit code, wall seconds, peak resident memory, and the last line of its stderr; the load average first (timings on a
shared machine are only comparable at the same load).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from hostile_large import large_case, memory_case, write

COMMANDS = {
    "solve": [], "diagnose": [], "frontier": [], "coalitions": [], "leverage": ["i0"], "phased": [], "hold": [],
    "sensitivity": [], "robustness": ["--samples", "20"], "report": ["--samples", "20", "-o", "{out}/report.html"],
}


#: Every run's data segment is capped here (a safety net for the machine: the code before the fix had no budget).
SAFETY_NET = 8 * 2**30


def _safety_net() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_DATA, (SAFETY_NET, resource.RLIM_INFINITY))


def run(argv: list[str], cap: float, cwd: str) -> tuple[str, float, float, str]:
    """(exit code, wall seconds, peak RSS in MB, the last line of stderr) of one command, killed at ``cap`` seconds."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as timing:
        start = time.perf_counter()
        process = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", timing.name, *argv], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True, start_new_session=True, preexec_fn=_safety_net,
                                   cwd=cwd)  # not the repository: python -m would import its bargaining before PYTHONPATH's
        try:
            _, err = process.communicate(timeout=cap)
            code = str(process.returncode)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            _, err = process.communicate()
            code = f"> {cap:.0f} s"
        wall = time.perf_counter() - start
        text = timing.read().strip().splitlines()
        peak = float(text[-1]) / 1024 if text and text[-1].isdigit() else float("nan")
    lines = [x for x in err.strip().splitlines() if x.strip() and "\r" not in x]
    return code, wall, peak, (lines[-1] if lines else "")[:110]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", default="2")
    parser.add_argument("--cap", type=float, default=600.0, help="kill a command after this many seconds")
    parser.add_argument("--commands", nargs="*", default=list(COMMANDS))
    parser.add_argument("--no-memory", action="store_true", help="skip the memory case")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        large = write(large_case(), Path(folder) / "hostile_large.yaml")
        memory = write(memory_case(), Path(folder) / "hostile_memory.yaml")
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
        print(f"{'command':<34} {'exit':>8} {'wall s':>8} {'peak MB':>8}  last line of stderr")
        bargaining = [sys.executable, "-m", "bargaining.cli"]
        cases = [(name, [*bargaining, name, str(large), *(a.format(out=folder) for a in COMMANDS[name]),
                         "--time-limit", args.time_limit]) for name in args.commands]
        if not args.no_memory:
            cases += [("frontier (memory case, defaults)", [*bargaining, "frontier", str(memory)]),
                      ("report (memory case, defaults)", [*bargaining, "report", str(memory), "-o", f"{folder}/m.html"])]
        for name, argv in cases:
            code, wall, peak, last = run(argv, args.cap, folder)
            label = name if "memory" in name else f"{name} --time-limit {args.time_limit}"
            print(f"{label:<34} {code:>8} {wall:>8.1f} {peak:>8.0f}  {last}", flush=True)
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
