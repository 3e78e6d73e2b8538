"""The bargaining solutions read off an exact frontier, and the programme's answer to ``best()`` without the model.

Nothing here imports the solver interface: ``bargaining solve`` on a discrete scenario answers from the exact
programme (:mod:`.dp`) alone, the model is built only when the programme does not apply (or runs out of budget).
The criteria and their exact comparison are those of :mod:`.solutions` (docs in its docstring).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Collection, Mapping, Sequence

import numpy as np

from ..results import Criterion, Frontier, Package, check_criterion
from ..results.frontier import IndexedChoices
from ..scenario import Scenario, Waiver, exact
from ..engine.numerics import doubt as numeric_doubt  # plain arithmetic on the scenario's numbers: no solver
from .dp import DPFrontier, dp_frontier

__all__ = ["BEST_DP_ESTIMATE", "BEST_DP_SECONDS", "BEST_DP_STATES", "best_by_programme", "best_on_frontier", "numeric_doubt",
           "programme_frontier"]

#: best() reads the criterion's package off the exact frontier when the programme finds it within
#: this budget (seconds, candidate states per stage, and the programme gives up at once when the
#: growth of its state sets projects a stage past that many: ``estimate``); otherwise it searches
#: the model.  Measured with benchmarks/solve.py: see benchmarks/README.md.
BEST_DP_SECONDS = 0.4
BEST_DP_STATES = 250_000
BEST_DP_ESTIMATE = True


def programme_frontier(scenario: Scenario, found: DPFrontier, seconds: float, coalition: Collection[str] | None = None,
                       waived: Collection[Waiver] = ()) -> Frontier:
    """The programme's frontier as a result (its packages kept compactly, as option positions)."""
    return Frontier(scenario, found.parties, IndexedChoices(found.issues, found.option_ids, found.index),  # type: ignore[arg-type]
                    found.scaled, found.denominators, complete=True, exact=True, method="dp",
                    reason="exact dynamic programme over the issues", solver_calls=0, seconds=seconds,
                    largest_state_set=found.largest_state_set,
                    coalition=None if coalition is None else frozenset(coalition), waived=tuple(waived))


def best_by_programme(scenario: Scenario, criterion: Criterion, parties: Sequence[str], *, waived: Collection[Waiver] = (),
                      coalition: Collection[str] | None = None, fixed: Mapping[str, str] | None = None,
                      remaining: float | None = None, programme: Callable[..., DPFrontier] = dp_frontier) -> Package | None:
    """The criterion's package read off the exact frontier (None: no package is acceptable), when the programme finds
    that frontier within :data:`BEST_DP_SECONDS` (or ``remaining``, if less).  Raises NotApplicable (or LimitReached)
    when it does not: the caller searches the model then.  ``programme``: the programme to run (:func:`.dp.dp_frontier`)."""
    started = time.perf_counter()
    budget = BEST_DP_SECONDS if remaining is None else min(BEST_DP_SECONDS, remaining)
    found = programme(scenario, None, waived=waived, coalition=coalition, fixed=fixed or None, deadline=started + budget,
                        max_states=BEST_DP_STATES, estimate=BEST_DP_ESTIMATE)
    # Only the package returned is re-checked (the programme has checked every vector against its packages): a
    # better unacceptable point would have been the one chosen, since every criterion is monotone in the utilities.
    frontier = programme_frontier(scenario, found, time.perf_counter() - started, coalition, waived)
    package = best_on_frontier(frontier, criterion, parties)
    if package is None:
        return None
    if scenario.signers(package.exact_choices, waived, coalition) is None:
        raise AssertionError(f"the dynamic programme returned an unacceptable package {dict(package.exact_choices)}; "
                             "please report this scenario")
    return package.with_(method="dp", reason="read off the exact frontier of the dynamic programme")


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
    values = _exact_values(criterion, chosen[rows], utilities[rows][:, columns], ideal)
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
    return every[value >= best - tol]


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


def _exact_values(criterion: str, gains: np.ndarray, utilities: np.ndarray, ideal: list[int] | None = None) -> list[int]:
    """Each point's criterion value times a positive factor common to all points (integers; parties as columns).
    Kalai's ``ideal``: each party's largest gain over every point (default: over these)."""
    n, m = gains.shape
    if m == 0:
        return [0] * n
    if criterion == "utilitarian":
        return list(utilities.sum(axis=1))
    if criterion == "maxmin":
        return list(gains.min(axis=1))
    if criterion == "nash":
        return [math.prod(row) if all(g > 0 for g in row) else 0 for row in gains.tolist()]
    ideal = gains.max(axis=0).tolist() if ideal is None else ideal  # kalai: gain_j / ideal_j over the parties with a positive ideal
    positive = [j for j in range(m) if ideal[j] > 0]
    if not positive:
        return [0] * n
    product = math.prod(ideal[j] for j in positive)
    factors = {j: product // ideal[j] for j in positive}
    return [min(row[j] * factors[j] for j in positive) for row in gains.tolist()]


