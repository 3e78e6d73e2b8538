"""The page: the controls (one per red line, reservation, probability, optional party and frozen issue) beside
the answers.  Built once per app from the scenario; the URL then sets the controls (see :mod:`.app`)."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from ..results import number
from ..scenario import Scenario
from ..scenario.variant import DROPPED, HARD, PRICED, line_key
from .state import file_line, states_for

STATE_LABELS = {HARD: "hard", PRICED: "priced", DROPPED: "dropped"}
AS_WRITTEN, FIXED = "as written", "fixed"
LOADING = "loading"  # what the markers say before the first answers (a query is empty or starts with "?")
#: A frontier graph's box, shown and hidden.  Hidden keeps the graph laid out at its size (no height, clipped, invisible
#: to readers), not ``display: none``, so that it is redrawn in place when it shows again, never resized from nothing.
FRONTIER_SHOWN: dict[str, str] = {}
FRONTIER_HIDDEN = {"height": "0", "overflow": "hidden", "visibility": "hidden"}


def page(scenario: Scenario, session_id: str) -> html.Div:
    return html.Div([
        dcc.Location(id="url", refresh=False),
        dcc.Store(id="session", storage_type="memory", data=session_id),
        dcc.Store(id="applied", storage_type="memory"),
        dcc.Store(id="refine", storage_type="memory"),  # the variant whose frontier the background job redraws finer
        dcc.Store(id="changed", storage_type="memory"),  # set in the browser when a control changes: stops the background jobs
        html.Header([html.H1(scenario.name, id="title"),
                     html.P("What if? Change a red line, a reservation, a probability, who takes part or what is frozen; "
                            "the answers follow. The page's address holds the variant: share it to share the variant.")]),
        html.Div(id="notice"),
        html.Main([
            html.Aside(_controls(scenario), id="controls"),
            html.Section([
                html.Div(html.P("Working out the answers…"), id="answers", role="status"),
                html.Div(id="frontier-notes"),
                # two graphs, one for the 3-D frontier (three parties) and one for every other kind: a change of kind
                # shows the other graph (see app.drawn)
                html.Div(dcc.Graph(id="frontier", config={"displaylogo": False}), id="frontier-box", style=FRONTIER_HIDDEN),
                html.Div(dcc.Graph(id="frontier-flat", config={"displaylogo": False}), id="frontier-flat-box", style=FRONTIER_HIDDEN),
                html.Div([html.H3("Chance of a deal"), html.Div(id="deal-progress"), html.Div(id="deal")], id="deal-box"),
                html.Div([html.Button("Save this variant", id="save"), html.Button("Report", id="report"),
                          html.Button("Cancel the report", id="report-cancel", disabled=True),
                          html.Div(id="report-progress"), dcc.Download(id="download-variant"), dcc.Download(id="download-report")],
                         id="actions"),
                # each marker holds the query whose answers are shown; LOADING (never a query) until the first come, so
                # a page waiting for the file's own answers ("") does not take the empty page for them
                html.Div(LOADING, id="answers-for", className="marker"), html.Div(LOADING, id="frontier-for", className="marker"),
                html.Div(LOADING, id="deal-for", className="marker"), html.Div(id="address", className="marker"),
                html.Div(LOADING, id="frontier-final-for", className="marker"),
            ], id="results"),
        ]),
    ])


def _controls(scenario: Scenario) -> list[Any]:
    parts: list[Any] = [html.A("Back to the file as written", href="?", id="reset"), html.H2("Red lines")]
    for party in scenario.parties:
        mine = [k for k, r in enumerate(scenario.red_lines) if r.party == party.id]
        if mine:
            parts.append(html.Details([html.Summary(f"{party.label} ({len(mine)})")] + [_line(scenario, k) for k in mine],
                                      open=any(scenario.red_lines[k].real is not None for k in mine)))
    parts.append(html.H2("Reservations"))
    parts += [html.Label([html.Span(p.label), dcc.Input(id={"type": "reservation", "party": p.id}, type="number",
                                                        value=p.reservation, debounce=True, step="any")],
                         className="field", title=f"what no deal is worth to {p.label} (the file: {number(p.reservation)})")
              for p in scenario.parties]
    optional = [p for p in scenario.parties if not p.veto]
    if optional:
        parts += [html.H2("Who takes part"),
                  dcc.RadioItems(id="coalition-mode", value=AS_WRITTEN, options=[
                      {"label": "each optional party joins when a package suits it", "value": AS_WRITTEN},
                      {"label": "exactly the parties ticked (with every veto party)", "value": FIXED}]),
                  dcc.Checklist(id="coalition", value=[p.id for p in optional],
                                options=[{"label": p.label, "value": p.id} for p in optional])]
    else:
        parts += [dcc.RadioItems(id="coalition-mode", value=AS_WRITTEN, options=[], style={"display": "none"}),
                  dcc.Checklist(id="coalition", value=[], options=[], style={"display": "none"})]
    held = [i for i in scenario.issues if i.status_quo_choice is not None and i.linkable]
    parts.append(html.H2("Frozen at the status quo") if held else html.Span())
    parts.append(dcc.Checklist(id="frozen", value=[], options=[
        {"label": f"{i.label} ({i.choice_label(i.status_quo_choice)})", "value": i.id} for i in held]))
    return parts


def _line(scenario: Scenario, k: int) -> html.Div:
    red_line, key = scenario.red_lines[k], line_key(scenario, k)
    state, price, real = file_line(scenario, k)
    fields: list[Any] = [dcc.RadioItems(id={"type": "line-state", "key": key}, value=state, inline=True,
                                        options=[{"label": STATE_LABELS[s], "value": s} for s in states_for(scenario, k)])]
    if red_line.price is not None:
        fields.append(html.Label(["price ", dcc.Input(id={"type": "line-price", "key": key}, type="number", value=price,
                                                      min=0, step="any", debounce=True)], className="inline"))
    else:
        fields.append(dcc.Input(id={"type": "line-price", "key": key}, type="hidden", value=None))
    if red_line.real is not None:
        fields.append(html.Label(["real with probability ", dcc.Input(id={"type": "line-real", "key": key}, type="number",
                                                                       value=real, min=0, max=1, step=0.05, debounce=True)],
                                 className="inline"))
    else:
        fields.append(dcc.Input(id={"type": "line-real", "key": key}, type="hidden", value=None))
    text = scenario.describe_red_line(k).split(": ", 1)[-1] if red_line.name else scenario.describe_red_line(k)
    return html.Div([html.Div(text, className="line-name", title=red_line.rationale or "")] + fields, className="line",
                    id={"type": "line", "key": key})
