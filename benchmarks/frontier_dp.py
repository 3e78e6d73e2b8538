"""Benchmark of the exact frontier DP (bargaining/algorithms/dp/).

    python benchmarks/frontier_dp.py [--cases 8x3x3 ...] [--coupled 10x4x3:10 ...] [--seed 1]
                                     [--negmas-max 2e6] [--brute-max 2e6] [--no-memory] [--no-negmas]

Cases are ``random_scenario(issues, options, parties, seed)`` (every party forbids one option;
reservations at 45% of each party's best) and coupled variants ``coupled_scenario(...)`` with
``IxOxP:K``: K = 10 adds 10 pairwise interactions, 4 two-issue forbids and 2 if-thens; K = 20 adds
20, 8 and 4.  Per case: the frontier size; DP seconds (wall clock after a warm-up of the imports;
one run, or the best of three when under a second); the largest state set of a stage; the largest
carried-class product; the peak of memory allocated during a second, traced run (tracemalloc,
numpy buffers included); NegMAS's ``pareto_frontier`` seconds where it can enumerate (linear-
additive utilities only, so not the coupled cases) and whether its frontier equals the DP's; for
the coupled cases small enough, agreement with numpy brute force.  The load average is printed:
times are noisy when other work runs on the two cores.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import tracemalloc
from pathlib import Path

import moocore
import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from scenarios import coupled_scenario, random_scenario  # noqa: E402

from bargaining.algorithms.dp import NotApplicable, dp_frontier  # noqa: E402

CASES = ["8x3x3", "10x4x3", "20x5x3", "30x5x3", "20x4x4", "15x4x5", "60x5x3", "30x5x4", "40x5x4", "20x5x5"]
COUPLED = ["10x4x3:10", "10x4x3:20", "20x5x3:10", "20x5x3:20", "30x5x3:20", "20x4x4:20", "30x5x4:20"]
COUPLINGS = {10: (10, 4, 2), 20: (20, 8, 4)}
TARGETS = {"30x5x3": 0.5, "20x4x4": 1.0, "40x5x4": 30.0, "20x5x3:20": 30.0, "10x4x3": 0.009}


def build(case: str, seed: int):
    size, _, coupling = case.partition(":")
    issues, options, parties = (int(x) for x in size.split("x"))
    if coupling:
        return coupled_scenario(issues, options, parties, seed, *COUPLINGS[int(coupling)])
    return random_scenario(issues, options, parties, seed)


def frontier_vectors(result) -> set[tuple[int, ...]]:
    """The DP frontier as integer vectors (the benchmark scenarios have integer points)."""
    assert all(d == 1 for d in result.denominators)
    return {tuple(int(v) for v in row) for row in result.scaled.tolist()}


def run_negmas(scenario) -> tuple[float, set[tuple[int, ...]]]:
    """NegMAS 0.16 as in benchmarks/frontier.py: linear-additive utilities with the reservation as
    reserved value; an option a party forbids is worth -1e6 to it, so every outcome with it falls
    below that party's reserved value and is dropped with the other unacceptable outcomes."""
    from negmas import make_issue, make_os
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.ops import pareto_frontier
    from negmas.preferences.value_fun import TableFun

    start = time.perf_counter()
    issues = [make_issue(list(i.option_ids), name=i.id) for i in scenario.issues]
    space = make_os(issues)
    ufuns = []
    for party in scenario.parties:
        banned = {(issue_id, option) for r in scenario.red_lines if r.party == party.id for issue_id, option in r.forbid.items()}
        values = {i.id: TableFun({o: (-1e6 if (i.id, o) in banned else float(scenario.points(party.id, i.id).get(o, 0.0)))
                                  for o in i.option_ids}) for i in scenario.issues}
        ufuns.append(LinearAdditiveUtilityFunction(values=values, weights={i.id: 1.0 for i in scenario.issues},
                                                   outcome_space=space, reserved_value=float(party.reservation)))
    utilities, _ = pareto_frontier(ufuns, issues=issues)
    seconds = time.perf_counter() - start
    return seconds, {tuple(int(round(v)) for v in u) for u in utilities}


