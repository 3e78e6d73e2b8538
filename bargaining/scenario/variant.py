"""A what-if of a scenario: red lines hard, priced or dropped; other reservations and probabilities; a fixed
coalition; issues frozen at their status quo.

A :class:`Variant` is a small set of changes, written against one scenario.  It gives

* :meth:`Variant.live` -- the scenario with the same structure (same red lines, in the same
  order) and other numbers: what the one model answers for in place
  (``BargainingSpace.what_if``), with :meth:`Variant.dropped` waived, :meth:`Variant.members`
  imposed and :attr:`Variant.frozen` held;
* :meth:`Variant.apply` -- the same variant as a scenario file of its own (validated like any
  file), which answers the same: a dropped line is removed; a frozen issue becomes a hard red
  line of the first veto party requiring its status quo; with a fixed coalition its optional
  members get a veto and every other optional party a red line that no package meets (so it
  never takes part); the description lists the changes (:meth:`Variant.changes`).

Red lines are named by their ``id``, or by their position in the file ("0", "1", ...) when
they have none.  A line's state: "hard"; "priced" (soft at its file price), or a price (soft at
that price; ``real`` no longer applies); "dropped".  Only a line with a price in the file can be
priced; a line that is soft in the file (a price and no ``real``) can be priced or dropped.
A party's ``reservation_range`` moves with its reservation (same width, same offset), and a red line's
``real_range`` with its ``real`` (the same, cut at 0 and 1).  See docs/what-if.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping

from .core import Scenario
from .schema import Party

HARD, PRICED, DROPPED = "hard", "priced", "dropped"


def line_key(scenario: Scenario, index: int) -> str:
    """How a variant names red line ``index``: its id, or its position."""
    return scenario.red_lines[index].id or str(index)


def line_index(scenario: Scenario, key: str | int) -> int:
    """The index of the red line a variant names ``key`` (ValueError if none)."""
    for k, red_line in enumerate(scenario.red_lines):
        if red_line.id == key or str(k) == str(key):
            return k
    raise ValueError(f"no red line {key!r} in {scenario.name!r}: name a line by its id or its position (0, 1, ...)")


def _number(value: Any, what: str, low: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{what}: expected a number, got {value!r}")
    if abs(value) > 1e9 or (value and abs(value) < 1e-6):
        raise ValueError(f"{what}: {value!r} is outside the supported magnitudes (0, or 1e-6 to 1e9)")
    if low is not None and value <= low:
        raise ValueError(f"{what}: {value!r} must be above {low:g}")
    return float(value)


@dataclass(frozen=True)
class Variant:
    """Changes to a scenario (see the module's docstring).  Empty: the scenario as written."""

    #: red line (id or position) -> "hard" | "priced" | "dropped" | a price (> 0)
    lines: Mapping[str, str | float] = field(default_factory=dict)
    #: party id -> reservation
    reservations: Mapping[str, float] = field(default_factory=dict)
    #: red line (id or position) -> the probability (0 < p <= 1) that it is real (uncertainty analyses)
    real: Mapping[str, float] = field(default_factory=dict)
    #: the optional parties taking part (with every veto party); None: each joins when a package suits it
    coalition: tuple[str, ...] | None = None
    #: issues held at their status quo
    frozen: tuple[str, ...] = ()

    # ---- reading it against a scenario
    def states(self, scenario: Scenario) -> dict[int, tuple[str, float | None]]:
        """red line index -> (state, price) for every line the variant changes, checked."""
        found: dict[int, tuple[str, float | None]] = {}
        for key, value in self.lines.items():
            k = line_index(scenario, key)
            red_line, where = scenario.red_lines[k], f"red line {key}"
            if value in (HARD, DROPPED):
                if value == HARD and red_line.soft:
                    raise ValueError(f"{where} is only a price in the file (price, no 'real'): price or drop it")
                found[k] = (str(value), None)
                continue
            price = red_line.price if value == PRICED else _number(value, f"{where}: price", 0)
            if red_line.price is None or price is None:
                raise ValueError(f"{where} has no price in the file: it can be hard or dropped")
            found[k] = (PRICED, float(price))
        return found

    def live(self, scenario: Scenario) -> Scenario:
        """The scenario with the variant's numbers and the same structure (for the one model)."""
        states = self.states(scenario)
        red_lines = list(scenario.red_lines)
        for k, (state, price) in states.items():
            if state == PRICED:
                red_lines[k] = red_lines[k].model_copy(update={"price": price, "real": None, "real_range": None})
            elif state == DROPPED and red_lines[k].soft:
                red_lines[k] = red_lines[k].model_copy(update={"price": 0.0})  # no switch to waive: it costs nothing
        for key, p in self.real.items():
            k = line_index(scenario, key)
            if scenario.red_lines[k].real is None:
                raise ValueError(f"red line {key} has no 'real' probability in the file")
            if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 < p <= 1:
                raise ValueError(f"red line {key}: real {p!r} must be a probability in (0, 1]")
            if red_lines[k].real is not None:
                red_lines[k] = red_lines[k].model_copy(update={"real": float(p), "real_range": _moved(red_lines[k], float(p))})
        parties = [self._party(p) for p in scenario.parties]
        for issue_id in self.frozen:
            issue = scenario.issue.get(issue_id)
            if issue is None or issue.status_quo_choice is None:
                raise ValueError(f"issue {issue_id!r} cannot be frozen: it is unknown or has no status quo")
        self.members(scenario)
        return scenario.replaced(parties=parties, red_lines=red_lines)

    def _party(self, party: Party) -> Party:
        if party.id not in self.reservations:
            return party
        value = _number(self.reservations[party.id], f"{party.id}: reservation")
        shift = value - party.reservation
        span = None if party.reservation_range is None else tuple(x + shift for x in party.reservation_range)
        return party.model_copy(update={"reservation": value, "reservation_range": span})

    def dropped(self, scenario: Scenario) -> list[int]:
        """The hard lines the variant drops (waived on the one model)."""
        return [k for k, (state, _) in self.states(scenario).items() if state == DROPPED and not scenario.red_lines[k].soft]

    def members(self, scenario: Scenario) -> frozenset[str] | None:
        """Every party taking part under a fixed coalition (None: as written)."""
        if self.coalition is None:
            return None
        optional = {p.id for p in scenario.parties if not p.veto}
        unknown = [p for p in self.coalition if p not in optional]
        if unknown:
            raise ValueError(f"not an optional party of {scenario.name!r}: {', '.join(map(repr, unknown))}")
        return frozenset(scenario.veto_party_ids) | frozenset(self.coalition)

    # ---- as a file
    def changes(self, scenario: Scenario) -> list[str]:
        """The changes in words, one line each (empty: none)."""
        said = []
        for k, (state, price) in sorted(self.states(scenario).items()):
            red_line = scenario.red_lines[k]
            was = f"priced at {red_line.price or 0:g}" if red_line.soft else "hard"
            now = f"priced at {price or 0:g}" if state == PRICED else state
            if now != was:
                said.append(f"{scenario.describe_red_line(k)}: {now} (the file: {was})")
        for key, p in self.real.items():
            k = line_index(scenario, key)
            if p != scenario.red_lines[k].real and self.states(scenario).get(k, (HARD,))[0] == HARD:
                moved, written = _moved(scenario.red_lines[k], float(p)), scenario.red_lines[k].real_range
                span = "" if moved is None or written is None else (
                    f"; its range [{moved[0]:g}, {moved[1]:g}] (the file: [{written[0]:g}, {written[1]:g}])")
                said.append(f"{scenario.describe_red_line(k)}: real with probability {p:g} (the file: {scenario.red_lines[k].real:g}){span}")
        for party, value in self.reservations.items():
            stated = scenario.party[party]
            if value != stated.reservation:
                said.append(f"{stated.possessive} reservation: {value:g} (the file: {stated.reservation:g})")
        for issue_id in self.frozen:
            issue = scenario.issue[issue_id]
            said.append(f"{issue.label} frozen at its status quo ({issue.choice_label(issue.status_quo_choice)})")
        if self.coalition is not None:
            joining = [scenario.party[p].label for p in scenario.party_ids if p in self.coalition]
            said.append("Who takes part: the veto parties" + (" and " + ", ".join(joining) if joining else " only"))
        return said

    def apply(self, scenario: Scenario) -> Scenario:
        """The variant as a scenario of its own (validated as a file is; see the module's docstring)."""
        live = self.live(scenario)
        data = live.to_dict()
        changes = self.changes(scenario)
        anchor = (scenario.veto_party_ids or scenario.party_ids)[0]
        red_lines: list[dict[str, Any]] = [line for k, line in enumerate(data.get("red_lines", []))
                                           if k not in self.states(scenario) or self.states(scenario)[k][0] != DROPPED]
        for issue_id in self.frozen:
            issue = scenario.issue[issue_id]
            held: Any = issue.status_quo_choice
            if issue.is_continuous:
                held = {"at_least": held, "at_most": held}
            red_lines.append({"party": anchor, "require": {issue_id: held},
                              "name": f"{issue.label} stays at its status quo (frozen in this variant)"})
        members = self.members(scenario)
        if members is not None:
            for party in data["parties"]:
                if party["id"] in members:
                    party.pop("veto", None)  # veto: true is the default
                else:
                    red_lines.append({"party": party["id"], "forbid": _everything(scenario),
                                      "name": "Takes no part (not in this variant's coalition)"})
        data["red_lines"] = red_lines
        if changes:
            data["name"] = f"{scenario.name} (variant)"
            note = "Variant written by bargaining explore. Changes from the file:\n" + "\n".join(f"- {c}" for c in changes)
            data["description"] = f"{scenario.description.rstrip()}\n\n{note}" if scenario.description else note
        return Scenario.from_dict(data, source=scenario.source)


def _everything(scenario: Scenario) -> dict[str, Any]:
    """A condition every package meets (a red line forbidding it can never hold)."""
    issue = scenario.issues[0]
    if issue.is_continuous:
        low, high = issue.range or (0.0, 0.0)
        return {issue.id: {"at_least": low, "at_most": high}}
    return {issue.id: list(issue.option_ids)}


__all__ = ["DROPPED", "HARD", "PRICED", "Variant", "line_index", "line_key"]


def _moved(red_line: Any, real: float) -> tuple[float, float] | None:
    """The line's ``real_range`` moved with its ``real`` (same offsets, cut at 0 and 1: it still holds ``real``)."""
    if red_line.real_range is None or red_line.real is None:
        return None
    shift = real - red_line.real
    low, high = red_line.real_range
    return max(0.0, round(low + shift, 12)), min(1.0, round(high + shift, 12))  # (no 0.7000000000000001 in a saved file)
