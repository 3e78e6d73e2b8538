"""The chance of a deal: in each sampled world, is some package acceptable, and what does maxmin give?

Each world is set on the one persistent model (:meth:`Edit.world`: red lines hard, soft or
absent, reservations and point factors as drawn) and solved for its maxmin package: a
maxmin solve, then the Pareto tie-break (the largest total utility), as :func:`best_package`
does in the stated world -- usually two solves per world.  Nothing is rebuilt per world.
"""

from __future__ import annotations

from typing import Sequence

from ..engine.search import Search
from ..results import DealProbability, WorldDeal
from ..scenario import World, Worlds
from .cluster import run_worlds
from .solutions import best_package


def world_deal(search: Search, world: World, parties: Sequence[str]) -> WorldDeal:
    """Whether some package is acceptable in this world, and the maxmin package's gains there."""
    with search.changes() as edit:
        edit.world(world)
        package = best_package(search, "maxmin", parties)
    if package is None:
        return WorldDeal(world.index, False)
    return WorldDeal(world.index, True, dict(package.exact_choices), {p: package.exact_gains[p] for p in parties})


def deal_probability(search: Search, worlds: Worlds, parties: Sequence[str], *, scheduler: str | None = None,
                     progress: bool | None = None) -> DealProbability:
    """One maxmin search per sampled world (on Dask workers when the job is large; see :mod:`.cluster`)."""
    found = run_worlds(search, list(worlds), world_deal, (tuple(parties),), scheduler=scheduler, progress=progress,
                       what="deal in each world")
    return DealProbability(search.scenario, tuple(parties), tuple(found), worlds.seed)
