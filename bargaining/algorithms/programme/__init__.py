"""The programme: the exact Pareto frontier, count and list of the acceptable packages, by dynamic programming over issues.

The mathematics (scaling, factors, the state and its dominance, the bounds, the coupling of optional
controllers, counting and listing), with a worked example: docs/programme.md.  Modules, by what they hold:
:mod:`.tables` (the scenario as integer tables), :mod:`.factors`, :mod:`.runs` (who must accept),
:mod:`.instance` (one run's problem), :mod:`.order`, :mod:`.plan` (stages and bounds), :mod:`.dominance`
(the frontier run), :mod:`.counting` (count and list), :mod:`.requests`, :mod:`.limits`, and
:mod:`.budget` (how much of a search's time the programme may take, under the edits in force).

API
---
``frontier(scenario, parties=None, *, waived=(), coalition=None, fixed=None, deadline=None, max_states=...,
max_carried=..., order=None, estimate=False, soft=None) -> ProgrammeFrontier``
    Every non-dominated utility vector over ``parties`` (default: all) among the acceptable
    packages, with one package attaining each.
``count(scenario, *, waived=(), coalition=None, fixed=None, deadline=None, ..., soft=None) -> int``
    How many packages are acceptable (a Python int; may exceed 10**15).
``acceptable(scenario, limit=None, *, waived=(), coalition=None, fixed=None, ..., soft=None) -> list[dict]``
    The acceptable packages (issue id -> option id), in lexicographic order of the options'
    positions with issues in the scenario's order; the first ``limit`` of them.
``soft={red-line index: price}``
    Treat those red lines as soft (breaking one costs its party the price, in every utility
    reported, instead of making the package unacceptable); default: the stated world's (a price
    and no ``real``).
``NotApplicable(reason)`` / ``LimitReached``
    Raised when the programme cannot answer exactly (a continuous issue, too many carried options
    or optional controllers) / when ``deadline`` or ``max_states`` stops a run (nothing partial is
    returned).  Callers catch ``NotApplicable`` and ask the model instead.

Acceptability is exactly that of ``Scenario.signers(choices, waived, coalition)``, with the issues
in ``fixed`` frozen.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any, Collection, Mapping, Sequence

import numpy as np

from ...scenario import Scenario
from .counting import list_run, reach_run
from .dominance import as_float, frontier_run, nondominated, position_dtype
from .instance import Instance, instance_of
from .limits import DEFAULT_MAX_CARRIED, DEFAULT_MAX_STATES, LimitReached, Limits, NotApplicable, Waiver
from .order import choose_order
from .plan import Plan, plan_of
from .requests import checked_waivers, fixed_positions, issue_order
from .runs import count_terms, cover_runs
from .tables import stated_soft, tables_of

__all__ = ["LimitReached", "NotApplicable", "ProgrammeFrontier", "acceptable", "count", "frontier"]


@dataclass(frozen=True, eq=False)
class ProgrammeFrontier:
    """The exact Pareto frontier over ``parties``: one package per non-dominated vector.

    ``order``: the issue order of the first run (issues left with one possible option first);
    ``runs``: how many runs the optional controllers needed; ``largest_state_set``: the most
    states kept after a stage; ``largest_carried``: the largest product of carried class counts.

    Row k: ``index[k]`` the option positions (scenario issue order), ``scaled[k, j]`` party
    ``all_parties[j]``'s utility times ``denominators[j]`` (an integer: int64 or Python int).
    Rows are sorted by the frontier parties' utilities, largest first (lexicographically).
    ``utilities`` and ``choices`` build the exact dicts on first use (they can be large).
    """

    parties: tuple[str, ...]
    all_parties: tuple[str, ...]
    issues: tuple[str, ...]
    option_ids: tuple[tuple[str, ...], ...]
    index: np.ndarray
    scaled: np.ndarray
    denominators: tuple[int, ...]
    largest_state_set: int
    largest_carried: int
    runs: int
    seconds: float
    order: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.index)

    @cached_property
    def utilities(self) -> list[dict[str, Fraction]]:
        """One exact vector per frontier point, every party's utility."""
        rows = self.scaled.tolist()
        return [{p: Fraction(int(v), d) for p, v, d in zip(self.all_parties, row, self.denominators)} for row in rows]

    @cached_property
    def choices(self) -> list[dict[str, str]]:
        """One package per frontier point: issue id -> option id."""
        return [{i: self.option_ids[n][k] for n, (i, k) in enumerate(zip(self.issues, row))} for row in self.index.tolist()]

    def vectors(self) -> set[tuple[Fraction, ...]]:
        """The frontier as a set of exact vectors over ``parties``."""
        columns = [self.all_parties.index(p) for p in self.parties]
        return {tuple(Fraction(int(row[j]), self.denominators[j]) for j in columns) for row in self.scaled.tolist()}


