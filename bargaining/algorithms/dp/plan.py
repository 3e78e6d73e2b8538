"""One run of the programme: its instance (domains, factors, coordinates), the issue order and the stage plan."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Collection, Mapping, Sequence

import numpy as np

from .compile import _Compiled, _compress, _condition_factor, _Factor, _merge, _where
from .limits import _MAX_TABLE, NotApplicable, Waiver


@dataclass(frozen=True)
class _Run:
    must: frozenset[int]  # parties that must accept
    free: frozenset[int]  # issues that may leave their status quo (controlled ones); others are free anyway


@dataclass
class _Instance:
    coords: tuple[int, ...]  # party index of each coordinate
    bounded: tuple[int, ...]  # coordinates with a reservation to meet
    capped: tuple[int, ...]  # bounded coordinates that are not objectives
    reservation: dict[int, Any]  # coordinate -> scaled reservation
    domains: list[np.ndarray]  # per issue: allowed option positions
    tables: list[np.ndarray]  # per issue: (options, m) points incl. folded single-issue factors
    factors: list[_Factor]
    offset: np.ndarray  # (m,)
    empty: bool

    @property
    def m(self) -> int:
        return len(self.coords)


def _instance(c: _Compiled, run: _Run, objectives: Sequence[int], waived: Collection[Waiver],
              fixed: Mapping[int, int], soft: Mapping[int, Any]) -> _Instance:
    """The DP problem of one run: who must accept, which issues are frozen, the factors."""
    bounded_parties = [p for p in sorted(run.must) if ("reservation", c.parties[p]) not in waived]
    coords = tuple(sorted(set(objectives) | set(bounded_parties)))
    where = {p: k for k, p in enumerate(coords)}
    m = len(coords)
    bounded = tuple(where[p] for p in bounded_parties)
    capped = tuple(where[p] for p in bounded_parties if p not in objectives)
    reservation = {where[p]: c.reservation[p] for p in bounded_parties}
    domains = []
    for n in range(len(c.issues)):
        dom = np.arange(len(c.options[n]))
        if c.rules[n] is not None and n not in run.free:
            dom = np.array([c.status_quo[n]])
        if n in fixed:
            dom = dom[dom == fixed[n]]
        domains.append(dom)
    tables = [c.points[n][:, list(coords)].copy() for n in range(len(c.issues))]
    offset = c.zeros(m)
    factors = []
    for p, when, value in c.interactions:
        if p in where:
            factors.append(_condition_factor(c, [when], m, lambda h, k=where[p], v=value: (None, {k: _where(h[0], v, c.dtype)})))
    for k, p, conds, price in c.red_lines:
        if not conds:  # no forbidden conjunction: the line always holds
            continue
        if price is None and ("red_line", k) in waived:  # (a waiver switches a hard line off; a soft one still costs)
            continue
        if price is None and p not in run.must:
            continue
        if price is not None and p not in where:
            continue
        if price is None:
            factors.append(_condition_factor(c, conds, m, lambda h: (~_broken(h), {})))
        else:
            factors.append(_condition_factor(c, conds, m, lambda h, q=where[p], v=-price: (None, {q: _where(_broken(h), v, c.dtype)})))

    empty = any(len(d) == 0 for d in domains)
    changed = True
    while changed and not empty:
        changed = False
        kept = []
        for f in factors:
            f = _compress(f, domains)
            if f.allowed is None and f.delta is None:
                continue
            if not f.scope:
                if f.allowed is not None and not bool(f.allowed):
                    empty = True
                if f.delta is not None:
                    offset = offset + f.delta
                continue
            if len(f.scope) == 1:
                n, lab = f.scope[0], f.labels[0]
                if f.delta is not None:
                    tables[n][domains[n]] += f.delta[lab[domains[n]]]
                if f.allowed is not None:
                    domains[n] = domains[n][f.allowed[lab[domains[n]]]]
                changed = True
                continue
            if f.allowed is not None:
                for t, n in enumerate(f.scope):
                    others = tuple(a for a in range(len(f.scope)) if a != t)
                    supported = f.allowed.any(axis=others)
                    ok = supported[f.labels[t][domains[n]]]
                    if not ok.all():
                        domains[n] = domains[n][ok]
                        changed = True
            kept.append(f)
        factors = kept
        empty = empty or any(len(d) == 0 for d in domains)
    if empty:
        return _Instance(coords, bounded, capped, reservation, domains, tables, [], offset, True)
    # merge factors whose scopes nest (largest scopes first)
    merged: list[_Factor] = []
    for f in sorted(factors, key=lambda f: -len(f.scope)):
        for k, g in enumerate(merged):
            if set(f.scope) <= set(g.scope) and g.size * f.size <= _MAX_TABLE:
                merged[k] = _merge(g, f, domains, c)
                break
        else:
            merged.append(f)
    for f in merged:  # a merge can leave a constant factor (e.g. a soft forbid and a soft require of one condition)
        if not f.scope:
            if f.allowed is not None and not bool(f.allowed):
                return _Instance(coords, bounded, capped, reservation, domains, tables, [], offset, True)
            if f.delta is not None:
                offset = offset + f.delta
    return _Instance(coords, bounded, capped, reservation, domains, tables, [f for f in merged if f.scope], offset, False)


def _broken(holds: list[np.ndarray]) -> np.ndarray:
    """A red line is broken where one of its forbidden conjunctions holds."""
    return np.logical_or.reduce(holds)


# =========================================================================== order and plan


def _classes(f_labels: list[np.ndarray], domain: np.ndarray) -> np.ndarray:
    """Class of each domain index: options with equal labels in every given factor share a class."""
    if not f_labels:
        return np.zeros(len(domain), dtype=np.int64)
    rows = np.stack([lab[domain] for lab in f_labels], axis=1)
    _, first, inverse = np.unique(rows, axis=0, return_index=True, return_inverse=True)
    # number classes by first appearance (deterministic, independent of label values)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inverse.ravel()]


def _choose_order(inst: _Instance, counting: bool = False) -> list[int]:
    """Coupled issues first, greedily: each step adds the issue that leaves the smallest product of
    carried class counts (ties: the one closing most factors, then fewest unprocessed neighbours,
    then the first); free issues after, least conflicting first (see _conflict) for the frontier,
    most conflicting first for counting (measured: 20x5x3 count 3.3 -> 1.2 s, 30x5x3 28 -> 21 s;
    there the state sets are the distinct capped partial vectors, not non-dominated sets)."""
    active = [n for n, d in enumerate(inst.domains) if len(d) > 1]
    touching: dict[int, list[int]] = {n: [] for n in active}
    for k, f in enumerate(inst.factors):
        for n in f.scope:
            touching[n].append(k)
    coupled = [n for n in active if touching[n]]
    free = [n for n in active if not touching[n]]
    cache: dict[tuple[int, frozenset], int] = {}

    def count(n: int, open_factors: frozenset) -> int:
        key = (n, open_factors)
        if key not in cache:
            labs = [inst.factors[k].labels[inst.factors[k].scope.index(n)] for k in sorted(open_factors)]
            cache[key] = int(_classes(labs, inst.domains[n]).max()) + 1
        return cache[key]

    def weight(processed: set[int]) -> int:
        total = 1
        for n in processed:
            still = frozenset(k for k in touching[n] if not set(inst.factors[k].scope) <= processed)
            if still:
                total *= count(n, still)
        return total

    order: list[int] = []
    processed: set[int] = set()
    remaining = list(coupled)
    while remaining:
        best, best_key = None, None
        for n in remaining:
            after = processed | {n}
            closing = sum(1 for k in touching[n] if set(inst.factors[k].scope) <= after)
            neighbours = {j for k in touching[n] for j in inst.factors[k].scope} - after
            key = (weight(after), -closing, len(neighbours))
            if best_key is None or key < best_key:
                best, best_key = n, key
        order.append(best)
        processed.add(best)
        remaining.remove(best)

    sign = -1.0 if counting else 1.0
    return order + sorted(free, key=lambda n: sign * _conflict(inst.tables[n][inst.domains[n]]))


def _conflict(table: np.ndarray) -> float:
    """How much the coordinates disagree over an issue's options: minus the sum of the pairwise
    correlations of the columns (constant columns count 0).  Adding the least conflicting issues
    first keeps the intermediate non-dominated sets small (measured on random_scenario: total
    candidates 20x4x4 52k vs 75k by decreasing spread, 125k in scenario order; 30x5x4 2.3M vs 3.7M)."""
    if table.shape[0] < 2 or table.shape[1] < 2:
        return 0.0
    x = table.astype(np.float64)
    x = x - x.mean(axis=0)
    norm = np.sqrt((x * x).sum(axis=0))
    norm[norm == 0] = 1.0  # a constant column: its zero deviations give correlation 0
    x = x / norm
    corr = x.T @ x
    return -float(corr[np.triu_indices(table.shape[1], 1)].sum())


@dataclass
class _Stage:
    issue: int
    options: np.ndarray  # domain positions
    table: np.ndarray  # (len(options), m)
    closing: list[tuple[_Factor, list[tuple[int, np.ndarray]]]]  # per scope axis: (carried slot or -1 for this issue, map -> label)
    in_sizes: tuple[int, ...]
    in_strides: tuple[int, ...]
    out: list[tuple[int, np.ndarray]]  # per carried slot after: (slot before or -1, map -> class)
    out_strides: tuple[int, ...]
    carried: int  # product of carried class counts after this stage
    hi_rest: np.ndarray | None = None  # (m,) upper bound on the rest, after this stage
    lo_rest: np.ndarray | None = None


@dataclass
class _Plan:
    order: list[int]
    stages: list[_Stage]
    constant: list[int]  # issues with one option (conditioned out of every factor)
    largest_carried: int
    start: np.ndarray  # (m,): constant factors plus the points of the constant issues


def _strides(sizes: Sequence[int]) -> tuple[int, ...]:
    out, total = [], 1
    for s in sizes:
        out.append(total)
        total *= s
    return tuple(out)


def _plan(inst: _Instance, order: Sequence[int], max_carried: int) -> _Plan:
    """Per stage: the factors that close, the carried classes before and after, the bounds."""
    active = [n for n in order if len(inst.domains[n]) > 1]
    position = {n: k for k, n in enumerate(active)}
    last = [max(position[n] for n in f.scope) for f in inst.factors]
    constant = [n for n in range(len(inst.domains)) if len(inst.domains[n]) == 1]
    stages: list[_Stage] = []
    carried: list[int] = []  # issues carried before the stage
    class_of: dict[int, np.ndarray] = {}  # issue -> class of each domain index (current)
    sizes: dict[int, int] = {}
    largest = 1
    for k, n in enumerate(active):
        dom = inst.domains[n]
        closing = []
        for q, f in enumerate(inst.factors):
            if last[q] != k:
                continue
            axes = []
            for t, j in enumerate(f.scope):
                lab = f.labels[t]
                if j == n:
                    axes.append((-1, lab[dom]))
                else:
                    slot = carried.index(j)
                    reps = _representatives(class_of[j])
                    axes.append((slot, lab[inst.domains[j][reps]]))
            closing.append((f, axes))
        after = carried + [n]
        out_issues, out = [], []
        new_class: dict[int, np.ndarray] = {}
        for j in after:
            open_labels = [f.labels[f.scope.index(j)] for q, f in enumerate(inst.factors) if last[q] > k and j in f.scope]
            if not open_labels:
                continue
            cls = _classes(open_labels, inst.domains[j])
            new_class[j] = cls
            out_issues.append(j)
            if j == n:
                out.append((-1, cls))
            else:
                out.append((carried.index(j), cls[_representatives(class_of[j])]))
        out_sizes = [int(new_class[j].max()) + 1 for j in out_issues]
        product = math.prod(out_sizes)
        largest = max(largest, product)
        if product > max_carried:
            raise NotApplicable(f"the carried options would reach {product:,} combinations at issue "
                                f"{k + 1} of {len(active)} (max_carried={max_carried:,}); too coupled for the DP")
        stages.append(_Stage(n, dom, inst.tables[n][dom], closing, tuple(sizes[j] for j in carried),
                             _strides([sizes[j] for j in carried]), out, _strides(out_sizes), product))
        carried = out_issues
        class_of = new_class
        sizes = {j: s for j, s in zip(out_issues, out_sizes)}
    # bounds on what the stages after k can still add
    m = inst.m
    hi = [np.array([_max(s.table[:, q]) for q in range(m)], dtype=object) for s in stages]
    lo = [np.array([_min(s.table[:, q]) for q in range(m)], dtype=object) for s in stages]
    for s, h, l in zip(stages, hi, lo):
        for f, _ in s.closing:
            if f.delta is None:
                continue
            flat = f.delta.reshape(-1, m)
            if f.allowed is not None:
                flat = flat[f.allowed.ravel()]
            h += np.array([_max(flat[:, q]) for q in range(m)], dtype=object)
            l += np.array([_min(flat[:, q]) for q in range(m)], dtype=object)
    zero = np.zeros(m, dtype=object)
    rest_hi, rest_lo = zero.copy(), zero.copy()
    for s, h, l in zip(reversed(stages), reversed(hi), reversed(lo)):
        s.hi_rest, s.lo_rest = rest_hi.copy(), rest_lo.copy()
        rest_hi = rest_hi + h
        rest_lo = rest_lo + l
    start = inst.offset.copy()
    for n in constant:
        start = start + inst.tables[n][inst.domains[n][0]]
    return _Plan(active, stages, constant, largest, start)


def _representatives(cls: np.ndarray) -> np.ndarray:
    """The first domain index of each class (classes are numbered by first appearance)."""
    _, first = np.unique(cls, return_index=True)
    return first


def _max(values: np.ndarray) -> int:
    return int(max(values.tolist())) if len(values) else 0


def _min(values: np.ndarray) -> int:
    return int(min(values.tolist())) if len(values) else 0


# =========================================================================== kernels
