"""The stages: expanding states by an issue's options, bound and dominance pruning, counting, listing."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import moocore
import numpy as np

from ... import memory
from ...memory import MemoryLimitReached
from .compile import _Compiled
from .limits import _INT64_SAFE, LimitReached
from .plan import _Instance, _Plan, _Stage


#: With ``estimate``, the growth of the state sets is projected once a stage holds this many states.
ESTIMATE_FROM = 2_000


@dataclass
class _Limits:
    deadline: float | None
    max_states: int
    largest: int = 0
    #: stop as soon as the state sets' growth projects a later stage past max_states (a cheap size
    #: estimate for callers that would rather give up early than spend their budget finding out)
    estimate: bool = False

    def check(self, candidates: int, coordinates: int = 4) -> None:
        if self.deadline is not None and time.perf_counter() > self.deadline:
            raise LimitReached("deadline reached")
        if candidates > self.max_states:
            raise LimitReached(f"a stage would hold {candidates:,} candidate states (max_states={self.max_states:,})")
        try:  # the memory budget (--max-memory), before the stage allocates
            memory.check(candidates * (memory.BYTES_PER_STATE + memory.BYTES_PER_COORDINATE * coordinates),
                         f"a stage of {candidates:,} candidate states")
        except MemoryLimitReached as error:
            raise LimitReached(str(error)) from None

    def project(self, sizes: list[int], stages: list[Any]) -> None:
        """After stage k = len(sizes) of a frontier run: with ``estimate``, fit sizes ~ k**a between
        stage k/2 and k (the frontier of a sum of k independent terms grows about polynomially) and
        stop if the last stage's projected candidates (states x options) pass max_states.  Only while
        no options are carried: carried classes swell the state sets while factors are open and they
        shrink again as they close (measured on the coupled benchmarks: projections 8x too large)."""
        k = len(sizes)
        if not self.estimate or k < 4 or sizes[-1] < ESTIMATE_FROM or any(stage.carried > 1 for stage in stages[:k]):
            return
        j = k // 2
        if sizes[j - 1] <= 0 or sizes[-1] <= sizes[j - 1]:
            return
        power = math.log(sizes[-1] / sizes[j - 1]) / math.log(k / j)
        projected = sizes[-1] * (len(stages) / k) ** power * len(stages[-1].options)
        if projected > self.max_states:
            raise LimitReached(f"the state sets' growth projects about {projected:,.0f} candidate states by the last stage "
                               f"(max_states={self.max_states:,})")


def _expand(inst: _Instance, stage: _Stage, vec: np.ndarray, key: np.ndarray):
    """Every state extended by every option: (parent, domain index, vector, new key, allowed mask)."""
    n, nd, m = len(vec), len(stage.options), inst.m
    vec_new = (vec[:, None, :] + stage.table[None, :, :]).reshape(n * nd, m)
    parent = np.repeat(np.arange(n, dtype=np.int32 if n < 2**31 else np.int64), nd)
    option = np.tile(np.arange(nd, dtype=np.int16 if nd < 2**15 else np.int32), n)
    digits = [(key // stride) % size for stride, size in zip(stage.in_strides, stage.in_sizes)]
    mask = None
    for f, axes in stage.closing:
        flat = np.zeros(n * nd, dtype=np.int64)
        for (slot, mp), size in zip(axes, f.shape):
            lab = mp[option] if slot < 0 else mp[digits[slot]][parent]
            flat = flat * size + lab
        if f.allowed is not None:
            ok = f.allowed.ravel()[flat]
            mask = ok if mask is None else mask & ok
        if f.delta is not None:
            vec_new += f.delta.reshape(-1, m)[flat]
    new_key = np.zeros(n * nd, dtype=np.int64)
    for (slot, mp), stride in zip(stage.out, stage.out_strides):
        cls = mp[option] if slot < 0 else mp[digits[slot]][parent]
        new_key += cls * stride
    for q in inst.bounded:
        ok = vec_new[:, q] + stage.hi_rest[q] >= inst.reservation[q]
        ok = np.asarray(ok, dtype=bool)
        mask = ok if mask is None else mask & ok
    if mask is not None:
        keep = np.flatnonzero(mask)
        parent, option, vec_new, new_key = parent[keep], option[keep], vec_new[keep], new_key[keep]
    for q in inst.capped:
        vec_new[:, q] = np.minimum(vec_new[:, q], inst.reservation[q] - stage.lo_rest[q])
    return parent, option, vec_new, new_key


def _as_float(vec: np.ndarray, float_exact: bool) -> np.ndarray:
    """float64 coordinates with the same order per column (the values, or their dense ranks)."""
    if vec.dtype != object and float_exact:
        return vec.astype(np.float64)
    out = np.empty(vec.shape, dtype=np.float64)
    for q in range(vec.shape[1]):
        out[:, q] = np.unique(vec[:, q], return_inverse=True)[1].ravel()
    return out


def _nondominated(vec: np.ndarray, key: np.ndarray, float_exact: bool, limits: _Limits | None = None) -> np.ndarray:
    """Indices (ascending) of the states not dominated by a state with the same key; of equal
    (key, vector) states the first is kept."""
    n, m = vec.shape
    if n <= 1:
        return np.arange(n)
    x = _as_float(vec, float_exact)
    if m == 1:
        order = np.lexsort((np.arange(n), -x[:, 0], key))
        first = np.ones(n, dtype=bool)
        first[1:] = key[order][1:] != key[order][:-1]
        return np.sort(order[first])
    deadline = None if limits is None else limits.deadline
    if key[0] == key.min() == key.max():
        return np.flatnonzero(_is_nondominated(x, deadline))
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
    ends = np.r_[starts[1:], n]
    keep = [order[starts[ends - starts == 1]]]
    for s, e in zip(starts[ends - starts > 1], ends[ends - starts > 1]):
        rows = order[s:e]
        keep.append(rows[_is_nondominated(x[rows], deadline)])
        if limits is not None and limits.deadline is not None and time.perf_counter() > limits.deadline:
            raise LimitReached("deadline reached")
    return np.sort(np.concatenate(keep))


#: moocore's is_nondominated takes at most this many columns (a scenario of 256 parties has more).
MOOCORE_MAX_COLUMNS = 255


#: A filter of more rows than this, under a deadline, runs in a helper thread the deadline does not wait for.
WATCHED_ROWS = 5_000


def _is_nondominated(x: np.ndarray, deadline: float | None = None) -> np.ndarray:
    """moocore's ``is_nondominated(x, maximise=True, keep_weakly=False)`` for any number of columns.

    One call on many rows of many columns can take minutes (about rows**2 x columns: 50,000 rows of 16 columns
    took 2.3 s here, a million would take an hour) and cannot be stopped from Python.  Under a ``deadline``, a call
    on more than :data:`WATCHED_ROWS` rows runs in a daemon thread (moocore releases the GIL): when the deadline
    passes first, LimitReached is raised at once and the thread's result is dropped (it finishes in the
    background, or dies with the process).  Ctrl-C is answered while it waits, too."""
    if deadline is not None and len(x) > WATCHED_ROWS:
        return _watched(lambda: _is_nondominated(x), deadline)
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


def _watched(compute: Any, deadline: float) -> np.ndarray:
    """``compute()`` in a daemon thread, waited for until ``deadline`` (LimitReached after it)."""
    import threading

    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(_caught(compute)), name="non-dominated filter", daemon=True)
    thread.start()
    thread.join(max(0.0, deadline - time.perf_counter()))
    if thread.is_alive():
        raise LimitReached("deadline reached (in the non-dominated filtering)")
    if isinstance(result[0], BaseException):
        raise result[0]
    return result[0]  # type: ignore[no-any-return]


def _caught(compute: Any) -> Any:
    try:
        return compute()
    except BaseException as error:  # noqa: BLE001  (handed to the waiting thread, which raises it)
        return error


def _frontier_run(c: _Compiled, inst: _Instance, plan: _Plan, limits: _Limits) -> tuple[np.ndarray, np.ndarray]:
    """Final (feasible) vectors of one run and one package each (option positions, all issues)."""
    vec = plan.start[None, :].copy()
    key = np.zeros(1, dtype=np.int64)
    parents, options, sizes = [], [], []
    for stage in plan.stages:
        limits.check(len(vec) * len(stage.options), vec.shape[1])
        parent, option, vec_new, new_key = _expand(inst, stage, vec, key)
        keep = _nondominated(vec_new, new_key, c.float_exact, limits)
        vec, key = vec_new[keep], new_key[keep]
        parents.append(parent[keep])
        options.append(option[keep])
        limits.largest = max(limits.largest, len(vec))
        sizes.append(len(vec))
        limits.project(sizes, plan.stages)
        if not len(vec):
            break
    if not plan.stages:  # every issue has one option: check the reservations here
        if any(vec[0, q] < inst.reservation[q] for q in inst.bounded):
            vec = vec[:0]
    packages = np.zeros((len(vec), len(c.issues)), dtype=_position_dtype(c))
    if len(vec):
        for n in plan.constant:
            packages[:, n] = inst.domains[n][0]
        index = np.arange(len(vec))
        for stage, parent, option in zip(reversed(plan.stages), reversed(parents), reversed(options)):
            packages[:, stage.issue] = stage.options[option[index]]
            index = parent[index]
    return vec, packages


def _position_dtype(c: _Compiled) -> Any:
    return np.int16 if max(len(o) for o in c.options) < 2**15 else np.int32


def _dense(values: np.ndarray) -> tuple[np.ndarray, int]:
    unique, inverse = np.unique(values, return_inverse=True)
    return inverse.ravel().astype(np.int64), len(unique)


def _group(key: np.ndarray, vec: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Equal (key, vector) rows: (index of the first row of each group, group of each row)."""
    if not len(key):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    code, size = _dense(key)
    for q in range(vec.shape[1]):
        if vec.dtype != object:  # offsets from the minimum: no sort needed when the range is small
            low, high = int(vec[:, q].min()), int(vec[:, q].max())
            if high - low < len(vec) * 4:
                ranks, count = (vec[:, q] - low).astype(np.int64), high - low + 1
            else:
                ranks, count = _dense(vec[:, q])
        else:
            ranks, count = _dense(vec[:, q])
        if size * count >= _INT64_SAFE:
            code, size = _dense(code)
        code = code * count + ranks
        size *= count
    _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
    return first, inverse.ravel()


