"""The scenario as the programme reads it: exact integer points per option, rules as option masks.

Every number is read as the decimal written; party p's points, interaction values, prices and
reservation are multiplied by D_p, the lcm of their denominators, so that every utility is an
integer (int64 while every sum stays below 2**62, else Python ints in object arrays).  Red lines and
interactions come from the scenario's compiled rules (:mod:`bargaining.scenario.rules`): each
conjunction becomes a *condition*, issue index -> which of its options the conjunction allows.
docs/programme.md has the mathematics.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Mapping

import numpy as np

from ...scenario import Scenario, exact
from ...scenario.rules import Conjunction, Control, OptionAtom
from .limits import FLOAT_SAFE, INT64_SAFE, NotApplicable

#: A conjunction over discrete issues: issue index -> a bool mask over that issue's options.
Condition = dict[int, np.ndarray]


@dataclass(frozen=True)
class ScaledTerm:
    """An interaction: ``value`` (scaled) to ``party`` (its index) where ``when`` holds."""

    party: int
    when: Condition
    value: int


@dataclass(frozen=True)
class ScaledLine:
    """A red line: broken where one of ``forbidden`` holds; ``price`` (scaled) when it is soft in this run, else None."""

    index: int
    party: int
    forbidden: list[Condition]
    price: int | None


@dataclass
class Tables:
    """The scenario compiled for the programme (see the module's docstring)."""

    scenario: Scenario
    parties: tuple[str, ...]
    veto: tuple[bool, ...]
    issues: tuple[str, ...]
    options: tuple[tuple[str, ...], ...]
    status_quo: tuple[int | None, ...]
    denominators: tuple[int, ...]
    points: list[np.ndarray]  # per issue: (options, parties) scaled
    reservation: tuple[int, ...]
    interactions: list[ScaledTerm]
    red_lines: list[ScaledLine]
    controls: list[Control | None]  # per issue: its controlled_by rule (None: anyone's)
    dtype: Any
    float_exact: bool

    def zeros(self, shape: Any) -> np.ndarray:
        out = np.zeros(shape, dtype=self.dtype)
        if self.dtype is object:
            out[...] = 0
        return out

    def evaluate(self, packages: np.ndarray) -> np.ndarray:
        """Every party's scaled utility for each package (option positions), straight from the tables."""
        out = self.zeros((len(packages), len(self.parties)))
        for n in range(len(self.issues)):
            out += self.points[n][packages[:, n]]

        def holds(condition: Condition) -> np.ndarray:
            mask = np.ones(len(packages), dtype=bool)
            for n, allowed in condition.items():
                mask &= allowed[packages[:, n]]
            return mask

        for term in self.interactions:
            out[holds(term.when), term.party] += term.value
        for line in self.red_lines:
            if line.price is not None and line.forbidden:
                out[np.logical_or.reduce([holds(condition) for condition in line.forbidden]), line.party] -= line.price
        return out


def stated_soft(scenario: Scenario) -> dict[int, Any]:
    """The red lines that are soft in the stated world (a price and no ``real``): index -> price."""
    return {k: r.price for k, r in enumerate(scenario.red_lines) if r.soft}


def control_rules(scenario: Scenario) -> list[Control | None]:
    """Per issue: its compiled ``controlled_by`` rule (:class:`~bargaining.scenario.rules.Control`), None when anyone's."""
    by_issue = {control.issue: control for control in scenario.rules.controls}
    return [by_issue.get(issue.id) for issue in scenario.issues]


def tables_of(scenario: Scenario, soft: Mapping[int, Any] | None = None) -> Tables:
    """Exact integer tables of a discrete scenario.  ``soft``: red-line index -> price, lines
    treated as soft (breaking one costs its party the price instead of forbidding the package);
    every other red line is hard."""
    soft = dict(soft or {})
    continuous = [i.id for i in scenario.issues if i.is_continuous]
    if continuous:
        raise NotApplicable(f"continuous issue(s) {', '.join(continuous)}: the DP handles discrete issues only")  # (words users see: unchanged)
    parties = tuple(scenario.party_ids)
    party_index = {p: j for j, p in enumerate(parties)}
    issues = tuple(i.id for i in scenario.issues)
    issue_index = {i: n for n, i in enumerate(issues)}
    options = tuple(tuple(i.option_ids) for i in scenario.issues)

    def condition(conjunction: Conjunction) -> Condition:
        """A conjunction of option atoms as masks (two atoms on one issue: both must allow the option)."""
        out: Condition = {}
        for atom in conjunction.atoms:
            assert isinstance(atom, OptionAtom)  # (continuous issues were refused above)
            n = issue_index[atom.issue]
            mask = np.array([o in atom.options for o in options[n]], dtype=bool)
            out[n] = mask if n not in out else out[n] & mask
        return out

    memo: dict[Any, Fraction] = {}

    def exactly(value: Any) -> Fraction:  # exact(), once per distinct number
        found = memo.get(value)
        if found is None:
            found = memo[value] = exact(value)
        return found

    written = [[scenario.points(p, i) for p in parties] for i in issues]
    raw_points = [[[exactly(written[n][j].get(o, 0.0)) for j in range(len(parties))] for o in options[n]] for n in range(len(issues))]
    reservations = [exactly(scenario.party[p].reservation) for p in parties]
    rules = scenario.rules
    terms = [(party_index[x.party], condition(x.when), exactly(x.value)) for x in rules.terms]
    lines = [(r.index, party_index[r.party], [condition(c) for c in r.forbidden], exactly(soft[r.index]) if r.index in soft else None)
             for r in rules.lines]

    denominators = []
    for j in range(len(parties)):
        values = {reservations[j].denominator} | {row[j].denominator for table in raw_points for row in table}
        values |= {v.denominator for p, _, v in terms if p == j} | {v.denominator for _, p, _, v in lines if p == j and v is not None}
        denominators.append(math.lcm(*values))

    def scale(v: Fraction, j: int) -> int:
        return v.numerator * (denominators[j] // v.denominator)

    scaled_points = [[[scale(row[j], j) for j in range(len(parties))] for row in table] for table in raw_points]
    width = 0
    for j in range(len(parties)):
        total = abs(scale(reservations[j], j)) + sum(max(abs(row[j]) for row in table) for table in scaled_points)
        total += sum(abs(scale(v, j)) for p, _, v in terms if p == j) + sum(abs(scale(v, j)) for _, p, _, v in lines if p == j and v is not None)
        width = max(width, 2 * total)
    dtype: Any = np.int64 if width < INT64_SAFE else object
    points = []
    for table in scaled_points:
        array = np.empty((len(table), len(parties)), dtype=dtype)
        array[...] = table
        points.append(array)
    status_quo = tuple(next((k for k, o in enumerate(i.options or []) if o.status_quo), None) for i in scenario.issues)
    return Tables(
        scenario=scenario, parties=parties, veto=tuple(scenario.party[p].veto for p in parties), issues=issues, options=options,
        status_quo=status_quo, denominators=tuple(denominators), points=points,
        reservation=tuple(scale(r, j) for j, r in enumerate(reservations)),
        interactions=[ScaledTerm(p, c, scale(v, p)) for p, c, v in terms],
        red_lines=[ScaledLine(k, p, conds, None if v is None else scale(v, p)) for k, p, conds, v in lines],
        controls=control_rules(scenario), dtype=dtype, float_exact=width < FLOAT_SAFE,
    )
