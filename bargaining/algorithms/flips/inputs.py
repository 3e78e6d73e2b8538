"""The numbers of a scenario that can flip a stated-world finding, each with the range it is moved over.

Kinds (docs/break-even.md, "Inputs and their ranges"):

* ``reservation`` of any party: over its ``reservation_range`` when the file gives one, else over
  the party's utility range (its lowest to its highest utility over all packages, red lines
  ignored): below the lowest the reservation rejects no package, above the highest every one.
* ``price`` of a red line with a price: over [0, twice the stated price].  A line with ``real`` is
  hard in the stated world, so its price cannot act there: listed, marked unused.
* ``threshold``: one end (``at_least`` or ``at_most``) of a bound on an amount in a red line,
  over the issue's range.  Analysed for one-sided bounds in hard lines; other bounds are listed
  with the reason they are not analysed.
* ``points`` of one party for one option: over [a - w, a + w], w the largest absolute point the
  party gives any option of that issue (1 if all are 0).  Only the options of the packages that
  compete for a criterion are taken (:func:`point_inputs`).

Every input enters the utilities linearly: one party's utility moves by (value - stated) x an
indicator (the package holds the option, breaks the line), or its reservation moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable, Literal, Sequence

from ...scenario import PER_UNIT, Bound, Scenario, exact

Kind = Literal["reservation", "price", "threshold", "points"]
KINDS: tuple[Kind, ...] = ("reservation", "price", "threshold", "points")


@dataclass(frozen=True)
class Input:
    """One number of the scenario, where it is, and the range it is moved over."""

    id: str
    kind: Kind
    label: str
    party: str
    stated: Fraction
    low: Fraction
    high: Fraction
    range_source: str
    line: int | None = None
    issue: str | None = None
    option: str | None = None
    #: for a threshold: the part of the red line ("forbid", "require", "if", "then") and the end moved
    part: str | None = None
    side: str | None = None
    #: why this number cannot act in the stated world or is not analysed ("" when it is analysed)
    unused: str = ""


def utility_bounds(scenario: Scenario, party: str) -> tuple[Fraction, Fraction]:
    """The party's lowest and highest utility over all packages (red lines ignored, soft prices counted), exactly."""
    low = high = Fraction(0)
    for issue in scenario.issues:
        points = scenario.exact_points(party, issue.id)
        if issue.is_continuous:
            rate = points.get(PER_UNIT, Fraction(0))
            ends = [rate * exact(x) for x in (issue.range or (0.0, 0.0))]
            low, high = low + min(ends), high + max(ends)
        else:
            values = [points.get(o, Fraction(0)) for o in issue.option_ids]
            low, high = low + min(values), high + max(values)
    for interaction in scenario.interactions:
        if interaction.party == party:
            low, high = low + min(Fraction(0), exact(interaction.value)), high + max(Fraction(0), exact(interaction.value))
    low -= sum((exact(r.price or 0) for r in scenario.red_lines if r.party == party and r.soft), Fraction(0))
    return low, high


def numeric_inputs(scenario: Scenario) -> list[Input]:
    """Every reservation, price and threshold of the scenario, in file order (reservations, then red lines)."""
    found: list[Input] = []
    for party in scenario.parties:
        stated = exact(party.reservation)
        if party.reservation_range is not None:
            low, high, source = exact(party.reservation_range[0]), exact(party.reservation_range[1]), "reservation_range"
        else:
            low, high = utility_bounds(scenario, party.id)
            source = "the party's utility range"
        found.append(Input(f"reservation:{party.id}", "reservation", f"{party.possessive} reservation", party.id, stated,
                           min(low, stated), max(high, stated), source))
    for k, red_line in enumerate(scenario.red_lines):
        name = scenario.describe_red_line(k)
        key = red_line.id or str(k)
        if red_line.price is not None:
            price = exact(red_line.price)
            unused = "" if red_line.soft else "the line has 'real', so it is hard in the stated world: its price acts only in sampled worlds"
            found.append(Input(f"price:{key}", "price", f"the price of breaking {name}", red_line.party, price,
                               Fraction(0), 2 * price, "0 to twice the price", line=k, unused=unused))
        found += _thresholds(scenario, k, key, name)
    return found


def _thresholds(scenario: Scenario, k: int, key: str, name: str) -> Iterable[Input]:
    red_line = scenario.red_lines[k]
    for part, condition in (("forbid", red_line.forbid), ("require", red_line.require), ("if", red_line.if_),
                            ("then", red_line.then)):
        for issue_id, want in (condition or {}).items():
            if not isinstance(want, Bound):
                continue
            issue = scenario.issue[issue_id]
            low, high = (exact(x) for x in issue.range or (0.0, 0.0))
            for side in ("at_least", "at_most"):
                value = getattr(want, side)
                if value is None:
                    continue
                unused = ""
                if want.at_least is not None and want.at_most is not None:
                    unused = "a bound with both ends is not analysed (only one-sided bounds are)"
                elif red_line.soft:
                    unused = "a threshold in a line with a price (soft) is not analysed (only hard lines are)"
                stated = exact(value)
                words = f"{issue.label} {side.replace('_', ' ')} {value:g}"
                yield Input(f"threshold:{key}:{part}:{issue_id}:{side}", "threshold", f"the threshold '{words}' in {name}",
                            red_line.party, stated, min(low, stated), max(high, stated), "the issue's range",
                            line=k, issue=issue_id, part=part, side=side, unused=unused)


def point_inputs(scenario: Scenario, options: Iterable[tuple[str, str]], parties: Sequence[str] | None = None) -> list[Input]:
    """Each party's points for each (issue, option) given (discrete issues), in scenario order."""
    wanted = set(options)
    found = []
    for party in parties or scenario.party_ids:
        for issue in scenario.discrete_issues:
            points = scenario.exact_points(party, issue.id)
            width = max([abs(v) for v in points.values()] + [Fraction(0)]) or Fraction(1)
            for option in issue.option_ids:
                if (issue.id, option) not in wanted:
                    continue
                stated = points.get(option, Fraction(0))
                label = f"{scenario.party[party].possessive} points for {issue.label}: {issue.choice_label(option)}"
                found.append(Input(f"points:{party}:{issue.id}:{option}", "points", label, party, stated, stated - width,
                                   stated + width, "the party's largest point on the issue, either way",
                                   issue=issue.id, option=option))
    return found
