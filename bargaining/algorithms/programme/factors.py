"""Factors: the programme's form of a rule over several issues, and how factors shrink and merge.

A factor is a function of the options chosen on its *scope* (a few issues): ``allowed`` (a hard red
line: which combinations it permits) and a ``delta`` per utility coordinate (an interaction's points,
a soft red line's price).  Its tables are indexed by *labels*: per scope issue, options the factor
cannot tell apart share a label, so a table has one cell per distinguishable combination
(docs/programme.md, "Factors").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .tables import Condition, Tables

#: ``holds`` (one bool array over the label grid per condition) -> (allowed or None, {coordinate: values}).
FactorRule = Callable[[list[np.ndarray]], tuple[Any, dict[int, Any]]]


@dataclass
class Factor:
    """A function of the options on ``scope``: ``allowed`` (None: always) and a delta per coordinate.

    ``labels[t][o]`` is the label of option o of issue ``scope[t]`` (-1: outside the domain); the
    tables are indexed by labels: ``allowed`` has shape ``shape``, ``delta`` ``shape + (m,)``."""

    scope: tuple[int, ...]
    labels: list[np.ndarray]
    allowed: np.ndarray | None
    delta: np.ndarray | None

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(int(labels.max()) + 1 for labels in self.labels)

    @property
    def size(self) -> int:
        return math.prod(self.shape)


def condition_factor(tables: Tables, conditions: list[Condition], m: int, rule: FactorRule) -> Factor:
    """A factor from conditions: ``rule(holds)`` -> (allowed or None, {coordinate: int-valued array}),
    where ``holds[q]`` is a bool array over the label grid: whether condition q holds."""
    scope = tuple(sorted(set().union(*conditions)))
    labels, representatives = [], []
    for n in scope:
        signature = [tuple(bool(condition[n][o]) if n in condition else None for condition in conditions)
                     for o in range(len(tables.options[n]))]
        ids: dict[tuple[Any, ...], int] = {}
        labels.append(np.array([ids.setdefault(s, len(ids)) for s in signature], dtype=np.int64))
        representatives.append(np.array([signature.index(s) for s in ids], dtype=np.int64))
    shape = tuple(len(r) for r in representatives)
    holds = []
    for condition in conditions:
        grid = np.ones(shape, dtype=bool)
        for t, n in enumerate(scope):
            if n in condition:
                axis = [1] * len(scope)
                axis[t] = shape[t]
                grid = grid & condition[n][representatives[t]].reshape(axis)
        holds.append(grid)
    allowed, deltas = rule(holds)
    delta = None
    if deltas:
        delta = tables.zeros(shape + (m,))
        for coordinate, values in deltas.items():
            delta[..., coordinate] = values
    return Factor(scope, labels, None if allowed is None else np.broadcast_to(allowed, shape).copy(), delta)


def where(mask: np.ndarray, value: int, dtype: Any) -> np.ndarray:
    """``value`` where ``mask`` holds, 0 elsewhere (in the tables' integer type)."""
    out = np.zeros(mask.shape, dtype=dtype)
    if dtype is object:
        out[...] = 0
    out[mask] = value
    return out


def compress(factor: Factor, domains: list[np.ndarray]) -> Factor:
    """Relabel over the domains only, merge labels whose slices agree, drop axes with one label.
    Deltas where the table forbids are set to 0 (they never apply)."""
    allowed, delta = factor.allowed, factor.delta
    if allowed is not None and delta is not None:
        delta = delta.copy()
        delta[~allowed] = 0
    scope: list[int] = []
    labels: list[np.ndarray] = []
    for t, n in enumerate(factor.scope):
        old = factor.labels[t]
        domain = domains[n]
        used = np.unique(old[domain])
        if allowed is not None:
            allowed = allowed.take(used, axis=len(scope))
        if delta is not None:
            delta = delta.take(used, axis=len(scope))
        ids: dict[tuple[Any, ...], int] = {}
        new_of_used = []
        kept = []
        for u in range(len(used)):
            key = (None if allowed is None else allowed.take(u, axis=len(scope)).tobytes(),
                   None if delta is None else tuple(delta.take(u, axis=len(scope)).ravel().tolist()))
            if key not in ids:
                ids[key] = len(ids)
                kept.append(u)
            new_of_used.append(ids[key])
        kept_index = np.array(kept, dtype=np.int64)
        if allowed is not None:
            allowed = allowed.take(kept_index, axis=len(scope))
        if delta is not None:
            delta = delta.take(kept_index, axis=len(scope))
        if len(kept) == 1:  # the factor does not depend on this issue within its domain
            if allowed is not None:
                allowed = allowed.take(0, axis=len(scope))
            if delta is not None:
                delta = delta.take(0, axis=len(scope))
            continue
        relabelled = np.full(len(old), -1, dtype=np.int64)
        relabelled[domain] = np.array(new_of_used, dtype=np.int64)[np.searchsorted(used, old[domain])]
        scope.append(n)
        labels.append(relabelled)
    if allowed is not None and allowed.all():
        allowed = None
    if delta is not None and not np.any(delta != 0):
        delta = None
    return Factor(tuple(scope), labels, allowed, delta)


def merge(first: Factor, second: Factor, domains: list[np.ndarray], tables: Tables) -> Factor:
    """One factor for both (scope: the first's, then the second's other issues)."""
    scope = first.scope + tuple(n for n in second.scope if n not in first.scope)
    maps: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    labels = []
    for n in scope:
        first_labels = first.labels[first.scope.index(n)] if n in first.scope else np.zeros(len(tables.options[n]), dtype=np.int64)
        second_labels = second.labels[second.scope.index(n)] if n in second.scope else np.zeros(len(tables.options[n]), dtype=np.int64)
        ids: dict[tuple[int, int], int] = {}
        joint = np.full(len(first_labels), -1, dtype=np.int64)
        for o in domains[n]:
            joint[o] = ids.setdefault((int(first_labels[o]), int(second_labels[o])), len(ids))
        pairs = np.array(list(ids), dtype=np.int64).reshape(-1, 2)
        maps[n] = (pairs[:, 0], pairs[:, 1])
        labels.append(joint)
    shape = tuple(len(maps[n][0]) for n in scope)

    def lookup(factor: Factor, which: int, table: np.ndarray | None, trailing: bool) -> np.ndarray | None:
        if table is None:
            return None
        index = []
        for n in factor.scope:
            axis = [1] * len(scope)
            u = scope.index(n)
            axis[u] = shape[u]
            index.append(maps[n][which].reshape(axis))
        out = table[tuple(index)]
        return np.broadcast_to(out, shape + ((table.shape[-1],) if trailing else ()))

    first_allowed, second_allowed = lookup(first, 0, first.allowed, False), lookup(second, 1, second.allowed, False)
    first_delta, second_delta = lookup(first, 0, first.delta, True), lookup(second, 1, second.delta, True)
    allowed = first_allowed if second_allowed is None else second_allowed if first_allowed is None else first_allowed & second_allowed
    delta = first_delta if second_delta is None else second_delta if first_delta is None else first_delta + second_delta
    return compress(Factor(scope, labels, None if allowed is None else allowed.copy(), None if delta is None else delta.copy()), domains)
