"""Plain text of what the findings hinge on (``bargaining sensitivity``, and the structure that opens
``bargaining robustness``): the chance of a deal in words, the most robust package, the questions
ranked with ties named, the tornado, the break-even table of the stated-world findings, and every
inert input in one list.  Numbers by the one rule (:func:`~bargaining.results.number`)."""

from __future__ import annotations

from typing import Any

from ..results import ExactDeal, ExactRobustPackage, Robustness, Sensitivity, TornadoBar, ValueOfInformation, number, percent
from ..results.ties import and_list
from .break_even import finding_lines, inert_lines


def structure_lines(deal: ExactDeal) -> list[str]:
    """The chance of a deal as its structure, then the number."""
    lines = [f"Chance of a deal: {percent(deal.exact_probability)}, exactly (every world of the uncertain red lines; "
             "nothing sampled)", f"  {deal.words}: {deal.expression}"]
    if deal.blocking and deal.blocking != ((),):
        lines.append("  Minimal blocking sets (if every line of one is real, no package is acceptable):")
        for n, row in enumerate(deal.to_frame().to_dict("records"), 1):
            lines.append(f"    {n}. {row['lines']} (all real: {percent(row['all real'])})")
    relevant = {k for group in deal.blocking for k in group}
    idle = [x.id for x in deal.lines if x.index not in relevant]
    if idle and deal.blocking != ((),):
        lines.append(f"  The other {len(idle)} uncertain line(s) never decide whether a deal exists: {', '.join(idle)}")
    if not deal.complete:
        lines.append(f"  INCOMPLETE: {deal.reason}")
    return lines


def robust_lines(robust: ExactRobustPackage | None) -> list[str]:
    if robust is None:
        return ["Most robust package: none; no package is acceptable in any world."]
    lines = [f"Most robust package: {percent(robust.exact_probability)}, {robust.words}"]
    if robust.tied:
        lines.append(f"  tied with: {'; '.join(robust.tied)} (the one shown has the largest smallest stated gain)")
    if robust.scenario is not None:
        lines += [f"  {i.label}: {robust.label(i.id)}" for i in robust.scenario.issues]
    if robust.breaks:
        lines.append(f"  breaks, as stated: {'; '.join(robust.breaks)}")
    lines.append("  stated-world gains: " + ", ".join(f"{robust.scenario.party[p].label if robust.scenario else p} "
                                                      f"{number(g, sign=True)}" for p, g in robust.gains.items()))
    return lines


def question_lines(information: ValueOfInformation) -> list[str]:
    """The questions ranked; tied questions on one line ("tied: A and B, +12.5 points each")."""
    lines = []
    voi = information.to_frame()
    worthless = voi[voi["rise"] <= 0]
    for rank, group in voi[voi["rise"] > 0].groupby("rank", sort=True):
        rows = group.to_dict("records")
        rise = f"+{number(100 * rows[0]['rise'])} points"
        if len(rows) > 1:
            names = [f"{r['label']} [{r['question']}]" for r in rows]
            lines.append(f"  {rank}. tied: {and_list(names)}, {rise} each")
        else:
            r = rows[0]
            lines.append(f"  {rank}. {r['label']} [{r['question']}]: {rise}")
        for r in rows:
            lines.append(f"     [{r['question']}] real with p = {number(r['p yes'])}: deal {percent(r['deal if yes'])} if real, "
                         f"{_pct(r['deal if no'])} if not")
    if len(worthless):
        lines.append(f"  worth nothing here (knowing the answer changes no choice): {', '.join(worthless['question'])}")
    return lines


def _pct(value: float) -> str:
    return "n/a" if value != value else percent(value)


def bar_text(bar: TornadoBar) -> str:
    if bar.kind == "real":
        where = f"probability {number(bar.stated)} over [{number(bar.low)}, {number(bar.high)}]"
    elif bar.kind == "reservation":
        where = f"reservation {number(bar.stated)} over [{number(bar.low)}, {number(bar.high)}]"
    else:
        where = f"every point scaled by {number(bar.low)} to {number(bar.high)}"
    text = (f"{bar.input} ({where}): deal {percent(bar.deal_low)} at {number(bar.low)}, {percent(bar.deal_high)} at "
            f"{number(bar.high)}; swing {number(100 * bar.swing)} points")
    moves = [c.text() for c in bar.changes if c.changes or c.exact_beyond is not None]
    return text + ("; " + "; ".join(moves) if moves else "")


