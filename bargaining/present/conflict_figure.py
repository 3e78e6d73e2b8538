"""The minimal conflict drawn: which parties' red lines and reservations collide, option by option.

One column per requirement of the conflict (a red line, or a party's reservation), one row per
option of each issue its red lines name (an amount's range cut at the thresholds they use), and
a last column, "left by all": what no red line of the conflict rules out.  A cell is red where
the red line rules the option out whatever else is chosen, amber where it rules it out only
together with other choices; a reservation's column shows the party's points for each option.
A conflict of reservations alone (no red line) is drawn as each reservation against the most
the party can get with everything else as written.  Results in, ``go.Figure`` out.
"""

from __future__ import annotations

from typing import Any, Sequence

import plotly.graph_objects as go

from ..results import Diagnosis, number
from ..scenario import Bound, Issue, RedLine, Requirement, Scenario
from .labels import esc, layout, num, party_colors, wrap

OPEN, SOMETIMES, RULED_OUT, POINTS = 0, 1, 2, 3
COLORS = [(OPEN, "#dff3e4"), (SOMETIMES, "#f8d27a"), (RULED_OUT, "#d9534f"), (POINTS, "#eef1f4")]
WORDS = {OPEN: "open", SOMETIMES: "ruled out in some combinations", RULED_OUT: "ruled out"}
#: Names are wrapped onto as many lines as they need, never cut: a name cut short could not be read anywhere.
WHOLE = 1000


def conflict_figure(diagnosis: Diagnosis, scenario: Scenario) -> go.Figure | None:
    """The conflict of a closed space (None when the space is open or no conflict was found)."""
    lines = [r for r in diagnosis.conflict if r.kind == "red_line" and r.index is not None]
    if diagnosis.feasible or not diagnosis.conflict:
        return None
    if not lines:
        return _reservation_gaps(diagnosis, scenario)
    rows = _rows(scenario, [scenario.red_lines[r.index] for r in lines if r.index is not None])
    columns = list(diagnosis.conflict)
    z: list[list[int | None]] = []
    text: list[list[str]] = []
    hover: list[list[str]] = []
    names: list[str] = []
    for k, (issue, label, choice) in enumerate(rows):
        if k == 0 or rows[k - 1][0] is not issue:  # a heading row: the issue's name across the table
            z.append([None] * (len(columns) + 1))
            text.append([""] * (len(columns) + 1))
            hover.append([""] * (len(columns) + 1))
            names.append(f"<b>{wrap(issue.label, 60, WHOLE)}</b>")
        names.append(wrap(label, 44, WHOLE))
        cells = [_cell(scenario, requirement, issue, choice) for requirement in columns]
        left = max((v for v, _ in cells if v != POINTS), default=OPEN)
        z.append([*(v for v, _ in cells), left])
        text.append([t for _, t in cells] + [WORDS[left]])
        where = f"{esc(issue.label)}: <b>{esc(label)}</b>"
        hover.append([f"<b>{esc(r.label)}</b><br>{where}<br>{why}" for r, (_, why) in zip(columns, cells)]
                     + [f"<b>Left by all the red lines of the conflict</b><br>{where}<br>{WORDS[left]}"])
    heads = [f"<span style='color:{party_colors(scenario).get(r.party, '#222')}'>\u25a0</span> {wrap(r.label, 26, WHOLE)}"
             for r in columns] + ["<b>left by all</b>"]
    scale = [[value / POINTS, color] for value, color in COLORS]
    fig = go.Figure(go.Heatmap(z=z, x=list(range(len(heads))), y=list(range(len(names))), text=text, texttemplate="%{text}",
                               textfont=dict(size=11), hovertext=hover, hoverinfo="text", colorscale=scale, zmin=0,
                               zmax=POINTS, showscale=False, xgap=3, ygap=3, hoverongaps=False))
    fig.update_xaxes(tickmode="array", tickvals=list(range(len(heads))), ticktext=heads, side="top", showgrid=False)
    fig.update_yaxes(tickmode="array", tickvals=list(range(len(names))), ticktext=names, autorange="reversed",
                     showgrid=False, automargin=True)
    name_lines = sum(max(1, n.count("<br>") + 1) for n in names)
    top = 40 + 16 * max(h.count("<br>") + 1 for h in heads)
    return layout(fig, "The conflict: what each requirement rules out", height=top + 60 + 24 * max(name_lines, 2 * len(names)),
                  margin=dict(l=20, r=20, t=top + 20, b=20))


