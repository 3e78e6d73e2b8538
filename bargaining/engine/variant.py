"""A what-if on the one model: the same scenario with other numbers, set in place and undone with the edit.

A *variant* of the model's scenario has the same parties (and vetoes), issues, options, points,
interactions and red lines, in the same order; what may differ is each party's reservation (and
its ``reservation_range``), each priced red line's price, and whether a line with a price and a
``real`` is hard or soft (priced: ``real`` removed).  :func:`set_variant` (``Edit.variant``)
makes the model answer for it without rebuilding anything:

* the scenario the search reads (exact checks, the programme, labels) becomes the variant;
* the mutable ``price[k]`` and ``reservation[p]`` parameters take its numbers; ``broken[k]`` is
  fixed at 0 for a hard line and freed for a soft one;
* a party's reservation row is a big-M row, ``gain >= low * switched_off`` with ``low`` the
  lowest gain the party can have: where the variant can go lower (a higher reservation or
  price), the row is replaced by one with the variant's ``low`` (the old one is deactivated);
* the floor under the criteria's gains is raised where a lower reservation lets a gain exceed it;
* each party's utility lattice (``unit``, which prices enter) and ranges are the variant's, and
  the numeric doubt is recomputed for it.

Everything is undone, in reverse order, when the edit ends.  The mathematics, with a worked example:
docs/what-if.md.
"""

from __future__ import annotations

from typing import Any

from ..scenario import Requirement, Scenario
from .model import _unit, _utility_range

#: an :class:`~.search.Edit` (not imported: search imports this module)
Edit = Any


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


def set_variant(edit: Edit, variant: Scenario) -> None:
    """Make the search answer for ``variant`` until the edit ends (see the module's docstring)."""
    search = edit.search
    model, m = search.model, search.m
    if "variant" in model.extras:
        raise ValueError("a variant is already in force: end its edit first (variants do not nest)")
    why = structure_difference(model.scenario, variant)
    if why is not None:
        raise ValueError(f"a variant changes only reservations and red-line prices; {why}")
    for k in m.price:
        edit._set(m.price[k], float(variant.red_lines[k].price or 0.0))
        if variant.red_lines[k].soft:
            edit._unfix(m.broken[k])
        else:
            edit._fix(m.broken[k], 0)
    world_range = {p: _utility_range(variant, p, variant.party[p].points_spread or 0.0) for p in variant.party_ids}
    own = {r.party: k for k, r in enumerate(model.requirements) if r.kind == "reservation"}
    for party in variant.parties:
        edit._set(m.reservation[party.id], float(party.reservation))
        highest = max([party.reservation, *(party.reservation_range or ())])
        low = world_range[party.id][0] - highest
        row = model.reservation_rows.get(party.id)
        built = None if row is None else _row_low(model, party.id)
        if low < 0 and (built is None or low < built):
            if row is not None:
                row.deactivate()
                edit._undo.append(row.activate)
            edit.row(m.gain[party.id] >= low * model.switched_off(own[party.id]))
    lowest = {p.id: min([p.reservation, *(p.reservation_range or ())]) for p in variant.parties}
    top = max([1.0] + [world_range[p][1] - lowest[p] for p in variant.party_ids])
    if m.floor.ub is not None and top > m.floor.ub:
        previous_ub = m.floor.ub
        m.floor.setub(top)
        edit._undo.append(lambda: m.floor.setub(previous_ub))
    _swap(edit, model, "unit", {p: _unit(variant, p) for p in variant.party_ids})
    _swap(edit, model, "world_range", world_range)
    _swap(edit, model, "utility_range", {p: _utility_range(variant, p) for p in variant.party_ids})
    _swap(edit, model, "requirements", [_relabelled(r, variant) for r in model.requirements])
    _swap(edit, search, "_doubt", [])
    _swap(edit, model, "scenario", variant)
    model.extras["variant"] = variant
    edit._undo.append(lambda: model.extras.pop("variant", None))


def _row_low(model: object, party: str) -> float:
    """The ``low`` the model was built with for the party's reservation row (see :func:`build_model`)."""
    scenario = model.scenario  # type: ignore[attr-defined]
    stated = scenario.party[party]
    highest = max([stated.reservation, *(stated.reservation_range or ())])
    return float(model.world_range[party][0] - highest)  # type: ignore[attr-defined]


def _swap(edit: Edit, owner: object, name: str, value: object) -> None:
    previous = getattr(owner, name)
    setattr(owner, name, value)
    edit._undo.append(lambda: setattr(owner, name, previous))


def _relabelled(requirement: Requirement, variant: Scenario) -> Requirement:
    """The requirement as the variant words it (a reservation's label carries its number)."""
    if requirement.kind == "reservation":
        party = variant.party[requirement.party]
        return Requirement("reservation", party.id, None, f"{party.possessive} reservation ({party.reservation:g})",
                           f"{party.label} waives its reservation ({party.reservation:g})")
    k = requirement.index or 0
    return Requirement("red_line", requirement.party, k, variant.describe_red_line(k), variant.describe_red_line(k, concession=True))
