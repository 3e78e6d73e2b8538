"""Counting and listing: the acceptable packages of a run as a merged layered graph, counted and walked.

Counting merges equal states (carried classes and capped reservation coordinates) and adds their
counts (no dominance).  Listing keeps every edge of the merged layered graph, drops the states that
reach no acceptable end, and walks the graph from the last stage back; with the issues added in
reverse scenario order that walk is lexicographic, so a ``limit`` stops it early (docs/programme.md,
"Counting and listing").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .dominance import expand
from .instance import Instance
from .limits import INT64_SAFE, Limits
from .plan import Plan
from .tables import Tables


def dense_ranks(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Each value's rank among the distinct values, and how many there are."""
    unique, inverse = np.unique(values, return_inverse=True)
    return inverse.ravel().astype(np.int64), len(unique)


def group(keys: np.ndarray, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Equal (key, vector) rows: (index of the first row of each group, group of each row)."""
    if not len(keys):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    code, size = dense_ranks(keys)
    for q in range(vectors.shape[1]):
        if vectors.dtype != object:  # offsets from the minimum: no sort needed when the range is small
            low, high = int(vectors[:, q].min()), int(vectors[:, q].max())
            if high - low < len(vectors) * 4:
                ranks, count = (vectors[:, q] - low).astype(np.int64), high - low + 1
            else:
                ranks, count = dense_ranks(vectors[:, q])
        else:
            ranks, count = dense_ranks(vectors[:, q])
        if size * count >= INT64_SAFE:
            code, size = dense_ranks(code)
        code = code * count + ranks
        size *= count
    _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
    return first, inverse.ravel()


def sum_by(values: np.ndarray, groups: np.ndarray, count: int) -> np.ndarray:
    """The sum of the values in each group (exact: Python ints when the values are)."""
    if values.dtype == object:
        out = np.zeros(count, dtype=object)
        out[...] = 0
        np.add.at(out, groups, values)
        return out
    out = np.zeros(count, dtype=np.int64)
    np.add.at(out, groups, values)
    return out


@dataclass
class Layered:
    """The merged layered graph of a reach run: per stage, the edges (parent, option, child)."""

    edges: list[tuple[np.ndarray, np.ndarray, np.ndarray]]
    sizes: list[int]  # states before each stage
    final: np.ndarray  # bool per final state: acceptable
    counts: np.ndarray


def reach_run(tables: Tables, instance: Instance, plan: Plan, limits: Limits, keep_edges: bool) -> tuple[int, Layered | None]:
    """Count (and optionally keep the graph of) the acceptable packages of one run: states are
    (carried classes, capped reservation coordinates) merged with their counts summed."""
    total_packages = math.prod(len(d) for d in instance.domains)
    count_dtype: Any = np.int64 if total_packages < INT64_SAFE else object
    vectors = plan.start[None, :].copy()
    keys = np.zeros(1, dtype=np.int64)
    counts = np.ones(1, dtype=count_dtype)
    edges, sizes = [], []
    for stage in plan.stages:
        limits.check(len(vectors) * len(stage.options))
        sizes.append(len(vectors))
        parent, option, new_vectors, new_keys = expand(instance, stage, vectors, keys)
        first, groups = group(new_keys, new_vectors)
        counts = sum_by(counts[parent], groups, len(first))
        vectors, keys = new_vectors[first], new_keys[first]
        if keep_edges:
            edges.append((parent, option, groups))
        limits.largest = max(limits.largest, len(vectors))
    final = np.ones(len(vectors), dtype=bool)
    if not plan.stages:
        for q in instance.bounded:
            final &= np.asarray(vectors[:, q] >= instance.reservation[q], dtype=bool)
    total = int(sum(counts[final].tolist())) if len(vectors) else 0
    return total, (Layered(edges, sizes, final, counts) if keep_edges else None)


def list_run(tables: Tables, instance: Instance, plan: Plan, graph: Layered, limit: int | None,
             lexicographic: bool, limits: Limits) -> np.ndarray:
    """The packages of a reach run (option positions), walking the graph from the last stage back.
    With ``lexicographic`` (stages in reverse scenario order) the walk yields them in lexicographic
    order of the scenario's issues, so it keeps only the paths that can be among the first ``limit``."""
    if limit == 0:
        return np.zeros((0, len(tables.issues)), dtype=np.int64)
    if not plan.stages:
        if not graph.final.all() or not len(graph.final):
            return np.zeros((0, len(tables.issues)), dtype=np.int64)
        row = np.zeros((1, len(tables.issues)), dtype=np.int64)
        for n in plan.constant:
            row[0, n] = instance.domains[n][0]
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
        chosen = option[edge]
        new_order = np.lexsort((chosen, rank[path]))
        path, edge, chosen = path[new_order], edge[new_order], chosen[new_order]
        pair_new = np.ones(total, dtype=bool)
        pair_new[1:] = (rank[path][1:] != rank[path][:-1]) | (chosen[1:] != chosen[:-1])
        rank = np.cumsum(pair_new) - 1
        for n in columns:
            columns[n] = columns[n][path]
        columns[plan.stages[k].issue] = plan.stages[k].options[chosen]
        node = parent[edge]
        if lexicographic and limit is not None and len(rank) > limit:
            cut = np.searchsorted(rank, rank[limit - 1], side="right")
            rank, node = rank[:cut], node[:cut]
            for n in columns:
                columns[n] = columns[n][:cut]
    out = np.zeros((len(rank), len(tables.issues)), dtype=np.int64)
    for n in plan.constant:
        out[:, n] = instance.domains[n][0]
    for n, values in columns.items():
        out[:, n] = values
    return out
