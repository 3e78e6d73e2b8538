"""Stability of a signed package: the deviations by a party or a coalition that pay.

In the spirit of GMCR's Nash stability (a party alone) and of its coalition analysis, restricted to
what each party delivers: a deviation is a coalition C of the package's signers (up to ``max_size``
members) and a nonempty set R of moved issues that C withholds, each one, where every member of C is
needed (for each member, some issue of R that the others alone would not withhold).  The deviation
state and its payoffs are those of :mod:`bargaining.scenario.holding`: R at the status quo, the rest
in place, snapbacks against C applied, credible threats carried out.  It pays when every member is
strictly better off than in the package.

No solver: every deviation is enumerated, all subsets of a coalition at once (numpy), in exact
arithmetic: every number involved (points, amounts x per_unit, interaction values, prices, threat costs,
the package's utilities) is an exact fraction, and all of them are scaled by their common denominator to
integers, so sums and comparisons are exact.  A coalition withholding more than :data:`MAX_ITEMS` issues
is not enumerated (the result then says it is incomplete).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from fractions import Fraction
from itertools import combinations
from typing import Any

import numpy as np

from ..results import Deviation, Package, Stability, number
from ..scenario import PER_UNIT, HoldingRules, Scenario, exact, holding_rules
from .holding import threat_checks

#: Subsets of at most 2**MAX_ITEMS issues are enumerated per coalition.
MAX_ITEMS = 18


def stability(scenario: Scenario, package: Package, max_size: int = 2, label: str = "",
              time_limit: float | None = None) -> Stability:
    """Every coalition of up to ``max_size`` signers with a deviation that pays, with its best one
    (``time_limit``: stop between coalitions; the result is then incomplete)."""
    started = time.perf_counter()
    stopped = False
    rules = holding_rules(scenario)
    final, signers = package.exact_choices, list(package.signers)
    moved = rules.moved(final)
    found: list[Deviation] = []
    skipped: list[str] = []
    checked = 0
    for size in range(1, max_size + 1):
        for coalition in combinations(signers, size):
            if time_limit is not None and time.perf_counter() - started > time_limit:
                stopped = True
                break
            items = rules.withholdable(final, coalition, signers)
            if not items:
                continue
            checked += 1
            if len(items) > MAX_ITEMS:
                skipped.append(" + ".join(coalition))
                continue
            deviation = _best_deviation(scenario, rules, final, package, coalition, items, signers, moved)
            if deviation is not None:
                found.append(deviation)
    found.sort(key=lambda d: (-min(d.exact_gains.values()), len(d.coalition), [signers.index(p) for p in d.coalition]))
    reason = f"every coalition of up to {max_size} of the {len(signers)} signers that withholds something ({checked})"
    if skipped:
        reason += f"; not enumerated (more than {MAX_ITEMS} issues to withhold): {', '.join(skipped)}"
    if stopped:
        reason += f"; stopped at the time limit ({number(time_limit or 0)} s) after {checked} coalitions"
    return Stability(scenario=scenario, package=package, max_size=max_size, deviations=tuple(found), coalitions=checked,
                     threats=threat_checks(scenario), label=label, complete=not skipped and not stopped, exact=True, method="evaluation",
                     reason=reason, seconds=time.perf_counter() - started)


def _best_deviation(scenario: Scenario, rules: HoldingRules, final: Mapping[str, Any], package: Package,
                    coalition: Sequence[str], items: list[str], signers: list[str], moved: list[str]) -> Deviation | None:
    k = len(items)
    codes = np.arange(1, 2 ** k, dtype=np.int64)
    out = ((codes[:, None] >> np.arange(k)) & 1).astype(bool)  # subsets x items: reneged
    if len(coalition) > 1:  # every member needed: some reneged issue the others alone would not withhold
        for q in coalition:
            others = [p for p in coalition if p != q]
            alone = np.array([rules.withheld(i, signers, others) for i in items])
            out = out[(out & ~alone).any(axis=1)]
    if not len(out):
        return None
    table = _Table(scenario, rules, final, moved, items, coalition)
    terms = {p: table.terms(p, out) for p in coalition}
    constants = {p: -package.exact_utilities[p] - rules.threat_cost(coalition, p) for p in coalition}
    numbers = [v for p in coalition for _, values in terms[p] for v in values] + list(constants.values())
    scale = math.lcm(*(v.denominator for v in numbers))
    largest = max((abs(v) for v in numbers), default=Fraction(0)) * scale * (len(numbers) + 1)
    dtype: Any = np.int64 if largest < 2**62 else object
    gains = np.zeros((len(out), len(coalition)), dtype=dtype)
    for j, p in enumerate(coalition):
        gains[:, j] += int(constants[p] * scale)
        for pick, values in terms[p]:
            column = np.array([int(v * scale) for v in values], dtype=dtype)
            gains[:, j] += column[pick]
    pays = (gains > 0).all(axis=1)
    if not pays.any():
        return None
    rows = np.flatnonzero(pays)
    smallest, total, size = gains[rows].min(axis=1), gains[rows].sum(axis=1), out[rows].sum(axis=1)
    # the largest smallest gain, then the largest total, then the fewest issues, then the first in the issues' order
    order = sorted(range(len(rows)), key=lambda r: (-smallest[r], -total[r], size[r], [-int(x) for x in out[rows[r]]]))
    chosen = int(rows[order[0]])
    reneged = tuple(items[j] for j in np.flatnonzero(out[chosen]))
    return Deviation(tuple(coalition), reneged, {p: Fraction(int(gains[chosen, j]), scale) for j, p in enumerate(coalition)},
                     int(pays.sum()))


class _Table:
    """The deviation states of a coalition, all subsets at once: each withheld issue at its status quo, the other
    moved issues in place (after the snapbacks against the coalition), the rest as in the package.  A party's
    utility there is a sum of terms, each (an index per subset, the exact values it indexes)."""

    def __init__(self, scenario: Scenario, rules: HoldingRules, final: Mapping[str, Any], moved: list[str], items: list[str],
                 coalition: Sequence[str]):
        self.scenario = scenario
        self.column = {i: j for j, i in enumerate(items)}
        self.placed = rules.state_after(final, moved, coalition)  # nothing withheld
        self.withheld = {i: scenario.issue[i].status_quo_choice for i in items}

    def _atom(self, issue_id: str, want: Any, out: np.ndarray) -> np.ndarray:
        """Per subset: whether the atom holds."""
        holds = self.scenario.holds({issue_id: want}, {issue_id: self.placed[issue_id]})
        if issue_id not in self.column:
            return np.full(len(out), holds)
        held = self.scenario.holds({issue_id: want}, {issue_id: self.withheld[issue_id]})
        return np.where(out[:, self.column[issue_id]], held, holds)

    def _condition(self, condition: Mapping[str, Any], out: np.ndarray) -> np.ndarray:
        mask = np.ones(len(out), dtype=bool)
        for issue_id, want in condition.items():
            mask &= self._atom(issue_id, want, out)
        return mask

    def _line(self, line: Any, out: np.ndarray) -> np.ndarray:
        if line.forbid is not None:
            return np.asarray(~self._condition(line.forbid, out))
        if line.require is not None:
            return self._condition(line.require, out)
        return np.asarray(~self._condition(line.if_, out) | self._condition(line.then, out))

    def terms(self, party: str, out: np.ndarray) -> list[tuple[np.ndarray, list[Fraction]]]:
        """The party's utility in each subset's state = the sum over terms of values[index]."""
        scenario, found = self.scenario, []
        zero = np.zeros(len(out), dtype=np.int64)
        for issue in scenario.issues:
            points = scenario.exact_points(party, issue.id)

            def value(choice: Any, points: dict[str, Fraction] = points, amount: bool = issue.is_continuous) -> Fraction:
                return points.get(PER_UNIT, Fraction(0)) * exact(choice) if amount else points.get(choice, Fraction(0))
            placed = value(self.placed[issue.id])
            if issue.id in self.column:
                found.append((out[:, self.column[issue.id]].astype(np.int64), [placed, value(self.withheld[issue.id])]))
            elif placed:
                found.append((zero, [placed]))
        for x in scenario.interactions:
            if x.party == party:
                found.append((self._condition(x.when, out).astype(np.int64), [Fraction(0), exact(x.value)]))
        for line in scenario.red_lines:
            if line.party == party and line.soft:
                found.append((self._line(line, out).astype(np.int64), [-exact(line.price or 0), Fraction(0)]))
        return found
