"""Plotly figures of a bargaining space: pure functions, data in, ``go.Figure`` out.

Every function takes plain results (the frontier and acceptable DataFrames of
:class:`~bargaining.space.BargainingSpace`, :class:`~bargaining.search.Package` objects) and the
:class:`~bargaining.scenario.Scenario` they came from, and draws them; none of them solves
anything, except :func:`frontier_figure` and :func:`frontier_figures` when handed a space
rather than a frame.  Use them in a notebook (``fig.show()``) or through :mod:`bargaining.report`.

Text from a scenario file (names of parties, issues and options) is data, not markup: it is
HTML-escaped before it reaches Plotly, which renders a subset of HTML in labels and hover text.
Colours are consistent everywhere: :func:`party_colors` for parties, :data:`CRITERION_STYLE`
for the bargaining solutions.
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from .scenario import Issue, Scenario

if TYPE_CHECKING:  # pragma: no cover
    from .search import Package
    from .space import BargainingSpace

#: One colour per party, in the scenario's order (Tableau 10, then D3's lighter tones).
PALETTE: tuple[str, ...] = (
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)
#: Colours for the issues stacked in :func:`utility_breakdown`: light tones (ColorBrewer Set3,
#: then Pastel1), so that issues are never mistaken for the saturated party colours.
ISSUE_PALETTE: tuple[str, ...] = (
    "#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462", "#b3de69", "#fccde5", "#d9d9d9", "#bc80bd",
    "#ccebc5", "#ffed6f", "#fbb4ae", "#b3cde3", "#c2a5cf", "#decbe4", "#fed9a6", "#e5d8bd", "#fddaec", "#f2f2f2",
)
#: How each bargaining solution is marked: (title, marker symbol, colour, size).  Open symbols
#: of decreasing size, so that solutions falling on the same package stay visible, nested.
CRITERION_STYLE: dict[str, tuple[str, str, str, int]] = {
    "maxmin": ("Maxmin (egalitarian)", "diamond-open", "#c0392b", 26),
    "utilitarian": ("Utilitarian", "square-open", "#1a5276", 19),
    "nash": ("Nash", "circle-open", "#117a65", 13),
    "kalai": ("Kalai-Smorodinsky", "x", "#6c3483", 8),
}
ACCEPTABLE_COLOR = "rgba(140, 140, 140, 0.45)"
FRONTIER_COLOR = "#2c5d8f"
FONT = dict(family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif", size=13, color="#222")
#: The most utility vectors drawn in a scatter figure, and the most lines in parallel coordinates;
#: beyond these an evenly spread selection is drawn, so that a report stays a few MB and quick
#: to open (each point carries its package's hover text).
MAX_POINTS = 1000
MAX_LINES = 250


# --------------------------------------------------------------------------- text and colours


def esc(text: object) -> str:
    """Scenario text made safe for Plotly's labels and hover text (``&``, ``<``, ``>`` escaped)."""
    return html.escape(str(text), quote=False)


def party_colors(scenario: Scenario) -> dict[str, str]:
    """A colour per party id, the same in every figure and table of a report."""
    return {p: PALETTE[k % len(PALETTE)] for k, p in enumerate(scenario.party_ids)}


def criterion_title(criterion: str) -> str:
    return CRITERION_STYLE.get(criterion, (criterion,))[0]


def choice_label(issue: Issue, choice: Any) -> str:
    """The readable name of a choice: the option's name, or the amount with its unit (not escaped)."""
    if issue.is_continuous:
        try:
            amount = f"{float(choice):.6g}"
        except (TypeError, ValueError):
            amount = str(choice)
        return amount + (f" {issue.unit}" if issue.unit else "")
    for option in issue.options or []:
        if option.id == choice:
            return option.label
    return str(choice)


