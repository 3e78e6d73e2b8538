"""Figures of the Pareto frontier: a frontier table in, ``go.Figure`` out (nothing is solved here).

Two parties: a 2-D scatter; three: a 3-D scatter and a pairwise scatter matrix; four or more:
parallel coordinates.  Acceptable packages are grey, the frontier dark, the bargaining
solutions open symbols (:data:`~bargaining.present.labels.CRITERION_STYLE`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from ..scenario import Scenario
from .labels import (
    ACCEPTABLE_COLOR,
    CRITERION_STYLE,
    FRONTIER_COLOR,
    MAX_LINES,
    MAX_POINTS,
    axis_title,
    esc,
    layout,
    num,
    package_hover,
    party_colors,
    plain_axis_title,
    possessive,
    row_choices,
    row_utilities,
    scene_axis,
    wrap,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..results import Package


# --------------------------------------------------------------------------- frontier


def frontier_parties(frontier: pd.DataFrame, scenario: Scenario) -> list[str]:
    """The parties whose utilities the frontier was computed over (all parties unless restricted)."""
    chosen = frontier.attrs.get("parties") or scenario.party_ids
    return [p for p in chosen if p in frontier.columns]


def _key(row: pd.Series | Mapping[str, float], parties: Sequence[str]) -> tuple[float, ...]:
    return tuple(round(float(row[p]), 9) for p in parties)


def _grouped_hover(frame: pd.DataFrame, scenario: Scenario, parties: Sequence[str], heading: str,
                   limit: int = MAX_POINTS, counts: Mapping[tuple[float, ...], int] | None = None) -> pd.DataFrame:
    """One row per distinct utility vector, with a hover text naming one package and how many
    share it (``counts``: how many packages elsewhere have each vector); at most ``limit`` rows,
    evenly spread over the frame's order."""
    if frame.empty:
        return pd.DataFrame(columns=[*parties, "hover"])
    keys = frame[list(parties)].round(9)
    groups = [group for _, group in frame.groupby([keys[p] for p in parties], sort=False, dropna=False)]
    if len(groups) > limit:
        groups = [groups[int(k * len(groups) / limit)] for k in range(limit)]
    rows = []
    for group in groups:
        first = group.iloc[0]
        utilities = row_utilities(first, parties)
        more = max(len(group), (counts or {}).get(_key(utilities, parties), 0)) - 1
        text = package_hover(row_choices(first, scenario), utilities, scenario, heading, parties)
        if more:
            text += f"<br><i>and {more} more package{'s' if more > 1 else ''} with these utilities</i>"
        rows.append({**utilities, "hover": text})
    return pd.DataFrame(rows)


def _layers(frontier: pd.DataFrame, acceptable: pd.DataFrame | None, scenario: Scenario,
            parties: Sequence[str]) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    """The grey layer (acceptable packages off the frontier) and the frontier layer, hover texts made."""
    counts: dict[tuple[float, ...], int] = {}
    grey = None
    if acceptable is not None and len(acceptable):
        keys = [_key(row, parties) for _, row in acceptable.iterrows()]
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
        on_frontier = {_key(row, parties) for _, row in frontier.iterrows()}
        off = acceptable[[key not in on_frontier for key in keys]]
        grey = _grouped_hover(off, scenario, parties, "Acceptable package") if len(off) else None
    return grey, _grouped_hover(frontier, scenario, parties, "On the Pareto frontier", counts=counts)


def _solution_points(solutions: Mapping[str, "Package | None"] | None, frontier: pd.DataFrame,
                     scenario: Scenario) -> dict[str, tuple[dict[str, Any], dict[str, float]]]:
    """criterion -> (choices, utilities): from the packages given, else from the frontier's ``solution`` column."""
    points: dict[str, tuple[dict[str, Any], dict[str, float]]] = {}
    if solutions is not None:
        for criterion, package in solutions.items():
            if package is not None:
                points[criterion] = (dict(package.choices), package.utilities)
        return points
    if "solution" in frontier.columns:
        for _, row in frontier.iterrows():
            for criterion in filter(None, (c.strip() for c in str(row["solution"] or "").split(","))):
                points[criterion] = (row_choices(row, scenario), row_utilities(row, scenario.party_ids))
    return points


