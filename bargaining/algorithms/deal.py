"""The chance of a deal: in each sampled world, is some package acceptable, and what does maxmin give?

Each world is set on the one persistent model (:meth:`Edit.world`: red lines hard, soft or
absent, reservations and point factors as drawn) and solved for its maxmin package: the
same two stages as ``best_package`` in the stated world (the smallest gain, then the
tie-break of :mod:`.ranking` among packages that keep it) -- two solves per world with a
deal, one without.  Nothing is rebuilt per world; only bounds, fixed variables and mutable
parameters change.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..engine.search import LEFT_OUT, Search
from ..errors import AnswersDisagree, TimeLimitReached
from ..results import DealProbability, DrawnDeal, Package, WorldDeal
from ..scenario import World, Worlds
from .cluster import ALONGSIDE_WORLDS, Alongside, run_worlds
from .ranking import preferred
from .solutions import hold_smallest_gain


def world_deals(search: Search, worlds: Sequence[World], parties: Sequence[str], known: bool = False) -> list[WorldDeal]:
    """For each world: whether some package is acceptable, and the maxmin package's gains there.

    The largest smallest gain, then (among packages giving every criteria party at least that)
    the largest total utility of all parties -- what ``best_package(search, "maxmin", parties)``
    finds -- in two passes over the worlds, so that each objective is handed to the solver once
    (:meth:`Search.smallest_gain`): two solves per world with a deal, one without.  ``known``: the exact analysis
    has shown a deal in every one of these worlds, so a search that finds none is an error, not a world without one."""
    everyone = search.scenario.party_ids
    floor, total = search.smallest_gain(parties), search.total(everyone)
    first: list[Package | None] = []
    unverified: set[int] = set()
    for world in worlds:
        left_out = search.unverified
        with search.changes() as edit:
            edit.world(world)
            outcome, package = search.maximize(floor, search.granularity(parties, reservations=True))
        if package is None and search.unverified > left_out:
            unverified.add(world.index)
        if package is None and outcome.status == "time_limit":
            raise TimeLimitReached("stopped at the time limit before finding an acceptable package")
        if package is None and known:
            raise AnswersDisagree(f"the exact analysis of the red lines found a package acceptable in world {world.index}, "
                                  f"but the model's search found none there ({outcome.status})")
        first.append(package)
    found = []
    for world, package in zip(worlds, first):
        if package is None:
            found.append(WorldDeal(world.index, False, verified=world.index not in unverified))
            continue
        with search.changes() as edit:
            edit.world(world)
            hold_smallest_gain(search, edit, package, parties)
            _, candidate = search.maximize(total, search.granularity(everyone))
        if candidate is not None:
            package = preferred(candidate, package)
        found.append(WorldDeal(world.index, True, dict(package.exact_choices), {p: package.exact_gains[p] for p in parties}))
    return found


def deal_probability(search: Search, worlds: Worlds, parties: Sequence[str], *, scheduler: str | None = None,
                     progress: bool | None = None, exact: DrawnDeal | None = None) -> DealProbability:
    """One maxmin search per sampled world (on Dask workers when the job is large; see :mod:`.cluster`).  With
    ``exact`` (the real lines exact in each draw of these worlds, :func:`.drawn.drawn_deal`), whether a world has a
    deal is read off its blocking sets, and only the worlds with one are searched (for their maxmin gains)."""
    everything = list(worlds)
    if exact is None:
        found = run_worlds(search, everything, world_deals, (tuple(parties),), scheduler=scheduler, progress=progress,
                           what="deal in each world")
        return _checked(DealProbability(search.scenario, tuple(parties), tuple(found), worlds.seed))
    with_deal = np.flatnonzero(exact.deals_in(worlds))
    searched = run_worlds(search, [everything[w] for w in with_deal], world_deals, (tuple(parties), True),
                          scheduler=scheduler, progress=progress, what="maxmin in each world with a deal")
    return _assembled(search, worlds, parties, exact, with_deal, searched)


def _assembled(search: Search, worlds: Worlds, parties: Sequence[str], exact: DrawnDeal, with_deal: np.ndarray,
               searched: Sequence[WorldDeal]) -> DealProbability:
    """The chance of a deal from the worlds with a deal (read off ``exact``) and their searches' answers."""
    deals: list[WorldDeal] = [WorldDeal(world.index, False) for world in worlds]
    for w, answer in zip(with_deal, searched):
        deals[w] = answer
    return _checked(DealProbability(search.scenario, tuple(parties), tuple(deals), worlds.seed, drawn=exact))


class DealAlongside:
    """:func:`deal_probability` with ``exact``, its searches (one per world with a deal) on a local cluster's worker
    while this process does other work (:class:`.cluster.Alongside`): :meth:`result` is the same answer."""

    def __init__(self, search: Search, worlds: Worlds, parties: Sequence[str], exact: DrawnDeal):
        self.search, self.worlds, self.parties, self.exact = search, worlds, tuple(parties), exact
        self.with_deal = np.flatnonzero(exact.deals_in(worlds))
        everything = list(worlds)
        self.job = Alongside(search, [everything[w] for w in self.with_deal], world_deals, (self.parties, True))

    @staticmethod
    def worth_it(worlds: Worlds, exact: DrawnDeal) -> bool:
        """Enough worlds with a deal to repay starting a worker."""
        return int(exact.deals_in(worlds).sum()) >= ALONGSIDE_WORLDS

    def result(self) -> DealProbability:
        return _assembled(self.search, self.worlds, self.parties, self.exact, self.with_deal, self.job.result())

    def close(self) -> None:
        self.job.close()


def _checked(deal: DealProbability) -> DealProbability:
    """Incomplete, and saying why, when some world's "no deal" rests on the solver's word alone."""
    doubtful = sum(not w.verified for w in deal.worlds)
    if not doubtful:
        return deal
    checked: DealProbability = deal.stamped(
        complete=False, reason=f"in {doubtful:,} world{'s' if doubtful > 1 else ''} counted without a deal, {LEFT_OUT} "
                               "(the chance is a lower bound)")
    return checked
