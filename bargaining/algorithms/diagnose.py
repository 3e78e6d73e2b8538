"""Why no package is acceptable: a minimal set of reservations and red lines that conflict.

The requirements (every party's reservation and every red line) each have a switch
``relax[k]`` in the model.  A *deletion filter* (Chinneck and Dravnieks, 1991) finds an
irreducible infeasible subset: switch each requirement off in turn and keep it off when
the rest still admits no package.  What remains conflicts, and dropping any one of its
members opens the bargaining space.  One solve per requirement, on the same model.
"""

from __future__ import annotations

import math
from fractions import Fraction
from itertools import combinations

from ..engine.search import Search
from ..results import Diagnosis, ReservationCut
from ..scenario import Requirement
from .exact import best_gain, best_utility, exists, opens


def minimal_conflict(search: Search) -> list[Requirement]:
    """An irreducible set of requirements that no package satisfies together (deletion filter)."""
    conflict: list[Requirement] = []
    with search.changes() as dropped:
        for requirement in search.requirements:
            with search.changes() as trial:
                trial.waive([requirement])
                opened = opens(search)
            if opened:
                conflict.append(requirement)
            else:
                dropped.waive([requirement])
    return conflict


def minimal_relaxations(search: Search, max_size: int = 3, limit: int = 100,
                        kinds: tuple[str, ...] = ("reservation", "red_line")) -> list[list[Requirement]]:
    """Every minimal set of requirements (of these ``kinds``) whose removal makes some package acceptable, smallest first.

    These are the minimal correction sets.  On the one model: free the switches, minimise
    how many are switched off; the answer S is a smallest opening set.  Then forbid every
    superset of S (``sum_{k in S} relax[k] <= |S| - 1``) and solve again, until the
    smallest remaining set is larger than ``max_size``.  Each answer is minimal: a proper
    subset that opened the space would contain no earlier answer and be smaller.
    """
    requirements = search.requirements
    candidates = [r for r in requirements if r.kind in kinds]
    sets = sum(math.comb(len(candidates), k) for k in range(1, max_size + 1))
    if sets <= MAX_SETS_TRIED and exists(search) is not None:  # the exact programme applies: try the sets, smallest first
        return _relaxations_by_programme(search, candidates, max_size, limit)
    found: list[list[Requirement]] = []
    with search.changes() as edit:
        edit.free(kinds)
        while len(found) < limit:
            outcome, package = search.maximize(-search.switched_off(), 1)
            if package is None:
                break
            waived, _ = search.switches()
            chosen = [r for r in requirements if r.waiver in waived]
            if len(chosen) > max_size or not chosen:
                break
            found.append(chosen)
            edit.row(search.switched_off(chosen) <= len(chosen) - 1)
    return found


#: The programme tries at most this many sets of requirements; beyond, the model's search runs.
MAX_SETS_TRIED = 3000


def _relaxations_by_programme(search: Search, candidates: list[Requirement], max_size: int, limit: int) -> list[list[Requirement]]:
    """Every minimal opening set, by trying each set of up to ``max_size`` requirements that contains no
    smaller opening set, smallest first (each try an exact question to the programme)."""
    found: list[list[Requirement]] = []
    if exists(search):
        return found
    for size in range(1, max_size + 1):
        for group in combinations(candidates, size):
            if any(set(g) <= set(group) for g in found):
                continue
            with search.changes() as edit:
                edit.waive(list(group))
                opened = exists(search)
            if opened:
                found.append(list(group))
                if len(found) >= limit:
                    return found
    return found


def reservation_reductions(search: Search) -> dict[str, Fraction | None]:
    """For each veto party: how far its reservation must fall for a package to exist, all else as written.

    One solve per party: switch its reservation off and maximise its gain; the shortfall
    below zero is the reduction needed (0 if none is).  None when even dropping the
    reservation entirely opens nothing (the red lines alone conflict).
    """
    needed: dict[str, Fraction | None] = {}
    for requirement in search.requirements:
        party = requirement.party
        if requirement.kind != "reservation" or not search.scenario.party[party].veto:
            continue
        with search.changes() as edit:
            edit.waive([requirement])
            gain = best_gain(search, party)
        needed[party] = None if gain is None else max(Fraction(0), -gain)
    return needed


def diagnose(search: Search, relaxations: bool = True, max_size: int = 3, limit: int = 100) -> Diagnosis:
    """Is any package acceptable?  If not: a minimal conflict and (with ``relaxations``) what would open the space:
    the minimal sets of at most ``max_size`` requirements to drop (at most ``limit``), and the reservation cuts."""
    name = search.scenario.name
    answer = best_utility(search, search.scenario.party_ids[0])  # exact where the programme applies
    example = search.feasible() if answer is None else answer[0]
    if example is not None:
        return Diagnosis(name, True, example=example, scenario=search.scenario)
    conflict = minimal_conflict(search)
    if not relaxations:
        return Diagnosis(name, False, conflict=conflict, scenario=search.scenario)
    cuts = [ReservationCut(party, search.scenario.party[party].possessive, search.scenario.party[party].reservation, cut)
            for party, cut in reservation_reductions(search).items() if cut is None or cut > 0]
    return Diagnosis(name, False, conflict=conflict, relaxations=minimal_relaxations(search, max_size, limit),
                     reservation_cuts=cuts, scenario=search.scenario)
