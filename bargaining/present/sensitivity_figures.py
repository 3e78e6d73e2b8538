"""The tornado figure of what the findings hinge on: results in (a :class:`~bargaining.results.Sensitivity`),
``go.Figure`` out (nothing is solved here)."""

from __future__ import annotations

import plotly.graph_objects as go

from ..results import Sensitivity, TornadoBar, number, percent
from .labels import FRONTIER_COLOR, esc, layout, wrap

LOW_COLOR = "#59a14f"  # the chance of a deal at the low end of the input's range
HIGH_COLOR = "#e15759"  # ... at the high end


def _end(bar: TornadoBar, high: bool) -> str:
    value = bar.high if high else bar.low
    if bar.kind == "real":
        return f"p = {number(value)}"
    if bar.kind == "reservation":
        return f"reservation {number(value)}"
    return f"points \u00d7 {number(value)}"


def tornado_figure(result: Sensitivity) -> go.Figure:
    """One row per uncertain input that moves something (largest swing on top): the chance of a deal as the
    input moves from its stated value to the low end of its range (green) and to the high end (red), the
    others held; the vertical line is the chance as stated.  Inert inputs are left out (the caption names them)."""
    bars = sorted((b for b in result.tornado if not b.inert), key=lambda b: b.exact_swing)
    stated = result.deal.probability
    labels = [wrap(f"{b.label} ({b.input})", 40, 2) for b in bars]

    def hover(bar: TornadoBar, high: bool) -> str:
        deal = bar.deal_high if high else bar.deal_low
        moves = "".join(f"<br>{esc(c.text())}" for c in bar.changes if c.changes)
        return (f"<b>{esc(bar.label)}</b><br>stated {number(bar.stated)}; at {esc(_end(bar, high))}: a deal with chance "
                f"{percent(deal)} (stated {percent(stated)}){moves}")

    fig = go.Figure()
    for high, color, name in ((False, LOW_COLOR, "at the low end of the range"), (True, HIGH_COLOR, "at the high end of the range")):
        values = [(b.deal_high if high else b.deal_low) - stated for b in bars]
        fig.add_trace(go.Bar(y=labels, x=values, base=[stated] * len(bars), orientation="h", name=name, marker_color=color,
                             hovertext=[hover(b, high) for b in bars], hoverinfo="text",
                             text=[_end(b, high) for b in bars], textposition="inside", insidetextanchor="middle"))
    fig.add_vline(x=stated, line_color=FRONTIER_COLOR, line_width=2, annotation_text=f"as stated: {percent(stated)}",
                  annotation_position="top")
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(range=[0, 1], tickformat=".0%", title="chance that some package is acceptable")
    fig.update_yaxes(automargin=True)
    return layout(fig, "What the chance of a deal hinges on", height=max(260, 140 + 46 * len(bars)), showlegend=True)
