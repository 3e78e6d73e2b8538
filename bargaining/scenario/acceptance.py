"""Many packages in many worlds at once: who accepts, whether the package is acceptable, what blocks it.

The same rules as :meth:`Scenario.signers` in a world (read in their compiled form,
:mod:`.rules`), vectorised over the worlds with numpy.
Utilities are summed in floating point and compared with reservations; wherever the margin
is within 1e-9 of the sizes involved (where rounding could matter) the comparison is made
again exactly, with :meth:`Scenario.utility` in Fractions.  So every verdict is exact.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np

from .schema import PER_UNIT
from .worlds import Worlds

if TYPE_CHECKING:  # pragma: no cover
    from .core import Scenario

#: Relative margin under which a reservation comparison is redone in exact arithmetic.
RECHECK = 1e-9


@dataclass(frozen=True)
class Verdicts:
    """Packages x worlds: ``accepted`` (the package is acceptable), ``accepts`` (packages x worlds x
    parties: the party's reservation and hard red lines hold), ``blockers`` (per package: the
    requirement's label -> the number of worlds in which it fails while the package is not acceptable)."""

    accepted: np.ndarray
    accepts: np.ndarray
    blockers: list[Counter[str]]

    def wins(self) -> np.ndarray:
        """Per package: the number of worlds in which it is acceptable."""
        counts: np.ndarray = self.accepted.sum(axis=1)
        return counts


def _status(scenario: "Scenario", worlds: Worlds) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per red line: (hard, soft) as boolean arrays over the worlds."""
    column = {k: j for j, k in enumerate(worlds.lines)}
    n = len(worlds)
    found = []
    for k, red_line in enumerate(scenario.red_lines):
        if k in column:
            real = worlds.real[:, column[k]]
            found.append((real, ~real if red_line.price is not None else np.zeros(n, dtype=bool)))
        else:
            found.append((np.full(n, not red_line.soft), np.full(n, red_line.soft)))
    return found


def verdicts(scenario: "Scenario", packages: Sequence[Mapping[str, Any]], worlds: Worlds) -> Verdicts:
    """Evaluate every package (a mapping issue id -> choice) in every world."""
    n, parties = len(worlds), scenario.party_ids
    status = _status(scenario, worlds)
    slot = {s: k for k, s in enumerate(worlds.slots)}
    spread = {p: j for j, p in enumerate(worlds.spread)}
    ranged = {p: j for j, p in enumerate(worlds.ranged)}
    labels = {r.index if r.kind == "red_line" else r.party: r.label for r in scenario.requirements}
    accepted = np.zeros((len(packages), n), dtype=bool)
    accepts = np.zeros((len(packages), n, len(parties)), dtype=bool)
    blockers: list[Counter[str]] = []
    for x, choices in enumerate(packages):
        line_holds = [rule.holds(choices) for rule in scenario.rules.lines]
        reasons: list[tuple[str, np.ndarray]] = []
        for q, party in enumerate(parties):
            utility, size = np.zeros(n), np.zeros(n)
            for issue in scenario.issues:
                option = PER_UNIT if issue.is_continuous else choices[issue.id]
                point = float(scenario.points(party, issue.id).get(option, 0.0))
                if issue.is_continuous:
                    point *= float(choices[issue.id])
                term = point * worlds.factors[:, spread[party], slot[(issue.id, option)]] if party in spread else point
                utility, size = utility + term, size + np.abs(term)
            for interaction in scenario.rules.terms:
                if interaction.party == party and interaction.when.holds(choices):
                    utility, size = utility + interaction.value, size + abs(interaction.value)
            lines_ok = np.ones(n, dtype=bool)
            for k, red_line in enumerate(scenario.red_lines):
                if red_line.party != party or line_holds[k]:
                    continue
                hard, soft = status[k]
                utility, size = utility - soft * (red_line.price or 0.0), size + soft * (red_line.price or 0.0)
                lines_ok &= ~hard
                if scenario.party[party].veto:
                    reasons.append((labels.get(k, scenario.describe_red_line(k)), hard))
            reservation = worlds.reservations[:, ranged[party]] if party in ranged else np.full(n, scenario.party[party].reservation)
            margin = utility - reservation
            close = np.abs(margin) <= RECHECK * (1 + size + np.abs(reservation))
            reservation_ok = margin >= 0
            for w in np.flatnonzero(close):
                world = worlds[int(w)]
                reservation_ok[w] = scenario.exact_utility(party, choices, world) >= scenario.exact_reservation(party, world)
            if scenario.party[party].veto:
                reasons.append((labels[party], ~reservation_ok))
            accepts[x, :, q] = reservation_ok & lines_ok
        ok = accepts[x][:, [parties.index(p) for p in scenario.veto_party_ids]].all(axis=1)
        for control in scenario.rules.controls:
            if control.moved(choices):
                present = accepts[x][:, [parties.index(c) for c in control.members]].sum(axis=1)
                short = present < control.need
                reasons.append((f"{scenario.issue[control.issue].label}: too few of its controlling parties take part", short))
                ok &= ~short
        accepted[x] = ok
        counts: Counter[str] = Counter()
        for label, failing in reasons:
            worlds_blocked = int((failing & ~ok).sum())
            if worlds_blocked:
                counts[label] += worlds_blocked
        blockers.append(counts)
    return Verdicts(accepted, accepts, blockers)