def _sum_by(values: np.ndarray, groups: np.ndarray, count: int) -> np.ndarray:
    if values.dtype == object:
        out = np.zeros(count, dtype=object)
        out[...] = 0
        np.add.at(out, groups, values)
        return out
    out = np.zeros(count, dtype=np.int64)
    np.add.at(out, groups, values)
    return out


@dataclass
class _Layered:
    """The merged layered graph of a reach run: per stage, the edges (parent, option, child)."""

    edges: list[tuple[np.ndarray, np.ndarray, np.ndarray]]
    sizes: list[int]  # states before each stage
    final: np.ndarray  # bool per final state: acceptable
    counts: np.ndarray


def _reach_run(c: _Compiled, inst: _Instance, plan: _Plan, limits: _Limits, keep_edges: bool) -> tuple[int, _Layered | None]:
    """Count (and optionally keep the graph of) the acceptable packages of one run: states are
    (carried classes, capped reservation coordinates) merged with their counts summed."""
    total_packages = math.prod(len(d) for d in inst.domains)
    count_dtype: Any = np.int64 if total_packages < _INT64_SAFE else object
    vec = plan.start[None, :].copy()
    key = np.zeros(1, dtype=np.int64)
    counts = np.ones(1, dtype=count_dtype)
    edges, sizes = [], []
    for stage in plan.stages:
        limits.check(len(vec) * len(stage.options))
        sizes.append(len(vec))
        parent, option, vec_new, new_key = _expand(inst, stage, vec, key)
        first, groups = _group(new_key, vec_new)
        counts = _sum_by(counts[parent], groups, len(first))
        vec, key = vec_new[first], new_key[first]
        if keep_edges:
            edges.append((parent, option, groups))
        limits.largest = max(limits.largest, len(vec))
    final = np.ones(len(vec), dtype=bool)
    if not plan.stages:
        for q in inst.bounded:
            final &= np.asarray(vec[:, q] >= inst.reservation[q], dtype=bool)
    total = int(sum(counts[final].tolist())) if len(vec) else 0
    return total, (_Layered(edges, sizes, final, counts) if keep_edges else None)


