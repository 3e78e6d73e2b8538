"""The Pareto frontier: one entry point for every method, and the bargaining solutions placed on it.

Methods: ``"mip"`` -- the search-region method on the one model (:mod:`.frontier_mip`), for
any scenario.  ``"auto"`` picks the best method that applies and says which and why.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal, Sequence

from ..engine.numerics import require_trust
from ..engine.search import Search
from ..results import CRITERIA, Frontier, Package
from .frontier_mip import _steps as mip_steps, non_dominated, pareto_frontier
from .solutions import best_package

Method = Literal["auto", "dp", "mip"]


def find_frontier(search: Search, parties: Sequence[str], *, time_limit: float | None = None, progress: bool | None = None,
                  resolution: float | None = None, workers: int | None = None, method: Method = "auto") -> Frontier:
    """All non-dominated utility vectors over ``parties`` among acceptable packages, one package each."""
    if method not in ("auto", "dp", "mip"):
        raise ValueError(f"unknown frontier method {method!r}; choose auto, dp or mip")
    # Each party on its own lattice (or grid): a step the solver cannot resolve on that party's
    # scale makes the boxes' emptiness proofs unreliable and the search endless: refuse instead.
    grids = {p: s for p, s in mip_steps(search, list(parties), resolution).items() if search.unit(p) is None}
    require_trust(search.scenario, "the Pareto frontier (mixed-integer search)", list(parties), grids, together=False)
    result = pareto_frontier(search, list(parties), time_limit, progress, resolution, workers)
    return replace(result, reason="the mixed-integer search (the only method built so far)")


def solutions_on(search: Search, frontier: Frontier, criteria_parties: Sequence[str]) -> tuple[Frontier, dict[str, Package | None]]:
    """The bargaining solutions, and the frontier with them on it.

    A grid frontier (continuous utility axes) need not hold the exact solutions: they are
    added and whatever they dominate dropped.  Only a complete frontier over all parties
    is marked (a partial one may miss the solutions).
    """
    if not frontier.complete or set(frontier.parties) != set(search.scenario.party_ids):
        return frontier, {}
    bests = {c: best_package(search, c, criteria_parties) for c in CRITERIA}
    if frontier.exact:
        return frontier, bests
    packages = non_dominated([*frontier.packages, *(x for x in bests.values() if x is not None)], frontier.parties)
    return replace(frontier, packages=tuple(packages)), bests