def frontier_figures(frontier: pd.DataFrame, scenario: Scenario, *, acceptable: pd.DataFrame | None = None,
                     solutions: Mapping[str, "Package | None"] | None = None) -> list[go.Figure]:
    """The frontier drawn for its number of parties: two -> [2-D scatter]; three -> [3-D scatter,
    pairwise scatter matrix]; one or four and more -> [parallel coordinates].

    ``frontier`` is a frontier table (:meth:`BargainingSpace.frontier`).  ``acceptable`` adds the
    acceptable packages in grey; ``solutions`` (criterion -> package) marks the bargaining
    solutions (by default those named in the frontier's ``solution`` column).
    """
    parties = frontier_parties(frontier, scenario)
    if len(parties) == 2:
        return [frontier_2d(frontier, scenario, acceptable=acceptable, solutions=solutions)]
    if len(parties) == 3:
        return [frontier_3d(frontier, scenario, acceptable=acceptable, solutions=solutions),
                frontier_splom(frontier, scenario, acceptable=acceptable, solutions=solutions)]
    return [frontier_parallel(frontier, scenario, solutions=solutions)]


def frontier_figure(frontier: pd.DataFrame, scenario: Scenario, *, acceptable: pd.DataFrame | None = None,
                    solutions: Mapping[str, "Package | None"] | None = None) -> go.Figure:
    """The main frontier figure for the party count (see :func:`frontier_figures`; for three
    parties this is the 3-D scatter, :func:`frontier_splom` draws the pairwise matrix).  Only this
    figure is built (the pairwise matrix took as long again, for nothing)."""
    if len(frontier_parties(frontier, scenario)) == 3:
        return frontier_3d(frontier, scenario, acceptable=acceptable, solutions=solutions)
    return frontier_figures(frontier, scenario, acceptable=acceptable, solutions=solutions)[0]


def frontier_2d(frontier: pd.DataFrame, scenario: Scenario, *, acceptable: pd.DataFrame | None = None,
                solutions: Mapping[str, "Package | None"] | None = None) -> go.Figure:
    """Two parties: each acceptable package off the frontier a grey dot at (utility of the first, of the second);
    the frontier as dark markers (no line: nothing lies between two packages); each party's
    reservation as a dashed line, the region above both shaded; the bargaining solutions as nested
    open symbols, whose hover names every solution at that point."""
    x, y = frontier_parties(frontier, scenario)[:2]
    fig = go.Figure()
    rx, ry = scenario.party[x].reservation, scenario.party[y].reservation
    grey, points = _layers(frontier, acceptable, scenario, [x, y])
    if grey is not None:
        fig.add_trace(go.Scatter(x=grey[x], y=grey[y], mode="markers", name="Other acceptable packages",
                                 marker=dict(color=ACCEPTABLE_COLOR, size=8), hovertext=grey["hover"], hoverinfo="text"))
    points = points.sort_values(x)
    # markers only: the frontier is a set of packages, and no package lies between two of them
    fig.add_trace(go.Scatter(x=points[x], y=points[y], mode="markers", name="Pareto frontier",
                             marker=dict(color=FRONTIER_COLOR, size=9), hovertext=points["hover"], hoverinfo="text"))
    _add_solutions(fig, solutions, frontier, scenario, lambda u: dict(x=[u[x]], y=[u[y]]), go.Scatter)
    fig.add_trace(go.Scatter(x=[rx], y=[ry], mode="markers", name="No agreement (reservations)",
                             marker=dict(symbol="circle", color="#555", size=10, line=dict(color="white", width=1)),
                             hovertext=[f"No agreement<br>{esc(scenario.party[x].label)}: {num(rx)}<br>{esc(scenario.party[y].label)}: {num(ry)}"],
                             hoverinfo="text"))
    fig.add_vline(x=rx, line=dict(color="#888", dash="dash", width=1))
    fig.add_hline(y=ry, line=dict(color="#888", dash="dash", width=1))
    xs = [rx, *points[x]] + ([] if acceptable is None else list(acceptable[x]))
    ys = [ry, *points[y]] + ([] if acceptable is None else list(acceptable[y]))
    fig.add_shape(type="rect", x0=rx, y0=ry, x1=max(xs) + _pad(xs), y1=max(ys) + _pad(ys), layer="below",
                  line_width=0, fillcolor="rgba(46, 139, 87, 0.06)")
    fig.update_xaxes(title=axis_title(scenario, x), zeroline=False)
    fig.update_yaxes(title=axis_title(scenario, y), zeroline=False)
    return layout(fig, "Acceptable packages and the Pareto frontier")


