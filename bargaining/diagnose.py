"""Why no package is acceptable: a minimal set of reservations and red lines that conflict.

The requirements (every party's reservation and every red line) each have a switch
``relax[k]`` in the model.  A *deletion filter* (Chinneck and Dravnieks, 1991) finds an
irreducible infeasible subset: switch each requirement off in turn and keep it off when
the rest still admits no package.  What remains conflicts, and dropping any one of its
members opens the bargaining space.  One solve per requirement, on the same model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from .model import Requirement
from .search import Package, Search


@dataclass(frozen=True)
class ReservationCut:
    """How far a veto party's reservation must fall to open the space (None: no cut alone opens it)."""

    party: str
    label: str
    reservation: float
    cut: Fraction | None

    def __str__(self) -> str:
        if self.cut is None:
            return f"no reduction of {self.label} reservation alone opens it"
        return f"{self.label} reservation {self.reservation:g} -> {float(self.reservation - self.cut):g} (a cut of {float(self.cut):g})"


@dataclass(frozen=True)
class Diagnosis:
    """Whether some package is acceptable; if none is, which requirements conflict and what would open it.

    ``conflict``: an irreducible set of requirements no package meets together.
    ``relaxations``: the smallest sets of requirements whose removal opens the space.
    ``reservation_cuts``: per veto party, the cut of its reservation alone that opens it.
    """

    scenario_name: str
    feasible: bool
    conflict: list[Requirement] = field(default_factory=list)
    example: Package | None = None
    relaxations: list[list[Requirement]] = field(default_factory=list)
    reservation_cuts: list[ReservationCut] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.feasible

    def __str__(self) -> str:
        if self.feasible:
            return f"{self.scenario_name}: at least one package is acceptable to every party whose acceptance is required."
        lines = [f"{self.scenario_name}: no package is acceptable."]
        if len(self.conflict) == 1:
            lines.append("This requirement cannot hold in any package:")
        else:
            lines.append(f"These {len(self.conflict)} requirements cannot all hold together (dropping any one of them removes this conflict):")
        lines += [f"  - {r.label}" for r in self.conflict]
        if self.relaxations or self.reservation_cuts:
            lines.append("What would open it:")
        lines += ["  - drop " + " and ".join(r.label for r in group) for group in self.relaxations]
        lines += [f"  - {cut}" for cut in self.reservation_cuts]
        return "\n".join(lines)


def minimal_conflict(search: Search) -> list[Requirement]:
    """An irreducible set of requirements that no package satisfies together (deletion filter)."""
    m = search.m
    conflict: list[Requirement] = []
    with search.restoring():
        for k, requirement in enumerate(search.model.requirements):
            m.relax[k].fix(1)
            if search.feasible() is not None:
                m.relax[k].fix(0)
                conflict.append(requirement)
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
    m = search.m
    requirements = search.model.requirements
    found: list[list[Requirement]] = []
    with search.restoring():
        for k in m.relax:
            if requirements[k].kind in kinds:
                m.relax[k].unfix()
        try:
            while len(found) < limit:
                outcome, package = search.maximize(-sum(m.relax[k] for k in m.relax), 1)
                if package is None:
                    break
                waived, _ = search.switches()
                chosen = [k for k, r in enumerate(requirements) if r.waiver in waived]
                if len(chosen) > max_size or not chosen:
                    break
                found.append([requirements[k] for k in chosen])
                m.set_cuts.add(sum(m.relax[k] for k in chosen) <= len(chosen) - 1)
        finally:
            search.solver.drop(m.set_cuts)
    return found


def reservation_reductions(search: Search) -> dict[str, Fraction | None]:
    """For each veto party: how far its reservation must fall for a package to exist, all else as written.

    One solve per party: switch its reservation off and maximise its gain; the shortfall
    below zero is the reduction needed (0 if none is).  None when even dropping the
    reservation entirely opens nothing (the red lines alone conflict).
    """
    m = search.m
    needed: dict[str, Fraction | None] = {}
    for k, requirement in enumerate(search.model.requirements):
        party = requirement.party
        if requirement.kind != "reservation" or not search.scenario.party[party].veto:
            continue
        with search.restoring():
            m.relax[k].fix(1)
            outcome, package = search.maximize(m.gain[party], search.granularity([party]))
        needed[party] = None if package is None else max(Fraction(0), -package.exact_gains[party])
    return needed


def diagnose(search: Search, relaxations: bool = True) -> Diagnosis:
    """Is any package acceptable?  If not: a minimal conflict and (with ``relaxations``) what would open the space."""
    name = search.scenario.name
    example = search.feasible()
    if example is not None:
        return Diagnosis(name, True, example=example)
    conflict = minimal_conflict(search)
    if not relaxations:
        return Diagnosis(name, False, conflict=conflict)
    cuts = [ReservationCut(party, search.scenario.party[party].possessive, search.scenario.party[party].reservation, cut)
            for party, cut in reservation_reductions(search).items() if cut is None or cut > 0]
    return Diagnosis(name, False, conflict=conflict, relaxations=minimal_relaxations(search, max_size=2, limit=10),
                     reservation_cuts=cuts)
