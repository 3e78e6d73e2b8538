"""The frontier run: states expanded stage by stage, pruned by bound and dominance, one package per final vector.

Two prunings keep the state sets small and are exact (docs/programme.md, "Dominance" and "Bounds"):
drop x if x_p + U_p(k) < r_p for a party p whose reservation must be met (U_p(k): an upper bound on
what the later stages add); among states with the same carried classes, drop x if another y >= x
componentwise (equal vectors: keep the first).  A coordinate that is only constrained (a reservation
party that is not an objective) is capped at r_p - L_p(k): above it every completion meets r_p.

Non-dominance is moocore's ``is_nondominated`` (Kung et al.'s dimension sweep) on float64 copies,
exact because every value is an integer below 2**53; wider values are replaced by their dense ranks
per column.  States are grouped by carried classes with one call per group of two or more states.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable

import moocore
import numpy as np

from .instance import Instance
from .limits import LimitReached, Limits
from .plan import Plan, Stage
from .tables import Tables


def expand(instance: Instance, stage: Stage, vectors: np.ndarray, keys: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every state extended by every option of the stage, those a closing factor forbids or a bound rules out
    dropped: (the parent state of each, the option's domain index, the new vectors, the new keys)."""
    states, options, dimension = len(vectors), len(stage.options), instance.dimension
    new_vectors = (vectors[:, None, :] + stage.points[None, :, :]).reshape(states * options, dimension)
    parent = np.repeat(np.arange(states, dtype=np.int32 if states < 2**31 else np.int64), options)
    option = np.tile(np.arange(options, dtype=np.int16 if options < 2**15 else np.int32), states)
    digits = [(keys // stride) % size for stride, size in zip(stage.in_strides, stage.in_sizes)]
    mask = None
    for factor, axes in stage.closing:
        flat = np.zeros(states * options, dtype=np.int64)
        for (slot, label_of), size in zip(axes, factor.shape):
            label = label_of[option] if slot < 0 else label_of[digits[slot]][parent]
            flat = flat * size + label
        if factor.allowed is not None:
            ok = factor.allowed.ravel()[flat]
            mask = ok if mask is None else mask & ok
        if factor.delta is not None:
            new_vectors += factor.delta.reshape(-1, dimension)[flat]
    new_keys = np.zeros(states * options, dtype=np.int64)
    for (slot, class_of), stride in zip(stage.out, stage.out_strides):
        new_keys += (class_of[option] if slot < 0 else class_of[digits[slot]][parent]) * stride
    assert stage.hi_rest is not None and stage.lo_rest is not None
    for q in instance.bounded:
        ok = np.asarray(new_vectors[:, q] + stage.hi_rest[q] >= instance.reservation[q], dtype=bool)
        mask = ok if mask is None else mask & ok
    if mask is not None:
        keep = np.flatnonzero(mask)
        parent, option, new_vectors, new_keys = parent[keep], option[keep], new_vectors[keep], new_keys[keep]
    for q in instance.capped:
        new_vectors[:, q] = np.minimum(new_vectors[:, q], instance.reservation[q] - stage.lo_rest[q])
    return parent, option, new_vectors, new_keys


def as_float(vectors: np.ndarray, float_exact: bool) -> np.ndarray:
    """float64 coordinates with the same order per column (the values, or their dense ranks)."""
    if vectors.dtype != object and float_exact:
        return vectors.astype(np.float64)
    out = np.empty(vectors.shape, dtype=np.float64)
    for q in range(vectors.shape[1]):
        out[:, q] = np.unique(vectors[:, q], return_inverse=True)[1].ravel()
    return out


def nondominated(vectors: np.ndarray, keys: np.ndarray, float_exact: bool, limits: Limits | None = None) -> np.ndarray:
    """Indices (ascending) of the states not dominated by a state with the same key; of equal
    (key, vector) states the first is kept."""
    n, dimension = vectors.shape
    if n <= 1:
        return np.arange(n)
    x = as_float(vectors, float_exact)
    if dimension == 1:
        order = np.lexsort((np.arange(n), -x[:, 0], keys))
        first = np.ones(n, dtype=bool)
        first[1:] = keys[order][1:] != keys[order][:-1]
        return np.sort(order[first])
    deadline = None if limits is None else limits.deadline
    if keys[0] == keys.min() == keys.max():
        return np.flatnonzero(is_nondominated(x, deadline))
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    ends = np.r_[starts[1:], n]
    keep = [order[starts[ends - starts == 1]]]
    for start, end in zip(starts[ends - starts > 1], ends[ends - starts > 1]):
        rows = order[start:end]
        keep.append(rows[is_nondominated(x[rows], deadline)])
        if limits is not None:
            limits.check_time()
    return np.sort(np.concatenate(keep))


def frontier_run(tables: Tables, instance: Instance, plan: Plan, limits: Limits) -> tuple[np.ndarray, np.ndarray]:
    """The final (feasible, non-dominated) vectors of one run and one package each (option positions, all issues)."""
    vectors = plan.start[None, :].copy()
    keys = np.zeros(1, dtype=np.int64)
    parents, options, sizes = [], [], []
    for stage in plan.stages:
        limits.check(len(vectors) * len(stage.options), vectors.shape[1])
        parent, option, new_vectors, new_keys = expand(instance, stage, vectors, keys)
        keep = nondominated(new_vectors, new_keys, tables.float_exact, limits)
        vectors, keys = new_vectors[keep], new_keys[keep]
        parents.append(parent[keep])
        options.append(option[keep])
        limits.largest = max(limits.largest, len(vectors))
        sizes.append(len(vectors))
        limits.project(sizes, plan.stages)
        if not len(vectors):
            break
    if not plan.stages:  # every issue has one option: check the reservations here
        if any(vectors[0, q] < instance.reservation[q] for q in instance.bounded):
            vectors = vectors[:0]
    packages = np.zeros((len(vectors), len(tables.issues)), dtype=position_dtype(tables))
    if len(vectors):
        for n in plan.constant:
            packages[:, n] = instance.domains[n][0]
        index = np.arange(len(vectors))
        for stage, parent, option in zip(reversed(plan.stages), reversed(parents), reversed(options)):
            packages[:, stage.issue] = stage.options[option[index]]
            index = parent[index]
    return vectors, packages


def position_dtype(tables: Tables) -> Any:
    """The integer type of option positions (int16 while every issue has fewer than 2**15 options)."""
    return np.int16 if max(len(o) for o in tables.options) < 2**15 else np.int32


#: moocore's is_nondominated takes at most this many columns (a scenario of 256 parties has more).
MOOCORE_MAX_COLUMNS = 255


#: A filter of more rows than this, under a deadline, runs in a helper thread the deadline does not wait for.
WATCHED_ROWS = 5_000


def is_nondominated(x: np.ndarray, deadline: float | None = None) -> np.ndarray:
    """moocore's ``is_nondominated(x, maximise=True, keep_weakly=False)`` for any number of columns.

    One call on many rows of many columns can take minutes (about rows**2 x columns: 50,000 rows of 16 columns
    took 2.3 s here, a million would take an hour) and cannot be stopped from Python.  Under a ``deadline``, a call
    on more than :data:`WATCHED_ROWS` rows runs in a daemon thread (moocore releases the GIL): when the deadline
    passes first, LimitReached is raised at once and the thread's result is dropped (it finishes in the
    background, or dies with the process).  Ctrl-C is answered while it waits, too."""
    if deadline is not None and len(x) > WATCHED_ROWS:
        return _watched(lambda: is_nondominated(x), deadline)
    if x.shape[1] <= MOOCORE_MAX_COLUMNS:
        return np.asarray(moocore.is_nondominated(x, maximise=True, keep_weakly=False))
    # Rows in decreasing lexicographic order (a row that dominates another comes before it; of equal rows the
    # first), each kept unless a kept row is at least as large everywhere: O(rows x kept x columns).
    n = len(x)
    order = np.lexsort([np.arange(n)] + [-x[:, j] for j in reversed(range(x.shape[1]))])
    keep = np.zeros(n, dtype=bool)
    kept: list[int] = []
    for i in order:
        if not kept or not np.any(np.all(x[kept] >= x[i], axis=1)):
            kept.append(int(i))
            keep[i] = True
    return keep


def _watched(compute: Callable[[], np.ndarray], deadline: float) -> np.ndarray:
    """``compute()`` in a daemon thread, waited for until ``deadline`` (LimitReached after it)."""
    result: list[np.ndarray | BaseException] = []
    thread = threading.Thread(target=lambda: result.append(_caught(compute)), name="non-dominated filter", daemon=True)
    thread.start()
    thread.join(max(0.0, deadline - time.perf_counter()))
    if thread.is_alive():
        raise LimitReached("deadline reached (in the non-dominated filtering)")
    if isinstance(result[0], BaseException):
        raise result[0]
    return result[0]


def _caught(compute: Callable[[], np.ndarray]) -> np.ndarray | BaseException:
    try:
        return compute()
    except BaseException as error:  # noqa: BLE001  (handed to the waiting thread, which raises it)
        return error