def package_hover(choices: Mapping[str, Any], utilities: Mapping[str, float], scenario: Scenario,
                  heading: str | None = None, parties: Sequence[str] | None = None) -> str:
    """Hover text for one package: each issue's choice, then each party's utility (escaped, ``<br>`` lines)."""
    lines = [f"<b>{esc(heading)}</b>"] if heading else []
    lines += [f"{esc(i.label)}: <b>{esc(choice_label(i, choices[i.id]))}</b>" for i in scenario.issues if i.id in choices]
    lines.append("")
    for p in parties or scenario.party_ids:
        if p in utilities:
            party = scenario.party[p]
            lines.append(f"{esc(party.label)}: {_num(utilities[p])} (gain {_num(utilities[p] - party.reservation, sign=True)})")
    return "<br>".join(lines)


def _num(value: float, sign: bool = False) -> str:
    text = f"{value:+.4g}" if sign else f"{value:.4g}"
    return text.replace("-", "\u2212")


def _row_choices(row: pd.Series, scenario: Scenario) -> dict[str, Any]:
    return {i.id: row[i.id] for i in scenario.issues if i.id in row.index}


def _row_utilities(row: pd.Series, parties: Sequence[str]) -> dict[str, float]:
    return {p: float(row[p]) for p in parties if p in row.index}


def possessive(scenario: Scenario, party: str) -> str:
    """"Ukraine's", "the United States'" (not escaped)."""
    return scenario.party[party].possessive


def _axis_title(scenario: Scenario, party: str) -> str:
    return f"{esc(possessive(scenario, party))} utility"


def _plain_axis_title(scenario: Scenario, party: str) -> str:
    return f"{possessive(scenario, party)} utility"


def _layout(fig: go.Figure, title: str, height: int = 560, **extra: Any) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, x=0.01, xanchor="left", font=dict(size=16)),
        template="plotly_white",
        font=FONT,
        height=height,
        margin=dict(l=70, r=30, t=60, b=60),
        legend=dict(bgcolor="rgba(255,255,255,0.85)", bordercolor="#ddd", borderwidth=1),
        hoverlabel=dict(align="left", font=dict(size=12)),
    )
    if extra:
        fig.update_layout(**extra)
    return fig


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
        utilities = _row_utilities(first, parties)
        more = max(len(group), (counts or {}).get(_key(utilities, parties), 0)) - 1
        text = package_hover(_row_choices(first, scenario), utilities, scenario, heading, parties)
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
                points[criterion] = (_row_choices(row, scenario), _row_utilities(row, scenario.party_ids))
    return points


def frontier_figures(data: "BargainingSpace | pd.DataFrame", scenario: Scenario | None = None, *,
                     acceptable: pd.DataFrame | None = None,
                     solutions: Mapping[str, "Package | None"] | None = None) -> list[go.Figure]:
    """The frontier drawn for its number of parties: two -> [2-D scatter]; three -> [3-D scatter,
    pairwise scatter matrix]; one or four and more -> [parallel coordinates].

    ``data`` is a frontier DataFrame (from :meth:`BargainingSpace.frontier`) or a space, whose
    frontier (and, for two or three parties, acceptable packages) is then computed here.
    ``acceptable`` adds the acceptable packages in grey; ``solutions`` (criterion -> package)
    marks the bargaining solutions (by default those named in the frontier's ``solution`` column).
    """
    frontier, scenario, acceptable, solutions = _resolve(data, scenario, acceptable, solutions)
    parties = frontier_parties(frontier, scenario)
    if len(parties) == 2:
        return [frontier_2d(frontier, scenario, acceptable=acceptable, solutions=solutions)]
    if len(parties) == 3:
        return [frontier_3d(frontier, scenario, acceptable=acceptable, solutions=solutions),
                frontier_splom(frontier, scenario, acceptable=acceptable, solutions=solutions)]
    return [frontier_parallel(frontier, scenario, solutions=solutions)]


def frontier_figure(data: "BargainingSpace | pd.DataFrame", scenario: Scenario | None = None, *,
                    acceptable: pd.DataFrame | None = None,
                    solutions: Mapping[str, "Package | None"] | None = None) -> go.Figure:
    """The main frontier figure for the party count (see :func:`frontier_figures`; for three
    parties this is the 3-D scatter, :func:`frontier_splom` draws the pairwise matrix)."""
    return frontier_figures(data, scenario, acceptable=acceptable, solutions=solutions)[0]


