"""Reading a package back from the solver: options rounded, amounts snapped to the values meant,
and the result checked exactly (a mixin of :class:`~bargaining.engine.search.Search`)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pyomo.environ as pyo

from ..results import Package
from ..scenario import Scenario, World, exact
from .model import BargainingModel
from .solver import Solver


class Reading:
    """What :class:`Search` reads from the current solution."""

    model: BargainingModel
    solver: Solver

    @property
    def coalition(self) -> frozenset[str] | None:
        raise NotImplementedError

    @property
    def world(self) -> World:
        raise NotImplementedError

    @property
    def scenario(self) -> Scenario:
        return self.model.scenario

    @property
    def m(self) -> pyo.ConcreteModel:
        return self.model.m

    def package(self, choices: Any, signers: list[str] | None = None) -> Package:
        raise NotImplementedError

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
        signers = self.scenario.signers(choices, waived, self.coalition, self.world)
        if signers is None:
            return None
        return self.package(choices, signers)