def soft_lines(scenario: Scenario, soft: Mapping[int, Any] | None) -> dict[int, Any]:
    """The red lines soft in this call: ``soft``, else the stated world's."""
    return stated_soft(scenario) if soft is None else dict(soft)


def frontier(scenario: Scenario, parties: Sequence[str] | None = None, *, waived: Collection[Waiver] = (),
             coalition: Collection[str] | None = None, fixed: Mapping[str, str] | None = None,
             deadline: float | None = None, max_states: int = DEFAULT_MAX_STATES,
             max_carried: int = DEFAULT_MAX_CARRIED, order: Sequence[str] | None = None, estimate: bool = False,
             soft: Mapping[int, Any] | None = None) -> ProgrammeFrontier:
    """The exact Pareto frontier over ``parties`` (default all) among acceptable packages.

    Acceptable as ``scenario.signers(choices, waived, coalition)`` says, with the issues in
    ``fixed`` (issue id -> option id) frozen.  A vector is on the frontier when no acceptable
    package is at least as good for every party in ``parties`` and better for one; one package
    per vector.  ``deadline`` is a ``time.perf_counter()`` value; ``max_states`` caps the
    candidate states of a stage, ``max_carried`` the product of carried class counts (checked
    before any run starts); ``order`` forces the issue order.  ``estimate``: give up (LimitReached)
    as soon as the state sets' growth so far projects a later stage past ``max_states`` (a cheap
    size estimate for a caller on a small budget).  Raises NotApplicable (and its subclass
    LimitReached) when the programme cannot answer exactly.
    """
    started = time.perf_counter()
    tables = tables_of(scenario, soft_lines(scenario, soft))
    chosen = list(tables.parties) if parties is None else list(parties)
    if not chosen or len(set(chosen)) != len(chosen) or any(p not in tables.parties for p in chosen):
        raise ValueError(f"parties must be distinct ids among {', '.join(tables.parties)}")
    objectives = [tables.parties.index(p) for p in chosen]
    waivers = checked_waivers(tables, waived)
    positions = fixed_positions(tables, fixed)
    limits = Limits(deadline, max_states, estimate=estimate)
    runs = cover_runs(tables, coalition)
    planned: list[tuple[Instance, Plan]] = []  # every run planned (and refused if too coupled) before any starts
    for run in runs:
        instance = instance_of(tables, run, objectives, waivers, positions)
        if not instance.empty:
            planned.append((instance, plan_of(instance, issue_order(instance, order, tables), max_carried)))
    found_vectors, found_packages = [], []
    used_order = planned[0][1].constant + planned[0][1].order if planned else list(range(len(tables.issues)))
    largest_carried = max((plan.largest_carried for _, plan in planned), default=1)
    for instance, plan in planned:
        vectors, packages = frontier_run(tables, instance, plan, limits)
        if len(vectors):
            columns = [instance.coordinates.index(j) for j in objectives]
            found_vectors.append(vectors[:, columns])
            found_packages.append(packages)
    if found_vectors:
        vectors = np.concatenate(found_vectors)
        packages = np.concatenate(found_packages)
        keep = nondominated(vectors, np.zeros(len(vectors), dtype=np.int64), tables.float_exact, limits)
        vectors, packages = vectors[keep], packages[keep]
        ranks = as_float(vectors, False)
        rows = np.lexsort(tuple(-ranks[:, q] for q in range(ranks.shape[1] - 1, -1, -1)))
        vectors, packages = vectors[rows], packages[rows]
    else:
        vectors = np.zeros((0, len(objectives)), dtype=tables.dtype)
        packages = np.zeros((0, len(tables.issues)), dtype=position_dtype(tables))
    scaled = tables.evaluate(packages)
    if not np.array_equal(scaled[:, objectives].astype(object), vectors.astype(object)):
        raise AssertionError("the programme's vectors differ from its packages' utilities (a bug)")
    return ProgrammeFrontier(
        parties=tuple(chosen), all_parties=tables.parties, issues=tables.issues, option_ids=tables.options,
        index=packages, scaled=scaled, denominators=tables.denominators, largest_state_set=limits.largest,
        largest_carried=largest_carried, runs=len(runs), seconds=time.perf_counter() - started,
        order=tuple(tables.issues[n] for n in used_order),
    )


