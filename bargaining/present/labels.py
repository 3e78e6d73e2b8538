"""Words, numbers and colours shared by every table, figure and text: one formatter for each.

Text from a scenario file (names of parties, issues and options) is data, not markup: it is
HTML-escaped before it reaches Plotly, which renders a subset of HTML in labels and hover text.
Colours are consistent everywhere: :func:`party_colors` for parties, :data:`CRITERION_STYLE`
for the bargaining solutions.
"""

from __future__ import annotations

import html
from typing import Any, Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from ..results import number
from ..scenario import Issue, Scenario

PALETTE: tuple[str, ...] = (
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)
#: Colours for the issues stacked in :func:`utility_breakdown`: light tones (ColorBrewer Set3,
#: then Pastel1), so that issues are never mistaken for the saturated party colours; the palest
#: yellows and greys darkened, so that every one shows on white.
ISSUE_PALETTE: tuple[str, ...] = (
    "#8dd3c7", "#e3d36b", "#bebada", "#fb8072", "#80b1d3", "#fdb462", "#b3de69", "#fccde5", "#c9c9c9", "#bc80bd",
    "#ccebc5", "#d9c14f", "#fbb4ae", "#b3cde3", "#c2a5cf", "#decbe4", "#fed9a6", "#e5d8bd", "#fddaec", "#bdbdbd",
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
    return issue.choice_label(choice)


def package_hover(choices: Mapping[str, Any], utilities: Mapping[str, float], scenario: Scenario,
                  heading: str | None = None, parties: Sequence[str] | None = None) -> str:
    """Hover text for one package: each issue's choice, then each party's utility (escaped, ``<br>`` lines)."""
    lines = [f"<b>{esc(heading)}</b>"] if heading else []
    lines += [f"{esc(i.label)}: <b>{esc(choice_label(i, choices[i.id]))}</b>" for i in scenario.issues if i.id in choices]
    lines.append("")
    for p in parties or scenario.party_ids:
        if p in utilities:
            party = scenario.party[p]
            lines.append(f"{esc(party.label)}: {num(utilities[p])} (gain {num(utilities[p] - party.reservation, sign=True)})")
    return "<br>".join(lines)


def num(value: float, sign: bool = False) -> str:
    """A number in a figure: as everywhere (:func:`bargaining.results.number`)."""
    return number(value, sign)


def row_choices(row: pd.Series, scenario: Scenario) -> dict[str, Any]:
    return {i.id: row[i.id] for i in scenario.issues if i.id in row.index}


def row_utilities(row: pd.Series, parties: Sequence[str]) -> dict[str, float]:
    return {p: float(row[p]) for p in parties if p in row.index}


def possessive(scenario: Scenario, party: str) -> str:
    """"Ukraine's", "the United States'" (not escaped)."""
    return scenario.party[party].possessive


def axis_title(scenario: Scenario, party: str) -> str:
    return f"{esc(possessive(scenario, party))} utility"


def plain_axis_title(scenario: Scenario, party: str) -> str:
    return f"{possessive(scenario, party)} utility"


def layout(fig: go.Figure, title: str, height: int = 560, **extra: Any) -> go.Figure:
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


def scene_axis(title: str, values: Sequence[float]) -> dict[str, Any]:
    """One axis of a 3-D scene: a few ticks, and its range padded so that no tick sits in a corner, where
    two axes' first ticks would print over each other.  (The title is plain text: WebGL reads no markup.)"""
    finite = [float(v) for v in values if v is not None and v == v]
    low, high = (min(finite), max(finite)) if finite else (0.0, 1.0)
    pad = 0.08 * ((high - low) or max(1.0, abs(high)))
    return dict(title=dict(text=title, font=dict(size=13)), range=[low - pad, high + pad], nticks=6, tickfont=dict(size=11),
                zeroline=False)


# --------------------------------------------------------------------------- frontier


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
