"""When the solver's word cannot be trusted: utilities finer than HiGHS can tell apart on their scale.

Every package a result holds is checked exactly (:meth:`Scenario.signers`), so no solver
tolerance ever makes an unacceptable package look acceptable.  What exact checks cannot show
is a *better* package the solver missed, or a box it wrongly proved empty: HiGHS accepts a
binary within 1e-6 of 0 or 1 and a row within about 1e-7, so a party's utility as the solver
sees it may be off by about 1e-6 x the party's *scale* (the sum over issues of its largest
points in magnitude, per_unit x amount at the range's far end, its interactions, the prices
of its red lines and its reservation).  When two of the party's utilities can differ by less than :data:`SAFETY` times
that -- its *step* (the gcd of its points, interactions and reservation) is below
``RELATIVE x scale`` -- the solver may rank them wrongly, and no "optimal" is certified.

:func:`doubt` is the one test every algorithm uses: the bargaining solutions mark such a
package ``optimal=False`` (with the reason), and the mixed-integer frontier refuses with
:class:`NumericRangeError`.  Data within the loader's limits (:mod:`bargaining.scenario.magnitudes`)
with points written to a few significant digits never raises a doubt: integer points up to
10,000 per issue over ten issues have a step of 1 on a scale of 100,000 -- exactly the limit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable, Mapping, Sequence

from ..errors import NumericRangeError
from ..scenario import PER_UNIT, Scenario, exact, fraction_gcd

#: What :func:`doubt` reads of a scenario, as one hashable value.
NumbersKey = tuple[object, ...]

__all__ = ["Doubt", "NumericRangeError", "doubt", "kept_doubt", "numbers_key", "require_trust", "scale", "step"]

#: HiGHS's MIP feasibility tolerance (integrality of binaries, rows): how far a utility the
#: solver computes may be from the utility of the package it describes, per unit of scale.
TOLERANCE = 1e-6
#: A step must be this many times the solver's possible error for the order of two utilities to be trusted.
SAFETY = 10
#: Hence: a party's step must be at least this share of its scale.
RELATIVE = TOLERANCE * SAFETY


@dataclass(frozen=True)
class Doubt:
    """Why the solver's answer cannot be certified: the parties whose steps are too fine for their scale."""

    parties: tuple[str, ...]
    step: Fraction
    scale: float

    def __str__(self) -> str:
        who = ", ".join(self.parties)
        return (f"the utilities of {who} can differ by {float(self.step):.3g} on a scale of {self.scale:.3g}, finer than "
                f"the solver can tell apart (it needs steps of at least {RELATIVE:g} of the scale; its tolerance is "
                f"{TOLERANCE:g}); round the points to fewer significant digits, or give the parties points on similar scales")


def scale(scenario: Scenario, party: str) -> float:
    """The largest utility magnitude the solver may handle for the party (its error is about TOLERANCE x this)."""
    total = abs(scenario.party[party].reservation)
    for issue in scenario.issues:
        table = scenario.points(party, issue.id)
        if issue.is_continuous:
            low, high = issue.range or (0.0, 0.0)
            total += abs(table.get(PER_UNIT, 0.0)) * max(abs(low), abs(high))
        elif table:
            total += max(abs(v) for v in table.values())
    total += sum(abs(x.value) for x in scenario.interactions if x.party == party)
    total += sum(r.price for r in scenario.red_lines if r.party == party and r.price is not None)
    return total


#: Sums of points are enumerated up to this many distinct values; beyond that the gcd of the
#: numbers (a lower bound on every gap) stands in for the smallest gap.
MAX_SUMS = 20_000


def _terms(scenario: Scenario, party: str) -> list[set[Fraction]]:
    """What each part of the party's utility can add, apart from amounts: per discrete issue its points
    for each option; per interaction and per priced red line of the party, 0 or its value."""
    terms = [{exact(scenario.points(party, i.id).get(o, 0.0)) for o in i.option_ids} for i in scenario.discrete_issues]
    terms += [{Fraction(0), exact(x.value)} for x in scenario.interactions if x.party == party]
    terms += [{Fraction(0), -exact(r.price)} for r in scenario.red_lines if r.party == party and r.price is not None]
    return terms


def _sums(terms: Sequence[set[Fraction]]) -> set[Fraction] | None:
    """Every value the terms can add up to (a superset of the utilities packages reach), or None when too many.
    (Added as integers over a common denominator: Fractions would make this the slow part of a solve.)"""
    denominator = math.lcm(*(v.denominator for values in terms for v in values)) if terms else 1
    sums = {0}
    for values in terms:
        scaled = {int(v * denominator) for v in values}
        sums = {s + v for s in sums for v in scaled}
        if len(sums) > MAX_SUMS:
            return None
    return {Fraction(s, denominator) for s in sums}


def _gap(values: Iterable[Fraction], fallback: Sequence[Fraction]) -> Fraction | None:
    """The smallest difference between two different values (None: fewer than two); with no values
    (too many to list), the gcd of ``fallback``, which divides every difference."""
    ordered = sorted(set(values))
    if not ordered:
        return fraction_gcd(list(fallback))
    return min((b - a for a, b in zip(ordered, ordered[1:])), default=None)


