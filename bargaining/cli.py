"""The ``bargaining`` command.

Exit codes: 0 done, 1 no acceptable package (the diagnosis is printed), 2 bad input or a
missing file, 3 stopped at the time limit without an answer.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from .criteria import CRITERIA
from .errors import SolverFailed, TimeLimitReached
from .files import check_output, write_atomic
from .scenario import Problem, Scenario, ScenarioError

if TYPE_CHECKING:
    import pandas as pd

    from .space import BargainingSpace

EXIT_OK, EXIT_NO_DEAL, EXIT_BAD_INPUT, EXIT_TIME_LIMIT = 0, 1, 2, 3


class UsageError(Exception):
    """A user error the command reports in one line (exit code 2)."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        return int(args.run(args))
    except ScenarioError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (UsageError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except SolverFailed as error:
        print(f"error: {getattr(args, 'file', '')}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except TimeLimitReached as error:
        print(f"stopped: {error}; try a larger --time-limit", file=sys.stderr)
        return EXIT_TIME_LIMIT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bargaining", description="Find the packages every party can accept, the Pareto frontier and fair points on it.")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(name: str, run: Callable[[argparse.Namespace], int], help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.add_argument("file", metavar="FILE", help="scenario file (YAML or JSON, format 1)")
        sub.set_defaults(run=run)
        return sub

    command("check", _check, "validate a scenario file and summarise it")
    command("init", _init, "write a commented starter scenario to FILE (to edit; never over an existing file)")
    solve = command("solve", _solve, "find the best acceptable package under a criterion")
    solve.add_argument("--objective", choices=CRITERIA, default="maxmin", help="bargaining criterion (default: maxmin)")
    solve.add_argument("--json", action="store_true", help="print the package as JSON")
    solve.add_argument("--time-limit", type=float, metavar="SECONDS", help="stop the solver after this long")
    solve.add_argument("--coalition", metavar="PARTIES", help="'smallest', or comma-separated party ids that take part")

    report = command("report", _report, "write a self-contained HTML report: summary, solutions, frontier, concessions, or the diagnosis")
    report.add_argument("-o", "--output", metavar="OUT.html", help="where to write it (default: FILE's name with .html, in the current folder); missing folders are created")
    report.add_argument("--time-limit", type=float, default=60.0, metavar="SECONDS", help="time limit of the frontier search (default: 60)")

    command("diagnose", _diagnose, "say whether any package is acceptable; if not, what conflicts and what would open it")

    frontier = command("frontier", _frontier, "list the Pareto frontier of the acceptable packages")
    frontier.add_argument("--parties", metavar="IDS", help="comma-separated party ids (default: all)")
    frontier.add_argument("--time-limit", type=float, metavar="SECONDS", help="stop and list what was found so far")
    frontier.add_argument("--csv", metavar="OUT", help="write the frontier as CSV to OUT instead of printing it")
    frontier.add_argument("--method", choices=["auto", "dp", "mip"], default="auto",
                          help="auto (default): the exact dynamic programme where it applies, else the mixed-integer search")

    coalitions = command("coalitions", _coalitions, "list the minimal coalitions of optional parties that open the bargaining space")
    coalitions.add_argument("--csv", metavar="OUT", help="write the table as CSV to OUT")

    leverage = command("leverage", _leverage, "compare the space with an issue frozen at its status quo against it open")
    leverage.add_argument("issue", metavar="ISSUE", nargs="?", help="issue id (default: every issue marked linkable: true)")

    phased = command("phased", _phased, "find the best package that can be delivered in phases without anyone paying up front")
    phased.add_argument("--phases", type=int, default=3, help="number of phases (default 3)")
    phased.add_argument("--objective", choices=CRITERIA, default="maxmin", help="bargaining criterion (default: maxmin)")

    robust = command("robustness", _robustness, "how sure is a deal when red lines may be bluffs or for sale and reservations "
                     "and points are uncertain: the chance of a deal, each solution's robustness, the most robust package and "
                     "what learning each uncertainty would be worth")
    robust.add_argument("--samples", type=int, default=1000, metavar="N", help="sampled worlds (default 1000)")
    robust.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0): the same seed, the same worlds")
    robust.add_argument("--scheduler", metavar="ADDR", help="a Dask scheduler (tcp://host:8786); 'serial' for this process only; 'local' for a "
                        "local cluster; default: a local cluster when the job is long")
    robust.add_argument("--json", action="store_true", help="print the results as JSON")
    robust.add_argument("--time-limit", type=float, metavar="SECONDS", help="stop the most-robust search after this long")

    genius = commands.add_parser("import-genius", help="read a Genius/ANAC domain and its linear-additive profiles into a scenario file",
                                 description="read a Genius/ANAC domain and its linear-additive profiles into a scenario file (format 1)")
    genius.add_argument("domain", metavar="DOMAIN.xml", help="the Genius domain file")
    genius.add_argument("profiles", metavar="PROFILE.xml", nargs="+", help="one utility profile per party (party id: the file's stem)")
    genius.add_argument("-o", "--output", required=True, metavar="OUT.yaml", help="the scenario to write (.json for JSON)")
    genius.add_argument("--reservation", action="append", default=[], metavar="PARTY=VALUE", help="override a party's reservation (repeatable)")
    genius.add_argument("--name", help="the scenario's name (default: the domain file's stem)")
    genius.add_argument("--over-one", choices=["warn", "error"], default="warn", help="a profile whose largest total exceeds 1 (Genius caps it): warn (default) or refuse")
    genius.set_defaults(run=_import_genius)
    return parser


def _load(path: str) -> Scenario:
    return Scenario.from_file(path)


def _check(args: argparse.Namespace) -> int:
    scenario = _load(args.file)
    print(f"{args.file}: valid scenario (format 1)")
    print(f"  {scenario.name}")
    veto = sum(p.veto for p in scenario.parties)
    print(f"  parties:      {len(scenario.parties)} ({veto} with a veto): {', '.join(scenario.party_ids)}")
    print(f"  issues:       {len(scenario.discrete_issues)} discrete, {len(scenario.continuous_issues)} continuous")
    count = scenario.package_count()
    shown = f"{count:,}" if count < 10**15 else f"about 10^{int(count.bit_length() * 0.30103)}"  # 10^5000 has no printable digits
    print(f"  packages:     {shown} combinations of discrete options")
    print(f"  red lines:    {len(scenario.red_lines)}; interactions: {len(scenario.interactions)}")
    return EXIT_OK


def _init(args: argparse.Namespace) -> int:
    from importlib import resources

    path = Path(args.file)
    if path.exists():
        raise UsageError(f"{path} already exists; choose a new file name (init never overwrites)")
    if not path.resolve().parent.is_dir():
        raise UsageError(f"{path.parent}: no such folder for the new scenario")
    write_atomic(path, resources.files("bargaining.scenario").joinpath("templates", "starter.yaml").read_text(encoding="utf-8"))
    print(f"wrote {path}: a starter scenario with every kind of field, commented; edit it, then run "
          f"'bargaining check {path}' and 'bargaining report {path}'")
    return EXIT_OK


def _space(path: str, time_limit: float | None = None) -> BargainingSpace:
    from .space import BargainingSpace

    space = BargainingSpace(_load(path), time_limit=time_limit)
    doubt = space.numeric_doubt()
    if doubt is not None:
        print(f"warning: {path}: {doubt}; the exact programme's answers (frontier, solve and acceptable on discrete "
              "scenarios) are exact, but analyses that search the model may miss better packages or packages that exist "
              "(every package shown is checked exactly)", file=sys.stderr)
    return space


def _solve(args: argparse.Namespace) -> int:
    space = _space(args.file, args.time_limit)
    scenario = space.scenario
    coalition = args.coalition if args.coalition in (None, "smallest") else [p.strip() for p in args.coalition.split(",")]
    with space.deadline(args.time_limit):  # the limit holds for the whole command, not each of its solves
        package = space.best(args.objective, coalition=coalition)
        diagnosis = space.diagnose() if package is None else None
    if package is None:
        assert diagnosis is not None
        if args.json:
            print(json.dumps({"acceptable": False, "conflict": [r.label for r in diagnosis.conflict]}, indent=2))
        else:
            print(diagnosis)
        return EXIT_NO_DEAL
    if args.json:
        print(json.dumps({"acceptable": True, **package.to_dict()}, indent=2, default=float))
        if package.caveat:
            print(f"warning: {package.caveat}", file=sys.stderr)
    else:
        from .present.text import render_package

        print(render_package(scenario, package))
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    from .report import report

    output = Path(args.output) if args.output else Path(Path(args.file).stem + ".html")
    check_output(output, [args.file], create_folders=True)
    path = report(_space(args.file), output, frontier_time_limit=args.time_limit)
    print(f"wrote {path}", file=sys.stderr)
    return EXIT_OK


def _diagnose(args: argparse.Namespace) -> int:
    space = _space(args.file)
    diagnosis = space.diagnose()
    print(diagnosis)
    if diagnosis.feasible:
        return EXIT_OK
    opened = space.opened("maxmin")
    if len(opened):
        print("The deal each single red-line concession opens (maxmin; gains over reservation):")
    for concession in opened:
        gains = ", ".join(f"{space.scenario.party[p].label} {concession.package.gains[p]:+.4g}" for p in space.criteria_parties)
        print(f"  - drop {concession.label} -> {gains}")
    return EXIT_NO_DEAL


def _writable(path: str | None, source: str) -> None:
    """Before any work: the output can be written, and is not the scenario file."""
    if path is not None:
        check_output(path, [source])


def _frontier(args: argparse.Namespace) -> int:
    _writable(args.csv, args.file)
    space = _space(args.file)
    parties = [p.strip() for p in args.parties.split(",")] if args.parties else None
    frame = space.frontier(parties=parties, time_limit=args.time_limit, method=args.method)
    state = "complete" if frame.attrs["complete"] else "INCOMPLETE (stopped at the time limit)"
    note = "" if frame.attrs["exact"] else f"; on a grid of {frame.attrs['resolution']}"
    print(f"{space.scenario.name}: {len(frame)} frontier points, {state}{note}; "
          f"{frame.attrs['solver_calls']} solver calls in {frame.attrs['seconds']:.1f} s", file=sys.stderr)
    if not len(frame) and not frame.attrs["complete"]:
        raise TimeLimitReached("stopped at the time limit before finding any frontier point")
    _emit(frame, args.csv, _frontier_header(space.scenario.name, frame))
    return EXIT_OK if len(frame) else EXIT_NO_DEAL


def _frontier_header(name: str, frame: "pd.DataFrame") -> str:
    """Comment lines for the frontier's CSV: what it is and whether it is complete (pandas skips
    them with ``read_csv(path, comment="#")``)."""
    attrs = frame.attrs
    resolution = "" if attrs["exact"] else f" (on a grid: {attrs['resolution']})"
    lines = [
        f"bargaining frontier: {' '.join(name.split())}",
        "complete: true" if attrs["complete"] else
        "complete: false (stopped at the time limit: these rows are the points found so far, not the whole frontier)",
        f"exact: {str(bool(attrs['exact'])).lower()}{resolution}",
        f"method: {attrs['method']} ({' '.join(str(attrs.get('method_reason') or '').split())})",
        f"parties: {', '.join(attrs['parties'])}; points: {len(frame)}; solver calls: {attrs['solver_calls']}; seconds: {attrs['seconds']:.2f}",
        'read with pandas.read_csv(path, comment="#")',
    ]
    return "".join(f"# {line}\n" for line in lines)


def _coalitions(args: argparse.Namespace) -> int:
    _writable(args.csv, args.file)
    frame = _space(args.file).coalitions()
    if not len(frame):
        print("no coalition opens the bargaining space", file=sys.stderr)
        return EXIT_NO_DEAL
    _emit(frame, args.csv)
    return EXIT_OK


def _leverage(args: argparse.Namespace) -> int:
    space = _space(args.file)
    issues = [args.issue] if args.issue else [i.id for i in space.scenario.issues if i.linkable]
    if not issues:
        raise UsageError("no issue given and none is marked linkable: true; name one")
    for issue in issues:
        print(f"\n{space.scenario.issue[issue].label if issue in space.scenario.issue else issue}")
        table = space.leverage(issue).to_frame()
        exists = table[table["measure"] == "package exists"].iloc[0]
        if not exists["frozen at status quo"] and not exists["open"]:
            print(f"  no acceptable package, frozen at its status quo or open: linking it does not open the space "
                  f"(bargaining diagnose {args.file} shows what blocks it)")
            continue
        print(table.to_string(index=False))
    return EXIT_OK


def _phased(args: argparse.Namespace) -> int:
    space = _space(args.file)
    plan = space.phased(args.phases, args.objective)
    if plan.package is None:
        print(plan.reason)
        return EXIT_NO_DEAL
    for _, row in plan.to_frame().iterrows():
        print(f"phase {row['phase']}: {row['switched on'] or '(nothing new)'}")
        print("  gains so far: " + ", ".join(f"{space.scenario.party[p].label} {row[p + ' gain']:+.4g}" for p in space.scenario.party_ids))
    return EXIT_OK


def _robustness(args: argparse.Namespace) -> int:
    from .present.text import render_robustness

    if args.samples < 1:
        raise UsageError(f"--samples must be at least 1, not {args.samples}")
    if args.seed < 0:
        raise UsageError(f"--seed must be 0 or more, not {args.seed}")
    space = _space(args.file)
    deal = space.deal_probability(args.samples, args.seed, scheduler=args.scheduler)
    robust = space.most_robust(args.samples, args.seed, time_limit=args.time_limit)
    table = space.robustness(samples=args.samples, seed=args.seed, frontier_seconds=0)
    voi = space.value_of_information(args.samples, args.seed)
    if args.json:
        low, high = deal.interval
        print(json.dumps(_no_nan({
            "samples": args.samples, "seed": args.seed,
            "deal_probability": {"probability": deal.probability, "interval": [low, high], "worlds_with_deal": deal.deals,
                                 "maxmin_gains": deal.summary().to_dict("records")},
            "robustness": table.to_dict("records"),
            "most_robust": None if robust is None else robust.to_dict(),
            "value_of_information": voi.to_dict("records"),
        }), indent=2, default=float))
    else:
        print(render_robustness(space.scenario, deal, table, robust, voi))
    return EXIT_OK if deal.deals else EXIT_NO_DEAL


def _no_nan(value: object) -> object:
    """JSON has no NaN: a share over no worlds (a side of a question that never happens) becomes null."""
    if isinstance(value, dict):
        return {k: _no_nan(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_nan(v) for v in value]
    return None if isinstance(value, float) and value != value else value


def _import_genius(args: argparse.Namespace) -> int:
    """``bargaining import-genius``: read, convert, write the output atomically (YAML, or JSON for .json).

    ``--reservation PARTY=VALUE`` overrides; warnings are printed as ``warning: ...`` lines; an
    input file is never overwritten.
    """
    import warnings

    from .scenario.genius import GeniusWarning

    domain, profiles, output, stderr = args.domain, args.profiles, args.output, sys.stderr
    out = Path(output)
    for given in [domain, *profiles]:
        if _resolved(given) == _resolved(out):
            raise ScenarioError(output, [Problem((), f"is an input file ({given}); write the scenario to another path")])
    if not _resolved(out).parent.is_dir():
        raise ScenarioError(output, [Problem((), f"no such folder {out.parent}; create it or choose another output path")])
    overrides: dict[str, str] = {}
    for text in args.reservation:
        party, sep, value = text.partition("=")
        if not sep or not party.strip() or not value.strip():
            raise ScenarioError("--reservation", [Problem((), f"'{text}' is not PARTY=VALUE (e.g. --reservation itex=0.3)")])
        overrides[party.strip()] = value.strip()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", GeniusWarning)
        scenario = Scenario.from_genius(domain, profiles, overrides or None, name=args.name, over_one=args.over_one)
    for warning in caught:
        print(f"warning: {warning.message}", file=stderr)
    text = json.dumps(scenario.to_dict(), indent=2, ensure_ascii=False) + "\n" if out.suffix.lower() == ".json" else scenario.to_yaml()
    try:
        write_atomic(out, text)
    except OSError as error:
        raise ScenarioError(output, [Problem((), f"cannot be written: {error.strerror or error}")]) from None
    print(f"wrote {output}: {len(scenario.parties)} parties, {len(scenario.issues)} issues, "
          f"{scenario.package_count():,} packages", file=stderr)
    return 0


def _resolved(path: str) -> Path:
    try:
        return Path(path).resolve()
    except OSError:
        return Path(os.path.abspath(path))


def _emit(frame: "pd.DataFrame", path: str | None, header: str = "") -> None:
    """Print a table, or write it as CSV atomically (temporary file, then rename), after ``header``."""
    if path is None:
        print(frame.to_string(index=False))
        return
    write_atomic(path, header + frame.to_csv(index=False))
    print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
