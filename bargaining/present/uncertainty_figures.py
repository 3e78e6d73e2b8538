"""Figures of the uncertainty analyses: results in (``space.robustness()``, ``space.value_of_information()``),
``go.Figure`` out (nothing is solved here)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ..results import Robustness, ValueOfInformation, number, percent
from .labels import FRONTIER_COLOR, esc, layout, wrap


def acceptance_bars(table: Robustness | pd.DataFrame, samples: int | None = None) -> go.Figure:
    """One horizontal bar per package (``space.robustness()``): the share of sampled worlds in which it is
    acceptable, with its 95% interval as an error bar; the most robust at the top."""
    if isinstance(table, Robustness):
        samples = samples or table.samples
        table = table.to_frame()
    rows = table.sort_values("share", kind="stable")
    labels = [wrap(str(x), 30, 2) for x in rows["package"]]
    exact = bool(rows["low"].isna().all()) if len(rows) else False  # exact chances: no interval
    hover = [f"<b>{esc(r['package'])}</b><br>" + (f"acceptable with chance {percent(r['share'])} (exact)" if exact else
             f"acceptable in {percent(r['share'])} of worlds (95% interval {percent(r['low'])} to {percent(r['high'])})")
             + (f"<br>blocked most often by {esc(r['blocked most by'])} ({percent(r['blocked share'])})"
                if _given(r["blocked most by"]) else "") for r in rows.to_dict("records")]
    fig = go.Figure(go.Bar(
        x=rows["share"], y=labels, orientation="h", marker_color=FRONTIER_COLOR, hovertext=hover, hoverinfo="text",
        text=[percent(x) for x in rows["share"]], textposition="inside", insidetextanchor="start",
        error_x=dict(type="data", symmetric=False, array=rows["high"] - rows["share"], arrayminus=rows["share"] - rows["low"],
                     color="#444", thickness=1.5, width=5, visible=not exact)))
    fig.update_xaxes(range=[0, 1], tickformat=".0%", title="share of sampled worlds in which the package is acceptable")
    fig.update_yaxes(automargin=True)
    note = f" ({samples:,} worlds)" if samples else ""
    return layout(fig, f"How often each package is acceptable{note}", height=max(240, 110 + 44 * len(rows)), showlegend=False)


def information_bars(voi: ValueOfInformation | pd.DataFrame) -> go.Figure:
    """The value of information, ranked: one horizontal bar per question (``space.value_of_information()``), its
    length the rise, in percentage points, of the share of worlds in which the package chosen after learning the
    answer is accepted; the first question on top.  The questions whose answer would change nothing (a rise of
    0) share one line at the bottom, named in its hover."""
    frame = voi.to_frame() if isinstance(voi, ValueOfInformation) else voi
    records = frame.to_dict("records")
    moving = [r for r in records if r["rise"] > 0]
    inert = [r for r in records if not r["rise"] > 0]
    labels = [wrap(f"{r['label']} ({r['question']})", 40, 2) for r in moving]
    hover = [f"<b>{esc(r['label'])}</b><br>yes ({esc(r['yes means'])}) in {percent(r['p yes'])} of worlds<br>"
             f"deal {percent(r['deal if yes'])} if yes, {percent(r['deal if no'])} if no<br>most robust package accepted "
             f"{percent(r['robust now'])} now, {percent(r['robust if yes'])} if yes, {percent(r['robust if no'])} if no"
             for r in moving]
    rises = [100 * r["rise"] for r in moving]
    if len(inert) == 1:
        labels.append(wrap(f"{inert[0]['label']} ({inert[0]['question']})", 40, 2))
    elif inert:
        labels.append(f"{len(inert)} other questions: knowing the answer changes nothing")
    if inert:
        rises.append(0.0)
        hover.append("<b>Knowing the answer would not change the package chosen or its acceptance:</b><br>"
                     + "<br>".join(esc(f"{r['label']} ({r['question']})") for r in inert))
    fig = go.Figure(go.Bar(x=rises[::-1], y=labels[::-1], orientation="h", marker_color="#59a14f", hovertext=hover[::-1],
                           hoverinfo="text", text=[f"+{number(x)}" if x else "0" for x in rises[::-1]], textposition="outside"))
    top = max(rises, default=0.0)
    fig.update_xaxes(title="rise in the chosen package's acceptance (percentage points)", range=[0, max(1.0, top * 1.2)])
    fig.update_yaxes(automargin=True)
    return layout(fig, "What learning each uncertainty would be worth", height=max(240, 110 + 44 * len(labels)), showlegend=False)


def _given(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and value != value)
