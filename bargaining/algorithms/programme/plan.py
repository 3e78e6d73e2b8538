"""The stage plan of one run: per stage, the factors that close, the carried classes before and after, and the bounds.

After stage k a state is (c, x): x the partial utility vector and c the carried classes (a key).
Adding issue i with option o maps (c, x) to (c', x + points(i, o) + the deltas of the factors that
close at i), dropped if one forbids it.  ``hi_rest`` / ``lo_rest`` bound what the stages after k can
still add: the sums of the later stages' largest and smallest points and deltas (docs/programme.md,
"Bounds").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .factors import Factor
from .instance import Instance
from .limits import NotApplicable
from .order import option_classes

#: How a factor's axis reads a state: (the carried slot, or -1 for the stage's own issue; a map from that
#: slot's class, or the stage's option, to the factor's label).
Axis = tuple[int, np.ndarray]


@dataclass
class Stage:
    """One issue added: its options (domain positions), their points, the factors closing here, the key's layout."""

    issue: int
    options: np.ndarray
    points: np.ndarray  # (len(options), dimension)
    closing: list[tuple[Factor, list[Axis]]]
    in_sizes: tuple[int, ...]  # class counts of the carried slots before the stage
    in_strides: tuple[int, ...]
    out: list[Axis]  # per carried slot after the stage: (its slot before, or -1; a map to its class now)
    out_strides: tuple[int, ...]
    carried: int  # product of carried class counts after this stage
    hi_rest: np.ndarray | None = None  # (dimension,): an upper bound on what the later stages add
    lo_rest: np.ndarray | None = None  # (dimension,): a lower bound on it


@dataclass
class Plan:
    """Every stage of a run, in order, and where the run starts."""

    order: list[int]
    stages: list[Stage]
    constant: list[int]  # issues with one option (conditioned out of every factor)
    largest_carried: int
    start: np.ndarray  # (dimension,): constant factors plus the points of the constant issues


def strides(sizes: Sequence[int]) -> tuple[int, ...]:
    """Mixed-radix strides: the key of classes (c_1, c_2, ...) is sum c_t x stride_t."""
    out, total = [], 1
    for size in sizes:
        out.append(total)
        total *= size
    return tuple(out)


def representatives(classes: np.ndarray) -> np.ndarray:
    """The first domain index of each class (classes are numbered by first appearance)."""
    _, first = np.unique(classes, return_index=True)
    return first


def plan_of(instance: Instance, order: Sequence[int], max_carried: int) -> Plan:
    """The stages of a run in this issue order (refused when the carried classes would pass ``max_carried``)."""
    active = [n for n in order if len(instance.domains[n]) > 1]
    position = {n: k for k, n in enumerate(active)}
    last = [max(position[n] for n in factor.scope) for factor in instance.factors]
    constant = [n for n in range(len(instance.domains)) if len(instance.domains[n]) == 1]
    stages: list[Stage] = []
    carried: list[int] = []  # issues carried before the stage
    class_of: dict[int, np.ndarray] = {}  # issue -> class of each domain index (current)
    sizes: dict[int, int] = {}
    largest = 1
    for k, n in enumerate(active):
        domain = instance.domains[n]
        closing = []
        for q, factor in enumerate(instance.factors):
            if last[q] != k:
                continue
            axes: list[Axis] = []
            for t, j in enumerate(factor.scope):
                labels = factor.labels[t]
                if j == n:
                    axes.append((-1, labels[domain]))
                else:
                    axes.append((carried.index(j), labels[instance.domains[j][representatives(class_of[j])]]))
            closing.append((factor, axes))
        out_issues, out = [], []
        new_class: dict[int, np.ndarray] = {}
        for j in carried + [n]:
            open_labels = [f.labels[f.scope.index(j)] for q, f in enumerate(instance.factors) if last[q] > k and j in f.scope]
            if not open_labels:
                continue
            classes = option_classes(open_labels, instance.domains[j])
            new_class[j] = classes
            out_issues.append(j)
            if j == n:
                out.append((-1, classes))
            else:
                out.append((carried.index(j), classes[representatives(class_of[j])]))
        out_sizes = [int(new_class[j].max()) + 1 for j in out_issues]
        product = math.prod(out_sizes)
        largest = max(largest, product)
        if product > max_carried:
            raise NotApplicable(f"the carried options would reach {product:,} combinations at issue "
                                f"{k + 1} of {len(active)} (max_carried={max_carried:,}); too coupled for the DP")
        stages.append(Stage(n, domain, instance.points[n][domain], closing, tuple(sizes[j] for j in carried),
                            strides([sizes[j] for j in carried]), out, strides(out_sizes), product))
        carried = out_issues
        class_of = new_class
        sizes = {j: s for j, s in zip(out_issues, out_sizes)}
    bound_the_rest(stages, instance.dimension)
    start = instance.offset.copy()
    for n in constant:
        start = start + instance.points[n][instance.domains[n][0]]
    return Plan(active, stages, constant, largest, start)


def bound_the_rest(stages: list[Stage], dimension: int) -> None:
    """Set each stage's ``hi_rest`` and ``lo_rest``: the sums over the later stages of their largest and smallest
    points and closing deltas (Python ints: exact whatever the magnitudes)."""
    highest = [np.array([_largest(s.points[:, q]) for q in range(dimension)], dtype=object) for s in stages]
    lowest = [np.array([_smallest(s.points[:, q]) for q in range(dimension)], dtype=object) for s in stages]
    for stage, high, low in zip(stages, highest, lowest):
        for factor, _ in stage.closing:
            if factor.delta is None:
                continue
            flat = factor.delta.reshape(-1, dimension)
            if factor.allowed is not None:
                flat = flat[factor.allowed.ravel()]
            high += np.array([_largest(flat[:, q]) for q in range(dimension)], dtype=object)
            low += np.array([_smallest(flat[:, q]) for q in range(dimension)], dtype=object)
    rest_high, rest_low = np.zeros(dimension, dtype=object), np.zeros(dimension, dtype=object)
    for stage, high, low in zip(reversed(stages), reversed(highest), reversed(lowest)):
        stage.hi_rest, stage.lo_rest = rest_high.copy(), rest_low.copy()
        rest_high = rest_high + high
        rest_low = rest_low + low


def _largest(values: np.ndarray) -> int:
    return int(max(values.tolist())) if len(values) else 0


def _smallest(values: np.ndarray) -> int:
    return int(min(values.tolist())) if len(values) else 0
