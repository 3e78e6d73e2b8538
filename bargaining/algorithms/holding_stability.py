"""Stability of a signed package: the deviations by a party or a coalition that pay.

In the spirit of GMCR's Nash stability (a party alone) and of its coalition analysis, restricted to
what each party delivers: a deviation is a coalition C of the package's signers (up to ``max_size``
members) and a nonempty set R of moved issues that C withholds, each one, where every member of C is
needed (for each member, some issue of R that the others alone would not withhold).  The deviation
state and its payoffs are those of :mod:`bargaining.scenario.holding`: R at the status quo, the rest
in place, snapbacks against C applied, credible threats carried out.  It pays when every member is
strictly better off than in the package.

No solver: every deviation is enumerated.  Utilities are summed in floating point over all subsets at
once (numpy); every comparison within 1e-9 of the sizes involved is made again exactly with the
scenario's rules, so every verdict is exact.  A coalition withholding more than :data:`MAX_ITEMS`
issues is not enumerated (the result then says it is incomplete).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from fractions import Fraction
from itertools import combinations
from typing import Any

import numpy as np

from ..results import Deviation, Package, Stability
from ..scenario import PER_UNIT, HoldingRules, Scenario, holding_rules
from .holding import threat_checks

#: Subsets of at most 2**MAX_ITEMS issues are enumerated per coalition.
MAX_ITEMS = 18
#: Relative margin under which a comparison is redone exactly.
RECHECK = 1e-9


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
    found.sort(key=lambda d: (-min(d.gains.values()), len(d.coalition), [signers.index(p) for p in d.coalition]))
    reason = f"every coalition of up to {max_size} of the {len(signers)} signers that withholds something ({checked})"
    if skipped:
        reason += f"; not enumerated (more than {MAX_ITEMS} issues to withhold): {', '.join(skipped)}"
    if stopped:
        reason += f"; stopped at the time limit ({time_limit:g} s) after {checked} coalitions"
    return Stability(scenario=scenario, package=package, max_size=max_size, deviations=tuple(found), coalitions=checked,
                     threats=threat_checks(scenario), label=label, complete=not skipped and not stopped, exact=True, method="enumeration",
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
    gains = np.stack([table.utility(p, out) - float(package.exact_utilities[p]) - float(rules.threat_cost(coalition, p))
                      for p in coalition], axis=1)
    size = np.stack([table.size(p, out) + abs(float(package.exact_utilities[p])) for p in coalition], axis=1)
    close = np.abs(gains) <= RECHECK * (1 + size)

    def exact_gains(row: int) -> dict[str, Fraction]:
        return rules.deviation_gains(final, [items[j] for j in np.flatnonzero(out[row])], coalition)

    pays: np.ndarray = np.asarray((gains > 0).all(axis=1) & ~close.any(axis=1), dtype=bool)
    for unsure in np.flatnonzero(close.any(axis=1) & (gains > -RECHECK * (1 + size)).all(axis=1)):
        pays[unsure] = all(g > 0 for g in exact_gains(int(unsure)).values())
    if not pays.any():
        return None
    smallest = np.where(pays, gains.min(axis=1), -np.inf)
    top = smallest.max()
    near = np.flatnonzero(pays & (smallest >= top - RECHECK * (1 + size.max(axis=1)) * 4))
    ranked = []
    for candidate in near:
        g = exact_gains(int(candidate))
        key = (min(g.values()), sum(g.values()), -int(out[candidate].sum()), [-int(j) for j in np.flatnonzero(out[candidate])])
        ranked.append((key, int(candidate), g))
    _, chosen, best = max(ranked, key=lambda x: x[0])
    reneged = tuple(items[j] for j in np.flatnonzero(out[chosen]))
    return Deviation(tuple(coalition), reneged, best, int(pays.sum()))


class _Table:
    """Utilities of the deviation states in floating point, all subsets at once: each withheld issue at its status
    quo, the other moved issues in place (after the snapbacks against the coalition), the rest as in the package."""

    def __init__(self, scenario: Scenario, rules: HoldingRules, final: Mapping[str, Any], moved: list[str], items: list[str],
                 coalition: Sequence[str]):
        self.scenario = scenario
        self.column = {i: j for j, i in enumerate(items)}
        self.placed = rules.state_after(final, moved, coalition)  # nothing withheld
        self.withheld = {i: scenario.issue[i].status_quo_choice for i in items}

    def _choice(self, issue_id: str, out: np.ndarray) -> tuple[Any, Any, np.ndarray | None]:
        """(choice in place, choice withheld, the column of ``out`` saying which) for one issue."""
        if issue_id in self.column:
            return self.placed[issue_id], self.withheld[issue_id], out[:, self.column[issue_id]]
        return self.placed[issue_id], None, None

    def _atom(self, issue_id: str, want: Any, out: np.ndarray) -> np.ndarray:
        placed, held, column = self._choice(issue_id, out)
        ok = self.scenario.holds({issue_id: want}, {issue_id: placed})
        if column is None:
            return np.full(len(out), ok)
        return np.where(column, self.scenario.holds({issue_id: want}, {issue_id: held}), ok)

    def _condition(self, condition: Mapping[str, Any], out: np.ndarray) -> np.ndarray:
        mask = np.ones(len(out), dtype=bool)
        for issue_id, want in condition.items():
            mask &= self._atom(issue_id, want, out)
        return mask

    def _terms(self, party: str, out: np.ndarray) -> list[np.ndarray]:
        scenario, terms = self.scenario, []
        for issue in scenario.issues:
            points = scenario.exact_points(party, issue.id)

            def value(choice: Any, points: dict[str, Fraction] = points, amount: bool = issue.is_continuous) -> float:
                return float(points.get(PER_UNIT, 0) * choice) if amount else float(points.get(choice, 0))
            placed, held, column = self._choice(issue.id, out)
            terms.append(np.full(len(out), value(placed)) if column is None else np.where(column, value(held), value(placed)))
        for x in scenario.interactions:
            if x.party == party:
                terms.append(self._condition(x.when, out) * float(x.value))
        for line in scenario.red_lines:
            if line.party == party and line.soft:
                holds = self._line(line, out)
                terms.append(~holds * -float(line.price or 0))
        return terms

    def _line(self, line: Any, out: np.ndarray) -> np.ndarray:
        if line.forbid is not None:
            return np.asarray(~self._condition(line.forbid, out))
        if line.require is not None:
            return self._condition(line.require, out)
        return np.asarray(~self._condition(line.if_, out) | self._condition(line.then, out))

    def utility(self, party: str, out: np.ndarray) -> np.ndarray:
        return np.asarray(np.sum(self._terms(party, out), axis=0))

    def size(self, party: str, out: np.ndarray) -> np.ndarray:
        return np.asarray(np.sum(np.abs(self._terms(party, out)), axis=0))