def _resolve(data: "BargainingSpace | pd.DataFrame", scenario: Scenario | None, acceptable: pd.DataFrame | None,
             solutions: Mapping[str, "Package | None"] | None) -> tuple[pd.DataFrame, Scenario, pd.DataFrame | None, Mapping[str, "Package | None"] | None]:
    """A frame passes through; a space is asked for its frontier, acceptable packages and solutions."""
    if isinstance(data, pd.DataFrame):
        if scenario is None:
            raise TypeError("pass the scenario along with a frontier DataFrame")
        return data, scenario, acceptable, solutions
    space = data
    scenario = scenario or space.scenario
    frontier = space.frontier(progress=False, solutions=False)
    if acceptable is None and len(frontier_parties(frontier, scenario)) in (2, 3):
        acceptable = space.acceptable(limit=MAX_POINTS)
    if solutions is None:
        from .solutions import CRITERIA

        solutions = {c: space.best(c) for c in CRITERIA}
    return frontier, scenario, acceptable, solutions


def frontier_2d(frontier: pd.DataFrame, scenario: Scenario, *, acceptable: pd.DataFrame | None = None,
                solutions: Mapping[str, "Package | None"] | None = None) -> go.Figure:
    """Two parties: each acceptable package off the frontier a grey dot at (utility of the first, of the second);
    the frontier as dark markers joined by a dotted line (the line only guides the eye: points
    between two packages are not packages); each party's reservation as a dashed line, the region
    above both shaded; the bargaining solutions as nested open symbols."""
    x, y = frontier_parties(frontier, scenario)[:2]
    fig = go.Figure()
    rx, ry = scenario.party[x].reservation, scenario.party[y].reservation
    grey, points = _layers(frontier, acceptable, scenario, [x, y])
    if grey is not None:
        fig.add_trace(go.Scatter(x=grey[x], y=grey[y], mode="markers", name="Other acceptable packages",
                                 marker=dict(color=ACCEPTABLE_COLOR, size=8), hovertext=grey["hover"], hoverinfo="text"))
    points = points.sort_values(x)
    fig.add_trace(go.Scatter(x=points[x], y=points[y], mode="lines+markers", name="Pareto frontier",
                             line=dict(color=FRONTIER_COLOR, width=1.5, dash="dot"),
                             marker=dict(color=FRONTIER_COLOR, size=9), hovertext=points["hover"], hoverinfo="text"))
    _add_solutions(fig, solutions, frontier, scenario, lambda u: dict(x=[u[x]], y=[u[y]]), go.Scatter)
    fig.add_trace(go.Scatter(x=[rx], y=[ry], mode="markers", name="No agreement (reservations)",
                             marker=dict(symbol="circle", color="#555", size=10, line=dict(color="white", width=1)),
                             hovertext=[f"No agreement<br>{esc(scenario.party[x].label)}: {_num(rx)}<br>{esc(scenario.party[y].label)}: {_num(ry)}"],
                             hoverinfo="text"))
    fig.add_vline(x=rx, line=dict(color="#888", dash="dash", width=1))
    fig.add_hline(y=ry, line=dict(color="#888", dash="dash", width=1))
    xs = [rx, *points[x]] + ([] if acceptable is None else list(acceptable[x]))
    ys = [ry, *points[y]] + ([] if acceptable is None else list(acceptable[y]))
    fig.add_shape(type="rect", x0=rx, y0=ry, x1=max(xs) + _pad(xs), y1=max(ys) + _pad(ys), layer="below",
                  line_width=0, fillcolor="rgba(46, 139, 87, 0.06)")
    fig.update_xaxes(title=_axis_title(scenario, x), zeroline=False)
    fig.update_yaxes(title=_axis_title(scenario, y), zeroline=False)
    return _layout(fig, "Acceptable packages and the Pareto frontier")


