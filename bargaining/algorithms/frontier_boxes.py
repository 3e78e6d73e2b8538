"""One box of the frontier search (:mod:`.frontier_mip`), solved here or on a worker.

A box's solve leaves f_0 free, holds each other party's utility above the box's bound, and
maximises f_0 then the others' sum (lexicographically, exactly on the lattice).  A worker
(:mod:`bargaining.engine.executor`) rebuilds the engine from the caller's replica once -- the
scenario with the caller's waived requirements, imposed coalition, frozen issues and world --
and answers the boxes it is sent with :func:`solve_box`.  The mathematics: docs/frontier.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from ..engine.search import Edit, Search
from ..results import Package

#: Lattice coordinate standing for "no bound" (minus infinity).
UNBOUNDED = np.iinfo(np.int64).min // 4


@dataclass
class BoxProblem:
    """One box's solve: f_0 free, f_j above the box's bound (j >= 1), lexicographic objective."""

    parties: list[str]
    step: dict[str, Fraction]
    weight: int
    objective: Any
    granularity: Fraction | None

    @classmethod
    def of(cls, search: Search, parties: list[str], step: dict[str, Fraction], weight: int | None = None) -> "BoxProblem":
        others = parties[1:]
        if weight is None:  # one step of f_0 outweighs any change of the others: exact lexicographic order
            spans = [search.utility_range(p) for p in others]
            weight = sum(math.ceil((high - low) / float(step[p])) for p, (low, high) in zip(others, spans)) + 1
        objective = weight * search.utility(parties[0]) / float(step[parties[0]]) + sum(search.utility(p) / float(step[p]) for p in others)
        granularity = Fraction(1) if all(search.unit(p) is not None for p in parties) else None
        return cls(parties, step, weight, objective, granularity)

    def spec(self) -> tuple[Any, ...]:
        return self.parties, {p: (v.numerator, v.denominator) for p, v in self.step.items()}, self.weight

    def solve(self, search: Search, edit: Edit, box: np.ndarray) -> tuple[str, Package | None]:
        """Solve one box; the bounds stay set in ``edit`` (the next box overwrites them, the edit's end undoes them)."""
        edit.gain_at_least(self.parties[0], None)
        for p, low in zip(self.parties[1:], box[1:]):
            reservation = search.reservation(p)
            # (on a grid axis a point exactly on the bound belongs to the cell: no margin, else a point on a cell's
            # corner is lost; one the solver reads a hair below is counted in the box by the search's bookkeeping)
            edit.gain_at_least(p, None if low == UNBOUNDED else (int(low) + 1) * self.step[p] - reservation)
        outcome, package = search.maximize(self.objective, self.granularity)
        return outcome.status, package


# ---- on a worker: each engine keeps the box problem it was last asked about

#: In a worker: the engine the last box problem was built on, the problem's spec, and the problem (its objective built
#: once per engine and spec).  The engine itself is held, not its id(): an engine freed when the worker moved to another
#: replica could leave its id to the next one, which would then be handed a problem built on a model that is gone.
_LAST: list[tuple[Search, tuple[Any, ...], BoxProblem]] = []


def solve_box(search: Search, spec: tuple[Any, ...], box: list[int], seconds: float | None) -> tuple[str, dict[str, Any] | None]:
    """Work for the executor (:mod:`bargaining.engine.executor`): one box solved on a worker's engine (a replica of
    the caller's), its bounds set inside an edit of its own; (status, the package's choices or None)."""
    parties, step, weight = spec
    key = (tuple(parties), tuple(sorted(step.items())), weight)
    if not _LAST or _LAST[0][0] is not search or _LAST[0][1] != key:  # one problem at a time per worker
        _LAST[:] = [(search, key, BoxProblem.of(search, list(parties), {p: Fraction(*v) for p, v in step.items()}, weight))]
    problem = _LAST[0][2]
    with search.changes() as edit, search.limited(seconds):
        status, package = problem.solve(search, edit, np.array(box, dtype=np.int64))
    return status, None if package is None else package.exact_choices
