"""Figures of the uncertainty analyses: results in (robustness and value-of-information tables),
``go.Figure`` out (nothing is solved here)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .labels import FRONTIER_COLOR, esc, layout, wrap


def acceptance_bars(table: pd.DataFrame, samples: int | None = None) -> go.Figure:
    """One horizontal bar per package (a row of ``space.robustness()``): the share of sampled worlds
    in which it is acceptable, with its 95% interval as an error bar; the most robust at the top."""
    rows = table.sort_values("share", kind="stable")
    labels = [wrap(str(x), 30, 2) for x in rows["package"]]
    exact = bool(rows["low"].isna().all()) if len(rows) else False  # exact chances: no interval
    hover = [f"<b>{esc(r['package'])}</b><br>" + (f"acceptable with chance {r['share']:.1%} (exact)" if exact else
             f"acceptable in {r['share']:.1%} of worlds (95% interval {r['low']:.1%} to {r['high']:.1%})")
             + (f"<br>blocked most often by {esc(r['blocked most by'])} ({r['blocked share']:.1%})"
                if r["blocked most by"] else "") for r in rows.to_dict("records")]
    fig = go.Figure(go.Bar(
        x=rows["share"], y=labels, orientation="h", marker_color=FRONTIER_COLOR, hovertext=hover, hoverinfo="text",
        text=[f"{x:.0%}" for x in rows["share"]], textposition="inside", insidetextanchor="start",
        error_x=dict(type="data", symmetric=False, array=rows["high"] - rows["share"], arrayminus=rows["share"] - rows["low"],
                     color="#444", thickness=1.5, width=5, visible=not exact)))
    fig.update_xaxes(range=[0, 1], tickformat=".0%", title="share of sampled worlds in which the package is acceptable")
    fig.update_yaxes(automargin=True)
    note = f" ({samples:,} worlds)" if samples else ""
    return layout(fig, f"How often each package is acceptable{note}", height=max(240, 110 + 44 * len(rows)), showlegend=False)


def information_bars(voi: pd.DataFrame) -> go.Figure:
    """The value of information, ranked: one horizontal bar per question (a row of
    ``space.value_of_information()``), its length the rise, in percentage points, of the share of
    worlds in which the package chosen after learning the answer is accepted; the first question on top."""
    rows = voi.iloc[::-1]
    labels = [wrap(f"{r['label']} ({r['question']})", 40, 2) for r in rows.to_dict("records")]
    hover = [f"<b>{esc(r['label'])}</b><br>yes ({esc(r['yes means'])}) in {r['p yes']:.0%} of worlds<br>"
             f"deal {_pct(r['deal if yes'])} if yes, {_pct(r['deal if no'])} if no<br>most robust package accepted "
             f"{_pct(r['robust now'])} now, {_pct(r['robust if yes'])} if yes, {_pct(r['robust if no'])} if no"
             for r in rows.to_dict("records")]
    fig = go.Figure(go.Bar(x=100 * rows["rise"], y=labels, orientation="h", marker_color="#59a14f", hovertext=hover,
                           hoverinfo="text", text=[f"+{100 * x:.1f}" for x in rows["rise"]], textposition="outside"))
    top = float(100 * rows["rise"].max()) if len(rows) else 0.0
    fig.update_xaxes(title="rise in the chosen package's acceptance (percentage points)", range=[0, max(1.0, top * 1.2)])
    fig.update_yaxes(automargin=True)
    return layout(fig, "What learning each uncertainty would be worth", height=max(240, 110 + 44 * len(rows)), showlegend=False)


def _pct(value: float) -> str:
    return "n/a" if value != value else f"{value:.0%}"
