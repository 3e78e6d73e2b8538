"""The commands: each reads its arguments, asks the space, prints the answer and returns the exit code."""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..algorithms.programme import LimitReached
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
    say,
    warn_doubt,
    writable,
)
from .cut import Parts
from .limits import check_samples, phases_for

if TYPE_CHECKING:
    from ..results import Frontier, Package


def check(args: argparse.Namespace) -> int:
    scenario = load(args.file)
    say(f"{args.file}: valid scenario (format 1)")
    say(f"  {scenario.name}")
    veto = sum(p.veto for p in scenario.parties)
    say(f"  parties:      {len(scenario.parties)} ({veto} with a veto): {', '.join(scenario.party_ids)}")
    say(f"  issues:       {len(scenario.discrete_issues)} discrete, {len(scenario.continuous_issues)} continuous")
    count = scenario.package_count()
    shown = f"{count:,}" if count < 10**15 else f"about 10^{int(count.bit_length() * 0.30103)}"  # 10^5000 has no printable digits
    say(f"  packages:     {shown} combination{'' if count == 1 else 's'} of discrete options")
    say(f"  red lines:    {len(scenario.red_lines)}; interactions: {len(scenario.interactions)}")
    warnings = scenario.warnings()
    for warning in warnings:
        say(f"warning: {warning}", file=sys.stderr)
    if warnings:
        say(f"  {plural(len(warnings), 'warning')} (on stderr): the file loads, but look at them")
    return EXIT_OK


def init(args: argparse.Namespace) -> int:
    from importlib import resources

    path = Path(args.file)
    if path.exists():
        raise UsageError(f"{path} already exists; choose a new file name (init never overwrites)")
    if not path.resolve().parent.is_dir():
        raise UsageError(f"{path.parent}: no such folder for the new scenario")
    write_atomic(path, resources.files("bargaining.scenario").joinpath("templates", "starter.yaml").read_text(encoding="utf-8"))
    say(f"wrote {path}: a starter scenario with every kind of field, commented; edit it, then run "
          f"'bargaining check {path}' and 'bargaining report {path}'")
    return EXIT_OK


def no_optional_parties(file: str) -> str:
    """What ``coalitions`` (and ``solve --coalition smallest``) say when every party has a veto."""
    return (f"{file}: every party has a veto (none is marked veto: false), so there is no coalition of the willing to "
            f"form: every party takes part in any deal ('bargaining solve {file}' finds it)")


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
    scenario = load(args.file)
    coalition = _coalition(scenario, args.coalition)
    if coalition == "smallest" and all(p.veto for p in scenario.parties):
        say(no_optional_parties(args.file), file=sys.stderr)
        return EXIT_NO_DEAL
    package = _without_model(scenario, args) if coalition is None else None
    diagnosis = None
    if package is None:  # the programme does not apply (or found nothing: the diagnosis needs the model)
        space = open_space(scenario)
        with announced(f"bargaining solve ({args.objective})", args.time_limit), space.deadline(args.time_limit):
            package = space.best(args.objective, coalition=coalition)  # the limit holds for the whole command
            diagnosis = space.diagnose() if package is None else None
    if package is None:
        assert diagnosis is not None
        if args.json:
            say(json.dumps({"acceptable": False, "conflict": [r.label for r in diagnosis.conflict]}, indent=2))
        else:
            say(diagnosis)
        return EXIT_NO_DEAL
    if args.json:
        say(json.dumps({"acceptable": True, **package.to_dict()}, indent=2, default=float))
        if package.caveat:
            say(f"warning: {package.caveat}", file=sys.stderr)
    else:
        from ..present.text import render_package

        say(render_package(scenario, package))
    return EXIT_OK


def _without_model(scenario: Scenario, args: argparse.Namespace) -> "Package | None":
    """The criterion's package read off the exact programme's frontier, as ``space.best`` would give it, without
    importing the solver interface or building the model; None when the programme does not answer within its
    budget or finds no acceptable package."""
    if scenario.continuous_issues:
        return None
    import time

    from ..algorithms.programme import NotApplicable
    from ..algorithms.read_off import best_by_programme, numeric_doubt

    started = time.perf_counter()
    try:
        package = best_by_programme(scenario, args.objective, scenario.criteria_party_ids, remaining=args.time_limit or None)
    except NotApplicable:
        return None
    if package is None:
        return None
    warn_doubt(scenario, numeric_doubt(scenario))
    stamped: Package = package.stamped(seconds=time.perf_counter() - started)
    return stamped