def run_brute(scenario) -> set[tuple[int, ...]]:
    """Every package (numpy), acceptability as Scenario.signers for all-veto scenarios, moocore filter."""
    sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
    from oracle import enumerate_packages

    truth = enumerate_packages(scenario)
    assert truth.denominator == 1
    points = np.unique(truth.scaled[truth.acceptable], axis=0)
    keep = moocore.is_nondominated(points.astype(float), maximise=True, keep_weakly=False)
    return {tuple(int(v) for v in row) for row in points[keep]}


def measure(case: str, args) -> dict:
    scenario = build(case, args.seed)
    row: dict = {"case": case, "packages": scenario.package_count()}
    try:
        started = time.perf_counter()
        result = dp_frontier(scenario)
        row["seconds"] = time.perf_counter() - started
        if row["seconds"] < 1.0:  # short runs: the best of three (other load on the machine adds noise)
            for _ in range(2):
                started = time.perf_counter()
                dp_frontier(scenario)
                row["seconds"] = min(row["seconds"], time.perf_counter() - started)
    except NotApplicable as error:
        row["error"] = error.reason
        return row
    row.update(points=len(result), states=result.largest_state_set, carried=result.largest_carried)
    if not args.no_memory:
        tracemalloc.start()
        dp_frontier(scenario)
        row["peak_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    ours = frontier_vectors(result)
    coupled = ":" in case
    if not coupled and not args.no_negmas and row["packages"] <= args.negmas_max:
        seconds, theirs = run_negmas(scenario)
        row.update(negmas=seconds, negmas_agree=theirs == ours)
    if coupled and row["packages"] <= args.brute_max:
        row["brute_agree"] = run_brute(scenario) == ours
    return row


def fmt(value, spec: str = "", missing: str = "-") -> str:
    if value is None:
        return missing
    if isinstance(value, bool):
        return "yes" if value else "NO"
    return format(value, spec)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", nargs="*", default=CASES)
    parser.add_argument("--coupled", nargs="*", default=COUPLED)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--negmas-max", type=float, default=2e6, help="largest outcome space handed to NegMAS")
    parser.add_argument("--brute-max", type=float, default=2e6, help="largest package count for the brute-force check")
    parser.add_argument("--no-memory", action="store_true", help="skip the traced run")
    parser.add_argument("--no-negmas", action="store_true")
    args = parser.parse_args()
    dp_frontier(random_scenario(3, 3, 2, 0))  # imports and first calls out of the timings
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"moocore {moocore.__version__}, load average at start {os.getloadavg()[0]:.2f}, seed {args.seed}")
    header = ["case", "packages", "frontier", "DP s", "target s", "largest states", "carried", "peak MB",
              "NegMAS s", "NegMAS/DP", "agree"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for case in list(args.cases) + list(args.coupled):
        row = measure(case, args)
        if "error" in row:
            print(f"| {case} | {row['packages']:.3g} | not applicable: {row['error']} |", flush=True)
            continue
        agree = row.get("negmas_agree", row.get("brute_agree"))
        agree_text = "-" if agree is None else ("yes" if agree else "NO") + (" (NegMAS)" if "negmas_agree" in row else " (brute)")
        ratio = row["negmas"] / row["seconds"] if "negmas" in row else None
        cells = [case, f"{row['packages']:.3g}", str(row["points"]), f"{row['seconds']:.4f}", fmt(TARGETS.get(case)),
                 str(row["states"]), str(row["carried"]), fmt(row.get("peak_mb"), ".1f"), fmt(row.get("negmas"), ".2f"),
                 fmt(ratio, ",.0f"), agree_text]
        print("| " + " | ".join(cells) + " |", flush=True)
    print(f"# load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
