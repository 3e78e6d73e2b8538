"""Mutation testing, one module group at a time, with mutmut 3 (not part of the test run; ``pip install -e '.[mutation]'``).

    python tools/mutation.py                       # every group below, one after the other
    python tools/mutation.py engine solutions      # some groups
    python tools/mutation.py frontier --jobs 1     # one worker (default: 2)
    python tools/mutation.py --report              # only print the last results again
    python tools/mutation.py solutions --retest-survivors   # after new tests: only the survivors again
    python tools/mutation.py frontier --wider test_layers.py test_hostile_numbers.py   # survivors against more tests

Each group runs in its own scratch copy (``.mutation/<group>/``, git-ignored): the package, the
tests, data/ and benchmarks/ are copied there, its pyproject.toml gets the repository's
``[tool.mutmut]`` section with ``only_mutate`` set to the group's files and the test selection set
to the tests that exercise them, and ``mutmut run`` is started there with

* ``HYPOTHESIS_PROFILE=mutation`` (tests/conftest.py: derandomized, no example database, no
  shrinking), so that a mutant is killed or not the same way in every run;
* ``PYTHONPATH`` pointing at the mutated copy, so that helper processes (the frontier's) run
  the mutant too.

mutmut records which tests reach each function and runs only those for each of its mutants.
Results: a table per module (killed / survived / timeout / no tests / other / total, and the
score killed + timeout over all mutants), written to ``.mutation/<group>/results.json``, and
every surviving mutant's diff in ``.mutation/<group>/survivors.txt``.  A new run of a group
starts from scratch (``--resume`` keeps mutmut's cache: only mutants without a result run).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRATCH = ROOT / ".mutation"

#: group -> (files to mutate, test files that exercise them)
GROUPS: dict[str, tuple[list[str], list[str]]] = {
    "evaluate": (["bargaining/scenario/evaluate.py"],
                 ["test_layers.py", "test_evaluator_details.py", "test_solutions.py", "test_cases.py", "test_scenario.py",
                  "test_continuous.py", "test_cli_exit_codes.py"]),
    "engine": (["bargaining/engine/*.py"],
               ["test_layers.py", "test_model_amounts.py", "test_solutions.py", "test_diagnosis_oracle.py", "test_diagnose.py",
                "test_time_limits.py", "test_continuous.py", "test_phasing.py", "test_phasing_continuous.py",
                "test_evaluator_details.py", "test_cases.py", "test_holding.py", "test_engine_state.py", "test_rules_agree.py",
                "test_whatif.py"]),
    "frontier": (["bargaining/algorithms/frontier*.py"],
                 ["test_frontier.py", "test_frontier_dp.py", "test_frontier_mip.py", "test_real_points.py", "test_time_limits.py", "test_continuous.py", "test_report_values.py",
                  "test_cli_exit_codes.py", "test_recheck.py"]),
    # (not test_cases.py: the bundled case's tests take a minute per surviving mutant, and the oracle tests above cover
    # every criterion on random cases)
    "solutions": (["bargaining/algorithms/solutions.py"],
                  ["test_solutions.py", "test_real_points.py", "test_hostile_numbers.py", "test_time_limits.py", "test_continuous.py", "test_frontier.py", "test_diagnose.py",
                   "test_cli_exit_codes.py"]),
    "diagnose": (["bargaining/algorithms/diagnose.py", "bargaining/algorithms/acceptable.py"],
                 ["test_diagnosis_oracle.py", "test_diagnose.py", "test_solutions.py", "test_time_limits.py", "test_cases.py"]),
}
COPIED = ["bargaining", "tests", "data", "benchmarks", "docs", "README.md"]  # (tests read the README and docs too)
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped", 36: "timeout", 24: "timeout",
          -24: "timeout", 152: "timeout", 255: "timeout", 37: "type check", None: "not checked"}


def mutmut_section(files: list[str], tests: list[str]) -> str:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    config.update(only_mutate=files, pytest_add_cli_args_test_selection=[f"tests/{t}" for t in tests])
    # debug: mutmut then leaves sys.stdout alone.  Otherwise Pyomo keeps a reference to the stand-in stream
    # mutmut installs while collecting stats, which is closed by the time the clean run builds a model.
    # And -s (no capture): Pyomo's log handler binds to the sys.stdout of the pytest session that imports it,
    # which mutmut's next session in the same process would find closed.
    config["debug"] = True
    config["pytest_add_cli_args"] = [*config.get("pytest_add_cli_args", []), "-s"]
    lines = ["[tool.mutmut]"] + [f"{k} = {json.dumps(v)}" for k, v in config.items()]
    return "\n".join(lines) + "\n"


def prepare(group: str, resume: bool) -> Path:
    files, tests = GROUPS[group]
    work = SCRATCH / group
    if work.exists() and not resume:
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, work / name)
            continue
        shutil.copytree(ROOT / name, work / name, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", ".hypothesis", "out"))
    text = (ROOT / "pyproject.toml").read_text()
    head = text.split("[tool.mutmut]")[0]
    (work / "pyproject.toml").write_text(head + mutmut_section(files, tests))
    # mutants/ must exist before mutmut starts: a PYTHONPATH entry missing at start-up is cached as
    # "nothing here", and the editable install's finder would then serve the unmutated package
    (work / "mutants").mkdir(exist_ok=True)
    return work


def run(group: str, jobs: int, resume: bool, names: list[str] | None = None) -> None:
    work = prepare(group, resume)
    env = dict(os.environ, HYPOTHESIS_PROFILE="mutation", PYTHONPATH=str(work / "mutants"), PYTHONDONTWRITEBYTECODE="1")
    mutmut = shutil.which("mutmut", path=str(Path(sys.executable).parent)) or "mutmut"
    started = time.time()
    with open(work / "mutmut.log", "w") as log:
        done = subprocess.run([mutmut, "run", "--max-children", str(jobs), *(names or [])], cwd=work, env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    print(f"{group}: mutmut exited {done.returncode} after {time.time() - started:.0f} s (log: {work / 'mutmut.log'})")
    report(group, show=True)


def results(group: str) -> dict[str, dict[str, int | None]]:
    """module path -> {mutant name: exit code}."""
    found = {}
    for meta in sorted((SCRATCH / group / "mutants").rglob("*.py.meta")):
        data = json.loads(meta.read_text())
        found[str(meta.relative_to(SCRATCH / group / "mutants"))[: -len(".meta")]] = data["exit_code_by_key"]
    return found


def forget_survivors(group: str, names: list[str] | None = None) -> None:
    """Mark the surviving and timed-out mutants of the last run (those matching ``names``, globs, if given) as not yet
    tested (a timeout is counted as killed, but a run paused or starved of CPU times out too: it is tried again)."""
    for meta in (SCRATCH / group / "mutants").rglob("*.py.meta"):
        data = json.loads(meta.read_text())
        data["exit_code_by_key"] = {k: (None if STATUS.get(c) in ("survived", "timeout") and (not names or any(fnmatch(k, n) for n in names))
                                        else c) for k, c in data["exit_code_by_key"].items()}
        meta.write_text(json.dumps(data))


def wider(group: str, tests: list[str], jobs: int, names: list[str] | None = None, timeout: float = 900) -> dict[str, str | None]:
    """Each mutant the last run left alive (survived, or "no tests": e.g. code that runs only in the frontier's worker
    processes, where mutmut records no calls) against more test files (``tests``, under tests/), activated as mutmut
    activates it (``MUTANT_UNDER_TEST``, inherited by helper processes).  Writes ``.mutation/<group>/wider.json``:
    mutant -> the first test that failed ("timeout" after ``timeout`` seconds: a hang, counted as killed), or None if it
    still survives."""
    from concurrent.futures import ThreadPoolExecutor

    work = SCRATCH / group
    shutil.copytree(ROOT / "tests", work / "mutants" / "tests", dirs_exist_ok=True,  # the tests as they are now
                    ignore=shutil.ignore_patterns("__pycache__", ".hypothesis", "out"))
    alive = [name for codes in results(group).values() for name, code in codes.items()
             if STATUS.get(code) in ("survived", "no tests") and (not names or any(fnmatch(name, n) for n in names))]
    env = dict(os.environ, HYPOTHESIS_PROFILE="mutation", PYTHONPATH=str(work / "mutants"), PYTHONDONTWRITEBYTECODE="1")
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-m", "not slow and not browser",
               *[f"tests/{t}" for t in tests]]

    def one(name: str) -> str | None:
        try:
            done = subprocess.run(command, cwd=work / "mutants", env=dict(env, MUTANT_UNDER_TEST=name), capture_output=True,
                                  text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return "timeout"
        if done.returncode == 0:
            return None
        failed = [line.split()[1] for line in done.stdout.splitlines() if line.startswith(("FAILED ", "ERROR "))]
        return failed[0] if failed else f"exit {done.returncode}"

    path = work / "wider.json"
    found: dict[str, str | None] = json.loads(path.read_text()) if path.exists() else {}
    with ThreadPoolExecutor(jobs) as pool:
        for name, killer in zip(alive, pool.map(one, alive)):
            found[name] = killer
            print(f"  {name}: {'survives' if killer is None else 'killed by ' + killer}", flush=True)
            path.write_text(json.dumps(found, indent=1))
    print(f"{group}: {sum(found.get(n) is not None for n in alive)} of {len(alive)} killed by {', '.join(tests)}")
    return found


def report(group: str, show: bool = False) -> dict[str, dict]:
    work = SCRATCH / group
    table = {}
    survivors = []
    for module, codes in results(group).items():
        counts = Counter(STATUS.get(code, "other") for code in codes.values())
        total = sum(counts.values())
        table[module] = {**counts, "total": total, "score": (counts["killed"] + counts["timeout"]) / total if total else None}
        survivors += [name for name, code in codes.items() if STATUS.get(code) == "survived"]
    (work / "results.json").write_text(json.dumps(table, indent=2))
    if show and survivors:
        env = dict(os.environ, PYTHONPATH=str(work / "mutants"))
        mutmut = shutil.which("mutmut", path=str(Path(sys.executable).parent)) or "mutmut"
        with open(work / "survivors.txt", "w") as out:
            for name in survivors:
                shown = subprocess.run([mutmut, "show", name], cwd=work, env=env, capture_output=True, text=True)
                out.write(shown.stdout + "\n")
    print(f"\n{group}")
    print(f"  {'module':48s} {'killed':>6s} {'survived':>8s} {'timeout':>7s} {'no tests':>8s} {'other':>5s} {'total':>5s} {'score':>6s}")
    for module, row in table.items():
        other = row["total"] - sum(row.get(k, 0) for k in ("killed", "survived", "timeout", "no tests"))
        score = "-" if row["score"] is None else f"{row['score']:.1%}"
        print(f"  {module:48s} {row.get('killed', 0):6d} {row.get('survived', 0):8d} {row.get('timeout', 0):7d} "
              f"{row.get('no tests', 0):8d} {other:5d} {row['total']:5d} {score:>6s}")
    if survivors:
        print(f"  {len(survivors)} survivors: {work / 'survivors.txt'}")
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("groups", nargs="*", help=f"module groups: {', '.join(GROUPS)} (default: all)")
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at once (default 2)")
    parser.add_argument("--resume", action="store_true", help="keep the previous scratch copy and mutmut's results")
    parser.add_argument("--retest-survivors", action="store_true",
                        help="after adding tests: keep the scratch copy, copy the tests anew and run only the survivors "
                        "(and the timeouts) again")
    parser.add_argument("--only", nargs="+", metavar="GLOB", help="only the mutants whose names match (mutmut's names, "
                        "e.g. 'bargaining.algorithms.solutions.x_criterion_value*')")
    parser.add_argument("--report", action="store_true", help="only print the last results")
    parser.add_argument("--timeout", type=float, default=900, help="with --wider: seconds before a mutant's tests count as "
                        "hung (killed; default 900)")
    parser.add_argument("--wider", nargs="+", metavar="TEST_FILE", help="run the last run's survivors (and its mutants "
                        "with no tests) against these test files too (e.g. test_layers.py): .mutation/<group>/wider.json")
    args = parser.parse_args()
    unknown = [g for g in args.groups if g not in GROUPS]
    if unknown:
        parser.error(f"unknown group(s) {', '.join(unknown)}; choose from {', '.join(GROUPS)}")
    for group in args.groups or list(GROUPS):
        if args.report:
            report(group)
        elif args.wider:
            wider(group, args.wider, args.jobs, args.only, args.timeout)
        elif args.retest_survivors:
            forget_survivors(group, args.only)
            run(group, args.jobs, resume=True, names=args.only)
        else:
            run(group, args.jobs, args.resume, args.only)


if __name__ == "__main__":
    main()
