"""Brute force over every world of the uncertain red lines: the oracle of the exact uncertainty analysis.

Every combination of real / not real of the lines with ``real`` (2^k worlds) is written out here,
from the documented rules (each line real with its probability, independently; the probability
read as the decimal written), and every package is evaluated in every world by
:func:`oracle.enumerate_worlds` (which reads the raw scenario dict, not the package's evaluators).
Nothing here uses the implementation's sampler or its blocking sets.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import product

import numpy as np
import pandas as pd
from oracle import WorldEnumeration, enumerate_worlds

from bargaining import Scenario


def _frac(x: float) -> Fraction:
    return Fraction(repr(float(x)))


@dataclass
class ExactOracle:
    lines: list[str]  # ids of the lines with real, in file order
    p: list[Fraction]
    worlds: list[tuple[bool, ...]]  # world -> real per line
    weight: list[Fraction]  # world -> probability
    enumeration: WorldEnumeration

    @property
    def accepted(self) -> np.ndarray:  # packages x worlds
        return self.enumeration.accepted

    def deal(self) -> np.ndarray:
        return self.accepted.any(axis=0)

    def probability(self, mask: np.ndarray) -> Fraction:
        return sum((w for w, m in zip(self.weight, mask) if m), Fraction(0))

    def deal_probability(self) -> Fraction:
        return self.probability(self.deal())

    def blocking_sets(self) -> set[frozenset[str]]:
        """The minimal sets of lines which, all real (the others not), leave no acceptable package; over the
        worlds that can happen (a line with probability 1 is always real, and is in no set)."""
        bad = [frozenset(l for l, r, q in zip(self.lines, w, self.p) if r and q < 1)
               for w, d, weight in zip(self.worlds, self.deal(), self.weight) if not d and weight > 0]
        return {s for s in bad if not any(t < s for t in bad)}

    def package_probability(self) -> list[Fraction]:
        return [self.probability(row) for row in self.accepted]

    def best_patterns(self) -> frozenset[tuple[bool, ...]]:
        """The worlds (of positive probability) in which each most robust package is acceptable: one pattern
        per class of equally robust packages."""
        chances = self.package_probability()
        top = max(chances, default=Fraction(0))
        live = [w for w, weight in enumerate(self.weight) if weight > 0]
        return frozenset(tuple(bool(self.accepted[k, w]) for w in live) for k, c in enumerate(chances) if c == top)

    def side(self, j: int, real: bool) -> np.ndarray:
        return np.array([w[j] == real for w in self.worlds])

    def best(self, among: np.ndarray | None = None) -> Fraction:
        """The largest probability (of the worlds ``among``) that one package is acceptable in."""
        mask = np.ones(len(self.worlds), dtype=bool) if among is None else among
        return max((self.probability(row & mask) for row in self.accepted), default=Fraction(0))

    def value_of_information(self) -> dict[str, Fraction]:
        now = self.best()
        return {line: self.best(self.side(j, True)) + self.best(self.side(j, False)) - now for j, line in enumerate(self.lines)}

    def deal_given(self, j: int, real: bool) -> Fraction | None:
        side = self.side(j, real)
        total = self.probability(side)
        return None if total == 0 else self.probability(self.deal() & side) / total

    def with_probability(self, j: int, value: Fraction) -> ExactOracle:
        """The same worlds with line j's probability replaced (acceptance does not depend on it)."""
        p = list(self.p)
        p[j] = value
        return ExactOracle(self.lines, p, self.worlds, _weights(self.worlds, p), self.enumeration)


def _weights(worlds: list[tuple[bool, ...]], p: list[Fraction]) -> list[Fraction]:
    out = []
    for w in worlds:
        weight = Fraction(1)
        for real, q in zip(w, p):
            weight *= q if real else 1 - q
        out.append(weight)
    return out


def exact_oracle(scenario: Scenario, fixed: dict[str, float] | None = None) -> ExactOracle:
    """Every world of the lines with ``real``; ``fixed``: columns held in every world (a party's id: its
    reservation; ``factor:<party>:<issue>:<option>``: a point's factor), read by :func:`enumerate_worlds`."""
    raw = scenario.to_dict()
    uncertain = [r for r in raw.get("red_lines", []) if "real" in r]
    lines = [r["id"] for r in uncertain]
    p = [_frac(r["real"]) for r in uncertain]
    worlds = list(product([False, True], repeat=len(lines)))
    table = pd.DataFrame([{**dict(zip(lines, w)), **(fixed or {})} for w in worlds], columns=[*lines, *(fixed or {})])
    return ExactOracle(lines, p, worlds, _weights(worlds, p), enumerate_worlds(scenario, table))


def only_real_lines(scenario: Scenario) -> Scenario:
    """The scenario without reservation ranges and points spreads (its only uncertainty: real lines)."""
    data = scenario.to_dict()
    for party in data["parties"]:
        party.pop("reservation_range", None)
        party.pop("points_spread", None)
    return Scenario.from_dict(data)
