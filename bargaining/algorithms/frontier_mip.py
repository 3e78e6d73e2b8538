"""Exact Pareto frontier of the parties' utilities over the acceptable packages (the mathematics, with a
worked example: docs/frontier.md).

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
(measured on benchmarks/frontier.py: 1.24-2.0 calls per point for three parties; about 3
and 6 for four and five, where many more boxes turn out empty).  ``solver_calls`` is
reported with every frontier.

Exactness: every utility is a multiple of the party's *unit* (the gcd of its points), so
"strictly above l_j" is "at least l_j + unit": no epsilon.  Bounds are kept as integer
lattice coordinates (utility / unit), the lexicographic weight is exact on that lattice,
every package is checked exactly, and the final set is filtered for dominance in exact
arithmetic.  A box is recorded empty only on an answer found without presolve (HiGHS 1.14-1.16's
presolve called feasible boxes infeasible here: :meth:`..engine.solver.Solver.solve`).  With a
continuous issue in a party's utility, its coordinate is
``floor(utility / resolution)``: the frontier is then exact on that grid (at most one point
per grid cell, none dominated), not the continuum.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Sequence

import numpy as np

from .. import memory
from ..engine.executor import Executor
from ..engine.search import Search
from ..progress import Progress
from ..results import Frontier, Package
from ..scenario import exact
from .frontier_boxes import UNBOUNDED, BoxProblem, solve_box

#: Lattice coordinate standing for "no bound" (minus infinity).
_UNBOUNDED = UNBOUNDED
#: Default grid for parties whose utility has a continuous part: this many steps over its range.
GRID_STEPS = 200


def pareto_frontier(search: Search, parties: Sequence[str], time_limit: float | None = None,
                    progress: bool | None = None, resolution: float | None = None,
                    workers: int | None = None, parallel_after: float = 2.0, executor: Executor | None = None) -> Frontier:
    """All non-dominated utility vectors over ``parties`` among acceptable packages, one package each.

    When the search is still running after ``parallel_after`` seconds and ``workers`` > 1
    (default: the machine's cores, at most 4), worker processes join in (a local Dask cluster of
    ``workers - 1``, started while this process keeps solving): each rebuilds the engine from this
    search's replica once and solves boxes while this process solves others; results go through
    the same bookkeeping, so the frontier is the same exact set.  ``executor``: one already started
    (its workers join from the first box; the caller stops it).
    """
    started, calls_before = time.perf_counter(), search.solver.calls
    parties = list(parties)
    step = grid_steps(search, parties, resolution)
    workers = min(os.cpu_count() or 1, 4) if workers is None else max(1, workers)
    points: list[Package] = []
    complete = True
    own = executor is None  # an executor started here is stopped here
    with search.changes() as edit, search.limited(time_limit), Progress("frontier", enabled=progress) as bar:
        ideal: list[int] = []
        for p in parties:
            outcome, top = search.maximize(search.utility(p), search.granularity([p]))
            bar.update(points=0)
            if top is None or outcome.status == "time_limit":  # an unproven ideal could prune real points: stop
                complete = outcome.status != "time_limit"
                return _result(search, points, parties, complete, calls_before, started, step)
            ideal.append(_coordinate(top, parties, step)[parties.index(p)])
        boxes = BoxProblem.of(search, parties, step)
        region = _Region.start(np.array(ideal, dtype=np.int64))
        sent: list[tuple[Any, np.ndarray]] = []  # (future, box) on the workers, oldest first
        replica = search.replica()
        worker_calls = 0

        each = memory.BYTES_PER_POINT_ISSUE * len(search.scenario.issues) + memory.BYTES_PER_POINT_PARTY * len(parties)

        def record(box: np.ndarray, package: Package | None) -> None:
            if region.record(box, None if package is None else _coordinate(package, parties, step)) and package is not None:
                memory.check((len(points) + 1) * each, f"a frontier of {len(points) + 1:,} points")
                points.append(package)

        def busy() -> list[np.ndarray]:
            return [box for _, box in sent]

        try:
            while True:
                if own and executor is None and workers > 1 and time.perf_counter() - started > parallel_after:
                    executor = Executor(workers=workers - 1).begin()  # this process keeps solving while they start
                if executor is not None and _ready(executor):
                    # two boxes queued per worker: it starts the next as soon as it finishes one,
                    # instead of idling until this process is done with its own solve
                    while len(sent) < _QUEUED * (executor.requested or 1):
                        box = region.next_box(busy())
                        if box is None:
                            break
                        sent.append((executor.submit(replica, solve_box, boxes.spec(), box.tolist(), search.remaining()), box))
                box = region.next_box(busy())
                if box is not None:
                    status, package = boxes.solve(search, edit, box)
                    bar.update(points=len(points), boxes=len(region.bounds))
                    if status == "time_limit":
                        complete = False
                        break
                    record(box, package)
                elif not sent:
                    break
                done = [(f, b) for f, b in sent if f.done()]
                for future, _ in done:
                    if future.status != "finished":  # a worker lost: its box goes back to the search
                        _raise_unless_lost(future)
                finished = [(f, b) for f, b in done if f.status == "finished"]
                for (future, solved), (status, choices) in zip(finished, executor.results([f for f, _ in finished]) if executor else []):
                    worker_calls += 1
                    if status == "time_limit":
                        complete = False
                    else:
                        record(solved, None if choices is None else search.package(choices))
                    bar.update(points=len(points), boxes=len(region.bounds))
                answered = {id(f) for f, _ in done}
                sent = [(f, b) for f, b in sent if id(f) not in answered]
                if box is None and sent and executor is not None:
                    if executor.workers == 0:  # every worker gone: this process takes their boxes back
                        sent.clear()
                    else:
                        executor.wait_any([f for f, _ in sent], timeout=1.0)
                if not complete:
                    break
        finally:
            if own and executor is not None:
                executor.close()
    return _result(search, points, parties, complete, calls_before, started, step, worker_calls)


def _ready(executor: Executor) -> bool:
    """Whether the workers are up (a local cluster that failed to start leaves the work to this process)."""
    try:
        return executor.ready
    except (RuntimeError, ValueError):
        executor.close()
        return False


def _raise_unless_lost(future: Any) -> None:
    """A piece of work that failed: a worker lost (its box is solved again here) or an error (raised here)."""
    from distributed.scheduler import KilledWorker

    if future.status == "error" and not isinstance(future.exception(), KilledWorker):
        raise future.exception()


#: Boxes queued per worker process.
_QUEUED = 2


def _coordinate(package: Package, parties: Sequence[str], step: dict[str, Fraction]) -> np.ndarray:
    return np.array([math.floor(package.exact_utilities[p] / step[p]) for p in parties], dtype=np.int64)


@dataclass
class _Region:
    """The search region's bookkeeping: local lower bounds, empty boxes, and f_0 certificates.

    A certificate says "over {f_j > region_j for j >= 1}, the largest f_0 is top"
    (Dächert-Klamroth): a later box inside that region whose own f_0 bound is at least top
    is empty, without a solve.
    """

    ideal: np.ndarray
    bounds: np.ndarray
    empty: np.ndarray
    regions: np.ndarray
    tops: np.ndarray
    known: set[tuple[int, ...]] = field(default_factory=set)

    @classmethod
    def start(cls, ideal: np.ndarray) -> "_Region":
        p = len(ideal)
        return cls(ideal, np.full((1, p), _UNBOUNDED, dtype=np.int64), np.zeros((0, p), dtype=np.int64),
                   np.zeros((0, p - 1), dtype=np.int64), np.zeros(0, dtype=np.int64))

    def next_box(self, busy: list[np.ndarray]) -> np.ndarray | None:
        """The first box that no certificate empties and no worker is solving (emptied ones are dropped)."""
        k = 0
        while k < len(self.bounds):
            box = self.bounds[k]
            if len(self.tops) and np.any(np.all(self.regions <= box[1:], axis=1) & (self.tops <= box[0])):
                self._drop(box)
                continue
            if not any(np.array_equal(box, b) for b in busy):
                free: np.ndarray = box.copy()
                return free
            k += 1
        return None

    def record(self, box: np.ndarray, z: np.ndarray | None) -> bool:
        """Take in one box's answer (z: the point found, None: the region is empty); True if z is new."""
        self.regions = np.vstack([self.regions, box[1:]])
        self.tops = np.append(self.tops, _UNBOUNDED if z is None else z[0])
        if z is not None and z[0] > box[0]:
            # on a grid axis a point the solver put in the box may fall a hair below its bound when read
            # exactly: count it in the box, so that the box splits (else it would be solved forever)
            z = np.maximum(z, np.concatenate([z[:1], box[1:] + 1]))
        new = z is not None and tuple(z) not in self.known
        if z is not None and new:
            self.known.add(tuple(z))
            self.bounds = _split(self.bounds, z, self.ideal, self.empty)
        if z is None or z[0] <= box[0]:  # the box's f_0 bound is above the best f_0 in its region
            self._drop(box)
        elif not new:  # a point already known (a stale box): never solve it again, but it is not proven empty
            self.bounds = self.bounds[~np.all(self.bounds == box, axis=1)]
        return new

    def _drop(self, box: np.ndarray) -> None:
        self.bounds = self.bounds[~np.all(self.bounds == box, axis=1)]
        self.empty = np.vstack([self.empty, box])


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
        fresh = fresh[~_below_any(empty, fresh, strict=False)]
    # redundant: another bound lies below it (its box contains this one)
    others = np.vstack([kept, fresh])
    if len(fresh) and len(others):
        fresh = fresh[~_below_any(others, fresh, strict=True)]
    bounds = np.vstack([kept, fresh])
    memory.check(bounds.nbytes * 4, f"the mixed-integer frontier's {len(bounds):,} search boxes over {bounds.shape[1]} parties "
                 "(their number grows about as the points found to the power of half the parties)")
    return bounds


