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

from ..engine.search import Search
from ..results import Diagnosis, ReservationCut
from ..scenario import Requirement
from .minimal_sets import by_trying, on_the_model
from .questions import best_gain, best_utility, exists, opens


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

    These are the minimal correction sets, found by the one minimal-set search (:mod:`.minimal_sets`):
    exactly by trying each set of up to ``max_size`` requirements where the programme applies; else on
    the model (the switches freed, minimise how many are switched off, forbid each answer's supersets),
    until the smallest remaining set is larger than ``max_size``.
    """
    requirements = search.requirements
    candidates = [r for r in requirements if r.kind in kinds]
    sets = sum(math.comb(len(candidates), k) for k in range(1, max_size + 1))
    opened = exists(search)
    if sets <= MAX_SETS_TRIED and opened is not None:  # the programme applies: try the sets, smallest first
        if opened:
            return []
        return [list(group) for group in by_trying(candidates, lambda group: bool(_opens_without(search, group)),
                                                   largest=max_size, limit=limit)]

    def waived(package: object) -> list[Requirement]:
        switched, _ = search.switches()
        return [r for r in requirements if r.waiver in switched]

    with search.changes() as edit:
        edit.free(kinds)
        found = on_the_model(search, search.switched_off, waived, limit=limit, largest=max_size)
    return [group for group in found if group]


#: The programme tries at most this many sets of requirements; beyond, the model's search runs.
MAX_SETS_TRIED = 3000


def _opens_without(search: Search, group: tuple[Requirement, ...]) -> bool | None:
    """Whether some package is acceptable with these requirements waived (None: the programme does not answer)."""
    with search.changes() as edit:
        edit.waive(list(group))
        return exists(search)


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