def count(scenario: Scenario, *, waived: Collection[Waiver] = (), coalition: Collection[str] | None = None,
          fixed: Mapping[str, str] | None = None, deadline: float | None = None,
          max_states: int = DEFAULT_MAX_STATES, max_carried: int = DEFAULT_MAX_CARRIED,
          soft: Mapping[int, Any] | None = None) -> int:
    """How many packages are acceptable (``scenario.signers(choices, waived, coalition)`` is not
    None, issues in ``fixed`` frozen), without listing them.  Exact Python int."""
    tables = tables_of(scenario, soft_lines(scenario, soft))
    waivers = checked_waivers(tables, waived)
    positions = fixed_positions(tables, fixed)
    limits = Limits(deadline, max_states)
    planned = []  # every term planned (and refused if too coupled) before any run starts
    for run, coefficient in count_terms(tables, coalition):
        instance = instance_of(tables, run, [], waivers, positions)
        if not instance.empty:
            planned.append((instance, plan_of(instance, choose_order(instance, counting=True), max_carried), coefficient))
    total = 0
    for instance, plan, coefficient in planned:
        found, _ = reach_run(tables, instance, plan, limits, keep_edges=False)
        total += coefficient * found
    return total


def acceptable(scenario: Scenario, limit: int | None = None, *, waived: Collection[Waiver] = (),
               coalition: Collection[str] | None = None, fixed: Mapping[str, str] | None = None,
               deadline: float | None = None, max_states: int = DEFAULT_MAX_STATES,
               max_carried: int = DEFAULT_MAX_CARRIED, soft: Mapping[int, Any] | None = None) -> list[dict[str, str]]:
    """The acceptable packages (issue id -> option id) in lexicographic order of option positions,
    issues in the scenario's order; only the first ``limit`` when given."""
    tables = tables_of(scenario, soft_lines(scenario, soft))
    waivers = checked_waivers(tables, waived)
    positions = fixed_positions(tables, fixed)
    limits = Limits(deadline, max_states)
    planned = []  # every run planned (and refused if too coupled) before any starts
    for run in cover_runs(tables, coalition):
        instance = instance_of(tables, run, [], waivers, positions)
        if instance.empty:
            continue
        reverse = list(range(len(tables.issues) - 1, -1, -1))
        try:
            planned.append((instance, plan_of(instance, reverse, max_carried), True))
        except NotApplicable:
            planned.append((instance, plan_of(instance, choose_order(instance, counting=True), max_carried), False))
    found = []
    for instance, plan, lexicographic in planned:
        _, graph = reach_run(tables, instance, plan, limits, keep_edges=True)
        assert graph is not None
        found.append(list_run(tables, instance, plan, graph, limit, lexicographic, limits))
    if not found:
        return []
    rows = np.unique(np.concatenate(found), axis=0)  # sorted lexicographically, duplicates removed
    if limit is not None:
        rows = rows[:limit]
    return [{i: tables.options[n][k] for n, (i, k) in enumerate(zip(tables.issues, row))} for row in rows.tolist()]