def report(args: argparse.Namespace) -> int:
    from ..report import write_report

    scenario = _worlds(args)
    output = Path(args.output) if args.output else Path(Path(args.file).stem + ".html")
    check_output(output, [args.file], create_folders=True)
    space = open_space(scenario)
    with announced("bargaining report", args.time_limit):  # the limit bounds the whole report (write_report's deadline)
        cut: list[str] = []
        path = write_report(space, output, time_limit=args.time_limit or 0, samples=args.samples, seed=args.seed, progress=None,
                            cut=cut)
    say(f"wrote {path}", file=sys.stderr)
    if cut:
        say(f"INCOMPLETE: the {limit_text(args.time_limit)} for the whole report cut short {len(cut)} section"
            f"{'' if len(cut) == 1 else 's'} (listed at the top of the report): "
            f"{', '.join(c.split(' (')[0] for c in cut)}; try a larger --time-limit, or --time-limit 0 for none", file=sys.stderr)
    return EXIT_OK


def diagnose(args: argparse.Namespace) -> int:
    from ..present.text import render_concessions

    space = open_space(args.file)
    with announced("bargaining diagnose", args.time_limit), space.deadline(args.time_limit):
        diagnosis = space.diagnose()
        opened = None if diagnosis.feasible else space.opened("maxmin")
    say(diagnosis)
    if opened is None:
        return EXIT_OK
    if len(opened):
        say(render_concessions(space.scenario, opened))
    return EXIT_NO_DEAL


def frontier(args: argparse.Namespace) -> int:
    from ..results import number

    writable(args.csv, args.file)
    scenario = load(args.file)
    parties = [p.strip() for p in args.parties.split(",")] if args.parties else None
    for party in parties or []:
        if party not in scenario.party:
            raise UsageError(f"--parties: unknown party '{party}'{suggest(party, scenario.party_ids)}")
    space = open_space(scenario)
    with announced("bargaining frontier", args.time_limit), space.deadline(args.time_limit):
        try:
            found = space.frontier(parties, time_limit=args.time_limit or 0, method=args.method)
        except LimitReached as stop:  # --method dp: the programme returns a whole frontier or nothing
            if "deadline" in stop.reason:
                raise TimeLimitReached("the dynamic programme (--method dp) reached the time limit before the whole frontier, "
                                       "and it gives nothing partial; without --method dp the mixed-integer search lists the "
                                       "points found so far") from None
            raise UsageError(f"{args.file}: the dynamic programme (--method dp) cannot hold this scenario: {stop.reason}; "
                             "run without --method dp (the mixed-integer search takes over)") from None
        if not len(found) and found.complete:
            say(space.diagnose())  # no acceptable package: say why instead of an empty table (within the same deadline)
            return EXIT_NO_DEAL
    state = found.state if found.complete else f"INCOMPLETE: stopped at the {limit_text(args.time_limit)}; these are the points found so far"
    say(f"{space.scenario.name}: {plural(len(found), 'frontier point')}, {state}; "
        f"{plural(found.solver_calls, 'solver call')} in {number(found.seconds)} s", file=sys.stderr)
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
    scenario = load(args.file)
    if all(p.veto for p in scenario.parties):
        say(no_optional_parties(args.file), file=sys.stderr)
        return EXIT_NO_DEAL
    space = open_space(scenario)
    with announced("bargaining coalitions", args.time_limit), space.deadline(args.time_limit):
        found = space.coalitions()
    if not len(found) and not found.complete:
        raise TimeLimitReached("stopped at the time limit before any coalition was found or ruled out")
    if not len(found):
        say("no coalition opens the bargaining space", file=sys.stderr)
        return EXIT_NO_DEAL
    emit(found.to_frame(), args.csv)
    if not found.complete:
        say(f"INCOMPLETE: stopped at the {limit_text(args.time_limit)}: these are the coalitions found so far "
            f"({found.reason})", file=sys.stderr)
    return EXIT_OK


def leverage(args: argparse.Namespace) -> int:
    from ..present.text import render_leverage

    scenario = load(args.file)  # the arguments are checked before the model is built
    issues = [args.issue] if args.issue else [i.id for i in scenario.issues if i.linkable]
    if not issues:
        raise UsageError(f"{args.file}: no issue given and none is marked linkable: true; name one "
                         f"(bargaining leverage {args.file} ISSUE; the issues: {', '.join(scenario.issue)})")
    for issue in issues:
        if issue not in scenario.issue:
            raise UsageError(f"unknown issue '{issue}'{suggest(issue, list(scenario.issue))}")
        if scenario.issue[issue].status_quo_choice is None:
            raise UsageError(f"issue '{issue}' has no status quo to freeze it at; mark one in the scenario")
    space = open_space(scenario)
    with announced("bargaining leverage", args.time_limit), space.deadline(args.time_limit):
        found = [space.leverage(issue) for issue in issues]  # every answer before any output
    for result in found:
        say(f"\n{scenario.issue[result.issue].label}")
        if not result.frozen.exists and not result.open.exists:
            say(f"  no acceptable package, frozen at its status quo or open: linking it does not open the space "
                f"(bargaining diagnose {args.file} shows what blocks it)")
            continue
        say(render_leverage(scenario, result))
    return EXIT_OK


