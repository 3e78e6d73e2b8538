"""Searching the one model: maximise, read packages back exactly, and set temporary bounds.

Every package read from the solver is rounded (binaries to the nearest option, amounts to
a nearby threshold) and then checked again in plain Python with exact arithmetic
(:meth:`Scenario.signers`); a solver tolerance can therefore never put an unacceptable
package, or a wrong utility, into a result.
"""

from __future__ import annotations

import math
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Iterator, Mapping, Sequence

import pandas as pd
import pyomo.environ as pyo

from .model import BargainingModel, Requirement
from .scenario import Scenario, exact, fraction_gcd
from .solver import Outcome, Solver


class TimeLimitReached(RuntimeError):
    """The solver stopped at the time limit before it found any acceptable package."""


@dataclass(frozen=True)
class Package:
    """One package: a choice on every issue, and what it is worth to every party.

    ``utilities`` and ``gains`` are floats for reading; ``exact_utilities`` keeps the exact
    rational values that comparisons (ties, dominance, criteria) are made with.
    """

    exact_choices: dict[str, str | Fraction]
    exact_utilities: dict[str, Fraction]
    reservations: dict[str, Fraction]
    signers: tuple[str, ...]
    criterion: str | None = None
    optimal: bool = True

    @property
    def choices(self) -> dict[str, str | float]:
        """Issue id -> the chosen option id, or the amount (a float) for a continuous issue."""
        return {i: (c if isinstance(c, str) else float(c)) for i, c in self.exact_choices.items()}

    @property
    def utilities(self) -> dict[str, float]:
        return {p: float(u) for p, u in self.exact_utilities.items()}

    @property
    def exact_gains(self) -> dict[str, Fraction]:
        return {p: u - self.reservations[p] for p, u in self.exact_utilities.items()}

    @property
    def gains(self) -> dict[str, float]:
        return {p: float(g) for p, g in self.exact_gains.items()}

    def key(self) -> tuple:
        return tuple(sorted(self.exact_choices.items()))

    def row(self) -> dict[str, Any]:
        """One DataFrame row: a column per issue (its choice) and per party (its utility)."""
        return {**self.choices, **self.utilities}

    def table(self, scenario: Scenario) -> pd.DataFrame:
        """Issue by issue: the choice and its name, then each party's utility and gain."""
        rows = []
        for issue in scenario.issues:
            choice = self.choices[issue.id]
            if issue.is_continuous:
                label = f"{choice:g}" + (f" {issue.unit}" if issue.unit else "")
            else:
                label = next(o.label for o in issue.options or [] if o.id == choice)
            rows.append({"issue": issue.label, "choice": choice, "meaning": label})
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "optimal": self.optimal,
            "choices": self.choices,
            "utilities": self.utilities,
            "gains": self.gains,
            "taking_part": list(self.signers),
        }


