"""What each minimal concession would open, when no package is acceptable.

A concession is a minimal set of red lines dropped (:func:`.diagnose.minimal_relaxations`) or a
veto party's reservation lowered by the smallest cut that opens the space
(:func:`.diagnose.reservation_reductions`).  For each: the package a criterion picks with the
concession made and, on request, the Pareto frontier of the criteria parties' utilities with the
four bargaining solutions.  Red lines are dropped on the one model (``edit.waive``: the frontier
and every check respect ``search.waived``); a lowered reservation is a scenario of its own (its
own model), because every criterion works on gains over the reservation in force.  Packages
come back evaluated against the stated scenario, so that every concession is read on the same
axes: gains over the stated reservations.
"""

from __future__ import annotations

import math
import time
from contextlib import contextmanager
from dataclasses import replace
from fractions import Fraction
from typing import Iterator, Sequence

from ..engine.search import Search
from ..errors import TimeLimitReached
from ..results import CRITERIA, Concession, Criterion, Package, ReservationCut
from ..scenario import Requirement, Scenario, exact
from .diagnose import minimal_relaxations, reservation_reductions
from .frontier import best, find_frontier


def concessions(search: Search, criterion: Criterion, parties: Sequence[str], max_size: int = 1, limit: int = 10,
                reservations: bool = True, frontiers: bool = False, time_limit: float | None = None) -> list[Concession]:
    """Each minimal concession that opens the space (none when it is open), smallest first, then the reservation cuts.

    The packages first, then (with ``frontiers``) each concession's frontier and solutions: ``time_limit`` bounds the
    frontier searches together, each getting an equal share of what is left.  When a time limit on the search itself
    runs out, the concessions found before it are returned (``search.unproven`` records that the list was cut short);
    none found: :class:`TimeLimitReached`.
    """
    if search.feasible() is not None:
        return []
    groups = minimal_relaxations(search, max_size, limit, kinds=("red_line",))
    cuts = [(party, cut) for party, cut in reservation_reductions(search).items() if cut is not None] if reservations else []
    deadline = None if time_limit is None else time.perf_counter() + time_limit
    plan: list[tuple[Search, tuple[Requirement, ...], ReservationCut | None]] = [(search, tuple(group), None) for group in groups]
    for party, cut in cuts:
        stated = search.scenario.party[party]
        scenario = _with_reservation(search.scenario, party, exact(stated.reservation) - cut)
        plan.append((Search.of(scenario, search.remaining()), (), ReservationCut(party, stated.possessive, stated.reservation, cut)))

    @contextmanager
    def in_force(where: Search, dropped: tuple[Requirement, ...]) -> Iterator[Search]:
        with where.changes() as edit:
            edit.waive(list(dropped))
            yield where

    found: list[Concession] = []
    try:
        for where, dropped, lowered in plan:
            with in_force(where, dropped):
                found.append(_opened(where, search.scenario, criterion, parties, dropped, lowered))
        if frontiers:
            for k, (where, dropped, _) in enumerate(plan):
                share = None if deadline is None else max(0.0, deadline - time.perf_counter()) / (len(plan) - k)
                with in_force(where, dropped):
                    found[k] = _with_frontier(where, search.scenario, criterion, parties, share, found[k])
    except TimeLimitReached:
        if not found:
            raise
        search.unproven += 1  # cut short: what was found before the limit
    return found


def _opened(search: Search, stated: Scenario, criterion: Criterion, parties: Sequence[str], dropped: tuple[Requirement, ...] = (),
            lowered: ReservationCut | None = None) -> Concession:
    """The concession in force on ``search``: the criterion's package (read against the stated scenario)."""
    package = best(search, criterion, parties)
    assert package is not None, "a concession that opens the space leaves some package acceptable"
    return Concession(dropped, _stated(package, stated), lowered)


def _with_frontier(search: Search, stated: Scenario, criterion: Criterion, parties: Sequence[str], time_limit: float | None,
                   concession: Concession) -> Concession:
    """The concession (in force on ``search``) with its frontier, searched within ``time_limit``, and its solutions."""
    solutions = {c: concession.package if c == criterion else best(search, c, parties) for c in CRITERIA}
    found: dict[str, Package] = {c: p if p.scenario is stated else _stated(p, stated) for c, p in solutions.items() if p is not None}
    frontier = find_frontier(search, parties, time_limit=time_limit, progress=False)
    frontier = replace(frontier, scenario=stated, solutions=found)
    return replace(concession, frontier=frontier, solutions=found)


def _stated(package: Package, stated: Scenario) -> Package:
    """The package read against the stated scenario (its reservations), keeping who takes part and how it was found."""
    if package.scenario is stated:
        return package
    return Package.evaluate(stated, package.exact_choices, signers=package.signers).with_(
        criterion=package.criterion, optimal=package.optimal, complete=package.complete, exact=package.exact,
        method=package.method, reason=package.reason)


def _with_reservation(scenario: Scenario, party: str, value: Fraction) -> Scenario:
    """The scenario with one party's reservation set to ``value`` (the nearest number a file can hold, not above it)."""
    written = float(value)
    if exact(written) > value:
        written = math.nextafter(written, -math.inf)
    data = scenario.to_dict()
    for entry in data["parties"]:
        if entry["id"] == party:
            entry["reservation"] = written
            if "reservation_range" in entry:
                low, high = entry["reservation_range"]
                entry["reservation_range"] = [min(low, written), high]
    return Scenario.from_dict(data, scenario.source)
