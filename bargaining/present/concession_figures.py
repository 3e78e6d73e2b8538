"""Figures of a closed space: what each minimal concession would open, on the same axes.

Each concession (``space.opened(frontier=True)``) brings the Pareto frontier of the criteria
parties' utilities with that concession made, and its bargaining solutions.  The axes are the
parties' gains over their *stated* reservations, so the origin is no deal and every concession
is read on the same scale: which buys the bigger deal, the fairer one, and for whom.  Two
parties: a 2-D scatter; three: a 3-D scatter and a pairwise scatter matrix; one or four and
more: parallel coordinates.  Results in, ``go.Figure`` out (nothing is solved here).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np
import plotly.graph_objects as go

from ..results import Concession, Concessions
from ..scenario import Scenario
from .frontier_figures import solution_headings
from .labels import CRITERION_STYLE, MAX_LINES, MAX_POINTS, esc, layout, package_hover, scene_axis, wrap

#: One colour per concession (ColorBrewer Dark2): apart from the party colours, readable on white.
CONCESSION_PALETTE = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#a6761d", "#666666", "#1f78b4")


#: WebGL (3-D) markers know fewer symbols: the nearest for the others.
SYMBOLS_3D = {"x": "cross"}


def concession_color(k: int) -> str:
    return CONCESSION_PALETTE[k % len(CONCESSION_PALETTE)]


def concession_figures(opened: Concessions) -> list[go.Figure]:
    """The frontier each concession opens, all on one figure (per party count, as for an open space)."""
    parties = list(opened.parties)
    items = [c for c in opened if c.frontier is not None]
    if not items:
        return []
    if len(parties) == 2:
        return [_scatter(opened.scenario, items, parties)]
    if len(parties) == 3:
        return [_scatter(opened.scenario, items, parties), _pairs(opened.scenario, items, parties)]
    return [_parallel(opened.scenario, items, parties)]


def _gains(scenario: Scenario, concession: Concession, parties: Sequence[str], limit: int) -> tuple[np.ndarray, list[str]]:
    """Gains over the stated reservations of (at most ``limit``, evenly spread) frontier points, and their hover texts."""
    frontier = concession.frontier
    assert frontier is not None
    rows = list(range(len(frontier)))
    if len(rows) > limit:
        rows = [rows[int(k * len(rows) / limit)] for k in range(limit)]
    columns = [scenario.party_ids.index(p) for p in parties]
    reservations = np.array([scenario.party[p].reservation for p in parties], dtype=float)
    gains = frontier.utilities[rows][:, columns] - reservations if rows else np.zeros((0, len(parties)))
    heading = f"{wrap(concession.label, 60, 4)}<br><i>on the Pareto frontier it opens</i>"
    texts = [package_hover(frontier.choices[k], dict(zip(scenario.party_ids, frontier.utilities[k])), scenario) for k in rows]
    return gains, [f"<b>{heading}</b><br>{text}" for text in texts]


def _solutions(scenario: Scenario, concession: Concession, parties: Sequence[str]) -> list[tuple[str, list[float], str]]:
    """(criterion, gains, hover) per bargaining solution; the hover of solutions that coincide names them all."""
    points = {c: p for c, p in concession.solutions.items() if p is not None}
    headings = solution_headings({c: (p.choices, {q: p.gains[q] for q in parties}) for c, p in points.items()})
    found = []
    for criterion, package in points.items():
        hover = f"<b>{wrap(concession.label, 60, 4)}</b><br><b>{esc(headings[criterion])}</b><br>" + package_hover(
            package.choices, package.utilities, scenario)
        found.append((criterion, [package.gains[q] for q in parties], hover))
    return found


def _legend_symbols(fig: go.Figure, trace: Callable[..., Any], empty: dict[str, Any]) -> None:
    """Legend entries for the solution symbols, in a neutral colour (the markers take each concession's)."""
    for criterion, (title, symbol, _, size) in CRITERION_STYLE.items():
        symbol = SYMBOLS_3D.get(symbol, symbol) if trace is go.Scatter3d else symbol
        fig.add_trace(trace(name=title, mode="markers", legendgroup="solutions", legendgrouptitle_text="Bargaining solutions",
                            marker=dict(symbol=symbol, color="#444", size=min(size, 14), line=dict(color="#444", width=2)),
                            hoverinfo="skip", **empty))


def _scatter(scenario: Scenario, items: Sequence[Concession], parties: Sequence[str]) -> go.Figure:
    """2-D (two parties) or 3-D (three) scatter of the gains on each concession's frontier, its solutions marked."""
    three = len(parties) == 3
    trace = go.Scatter3d if three else go.Scatter
    fig = go.Figure()

    def at(values: Any) -> dict[str, Any]:
        values = np.asarray(values, dtype=float).reshape(-1, len(parties))
        return dict(x=values[:, 0], y=values[:, 1], **({"z": values[:, 2]} if three else {}))

    for k, concession in enumerate(items):
        color = concession_color(k)
        gains, hover = _gains(scenario, concession, parties, MAX_POINTS)
        name = wrap(concession.label, 48, 3) + ("" if concession.frontier and concession.frontier.complete else " (frontier incomplete)")
        fig.add_trace(trace(mode="markers", name=name, legendgroup=f"c{k}", hovertext=hover, hoverinfo="text",
                            marker=dict(color=color, size=4 if three else 8, opacity=0.75 if three else 0.85), **at(gains)))
        for criterion, point, text in _solutions(scenario, concession, parties):
            _, symbol, _, size = CRITERION_STYLE[criterion]
            symbol = SYMBOLS_3D.get(symbol, symbol) if three else symbol
            fig.add_trace(trace(mode="markers", name=CRITERION_STYLE[criterion][0], legendgroup=f"c{k}", showlegend=False,
                                hovertext=[text], hoverinfo="text", **at(point),
                                marker=dict(symbol=symbol, color=color, size=max(4, size // 2 + 2) if three else size,
                                            line=dict(color=color, width=2.5))))
    _legend_symbols(fig, trace, dict(x=[None], y=[None], **({"z": [None]} if three else {})))
    titles = [f"{scenario.party[p].possessive} gain" for p in parties]
    if three:
        # WebGL axis titles are plain text (no markup is read there): the names as they are
        shown = [t for t in fig.data if t.x is not None and len(t.x) and t.x[0] is not None]
        axes = [scene_axis(title, [v for t in shown for v in getattr(t, k)]) for title, k in zip(titles, "xyz")]
        fig.update_layout(scene=dict(xaxis=axes[0], yaxis=axes[1], zaxis=axes[2], aspectmode="cube",
                                     camera=dict(eye=dict(x=1.6, y=1.6, z=1.05)), domain=dict(x=[0.0, 0.66], y=[0, 1])),
                          legend=dict(x=0.68, xanchor="left", y=1.0, font=dict(size=12), itemsizing="constant"))
        return layout(fig, "What each concession would open: gains on its Pareto frontier (drag to rotate)", height=720,
                      margin=dict(l=0, r=0, t=60, b=0))
    fig.update_xaxes(title=esc(titles[0]), zeroline=True, zerolinecolor="#888")
    fig.update_yaxes(title=esc(titles[1]), zeroline=True, zerolinecolor="#888")
    return layout(fig, "What each concession would open: gains on its Pareto frontier", height=600)


def _pairs(scenario: Scenario, items: Sequence[Concession], parties: Sequence[str]) -> go.Figure:
    """The same gains two parties at a time (a scatter-plot matrix, lower half)."""
    labels = [esc(f"{scenario.party[p].possessive} gain") for p in parties]
    common = dict(showupperhalf=False, diagonal=dict(visible=False), hoverinfo="text")
    fig = go.Figure()

    def dims(values: Any) -> list[dict[str, Any]]:
        values = np.asarray(values, dtype=float).reshape(-1, len(parties))
        return [dict(label=label, values=values[:, j]) for j, label in enumerate(labels)]

    for k, concession in enumerate(items):
        color = concession_color(k)
        gains, hover = _gains(scenario, concession, parties, MAX_POINTS)
        name = wrap(concession.label, 48, 3) + ("" if concession.frontier and concession.frontier.complete else " (frontier incomplete)")
        fig.add_trace(go.Splom(dimensions=dims(gains), name=name, legendgroup=f"c{k}", hovertext=hover,
                               marker=dict(color=color, size=6, opacity=0.8), **common))
        for criterion, point, text in _solutions(scenario, concession, parties):
            title, symbol, _, size = CRITERION_STYLE[criterion]
            fig.add_trace(go.Splom(dimensions=dims(point), name=title, legendgroup=f"c{k}", showlegend=False, hovertext=[text],
                                   marker=dict(symbol=symbol, color=color, size=size, line=dict(color=color, width=2)), **common))
    fig.add_trace(go.Splom(dimensions=dims([0.0] * len(parties)), name="No deal (every gain 0)", hovertext=["No deal: every gain 0"],
                           marker=dict(symbol="x", color="#222", size=9), **common))
    fig.update_layout(dragmode="select")
    return layout(fig, "What each concession would open, two parties at a time (gains)", height=640)


def _parallel(scenario: Scenario, items: Sequence[Concession], parties: Sequence[str]) -> go.Figure:
    """One party or four and more: one line per frontier point across the parties' gain axes, a colour per concession."""
    positions = list(range(len(parties)))
    fig = go.Figure()
    for k, concession in enumerate(items):
        color = concession_color(k)
        gains, hover = _gains(scenario, concession, parties, MAX_LINES // max(1, len(items)))
        xs = [x for _ in range(len(gains)) for x in [*positions, None]]
        ys = [y for row in gains for y in [*row, None]]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=wrap(concession.label, 48, 3), legendgroup=f"c{k}",
                                 line=dict(color=color, width=1.2), opacity=0.5, hoverinfo="skip"))
        fig.add_trace(go.Scatter(x=[x for _ in range(len(gains)) for x in positions], y=gains.reshape(-1), mode="markers",
                                 legendgroup=f"c{k}", showlegend=False, marker=dict(color=color, size=5),
                                 hovertext=[h for h in hover for _ in positions], hoverinfo="text"))
        for criterion, point, text in _solutions(scenario, concession, parties):
            _, symbol, _, size = CRITERION_STYLE[criterion]
            fig.add_trace(go.Scatter(x=positions, y=point, mode="lines+markers", legendgroup=f"c{k}", showlegend=False,
                                     line=dict(color=color, width=3), hovertext=[text] * len(parties), hoverinfo="text",
                                     marker=dict(symbol=symbol, color=color, size=size, line=dict(width=2, color=color))))
    _legend_symbols(fig, go.Scatter, dict(x=[None], y=[None]))
    fig.update_xaxes(tickmode="array", tickvals=positions, ticktext=[f"<b>{wrap(scenario.party[p].label, 14)}</b>" for p in parties],
                     range=[-0.3, len(parties) - 0.7], showgrid=True, gridcolor="#bbb")
    fig.update_yaxes(title="gain over the stated reservation", zeroline=True, zerolinecolor="#222")
    fig.update_layout(hovermode="closest", legend=dict(orientation="h", y=-0.12, x=0))
    return layout(fig, "What each concession would open: gains on its Pareto frontier (one line per package)", height=620)


__all__ = ["CONCESSION_PALETTE", "concession_color", "concession_figures"]
