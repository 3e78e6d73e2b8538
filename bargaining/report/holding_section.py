"""The report's section "Will it hold?": the best self-enforcing plan with a figure of every party's margin
per phase, the plan that fails (the best phased one, or the closest) with its fixes, the threats, and the
stability of each bargaining solution once signed (docs/holding.md)."""

from __future__ import annotations

from functools import partial
from typing import Any

from markupsafe import Markup

from ..present.holding import margin_figure
from ..results import CRITERIA, HeldPlan, Stability, number
from .context import ReportContext, Section

#: The phases the report plans in (as the phasing section).
PHASES = 3


def holding_section(ctx: ReportContext) -> Section:
    return Section("Will it hold?", _body(ctx))


def _body(ctx: ReportContext) -> Markup:
    space, scenario = ctx.space, ctx.scenario
    if not ctx.feasible:
        closed = ctx._timed("holding", lambda: space.self_enforcing("maxmin", phases=1))
        return ctx.render_template("holding", threats=_threats(ctx, closed.threats), open=False)
    result = ctx._timed("holding", lambda: space.self_enforcing("maxmin", phases=PHASES, time_limit=ctx.time_limit or 0))
    plan_table, plan_note = Markup(""), ""
    if result.plan is not None:
        plan_table = ctx.figure(margin_figure(result.plan, "The best maxmin plan that holds: each party's margin, phase by phase"),
                                "Green: the party prefers to continue; the bars are its utility of the whole package minus what "
                                "defecting at that phase leaves it. Hover for both.")
        plan_note = f"Smallest margin: {number(result.plan.exact_smallest or 0)}."
    failing = []
    for title, held in (("The best maxmin phased plan, incentives aside, does not hold", result.phased),
                        ("No plan holds; the closest one", result.closest)):
        if held is None or held.holds:
            continue
        figure = ctx.figure(margin_figure(held), "Red bars: the party gains that much by defecting at that phase.")
        fixes = [f.text + ("" if f.exact_margin is None else f" (margin then {number(f.exact_margin)})") for f in held.fixes[:8]]
        failing.append({"title": title, "violations": held.describe_violations(scenario), "moves": _moves(held), "figure": figure, "fixes": fixes})
    moves = _moves(result.plan) if result.plan is not None else []
    stabilities = []
    for criterion in CRITERIA:
        package = ctx.solutions.get(criterion)
        if package is None:
            continue
        found: Stability = ctx._timed("stability", partial(space.stability, package))
        best = found.deviations[0] if found.deviations else None
        text = "none" if best is None else (
            " + ".join(ctx.party_label[p] for p in best.coalition) + (" withholds " if len(best.coalition) == 1 else " withhold ") + ", ".join(scenario.issue[i].label for i in best.reneged)
            + ": " + ", ".join(f"{ctx.party_label[p]} {number(g, sign=True)}" for p, g in best.gains.items()))
        stabilities.append({"name": criterion, "stable": found.stable, "best": text, "count": len(found.deviations)})
    return ctx.render_template(
        "holding", threats=_threats(ctx, result.threats), open=True, criterion="maxmin", plan=result.plan is not None,
        plan_table=plan_table, plan_note=plan_note, moves=moves, reason=result.reason, failing_plans=failing, stabilities=stabilities)


def _threats(ctx: ReportContext, threats: Any) -> list[dict[str, str]]:
    return [{"label": t.label, "by": ctx.party_label[t.by], "against": ", ".join(ctx.party_label[p] for p in t.against),
                 "triggers": " or ".join(t.triggers), "why": t.why} for t in threats]


def _moves(held: HeldPlan) -> list[dict[str, Any]]:
    """One row per phase: its number and what it switches on ((issue, choice) pairs)."""
    return [{"phase": t, "moves": held.plan.moves(t)} for t in range(1, held.plan.phases + 1)]

