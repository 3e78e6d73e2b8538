"""The commands: each reads its arguments, asks the space, prints the answer and returns the exit code."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..algorithms.dp import LimitReached
from ..errors import TimeLimitReached
from ..files import check_output, write_atomic
from ..scenario import Scenario
from ..scenario.errors import suggest
from .common import (
    EXIT_NO_DEAL,
    EXIT_OK,
    UsageError,
    announced,
    emit,
    limit_text,
    load,
    open_space,
    plural,
    writable,
)
from .limits import check_samples, phases_for

if TYPE_CHECKING:
    from ..results import Frontier


def check(args: argparse.Namespace) -> int:
    scenario = load(args.file)
    print(f"{args.file}: valid scenario (format 1)")
    print(f"  {scenario.name}")
    veto = sum(p.veto for p in scenario.parties)
    print(f"  parties:      {len(scenario.parties)} ({veto} with a veto): {', '.join(scenario.party_ids)}")
    print(f"  issues:       {len(scenario.discrete_issues)} discrete, {len(scenario.continuous_issues)} continuous")
    count = scenario.package_count()
    shown = f"{count:,}" if count < 10**15 else f"about 10^{int(count.bit_length() * 0.30103)}"  # 10^5000 has no printable digits
    print(f"  packages:     {shown} combination{'' if count == 1 else 's'} of discrete options")
    print(f"  red lines:    {len(scenario.red_lines)}; interactions: {len(scenario.interactions)}")
    warnings = scenario.warnings()
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if warnings:
        print(f"  {plural(len(warnings), 'warning')} (on stderr): the file loads, but look at them", file=sys.stdout)
    return EXIT_OK


def init(args: argparse.Namespace) -> int:
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


def _coalition(scenario: Scenario, text: str | None) -> str | list[str] | None:
    """``--coalition``: "smallest", or the optional parties that join (every veto party always takes part)."""
    if text in (None, "smallest"):
        return text
    optional = [p.id for p in scenario.parties if not p.veto]
    chosen = [p.strip() for p in str(text).split(",") if p.strip()]
    for party in chosen:
        if party not in scenario.party:
            raise UsageError(f"--coalition: unknown party '{party}'{suggest(party, optional or list(scenario.party))}")
    if not optional:
        raise UsageError("--coalition: every party of this scenario has a veto and always takes part; there is no coalition to choose")
    for party in chosen:
        if scenario.party[party].veto:
            raise UsageError(f"--coalition: {party} has a veto and always takes part; list only optional parties that join "
                             f"({', '.join(optional)})")
    return chosen


def solve(args: argparse.Namespace) -> int:
    space = open_space(args.file, args.time_limit)
    scenario = space.scenario
    coalition = _coalition(scenario, args.coalition)
    with announced(f"bargaining solve ({args.objective})", args.time_limit), space.deadline(args.time_limit):
        package = space.best(args.objective, coalition=coalition)  # the limit holds for the whole command
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
        from ..present.text import render_package

        print(render_package(scenario, package))
    return EXIT_OK


def report(args: argparse.Namespace) -> int:
    from ..report import report as write_report

    output = Path(args.output) if args.output else Path(Path(args.file).stem + ".html")
    check_output(output, [args.file], create_folders=True)
    space = open_space(args.file)
    with announced("bargaining report", args.time_limit, " for the frontier searches and the most robust package's search"):
        path = write_report(space, output, frontier_time_limit=args.time_limit, progress=None)
    print(f"wrote {path}", file=sys.stderr)
    return EXIT_OK


def diagnose(args: argparse.Namespace) -> int:
    space = open_space(args.file)
    with announced("bargaining diagnose", args.time_limit), space.deadline(args.time_limit):
        diagnosis = space.diagnose()
        opened = None if diagnosis.feasible else space.opened("maxmin")
    print(diagnosis)
    if opened is None:
        return EXIT_OK
    if len(opened):
        print("The deal each single concession opens (maxmin; gains over the stated reservations):")
    for concession in opened:
        gains = ", ".join(f"{space.scenario.party[p].label} {concession.package.gains[p]:+.4g}" for p in space.criteria_parties)
        print(f"  - {concession.label} -> {gains}")
    return EXIT_NO_DEAL


def frontier(args: argparse.Namespace) -> int:
    writable(args.csv, args.file)
    space = open_space(args.file)
    parties = [p.strip() for p in args.parties.split(",")] if args.parties else None
    with announced("bargaining frontier", args.time_limit, " for the search"):
        try:
            found = space.pareto_frontier(parties=parties, time_limit=args.time_limit, method=args.method)
        except LimitReached as stop:  # --method dp: the programme returns a whole frontier or nothing
            if "deadline" in stop.reason:
                raise TimeLimitReached("the dynamic programme (--method dp) reached the time limit before the whole frontier, "
                                       "and it gives nothing partial; without --method dp the mixed-integer search lists the "
                                       "points found so far") from None
            raise UsageError(f"{args.file}: the dynamic programme (--method dp) cannot hold this scenario: {stop.reason}; "
                             "run without --method dp (the mixed-integer search takes over)") from None
    if not len(found) and found.complete:
        with space.deadline(args.time_limit):
            print(space.diagnose())  # no acceptable package: say why instead of an empty table
        return EXIT_NO_DEAL
    state = found.state if found.complete else f"INCOMPLETE: stopped at the {limit_text(args.time_limit)}; these are the points found so far"
    print(f"{space.scenario.name}: {plural(len(found), 'frontier point')}, {state}; "
          f"{plural(found.solver_calls, 'solver call')} in {found.seconds:.1f} s", file=sys.stderr)
    if not len(found):
        raise TimeLimitReached("stopped at the time limit before finding any frontier point")
    emit(found.to_frame(), args.csv, frontier_header(found))
    return EXIT_OK


def frontier_header(found: "Frontier") -> str:
    """Comment lines for the frontier's CSV: what it is and whether it is complete (pandas skips
    them with ``read_csv(path, comment="#")``)."""
    grid = "" if found.exact else f" (on a grid: {found.grid_text()})"
    lines = [
        f"bargaining frontier: {' '.join(found.scenario.name.split())}",
        "complete: true" if found.complete else
        "complete: false (stopped at the time limit: these rows are the points found so far, not the whole frontier)",
        f"exact: {str(bool(found.exact)).lower()}{grid}",
        f"method: {found.method} ({' '.join(str(found.reason or '').split())})",
        f"parties: {', '.join(found.parties)}; points: {len(found)}; solver calls: {found.solver_calls}; seconds: {found.seconds:.2f}",
        'read with pandas.read_csv(path, comment="#")',
    ]
    return "".join(f"# {line}\n" for line in lines)


def coalitions(args: argparse.Namespace) -> int:
    writable(args.csv, args.file)
    space = open_space(args.file)
    if all(p.veto for p in space.scenario.parties):
        print(f"{args.file}: every party has a veto (none is marked veto: false), so there is no coalition of the willing to "
              f"form: every party takes part in any deal ('bargaining solve {args.file}' finds it)", file=sys.stderr)
        return EXIT_NO_DEAL
    with announced("bargaining coalitions", args.time_limit), space.deadline(args.time_limit):
        frame = space.coalitions()
    if not len(frame):
        print("no coalition opens the bargaining space", file=sys.stderr)
        return EXIT_NO_DEAL
    emit(frame, args.csv)
    return EXIT_OK


def leverage(args: argparse.Namespace) -> int:
    space = open_space(args.file)
    scenario = space.scenario
    issues = [args.issue] if args.issue else [i.id for i in scenario.issues if i.linkable]
    if not issues:
        raise UsageError("no issue given and none is marked linkable: true; name one")
    for issue in issues:
        if issue not in scenario.issue:
            raise UsageError(f"unknown issue '{issue}'{suggest(issue, list(scenario.issue))}")
    with announced("bargaining leverage", args.time_limit), space.deadline(args.time_limit):
        tables = [(issue, space.leverage(issue).to_frame()) for issue in issues]  # every answer before any output
    for issue, table in tables:
        print(f"\n{scenario.issue[issue].label}")
        exists = table[table["measure"] == "package exists"].iloc[0]
        if not exists["frozen at status quo"] and not exists["open"]:
            print(f"  no acceptable package, frozen at its status quo or open: linking it does not open the space "
                  f"(bargaining diagnose {args.file} shows what blocks it)")
            continue
        print(table.to_string(index=False))
    return EXIT_OK


def phased(args: argparse.Namespace) -> int:
    scenario = load(args.file)
    phases = phases_for(scenario, args.phases)  # before the model's phase copies are built
    space = open_space(args.file, scenario=scenario)
    with announced("bargaining phased", args.time_limit), space.deadline(args.time_limit):
        plan = space.phased(phases, args.objective)
    if plan.package is None:
        print(plan.reason)
        return EXIT_NO_DEAL
    for _, row in plan.to_frame().iterrows():
        print(f"phase {row['phase']}: {row['switched on'] or '(nothing new)'}")
        print("  gains so far: " + ", ".join(f"{space.scenario.party[p].label} {row[p + ' gain']:+.4g}" for p in space.scenario.party_ids))
    return EXIT_OK


def robustness(args: argparse.Namespace) -> int:
    from ..present.text import render_robustness

    if args.seed < 0:
        raise UsageError(f"--seed must be 0 or more, not {args.seed}")
    scenario = load(args.file)
    check_samples(scenario, args.samples)  # before anything is drawn or built
    space = open_space(args.file, scenario=scenario)
    with announced(f"bargaining robustness ({plural(args.samples, 'world')})", args.time_limit, " for the most robust package's search"):
        deal = space.deal_probability(args.samples, args.seed, scheduler=args.scheduler)
        robust = space.most_robust(args.samples, args.seed, time_limit=args.time_limit)
        table = space.robustness(samples=args.samples, seed=args.seed, frontier_seconds=0)
        voi = space.value_of_information(args.samples, args.seed)
    if args.json:
        print(json.dumps(_no_nan({
            "samples": args.samples, "seed": args.seed,
            "deal_probability": {"probability": deal.probability, "interval": list(deal.interval), "deals": deal.deals,
                                 "samples": deal.samples, "summary": deal.summary().to_dict("records")},
            "robustness": table.to_dict("records"),
            "most_robust": None if robust is None else robust.to_dict(),
            "value_of_information": voi.to_dict("records"),
        }), indent=2, default=float))
    else:
        print(render_robustness(space.scenario, deal, table, robust, voi))
    return EXIT_OK if deal.deals else EXIT_NO_DEAL


def _no_nan(value: Any) -> Any:
    """JSON has no NaN: a share over no worlds (a side of a question that never happens) becomes null."""
    if isinstance(value, dict):
        return {k: _no_nan(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_nan(v) for v in value]
    return None if isinstance(value, float) and value != value else value
