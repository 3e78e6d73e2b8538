"""Ties in the stated-world rankings: bargaining criteria that pick the same package, another package that
reaches a criterion's value, and minimal coalitions of the smallest size (docs/exact-uncertainty.md, "Ties").

*Another package at the same value.*  For each criterion, the package it picks is cut off (its combination of
discrete options) and the criterion searched again; when the second package's value is the first's (exact
arithmetic, or within a relative :data:`~bargaining.results.ties.VALUE_TOLERANCE`), the two are tied on the
criterion, and what decides between them is the documented tie-break (the larger total utility) -- or
nothing, when the totals are equal too.  Kalai's value is measured against the ideal gains of the whole
space in both cases.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from ..criteria import CRITERIA
from ..engine.search import Search
from ..results import Package, number
from ..results.sensitivity import Tie
from ..results.ties import VALUE_TOLERANCE, within
from .coalitions import minimal_coalitions
from .questions import best_gain
from .solutions import best_package, criterion_value


def solution_ties(search: Search, parties: Sequence[str]) -> list[Tie]:
    """Ties among the bargaining solutions of the stated world (none when no package is acceptable)."""
    picked = {c: best_package(search, c, parties) for c in CRITERIA}
    if all(x is None for x in picked.values()):
        return []
    found = []
    same: dict[tuple[Any, ...], list[str]] = {}
    for criterion, package in picked.items():
        if package is not None:
            same.setdefault(package.key(), []).append(criterion)
    found += [Tie("criteria that pick the same package", tuple(group), "") for group in same.values() if len(group) > 1]
    ideal = {p: best_gain(search, p) or Fraction(0) for p in parties}
    for criterion, package in picked.items():
        if package is None or not search.scenario.discrete_issues:
            continue
        with search.changes() as edit:
            edit.cut_off(package.exact_choices)
            other = best_package(search, criterion, parties)
        if other is None:
            continue
        value = _value(criterion, package, parties, ideal)
        second = _value(criterion, other, parties, ideal)
        if within(value, second, VALUE_TOLERANCE, relative=True):
            totals = [sum(x.exact_utilities.values(), Fraction(0)) for x in (package, other)]
            decided = ("nothing else decides between them" if totals[0] == totals[1] else
                       f"the tie-break, the larger total utility ({number(totals[0])} against {number(totals[1])}), picks the first")
            found.append(Tie(f"{criterion} value", (_text(package), _text(other)), number(value), exact=value == second, note=decided))
    return found


def _value(criterion: str, package: Package, parties: Sequence[str], ideal: dict[str, Fraction]) -> Fraction:
    return criterion_value(criterion, package.exact_gains, parties, ideal, package.exact_utilities)


def _text(package: Package) -> str:
    return "{" + ", ".join(f"{i}: {c}" for i, c in sorted(package.choices.items())) + "}"


def coalition_ties(search: Search, limit: int = 50) -> list[Tie]:
    """The smallest minimal coalitions when there are several of that size (each opens the space; none is smaller)."""
    if not search.optional_parties:
        return []
    found = minimal_coalitions(search, limit)
    if len(found) < 2:
        return []
    smallest = min(len(c) for c in found)
    tied = [c for c in found if len(c) == smallest]
    if len(tied) < 2:
        return []
    optional = set(search.optional_parties)
    names = tuple("{" + ", ".join(sorted(c & optional)) + "}" for c in tied)
    return [Tie("smallest coalitions that open the space", names, f"{len(tied[0] & optional)} optional part{'y' if len(tied[0] & optional) == 1 else 'ies'} joining")]