def phased(args: argparse.Namespace) -> int:
    from ..present.text import render_plan

    scenario = load(args.file)
    phases = phases_for(scenario, args.phases)  # before the model's phase copies are built
    space = open_space(scenario)
    with announced("bargaining phased", args.time_limit), space.deadline(args.time_limit):
        plan = space.phased(args.objective, phases=phases)
    if plan.package is None:
        say(plan.reason)
        return EXIT_NO_DEAL
    say(render_plan(space.scenario, plan))
    return EXIT_OK


def _worlds(args: argparse.Namespace) -> Scenario:
    """The scenario, once ``--samples`` (bounded: :func:`~.limits.check_samples`) and ``--seed`` are checked, before
    anything is drawn or built."""
    if args.seed < 0:
        raise UsageError(f"--seed must be 0 or more, not {args.seed}")
    scenario = load(args.file)
    check_samples(scenario, args.samples)
    return scenario


def robustness(args: argparse.Namespace) -> int:
    from ..present.text import render_robustness
    from ..results import DealProbability, ExactDeal

    scenario = _worlds(args)
    space = open_space(scenario)
    from ..algorithms.hinges import applies
    from .sensitivity import drawn, drawn_json, exact_robustness

    if applies(space.scenario):  # only real lines: every answer exact (nothing sampled)
        code = exact_robustness(args, space)
        if code >= 0:
            return code
    worlds = dict(samples=args.samples, seed=args.seed)
    parts = Parts(args.time_limit)
    # without --scheduler, the chance of a deal's searches run on a local worker alongside the other parts (where
    # that pays: BargainingSpace.deal_alongside), and are collected last; with one, they run first, there
    alongside = args.scheduler is None

    def chance() -> DealProbability | ExactDeal | None:
        return parts.run("the chance of a deal", lambda: space.deal_probability(**worlds, scheduler=args.scheduler))
    with announced(f"bargaining robustness ({plural(args.samples, 'world')})", args.time_limit), space.deadline(args.time_limit), \
            space.deal_alongside(**worlds) if alongside else nullcontext():
        # the structure first, the real lines exact in each draw; then the sampled worlds (one deadline for all)
        structure = parts.run("the structure of the uncertain red lines", lambda: drawn(space, args.samples, args.seed))
        deal = None if alongside else chance()
        # the value of information first: it finds the most robust package on the way (the robust block's rows added
        # to HiGHS once for both)
        voi = parts.run("the value of information", lambda: space.value_of_information(**worlds))
        robust = parts.run("the most robust package", lambda: space.most_robust(**worlds))
        table = parts.run("each package's acceptance", lambda: space.robustness(**worlds))
        deal = chance() if alongside else deal
    parts.cut.sort(key=["the structure of the uncertain red lines", "the chance of a deal", "the most robust package",
                        "each package's acceptance", "the value of information"].index)  # in the order they are shown
    if isinstance(deal, ExactDeal):  # only real lines, and their exact analysis (stopped above) finished this time
        code = exact_robustness(args, space)
        if code >= 0:
            return code
        deal = None
    if deal is None:  # nothing sampled to show: what was found, then what was cut
        if structure is not None and not args.json:
            from ..present.sensitivity_text import drawn_lines

            say("\n".join(drawn_lines(structure)))
        others = [name for name in parts.cut if name != "the chance of a deal"]
        raise TimeLimitReached("the time limit stopped the sampled worlds before the chance of a deal was known"
                               + (f" (not computed either: {'; '.join(others)})" if others else ""))
    if args.json:
        say(json.dumps(_no_nan({
            "samples": args.samples, "seed": args.seed, "exact_lines": drawn_json(structure),
            "deal_probability": {"probability": deal.probability, "interval": None if deal.interval is None else list(deal.interval),
                                 "text": deal.text, "deals": deal.deals, "sampled_share": deal.sampled_share,
                                 "samples": deal.samples, "summary": deal.summary().to_dict("records")},
            "robustness": None if table is None else table.to_frame().to_dict("records"),
            "most_robust": None if robust is None else robust.to_dict(),
            "value_of_information": None if voi is None else voi.to_frame().to_dict("records"),
            "complete": not parts.cut, "cut_short": parts.cut,
        }), indent=2, default=float))
    else:
        if structure is not None:
            from ..present.sensitivity_text import drawn_lines

            say("\n".join([*drawn_lines(structure), "", "Sampled worlds (the red lines sampled with the reservations and points: "
                           "one package, and the question to ask, must do across every draw):", ""]))
        say(render_robustness(space.scenario, deal, table, robust, voi, chance=structure is None, cut=parts.cut))
    parts.say_note()
    return EXIT_OK if deal.deals else EXIT_NO_DEAL


def _no_nan(value: Any) -> Any:
    """JSON has no NaN: a share over no worlds (a side of a question that never happens) becomes null."""
    if isinstance(value, dict):
        return {k: _no_nan(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_nan(v) for v in value]
    return None if isinstance(value, float) and value != value else value
