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


def ranking_values(criterion: str, gains: Sequence[Sequence[Number]], utilities: Sequence[Sequence[Number]],
                   ideal: Sequence[Number] | None = None) -> list[Number]:
    """Each package's criterion value times a positive factor common to all of them (rows: packages; columns:
    the criteria parties), exactly: integers in, integers out (Fractions in, Fractions out).  Kalai's value
    is min_j g_j / G_j times the product of the positive best gains G (so that integers stay integers); G is
    ``ideal`` when given (the best gains over more packages than these), else the best over these."""
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
    if ideal is None:
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
    integers (Python integers: no overflow, no rounding), and so is every criterion's value up to
    a positive factor shared by all points: maxmin the smallest gain, utilitarian the sum of
    utilities, Nash the product of the gains (0 unless every gain is positive), Kalai the smallest
    gain_j x (the product of the positive ideal gains but j's), i.e. gain_j / ideal_j times that
    product.  Ties: the largest total of all parties, then the first point in the frontier's order.
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
    chosen = gains[:, columns]
    ideal = chosen.max(axis=0).tolist() if len(columns) else []
    # Only the points whose float value is near the best can be the best: their values are then compared exactly.
    rows = _near_best(criterion, frontier, columns, [float(r) for r in reservations], ideal)
    values = ranking_values(criterion, chosen[rows].tolist(), utilities[rows][:, columns].tolist(), ideal)
    top = max(values)
    tied = rows[[k for k, v in enumerate(values) if v == top]]
    totals = _near_largest(frontier, tied)
    best = max(totals, key=lambda k: (sum(utilities[k].tolist()), -k))
    return frontier.package(int(best)).with_(criterion=criterion)


#: The float values of a criterion are within this share of the utilities' scale of the exact ones (a wide margin:
#: the rounding of a sum or difference of a few floats is about 1e-16 of it).
FLOAT_MARGIN = 1e-9


def _near_best(criterion: str, frontier: Frontier, columns: list[int], reservations: list[float], ideal: list[int]) -> np.ndarray:
    """The rows whose criterion value, in floats, is within a bound on the rounding of the best: every row the exact
    comparison could choose (all rows when the floats cannot bound it)."""
    every = np.arange(len(frontier))
    if not columns:
        return every
    utilities = frontier.utilities[:, columns]
    r = np.array([reservations[j] for j in columns])
    scale = float(np.abs(utilities).max(initial=0.0)) + float(np.abs(r).max(initial=0.0)) + 1.0
    delta = FLOAT_MARGIN * scale  # bounds the error of every float gain
    gains = utilities - r
    m = len(columns)
    with np.errstate(all="ignore"):
        if criterion == "maxmin":
            value, tol = gains.min(axis=1), delta
        elif criterion == "utilitarian":
            value, tol = utilities.sum(axis=1), m * delta
        elif criterion == "nash":  # prod of max(g, 0): exact value prod g if every g > 0, else 0
            clipped = np.clip(gains, 0.0, None)
            value = clipped.prod(axis=1)
            big = float(clipped.max(initial=0.0))
            tol = 2 * ((big + delta) ** m - big ** m) + delta
        else:  # kalai: min of g_j / ideal_j over the parties with a positive ideal (exact ideals given)
            positive = [k for k in range(m) if ideal[k] > 0]
            if not positive:
                return every
            scaled_ideal = np.array([float(ideal[k]) for k in positive]) / _common(frontier, reservations, columns)
            value = (gains[:, positive] / scaled_ideal).min(axis=1)
            tol = 2 * delta / float(scaled_ideal.min()) + FLOAT_MARGIN
        best = float(value.max())
    if not np.isfinite(best) or not np.isfinite(tol):
        return every
    near: np.ndarray = every[value >= best - tol]
    return near


def _common(frontier: Frontier, reservations: list[float], columns: list[int]) -> float:
    """The common denominator of best_on_frontier's integers (the ideals are in its units)."""
    scenario = frontier.scenario
    exact_r = [exact(scenario.party[p].reservation) for p in scenario.party_ids]
    return float(math.lcm(*frontier.denominators, *(r.denominator for r in exact_r)))


def _near_largest(frontier: Frontier, rows: np.ndarray) -> np.ndarray:
    """Of ``rows``, those whose float total of every party's utility is near the largest (the tie-break's candidates)."""
    if len(rows) <= 1:
        return rows
    utilities = frontier.utilities[rows]
    totals = utilities.sum(axis=1)
    tol = FLOAT_MARGIN * (float(np.abs(utilities).max(initial=0.0)) + 1.0) * utilities.shape[1]
    best = float(totals.max())
    return rows if not np.isfinite(best) else rows[totals >= best - tol]