def _pad(values: Sequence[float]) -> float:
    finite = [v for v in values if v is not None and math.isfinite(v)]
    return 0.04 * ((max(finite) - min(finite)) or 1.0) if finite else 1.0


def _add_solutions(fig: go.Figure, solutions: Mapping[str, "Package | None"] | None, frontier: pd.DataFrame,
                   scenario: Scenario, coordinates: Any, trace: Any, symbols3d: bool = False) -> None:
    for criterion, (choices, utilities) in _solution_points(solutions, frontier, scenario).items():
        title, symbol, color, size = CRITERION_STYLE.get(criterion, (criterion, "circle-open", "#000", 12))
        if symbols3d:
            symbol = {"diamond-open": "diamond-open", "square-open": "square-open", "circle-open": "circle-open"}.get(symbol, "cross")
        hover = package_hover(choices, utilities, scenario, f"{title} solution")
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
                               hovertext=["No agreement<br>" + "<br>".join(f"{esc(scenario.party[p].label)}: {_num(v)}" for p, v in zip((a, b, c), r))],
                               hoverinfo="text"))
    # 3-D axis titles are drawn as plain text inside the WebGL scene: no markup is interpreted
    # there, and no entity decoded, so they take the names as they are (escaping would show "&lt;").
    fig.update_layout(scene=dict(xaxis_title=_plain_axis_title(scenario, a), yaxis_title=_plain_axis_title(scenario, b),
                                 zaxis_title=_plain_axis_title(scenario, c), aspectmode="cube",
                                 camera=dict(eye=dict(x=1.45, y=1.45, z=0.95)), domain=dict(x=[0.18, 0.92], y=[0, 1])),
                      legend=dict(x=0, y=1))
    return _layout(fig, "Acceptable packages and the Pareto frontier (drag to rotate)", height=680,
                   margin=dict(l=10, r=10, t=60, b=10))


