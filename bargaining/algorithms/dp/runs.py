"""Which runs answer a question (optional controllers, coalitions, waived and fixed parts), and exact re-evaluation."""

from __future__ import annotations

from itertools import combinations
from typing import Any, Collection, Mapping, Sequence

import numpy as np

from .compile import Condition, _Compiled
from .limits import MAX_OPTIONAL_CONTROLLERS, NotApplicable, Waiver
from .plan import _choose_order, _Instance, _Run


def _free_issues(c: _Compiled, taking: Collection[str]) -> frozenset[int]:
    return frozenset(n for n, rule in enumerate(c.rules) if rule is not None and rule(taking))


def _coalition_index(c: _Compiled, coalition: Collection[str]) -> frozenset[int]:
    unknown = [p for p in coalition if p not in c.parties]
    if unknown:
        raise ValueError(f"unknown part{'ies' if len(unknown) > 1 else 'y'} in the coalition: {', '.join(map(str, unknown))}")
    return frozenset(c.parties.index(p) for p in coalition)


def _optional(c: _Compiled) -> list[int]:
    named = set().union(*(r.members for r in c.rules if r is not None)) if any(c.rules) else set()
    optional = [j for j, p in enumerate(c.parties) if not c.veto[j] and p in named]
    if len(optional) > MAX_OPTIONAL_CONTROLLERS:
        raise NotApplicable(f"{len(optional)} non-veto parties control issues (the DP handles up to {MAX_OPTIONAL_CONTROLLERS})")
    return optional


def _cover_runs(c: _Compiled, coalition: Collection[str] | None) -> list[_Run]:
    """Runs whose acceptable packages together are exactly the acceptable packages."""
    if coalition is not None:
        members = _coalition_index(c, coalition)
        return [_Run(members, _free_issues(c, {c.parties[j] for j in members}))]
    veto = frozenset(j for j in range(len(c.parties)) if c.veto[j])
    optional = _optional(c)
    runs = []
    for size in range(len(optional) + 1):
        for chosen in combinations(optional, size):
            taking = {c.parties[j] for j in veto | set(chosen)}
            free = _free_issues(c, taking)
            if any(_free_issues(c, taking - {c.parties[j]}) == free for j in chosen):
                continue  # a smaller set of optional parties frees the same issues
            runs.append(_Run(veto | frozenset(chosen), free))
    return runs


def _count_terms(c: _Compiled, coalition: Collection[str] | None) -> list[tuple[_Run, int]]:
    """Disjoint decomposition for counting: (run, coefficient), inclusion-exclusion over who accepts."""
    if coalition is not None:
        return [(run, 1) for run in _cover_runs(c, coalition)]
    veto = frozenset(j for j in range(len(c.parties)) if c.veto[j])
    optional = _optional(c)
    terms: dict[_Run, int] = {}
    for size in range(len(optional) + 1):
        for chosen in combinations(optional, size):
            free = _free_issues(c, {c.parties[j] for j in veto | set(chosen)})
            rest = [j for j in optional if j not in chosen]
            for extra_size in range(len(rest) + 1):
                for extra in combinations(rest, extra_size):
                    run = _Run(veto | frozenset(chosen) | frozenset(extra), free)
                    terms[run] = terms.get(run, 0) + (-1) ** extra_size
    return [(run, k) for run, k in terms.items() if k]


def _fixed_index(c: _Compiled, fixed: Mapping[str, str] | None) -> dict[int, int]:
    out = {}
    for issue_id, option_id in (fixed or {}).items():
        if issue_id not in c.issues:
            raise ValueError(f"fixed: unknown issue '{issue_id}'")
        n = c.issues.index(issue_id)
        if option_id not in c.options[n]:
            raise ValueError(f"fixed: unknown option '{option_id}' of issue '{issue_id}'")
        out[n] = c.options[n].index(option_id)
    return out


def _check_waived(c: _Compiled, waived: Collection[Waiver]) -> frozenset:
    for item in waived:
        kind, what = item
        if kind == "reservation" and what in c.parties:
            continue
        if kind == "red_line" and isinstance(what, int) and 0 <= what < len(c.red_lines):
            continue
        raise ValueError(f"waived: {item!r} is neither ('reservation', party id) nor ('red_line', index)")
    return frozenset(tuple(w) for w in waived)


def _order_of(inst: _Instance, order: Sequence[str] | None, c: _Compiled) -> list[int]:
    if order is None:
        return _choose_order(inst)
    index = [c.issues.index(i) for i in order]
    if sorted(index) != list(range(len(c.issues))):
        raise ValueError("order must list every issue exactly once")
    return index


def _evaluate(c: _Compiled, packages: np.ndarray, soft: Mapping[int, Any]) -> np.ndarray:
    """Every party's scaled utility for each package (option positions), straight from the tables."""
    out = np.zeros((len(packages), len(c.parties)), dtype=c.dtype)
    if c.dtype is object:
        out[...] = 0
    for n in range(len(c.issues)):
        out += c.points[n][packages[:, n]]

    def holds(cond: Condition) -> np.ndarray:
        h = np.ones(len(packages), dtype=bool)
        for n, ind in cond.items():
            h &= ind[packages[:, n]]
        return h

    for p, when, value in c.interactions:
        out[holds(when), p] += value
    for k, p, conds, price in c.red_lines:
        if price is not None and conds:
            out[np.logical_or.reduce([holds(cond) for cond in conds]), p] -= price
    return out


# =========================================================================== public functions
