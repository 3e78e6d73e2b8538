"""When the solver's word cannot be trusted: utilities finer than HiGHS can tell apart on their scale.

Every package a result holds is checked exactly (:meth:`Scenario.signers`), so no solver
tolerance ever makes an unacceptable package look acceptable.  What exact checks cannot show
is a *better* package the solver missed, or a box it wrongly proved empty: HiGHS accepts a
binary within 1e-6 of 0 or 1 and a row within about 1e-7, so a party's utility as the solver
sees it may be off by about 1e-6 x the party's *scale* (the sum over issues of its largest
points in magnitude, per_unit x amount at the range's far end, its interactions and its
reservation).  When two of the party's utilities can differ by less than :data:`SAFETY` times
that -- its *step* (the gcd of its points, interactions and reservation) is below
``RELATIVE x scale`` -- the solver may rank them wrongly, and no "optimal" is certified.

:func:`doubt` is the one test every algorithm uses: the bargaining solutions mark such a
package ``optimal=False`` (with the reason), and the mixed-integer frontier refuses with
:class:`NumericRangeError`.  Data within the loader's limits (:mod:`bargaining.scenario.magnitudes`)
with points written to a few significant digits never raises a doubt: integer points up to
10,000 per issue over ten issues have a step of 1 on a scale of 100,000 -- exactly the limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping, Sequence

from ..errors import NumericRangeError
from ..scenario import PER_UNIT, Scenario, exact, fraction_gcd

__all__ = ["Doubt", "NumericRangeError", "doubt", "require_trust", "scale", "step"]

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
    return total


def step(scenario: Scenario, party: str) -> Fraction | None:
    """The smallest difference two of the party's gains can have apart from amounts: the gcd of its
    points, interaction values and reservation (None when all are 0)."""
    values = [exact(v) for issue in scenario.discrete_issues for v in scenario.points(party, issue.id).values()]
    values += [exact(x.value) for x in scenario.interactions if x.party == party]
    values.append(exact(scenario.party[party].reservation))
    return fraction_gcd(values)


def doubt(scenario: Scenario, parties: Sequence[str] | None = None, steps: Mapping[str, Fraction | None] | None = None,
          together: bool = True) -> Doubt | None:
    """Whether the solver may rank these parties' utilities wrongly (None: its word can be trusted).

    Each party on its own (its step against its scale) and, with ``together``, the parties
    together (the gcd of their steps against the sum of their scales: the criteria compare sums
    and minimums of different parties' utilities).  ``steps`` overrides a party's step (the
    frontier's lattice or grid, each party's utility divided by its own step).
    """
    parties = list(scenario.party_ids if parties is None else parties)
    own = {p: steps[p] if steps is not None and p in steps else step(scenario, p) for p in parties}
    scales = {p: scale(scenario, p) for p in parties}
    fine = tuple(p for p in parties if own[p] is not None and own[p] < RELATIVE * scales[p])
    if fine:
        return Doubt(fine, min(own[p] for p in fine if own[p] is not None), max(scales[p] for p in fine))
    common = fraction_gcd([s for s in own.values() if s is not None])
    total = sum(scales.values())
    if together and common is not None and common < RELATIVE * total:
        return Doubt(tuple(parties), common, total)
    return None


def require_trust(scenario: Scenario, what: str, parties: Sequence[str] | None = None,
                  steps: Mapping[str, Fraction | None] | None = None, together: bool = True) -> None:
    """Raise :class:`NumericRangeError` (naming ``what``) when :func:`doubt` finds one."""
    found = doubt(scenario, parties, steps, together)
    if found is not None:
        raise NumericRangeError(f"{scenario.source}: {what} cannot be computed reliably: {found}")
