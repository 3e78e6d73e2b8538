"""Figures of packages and options: which options the frontier chooses, where a package's value
comes from, each solution's gains.  Results in, ``go.Figure`` out (nothing is solved here)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Mapping

import pandas as pd
import plotly.graph_objects as go

from ..results import percent
from ..scenario import Issue, Scenario
from .labels import ISSUE_PALETTE, choice_label, criterion_title, esc, layout, num, party_colors, possessive, wrap

if TYPE_CHECKING:  # pragma: no cover
    from ..results import Package


# --------------------------------------------------------------------------- concessions


def _continuous_bins(issue: Issue, values: pd.Series, bins: int = 5) -> tuple[list[str], list[int]]:
    low, high = issue.range or (0.0, 0.0)
    width = (high - low) / bins if high > low else 1.0
    edges = [low + k * width for k in range(bins + 1)]
    counts = [0] * bins
    for v in values:
        k = min(bins - 1, max(0, int((float(v) - low) // width))) if high > low else 0
        counts[k] += 1
    unit = f" {issue.unit}" if issue.unit else ""
    names = [f"{issue.choice_label(edges[k]).removesuffix(unit)} to {issue.choice_label(edges[k + 1])}" for k in range(bins)]
    return names, counts


def concession_map(frontier: pd.DataFrame, scenario: Scenario) -> go.Figure:
    """How often each option of each issue appears among the frontier's packages: a heatmap with
    one row per issue and one cell per option (continuous issues: five equal bins of the range),
    shaded by the share of frontier packages choosing it.  An issue where one option fills the
    row is settled on the frontier; spread rows are where the trading happens."""
    issues = scenario.issues
    width = max([5 if i.is_continuous else len(i.options or []) for i in issues], default=1)
    z: list[list[float | None]] = []
    text: list[list[str]] = []
    hover: list[list[str]] = []
    total = max(1, len(frontier))
    for issue in issues:
        if issue.is_continuous:
            names, counts = _continuous_bins(issue, frontier[issue.id] if issue.id in frontier else pd.Series(dtype=float))
        else:
            column = frontier[issue.id] if issue.id in frontier else pd.Series(dtype=object)
            names = [o.label for o in issue.options or []]
            counts = [int((column == o.id).sum()) for o in issue.options or []]
        shares = [c / total for c in counts]
        pad = width - len(names)
        z.append(shares + [None] * pad)
        text.append([f"{wrap(n, 20)}<br><b>{percent(s)}</b>" for n, s in zip(names, shares)] + [""] * pad)
        hover.append([f"{esc(issue.label)}<br><b>{esc(n)}</b><br>{c} of {len(frontier)} frontier packages ({percent(s)})"
                      for n, c, s in zip(names, counts, shares)] + [""] * pad)
    fig = go.Figure(go.Heatmap(
        z=z, x=[f"option {k + 1}" for k in range(width)], y=[wrap(i.label, 28, 2) for i in issues],
        text=text, texttemplate="%{text}", textfont=dict(size=10), hovertext=hover, hoverinfo="text",
        colorscale=[[0, "#f7fbff"], [0.5, "#6baed6"], [1, "#08306b"]], zmin=0, zmax=1, xgap=2, ygap=2,
        colorbar=dict(title=dict(text="share of frontier", side="right"), tickformat=".0%", thickness=12)))
    fig.update_yaxes(autorange="reversed", showgrid=False, automargin=True)
    fig.update_xaxes(showgrid=False, side="top", showticklabels=False)
    return layout(fig, f"Which options the {len(frontier)} frontier packages choose", height=max(260, 80 + 64 * len(issues)),
                   margin=dict(l=20, r=20, t=60, b=20))


# --------------------------------------------------------------------------- one package


def issue_contributions(package: "Package", scenario: Scenario, party: str) -> dict[str, float]:
    """Points the party gets from each issue of the package; ``"interactions"`` holds the rest
    (extra points of interactions), so the values add up to the party's utility exactly."""
    parts: dict[str, float] = {}
    for issue in scenario.issues:
        table = scenario.points(party, issue.id)
        choice = package.choices[issue.id]
        parts[issue.id] = float(table.get("per_unit", 0.0)) * float(choice) if issue.is_continuous else float(table.get(str(choice), 0.0))
    parts["interactions"] = float(package.exact_utilities[party]) - sum(parts.values())
    if abs(parts["interactions"]) < 1e-9:
        parts["interactions"] = 0.0
    return parts


