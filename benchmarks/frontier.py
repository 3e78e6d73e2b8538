"""Pareto frontier benchmark: the exact dynamic programme (the default) against the mixed-integer
search, NegMAS, brute force and (optionally) pyaugmecon, in one run.

    python benchmarks/frontier.py                       # every case below, ~30-40 min on 2 cores
    python benchmarks/frontier.py --quick               # 8x3x3, 10x4x3, 10x4x3:10
    python benchmarks/frontier.py --cases 30x5x3 20x5x3:20 --mip-limit 30 --pyaugmecon

Cases: ``IxOxP`` is ``random_scenario(I, O, P, seed)`` (benchmarks/scenarios.py: integer points
0-20, reservations at 45% of each party's best total, each party forbids one option);
``IxOxP:10`` and ``IxOxP:20`` are ``coupled_scenario`` variants with 10 random pairwise
interactions, 4 two-issue forbids and 2 if-thens, or 20, 8 and 4.

Per case, each method in its own subprocess (a fresh process: its peak memory is its own; killed
with its process group at its time limit):

* dp:    ``dp_frontier(scenario)`` after a warm-up; wall seconds (best of three when under a
         second), the largest state set after a stage, the largest carried-class product, and
         the process's peak resident memory (VmHWM; the imports alone are about 170 MB).
* space: end to end, ``BargainingSpace(scenario).frontier().to_frame()`` as a user calls it (model build +
         programme + re-check + the four solutions + the DataFrame), then the same steps timed
         one by one, to say where the time goes.
* mip:   ``find_frontier(search, parties, method="mip", time_limit=L)`` (the search-region
         method on the persistent HiGHS model; helper processes join after 2 s): seconds,
         solver calls, answers re-checked without presolve and how many of those HiGHS's
         presolve had got wrong; ``> L`` when the limit stopped it (the points found so far).
* negmas: ``negmas.preferences.ops.pareto_frontier`` (it enumerates the outcome space; only up
         to ``--negmas-max`` outcomes, random cases only: NegMAS has no red lines or
         interactions, a forbidden option is worth -1e6 to its party).
* brute: every package (tests/oracle.py, numpy) and a moocore non-dominance filter, up to
         ``--brute-max`` packages.
* pyaugmecon (``--pyaugmecon``; random cases only): AUGMECON2 with an exact grid on a plain
         Pyomo model, HiGHS through appsi; see benchmarks/README.md for why it is optional.

``agree``: the frontiers of every method that finished, as sets of integer utility vectors,
equal the programme's exactly.  The 1-minute load average is printed at the start of each case:
on two cores, anything above ~1 means other work shared the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from scenarios import coupled_scenario, random_scenario  # noqa: E402

CASES = ["8x3x3", "10x4x3", "20x5x3", "30x5x3", "20x4x4", "15x4x5", "60x5x3", "30x5x4", "40x5x4", "20x5x5"]
COUPLED = ["10x4x3:10", "10x4x3:20", "20x5x3:10", "20x5x3:20", "30x5x3:20", "20x4x4:20", "30x5x4:20"]
QUICK = ["8x3x3", "10x4x3", "10x4x3:10"]
COUPLINGS = {10: (10, 4, 2), 20: (20, 8, 4)}  # interactions, two-issue forbids, if-thens
#: The frontier issue's targets: seconds for the programme (end to end for the coupled case).
TARGETS = {"30x5x3": 0.5, "20x4x4": 1.0, "40x5x4": 30.0, "20x5x3:20": 30.0}
#: ... and 40x5x4 within 1 GB, 10x4x3 at least 1,000x faster than NegMAS.
MEMORY_TARGET = {"40x5x4": 1000.0}
NEGMAS_RATIO_TARGET = {"10x4x3": 1000.0}
#: Seconds a worker may take beyond its own limit (imports, writing its answer) before it is killed.
GRACE = 30.0
#: Largest AUGMECON grid (grid_points^(parties-1)) handed to pyaugmecon, which lists every grid point up front.
MAX_GRID = 5e7


def build(case: str, seed: int):
    size, _, coupling = case.partition(":")
    issues, options, parties = (int(x) for x in size.lower().split("x"))
    if coupling:
        return coupled_scenario(issues, options, parties, seed, *COUPLINGS[int(coupling)])
    return random_scenario(issues, options, parties, seed)


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM), MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def save_vectors(path: str, vectors: np.ndarray) -> None:
    np.save(path, np.asarray(vectors, dtype=np.int64))


# ---------------------------------------------------------------- workers (each in its own process)


def worker_dp(scenario, args) -> dict:
    from bargaining.algorithms.programme import frontier as dp_frontier

    dp_frontier(random_scenario(3, 3, 2, 0))  # imports and first calls out of the timing
    started = time.perf_counter()
    result = dp_frontier(scenario)
    seconds = time.perf_counter() - started
    runs = [seconds]
    while sum(runs) < 1.0 and len(runs) < 3:  # short runs: the best of three (other load adds noise)
        started = time.perf_counter()
        dp_frontier(scenario)
        runs.append(time.perf_counter() - started)
    assert all(d == 1 for d in result.denominators), "the benchmark scenarios have integer points"
    save_vectors(args.vectors, result.scaled.astype(np.int64))
    return {"seconds": min(runs), "points": len(result), "states": result.largest_state_set,
            "carried": result.largest_carried, "peak_mb": peak_rss_mb()}


def worker_space(scenario, args) -> dict:
    from bargaining import BargainingSpace
    from bargaining.algorithms.frontier import find_frontier, solutions_on

    BargainingSpace(random_scenario(3, 3, 2, 0)).frontier(progress=False)  # imports and first calls
    # the steps of BargainingSpace.frontier one by one (on a scenario of its own: nothing cached)
    t0 = time.perf_counter()
    space = BargainingSpace(scenario)
    t1 = time.perf_counter()
    result = find_frontier(space._search, scenario.party_ids)
    t2 = time.perf_counter()
    marked, bests = solutions_on(space._search, result, space.criteria_parties)
    t3 = time.perf_counter()
    frame = marked.to_frame(bests)
    t4 = time.perf_counter()
    steps = {"build": t1 - t0, "programme": result.seconds, "recheck": (t2 - t1) - result.seconds, "solutions": t3 - t2,
             "frame": t4 - t3, "steps": t4 - t0, "rows": len(frame)}
    del space, result, marked, frame
    fresh = build(args.cases[0], args.seed)
    started = time.perf_counter()
    found = BargainingSpace(fresh).frontier(progress=False)
    found.to_frame()  # the table, as the command prints it
    return {"seconds": time.perf_counter() - started, "method": found.method, **steps, "peak_mb": peak_rss_mb()}


def worker_mip(scenario, args) -> dict:
    from bargaining import BargainingSpace
    from bargaining.algorithms.frontier import find_frontier

    BargainingSpace(random_scenario(3, 3, 2, 0)).frontier(method="mip", progress=False, solutions=False)
    started = time.perf_counter()
    space = BargainingSpace(scenario)
    built = time.perf_counter()
    result = find_frontier(space._search, scenario.party_ids, method="mip", time_limit=args.limit)
    done = time.perf_counter()
    solver = space._search.solver
    save_vectors(args.vectors, [[int(package.exact_utilities[p]) for p in scenario.party_ids] for package in result.packages]
                 or np.zeros((0, len(scenario.party_ids))))
    return {"seconds": done - started, "build": built - started, "points": len(result), "complete": result.complete,
            "calls": result.solver_calls, "rechecks": solver.rechecks, "faults": solver.presolve_faults,
            "retries": solver.retries, "peak_mb": peak_rss_mb()}


def worker_brute(scenario, args) -> dict:
    import moocore

    sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
    from oracle import enumerate_packages

    started = time.perf_counter()
    truth = enumerate_packages(scenario)
    assert truth.denominator == 1
    points = np.unique(truth.scaled[truth.acceptable], axis=0)
    keep = moocore.is_nondominated(points.astype(float), maximise=True, keep_weakly=False) if len(points) else []
    save_vectors(args.vectors, points[keep] if len(points) else np.zeros((0, len(scenario.party_ids))))
    return {"seconds": time.perf_counter() - started, "acceptable": int(truth.acceptable.sum())}


@dataclass
class Arrays:
    """A random scenario (forbid red lines only) as integer tables, for NegMAS and pyaugmecon."""
    parties: list[str]
    issues: list[str]
    options: list[list[str]]
    points: np.ndarray  # (parties, issues, options) int64
    forbidden: np.ndarray  # (issues, options) bool: some party forbids it
    forbidden_by: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    reservation: np.ndarray = None  # (parties,) int64


def arrays(scenario) -> Arrays:
    parties = [p.id for p in scenario.parties]
    issues = [i.id for i in scenario.issues]
    options = [list(i.option_ids) for i in scenario.issues]
    width = len(options[0])
    points = np.zeros((len(parties), len(issues), width), dtype=np.int64)
    for a, p in enumerate(parties):
        for k, i in enumerate(issues):
            table = scenario.points(p, i)
            for j, o in enumerate(options[k]):
                points[a, k, j] = int(table[o])
    forbidden = np.zeros((len(issues), width), dtype=bool)
    forbidden_by: dict[str, list[tuple[int, int]]] = {p: [] for p in parties}
    if scenario.interactions or any(line.forbid is None for line in scenario.red_lines):
        raise ValueError("NegMAS and pyaugmecon get the random cases only (forbid red lines, no interactions)")
    for line in scenario.red_lines:
        for issue, option in line.forbid.items():
            k = issues.index(issue)
            forbidden[k, options[k].index(option)] = True
            forbidden_by[line.party].append((k, options[k].index(option)))
    reservation = np.array([int(scenario.party[p].reservation) for p in parties], dtype=np.int64)
    return Arrays(parties, issues, options, points, forbidden, forbidden_by, reservation)


def worker_negmas(scenario, args) -> dict:
    """Linear-additive utility functions, one per party, the reservation as reserved value
    (pareto_frontier keeps only outcomes at or above every reserved value); a forbidden option is
    worth -1e6 to the party that forbids it, so an outcome with it falls below that party's
    reservation and is dropped with the other unacceptable ones.  What NegMAS returns is then the
    non-dominated set of the acceptable outcomes, the set the others compute."""
    from negmas import make_issue, make_os
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.ops import pareto_frontier
    from negmas.preferences.value_fun import TableFun

    a = arrays(scenario)
    started = time.perf_counter()
    issues = [make_issue(list(options), name=name) for name, options in zip(a.issues, a.options)]
    space = make_os(issues)
    ufuns = []
    for p, party in enumerate(a.parties):
        banned = set(a.forbidden_by[party])
        values = {issue.name: TableFun({o: (-1e6 if (k, j) in banned else float(a.points[p, k, j])) for j, o in enumerate(a.options[k])})
                  for k, issue in enumerate(issues)}
        ufuns.append(LinearAdditiveUtilityFunction(values=values, weights={i.name: 1.0 for i in issues}, outcome_space=space,
                                                   reserved_value=float(a.reservation[p])))
    utilities, _ = pareto_frontier(ufuns, issues=issues)
    seconds = time.perf_counter() - started
    found = np.round(np.array([list(u) for u in utilities], dtype=float)).astype(np.int64)
    save_vectors(args.vectors, found.reshape(len(found), len(a.parties)))
    return {"seconds": seconds}


def worker_pyaugmecon(scenario, args) -> dict:
    """pyaugmecon 1.0.8 with an exact grid (see benchmarks/README.md): Pyomo model build + ideal-point
    solves + PyAugmecon(...).solve(), its worker processes on every core."""
    import pyomo.environ as pyo
    from pyaugmecon import PyAugmecon
    from pyaugmecon.model import Model
    from pyomo.contrib.appsi.base import TerminationCondition as TC
    from pyomo.contrib.appsi.solvers import Highs

    def solve(self):  # 1.0.8 asks SolverFactory for arguments Pyomo's HiGHS interfaces reject
        opt = Highs()
        opt.config.load_solution = False
        opt.highs_options = {"mip_rel_gap": 0.0, "mip_abs_gap": 0.0, "threads": 1}
        result = opt.solve(self.model)
        self.result = result
        if result.termination_condition == TC.optimal:
            result.solution_loader.load_vars()
            self.term, self.status = pyo.TerminationCondition.optimal, pyo.SolverStatus.ok
        elif result.termination_condition in (TC.infeasible, TC.infeasibleOrUnbounded):
            self.term, self.status = pyo.TerminationCondition.infeasible, pyo.SolverStatus.warning
        else:
            self.term, self.status = pyo.TerminationCondition.other, pyo.SolverStatus.error

    Model.solve = solve
    a = arrays(scenario)
    os.chdir(args.workdir)
    started = time.perf_counter()
    n_parties, n_issues, width = a.points.shape
    m = pyo.ConcreteModel()
    m.x = pyo.Var(range(n_issues), range(width), domain=pyo.Binary)
    m.one = pyo.Constraint(range(n_issues), rule=lambda m, k: sum(m.x[k, j] for j in range(width)) == 1)
    banned = [(k, j) for k in range(n_issues) for j in range(width) if a.forbidden[k, j]]
    m.banned = pyo.Constraint(range(len(banned)), rule=lambda m, b: m.x[banned[b]] == 0)

    def utility(p):
        return sum(int(a.points[p, k, j]) * m.x[k, j] for k in range(n_issues) for j in range(width))

    m.reservations = pyo.Constraint(range(n_parties), rule=lambda m, p: utility(p) >= int(a.reservation[p]))
    m.obj_list = pyo.ObjectiveList()
    for p in range(n_parties):
        m.obj_list.add(expr=utility(p), sense=pyo.maximize)
    for o in m.obj_list:
        m.obj_list[o].deactivate()
    ideal = []
    for o in m.obj_list:  # exact grid: a step of 1 from ideal down past the reservation (see README)
        m.obj_list[o].activate()
        opt = Highs()
        opt.highs_options = {"mip_rel_gap": 0.0, "threads": 1}
        opt.solve(m)
        ideal.append(round(pyo.value(m.obj_list[o].expr)))
        m.obj_list[o].deactivate()
    grid = int(max(hi - int(r) for hi, r in zip(ideal[1:], a.reservation[1:]))) + 1
    if grid ** (n_parties - 1) > MAX_GRID:
        return {"na": f"grid {grid}^{n_parties - 1}: its work list alone would exhaust memory"}
    solver = PyAugmecon(m, {"name": "frontier", "grid_points": grid, "nadir_points": [hi - (grid - 1) for hi in ideal[1:]],
                            "output_excel": False, "logging_folder": "logs", "pickle_file": "model.p", "process_logging": False})
    sys.stdout = open(os.devnull, "w")  # its progress bar
    solver.solve()
    sys.stdout = sys.__stdout__
    seconds = time.perf_counter() - started
    found = np.round(np.array(solver.get_pareto_solutions(), dtype=float)).astype(np.int64)
    save_vectors(args.vectors, found.reshape(len(found), n_parties))
    return {"seconds": seconds, "grid": grid}


WORKERS = {"dp": worker_dp, "space": worker_space, "mip": worker_mip, "brute": worker_brute,
           "negmas": worker_negmas, "pyaugmecon": worker_pyaugmecon}


def worker_main(args) -> None:
    scenario = build(args.cases[0], args.seed)
    result = WORKERS[args.worker](scenario, args)
    Path(args.out).write_text(json.dumps(result))


# ---------------------------------------------------------------- the harness


def run_worker(method: str, case: str, args, limit: float) -> dict:
    """Run one method in its own process group; kill the group at limit + GRACE.  Its frontier
    comes back as an integer matrix (``vectors``)."""
    with tempfile.TemporaryDirectory(prefix=f"frontier-{method}-") as tmp:
        out, vectors = os.path.join(tmp, "result.json"), os.path.join(tmp, "vectors.npy")
        command = [sys.executable, os.path.abspath(__file__), "--worker", method, "--cases", case, "--seed", str(args.seed),
                   "--out", out, "--vectors", vectors, "--workdir", tmp, "--limit", str(limit)]
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            _, err = proc.communicate(timeout=limit + GRACE)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return {"killed": True, "wall": time.perf_counter() - started}
        if proc.returncode != 0 or not os.path.exists(out):
            return {"error": ((err or "").strip().splitlines() or [f"exit {proc.returncode}"])[-1]}
        result = json.loads(Path(out).read_text())
        if os.path.exists(vectors):
            result["set"] = {tuple(int(x) for x in row) for row in np.load(vectors).tolist()}
        return result


def run_case(case: str, args) -> dict:
    scenario = build(case, args.seed)
    coupled = ":" in case
    packages = scenario.package_count()
    row: dict = {"case": case, "packages": packages, "load": os.getloadavg()[0], "parties": len(scenario.party_ids)}
    log = lambda *x: print(f"  [{case}]", *x, file=sys.stderr, flush=True)  # noqa: E731
    row["dp"] = dp = run_worker("dp", case, args, args.dp_limit)
    log("dp:", brief(dp))
    row["space"] = run_worker("space", case, args, args.dp_limit * 3)
    log("end to end:", brief(row["space"]))
    if args.mip_limit > 0:
        row["mip"] = run_worker("mip", case, args, args.mip_limit)
        log("mip:", brief(row["mip"]))
    if packages <= args.brute_max:
        row["brute"] = run_worker("brute", case, args, args.other_limit)
        log("brute:", brief(row["brute"]))
    if not coupled and packages <= args.negmas_max and not args.no_negmas:
        row["negmas"] = run_worker("negmas", case, args, args.other_limit)
        log("negmas:", brief(row["negmas"]))
    if not coupled and args.pyaugmecon:
        row["pyaugmecon"] = run_worker("pyaugmecon", case, args, args.other_limit)
        log("pyaugmecon:", brief(row["pyaugmecon"]))
    row["load_end"] = os.getloadavg()[0]
    return row


def brief(result: dict) -> str:
    if result.get("killed"):
        return f"killed at its limit ({result['wall']:.0f} s)"
    if "error" in result or "na" in result:
        return result.get("error") or result["na"]
    extra = f", {len(result['set']):,} points" if "set" in result else ""
    return f"{result['seconds']:.3f} s{extra}" + (", incomplete" if result.get("complete") is False else "")


def finished(result: dict | None) -> bool:
    return bool(result) and "set" in result and result.get("complete", True)


def agreement(row: dict) -> str:
    dp = row["dp"]
    if "set" not in dp:
        return "no programme frontier"
    checks, differ = [], []
    for method in ("mip", "brute", "negmas", "pyaugmecon"):
        result = row.get(method)
        if not finished(result):
            continue
        if result["set"] == dp["set"]:
            checks.append(method)
        else:
            differ.append(f"{method}: {len(result['set'] - dp['set'])} only theirs, {len(dp['set'] - result['set'])} only DP")
    if differ:
        return "NO (" + "; ".join(differ) + ")"
    return "yes (" + ", ".join(checks) + ")" if checks else "-"


def seconds_text(result: dict | None, limit: float | None = None) -> str:
    if result is None:
        return "-"
    if result.get("killed"):
        return f"> {limit:g} (killed)"
    if "error" in result:
        return "error"
    if "na" in result:
        return "n/a"
    text = f"{result['seconds']:.3f}" if result["seconds"] < 1 else f"{result['seconds']:.2f}" if result["seconds"] < 100 else f"{result['seconds']:.0f}"
    if result.get("complete") is False:
        return f"> {limit:g} ({len(result['set']):,} pts)"
    return text


def target_text(row: dict) -> str:
    case, dp, space = row["case"], row["dp"], row["space"]
    notes = []
    if case in TARGETS:
        measured = space.get("seconds") if ":" in case else dp.get("seconds")
        if measured is not None:
            notes.append(f"< {TARGETS[case]:g} s {'met' if measured < TARGETS[case] else 'MISSED'}")
    if case in MEMORY_TARGET and "peak_mb" in dp:
        notes.append(f"< {MEMORY_TARGET[case]:g} MB {'met' if dp['peak_mb'] < MEMORY_TARGET[case] else 'MISSED'}")
    if case in NEGMAS_RATIO_TARGET and finished(row.get("negmas")) and "seconds" in dp:
        ratio = row["negmas"]["seconds"] / dp["seconds"]
        notes.append(f">= {NEGMAS_RATIO_TARGET[case]:,.0f}x NegMAS {'met' if ratio >= NEGMAS_RATIO_TARGET[case] else 'MISSED'}")
    return "; ".join(notes) or "-"


def print_tables(rows: list[dict], args) -> None:
    header = ["case", "packages", "frontier", "DP s", "largest states", "carried", "DP peak MB", "end to end s", "MIP s",
              "MIP calls (rechecked, presolve wrong)", "NegMAS s", "NegMAS / DP", "agree", "targets", "load"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        dp, space, mip, negmas = row["dp"], row["space"], row.get("mip"), row.get("negmas")
        if "set" not in dp:
            print(f"| {row['case']} | {row['packages']:.3g} | DP: {brief(dp)} |")
            continue
        calls = "-" if not mip or "calls" not in mip else f"{mip['calls']:,} ({mip['rechecks']:,}, {mip['faults']})"
        ratio = f"{negmas['seconds'] / dp['seconds']:,.0f}x" if finished(negmas) else "-"
        cells = [row["case"], f"{row['packages']:.3g}", f"{len(dp['set']):,}", seconds_text(dp), f"{dp['states']:,}", str(dp["carried"]),
                 f"{dp['peak_mb']:.0f}", seconds_text(space), seconds_text(mip, args.mip_limit), calls,
                 seconds_text(negmas, args.other_limit), ratio, agreement(row), target_text(row), f"{row['load']:.1f}"]
        print("| " + " | ".join(cells) + " |", flush=True)
    print()
    print("Where the end-to-end time goes (BargainingSpace(scenario).frontier(), its steps timed one by one, seconds):")
    print()
    header = ["case", "end to end", "model build", "programme", "re-check", "solutions", "DataFrame", "peak MB"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        s = row["space"]
        if "seconds" not in s:
            print(f"| {row['case']} | {brief(s)} |")
            continue
        print("| " + " | ".join([row["case"], f"{s['seconds']:.3f}", f"{s['build']:.3f}", f"{s['programme']:.3f}", f"{s['recheck']:.3f}",
                                 f"{s['solutions']:.3f}", f"{s['frame']:.3f}", f"{s['peak_mb']:.0f}"]) + " |")
    if any("pyaugmecon" in row for row in rows):
        print()
        print("pyaugmecon: " + "; ".join(f"{row['case']} {seconds_text(row['pyaugmecon'], args.other_limit)}"
                                         for row in rows if "pyaugmecon" in row))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", default=None, help="cases IxOxP or IxOxP:10 / :20 (default: all)")
    parser.add_argument("--quick", action="store_true", help=f"only {', '.join(QUICK)}")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mip-limit", type=float, default=60.0, help="seconds for the MIP per case (default 60; 0 skips it)")
    parser.add_argument("--dp-limit", type=float, default=300.0, help="seconds before the programme's worker is killed (default 300)")
    parser.add_argument("--other-limit", type=float, default=120.0, help="seconds for NegMAS, brute force, pyaugmecon (default 120)")
    parser.add_argument("--negmas-max", type=float, default=4e6, help="largest outcome space handed to NegMAS (default 4e6)")
    parser.add_argument("--brute-max", type=float, default=2e6, help="largest package count enumerated (default 2e6)")
    parser.add_argument("--no-negmas", action="store_true")
    parser.add_argument("--pyaugmecon", action="store_true", help="add pyaugmecon on the random cases (slow: see README)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--vectors", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker_main(args)
        return
    cases = args.cases or (QUICK if args.quick else CASES + COUPLED)
    from importlib.metadata import version

    import bargaining

    print(f"# frontier benchmark {time.strftime('%Y-%m-%d %H:%M')}: {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"highspy {version('highspy')}, seed {args.seed}, MIP limit {args.mip_limit:g} s, "
          f"load average at start {os.getloadavg()[0]:.2f}; bargaining from {Path(bargaining.__file__).parent}", flush=True)
    started = time.perf_counter()
    rows = [run_case(case, args) for case in cases]
    print()
    print_tables(rows, args)
    print(f"\n# load average at end {os.getloadavg()[0]:.2f}; benchmark {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
