"""The ``bargaining`` command.

Exit codes: 0 done, 1 no acceptable package (the diagnosis is printed), 2 bad input or a
missing file, 3 stopped at the time limit without an answer.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Callable, Sequence

from .scenario import Scenario, ScenarioError
from .search import Package, TimeLimitReached
from .solutions import CRITERIA

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


def _solve(args: argparse.Namespace) -> int:
    from .space import BargainingSpace

    scenario = _load(args.file)
    space = BargainingSpace(scenario, time_limit=args.time_limit)
    package = space.best(args.objective)
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
        print(render_package(scenario, package))
    return EXIT_OK


def render_package(scenario: Scenario, package: Package) -> str:
    """A plain-text table: each issue's choice, then each party's utility, reservation and gain."""
    status = "" if package.optimal else "  (stopped at the time limit: best found, not proven optimal)"
    lines = [f"{scenario.name}: the {package.criterion} package{status}", ""]
    table = package.table(scenario)
    width = max(len(str(x)) for x in table["issue"])
    lines += [f"  {issue:<{width}}  {meaning}" for issue, meaning in zip(table["issue"], table["meaning"])]
    lines += ["", f"  {'party':<{width}}  {'utility':>9}  {'reservation':>11}  {'gain':>9}"]
    for party in scenario.parties:
        utility, gain = package.utilities[party.id], package.gains[party.id]
        mark = "" if party.id in package.signers else "  (stays out)"
        lines.append(f"  {party.label:<{width}}  {utility:>9.4g}  {party.reservation:>11.4g}  {gain:>+9.4g}{mark}")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