def step(scenario: Scenario, party: str) -> Fraction | None:
    """The smallest difference between two different utilities the party's points can add up to (its
    interactions and prices included, amounts left out), or between one and its reservation: worked
    out exactly while there are at most MAX_SUMS such sums, else the gcd of its numbers (smaller or
    equal).  None when there is nothing to tell apart."""
    terms = _terms(scenario, party)
    reservation = exact(scenario.party[party].reservation)
    sums = _sums(terms)
    return _gap(set() if sums is None else sums | {reservation}, [v for t in terms for v in t] + [reservation])


def doubt(scenario: Scenario, parties: Sequence[str] | None = None, steps: Mapping[str, Fraction | None] | None = None,
          together: bool = True) -> Doubt | None:
    """Whether the solver may rank these parties' utilities wrongly (None: its word can be trusted).

    Each party on its own (its :func:`step` against its :func:`scale`) and, with ``together``, the
    parties together, as the criteria compare them: the smallest gap among all their gains (a
    minimum of gains is one of them) against the largest scale, and among the totals of their
    utilities (sums) against the sum of their scales.  ``steps`` overrides a party's step (the
    frontier's grid for a continuous party).
    """
    parties = list(scenario.party_ids if parties is None else parties)
    own = {p: steps[p] if steps is not None and p in steps else step(scenario, p) for p in parties}
    scales = {p: scale(scenario, p) for p in parties}
    finer = {p: gap for p in parties if (gap := own[p]) is not None and gap < RELATIVE * scales[p]}
    if finer:
        return Doubt(tuple(finer), min(finer.values()), max(scales[p] for p in finer))
    if not together or len(parties) < 2:
        return None
    terms = {p: _terms(scenario, p) for p in parties}
    reservations = {p: exact(scenario.party[p].reservation) for p in parties}
    numbers = [v for p in parties for t in terms[p] for v in t] + list(reservations.values())
    sums = {p: _sums(terms[p]) for p in parties}
    gains: set[Fraction] = set()
    if all(s is not None for s in sums.values()):
        gains = {Fraction(0)} | {v - reservations[p] for p in parties for v in sums[p] or ()}
    discrete = len(scenario.discrete_issues)
    totals = _sums([{sum((v for v in combo), Fraction(0)) for combo in _per_option(scenario, parties, k)} for k in range(discrete)]
                   + [t for p in parties for t in terms[p][discrete:]])
    for values, reach in ((gains, max(scales.values())), (totals or set(), sum(scales.values()))):
        gap = _gap(values, numbers)
        if gap is not None and gap < RELATIVE * reach:
            return Doubt(tuple(parties), gap, reach)
    return None


def numbers_key(scenario: Scenario) -> NumbersKey:
    """Everything :func:`doubt` reads of the scenario (its answer is the same for two scenarios with the same key):
    the issues' options and ranges, each party's reservation and points, the interactions' and prices' sizes."""
    issues = tuple((i.id, i.range, tuple(i.option_ids) if not i.is_continuous else None) for i in scenario.issues)
    points = tuple((p.id, p.reservation, tuple(tuple(sorted(scenario.points(p.id, i.id).items())) for i in scenario.issues))
                   for p in scenario.parties)
    return (issues, points, tuple((x.party, x.value) for x in scenario.interactions),
            tuple((r.party, r.price) for r in scenario.red_lines))


#: Answers of :func:`kept_doubt` kept per engine (one per set of numbers: the variants a page of ``bargaining explore`` visits).
DOUBTS_KEPT = 64


def kept_doubt(scenario: Scenario, kept: dict[NumbersKey, Doubt | None]) -> Doubt | None:
    """:func:`doubt` for the scenario, from ``kept`` when a scenario with the same numbers was asked about (a
    variant's scenario is a new object each time it is put in force); the oldest dropped beyond :data:`DOUBTS_KEPT`."""
    key = numbers_key(scenario)
    if key not in kept:
        if len(kept) >= DOUBTS_KEPT:
            kept.pop(next(iter(kept)))
        kept[key] = doubt(scenario)
    return kept[key]


def _per_option(scenario: Scenario, parties: Sequence[str], k: int) -> list[list[Fraction]]:
    """For the k-th discrete issue: each option's points, one per party (their total is what a sum of utilities adds)."""
    issue = scenario.discrete_issues[k]
    return [[exact(scenario.points(p, issue.id).get(o, 0.0)) for p in parties] for o in issue.option_ids]


def require_trust(scenario: Scenario, what: str, parties: Sequence[str] | None = None,
                  steps: Mapping[str, Fraction | None] | None = None, together: bool = True) -> None:
    """Raise :class:`NumericRangeError` (naming ``what``) when :func:`doubt` finds one."""
    found = doubt(scenario, parties, steps, together)
    if found is not None:
        raise NumericRangeError(f"{scenario.source}: {what} cannot be computed reliably: {found}")
