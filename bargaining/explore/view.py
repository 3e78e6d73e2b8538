"""Answers as Dash components.  Scenario text is only ever a component's text (never markup), so it stays inert."""

from __future__ import annotations

from typing import Any

from dash import html

from ..results import CRITERIA, Package, concession_label, number
from .answers import Answers

TITLES = {"maxmin": "Egalitarian (maxmin)", "utilitarian": "Utilitarian", "nash": "Nash", "kalai": "Kalai-Smorodinsky"}


def banners(notes: Any) -> list[Any]:
    return [html.Div(note, className="banner") for note in notes]


def answers_view(answers: Answers) -> list[Any]:
    """The headline, then the conflict and what would open it, or the solutions issue by issue."""
    parts: list[Any] = banners(answers.notes)
    if answers.feasible is None:
        parts.append(html.H2("Not known yet whether a deal exists", id="headline", className="unknown"))
        return parts
    if not answers.feasible:
        parts.append(html.H2("No package is acceptable", id="headline", className="closed"))
        if answers.diagnosis is not None:
            parts += _diagnosis(answers)
        return parts
    count = len(answers.solutions)
    parts.append(html.H2("A deal exists", id="headline", className="open"))
    parts.append(html.P(f"The {count} bargaining solutions, issue by issue, and what each gives every party "
                        "(gain: utility minus reservation; parties that would not take part are marked)."))
    parts += _solutions(answers)
    return parts


def _diagnosis(answers: Answers) -> list[Any]:
    diagnosis = answers.diagnosis
    assert diagnosis is not None
    conflict = diagnosis.conflict
    lead = ("This requirement cannot hold in any package:" if len(conflict) == 1 else
            f"These {len(conflict)} requirements cannot all hold together (dropping any one of them removes this conflict):")
    parts: list[Any] = [html.H3("Why"), html.P(lead), html.Ul([html.Li(r.label) for r in conflict], id="conflict")]
    opening = [html.Li(concession_label(group)) for group in diagnosis.relaxations]
    for cut in diagnosis.reservation_cuts:
        if cut.lowered_to is None:
            opening.append(html.Li(f"No reduction of {cut.label} reservation alone opens it"))
        else:
            opening.append(html.Li(f"{cut.label} reservation lowered from {number(cut.reservation)} to {number(cut.lowered_to)}"))
    parts += [html.H3("What would open it"), html.Ul(opening or [html.Li("Nothing of up to two requirements dropped")], id="opening")]
    return parts


def _solutions(answers: Answers) -> list[Any]:
    scenario = answers.scenario
    shown = [c for c in CRITERIA if c in answers.solutions]
    packages: list[Package] = [answers.solutions[c] for c in shown]
    head = html.Tr([html.Th("Issue")] + [html.Th(TITLES.get(c, c)) for c in shown])
    rows = []
    for issue in scenario.issues:
        labels = [issue.choice_label(p.choices[issue.id]) for p in packages]
        differs = len(set(labels)) > 1
        cells: list[Any] = [html.Th(issue.label, scope="row")]
        rows.append(html.Tr(cells + [html.Td(x, className="traded" if differs else "") for x in labels]))
    issues = html.Table([html.Thead(head), html.Tbody(rows)], id="solutions", className="grid")
    gains = []
    for party in scenario.parties:
        row: list[Any] = [html.Th(party.label, scope="row")]
        for p in packages:
            out = party.id not in p.signers
            row.append(html.Td(number(p.gains[party.id], sign=True) + (" (out)" if out else ""), className="out" if out else ""))
        gains.append(html.Tr(row))
    table = html.Table([html.Thead(html.Tr([html.Th("Gain")] + [html.Th(TITLES.get(c, c)) for c in shown])), html.Tbody(gains)],
                       id="gains", className="grid")
    return [html.H3("Issue by issue"), issues, html.H3("Each party's gain"), table]
