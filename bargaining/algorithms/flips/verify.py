"""A finding re-computed by the engine with one number set to a value: the check on each side of a flip.

On the exact programme (discrete scenarios) the value is written into a variant of the scenario (a
reservation, a point) or passed as the line's price, and the programme computes the frontier or the
acceptable set again from scratch; the criterion's package is then read off that frontier with the
engine's own criterion values.  On the model the value is set in place (a reservation through the
world's reservations; a price by holding the line, or paying the stated price with the reservation
moved by the difference; a threshold as a row on the amount), and the model is asked again.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from ...scenario import World
from ..programme import NotApplicable
from ..programme import frontier as programme_frontier
from ..programme.tables import stated_soft
from ..ranking import ranking_values
from .candidates import sigma
from .context import Context, decimal
from .existence import threshold_atom, top
from .findings import Condition, Finding
from .inputs import Input


def holds_at(ctx: Context, finding: Finding, inp: Input, value: Fraction, known: dict[Condition, bool | None] | None = None) -> bool | None:
    """Whether the finding still holds with the input at ``value`` (None: the engine cannot be asked at it).
    ``known``: conditions whose answer an argument settles for every value (see :func:`.existence.argument`)."""
    if finding.kind == "best":
        return _best_at(ctx, finding, inp, value)
    known = known or {}
    answers = [known[c] if c in known else _condition_at(ctx, c, inp, value) for c in finding.conditions]
    if any(a is None for a in answers):
        return None
    return all(a == c.stated for a, c in zip(answers, finding.conditions))


def _condition_at(ctx: Context, condition: Condition, inp: Input, value: Fraction) -> bool | None:
    search, p = ctx.search, inp.party
    if ctx.discrete and inp.kind in ("reservation", "price"):
        answer = _exists_by_programme(ctx, condition, inp, value)
        if answer is not None:
            return answer
    waived = set(condition.waive)
    reservation = ctx.requirement("reservation", p)
    if inp.kind in ("reservation", "price") and reservation in waived:  # the number no longer counts
        return top(ctx, condition.edits)[0]
    optional = not ctx.scenario.party[p].veto
    present = (p, True) if optional else None
    if optional and top(ctx, condition.edits, present=(p, False))[0]:
        return True
    if inp.kind == "reservation":  # the reservation written as a row on the party's utility
        return top(ctx, condition.edits, waive=(reservation,), present=present, floor=(p, value))[0]
    if inp.kind == "price":
        assert inp.line is not None
        if top(ctx, condition.edits, present=present, line=(inp.line, False))[0]:
            return True  # acceptable with the line held: at any price
        # paid at the stated price whether broken or not, the reservation moved by the difference
        floor = (p, search.reservation(p) + value - inp.stated)
        return top(ctx, condition.edits, waive=(reservation,), present=present, line=(inp.line, True), floor=floor)[0]
    assert inp.kind == "threshold" and inp.line is not None and inp.issue is not None
    line = ctx.requirement("red_line", line=inp.line)
    if line in waived:
        return top(ctx, condition.edits)[0]
    atom, positive = threshold_atom(ctx, inp)
    at_least = inp.side == "at_least"
    if top(ctx, condition.edits, waive=(line,), present=present, variant=(inp.line, {atom: not positive}))[0]:
        return True
    if positive:  # the bound taken as true, with the amount within it: a plain row
        row = (inp.issue, 1 if at_least else -1, value)
        return top(ctx, condition.edits, waive=(line,), present=present, variant=(inp.line, {atom: True}), row=row)[0]
    _, extreme = top(ctx, condition.edits, waive=(line,), present=present, variant=(inp.line, {atom: False}),
                     amount=inp.issue, sense=-1 if at_least else 1)
    return extreme is not None and (extreme < value if at_least else extreme > value)


def _exists_by_programme(ctx: Context, condition: Condition, inp: Input, value: Fraction) -> bool | None:
    scenario, soft = _at(ctx, inp, value)
    if scenario is None:
        return None
    search = ctx.search
    try:
        found = programme_frontier(scenario, [scenario.party_ids[0]], waived=set(search.waived) | {r.waiver for r in condition.waive},
                            coalition=search.coalition, fixed={**search.fixed, **dict(condition.freeze)} or None,
                            deadline=ctx.deadline(), soft=soft)
    except NotApplicable:
        ctx.out_of_time()
        return None
    return len(found) > 0


def _at(ctx: Context, inp: Input, value: Fraction):  # type: ignore[no-untyped-def]
    """The scenario and the soft prices with the input at ``value`` (None when a file cannot hold the value)."""
    if inp.kind == "price":
        soft = stated_soft(ctx.scenario)
        soft[inp.line or 0] = value
        return ctx.scenario, soft
    if decimal(value) is None:
        return None, None
    if inp.kind == "reservation":
        scenario = ctx.variant(reservations={inp.party: value})
    else:
        scenario = ctx.variant(points={(inp.party, inp.issue or "", inp.option or ""): value})
    return scenario, stated_soft(scenario)


def _best_at(ctx: Context, finding: Finding, inp: Input, value: Fraction) -> bool | None:
    """Whether the finding's package is a best package with the input at ``value``: the programme's frontier
    there, each point's criterion value (the engine's), and the package's own value there."""
    scenario, soft = _at(ctx, inp, value)
    if scenario is None or finding.package is None or finding.criterion is None:
        return None
    search, parties = ctx.search, ctx.parties
    try:
        front = programme_frontier(scenario, None, waived=search.waived, coalition=search.coalition, fixed=search.fixed or None,
                            deadline=ctx.deadline(), soft=soft)
    except NotApplicable:
        ctx.out_of_time()
        return None
    reservations = {q: scenario.exact_reservation(q) for q in scenario.party_ids}
    choices = finding.package.exact_choices
    utilities = {q: scenario.exact_utility(q, choices) for q in scenario.party_ids}
    accepted = scenario.signers(choices, search.waived, search.coalition) is not None
    if inp.kind == "price":  # the variant keeps the stated price: move the package's utility, and its acceptance with it
        shift = (value - inp.stated) * sigma(ctx, inp, choices)
        utilities[inp.party] += shift
        world = World(reservations={inp.party: reservations[inp.party] - shift})
        accepted = scenario.signers(choices, search.waived, search.coalition, world) is not None
    if not accepted:
        return False
    # every criterion value on the frontier and the package's own, as the engine reads a frontier: integers over one
    # common denominator (ranking.ranking_values: each value times a factor common to all rows)
    ids = list(scenario.party_ids)
    common = math.lcm(*front.denominators, *(r.denominator for r in reservations.values()),
                      *(u.denominator for u in utilities.values()))
    table = np.array([[int(v) * (common // d) for v, d in zip(row, front.denominators)] for row in front.scaled.tolist()]
                     + [[int(utilities[q] * common) for q in ids]], dtype=object).reshape(len(front) + 1, len(ids))
    gains = table - np.array([int(reservations[q] * common) for q in ids], dtype=object)
    columns = [ids.index(q) for q in parties]
    values = ranking_values(finding.criterion, gains[:, columns].tolist(), table[:, columns].tolist())
    keys = [(v, t) for v, t in zip(values, table.sum(axis=1).tolist())]
    return keys[-1] >= max(keys)