@dataclass
class Search:
    """The model, its solver, and the primitives every algorithm here is written in."""

    model: BargainingModel
    solver: Solver
    time_limit: float | None = None
    deadline: float | None = field(default=None, init=False)
    #: the parties taking part when a coalition is imposed (None: non-veto parties are free to)
    coalition: frozenset[str] | None = field(default=None, init=False)

    @property
    def scenario(self) -> Scenario:
        return self.model.scenario

    @property
    def m(self) -> pyo.ConcreteModel:
        return self.model.m

    # ---- time
    @contextmanager
    def limited(self, seconds: float | None) -> Iterator[None]:
        """Run a whole algorithm (many solves) under one time limit."""
        previous = self.deadline
        if seconds is not None:
            self.deadline = time.perf_counter() + seconds
        try:
            yield
        finally:
            self.deadline = previous

    def remaining(self) -> float | None:
        limits = [x for x in (self.time_limit, None if self.deadline is None else self.deadline - time.perf_counter()) if x is not None]
        return max(0.0, min(limits)) if limits else None

    # ---- solving
    def maximize(self, objective: Any, granularity: Fraction | None = None) -> tuple[Outcome, Package | None]:
        """Maximise ``objective`` over acceptable packages as the model stands now.

        Returns the solver's outcome and the (exactly checked) package found, if any.  A
        package the exact check rejects -- a tolerance artefact -- is cut off and the model
        solved again, so it never reaches a result.
        """
        self.m.objective.set_value(objective)
        while True:
            remaining = self.remaining()
            if remaining is not None and remaining <= 0:
                return Outcome("time_limit", None, False), None
            outcome = self.solver.solve(remaining, None if granularity is None else float(granularity))
            if not outcome.has_solution:
                return outcome, None
            package = self.read_package()
            if package is not None:
                if outcome.status != "optimal":
                    package = Package(**{**package.__dict__, "optimal": False})
                return outcome, package
            if self.scenario.continuous_issues:
                warnings.warn(
                    "a package found by the solver misses a reservation or bound by less than the solver's "
                    "tolerance when its amounts are read exactly; its combination of options is left out",
                    stacklevel=3,
                )
            self.cut_off(self.read_choices())

    def feasible(self) -> Package | None:
        """Any acceptable package under the current bounds, or None."""
        outcome, package = self.maximize(0)
        if outcome.status == "time_limit" and package is None:
            raise TimeLimitReached("stopped at the time limit before finding an acceptable package")
        return package

    def granularity(self, parties: Sequence[str], reservations: bool = False) -> Fraction | None:
        """The step between two different values of a sum of these parties' utilities (or of
        their gains, with ``reservations``): the gcd of their units; None if any is continuous."""
        steps = [self.model.unit[p] for p in parties]
        if reservations:
            steps += [exact(self.scenario.party[p].reservation) for p in parties]
        if any(s is None for s in steps):
            return None
        return fraction_gcd([s for s in steps if s])

    def read_choices(self) -> dict[str, str | Fraction]:
        m, scenario = self.m, self.scenario
        keys = list(m.choose.keys())
        amounts = [m.amount[i.id] for i in scenario.continuous_issues]
        values = self.solver.values([m.choose[k] for k in keys] + amounts)
        chosen: dict[str, tuple[float, str]] = {}
        for (issue, option), value in zip(keys, values):
            if issue not in chosen or value > chosen[issue][0]:
                chosen[issue] = (value, option)
        choices: dict[str, str | Fraction] = {i: o for i, (_, o) in chosen.items()}
        for issue, value in zip(scenario.continuous_issues, values[len(keys):]):
            choices[issue.id] = self._snap(issue.id, value)
        return {i.id: choices[i.id] for i in scenario.issues}

    def _snap(self, issue_id: str, value: float) -> Fraction:
        """The exact amount the solver meant: a threshold or range end within solver tolerance,
        else the nearest fraction with a small denominator (33.3333333 -> 100/3), so that a
        package sitting exactly on a reservation or bound passes the exact check."""
        issue = self.scenario.issue[issue_id]
        low, high = issue.range or (0.0, 0.0)
        marks = [low, high] + [v for (i, a, b) in self.model.atoms for v in (a, b) if i == issue_id and v is not None]
        tolerance = 1e-7 * max(1.0, high - low)
        for mark in marks:
            if abs(value - mark) <= tolerance:
                return exact(mark)
        return min(max(Fraction(value).limit_denominator(10**6), exact(low)), exact(high))

    def switches(self) -> tuple[list[tuple[str, str | int]], list[str]]:
        """In the current solution: the requirements switched off, and the non-veto parties taking part."""
        m = self.m
        relax = [m.relax[k] for k in m.relax]
        present = [m.takes_part[p] for p in m.takes_part]
        values = self.solver.values(relax + present)
        waived = [r.waiver for r, v in zip(self.model.requirements, values) if v > 0.5]
        return waived, [p for p, v in zip(m.takes_part, values[len(relax):]) if v > 0.5]

    def read_package(self) -> Package | None:
        choices = self.read_choices()
        waived, _ = self.switches()
        signers = self.scenario.signers(choices, waived, self.coalition)
        if signers is None:
            return None
        return self.package(choices, signers)

    @contextmanager
    def imposing(self, coalition: frozenset[str] | None) -> Iterator[None]:
        """Exactly these parties take part (all veto parties must be among them)."""
        if coalition is None:
            yield
            return
        m, previous = self.m, self.coalition
        for p in m.takes_part:
            m.takes_part[p].fix(1 if p in coalition else 0)
        self.coalition = coalition
        try:
            yield
        finally:
            self.coalition = previous
            for p in m.takes_part:
                m.takes_part[p].unfix() if previous is None else m.takes_part[p].fix(1 if p in previous else 0)

    def package(self, choices: Mapping[str, Any], signers: list[str] | None = None) -> Package:
        scenario = self.scenario
        signers = signers if signers is not None else scenario.signers(choices, (), self.coalition) or []
        return Package(
            exact_choices={i: (c if isinstance(c, str) else exact(c)) for i, c in choices.items()},
            exact_utilities={p: scenario.utility(p, choices) for p in scenario.party_ids},
            reservations={p.id: exact(p.reservation) for p in scenario.parties},
            signers=tuple(signers),
        )

    def cut_off(self, choices: Mapping[str, Any]) -> None:
        """Exclude this combination of discrete options from later solves (until ``clear_cuts``)."""
        m = self.m
        chosen = [m.choose[i.id, choices[i.id]] for i in self.scenario.discrete_issues]
        m.package_cuts.add(sum(chosen) <= len(chosen) - 1)

    def clear_cuts(self) -> None:
        self.solver.drop(self.m.package_cuts)

    # ---- bounds on gains
    def step_above(self, party: str, gain: Fraction) -> Fraction:
        """The smallest gain the party can have that is strictly above ``gain``."""
        unit = self.model.unit[party]
        if unit is None:
            low, high = self.model.utility_range[party]
            return gain + Fraction(max(high - low, 1.0)) * Fraction(1, 10**6)
        return self.at_least(party, gain + unit) if gain == self.at_least(party, gain) else self.at_least(party, gain)

    def at_least(self, party: str, gain: Fraction) -> Fraction:
        """The smallest gain the party can have that is at least ``gain`` (gains lie on a lattice)."""
        unit = self.model.unit[party]
        if unit is None:
            return gain
        reservation = exact(self.scenario.party[party].reservation)
        return unit * math.ceil((gain + reservation) / unit) - reservation

    @contextmanager
    def waiving(self, requirements: Sequence[Requirement]) -> Iterator[None]:
        """These requirements switched off until the block ends (the exact check waives them too)."""
        index = {r: k for k, r in enumerate(self.model.requirements)}
        with self.restoring():
            for requirement in requirements:
                self.m.relax[index[requirement]].fix(1)
            yield

    @contextmanager
    def restoring(self) -> Iterator[None]:
        """Undo, on exit, every in-place change an algorithm makes to the model's bounds and switches."""
        m = self.m
        bounds = {p: (m.gain[p].lb, m.gain[p].ub) for p in m.gain}
        params = {c.name: {k: c[k].value for k in c} for c in m.component_objects(pyo.Param) if c.mutable}
        active = {c.name: {k: c[k].active for k in c} for c in (m.floor_rows, m.total_row, m.criteria_total_row, m.log_row)}
        fixed = {v.name: (v.fixed, v.value) for v in m.component_data_objects(pyo.Var) if v.parent_component().name in {"relax", "takes_part"}}
        try:
            yield
        finally:
            for p, (lb, ub) in bounds.items():
                m.gain[p].setlb(lb)
                m.gain[p].setub(ub)
            for name, values in params.items():
                component = m.component(name)
                for k, value in values.items():
                    component[k].set_value(value)
            for name, flags in active.items():
                component = m.component(name)
                for k, flag in flags.items():
                    component[k].activate() if flag else component[k].deactivate()
            for v in m.component_data_objects(pyo.Var):
                if v.name in fixed:
                    was_fixed, value = fixed[v.name]
                    if was_fixed:
                        v.fix(value)
                    else:
                        v.unfix()