def _pad(values: Sequence[float]) -> float:
    finite = [v for v in values if v is not None and math.isfinite(v)]
    return 0.04 * ((max(finite) - min(finite)) or 1.0) if finite else 1.0


def solution_headings(points: Mapping[str, tuple[Mapping[str, Any], Mapping[str, float]]]) -> dict[str, str]:
    """criterion -> the heading of its hover text, naming every solution at the same utilities
    ("Maxmin (egalitarian) and Nash solutions (they coincide)"): whichever marker the pointer
    finds, it says all of them."""
    key = {c: tuple(round(float(v), 9) for v in u.values()) for c, (_, u) in points.items()}
    headings = {}
    for criterion in points:
        same = [CRITERION_STYLE.get(c, (c,))[0] for c in points if key[c] == key[criterion]]
        names = same[0] if len(same) == 1 else ", ".join(same[:-1]) + " and " + same[-1]
        headings[criterion] = names + (" solutions (they coincide)" if len(same) > 1 else " solution")
    return headings


def _add_solutions(fig: go.Figure, solutions: Mapping[str, "Package | None"] | None, frontier: pd.DataFrame,
                   scenario: Scenario, coordinates: Any, trace: Any, symbols3d: bool = False) -> None:
    points = _solution_points(solutions, frontier, scenario)
    headings = solution_headings(points)
    for criterion, (choices, utilities) in points.items():
        title, symbol, color, size = CRITERION_STYLE.get(criterion, (criterion, "circle-open", "#000", 12))
        if symbols3d:
            symbol = {"diamond-open": "diamond-open", "square-open": "square-open", "circle-open": "circle-open"}.get(symbol, "cross")
        hover = package_hover(choices, utilities, scenario, headings[criterion])
        marker = dict(symbol=symbol, color=color, size=size if not symbols3d else max(4, size // 2 + 2), line=dict(color=color, width=2.5))
        fig.add_trace(trace(mode="markers", name=title, marker=marker, hovertext=[hover], hoverinfo="text",
                            **coordinates(utilities)))


def frontier_3d(frontier: pd.DataFrame, scenario: Scenario, *, acceptable: pd.DataFrame | None = None,
                solutions: Mapping[str, "Package | None"] | None = None) -> go.Figure:
    """Three parties: a 3-D scatter of utilities; acceptable packages small grey dots, the
    frontier larger dots coloured by the smallest gain among the three (darker = fairer floor),
    the bargaining solutions as open symbols and the no-agreement point as a black cross."""
    a, b, c = frontier_parties(frontier, scenario)[:3]
    fig = go.Figure()
    grey, points = _layers(frontier, acceptable, scenario, [a, b, c])
    if grey is not None:
        fig.add_trace(go.Scatter3d(x=grey[a], y=grey[b], z=grey[c], mode="markers", name="Other acceptable packages",
                                   marker=dict(color="rgba(120, 120, 120, 0.55)", size=3), hovertext=grey["hover"], hoverinfo="text"))
    floor = [min(r[p] - scenario.party[p].reservation for p in (a, b, c)) for _, r in points.iterrows()]
    fig.add_trace(go.Scatter3d(x=points[a], y=points[b], z=points[c], mode="markers", name="Pareto frontier",
                               marker=dict(size=5, color=floor, colorscale="Blues", cmin=min(floor, default=0) - 1e-9,
                                           colorbar=dict(title="smallest<br>gain", thickness=12, len=0.5, x=1.0),
                                           line=dict(color=FRONTIER_COLOR, width=0.5)),
                               hovertext=points["hover"], hoverinfo="text"))
    _add_solutions(fig, solutions, frontier, scenario, lambda u: dict(x=[u[a]], y=[u[b]], z=[u[c]]), go.Scatter3d, symbols3d=True)
    r = [scenario.party[p].reservation for p in (a, b, c)]
    fig.add_trace(go.Scatter3d(x=[r[0]], y=[r[1]], z=[r[2]], mode="markers", name="No agreement (reservations)",
                               marker=dict(symbol="cross", color="#222", size=5),
                               hovertext=["No agreement<br>" + "<br>".join(f"{esc(scenario.party[p].label)}: {num(v)}" for p, v in zip((a, b, c), r))],
                               hoverinfo="text"))
    # 3-D axis titles are drawn as plain text inside the WebGL scene: no markup is interpreted
    # there, and no entity decoded, so they take the names as they are (escaping would show "&lt;").
    shown = [t for t in fig.data if t.x is not None]
    axes = [scene_axis(plain_axis_title(scenario, p), [v for t in shown for v in getattr(t, k)]) for p, k in zip((a, b, c), "xyz")]
    fig.update_layout(scene=dict(xaxis=axes[0], yaxis=axes[1], zaxis=axes[2], aspectmode="cube",
                                 camera=dict(eye=dict(x=1.6, y=1.6, z=1.05)), domain=dict(x=[0.2, 0.9], y=[0, 1])),
                      legend=dict(x=0, y=1))
    return layout(fig, "Acceptable packages and the Pareto frontier (drag to rotate)", height=700,
                   margin=dict(l=10, r=10, t=60, b=10))


def frontier_splom(frontier: pd.DataFrame, scenario: Scenario, *, acceptable: pd.DataFrame | None = None,
                   solutions: Mapping[str, "Package | None"] | None = None) -> go.Figure:
    """Every pair of parties side by side (a scatter-plot matrix, lower half): acceptable packages
    grey, the frontier dark, the bargaining solutions as open symbols.  Selecting points in one
    panel highlights the same packages in the others."""
    parties = frontier_parties(frontier, scenario)
    labels = [esc(scenario.party[p].label) for p in parties]
    fig = go.Figure()

    def dims(values: Mapping[str, Sequence[float]]) -> list[dict[Any, Any]]:
        return [dict(label=label, values=list(values[p])) for p, label in zip(parties, labels)]

    common = dict(showupperhalf=False, diagonal=dict(visible=False), hoverinfo="text")
    grey, points = _layers(frontier, acceptable, scenario, parties)
    if grey is not None:
        fig.add_trace(go.Splom(dimensions=dims(grey), name="Other acceptable packages", hovertext=grey["hover"],
                               marker=dict(color=ACCEPTABLE_COLOR, size=6), **common))
    fig.add_trace(go.Splom(dimensions=dims(points), name="Pareto frontier", hovertext=points["hover"],
                           marker=dict(color=FRONTIER_COLOR, size=7), **common))
    points = _solution_points(solutions, frontier, scenario)
    headings = solution_headings(points)
    for criterion, (choices, utilities) in points.items():
        title, symbol, color, size = CRITERION_STYLE.get(criterion, (criterion, "circle-open", "#000", 12))
        fig.add_trace(go.Splom(dimensions=dims({p: [utilities[p]] for p in parties}), name=title,
                               hovertext=[package_hover(choices, utilities, scenario, headings[criterion])],
                               marker=dict(symbol=symbol, color=color, size=size, line=dict(color=color, width=2)), **common))
    reservations = {p: [scenario.party[p].reservation] for p in parties}
    fig.add_trace(go.Splom(dimensions=dims(reservations), name="No agreement (reservations)",
                           hovertext=["No agreement<br>" + "<br>".join(f"{esc(scenario.party[p].label)}: {num(v[0])}"
                                                                       for p, v in reservations.items())],
                           marker=dict(symbol="circle", color="#555", size=10, line=dict(color="white", width=1)), **common))
    fig.update_layout(showlegend=True, dragmode="select")
    return layout(fig, "The frontier seen pair by pair (utilities; the grey dot: no agreement)", height=620)


def frontier_parallel(frontier: pd.DataFrame, scenario: Scenario, *,
                      solutions: Mapping[str, "Package | None"] | None = None) -> go.Figure:
    """Four or more parties: parallel coordinates on one shared utility scale.  Each package on
    the frontier is a line across the parties' axes (thin blue); the bargaining solutions are
    thick coloured lines; each party's reservation is a short black bar on its axis.  Hover on a
    line's point shows the whole package.  (Plotly's own ``parcoords`` trace has no hover, so
    the lines are drawn as scatter traces.)"""
    parties = frontier_parties(frontier, scenario)
    positions = list(range(len(parties)))
    fig = go.Figure()
    points = _grouped_hover(frontier, scenario, parties, "On the Pareto frontier", limit=MAX_LINES)
    xs: list[Any] = []
    ys: list[Any] = []
    for _, row in points.iterrows():
        xs += positions + [None]
        ys += [row[p] for p in parties] + [None]
    opacity = max(0.12, min(0.7, 12 / max(1, len(points))))
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=f"Pareto frontier ({len(points)} packages)" if len(points) == len(frontier)
                             else f"Pareto frontier ({len(points)} of {len(frontier)} packages)",
                             line=dict(color=f"rgba(44, 93, 143, {opacity:.2f})", width=1.2), hoverinfo="skip"))
    # Hover targets: one marker per package and axis.  Each package's text is stored once, in the
    # trace's meta, and every marker's hovertemplate points at it ("%{meta[k]}"; substituted
    # values are not templated again), instead of repeating the text on every axis.
    mx = [k for _ in range(len(points)) for k in positions]
    my = [row[p] for _, row in points.iterrows() for p in parties]
    templates = [f"%{{meta[{k}]}}" for k in range(len(points)) for _ in parties]
    fig.add_trace(go.Scatter(x=mx, y=my, mode="markers", showlegend=False, name="", meta=list(points["hover"]),
                             hovertemplate=templates, hoverlabel=dict(namelength=0),
                             marker=dict(color=FRONTIER_COLOR, size=5, opacity=0.6)))
    points = _solution_points(solutions, frontier, scenario)
    headings = solution_headings(points)
    for criterion, (choices, utilities) in points.items():
        title, symbol, color, size = CRITERION_STYLE.get(criterion, (criterion, "circle-open", "#000", 12))
        hover = package_hover(choices, utilities, scenario, headings[criterion])
        width = 2 + size / 5
        fig.add_trace(go.Scatter(x=positions, y=[utilities[p] for p in parties], mode="lines+markers", name=title,
                                 line=dict(color=color, width=width), marker=dict(symbol=symbol, color=color, size=size, line=dict(width=2, color=color)),
                                 hovertext=[hover] * len(parties), hoverinfo="text", opacity=0.9))
    colors = party_colors(scenario)
    fig.add_trace(go.Scatter(x=positions, y=[scenario.party[p].reservation for p in parties], mode="markers",
                             name="Reservation (no agreement)",
                             marker=dict(symbol="line-ew-open", size=34, color="#222", line=dict(width=3, color="#222")),
                             hovertext=[f"{esc(possessive(scenario, p))} reservation: {num(scenario.party[p].reservation)}" for p in parties],
                             hoverinfo="text"))
    # the party's colour as a swatch beside its name: coloured text (a light yellow) would be hard to read
    ticks = [f"<span style=\"color:{colors[p]}\">\u25a0</span> <b>{wrap(scenario.party[p].label, 14)}</b>" for p in parties]
    fig.update_xaxes(tickmode="array", tickvals=positions, ticktext=ticks, range=[-0.3, len(parties) - 0.7],
                     showgrid=True, gridcolor="#bbb", gridwidth=1.5, zeroline=False)
    fig.update_yaxes(title="utility", zeroline=False)
    fig.update_layout(hovermode="closest", legend=dict(orientation="h", y=-0.12, x=0))
    return layout(fig, "The Pareto frontier across all parties (one line per package)", height=600)
