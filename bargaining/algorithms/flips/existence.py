"""Where an existence finding flips along one number: "a package is acceptable" (under some edits) as a
function of a reservation, a price or a threshold.

Each of these numbers moves the acceptable set one way only (docs/break-even.md, "Existence"), so the
answer is true on one side of one value and false on the other, and that value is a maximum the
engine computes exactly:

* a reservation r of party p: open iff r <= M, M = p's largest utility with its reservation waived
  (a non-veto party: open anyway if a package is acceptable without it; else M with it taking part);
* a price c of p's soft line: open iff M_hold >= r_p or M_free - c >= r_p, M_hold the largest utility
  with the line held, M_free the largest utility before the price with it paid;
* a threshold t of a bound ``amount >= t`` (or ``<= t``) in a hard line: the line with that bound
  taken as true (LT) or false (LF); in a requirement (or the ``then`` of an if) open iff LF admits a
  package or t <= the largest amount LT admits; in a ``forbid`` (or the ``if``) open iff LT admits a
  package or t > the smallest amount LF admits (mirrored for ``at_most``).

:func:`top` asks the exact programme where it applies (discrete scenarios) and the model otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ...errors import TimeLimitReached
from ...scenario import Bound, exact
from ..programme import NotApplicable
from ..programme import frontier as programme_frontier
from ..programme.tables import stated_soft
from .context import Context, Edits
from .inputs import Input, utility_bounds


@dataclass(frozen=True)
class Answer:
    """A yes/no answer along one number: ``constant``, or true on one side of ``at`` (``includes``: the
    answer at ``at`` itself is the true side's)."""

    constant: bool | None = None
    at: Fraction | None = None
    true_below: bool = True
    includes: bool = True
    #: for a constant known without asking the engine: the argument (the number's requirement is waived, or a
    #: conflict that does not contain it keeps the space closed)
    argument: str = ""

    def __call__(self, x: Fraction) -> bool:
        if self.constant is not None or self.at is None:
            return bool(self.constant)
        if x == self.at:
            return self.includes
        return (x < self.at) == self.true_below

    def beyond(self, x: Fraction, direction: int) -> bool:
        """The answer just past ``x`` in ``direction`` (+1 up, -1 down)."""
        if self.constant is not None or self.at is None:
            return bool(self.constant)
        if x == self.at:
            return self.true_below == (direction < 0)
        return self(x)


def first_flip(answers: list[tuple[Answer, bool]], start: Fraction, direction: int, end: Fraction) -> tuple[Fraction, bool] | None:
    """The first value from ``start`` towards ``end`` where some answer differs from the stated one given with
    it: (value, whether the finding still holds at the value itself), or None within the range."""
    def holds(x: Fraction) -> bool:
        return all(a(x) == s for a, s in answers)

    def holds_beyond(x: Fraction) -> bool:
        return all(a.beyond(x, direction) == s for a, s in answers)

    points = sorted({a.at for a, _ in answers if a.at is not None and a.constant is None
                     and 0 <= (a.at - start) * direction <= (end - start) * direction} | {start},
                    key=lambda x: (x - start) * direction)
    for x in points:
        if not holds(x):
            return x, False
        if x != end and not holds_beyond(x):
            return x, True
    return None


def top(ctx: Context, edits: Edits, *, party: str | None = None, amount: str | None = None, sense: int = 1,
        waive: tuple[Any, ...] = (), present: tuple[str, bool] | None = None, line: tuple[int, bool] | None = None,
        variant: tuple[int, dict[tuple[str, Any], bool]] | None = None,
        row: tuple[str, int, Fraction] | None = None, floor: tuple[str, Fraction] | None = None) -> tuple[bool, Fraction | None]:
    """With ``edits`` and these changes made: is a package acceptable, and the largest value of the objective
    (``party``'s utility -- before the price of ``line`` when it is paid --, ``sense`` x an ``amount``, or none).

    ``present``: a non-veto party made to take part or stay out; ``line``: (index, paid) a priced line held
    (False) or paid for (True); ``variant``: (index, atoms) the line's rows with atoms as constants (the line
    itself waived by the caller); ``row``: (issue, +1 for >= / -1 for <=, value) a bound on an amount;
    ``floor``: (party, value) the party's utility, as the model counts it, at least ``value`` (a reservation
    written as a row, the party's own reservation waived by the caller).  A package that meets a row or a
    floor only within the solver's tolerance, not exactly, counts as none."""
    search = ctx.search
    waived, frozen = edits
    with search.changes() as edit:
        edit.waive(list(waived) + list(waive))
        for issue_id, choice in frozen:
            edit.freeze(issue_id, choice)
        if ctx.discrete and amount is None and variant is None and row is None and floor is None:
            answer = _by_programme(ctx, party, present, line)
            if answer is not None:
                ctx.methods.add("dp")
                return answer
        ctx.methods.add("mip")
        if present is not None and not ctx.scenario.party[present[0]].veto:
            edit.attend(*present)
        if line is not None:
            edit.line_broken(*line)
        if variant is not None and not edit.red_line_variant(*variant):
            return False, None
        if row is not None:
            edit.row(search.amount(row[0]) >= float(row[2]) if row[1] > 0 else search.amount(row[0]) <= float(row[2]))
        if floor is not None:
            edit.row(search.utility(floor[0]) >= float(floor[1]))
        # with a floor or a row and nothing to maximise, push away from it: the solver then stops at a vertex
        # that its amounts, read back exactly, still meet (on the row itself they may miss it by a rounding)
        if party is None and amount is None and floor is not None:
            party = floor[0]
        if party is None and amount is None and row is not None:
            amount, sense = row[0], row[1]
        if party is not None:
            outcome, package = search.maximize(search.utility(party), search.granularity([party]))
        elif amount is not None:
            outcome, package = search.maximize(sense * search.amount(amount))
        else:
            outcome, package = search.maximize(0)
    ctx.progress()
    if outcome.status == "time_limit" and (package is None or party is not None or amount is not None):
        raise TimeLimitReached("the time limit was reached")  # a largest value the solver did not prove is no flip value
    if package is None:
        return False, None
    if row is not None and (package.exact_choices[row[0]] - row[2]) * row[1] < 0:  # type: ignore[operator]
        return False, None  # within the solver's tolerance only: not a package that meets the bound exactly
    if floor is not None and _as_modelled(ctx, package, floor[0], line) < floor[1]:
        return False, None
    if party is not None:  # before the price of a paid line: what the model counts, plus the price
        price = ctx.scenario.red_lines[line[0]].price if line is not None and line[1] else 0
        return True, _as_modelled(ctx, package, party, line) + exact(price or 0)
    if amount is not None:
        return True, Fraction(package.exact_choices[amount])
    return True, None


def _as_modelled(ctx: Context, package: Any, party: str, line: tuple[int, bool] | None) -> Fraction:
    """The party's exact utility as the model counts it: with a paid line, its price is paid whether broken or not."""
    value = package.exact_utilities[party]
    if line is not None and line[1] and ctx.scenario.red_lines[line[0]].party == party \
            and ctx.scenario.red_line_holds(ctx.scenario.red_lines[line[0]], package.exact_choices):
        value -= exact(ctx.scenario.red_lines[line[0]].price or 0)
    return Fraction(value)


def _by_programme(ctx: Context, party: str | None, present: tuple[str, bool] | None,
                  line: tuple[int, bool] | None) -> tuple[bool, Fraction | None] | None:
    """:func:`top` on the exact programme (None: it does not apply here)."""
    search, scenario = ctx.search, ctx.scenario
    veto = reservations = None
    if present is not None and not scenario.party[present[0]].veto:
        if present[1]:
            veto = present[0]
        else:
            reservations = {present[0]: Fraction(int(utility_bounds(scenario, present[0])[1]) + 1)}
    variant = ctx.variant(veto=veto, reservations=reservations)
    soft = stated_soft(variant)
    if line is not None:
        if line[1]:
            soft[line[0]] = 0
        else:
            soft.pop(line[0], None)
    objective = party or scenario.party_ids[0]
    waived = set(search.waived)
    if reservations is not None:  # staying out is its reservation above every utility: not waived
        waived.discard(("reservation", present[0]))  # type: ignore[index]
    try:
        found = programme_frontier(variant, [objective], waived=waived, coalition=search.coalition,
                            fixed=search.fixed or None, deadline=ctx.deadline(), soft=soft)
    except NotApplicable:
        ctx.out_of_time()
        return None
    ctx.progress()
    if not len(found):
        return False, None
    return True, (found.utilities[0][objective] if party is not None else None)


# --------------------------------------------------------------------------- one condition along one input


def answer(ctx: Context, edits: Edits, stated: bool, inp: Input) -> Answer:
    """The condition "some package is acceptable under ``edits``" as a function of the input's value."""
    scenario, p = ctx.scenario, inp.party
    known = argument(ctx, edits, stated, inp)
    if known is not None:
        return known
    reservation = ctx.requirement("reservation", p)
    optional = not scenario.party[p].veto
    if optional and top(ctx, edits, present=(p, False))[0]:
        return Answer(constant=True)  # acceptable without the party: nothing of its own can close it
    present = (p, True) if optional else None
    if inp.kind == "reservation":
        _, most = top(ctx, edits, party=p, waive=(reservation,), present=present)
        return Answer(constant=False) if most is None else Answer(at=most)
    if inp.kind == "price":
        assert inp.line is not None
        r = ctx.search.reservation(p)
        _, held = top(ctx, edits, party=p, waive=(reservation,), present=present, line=(inp.line, False))
        if held is not None and held >= r:
            return Answer(constant=True)
        _, free = top(ctx, edits, party=p, waive=(reservation,), present=present, line=(inp.line, True))
        return Answer(constant=False) if free is None else Answer(at=free - r)
    return _threshold(ctx, edits, inp, present)


def touches(ctx: Context, inp: Input) -> tuple[object, ...]:
    """The requirements the number is part of: its party's reservation (a reservation, a price, a point moves
    the party's utility or reservation), or its red line (a threshold)."""
    if inp.kind == "threshold":
        return (ctx.requirement("red_line", line=inp.line),)
    return (ctx.requirement("reservation", inp.party),)


def argument(ctx: Context, edits: Edits, stated: bool, inp: Input) -> Answer | None:
    """The answer without asking the engine, where an argument settles it: the number's requirement is waived
    (the number no longer counts), or the space is closed by a conflict that binds under these edits and
    does not contain the number (nothing outside a conflict can resolve it).  None: no such argument."""
    waived = set(edits[0])
    own = touches(ctx, inp)
    if any(r in waived for r in own):
        return Answer(constant=stated, argument="its requirement is waived under this finding")
    if not stated and ctx.conflict and not waived & set(ctx.conflict) and not set(own) & set(ctx.conflict):
        return Answer(constant=False, argument="it is not in the conflict that keeps the space closed here")
    return None


def threshold_atom(ctx: Context, inp: Input) -> tuple[tuple[str, Any], bool]:
    """The moved atom as (issue, want), and whether the line holds more when it is true (require, then)."""
    red_line = ctx.scenario.red_lines[inp.line or 0]
    condition = {"forbid": red_line.forbid, "require": red_line.require, "if": red_line.if_, "then": red_line.then}[inp.part or ""]
    want = (condition or {})[inp.issue or ""]
    assert isinstance(want, Bound)
    return (inp.issue or "", want), inp.part in ("require", "then")


def _threshold(ctx: Context, edits: Edits, inp: Input, present: tuple[str, bool] | None) -> Answer:
    assert inp.line is not None and inp.issue is not None
    atom, positive = threshold_atom(ctx, inp)
    line = ctx.requirement("red_line", line=inp.line)
    at_least = inp.side == "at_least"
    # the side of the atom that never closes the line: false for a requirement, true for a forbid
    if top(ctx, edits, waive=(line,), present=present, variant=(inp.line, {atom: not positive}))[0]:
        return Answer(constant=True)
    # the other side, with the extreme amount it admits: the largest for "amount >= t" taken as true, ...
    sense = 1 if at_least == positive else -1
    _, extreme = top(ctx, edits, waive=(line,), present=present, variant=(inp.line, {atom: positive}),
                     amount=inp.issue, sense=sense)
    if extreme is None:
        return Answer(constant=False)
    if positive:  # open while the bound admits the extreme amount: t <= max (at_least), t >= min (at_most)
        return Answer(at=extreme, true_below=at_least, includes=True)
    return Answer(at=extreme, true_below=not at_least, includes=False)  # open while the extreme is outside: t > min, t < max