def _rows(scenario: Scenario, lines: Sequence[RedLine]) -> list[tuple[Issue, str, Any]]:
    """(issue, label, a choice standing for the row): each option of every issue the red lines name, in file order."""
    named = {issue_id for line in lines for c in (line.forbid, line.require, line.if_, line.then) for issue_id in (c or {})}
    rows: list[tuple[Issue, str, Any]] = []
    for issue in scenario.issues:
        if issue.id not in named:
            continue
        if not issue.is_continuous:
            rows += [(issue, o.label, o.id) for o in issue.options or []]
            continue
        low, high = issue.range or (0.0, 0.0)
        cuts = sorted({v for line in lines for c in (line.forbid, line.require, line.if_, line.then)
                       for want in [(c or {}).get(issue.id)] if isinstance(want, Bound)
                       for v in (want.at_least, want.at_most) if v is not None and low < v < high} | {low, high})
        unit = f" {issue.unit}" if issue.unit else ""
        for a, b in zip(cuts, cuts[1:]):
            rows.append((issue, f"{issue.choice_label(a).removesuffix(unit)} to {issue.choice_label(b)}", (a + b) / 2))
    return rows


def _holds(issue: Issue, want: Any, choice: Any) -> bool:
    if isinstance(want, Bound):
        return (want.at_least is None or choice >= want.at_least) and (want.at_most is None or choice <= want.at_most)
    return choice in ([want] if isinstance(want, str) else want)


def _cell(scenario: Scenario, requirement: Requirement, issue: Issue, choice: Any) -> tuple[int, str]:
    """What one requirement does to one option: (value, words)."""
    if requirement.kind == "reservation":
        points = scenario.points(requirement.party, issue.id)
        value = points.get("per_unit", 0.0) * choice if issue.is_continuous else points.get(choice, 0.0)
        return POINTS, f"{number(value, sign=True)} points"
    line = scenario.red_lines[requirement.index or 0]
    if line.forbid is not None and issue.id in line.forbid:
        alone = len(line.forbid) == 1
        if _holds(issue, line.forbid[issue.id], choice):
            return (RULED_OUT, "forbidden") if alone else (SOMETIMES, "forbidden together with other choices")
    if line.require is not None and issue.id in line.require and not _holds(issue, line.require[issue.id], choice):
        return RULED_OUT, "not an option it requires"
    if line.if_ is not None and issue.id in line.if_ and _holds(issue, line.if_[issue.id], choice):
        return SOMETIMES, "needs its 'then' to hold"
    if line.then is not None and issue.id in line.then and not _holds(issue, line.then[issue.id], choice):
        return SOMETIMES, "ruled out when its 'if' holds"
    return OPEN, "allowed"


def _reservation_gaps(diagnosis: Diagnosis, scenario: Scenario) -> go.Figure | None:
    """Reservations alone conflict: each veto party's reservation against the most it can get with the rest as written."""
    cuts = [c for c in diagnosis.reservation_cuts if c.cut is not None]
    if not cuts:
        return None
    colors = party_colors(scenario)
    names = [esc(scenario.party[c.party].label) for c in cuts]
    best = [float(c.lowered_to) for c in cuts if c.lowered_to is not None]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=names, y=best, name="the most it can get, everything else as written",
                         marker_color=[colors[c.party] for c in cuts],
                         hovertext=[f"<b>{n}</b><br>at most {num(b)} with every other requirement kept" for n, b in zip(names, best)],
                         hoverinfo="text"))
    fig.add_trace(go.Scatter(x=names, y=[c.reservation for c in cuts], mode="markers", name="its reservation",
                             marker=dict(symbol="line-ew-open", size=44, color="#c0392b", line=dict(width=3, color="#c0392b")),
                             hovertext=[f"{esc(c.label)} reservation: {num(c.reservation)}" for c in cuts], hoverinfo="text"))
    fig.update_yaxes(title="utility", zeroline=True, zerolinecolor="#999")
    return layout(fig, "The conflict: no package gives these parties their reservations", height=440)