def frontier_splom(frontier: pd.DataFrame, scenario: Scenario, *, acceptable: pd.DataFrame | None = None,
                   solutions: Mapping[str, "Package | None"] | None = None) -> go.Figure:
    """Every pair of parties side by side (a scatter-plot matrix, lower half): acceptable packages
    grey, the frontier dark, the bargaining solutions as open symbols.  Selecting points in one
    panel highlights the same packages in the others."""
    parties = frontier_parties(frontier, scenario)
    labels = [esc(scenario.party[p].label) for p in parties]
    fig = go.Figure()

    def dims(values: Mapping[str, Sequence[float]]) -> list[dict]:
        return [dict(label=label, values=list(values[p])) for p, label in zip(parties, labels)]

    common = dict(showupperhalf=False, diagonal=dict(visible=False), hoverinfo="text")
    grey, points = _layers(frontier, acceptable, scenario, parties)
    if grey is not None:
        fig.add_trace(go.Splom(dimensions=dims(grey), name="Other acceptable packages", hovertext=grey["hover"],
                               marker=dict(color=ACCEPTABLE_COLOR, size=6), **common))
    fig.add_trace(go.Splom(dimensions=dims(points), name="Pareto frontier", hovertext=points["hover"],
                           marker=dict(color=FRONTIER_COLOR, size=7), **common))
    for criterion, (choices, utilities) in _solution_points(solutions, frontier, scenario).items():
        title, symbol, color, size = CRITERION_STYLE.get(criterion, (criterion, "circle-open", "#000", 12))
        fig.add_trace(go.Splom(dimensions=dims({p: [utilities[p]] for p in parties}), name=title,
                               hovertext=[package_hover(choices, utilities, scenario, f"{title} solution")],
                               marker=dict(symbol=symbol, color=color, size=size, line=dict(color=color, width=2)), **common))
    fig.update_layout(showlegend=True, dragmode="select")
    return _layout(fig, "The frontier seen pair by pair (utilities)", height=620)


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
    for criterion, (choices, utilities) in _solution_points(solutions, frontier, scenario).items():
        title, symbol, color, size = CRITERION_STYLE.get(criterion, (criterion, "circle-open", "#000", 12))
        hover = package_hover(choices, utilities, scenario, f"{title} solution")
        width = 2 + size / 5
        fig.add_trace(go.Scatter(x=positions, y=[utilities[p] for p in parties], mode="lines+markers", name=title,
                                 line=dict(color=color, width=width), marker=dict(symbol=symbol, color=color, size=size, line=dict(width=2, color=color)),
                                 hovertext=[hover] * len(parties), hoverinfo="text", opacity=0.9))
    colors = party_colors(scenario)
    fig.add_trace(go.Scatter(x=positions, y=[scenario.party[p].reservation for p in parties], mode="markers",
                             name="Reservation (no agreement)",
                             marker=dict(symbol="line-ew-open", size=34, color="#222", line=dict(width=3, color="#222")),
                             hovertext=[f"{esc(possessive(scenario, p))} reservation: {_num(scenario.party[p].reservation)}" for p in parties],
                             hoverinfo="text"))
    ticks = [f"<span style=\"color:{colors[p]}\"><b>{wrap(scenario.party[p].label, 14)}</b></span>" for p in parties]
    fig.update_xaxes(tickmode="array", tickvals=positions, ticktext=ticks, range=[-0.3, len(parties) - 0.7],
                     showgrid=True, gridcolor="#bbb", gridwidth=1.5, zeroline=False)
    fig.update_yaxes(title="utility", zeroline=False)
    fig.update_layout(hovermode="closest", legend=dict(orientation="h", y=-0.12, x=0))
    return _layout(fig, "The Pareto frontier across all parties (one line per package)", height=600)


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
    names = [f"{edges[k]:.4g} to {edges[k + 1]:.4g}{unit}" for k in range(bins)]
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
        text.append([f"{wrap(n, 20)}<br><b>{s:.0%}</b>" for n, s in zip(names, shares)] + [""] * pad)
        hover.append([f"{esc(issue.label)}<br><b>{esc(n)}</b><br>{c} of {len(frontier)} frontier packages ({s:.0%})"
                      for n, c, s in zip(names, counts, shares)] + [""] * pad)
    fig = go.Figure(go.Heatmap(
        z=z, x=[f"option {k + 1}" for k in range(width)], y=[wrap(i.label, 28, 2) for i in issues],
        text=text, texttemplate="%{text}", textfont=dict(size=10), hovertext=hover, hoverinfo="text",
        colorscale=[[0, "#f7fbff"], [0.5, "#6baed6"], [1, "#08306b"]], zmin=0, zmax=1, xgap=2, ygap=2,
        colorbar=dict(title="share of<br>frontier", tickformat=".0%", thickness=12)))
    fig.update_yaxes(autorange="reversed", showgrid=False, automargin=True)
    fig.update_xaxes(showgrid=False, side="top", showticklabels=False)
    return _layout(fig, f"Which options the {len(frontier)} frontier packages choose", height=max(260, 80 + 64 * len(issues)),
                   margin=dict(l=20, r=20, t=60, b=20))


def wrap(text: str, width: int, max_lines: int = 3) -> str:
    """Scenario text broken at spaces onto lines of about ``width`` characters (at most
    ``max_lines``, the last cut with an ellipsis), each line escaped, joined by ``<br>``."""
    lines: list[str] = []
    line = ""
    for word in str(text).split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(1, width - 1)].rstrip() + "\u2026"
    return "<br>".join(esc(x) for x in lines)


# --------------------------------------------------------------------------- one package


def issue_contributions(package: "Package", scenario: Scenario, party: str) -> dict[str, float]:
    """Points the party gets from each issue of the package; ``"interactions"`` holds the rest
    (extra points of interactions), so the values add up to the party's utility exactly."""
    parts: dict[str, float] = {}
    for issue in scenario.issues:
        table = scenario.points(party, issue.id)
        choice = package.choices[issue.id]
        parts[issue.id] = float(table.get("per_unit", 0.0)) * float(choice) if issue.is_continuous else float(table.get(choice, 0.0))
    parts["interactions"] = float(package.exact_utilities[party]) - sum(parts.values())
    if abs(parts["interactions"]) < 1e-9:
        parts["interactions"] = 0.0
    return parts