def _list_run(c: _Compiled, inst: _Instance, plan: _Plan, graph: _Layered, limit: int | None,
              lexicographic: bool, limits: _Limits) -> np.ndarray:
    """The packages of a reach run (option positions), walking the graph from the last stage back.
    With ``lexicographic`` (stages in reverse scenario order) the walk yields them in lexicographic
    order of the scenario's issues, so it keeps only the paths that can be among the first ``limit``."""
    if limit == 0:
        return np.zeros((0, len(c.issues)), dtype=np.int64)
    if not plan.stages:
        if not graph.final.all() or not len(graph.final):
            return np.zeros((0, len(c.issues)), dtype=np.int64)
        row = np.zeros((1, len(c.issues)), dtype=np.int64)
        for n in plan.constant:
            row[0, n] = inst.domains[n][0]
        return row
    # which states reach an acceptable end
    live = graph.final.copy()
    live_edges = []
    for (parent, option, child), size in zip(reversed(graph.edges), reversed(graph.sizes)):
        ok = live[child]
        live_edges.append((parent[ok], option[ok], child[ok]))
        live = np.zeros(size, dtype=bool)
        live[parent[ok]] = True
    live_edges.reverse()
    node = np.flatnonzero(graph.final)
    rank = np.zeros(len(node), dtype=np.int64)
    columns: dict[int, np.ndarray] = {}
    for k in range(len(plan.stages) - 1, -1, -1):
        parent, option, child = live_edges[k]
        order = np.argsort(child, kind="stable")
        parent, option, child = parent[order], option[order], child[order]
        n_children = int(child.max()) + 1 if len(child) else 0
        starts = np.searchsorted(child, np.arange(n_children + 1))
        degree = (starts[1:] - starts[:-1])[node]
        total = int(degree.sum())
        limits.check(total)
        path = np.repeat(np.arange(len(node)), degree)
        edge = np.repeat(starts[:-1][node], degree) + (np.arange(total) - np.repeat(np.cumsum(degree) - degree, degree))
        opt = option[edge]
        new_order = np.lexsort((opt, rank[path]))
        path, edge, opt = path[new_order], edge[new_order], opt[new_order]
        pair_new = np.ones(total, dtype=bool)
        pair_new[1:] = (rank[path][1:] != rank[path][:-1]) | (opt[1:] != opt[:-1])
        rank = np.cumsum(pair_new) - 1
        for n in columns:
            columns[n] = columns[n][path]
        columns[plan.stages[k].issue] = plan.stages[k].options[opt]
        node = parent[edge]
        if lexicographic and limit is not None and len(rank) > limit:
            cut = np.searchsorted(rank, rank[limit - 1], side="right")
            rank, node = rank[:cut], node[:cut]
            for n in columns:
                columns[n] = columns[n][:cut]
    out = np.zeros((len(rank), len(c.issues)), dtype=np.int64)
    for n in plan.constant:
        out[:, n] = inst.domains[n][0]
    for n, values in columns.items():
        out[:, n] = values
    return out


# =========================================================================== runs
