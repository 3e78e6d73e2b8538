"""Exact brute force for the DP tests: every package, exact utilities, acceptability as ``Scenario.signers``.

Unlike tests/oracle.py (one common denominator, int64) it scales each party by its own
denominator into Python ints, so 17-significant-digit points next to 1e6 stay exact.  It reads
the scenario's raw tables (``to_dict``), not the package's code, and extends the semantics with
two hooks the DP supports before the file format does: ``rules`` (issue id -> (members, how many
must take part), the general monotone ``controlled_by``) and ``soft`` (red-line index -> price:
breaking the line costs its party the price and does not make the package unacceptable).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping

import numpy as np
from oracle import Grid, taking_part

from bargaining.scenario import Scenario


def _frac(x) -> Fraction:
    return Fraction(repr(float(x)))


@dataclass
class Brute:
    issues: list[str]
    options: list[list[str]]
    parties: list[str]
    index: np.ndarray  # packages x issues (option positions), lexicographic order
    scaled: np.ndarray  # packages x parties, object (Python ints): utility x denominators[p]
    denominators: list[int]
    acceptable: np.ndarray  # bool per package

    def utility(self, k: int, p: int) -> Fraction:
        return Fraction(int(self.scaled[k, p]), self.denominators[p])

    def row(self, choices: Mapping[str, object]) -> int:
        """The package's row (lexicographic order of option positions)."""
        k = 0
        for n, issue in enumerate(self.issues):
            k = k * len(self.options[n]) + self.options[n].index(str(choices[issue]))
        return k

    def vector(self, choices: Mapping[str, object], parties: list[str] | None = None) -> tuple[Fraction, ...]:
        """The package's exact utilities by this enumeration (not the scenario's evaluator)."""
        k = self.row(choices)
        return tuple(self.utility(k, self.parties.index(p)) for p in (parties or self.parties))

    def accepts(self, choices: Mapping[str, object]) -> bool:
        return bool(self.acceptable[self.row(choices)])

    def frontier(self, parties: list[str] | None = None) -> set[tuple[Fraction, ...]]:
        cols = [self.parties.index(p) for p in (parties or self.parties)]
        rows = np.flatnonzero(self.acceptable)
        points = {tuple(self.utility(k, j) for j in cols) for k in rows}
        listed = list(points)
        return {x for x in listed if not any(all(a >= b for a, b in zip(y, x)) and y != x for y in listed)}

    def acceptable_packages(self) -> list[dict[str, str]]:
        """In lexicographic order of option positions (issues in scenario order)."""
        return [{i: self.options[n][self.index[k, n]] for n, i in enumerate(self.issues)} for k in np.flatnonzero(self.acceptable)]


def brute_force(scenario: Scenario, waived=(), coalition=None, fixed: Mapping[str, str] | None = None,
                rules: Mapping[str, tuple[list[str], int]] | None = None, soft: Mapping[int, float] | None = None) -> Brute:
    raw = scenario.to_dict()
    soft = dict(soft or {})
    grid = Grid.of(raw)
    issues, options, index, holds, line_holds = grid.issues, grid.options, grid.index, grid.holds, grid.line_holds
    parties = [p["id"] for p in raw["parties"]]
    n = len(index)
    utilities = raw.get("utilities", {})
    interactions = raw.get("interactions", [])
    red_lines = raw.get("red_lines", [])

    def where(mask: np.ndarray, value: int) -> np.ndarray:
        """value where mask holds, else 0, as Python ints (np.where would pick uint64 or float64 above 2**63)."""
        out = np.zeros(n, dtype=object)
        out[:] = 0
        out[mask] = value
        return out

    denominators = []
    scaled = np.zeros((n, len(parties)), dtype=object)
    reservation = []
    for j, party in enumerate(parties):
        values = [_frac(raw["parties"][j]["reservation"])]
        for points in utilities.get(party, {}).values():
            values += [_frac(v) for k, v in points.items() if k != "rationale"]
        values += [_frac(x["value"]) for x in interactions if x["party"] == party]
        values += [_frac(v) for k, v in soft.items() if red_lines[k]["party"] == party]
        d = math.lcm(*(v.denominator for v in values))
        denominators.append(d)
        reservation.append(int(_frac(raw["parties"][j]["reservation"]) * d))
        column = np.zeros(n, dtype=object)
        column[:] = 0
        for col, issue_id in enumerate(issues):
            points = utilities.get(party, {}).get(issue_id, {})
            table = np.array([int(_frac(points.get(o, 0.0)) * d) for o in options[col]], dtype=object)
            column = column + table[index[:, col]]
        for x in interactions:
            if x["party"] == party:
                column = column + where(holds(x["when"]), int(_frac(x["value"]) * d))
        for k, price in soft.items():
            if red_lines[k]["party"] == party:
                column = column - where(~line_holds(red_lines[k]), int(_frac(price) * d))
        scaled[:, j] = column

    def accepts(j: int) -> np.ndarray:
        party = parties[j]
        ok = np.ones(n, dtype=bool)
        if ("reservation", party) not in waived:
            ok &= np.array([v >= reservation[j] for v in scaled[:, j]], dtype=bool)
        for k, r in enumerate(red_lines):
            if r["party"] == party and ("red_line", k) not in waived and k not in soft:
                ok &= line_holds(r)
        return ok

    accepting = np.stack([accepts(j) for j in range(len(parties))], axis=1)
    acceptable, _ = taking_part(raw, grid, accepting, coalition, rules)
    for issue_id, option_id in (fixed or {}).items():
        col = issues.index(issue_id)
        acceptable &= index[:, col] == options[col].index(option_id)
    return Brute(issues, options, parties, index, scaled, denominators, acceptable)
