"""Pareto frontier benchmark: ours against brute force, pyaugmecon and NegMAS.

    python benchmarks/frontier.py [--cases 8x3x3 10x4x3 ...] [--time-limit S] [--seed N] [--quick]

For each seeded random scenario (issues x options x parties, benchmarks/scenarios.py) the
frontier of the *acceptable* packages (every party's reservation met -- all parties are veto
parties -- and no forbidden option chosen) is computed by

* ours:       ``BargainingSpace(scenario).frontier(solutions=False, time_limit=...)``
              (local-lower-bound search on one persistent HiGHS model);
* brute:      numpy enumeration of every package (only up to ``--brute-max`` packages);
* pyaugmecon: AUGMECON2 (pyaugmecon 1.0.8) on a plain Pyomo model of the same problem,
              HiGHS through Pyomo's appsi interface, exact grid (step <= 1 on integer
              objectives), in a subprocess killed at the time limit;
* negmas:     ``negmas.preferences.ops.pareto_frontier``, which enumerates the outcome space
              (only up to ``--negmas-max`` outcomes), in a subprocess killed at the time limit.

and the frontiers, as sets of utility vectors, are compared with ours.  Times are wall-clock
seconds measured inside the process that does the work, after imports: ours = model build
(Scenario -> Pyomo -> persistent HiGHS) + frontier search; pyaugmecon = Pyomo model build +
three ideal-point solves (to size the exact grid) + ``PyAugmecon(...).solve()``; negmas =
utility-function construction + ``pareto_frontier``; brute = enumeration + filtering +
non-dominance.  pyaugmecon uses every core (its worker processes); the others use one.
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

from scenarios import random_scenario  # noqa: E402

CASES = ["8x3x3", "10x4x3", "20x5x3", "30x5x3", "20x4x4", "15x4x5"]
QUICK = ["8x3x3", "10x4x3"]
#: Cases that get --long-limit instead of --time-limit (the issue's "30x5x3 under 30 s" target).
LONG = {"30x5x3"}
#: Largest AUGMECON grid (grid_points^(parties-1)) handed to pyaugmecon, which lists every grid point up front.
MAX_GRID = 5e7
#: Seconds allowed on top of the time limit for a worker subprocess to import its packages.
STARTUP_GRACE = 20.0


def parse_case(name: str) -> tuple[int, int, int]:
    issues, options, parties = (int(x) for x in name.lower().split("x"))
    return issues, options, parties


# ---------------------------------------------------------------- the scenario as arrays

@dataclass
class Arrays:
    """A random scenario as integer tables: points[p, k, j], forbidden[k, j], reservation[p]."""
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
    width = max(len(o) for o in options)
    if any(len(o) != width for o in options):
        raise ValueError("the benchmark expects the same number of options on every issue")
    points = np.zeros((len(parties), len(issues), width), dtype=np.int64)
    for a, p in enumerate(parties):
        for k, i in enumerate(issues):
            table = scenario.points(p, i)
            for j, o in enumerate(options[k]):
                value = table[o]
                if value != int(value):
                    raise ValueError("the benchmark expects integer points")
                points[a, k, j] = int(value)
    reservation = np.array([scenario.party[p].reservation for p in parties], dtype=float)
    if np.any(reservation != np.round(reservation)):
        raise ValueError("the benchmark expects integer reservations")
    forbidden = np.zeros((len(issues), width), dtype=bool)
    forbidden_by: dict[str, list[tuple[int, int]]] = {p: [] for p in parties}
    for line in scenario.red_lines:
        if line.forbid is None or line.require is not None or line.if_ is not None:
            raise ValueError("the benchmark handles only 'forbid' red lines")
        for issue, option in line.forbid.items():
            k = issues.index(issue)
            forbidden[k, options[k].index(option)] = True
            forbidden_by[line.party].append((k, options[k].index(option)))
    return Arrays(parties, issues, options, points, forbidden, forbidden_by, reservation.astype(np.int64))


def non_dominated(vectors: np.ndarray) -> np.ndarray:
    """The non-dominated rows (maximisation) of an integer matrix, deduplicated.

    Among the rows not yet removed, one of largest sum is non-dominated (a dominator would have a
    larger sum and was either kept -- and removed what it dominates -- or removed by a kept row that
    then dominates this one too); keep it and drop every row it dominates.  O(frontier x rows)."""
    v = np.unique(np.asarray(vectors), axis=0)
    v = v[np.argsort(-v.sum(axis=1), kind="stable")]
    front = []
    while len(v):
        z, v = v[0], v[1:]
        front.append(z)
        v = v[~np.all(v <= z, axis=1)]  # rows are distinct, so <= everywhere means dominated
    return np.array(front, dtype=np.int64).reshape(len(front), np.asarray(vectors).shape[1])


def as_set(vectors) -> set[tuple[int, ...]]:
    return {tuple(int(x) for x in row) for row in vectors}


def rounded(vectors) -> tuple[set[tuple[int, ...]], float]:
    """Float utility vectors rounded to integers, with the largest rounding error seen."""
    a = np.asarray(list(vectors), dtype=float)
    if a.size == 0:
        return set(), 0.0
    r = np.round(a)
    return as_set(r.astype(np.int64)), float(np.max(np.abs(a - r)))


# ---------------------------------------------------------------- ours

def run_ours(scenario, time_limit: float) -> dict:
    from bargaining import BargainingSpace

    start, cpu = time.perf_counter(), time.process_time()
    space = BargainingSpace(scenario)
    built = time.perf_counter()
    log = getattr(getattr(space, "search", None), "solver", None)
    before = len(log.log) if log is not None and hasattr(log, "log") else None
    df = space.frontier(solutions=False, progress=False, time_limit=time_limit)
    done = time.perf_counter()
    parties = [p.id for p in scenario.parties]
    vectors, error = rounded(df[parties].to_numpy(dtype=float))
    if error > 1e-6:
        raise RuntimeError(f"our frontier has non-integer utilities (error {error})")
    solves = [entry[1] for entry in log.log[before:]] if before is not None else []
    return {
        "highs": float(sum(solves)), "highs_median_ms": 1000 * float(np.median(solves)) if solves else float("nan"),
        "highs_last_ms": 1000 * float(np.median(solves[-len(solves) // 10:])) if len(solves) >= 10 else float("nan"),
        "build": built - start, "search": done - built, "seconds": done - start, "cpu": time.process_time() - cpu,
        "vectors": vectors, "complete": bool(df.attrs["complete"]),
        "calls": int(df.attrs["solver_calls"]), "per_point": float(df.attrs["calls_per_point"]),
    }


# ---------------------------------------------------------------- brute force

def run_brute(a: Arrays, chunk: int = 1 << 20) -> dict:
    """Every package: utilities, acceptability (reservations of all parties, forbid red lines), non-dominance."""
    start = time.perf_counter()
    n_parties, n_issues, width = a.points.shape
    total = width ** n_issues
    powers = width ** np.arange(n_issues, dtype=np.int64)
    found = []
    acceptable = 0
    for first in range(0, total, chunk):
        index = np.arange(first, min(total, first + chunk), dtype=np.int64)
        utility = np.zeros((len(index), n_parties), dtype=np.int64)
        ok = np.ones(len(index), dtype=bool)
        for k in range(n_issues):
            digit = (index // powers[k]) % width
            utility += a.points[:, k, digit].T
            ok &= ~a.forbidden[k, digit]
        ok &= np.all(utility >= a.reservation, axis=1)
        acceptable += int(ok.sum())
        if ok.any():
            found.append(np.unique(utility[ok], axis=0))
    vectors = non_dominated(np.vstack(found)) if found else np.zeros((0, n_parties), dtype=np.int64)
    return {"seconds": time.perf_counter() - start, "vectors": as_set(vectors), "acceptable": acceptable}


# ---------------------------------------------------------------- pyaugmecon (worker side)

def pyomo_model(a: Arrays):
    """The plain Pyomo model: a binary per option, one option per issue, forbidden options at 0,
    reservations as constraints, one (deactivated) maximisation objective per party."""
    import pyomo.environ as pyo

    n_parties, n_issues, width = a.points.shape
    m = pyo.ConcreteModel()
    m.K = pyo.RangeSet(0, n_issues - 1)
    m.J = pyo.RangeSet(0, width - 1)
    m.x = pyo.Var(m.K, m.J, domain=pyo.Binary)
    m.one_option = pyo.Constraint(m.K, rule=lambda m, k: sum(m.x[k, j] for j in m.J) == 1)
    banned = [(k, j) for k in range(n_issues) for j in range(width) if a.forbidden[k, j]]
    m.red_lines = pyo.Constraint(range(len(banned)), rule=lambda m, b: m.x[banned[b]] == 0)

    def utility(p):
        return sum(int(a.points[p, k, j]) * m.x[k, j] for k in range(n_issues) for j in range(width))

    m.reservations = pyo.Constraint(range(n_parties), rule=lambda m, p: utility(p) >= int(a.reservation[p]))
    m.obj_list = pyo.ObjectiveList()
    for p in range(n_parties):
        m.obj_list.add(expr=utility(p), sense=pyo.maximize)
    for o in m.obj_list:
        m.obj_list[o].deactivate()
    return m


def patch_pyaugmecon() -> None:
    """pyaugmecon 1.0.8 calls SolverFactory(name, solver_io=..., manage_env=True), which Pyomo's HiGHS
    interfaces reject ("unavailable solver").  Solve with appsi HiGHS instead, a fresh solver per call as
    pyaugmecon does with its own solvers, with a zero MIP gap (the AUGMECON slack term is tiny)."""
    import pyomo.environ as pyo
    from pyaugmecon.model import Model
    from pyomo.contrib.appsi.base import TerminationCondition as TC
    from pyomo.contrib.appsi.solvers import Highs

    def solve(self):
        opt = Highs()
        opt.config.load_solution = False
        opt.highs_options = {"mip_rel_gap": 0.0, "mip_abs_gap": 0.0, "threads": 1}
        result = opt.solve(self.model)
        tc = result.termination_condition
        self.result = result
        if tc == TC.optimal:
            result.solution_loader.load_vars()
            self.term, self.status = pyo.TerminationCondition.optimal, pyo.SolverStatus.ok
        elif tc in (TC.infeasible, TC.infeasibleOrUnbounded):
            self.term, self.status = pyo.TerminationCondition.infeasible, pyo.SolverStatus.warning
        else:
            self.term, self.status = pyo.TerminationCondition.other, pyo.SolverStatus.error
    Model.solve = solve


def worker_pyaugmecon(a: Arrays, status_file: str, workdir: str, cpus: int | None = None) -> dict:
    import threading

    import pyomo.environ as pyo
    from pyaugmecon import PyAugmecon
    from pyomo.contrib.appsi.solvers import Highs

    patch_pyaugmecon()
    os.chdir(workdir)
    start = time.perf_counter()
    m = pyomo_model(a)
    # Exact grid.  pyaugmecon puts grid_points values evenly from a lower bound ("nadir") to the ideal value
    # of each constrained objective.  Two things are needed for an exact frontier on integer objectives:
    # * a true lower bound: the reservation is one; pyaugmecon's default (payoff-table minima) can lie above
    #   the true nadir with three or more objectives and then misses frontier points (5 of 41 on 8x3x3);
    # * a step of exactly 1 on every constrained objective, i.e. integer grid values: with a step below 1
    #   pyaugmecon's bypass jump int(round(slack) / step) can round the slack up and skip a grid point whose
    #   solution differs (30x5x3, seed 1: ranges 272 and 288, 579 of 4,794 points missed).
    # So grid_points = largest range + 1, and each lower bound is ideal - (grid_points - 1) (at or below the
    # reservation, so still a valid bound; rows below the reservation are infeasible and exit early).
    ideal = []
    for o in m.obj_list:
        m.obj_list[o].activate()
        opt = Highs()
        opt.highs_options = {"mip_rel_gap": 0.0, "threads": 1}
        opt.solve(m)
        ideal.append(round(pyo.value(m.obj_list[o].expr)))
        m.obj_list[o].deactivate()
    grid = int(max(hi - int(r) for hi, r in zip(ideal[1:], a.reservation[1:]))) + 1
    nadir = [hi - (grid - 1) for hi in ideal[1:]]
    cells = grid ** (len(ideal) - 1)
    if cells > MAX_GRID:
        # pyaugmecon materialises the whole grid as a Python list of tuples before it starts
        return {"na": f"n/a (grid {grid}^{len(ideal) - 1} = {cells:.1e} points; its work list alone would exhaust memory)",
                "seconds": time.perf_counter() - start}
    opts = {
        "name": "frontier", "grid_points": grid, "nadir_points": nadir, "output_excel": False,
        "logging_folder": "logs", "pickle_file": "model.p", "process_logging": False,
    }
    if cpus:
        opts["cpu_count"] = cpus
    solver = PyAugmecon(m, opts)
    counters = solver.model  # the shared multiprocessing counters live on pyaugmecon's Model

    def report():
        while True:
            info = {"grid": grid, "to_solve": counters.to_solve, "models_solved": counters.models_solved.value(),
                    "grid_points_done": counters.progress.counter.value(), "seconds": time.perf_counter() - start}
            Path(status_file).write_text(json.dumps(info))
            time.sleep(1.0)

    threading.Thread(target=report, daemon=True).start()
    sys.stdout = open(os.devnull, "w")  # its progress bar
    solver.solve()
    sys.stdout = sys.__stdout__
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "vectors": [list(map(float, v)) for v in solver.get_pareto_solutions()],
            "grid": grid, "nadir": nadir, "ideal": ideal, "models_solved": solver.model.models_solved.value(), "to_solve": solver.model.to_solve}


# ---------------------------------------------------------------- negmas (worker side)

def worker_negmas(a: Arrays) -> dict:
    """Linear-additive utility functions, one per party; the party's reservation as its reserved value
    (pareto_frontier keeps only outcomes at or above every reserved value, i.e. acceptable ones); a
    forbidden option is worth PENALTY to the party that forbids it, so any outcome containing it falls
    below that party's reservation and is dropped with the unacceptable ones.  What NegMAS returns is
    then the non-dominated set of the acceptable outcomes, the same set the others compute."""
    from negmas import make_issue, make_os
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.ops import pareto_frontier
    from negmas.preferences.value_fun import TableFun

    penalty = -1e6
    start = time.perf_counter()
    issues = [make_issue(list(options), name=name) for name, options in zip(a.issues, a.options)]
    space = make_os(issues)
    ufuns = []
    for p, party in enumerate(a.parties):
        banned = set(a.forbidden_by[party])
        values = {
            issue.name: TableFun({o: (penalty if (k, j) in banned else float(a.points[p, k, j]))
                                  for j, o in enumerate(a.options[k])})
            for k, issue in enumerate(issues)
        }
        ufuns.append(LinearAdditiveUtilityFunction(values=values, weights={i.name: 1.0 for i in issues},
                                                   outcome_space=space, reserved_value=float(a.reservation[p])))
    utilities, _ = pareto_frontier(ufuns, issues=issues)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "vectors": [list(map(float, v)) for v in utilities]}


# ---------------------------------------------------------------- subprocess harness

def run_worker(method: str, case: str, seed: int, limit: float, cpus: int | None = None) -> dict:
    """Run a method in its own process group; kill the whole group (pyaugmecon's workers too) at the limit."""
    with tempfile.TemporaryDirectory(prefix=f"frontier-{method}-") as tmp:
        out, status = os.path.join(tmp, "result.json"), os.path.join(tmp, "status.json")
        command = [sys.executable, os.path.abspath(__file__), "--worker", method, "--cases", case,
                   "--seed", str(seed), "--out", out, "--status", status, "--workdir", tmp]
        if cpus:
            command += ["--pyaugmecon-cpus", str(cpus)]
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        try:
            _, err = proc.communicate(timeout=limit + STARTUP_GRACE)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            info = json.loads(Path(status).read_text()) if os.path.exists(status) else {}
            return {"timeout": True, **info}
        if proc.returncode != 0 or not os.path.exists(out):
            return {"error": (err or "").strip().splitlines()[-1:] or [f"exit {proc.returncode}"]}
        result = json.loads(Path(out).read_text())
        if result["seconds"] > limit:
            result["over_limit"] = True
        return result


def worker_main(args) -> None:
    scenario = random_scenario(*parse_case(args.cases[0]), seed=args.seed)
    a = arrays(scenario)
    if args.worker == "pyaugmecon":
        result = worker_pyaugmecon(a, args.status, args.workdir, args.pyaugmecon_cpus)
    elif args.worker == "negmas":
        result = worker_negmas(a)
    else:
        raise SystemExit(f"unknown worker {args.worker}")
    Path(args.out).write_text(json.dumps(result))


# ---------------------------------------------------------------- the table

def fmt_time(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.2f}" if seconds < 10 else f"{seconds:.1f}"


def compare(ours: dict, other: set[tuple[int, ...]]) -> str:
    if ours["vectors"] == other:
        return "yes"
    missing, extra = other - ours["vectors"], ours["vectors"] - other
    return f"NO ({len(missing)} only theirs, {len(extra)} only ours)"


def run_case(case: str, args) -> dict:
    issues, options, parties = parse_case(case)
    limit = args.long_limit if case in LONG else args.time_limit
    scenario = random_scenario(issues, options, parties, seed=args.seed)
    a = arrays(scenario)
    packages = options ** issues
    row: dict = {"case": case, "packages": packages, "limit": limit, "parties": parties,
                 "packages_text": f"{packages:,}" if packages <= 1e9 else f"{options}^{issues}"}
    log = lambda *x: print(f"  [{case}]", *x, file=sys.stderr, flush=True)  # noqa: E731
    row["load"] = os.getloadavg()[0]

    ours = run_ours(scenario, limit)
    row["ours"] = ours
    log(f"ours: {len(ours['vectors'])} points, build {ours['build']:.2f} s + search {ours['search']:.1f} s, "
        f"{ours['calls']} calls, complete={ours['complete']}")

    checks: dict[str, str] = {}
    if packages <= args.brute_max:
        brute = run_brute(a)
        row["brute"] = brute
        checks["brute"] = compare(ours, brute["vectors"])
        log(f"brute: {len(brute['vectors'])} points in {brute['seconds']:.2f} s ({brute['acceptable']:,} acceptable packages)")
    else:
        row["brute"] = {"na": f"n/a (too many packages: {options}^{issues})"}

    def other(method: str, cpus: int | None = None) -> None:
        result = run_worker(method, case, args.seed, limit, cpus)
        row[method] = result
        if "vectors" in result:
            vectors, error = rounded(result["vectors"])
            result["set"] = vectors
            checks[method] = compare(ours, vectors) + (f" (rounding {error:.1e})" if error > 1e-6 else "")
        log(f"{method}: {summary(result)}")

    if "pyaugmecon" in args.methods:
        other("pyaugmecon", args.pyaugmecon_cpus)
    if "negmas" in args.methods:
        if packages <= args.negmas_max:
            other("negmas")
        else:
            row["negmas"] = {"na": f"n/a (outcome space {options}^{issues})"}
    row["checks"] = checks
    return row


def summary(result: dict) -> str:
    if "na" in result:
        return result["na"]
    if result.get("timeout"):
        done = result.get("grid_points_done")
        extra = f" (grid {result['grid']}^(p-1): {done:,} of {result['to_solve']:,} grid points visited, " \
                f"{result['models_solved']:,} models solved)" if done is not None else ""
        return "killed at the time limit" + extra
    if "error" in result:
        return f"error: {result['error']}"
    text = f"{len(result['vectors'])} points in {result['seconds']:.2f} s"
    if "models_solved" in result:
        text += f" (grid {result['grid']}^(p-1), {result['models_solved']:,} models solved)"
    return text


def method_time(result: dict | None, limit: float) -> tuple[str, float | None, bool]:
    """(text, seconds, finished-within-limit)."""
    if result is None:
        return "-", None, False
    if "na" in result:
        return "n/a", None, False
    if result.get("timeout"):
        return f">{limit:g}", None, False
    if "error" in result:
        return "error", None, False
    if result.get("over_limit"):
        return f">{limit:g} ({fmt_time(result['seconds'])})", result["seconds"], True
    return fmt_time(result["seconds"]), result["seconds"], True


def ratio(result: dict | None, ours: dict, limit: float) -> str:
    if result is None or "na" in result or "error" in result:
        return "-"
    if result.get("timeout"):
        return f">{limit / ours['seconds']:.0f}x" if ours["complete"] else "-"
    r = result["seconds"] / ours["seconds"]
    return (f"{r:.1f}x" if r < 100 else f"{r:.0f}x") + ("" if ours["complete"] else " (ours incomplete)")


def agreement(row: dict) -> str:
    ours = row["ours"]
    if not ours["complete"]:
        finished = [k for k in row["checks"]]
        return "incomplete" + (f" ({', '.join(finished)} finished)" if finished else "")
    if not row["checks"]:
        return "nothing to compare"
    bad = {k: v for k, v in row["checks"].items() if v != "yes"}
    if not bad:
        return "yes (" + ", ".join(row["checks"]) + ")"
    return "; ".join(f"{k}: {v}" for k, v in bad.items())


def print_table(rows: list[dict], args) -> None:
    header = ["case", "packages", "frontier", "ours s (build+search)", "calls", "ms/call", "calls/pt", "3N-2",
              "brute s", "pyaugmecon s", "negmas s", "pyaug/ours", "negmas/ours", "agree?"]
    lines = []
    for row in rows:
        ours, limit = row["ours"], row["limit"]
        size = f"{len(ours['vectors']):,}" + ("" if ours["complete"] else "+ (incomplete)")
        ours_time = f"{fmt_time(ours['seconds'])} ({ours['build']:.2f}+{fmt_time(ours['search'])})"
        if not ours["complete"]:
            ours_time = f">{limit:g} " + ours_time
        bound = f"{3 * len(ours['vectors']) - 2:,}" if row["parties"] == 3 and ours["complete"] else "-"
        brute = row["brute"]
        brute_time = brute.get("na", "n/a").split(" (")[0] if "na" in brute else fmt_time(brute["seconds"])
        pa_time = method_time(row.get("pyaugmecon"), limit)[0]
        ng_time = method_time(row.get("negmas"), limit)[0]
        lines.append([row["case"], row["packages_text"], size, ours_time, f"{ours['calls']:,}",
                      f"{1000 * ours['search'] / max(1, ours['calls']):.0f}", f"{ours['per_point']:.2f}",
                      bound, brute_time, pa_time, ng_time, ratio(row.get("pyaugmecon"), ours, limit),
                      ratio(row.get("negmas"), ours, limit), agreement(row)])
    widths = [max(len(h), *(len(line[c]) for line in lines)) for c, h in enumerate(header)]
    print()
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("  ".join("-" * w for w in widths))
    for line in lines:
        print("  ".join(x.ljust(w) for x, w in zip(line, widths)))
    print()
    print(LEGEND.format(brute=f"{args.brute_max:.0e}", negmas=f"{args.negmas_max:.0e}"))
    notes = []
    for row in rows:
        ours = row["ours"]
        notes.append(f"  {row['case']:>7} {'ours':<10} {len(ours['vectors']):,} points, {ours['calls']:,} solver calls, "
                     f"{ours['seconds']:.1f} s wall, {ours['cpu']:.1f} s CPU (CPU/wall {ours['cpu'] / ours['seconds']:.2f}: "
                     f"below 1 means it waited for a core), HiGHS {ours['highs']:.1f} s "
                     f"(median {ours['highs_median_ms']:.0f} ms per solve, {ours['highs_last_ms']:.0f} ms over the last tenth), "
                     f"complete={ours['complete']}")
        for method in ("brute", "pyaugmecon", "negmas"):
            result = row.get(method)
            if result is None:
                continue
            text = summary(result) if method != "brute" or "na" in result else \
                f"{len(result['vectors'])} points, {result['acceptable']:,} acceptable packages"
            notes.append(f"  {row['case']:>7} {method:<10} {text}")
    print("Details:")
    print("\n".join(notes))
    print("  1-minute load average at the start of each case (2 cores: above ~1 other work shared the machine): "
          + ", ".join(f"{row['case']} {row['load']:.1f}" for row in rows))


LEGEND = """Legend:
  case          issues x options x parties (benchmarks/scenarios.py random_scenario, seed as given)
  packages      options^issues, every package (acceptable or not)
  frontier      non-dominated utility vectors among acceptable packages found by ours ('+ (incomplete)': the
                time limit stopped the search; the rows are the points found so far)
  ours s        wall seconds, model build (Scenario -> Pyomo -> persistent HiGHS) + frontier search
  calls         HiGHS solves by our frontier search; ms/call = search seconds / calls;
                calls/pt = calls / frontier points
  3N-2          Dachert-Klamroth (2015) bound on single-objective solves for a 3-objective frontier of N points
  brute s       numpy enumeration of all packages (n/a above {brute} packages)
  pyaugmecon s  pyaugmecon 1.0.8 (AUGMECON2, exact grid, worker processes as in the header), model build +
                solve; '>L' killed at limit L
  negmas s      NegMAS pareto_frontier over the enumerated outcome space (n/a above {negmas} outcomes)
  x/ours        that method's seconds / ours (build + search); '>Nx' when it was killed at the limit
  agree?        the frontiers, as sets of utility vectors, of every method that finished equal ours exactly"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", default=None, help=f"cases IxOxP (default: {' '.join(CASES)})")
    parser.add_argument("--quick", action="store_true", help=f"only {' and '.join(QUICK)}")
    parser.add_argument("--time-limit", type=float, default=120.0, help="seconds per method and case (default 120)")
    parser.add_argument("--long-limit", type=float, default=180.0,
                        help=f"seconds per method for {', '.join(sorted(LONG))} (default 180)")
    parser.add_argument("--seed", type=int, default=1, help="scenario seed (default 1)")
    parser.add_argument("--methods", nargs="*", default=["pyaugmecon", "negmas"], choices=["pyaugmecon", "negmas"],
                        help="comparisons to run besides ours and brute force (default both; none: just ours and brute)")
    parser.add_argument("--pyaugmecon-cpus", type=int, default=None,
                        help="worker processes for pyaugmecon (default: all cores, its own default)")
    parser.add_argument("--brute-max", type=float, default=2e7, help="largest package count to enumerate (default 2e7)")
    parser.add_argument("--negmas-max", type=float, default=4e6, help="largest outcome space for NegMAS (default 4e6)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--status", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker_main(args)
        return
    cases = args.cases or (QUICK if args.quick else CASES)
    import bargaining

    print(f"# frontier benchmark, {time.strftime('%Y-%m-%d %H:%M')}, {platform.node() or 'host'}: "
          f"{os.cpu_count()} cores, Python {platform.python_version()}, seed {args.seed}, "
          f"time limit {args.time_limit:g} s ({', '.join(sorted(LONG))}: {args.long_limit:g} s); "
          f"pyaugmecon processes: {args.pyaugmecon_cpus or os.cpu_count()}; "
          f"bargaining from {Path(bargaining.__file__).parent}", flush=True)
    started = time.perf_counter()
    rows = []
    for case in cases:
        rows.append(run_case(case, args))
    print_table(rows, args)
    print(f"\nTotal benchmark time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