def utility_breakdown(package: "Package", scenario: Scenario | None = None, title: str | None = None) -> go.Figure:
    """One stacked bar per party: the points it gets from each issue of the package (negative
    points stack below zero), interactions on top; a black bar marks its reservation, so the
    distance from the bar's top to it is the party's gain.  Parties that stay out of the package
    (non-veto parties whose reservation or red lines it fails) are labelled so.  ``scenario``: the
    package's own unless given."""
    scenario = _scenario_of(scenario, [package])
    parties = scenario.party_ids
    labels = [wrap(scenario.party[p].label, 14) + ("" if p in package.signers else "<br><i>(stays out)</i>") for p in parties]
    parts = {p: issue_contributions(package, scenario, p) for p in parties}
    fig = go.Figure()
    for k, issue in enumerate(scenario.issues):
        values = [parts[p][issue.id] for p in parties]
        if not any(values):
            continue
        choice = esc(choice_label(issue, package.choices[issue.id]))
        fig.add_trace(go.Bar(x=labels, y=values, name=esc(issue.label), marker_color=ISSUE_PALETTE[k % len(ISSUE_PALETTE)],
                             hovertext=[f"<b>{esc(scenario.party[p].label)}</b><br>{esc(issue.label)}: {choice}<br>{num(v, sign=True)} points"
                                        for p, v in zip(parties, values)], hoverinfo="text"))
    extra = [parts[p]["interactions"] for p in parties]
    if any(extra):
        fig.add_trace(go.Bar(x=labels, y=extra, name="Interactions", marker=dict(color="#444", pattern_shape="/"),
                             hovertext=[f"<b>{esc(scenario.party[p].label)}</b><br>interactions: {num(v, sign=True)} points" for p, v in zip(parties, extra)],
                             hoverinfo="text"))
    utilities = package.utilities
    fig.add_trace(go.Scatter(x=labels, y=[utilities[p] for p in parties], mode="markers+text", name="Utility (total)",
                             marker=dict(symbol="circle", size=9, color="white", line=dict(color="#222", width=2)),
                             text=[num(utilities[p]) for p in parties], textposition="top center",
                             hovertext=[f"<b>{esc(scenario.party[p].label)}</b><br>utility {num(utilities[p])}, gain {num(package.gains[p], sign=True)}" for p in parties],
                             hoverinfo="text"))
    fig.add_trace(go.Scatter(x=labels, y=[scenario.party[p].reservation for p in parties], mode="markers", name="Reservation",
                             marker=dict(symbol="line-ew-open", size=44, color="#c0392b", line=dict(width=3, color="#c0392b")),
                             hovertext=[f"{esc(possessive(scenario, p))} reservation: {num(scenario.party[p].reservation)}" for p in parties],
                             hoverinfo="text"))
    heading = title or f"Where each party's utility comes from: the {esc(criterion_title(package.criterion or 'chosen'))} package"
    fig.update_yaxes(title="points", zeroline=True, zerolinecolor="#999")
    fig.update_xaxes(tickangle=0)
    layout(fig, heading, height=520 + 24 * math.ceil((len(scenario.issues) + 3) / 3))
    # the legend (one entry per issue) goes below the bars, so that the bars keep the full width
    fig.update_layout(barmode="relative", bargap=0.35, legend=dict(traceorder="normal", orientation="h", x=0, y=-0.14, yanchor="top"),
                      margin=dict(b=30))
    return fig


def gains_by_solution(solutions: Mapping[str, "Package | None"], scenario: Scenario | None = None) -> go.Figure:
    """Grouped bars: for each bargaining solution, each party's gain (utility minus reservation)
    in the colour of the party; a bar below zero is a party that is better off without the deal
    (possible only for parties without a veto, which then stay out).  ``scenario``: the packages' own
    unless given."""
    found = {c: p for c, p in solutions.items() if p is not None}
    scenario = _scenario_of(scenario, list(found.values()))
    colors = party_colors(scenario)
    x = [esc(criterion_title(c)) for c in found]
    fig = go.Figure()
    for party in scenario.parties:
        gains = [p.gains[party.id] for p in found.values()]
        fig.add_trace(go.Bar(x=x, y=gains, name=esc(party.label), marker_color=colors[party.id],
                             hovertext=[f"<b>{esc(party.label)}</b><br>{t}: gain {num(g, sign=True)}" for t, g in zip(x, gains)],
                             hoverinfo="text"))
    fig.update_layout(barmode="group", bargap=0.25)
    every = [g for p in found.values() for g in p.gains.values()] or [0.0]
    low, high = min(0.0, *every), max(0.0, *every)
    room = 0.12 * ((high - low) or 1.0)  # headroom: no bar runs into the figure's edge
    fig.update_yaxes(title="gain over reservation", zeroline=True, zerolinecolor="#999",
                     range=[low - (room if low < 0 else 0), high + room])
    return layout(fig, "Each party's gain under each bargaining solution", height=420)


def _scenario_of(scenario: Scenario | None, packages: "list[Package]") -> Scenario:
    """The scenario given, else the one the packages carry."""
    found = scenario or next((p.scenario for p in packages if p.scenario is not None), None)
    if found is None:
        raise TypeError("these packages were made without their scenario; pass it")
    return found