#: Most booleans a step of :func:`_below_any` holds at once (64 MB).
_CHUNK = 2**26


def _below_any(others: np.ndarray, rows: np.ndarray, strict: bool) -> np.ndarray:
    """For each row: is some row of ``others`` at most it everywhere (and, ``strict``, below it somewhere)?  In
    chunks of rows, so that the comparison never holds more than :data:`_CHUNK` booleans (all at once, 40 parties'
    boxes took 89 GiB)."""
    found = np.zeros(len(rows), dtype=bool)
    step = max(1, _CHUNK // max(1, len(others) * rows.shape[1]))
    for start in range(0, len(rows), step):
        part = rows[start:start + step]
        below = np.all(others[None, :, :] <= part[:, None, :], axis=2)
        if strict:
            below &= np.any(others[None, :, :] < part[:, None, :], axis=2)
        found[start:start + step] = np.any(below, axis=1)
    return found


def grid_steps(search: Search, parties: list[str], resolution: float | None) -> dict[str, Fraction]:
    """Each party's step on its axis: its unit (the lattice of its utilities), or a grid step for a continuous one."""
    steps = {}
    for p in parties:
        unit = search.unit(p)
        if unit is not None:
            steps[p] = unit
        else:
            low, high = search.utility_range(p)
            steps[p] = exact(resolution) if resolution else exact(max(high - low, 1e-9) / GRID_STEPS)
    return steps


def _result(search: Search, points: list[Package], parties: list[str], complete: bool, calls_before: int,
            started: float, step: dict[str, Fraction], worker_calls: int = 0) -> Frontier:
    exact_axes = all(search.unit(p) is not None for p in parties)
    return Frontier.of_packages(
        search.scenario, parties, non_dominated(points, parties), complete=complete, exact=exact_axes, method="mip",
        reason="", solver_calls=search.solver.calls - calls_before + worker_calls,
        seconds=time.perf_counter() - started, resolution=step)


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

