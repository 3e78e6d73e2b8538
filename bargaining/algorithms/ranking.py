"""How the bargaining criteria rank packages, exactly, and how ties break: the one definition every search uses.

The criteria work on gains g_p = utility_p - reservation_p of the criteria parties P (docs/solutions.md):
maxmin min_p g_p; utilitarian sum_p utility_p; Nash prod_p g_p over packages where every g_p > 0 (0
otherwise); Kalai-Smorodinsky min_p g_p / G_p over the parties whose best gain G_p is positive.

*The tie-break* (:func:`preferred`): among packages a criterion values equally, the one with the
largest total utility of all parties (which makes every answer Pareto-optimal: each criterion is
monotone in gains).  Packages still tied after that are left to the search: the tie-break's own
answer on the model (deterministic for a given scenario and HiGHS version), the first point in a
frontier's order when read off an exact frontier.  The model's searches (:mod:`.solutions`,
:mod:`.deal`) and the exact reading off a frontier (:func:`best_on_frontier`) all break ties with it.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Sequence, TypeVar

import numpy as np

from ..results import Criterion, Frontier, Package, check_criterion
from ..scenario import exact

Number = TypeVar("Number", int, Fraction)


def total(package: Package) -> Fraction:
    """The total utility of all parties: the tie-break's measure."""
    return sum(package.exact_utilities.values(), Fraction(0))


def preferred(candidate: Package, incumbent: Package | None) -> Package:
    """The tie-break between two packages a criterion values equally: the larger total utility; on equal totals
    the candidate (the tie-break search's own answer)."""
    return candidate if incumbent is None or total(candidate) >= total(incumbent) else incumbent


def ranking_values(criterion: str, gains: Sequence[Sequence[Number]], utilities: Sequence[Sequence[Number]]) -> list[Number]:
    """Each package's criterion value times a positive factor common to all of them (rows: packages; columns:
    the criteria parties), exactly: integers in, integers out (Fractions in, Fractions out).  Kalai's value
    is min_j g_j / G_j times the product of the positive best gains G (so that integers stay integers)."""
    n = len(gains)
    m = len(gains[0]) if n else 0
    if m == 0:
        return [0] * n  # type: ignore[list-item]
    if criterion == "utilitarian":
        return [sum(row[1:], row[0]) for row in utilities]
    if criterion == "maxmin":
        return [min(row) for row in gains]
    if criterion == "nash":
        return [math.prod(row[1:], start=row[0]) if all(g > 0 for g in row) else 0 * row[0] for row in gains]
    check_criterion(criterion)
    ideal = [max(row[j] for row in gains) for j in range(m)]  # kalai: gain_j / ideal_j over the parties with a positive ideal
    positive = [j for j in range(m) if ideal[j] > 0]
    if not positive:
        return [0 * row[0] for row in gains]
    product = math.prod(ideal[j] for j in positive)
    factors = {j: product / ideal[j] if isinstance(product, Fraction) else product // ideal[j] for j in positive}
    return [min(row[j] * factors[j] for j in positive) for row in gains]


def criterion_value(criterion: str, gains: dict[str, Fraction], parties: Sequence[str], ideal: dict[str, Fraction] | None = None,
                    utilities: dict[str, Fraction] | None = None) -> Fraction:
    """The criterion's value for one package, exactly (larger is better); Kalai's against the best gains ``ideal``."""
    check_criterion(criterion)
    if criterion == "kalai":
        shares = [gains[p] / ideal[p] for p in parties if ideal and ideal[p] > 0]
        return min(shares, default=Fraction(0))
    row = [Fraction(gains[p]) for p in parties]
    if not row:
        return Fraction(1) if criterion == "nash" else Fraction(0)  # (an empty product)
    return Fraction(ranking_values(criterion, [row], [[Fraction((utilities or gains)[p]) for p in parties]])[0])


def best_on_frontier(frontier: Frontier, criterion: Criterion, parties: Sequence[str]) -> Package | None:
    """The criterion's package read off an exact frontier over every party, exactly.

    Every utility is an integer over a common denominator L, so gains and totals are exact
    integers (Python integers: no overflow, no rounding), and so is every criterion's value up to a
    positive factor shared by all points (:func:`ranking_values`).  Ties: :func:`preferred` (the
    largest total of all parties, then the first point in the frontier's order).
    """
    check_criterion(criterion)
    if not len(frontier):
        return None
    scenario = frontier.scenario
    ids = scenario.party_ids
    reservations = [exact(scenario.party[p].reservation) for p in ids]
    common = math.lcm(*frontier.denominators, *(r.denominator for r in reservations))
    utilities = np.column_stack([frontier.scaled[:, j].astype(object) * (common // d) for j, d in enumerate(frontier.denominators)])
    gains = utilities - np.array([int(r * common) for r in reservations], dtype=object)
    columns = [ids.index(p) for p in parties]
    values = ranking_values(criterion, gains[:, columns].tolist(), utilities[:, columns].tolist())
    totals = utilities.sum(axis=1)
    best = max(range(len(frontier)), key=lambda k: (values[k], totals[k], -k))
    return frontier.package(best).with_(criterion=criterion)
