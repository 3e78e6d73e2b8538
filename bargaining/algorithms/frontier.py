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
from collections import abc
from dataclasses import replace
from typing import Literal, Mapping, Sequence

from ..engine.numerics import require_trust
from ..engine.search import Search
from ..errors import AnswersDisagree
from ..results import CRITERIA, Criterion, Frontier, Package
from .frontier_mip import grid_steps as mip_steps
from .frontier_mip import non_dominated, pareto_frontier
from .programme import LimitReached, NotApplicable, ProgrammeFrontier
from .programme.budget import frontier_for
from .solutions import best_on_frontier, best_package

Method = Literal["auto", "dp", "mip"]
#: Frontiers up to this many points are re-checked package by package with Scenario.signers
#: (larger ones by the programme's own vectorised re-evaluation of every package's utilities).
RECHECK_UP_TO = 20_000


def find_frontier(search: Search, parties: Sequence[str], *, time_limit: float | None = None, progress: bool | None = None,
                  resolution: float | None = None, workers: int | None = None, method: Method = "auto") -> Frontier:
    """All non-dominated utility vectors over ``parties`` among acceptable packages, one package each."""
    if method not in ("auto", "dp", "mip"):
        raise ValueError(f"unknown frontier method {method!r}; choose auto, dp or mip")
    reason = "method='mip' was asked for"
    if method != "mip":
        started = time.perf_counter()
        try:
            use = "frontier" if method == "auto" else "frontier_only"  # (half the time, or all: programme.budget)
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
    scenario = search.scenario
    choices = tuple(found.choices) if recheck else _Choices(found)
    frontier = Frontier(scenario, found.parties, choices, found.scaled, found.denominators, complete=True,  # type: ignore[arg-type]
                        exact=True, method="dp", reason="exact dynamic programme over the issues", solver_calls=0,
                        seconds=seconds, largest_state_set=found.largest_state_set, coalition=search.coalition,
                        waived=tuple(search.waived))
    if recheck and len(frontier) <= RECHECK_UP_TO:
        for package in frontier.choices:
            _recheck(search, package)
    return frontier


def _recheck(search: Search, choices: Mapping[str, str]) -> None:
    """The exact check of a package the programme found acceptable (a disagreement stops the work, naming both answers)."""
    why = search.scenario.why_refused(choices, search.waived, search.coalition)
    if why:
        described = ", ".join(f"{i}: {c}" for i, c in choices.items())
        raise AnswersDisagree(f"the programme and the exact check disagree: the programme found {{{described}}} acceptable, "
                              f"the exact check refuses it ({'; '.join(why)}); this is a bug, please report the scenario")


class _Choices(abc.Sequence):
    """A programme's frontier packages, each built when it is asked for (best() reads one or two)."""

    def __init__(self, found: ProgrammeFrontier):
        self.found = found

    def __len__(self) -> int:
        return len(self.found)

    def __getitem__(self, k):  # type: ignore[override]
        if isinstance(k, slice):
            return [self[j] for j in range(*k.indices(len(self)))]
        row = self.found.index[k].tolist()
        return {i: self.found.option_ids[n][j] for n, (i, j) in enumerate(zip(self.found.issues, row))}


def best(search: Search, criterion: Criterion, parties: Sequence[str]) -> Package | None:
    """The package the criterion chooses among all acceptable packages (None if there is none).

    Exact first: on a discrete scenario whose frontier the programme finds within a small
    budget (:mod:`.programme.budget`, "best"), the package is read off that frontier exactly (:func:`best_on_frontier`),
    whatever the numbers.  Otherwise the criterion's search on the model (:func:`best_package`).
    """
    if not search.scenario.continuous_issues:
        started = time.perf_counter()
        try:
            found = frontier_for(search, None, "best")
        except NotApplicable:
            pass
        else:
            # Only the package returned is checked with Scenario.signers (the programme has checked every
            # vector against its packages): a better unacceptable point would have been the one chosen,
            # since every criterion is monotone in the utilities.
            package = best_on_frontier(_from_programme(search, found, time.perf_counter() - started, recheck=False), criterion, parties)
            if package is not None:
                _recheck(search, package.exact_choices)
                package = package.with_(method="dp", reason="read off the exact frontier of the dynamic programme")
            return package
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
        return frontier, {c: best_on_frontier(frontier, c, criteria_parties) for c in CRITERIA}
    bests = {c: best(search, c, criteria_parties) for c in CRITERIA}
    packages = non_dominated([*frontier.packages, *(x for x in bests.values() if x is not None)], frontier.parties)
    return Frontier.of_packages(search.scenario, frontier.parties, packages, complete=frontier.complete, exact=False,
                                method=frontier.method, reason=frontier.reason, solver_calls=frontier.solver_calls,
                                seconds=frontier.seconds, resolution=frontier.resolution), bests
