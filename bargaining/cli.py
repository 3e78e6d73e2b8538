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
from .errors import TimeLimitReached
from .files import write_atomic
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

    coalitions = command("coalitions", _coalitions, "list the minimal coalitions of optional parties that open the bargaining space")
    coalitions.add_argument("--csv", metavar="OUT", help="write the table as CSV to OUT")

    leverage = command("leverage", _leverage, "compare the space with an issue frozen at its status quo against it open")
    leverage.add_argument("issue", metavar="ISSUE", nargs="?", help="issue id (default: every issue marked linkable: true)")

    phased = command("phased", _phased, "find the best package that can be delivered in phases without anyone paying up front")
    phased.add_argument("--phases", type=int, default=3, help="number of phases (default 3)")
    phased.add_argument("--objective", choices=CRITERIA, default="maxmin", help="bargaining criterion (default: maxmin)")

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
    print(f"  packages:     {scenario.package_count():,} combinations of discrete options")
    print(f"  red lines:    {len(scenario.red_lines)}; interactions: {len(scenario.interactions)}")
    return EXIT_OK


def _space(path: str, time_limit: float | None = None) -> BargainingSpace:
    from .space import BargainingSpace

    return BargainingSpace(_load(path), time_limit=time_limit)


def _solve(args: argparse.Namespace) -> int:
    space = _space(args.file, args.time_limit)
    scenario = space.scenario
    coalition = args.coalition if args.coalition in (None, "smallest") else [p.strip() for p in args.coalition.split(",")]
    package = space.best(args.objective, coalition=coalition)
    if package is None:
        diagnosis = space.diagnose()
        if args.json:
            print(json.dumps({"acceptable": False, "conflict": [r.label for r in diagnosis.conflict]}, indent=2))
        else:
            print(diagnosis)
        return EXIT_NO_DEAL
    if args.json:
        print(json.dumps({"acceptable": True, **package.to_dict()}, indent=2, default=float))
    else:
        from .present.text import render_package

        print(render_package(scenario, package))
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    from .report import report

    output = Path(args.output) if args.output else Path(Path(args.file).stem + ".html")
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


def _writable(path: str | None) -> None:
    if path is not None and not Path(path).resolve().parent.is_dir():
        raise UsageError(f"{Path(path).parent}: no such folder for the output")


def _frontier(args: argparse.Namespace) -> int:
    _writable(args.csv)
    space = _space(args.file)
    parties = [p.strip() for p in args.parties.split(",")] if args.parties else None
    frame = space.frontier(parties=parties, time_limit=args.time_limit)
    state = "complete" if frame.attrs["complete"] else "INCOMPLETE (stopped at the time limit)"
    note = "" if frame.attrs["exact"] else f"; on a grid of {frame.attrs['resolution']}"
    print(f"{space.scenario.name}: {len(frame)} frontier points, {state}{note}; "
          f"{frame.attrs['solver_calls']} solver calls in {frame.attrs['seconds']:.1f} s", file=sys.stderr)
    _emit(frame, args.csv)
    if not len(frame) and not frame.attrs["complete"]:
        return EXIT_TIME_LIMIT  # stopped before finding any point: not evidence that nothing is acceptable
    return EXIT_OK if len(frame) else EXIT_NO_DEAL


def _coalitions(args: argparse.Namespace) -> int:
    _writable(args.csv)
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


def _emit(frame: "pd.DataFrame", path: str | None) -> None:
    """Print a table, or write it as CSV atomically (temporary file, then rename)."""
    if path is None:
        print(frame.to_string(index=False))
        return
    write_atomic(path, frame.to_csv(index=False))
    print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