def tornado_lines(result: Sensitivity) -> list[str]:
    """The inputs that move something, largest swing first (tied swings share a rank); the inert ones are listed
    with every other inert input (:func:`inert_list`)."""
    frame = result.to_frame()
    bars = {b.input + b.kind: b for b in result.tornado}
    lines = []
    for rank, group in frame[~frame["inert"]].groupby("rank", sort=True):
        rows = group.to_dict("records")
        tie = " (tied)" if len(rows) > 1 else ""
        for r in rows:
            lines.append(f"  {rank}.{tie} {bar_text(bars[r['input'] + r['kind']])}")
    if not lines:
        lines.append("  no uncertain input moves the chance of a deal, the most robust package or the first question")
    return lines


def inert_list(result: Sensitivity) -> list[str]:
    """Every input that moves nothing over its whole range, of the tornado and of the break-even table: one list."""
    inert = result.inert_frame()
    if not len(inert):
        return []
    lines = ["Inert (over its whole range nothing here moves: no chance of a deal, most robust package, first question or "
             "stated-world finding):"]
    for row in inert.itertuples():
        where = f"[{number(row.low)} to {number(row.high)}]"
        lines.append(f"  {row.label} ({row.input}): {number(row.stated)} {where}; {row.analysis}")
    return lines


def render_sensitivity(result: Sensitivity) -> str:
    scenario = result.scenario
    lines = [f"{scenario.name}: what the findings hinge on", ""]
    if not result.deal.lines and not result.tornado:
        lines.append("No input of this scenario is marked uncertain (real, reservation_range, points_spread): every finding "
                     "rests on the stated numbers" + (" (their break-even values are below)." if result.break_even is not None else "."))
    else:
        lines += structure_lines(result.deal)
        if result.exact_deal_over_ranges is not None:
            low, high = result.exact_deal_over_ranges
            lines.append(f"  With every probability anywhere in its real_range at once: from {percent(low)} to {percent(high)} "
                         "(its extremes are at the ranges' corners: the chance is multilinear in the probabilities)")
        lines += ["", *robust_lines(result.most_robust)]
    if len(result.information) and result.deal.lines:
        lines += ["", "What to ask first (the value of information: how much knowing the answer raises the chance that the "
                  "package then chosen is accepted):", *question_lines(result.information)]
    if result.tornado:
        lines += ["", "How far each uncertain input can move (the chance of a deal at each end of its range, the others held; "
                  "largest swing first):", *tornado_lines(result)]
    if result.ties:
        lines += ["", "Ties (never ordered as if one came first):", *[f"  {t.text}" for t in result.ties]]
    table = result.break_even
    if table is not None:
        lines += ["", "Break-even values of the stated-world findings (each number moved alone over its range, everything "
                  "else as written):", "", *finding_lines(table)]
        lines += inert_lines(table, quiet=False)
        if not table.complete:
            lines.append(f"INCOMPLETE: {table.reason}; not analysed: {', '.join(f'{f} x {i}' for f, i in table.skipped)}")
        unverified = [r for r in table.flips() if not r.verified]
        if unverified:
            lines.append(f"{len(unverified)} flips did NOT verify: the engine, asked again on either side, disagreed.")
    inert = inert_list(result)
    if inert:
        lines += ["", *inert]
    how = "exact" if result.exact else "not exact"
    lines += ["", f"({how}: {result.method}; {number(result.seconds)} s{'' if result.complete else '; INCOMPLETE: ' + result.reason})"]
    return "\n".join(lines).replace("\n\n\n", "\n\n")


def render_exact_robustness(scenario: Any, deal: ExactDeal, table: Robustness, robust: ExactRobustPackage | None,
                            voi: ValueOfInformation) -> str:
    """``bargaining robustness`` when the only uncertainty is red lines with ``real``: the structure first,
    then every number exactly (no sampling, no interval)."""
    lines = [f"{scenario.name}: every world of {len(deal.lines)} uncertain red line(s), exactly (nothing sampled)", ""]
    lines += structure_lines(deal)
    lines += ["", "How likely each package is to be acceptable, and what blocks it most often:"]
    rows = list(table)
    width = max([len(r.label) for r in rows] + [7])
    for r in rows:
        blocked = f"  blocked most by {r.blocked_by} ({percent(r.blocked_share)})" if r.blocked_by else ""
        lines.append(f"  {r.label:<{width}}  {percent(r.share)}{blocked}")
    lines += ["", *robust_lines(robust)]
    if len(voi):
        lines += ["", "What learning each uncertainty would be worth (tied questions share a rank; none comes first):",
                  *question_lines(voi)]
    return "\n".join(lines)


def drawn_lines(drawn: Any) -> list[str]:
    """The structure at the stated reservations and points, then the chance over the draws of the continuous inputs."""
    lines = ["With the reservations and points as stated:", *structure_lines(drawn.structure)]
    lines += ["", f"With the reservation ranges and points spreads too: {drawn.text}"]
    if not drawn.complete:  # cut short (the time limit, or a cap): the chance above is what was found before, not more
        lines.append(f"  INCOMPLETE: {drawn.reason}")
    return lines
