"""A what-if on the one model: the same scenario with other numbers, set in place and undone with the edit.

A *variant* of the model's scenario has the same parties (and vetoes), issues, options, points,
interactions and red lines, in the same order; what may differ is each party's reservation (and
its ``reservation_range``), each priced red line's price, and whether a line with a price and a
``real`` is hard or soft (priced: ``real`` removed).  ``Edit.variant`` (:mod:`.edits`) makes the
model answer for it without rebuilding anything, by the :class:`VariantPlan` worked out here:

* the scenario the search reads (exact checks, the programme, labels) becomes the variant;
* the mutable ``price[k]`` and ``reservation[p]`` parameters take its numbers; ``broken[k]`` is
  fixed at 0 for a hard line and freed for a soft one;
* a party's reservation row is a big-M row, ``gain >= low * switched_off`` with ``low`` the
  lowest gain the party can have: where the variant can go lower (a higher reservation or
  price), the row is replaced by one with the variant's ``low`` (the old one is deactivated);
* the floor under the criteria's gains is raised where a lower reservation lets a gain exceed it;
* each party's utility lattice (``unit``, which prices enter) and ranges are the variant's, and
  the numeric doubt is recomputed for it (``Search.doubt`` reads the scenario in force).

Everything is undone, in reverse order, when the edit ends.  The mathematics, with a worked example:
docs/what-if.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..scenario import Requirement, Scenario
from .model import BargainingModel, unit_of, utility_range_of


def structure_difference(base: Scenario, variant: Scenario) -> str | None:
    """What makes ``variant`` more than a change of numbers of ``base`` (None: only numbers differ)."""
    if [(p.id, p.veto, p.points_spread) for p in base.parties] != [(p.id, p.veto, p.points_spread) for p in variant.parties]:
        return "its parties (or their vetoes or points spreads) differ"
    if base.issues != variant.issues or base.interactions != variant.interactions:
        return "its issues or interactions differ"
    if any(base.points(p, i.id) != variant.points(p, i.id) for p in base.party_ids for i in base.issues):
        return "its points differ"
    if len(base.red_lines) != len(variant.red_lines):
        return "it has another number of red lines (waive a line instead of removing it)"
    for k, (a, b) in enumerate(zip(base.red_lines, variant.red_lines)):
        same = (a.party, a.forbid, a.require, a.if_, a.then, a.final_only) == (b.party, b.forbid, b.require, b.if_, b.then, b.final_only)
        if not same or (a.price is None) != (b.price is None):
            return f"red line {k} differs in more than its price and 'real'"
        if b.real is not None and a.real is None:
            return f"red line {k} is soft in the model and cannot be made uncertain"
    return None


@dataclass(frozen=True)
class VariantPlan:
    """What ``Edit.variant`` changes to make the model answer for a variant (see the module's docstring)."""

    #: priced red line -> its price; the priced lines soft in the variant (their ``broken`` freed)
    prices: dict[int, float]
    soft: frozenset[int]
    #: party -> its reservation
    reservations: dict[str, float]
    #: party -> the ``low`` of a reservation row replacing the model's (the variant can go lower)
    reservation_rows: dict[str, float]
    #: party -> its reservation's requirement index (the row's switch)
    own: dict[str, int]
    #: a higher upper bound for the floor under the criteria's gains (None: the model's does)
    floor: float | None
    #: the model's description in the variant: scenario, unit, world_range, utility_range, requirements
    described: dict[str, Any]

    @classmethod
    def of(cls, model: BargainingModel, variant: Scenario) -> VariantPlan:
        """The plan for ``variant``; a ValueError when it is more than a change of numbers of the model's scenario."""
        why = structure_difference(model.scenario, variant)
        if why is not None:
            raise ValueError(f"a variant changes only reservations and red-line prices; {why}")
        m = model.m
        prices = {k: float(variant.red_lines[k].price or 0.0) for k in m.price}
        soft = frozenset(k for k in m.price if variant.red_lines[k].soft)
        world_range = {p: utility_range_of(variant, p, variant.party[p].points_spread or 0.0) for p in variant.party_ids}
        own = {r.party: k for k, r in enumerate(model.requirements) if r.kind == "reservation"}
        rows: dict[str, float] = {}
        for party in variant.parties:
            highest = max([party.reservation, *(party.reservation_range or ())])
            low = world_range[party.id][0] - highest
            built = row_low(model, party.id) if party.id in model.reservation_rows else None
            if low < 0 and (built is None or low < built):
                rows[party.id] = low
        lowest = {p.id: min([p.reservation, *(p.reservation_range or ())]) for p in variant.parties}
        top = max([1.0] + [world_range[p][1] - lowest[p] for p in variant.party_ids])
        floor = top if m.floor.ub is not None and top > m.floor.ub else None
        described = {"unit": {p: unit_of(variant, p) for p in variant.party_ids}, "world_range": world_range,
                     "utility_range": {p: utility_range_of(variant, p) for p in variant.party_ids},
                     "requirements": [relabelled(r, variant) for r in model.requirements], "scenario": variant}
        return cls(prices, soft, {p.id: float(p.reservation) for p in variant.parties}, rows,
                   {p: own[p] for p in rows}, floor, described)


def row_low(model: BargainingModel, party: str) -> float:
    """The ``low`` the model was built with for the party's reservation row (see :func:`.model.build_model`)."""
    stated = model.scenario.party[party]
    highest = max([stated.reservation, *(stated.reservation_range or ())])
    return float(model.world_range[party][0] - highest)


def relabelled(requirement: Requirement, variant: Scenario) -> Requirement:
    """The requirement as the variant words it (a reservation's label carries its number)."""
    if requirement.kind == "reservation":
        party = variant.party[requirement.party]
        return Requirement("reservation", party.id, None, f"{party.possessive} reservation ({party.reservation:g})",
                           f"{party.label} waives its reservation ({party.reservation:g})")
    k = requirement.index or 0
    return Requirement("red_line", requirement.party, k, variant.describe_red_line(k), variant.describe_red_line(k, concession=True))
