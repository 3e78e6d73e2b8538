"""The Pareto frontier: one entry point for every method, and the bargaining solutions placed on it.

Methods:

* ``"dp"`` -- the programme, exact dynamic programming over issues (:mod:`.programme`):
  discrete scenarios whose coupling (interactions and red lines over several issues) keeps its
  carried state small.  Exact whatever the numbers (integer arithmetic on the decimals written).
* ``"mip"`` -- the search-region method on the one model (:mod:`.frontier_mip`): any scenario,
  including continuous issues (a grid on continuous utility axes).
* ``"auto"`` (default) -- the programme where it applies, else the mixed-integer search; the
  result says which ran and why (``method``, ``reason``).
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Literal, Sequence

from ..engine.numerics import require_trust
from ..engine.search import Search
from ..results import CRITERIA, Criterion, Frontier, Package
from ..scenario import STATED
from .frontier_mip import grid_steps as mip_steps
from .frontier_mip import non_dominated, pareto_frontier
from .programme import LimitReached, NotApplicable, ProgrammeFrontier
from .programme.budget import Use, frontier_for
from .read_off import best_by_programme, programme_frontier
from .recheck import recheck_programme
from .solutions import best_on_frontier, best_package

Method = Literal["auto", "dp", "mip"]


def find_frontier(search: Search, parties: Sequence[str], *, time_limit: float | None = None, progress: bool | None = None,
                  resolution: float | None = None, workers: int | None = None, method: Method = "auto") -> Frontier:
    """All non-dominated utility vectors over ``parties`` among acceptable packages, one package each."""
    if method not in ("auto", "dp", "mip"):
        raise ValueError(f"unknown frontier method {method!r}; choose auto, dp or mip")
    reason = "method='mip' was asked for"
    if method != "mip":
        started = time.perf_counter()
        try:
            use: Use = "frontier" if method == "auto" else "frontier_only"  # (half the time, or all: programme.budget)
            found = frontier_for(search, list(parties), use, time_limit)
        except LimitReached as stop:
            if method == "dp":
                raise
            reason = f"the dynamic programme stopped ({stop.reason}), so the mixed-integer search ran"
        except NotApplicable as why:
            if method == "dp":
                raise ValueError(f"the dynamic programme does not apply here: {why.reason}") from None
            reason = f"the dynamic programme does not apply ({why.reason})"
        else:
            return _from_programme(search, found, time.perf_counter() - started)
        if time_limit is not None:
            time_limit = max(0.0, time_limit - (time.perf_counter() - started))
    # Each party on its own lattice (or grid): a step the solver cannot resolve on that party's
    # scale makes the boxes' emptiness proofs unreliable and the search endless: refuse instead.
    grids = {p: s for p, s in mip_steps(search, list(parties), resolution).items() if search.unit(p) is None}
    require_trust(search.scenario, "the Pareto frontier (mixed-integer search)", list(parties), grids, together=False)
    result = pareto_frontier(search, list(parties), time_limit, progress, resolution, workers)
    return replace(result, reason=reason)


def _from_programme(search: Search, found: ProgrammeFrontier, seconds: float, recheck: bool = True) -> Frontier:
    if recheck:  # every package, exactly, in one vectorised pass (integers on each party's common denominator)
        recheck_programme(search.scenario, found.issues, found.index, found.scaled, found.denominators, search.waived,
                          search.coalition)
    return programme_frontier(search.scenario, found, seconds, search.coalition, search.waived)


def best(search: Search, criterion: Criterion, parties: Sequence[str]) -> Package | None:
    """The package the criterion chooses among all acceptable packages (None if there is none).

    Exact first: on a discrete scenario whose frontier the programme finds within a small
    budget (:mod:`.programme.budget`, "best"), the package is read off that frontier exactly (:func:`best_on_frontier`),
    whatever the numbers.  Otherwise the criterion's search on the model (:func:`best_package`).
    """
    if not search.scenario.continuous_issues and search.world is STATED:  # the programme reads the stated world
        try:
            # (the programme run given reads the issues fixed and the time left from the search itself)
            return best_by_programme(search.scenario, criterion, parties, waived=search.waived, coalition=search.coalition,
                                     programme=lambda: frontier_for(search, None, "best"))
        except NotApplicable:
            pass
    return best_package(search, criterion, parties)


def solutions_on(search: Search, frontier: Frontier, criteria_parties: Sequence[str]) -> tuple[Frontier, dict[str, Package | None]]:
    """The bargaining solutions, and the frontier with them on it.

    On an exact frontier over every party the solutions are read off it exactly (every
    solution is a frontier point: each criterion is monotone in gains and ties go to the
    largest total).  A grid frontier (continuous utility axes) need not hold the exact
    solutions: they are searched for, added, and whatever they dominate dropped.  Only a
    complete frontier over all parties is marked (a partial one may miss the solutions).
    """
    if not frontier.complete or set(frontier.parties) != set(search.scenario.party_ids):
        return frontier, {}
    if frontier.exact:
        read_off: dict[str, Package | None] = {c: best_on_frontier(frontier, c, criteria_parties) for c in CRITERIA}
        return frontier, read_off
    bests: dict[str, Package | None] = {c: best(search, c, criteria_parties) for c in CRITERIA}
    packages = non_dominated([*frontier.packages, *(x for x in bests.values() if x is not None)], frontier.parties)
    return Frontier.of_packages(search.scenario, frontier.parties, packages, complete=frontier.complete, exact=False,
                                method=frontier.method, reason=frontier.reason, solver_calls=frontier.solver_calls,
                                seconds=frontier.seconds, resolution=frontier.resolution), bests
