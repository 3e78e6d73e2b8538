"""Leverage of an issue: the bargaining space with the issue frozen at its status quo versus open.

The seed's question: does a concession from outside the two sides (suspending sanctions,
resuming energy purchases) make a deal possible, and whom does it help?  Freezing fixes
the issue on the one model; every measure is then computed twice with the same code.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Sequence

from ..engine.search import Search
from ..results import CRITERIA, Leverage, Package, SpaceMeasures
from .acceptable import acceptable_packages
from .frontier import best, find_frontier
from .questions import best_gain, opens


def leverage(search: Search, issue_id: str, criteria_parties: Sequence[str], limit: int = 200, frontier: bool = False,
             time_limit: float | None = None) -> Leverage:
    """Compare the space with ``issue_id`` frozen at its status quo against the space with it open.

    Measures: whether a package exists; the number of acceptable packages (counted up to
    ``limit``); each party's best achievable gain; each bargaining solution; with
    ``frontier``, the frontier and the share of the frozen frontier that some open-space
    package strictly dominates.
    """
    scenario = search.scenario
    if issue_id not in scenario.issue:
        raise ValueError(f"unknown issue '{issue_id}'; known: {', '.join(scenario.issue)}")
    status_quo = scenario.issue[issue_id].status_quo_choice
    if status_quo is None:
        raise ValueError(f"issue '{issue_id}' has no status quo to freeze it at; mark one in the scenario")
    with search.changes() as edit:
        edit.freeze(issue_id, status_quo)
        frozen = _measure(search, criteria_parties, limit, frontier, time_limit)
    opened = _measure(search, criteria_parties, limit, frontier, time_limit)
    share = _improved_share(frozen.frontier, opened.frontier, scenario.party_ids) if frontier else None
    return Leverage(scenario, issue_id, frozen, opened, limit, tuple(criteria_parties), share)


def _measure(search: Search, criteria_parties: Sequence[str], limit: int, frontier: bool, time_limit: float | None) -> SpaceMeasures:
    exists = opens(search)
    found = acceptable_packages(search, limit, progress=False) if exists else None
    count = 0 if found is None else found.count if found.count is not None else (len(found.packages) if found.complete else None)
    best_gains = {p: _float(best_gain(search, p)) if exists else None for p in search.scenario.party_ids}
    solutions: dict[str, Package | None] = {c: best(search, c, criteria_parties) if exists else None for c in CRITERIA}
    points: tuple[Package, ...] | None = None
    points_complete = True
    if frontier:
        result = find_frontier(search, search.scenario.party_ids, time_limit=time_limit, progress=False)
        points, points_complete = tuple(result.packages), result.complete
    return SpaceMeasures(exists, count, best_gains, solutions, points, points_complete)


def _float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _improved_share(frozen: Sequence[Package] | None, opened: Sequence[Package] | None, parties: list[str]) -> float | None:
    """Share of frozen-frontier points that some open-frontier point strictly dominates."""
    if not frozen:
        return None
    open_vectors = [x.vector(parties) for x in opened or ()]
    improved = sum(any(all(a >= b for a, b in zip(o, f.vector(parties))) and o != f.vector(parties) for o in open_vectors)
                   for f in frozen)
    return improved / len(frozen)