def utility_breakdown(package: "Package", scenario: Scenario, title: str | None = None) -> go.Figure:
    """One stacked bar per party: the points it gets from each issue of the package (negative
    points stack below zero), interactions on top; a black bar marks its reservation, so the
    distance from the bar's top to it is the party's gain.  Parties that stay out of the package
    (non-veto parties whose reservation or red lines it fails) are labelled so."""
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
                             hovertext=[f"<b>{esc(scenario.party[p].label)}</b><br>{esc(issue.label)}: {choice}<br>{_num(v, sign=True)} points"
                                        for p, v in zip(parties, values)], hoverinfo="text"))
    extra = [parts[p]["interactions"] for p in parties]
    if any(extra):
        fig.add_trace(go.Bar(x=labels, y=extra, name="Interactions", marker=dict(color="#444", pattern_shape="/"),
                             hovertext=[f"<b>{esc(scenario.party[p].label)}</b><br>interactions: {_num(v, sign=True)} points" for p, v in zip(parties, extra)],
                             hoverinfo="text"))
    utilities = package.utilities
    fig.add_trace(go.Scatter(x=labels, y=[utilities[p] for p in parties], mode="markers+text", name="Utility (total)",
                             marker=dict(symbol="circle", size=9, color="white", line=dict(color="#222", width=2)),
                             text=[_num(utilities[p]) for p in parties], textposition="top center",
                             hovertext=[f"<b>{esc(scenario.party[p].label)}</b><br>utility {_num(utilities[p])}, gain {_num(package.gains[p], sign=True)}" for p in parties],
                             hoverinfo="text"))
    fig.add_trace(go.Scatter(x=labels, y=[scenario.party[p].reservation for p in parties], mode="markers", name="Reservation",
                             marker=dict(symbol="line-ew-open", size=44, color="#c0392b", line=dict(width=3, color="#c0392b")),
                             hovertext=[f"{esc(possessive(scenario, p))} reservation: {_num(scenario.party[p].reservation)}" for p in parties],
                             hoverinfo="text"))
    heading = title or f"Where each party's utility comes from: the {esc(criterion_title(package.criterion or 'chosen'))} package"
    fig.update_yaxes(title="points", zeroline=True, zerolinecolor="#999")
    fig.update_xaxes(tickangle=0)
    _layout(fig, heading, height=520 + 24 * math.ceil((len(scenario.issues) + 3) / 3))
    # the legend (one entry per issue) goes below the bars, so that the bars keep the full width
    fig.update_layout(barmode="relative", bargap=0.35, legend=dict(traceorder="normal", orientation="h", x=0, y=-0.14, yanchor="top"),
                      margin=dict(b=30))
    return fig


def gains_by_solution(solutions: Mapping[str, "Package | None"], scenario: Scenario) -> go.Figure:
    """Grouped bars: for each bargaining solution, each party's gain (utility minus reservation)
    in the colour of the party; a bar below zero is a party that is better off without the deal
    (possible only for parties without a veto, which then stay out)."""
    colors = party_colors(scenario)
    found = {c: p for c, p in solutions.items() if p is not None}
    x = [esc(criterion_title(c)) for c in found]
    fig = go.Figure()
    for party in scenario.parties:
        gains = [p.gains[party.id] for p in found.values()]
        fig.add_trace(go.Bar(x=x, y=gains, name=esc(party.label), marker_color=colors[party.id],
                             hovertext=[f"<b>{esc(party.label)}</b><br>{t}: gain {_num(g, sign=True)}" for t, g in zip(x, gains)],
                             hoverinfo="text"))
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_yaxes(title="gain over reservation", zeroline=True, zerolinecolor="#999")
    return _layout(fig, "Each party's gain under each bargaining solution", height=420)
