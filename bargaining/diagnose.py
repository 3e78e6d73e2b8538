"""Why no package is acceptable: a minimal set of reservations and red lines that conflict.

The requirements (every party's reservation and every red line) each have a switch
``relax[k]`` in the model.  A *deletion filter* (Chinneck and Dravnieks, 1991) finds an
irreducible infeasible subset: switch each requirement off in turn and keep it off when
the rest still admits no package.  What remains conflicts, and dropping any one of its
members opens the bargaining space.  One solve per requirement, on the same model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Requirement
from .search import Package, Search


@dataclass(frozen=True)
class Diagnosis:
    """Whether some package is acceptable; if none is, which requirements conflict."""

    scenario_name: str
    feasible: bool
    conflict: list[Requirement] = field(default_factory=list)
    example: Package | None = None
    notes: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.feasible

    def __str__(self) -> str:
        if self.feasible:
            lines = [f"{self.scenario_name}: at least one package is acceptable to every party whose acceptance is required."]
        else:
            lines = [
                f"{self.scenario_name}: no package is acceptable.",
                f"These {len(self.conflict)} requirements cannot all hold together; dropping any one of them opens the bargaining space:",
            ]
            lines += [f"  - {r.label}" for r in self.conflict]
        lines += self.notes
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


def diagnose(search: Search) -> Diagnosis:
    name = search.scenario.name
    example = search.feasible()
    if example is not None:
        return Diagnosis(name, True, example=example)
    return Diagnosis(name, False, conflict=minimal_conflict(search))
