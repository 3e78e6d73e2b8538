"""Which runs answer a question: who must accept, and which controlled issues may move, in each.

Let O be the non-veto parties named in some ``controlled_by``.  A package is acceptable iff for S = the
members of O that accept it, the veto parties and S accept and every issue whose rule V u S does not
satisfy is at its status quo.  The frontier is the non-dominated part of the union over S of these
runs (a run is skipped when a smaller S frees the same issues); counting needs disjoint parts, by
inclusion-exclusion over who accepts (docs/programme.md, "Optional controllers").
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Collection

from .limits import MAX_OPTIONAL_CONTROLLERS, NotApplicable
from .tables import Tables


@dataclass(frozen=True)
class Run:
    """One run: the parties that must accept, and the controlled issues that may leave their status quo
    (issues no one controls are free anyway)."""

    must: frozenset[int]
    free: frozenset[int]


def free_issues(tables: Tables, taking: Collection[str]) -> frozenset[int]:
    """The controlled issues these parties taking part may move."""
    return frozenset(n for n, control in enumerate(tables.controls) if control is not None and control.allows(set(taking)))


def coalition_index(tables: Tables, coalition: Collection[str]) -> frozenset[int]:
    unknown = [p for p in coalition if p not in tables.parties]
    if unknown:
        raise ValueError(f"unknown part{'ies' if len(unknown) > 1 else 'y'} in the coalition: {', '.join(map(str, unknown))}")
    return frozenset(tables.parties.index(p) for p in coalition)


def optional_controllers(tables: Tables) -> list[int]:
    """The non-veto parties named in some ``controlled_by`` (their acceptance decides what may move)."""
    named = {p for control in tables.controls if control is not None for p in control.members}
    optional = [j for j, p in enumerate(tables.parties) if not tables.veto[j] and p in named]
    if len(optional) > MAX_OPTIONAL_CONTROLLERS:
        raise NotApplicable(f"{len(optional)} non-veto parties control issues (the DP handles up to {MAX_OPTIONAL_CONTROLLERS})")
    return optional


def cover_runs(tables: Tables, coalition: Collection[str] | None) -> list[Run]:
    """Runs whose acceptable packages together are exactly the acceptable packages."""
    if coalition is not None:
        members = coalition_index(tables, coalition)
        return [Run(members, free_issues(tables, {tables.parties[j] for j in members}))]
    veto = frozenset(j for j in range(len(tables.parties)) if tables.veto[j])
    optional = optional_controllers(tables)
    runs = []
    for size in range(len(optional) + 1):
        for chosen in combinations(optional, size):
            taking = {tables.parties[j] for j in veto | set(chosen)}
            free = free_issues(tables, taking)
            if any(free_issues(tables, taking - {tables.parties[j]}) == free for j in chosen):
                continue  # a smaller set of optional parties frees the same issues
            runs.append(Run(veto | frozenset(chosen), free))
    return runs


def count_terms(tables: Tables, coalition: Collection[str] | None) -> list[tuple[Run, int]]:
    """A disjoint decomposition for counting: (run, coefficient), inclusion-exclusion over who accepts."""
    if coalition is not None:
        return [(run, 1) for run in cover_runs(tables, coalition)]
    veto = frozenset(j for j in range(len(tables.parties)) if tables.veto[j])
    optional = optional_controllers(tables)
    terms: dict[Run, int] = {}
    for size in range(len(optional) + 1):
        for chosen in combinations(optional, size):
            free = free_issues(tables, {tables.parties[j] for j in veto | set(chosen)})
            rest = [j for j in optional if j not in chosen]
            for extra_size in range(len(rest) + 1):
                for extra in combinations(rest, extra_size):
                    run = Run(veto | frozenset(chosen) | frozenset(extra), free)
                    terms[run] = terms.get(run, 0) + (-1) ** extra_size
    return [(run, k) for run, k in terms.items() if k]
