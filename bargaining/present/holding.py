"""Will it hold? The margin figure (one panel per phase) and the plain-text rendering of the holding results.

A *margin* is a party's utility of the whole package minus what it gets by defecting at that phase
(docs/holding.md): positive, it prefers to continue; negative, it gains by stopping there.
"""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..results import HeldPlan, SelfEnforcing, Stability, number
from ..scenario import Scenario
from .labels import esc, layout, wrap

#: Bar colours: a party that prefers to continue, one that gains by defecting.
HOLDS, BREAKS = "#3a7d44", "#c0392b"


def margin_figure(held: HeldPlan, title: str | None = None) -> go.Figure:
    """One panel per phase: a bar per party that still has something to deliver, its margin between
    continuing to the end and defecting there (red where it gains by defecting); parties with nothing
    left to deliver are listed under the panel."""
    plan = held.plan
    scenario = plan.scenario
    phases = plan.phases
    fig = make_subplots(rows=1, cols=phases, shared_yaxes=True, horizontal_spacing=0.04,
                        subplot_titles=[f"phase {t}" for t in range(1, phases + 1)])
    for t in range(1, phases + 1):
        parties = [p for p in scenario.party_ids if held.margins.get((p, t)) is not None]
        values = [float(held.margins[p, t] or 0) for p in parties]
        hover = [f"{esc(scenario.party[p].label)}<br>continuing: {number(plan.package.exact_utilities[p])}"  # type: ignore[union-attr]
                 f"<br>defecting at phase {t}: {number(held.defecting[p, t] or 0)}<br>margin: {number(held.margins[p, t] or 0, sign=True)}"
                 for p in parties]
        fig.add_trace(go.Bar(x=[scenario.party[p].label for p in parties], y=values, marker_color=[HOLDS if v >= 0 else BREAKS for v in values],
                             text=[number(v, sign=True) for v in values], textposition="outside", cliponaxis=False,
                             hovertext=hover, hoverinfo="text", showlegend=False), row=1, col=t)
        idle = [scenario.party[p].label for p in scenario.party_ids if held.margins.get((p, t)) is None]
        if idle:
            fig.add_annotation(text="nothing left to deliver:<br>" + wrap(", ".join(idle), 45, 4), xref=f"x{'' if t == 1 else t} domain",
                               yref="paper", x=0.5, y=-0.62, showarrow=False, font={"size": 10, "color": "#666"}, align="center")
        fig.add_hline(y=0, line_color="#444", line_width=1, row=1, col=t)
    fig.update_yaxes(title_text="margin (continuing - defecting)", row=1, col=1)
    heading = title or ("Each party's margin between continuing and defecting, phase by phase"
                        + ("" if held.holds else ": red bars gain by defecting"))
    return layout(fig, esc(heading), height=520, margin={"l": 70, "r": 30, "t": 70, "b": 200})


def render_holding(result: SelfEnforcing, stabilities: list[Stability] | None = None) -> str:
    """``bargaining hold``: the threats, the best self-enforcing plan or why none exists, what would make the
    plan that fails hold, and the stability of signed packages."""
    scenario = result.scenario
    label = {p.id: p.label for p in scenario.parties}
    lines = [f"{scenario.name}: will it hold? ({result.criterion}, {result.phases} phase{'' if result.phases == 1 else 's'})", ""]
    if result.threats:
        lines.append("Threats:")
        for t in result.threats:
            lines.append(f"  - {t.label} ({label[t.by]} against {', '.join(label[p] for p in t.against)}; "
                         f"trigger: {' or '.join(t.triggers)}): {t.why}")
        lines.append("")
    if result.plan is not None:
        lines.append(f"The best {result.criterion} plan that holds step by step:")
        lines += _plan_lines(scenario, result.plan)
    else:
        lines.append(f"No self-enforcing plan: {result.reason}")
    for name, held in (("The best phased plan, incentives aside,", result.phased), ("The plan closest to holding", result.closest)):
        if held is None or held.holds:
            continue
        lines += ["", f"{name} does not hold: {held.describe_violations(scenario)}"]
        lines += _plan_lines(scenario, held)
        if held.fixes:
            lines.append("  What would make it hold (smallest change first):")
            lines += [f"    - {f.text}" + ("" if f.margin is None else f" (smallest margin then {number(f.margin)})") for f in held.fixes]
    for stability in stabilities or []:
        lines += ["", _stability_line(scenario, stability)]
        lines += [f"  - {' + '.join(label[p] for p in d.coalition)} renege{'s' if len(d.coalition) == 1 else ''} on "
                  f"{', '.join(scenario.issue[i].label for i in d.reneged)}: "
                  + ", ".join(f"{label[p]} {number(g, sign=True)}" for p, g in d.gains.items())
                  + (f" ({d.paying} deviations pay)" if d.paying > 1 else "") for d in stability.deviations[:8]]
        if len(stability.deviations) > 8:
            lines.append(f"  ... and {len(stability.deviations) - 8} more coalitions")
    if not result.complete:
        lines += ["", f"INCOMPLETE: {result.reason}"]
    return "\n".join(lines)


def _plan_lines(scenario: Scenario, held: HeldPlan) -> list[str]:
    plan = held.plan
    assert plan.package is not None
    lines = [f"  phase {t}: " + ("; ".join(f"{i}: {c}" for i, c in plan.moves(t)) or "(nothing new)") for t in range(1, plan.phases + 1)]
    lines.append("  gains: " + ", ".join(f"{p.label} {number(plan.package.exact_gains[p.id], sign=True)}" for p in scenario.parties
                                        if p.id in plan.package.signers))
    counted = sorted(((m, t, p) for (p, t), m in held.exact_margins.items() if m is not None), key=lambda x: (x[0], x[1]))
    if counted:
        lines.append("  margins (continuing - defecting), smallest first: " + ", ".join(
            f"{scenario.party[p].label} at {t} {number(m, sign=True)}" for m, t, p in counted[:8]) + (" ..." if len(counted) > 8 else ""))
    return lines


def _stability_line(scenario: Scenario, stability: Stability) -> str:
    what = f"the {stability.label} package" if stability.label else "the package"
    if stability.stable:
        return f"Stability of {what} once signed: no party or coalition of up to {stability.max_size} gains by reneging"
    return f"Stability of {what} once signed: {len(stability.deviations)} coalition(s) gain by reneging:"
