"""Plain-text renderings for the terminal: result objects in, text out (numbers by the one rule,
:func:`bargaining.results.number`)."""

from __future__ import annotations

from typing import Sequence

from ..results import (
    Concessions,
    DealProbability,
    Leverage,
    Package,
    PhasePlan,
    Robustness,
    RobustPackage,
    ValueOfInformation,
    frame_text,
    number,
    percent,
    share_text,
    wilson,
)
from ..scenario import Scenario


def render_package(scenario: Scenario, package: Package) -> str:
    """A plain-text table: each issue's choice, then each party's utility, reservation and gain."""
    status = "" if package.optimal or package.evaluated else \
        f"  ({package.caveat or 'stopped at the time limit: best found, not proven optimal'})"
    lines = [f"{scenario.name}: the {package.title}{status}", ""]
    table = package.table(scenario)
    width = max(len(str(x)) for x in table["issue"])
    lines += [f"  {issue:<{width}}  {meaning}" for issue, meaning in zip(table["issue"], table["meaning"])]
    lines += ["", f"  {'party':<{width}}  {'utility':>9}  {'reservation':>11}  {'gain':>9}"]
    for party in scenario.parties:
        utility, reservation, gain = package.utilities[party.id], package.reservations[party.id], package.gains[party.id]
        mark = "" if party.id in package.signers else "  (stays out)"
        lines.append(f"  {party.label:<{width}}  {number(utility):>9}  {number(reservation):>11}  {number(gain, sign=True):>9}{mark}")
    return "\n".join(lines)


def render_concessions(scenario: Scenario, opened: Concessions) -> str:
    """``bargaining diagnose`` on a closed space: the deal each single concession opens, in gains."""
    if not len(opened):
        return ""
    lines = [f"The deal each single concession opens ({opened.criterion}; gains over the stated reservations):"]
    for concession in opened:
        gains = ", ".join(f"{scenario.party[p].label} {number(concession.package.gains[p], sign=True)}" for p in opened.parties)
        lines.append(f"  - {concession.label} -> {gains}")
    return "\n".join(lines)


def render_plan(scenario: Scenario, plan: PhasePlan) -> str:
    """``bargaining phased``: what each phase switches on, and every party's gain after it."""
    lines = []
    for t in range(1, plan.phases + 1):
        moves = "; ".join(f"{issue}: {choice}" for issue, choice in plan.moves(t))
        lines.append(f"phase {t}: {moves or '(nothing new)'}")
        lines.append("  gains so far: " + ", ".join(f"{scenario.party[p].label} {number(g, sign=True)}"
                                                     for p, g in plan.gains_after(t).items()))
    return "\n".join(lines)


def render_leverage(scenario: Scenario, found: Leverage) -> str:
    """``bargaining leverage``: the comparison table, frozen at the status quo against open."""
    import pandas as pd

    rows = [{"measure": r.measure, "party": r.party, "frozen at status quo": found.shown(r.frozen), "open": found.shown(r.open),
             "shift": found.shown(r.shift, sign=True)} for r in found.rows()]
    return frame_text(pd.DataFrame(rows))


def render_robustness(scenario: Scenario, deal: DealProbability, table: Robustness | None, robust: RobustPackage | None,
                      voi: ValueOfInformation | None, chance: bool = True, cut: Sequence[str] = ()) -> str:
    """``bargaining robustness``: the chance of a deal, each package's robustness, the most robust
    package, and the value of information, ranked.  ``chance=False`` leaves the sampled chance of a deal
    out (when it was computed exactly and printed before).  A part the time limit cut short (None; its
    name in ``cut``) is said to be not computed."""
    label = {p.id: p.label for p in scenario.parties}
    lines = [f"{scenario.name}: {deal.samples:,} sampled worlds (seed {deal.seed})", ""]
    if not (any(r.real is not None for r in scenario.red_lines)
            or any(p.reservation_range or p.points_spread for p in scenario.parties)):
        lines += ["This scenario has no uncertainty fields (real, reservation_range, points_spread): every world is the stated one.", ""]
    if chance and deal.drawn is not None:
        lines.append(f"Chance of a deal: {deal.text}")
    elif chance:
        low, high = wilson(deal.deals, deal.samples)
        lines.append(f"Chance of a deal: {percent(deal.probability)} (95% interval {percent(low)} to {percent(high)}): "
                     f"some package is acceptable in {deal.deals:,} of {deal.samples:,} worlds")
    summary = deal.summary()
    if len(summary):
        lines.append("Maxmin gains where there is a deal (median; 5th to 95th percentile):")
        lines += [f"  {label[r.party]}: {number(r.p50, sign=True)} ({number(r.p5, sign=True)} to {number(r.p95, sign=True)})"
                  for r in summary.itertuples()]
    lines += ["", "How often each package is acceptable (95% interval), and what blocks it most often:"]
    rows = [] if table is None else list(table)
    if table is None:
        lines.append("  not computed: the time limit cut it short")
    width = max([len(r.label) for r in rows] + [7])
    for r in rows:
        blocked = f"  blocked most by {r.blocked_by} ({percent(r.blocked_share)} of worlds)" if r.blocked_by else "  never blocked"
        lines.append(f"  {r.label:<{width}}  {share_text(r.share, (r.low, r.high))}{blocked}")
    lines.append("")
    if robust is None and "the most robust package" in cut:
        lines.append("Most robust package: not computed: the time limit cut it short.")
    elif robust is None:
        lines.append("Most robust package: none; no package is acceptable in any sampled world.")
    else:
        status = "" if robust.optimal else f" (time limit: best found; no package wins more than {robust.bound:,})"
        lines.append(f"Most robust package: acceptable in {robust.wins:,} of {robust.samples:,} worlds, "
                     f"{share_text(robust.share, robust.interval)}{status}")
        lines += [f"  {i.label}: {robust.label(i.id)}" for i in scenario.issues]
        if robust.breaks:
            out = [label[p] for p in scenario.party_ids if p not in robust.signers]
            lines.append(f"  breaks, as stated: {'; '.join(robust.breaks)} ({', '.join(out)} stays out as stated)")
        lines.append("  stated-world gains: " + ", ".join(f"{label[p]} {number(g, sign=True)}" for p, g in robust.gains.items()))
    questions = [] if voi is None else list(voi)
    if voi is None:
        lines += ["", "What learning each uncertainty would be worth: not computed: the time limit cut it short."]
    if questions:
        lines += ["", "What learning each uncertainty would be worth (ask the first one first; tied questions share a rank):"]
        for k, q in enumerate(questions, 1):
            tie = f" (tied with {q.tied_with})" if q.tied_with else ""
            lines.append(f"  {q.rank or k}. {q.label} [{q.question}]{tie}: yes ({q.yes_means}) in {percent(q.p_yes)} of worlds; "
                         f"deal {_pct(q.deal_if_yes)} if yes, {_pct(q.deal_if_no)} if no; knowing it raises the chosen "
                         f"package's acceptance from {percent(q.robust_now)} by {number(100 * q.rise)} points")
    return "\n".join(lines)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else percent(value)
