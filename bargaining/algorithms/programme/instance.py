"""One run's problem: its coordinates, the issues' domains, the points, and the factors after they are simplified.

Domains are restricted first (frozen and fixed issues, single-issue factors folded into the points,
arc consistency on ``allowed``); an issue left with one option is conditioned out of every factor;
factors whose scopes nest are merged (docs/programme.md, "Factors").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Collection, Mapping, Sequence

import numpy as np

from .factors import Factor, FactorRule, compress, condition_factor, merge, where
from .limits import MAX_TABLE, Waiver
from .runs import Run
from .tables import Tables


@dataclass
class Instance:
    """The problem of one run (see the module's docstring)."""

    coordinates: tuple[int, ...]  # the party index of each coordinate
    bounded: tuple[int, ...]  # coordinates with a reservation to meet
    capped: tuple[int, ...]  # bounded coordinates that are not objectives
    reservation: dict[int, Any]  # coordinate -> scaled reservation
    domains: list[np.ndarray]  # per issue: the option positions allowed
    points: list[np.ndarray]  # per issue: (options, dimension) points, single-issue factors folded in
    factors: list[Factor]
    offset: np.ndarray  # (dimension,): what constant factors add
    empty: bool  # no package is acceptable in this run

    @property
    def dimension(self) -> int:
        """How many coordinates a state's vector has."""
        return len(self.coordinates)


def broken(holds: list[np.ndarray]) -> np.ndarray:
    """A red line is broken where one of its forbidden conjunctions holds (a term's one conjunction: where it holds)."""
    return np.asarray(np.logical_or.reduce(holds), dtype=bool)


def forbids(holds: list[np.ndarray]) -> tuple[np.ndarray, dict[int, Any]]:
    """A hard red line's factor: allowed where it is not broken."""
    return ~broken(holds), {}


def adds(coordinate: int, value: int, dtype: Any, where_: Callable[[list[np.ndarray]], np.ndarray]) -> FactorRule:
    """A factor adding ``value`` to one coordinate where ``where_`` holds (a term's points, a soft line's -price)."""
    def rule(holds: list[np.ndarray]) -> tuple[Any, dict[int, Any]]:
        return None, {coordinate: where(where_(holds), value, dtype)}
    return rule


def instance_of(tables: Tables, run: Run, objectives: Sequence[int], waived: Collection[Waiver], fixed: Mapping[int, int]) -> Instance:
    """The problem of one run: who must accept, which issues are frozen, the factors."""
    bounded_parties = [p for p in sorted(run.must) if ("reservation", tables.parties[p]) not in waived]
    coordinates = tuple(sorted(set(objectives) | set(bounded_parties)))
    coordinate = {p: k for k, p in enumerate(coordinates)}
    dimension = len(coordinates)
    bounded = tuple(coordinate[p] for p in bounded_parties)
    capped = tuple(coordinate[p] for p in bounded_parties if p not in objectives)
    reservation = {coordinate[p]: tables.reservation[p] for p in bounded_parties}
    domains = []
    for n in range(len(tables.issues)):
        domain = np.arange(len(tables.options[n]))
        if tables.controls[n] is not None and n not in run.free:
            domain = np.array([tables.status_quo[n]])
        if n in fixed:
            domain = domain[domain == fixed[n]]
        domains.append(domain)
    points = [tables.points[n][:, list(coordinates)].copy() for n in range(len(tables.issues))]
    offset = tables.zeros(dimension)
    factors = []
    for term in tables.interactions:
        if term.party in coordinate:
            factors.append(condition_factor(tables, [term.when], dimension, adds(coordinate[term.party], term.value, tables.dtype, broken)))
    for line in tables.red_lines:
        if not line.forbidden:  # no forbidden conjunction: the line always holds
            continue
        if line.price is None and ("red_line", line.index) in waived:  # (a waiver switches a hard line off; a soft one still costs)
            continue
        if line.price is None and line.party not in run.must:
            continue
        if line.price is not None and line.party not in coordinate:
            continue
        if line.price is None:
            factors.append(condition_factor(tables, line.forbidden, dimension, forbids))
        else:
            factors.append(condition_factor(tables, line.forbidden, dimension, adds(coordinate[line.party], -line.price, tables.dtype, broken)))

    empty = any(len(d) == 0 for d in domains)
    changed = True
    while changed and not empty:
        changed = False
        kept = []
        for factor in factors:
            factor = compress(factor, domains)
            if factor.allowed is None and factor.delta is None:
                continue
            if not factor.scope:
                if factor.allowed is not None and not bool(factor.allowed):
                    empty = True
                if factor.delta is not None:
                    offset = offset + factor.delta
                continue
            if len(factor.scope) == 1:
                n, labels = factor.scope[0], factor.labels[0]
                if factor.delta is not None:
                    points[n][domains[n]] += factor.delta[labels[domains[n]]]
                if factor.allowed is not None:
                    domains[n] = domains[n][factor.allowed[labels[domains[n]]]]
                changed = True
                continue
            if factor.allowed is not None:
                for t, n in enumerate(factor.scope):
                    others = tuple(a for a in range(len(factor.scope)) if a != t)
                    supported: np.ndarray = np.asarray(np.asarray(factor.allowed).any(axis=others))
                    ok = supported[factor.labels[t][domains[n]]]
                    if not ok.all():
                        domains[n] = domains[n][ok]
                        changed = True
            kept.append(factor)
        factors = kept
        empty = empty or any(len(d) == 0 for d in domains)
    if empty:
        return Instance(coordinates, bounded, capped, reservation, domains, points, [], offset, True)
    # merge factors whose scopes nest (largest scopes first)
    merged: list[Factor] = []
    for factor in sorted(factors, key=lambda f: -len(f.scope)):
        for k, larger in enumerate(merged):
            if set(factor.scope) <= set(larger.scope) and larger.size * factor.size <= MAX_TABLE:
                merged[k] = merge(larger, factor, domains, tables)
                break
        else:
            merged.append(factor)
    for factor in merged:  # a merge can leave a constant factor (e.g. a soft forbid and a soft require of one condition)
        if not factor.scope:
            if factor.allowed is not None and not bool(factor.allowed):
                return Instance(coordinates, bounded, capped, reservation, domains, points, [], offset, True)
            if factor.delta is not None:
                offset = offset + factor.delta
    return Instance(coordinates, bounded, capped, reservation, domains, points, [f for f in merged if f.scope], offset, False)
