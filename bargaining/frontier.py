"""Exact Pareto frontier of the parties' utilities over the acceptable packages.

Algorithm: a search-region method with *local lower bounds* (Klamroth, Lacour and
Vanderpooten 2015) solved the Dächert-Klamroth (2015) way, for maximisation.  The part of
utility space where an undiscovered frontier point can still lie is the union of boxes
``{y : y > l}`` over a set L of local lower bounds.  For a box we solve, on the one
persistent model (only bounds on the gain variables change),

    lexicographically maximise  f_0, then the sum of the others
    subject to                   f_j >= next lattice value above l_j   for j >= 1

leaving f_0 free.  The answer z is non-dominated (the region is an upper set in f_1..f_p-1
and z is lexicographically best in it).  If z_0 > l_0 it is a new point in the box, and
every box containing it splits into p boxes ``l^j = (z_j, l_-j)``; otherwise the box is
empty.  Either way the solve certifies "over {f_j > l_j, j >= 1} the best f_0 is z_0",
which empties later boxes inside that region without solving them.  Redundant boxes
(contained in another, in an empty one, or beyond the ideal point) are dropped.

Why this method: it needs no weights or grid (AUGMECON's exact grid steps through every
value of p-1 objectives), works unchanged for any number of parties, almost every solve is
an optimisation that finds a point (proving a box infeasible is what costs most in HiGHS),
and the solver calls stay near the Dächert-Klamroth bound of 3N - 2 for three parties
(measured: 1.4-2 calls per point).  ``solver_calls`` is reported with every frontier.

Exactness: every utility is a multiple of the party's *unit* (the gcd of its points), so
"strictly above l_j" is "at least l_j + unit": no epsilon.  Bounds are kept as integer
lattice coordinates (utility / unit), the lexicographic weight is exact on that lattice,
every package is checked exactly, and the final set is filtered for dominance in exact
arithmetic.  With a continuous issue in a party's utility, its coordinate is
``floor(utility / resolution)``: the frontier is then exact on that grid (at most one point
per grid cell, none dominated), not the continuum.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

import numpy as np

from .progress import Progress
from .scenario import exact
from .search import Package, Search

#: Lattice coordinate standing for "no bound" (minus infinity).
_UNBOUNDED = np.iinfo(np.int64).min // 4
#: Default grid for parties whose utility has a continuous part: this many steps over its range.
GRID_STEPS = 200


@dataclass
class FrontierResult:
    packages: list[Package]
    parties: list[str]
    complete: bool
    solver_calls: int
    seconds: float
    resolution: dict[str, Fraction]
    exact: bool  # False when some party's utility is continuous (a grid frontier)


def pareto_frontier(search: Search, parties: Sequence[str], time_limit: float | None = None,
                    progress: bool | None = None, resolution: float | None = None) -> FrontierResult:
    """All non-dominated utility vectors over ``parties`` among acceptable packages, one package each."""
    started, calls_before = time.perf_counter(), search.solver.calls
    parties = list(parties)
    step = _steps(search, parties, resolution)
    m = search.m
    points: list[Package] = []
    complete = True

    def coordinate(package: Package) -> np.ndarray:
        return np.array([math.floor(package.exact_utilities[p] / step[p]) for p in parties], dtype=np.int64)

    with search.restoring(), search.limited(time_limit), Progress("frontier", enabled=progress) as bar:
        everyone = [p for p in m.gain]
        for p in everyone:
            m.floor_rows[p].deactivate()  # the frontier does not use the floor
        ideal: list[int] = []
        for p in parties:
            outcome, top = search.maximize(m.utility[p], search.granularity([p]))
            bar.update(points=0)
            if top is None:
                complete = outcome.status != "time_limit"
                return _result(search, points, parties, complete, calls_before, started, step)
            ideal.append(math.floor(top.exact_utilities[p] / step[p]))
        ideal_array = np.array(ideal, dtype=np.int64)
        bounds = np.full((1, len(parties)), _UNBOUNDED, dtype=np.int64)
        empty = np.zeros((0, len(parties)), dtype=np.int64)
        # Certificates: "over {f_j > region_j for j >= 1}, the largest f_0 is top" (Dächert-Klamroth):
        # a later box inside such a region whose own f_0 bound is at least top is empty, unsolved.
        regions = np.zeros((0, len(parties) - 1), dtype=np.int64)
        tops = np.zeros(0, dtype=np.int64)
        first, others = parties[0], parties[1:]
        low, high = zip(*(search.model.utility_range[p] for p in others)) if others else ((), ())
        weight = sum(math.ceil((h - lo) / float(step[p])) for p, lo, h in zip(others, low, high)) + 1
        objective = weight * m.utility[first] / float(step[first]) + sum(m.utility[p] / float(step[p]) for p in others)
        granularity = Fraction(1) if all(search.model.unit[p] is not None for p in parties) else None
        known: set[tuple[int, ...]] = set()
        while len(bounds):
            box = bounds[0]
            covered = np.all(regions <= box[1:], axis=1) & (tops <= box[0]) if len(tops) else np.zeros(0, dtype=bool)
            if covered.any():
                empty = np.vstack([empty, box])
                bounds = bounds[1:]
                continue
            m.gain[first].setlb(None)
            for p, low_bound in zip(others, box[1:]):
                m.gain[p].setlb(None if low_bound == _UNBOUNDED else float((low_bound + 1) * step[p] - exact(search.scenario.party[p].reservation)))
            outcome, package = search.maximize(objective, granularity)
            bar.update(points=len(points), boxes=len(bounds))
            if package is None:
                if outcome.status == "time_limit":
                    complete = False
                    break
                regions = np.vstack([regions, box[1:]])
                tops = np.append(tops, _UNBOUNDED)
                empty = np.vstack([empty, box])
                bounds = bounds[1:]
                continue
            z = coordinate(package)
            regions = np.vstack([regions, box[1:]])
            tops = np.append(tops, z[0])
            if tuple(z) not in known:
                known.add(tuple(z))
                points.append(package)
                bounds = _split(bounds, z, ideal_array, empty)
            if z[0] <= box[0]:  # the box's f_0 bound is above the best f_0 in its region: empty
                keep = ~np.all(bounds == box, axis=1)
                bounds = bounds[keep]
                empty = np.vstack([empty, box])
            if outcome.status == "time_limit":
                complete = False
                break
    return _result(search, points, parties, complete, calls_before, started, step)


def _split(bounds: np.ndarray, z: np.ndarray, ideal: np.ndarray, empty: np.ndarray) -> np.ndarray:
    """Update the local lower bounds after finding point z (maximisation version of KLV 2015)."""
    inside = np.all(z > bounds, axis=1)
    kept, split = bounds[~inside], bounds[inside]
    candidates = []
    for j in range(bounds.shape[1]):
        c = split.copy()
        c[:, j] = z[j]
        candidates.append(c)
    fresh = np.unique(np.vstack(candidates), axis=0) if candidates else np.zeros((0, bounds.shape[1]), dtype=np.int64)
    # beyond the ideal point in some coordinate: nothing can lie above it
    fresh = fresh[np.all(fresh < ideal, axis=1)]
    # inside a box already proven empty
    if len(empty) and len(fresh):
        fresh = fresh[~np.any(np.all(empty[None, :, :] <= fresh[:, None, :], axis=2), axis=1)]
    # redundant: another bound lies below it (its box contains this one)
    others = np.vstack([kept, fresh])
    if len(fresh) and len(others):
        below = np.all(others[None, :, :] <= fresh[:, None, :], axis=2) & np.any(others[None, :, :] < fresh[:, None, :], axis=2)
        fresh = fresh[~np.any(below, axis=1)]
    return np.vstack([kept, fresh])


def _steps(search: Search, parties: list[str], resolution: float | None) -> dict[str, Fraction]:
    steps = {}
    for p in parties:
        unit = search.model.unit[p]
        if unit is not None:
            steps[p] = unit
        else:
            low, high = search.model.utility_range[p]
            steps[p] = exact(resolution) if resolution else exact(max(high - low, 1e-9) / GRID_STEPS)
    return steps


def _result(search: Search, points: list[Package], parties: list[str], complete: bool, calls_before: int,
            started: float, step: dict[str, Fraction]) -> FrontierResult:
    return FrontierResult(
        packages=non_dominated(points, parties),
        parties=parties,
        complete=complete,
        solver_calls=search.solver.calls - calls_before,
        seconds=time.perf_counter() - started,
        resolution=step,
        exact=all(search.model.unit[p] is not None for p in parties),
    )


def non_dominated(packages: list[Package], parties: Sequence[str]) -> list[Package]:
    """Keep one package per non-dominated utility vector (exact: ties are compared as rationals)."""
    vectors: dict[tuple[Fraction, ...], Package] = {}
    for package in packages:
        vectors.setdefault(tuple(package.exact_utilities[p] for p in parties), package)
    keys = list(vectors)
    if not keys:
        return []
    ranks = np.array([_ranks([k[j] for k in keys]) for j in range(len(parties))], dtype=np.int64).T
    keep = []
    for row, key in zip(ranks, keys):
        dominated = np.any(np.all(ranks >= row, axis=1) & np.any(ranks > row, axis=1))
        if not dominated:
            keep.append(vectors[key])
    return keep


def _ranks(values: list[Fraction]) -> list[int]:
    """Each value's rank among the distinct values (order-preserving and exact)."""
    order = {v: k for k, v in enumerate(sorted(set(values)))}
    return [order[v] for v in values]
