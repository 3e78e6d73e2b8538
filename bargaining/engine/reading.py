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

#: how near (x the range's width) the solver's amount must be to a mark or a break-even amount for it to mean that one
TOLERANCE = Fraction(1, 10**7)
#: how far (x the range's width) from the solver's amount a package it offered may be looked for when the amount it
#: meant fails the exact check (:meth:`Reading._onto_boundary`)
REPAIR_WINDOW = Fraction(1, 10**5)
#: what a result says when :attr:`~.search.Search.unverified` rose while it was computed (a package with the options
#: left out and other amounts may be acceptable)
LEFT_OUT = ("the solver offered a package on a boundary that no exact amount near its own reaches, and its combination "
            "of options was left out: this result is not proven complete")


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
        return self._read()[0]

    def _read(self) -> tuple[dict[str, str | Fraction], dict[str, float]]:
        """The choices as meant (options rounded, amounts snapped) and the solver's raw amounts."""
        m, scenario = self.m, self.scenario
        keys = list(m.choose.keys())
        amounts = [m.amount[i.id] for i in scenario.continuous_issues]
        values = self.solver.values([m.choose[k] for k in keys] + amounts)
        chosen: dict[str, tuple[float, str]] = {}
        for (issue, option), value in zip(keys, values):
            if issue not in chosen or value > chosen[issue][0]:
                chosen[issue] = (value, option)
        choices: dict[str, str | Fraction] = {i: o for i, (_, o) in chosen.items()}
        raw = {issue.id: value for issue, value in zip(scenario.continuous_issues, values[len(keys):])}
        loose = []
        for issue_id, value in raw.items():
            mark = self._mark(issue_id, value)
            choices[issue_id] = mark if mark is not None else self._short(issue_id, value)
            if mark is None:
                loose.append(issue_id)
        binding = self._binding() if loose else []
        for issue_id in loose:  # off every mark: the solver may stand where a binding party's utility meets its reservation
            met = self._break_even(issue_id, raw[issue_id], choices, TOLERANCE, binding)
            if met:
                choices[issue_id] = met[0]
        return {i.id: choices[i.id] for i in scenario.issues}, raw

    def _range(self, issue_id: str) -> tuple[Fraction, Fraction]:
        low, high = self.scenario.issue[issue_id].range or (0.0, 0.0)
        return exact(low), exact(high)

    def _marks(self, issue_id: str) -> list[Fraction]:
        """The amount's range ends and the thresholds inside it, in order (where a condition on it turns)."""
        low, high = self._range(issue_id)
        inside = {exact(v) for (i, a, b) in self.model.atoms for v in (a, b) if i == issue_id and v is not None}
        return sorted({low, high, *(v for v in inside if low <= v <= high)})

    def _mark(self, issue_id: str, value: float) -> Fraction | None:
        """The threshold or range end within solver tolerance of ``value``, if any."""
        low, high = self._range(issue_id)
        window = TOLERANCE * max(Fraction(1), high - low)
        return next((mark for mark in self._marks(issue_id) if abs(Fraction(value) - mark) <= window), None)

    def _short(self, issue_id: str, value: float) -> Fraction:
        """The nearest fraction with a small denominator (33.3333333 -> 100/3), within the range."""
        low, high = self._range(issue_id)
        return min(max(Fraction(value).limit_denominator(10**6), low), high)

    def _binding(self) -> list[str]:
        """The parties whose gain the solver put at 0, within its tolerance (the only ones whose break-even amount
        it can be standing on)."""
        m, model = self.m, self.model
        parties = self.scenario.party_ids
        gains = self.solver.values([m.gain[p] for p in parties])
        return [p for p, g in zip(parties, gains)
                if abs(g) <= 1e-6 * max(1.0, float(model.world_range[p][1] - model.world_range[p][0]))]

    def _break_even(self, issue_id: str, value: float, choices: dict[str, str | Fraction], within: Fraction,
                    parties: list[str] | None = None) -> list[Fraction]:
        """The amounts within ``within`` x the range's width of ``value`` (the other choices as given) where a
        party's utility in this world equals its reservation exactly, nearest first (``parties``: only theirs;
        default every party's).  Between two marks every utility is affine in the amount, so two exact
        evaluations inside the stretch give each party's."""
        scenario, world = self.scenario, self.world
        low, high = self._range(issue_id)
        here = min(max(Fraction(value), low), high)
        marks = self._marks(issue_id)
        start = max((x for x in marks if x <= here), default=low)
        end = min((x for x in marks if x > here), default=high)
        if end <= start:
            return []
        window = within * max(Fraction(1), high - low)
        one, two = start + (end - start) / 3, start + 2 * (end - start) / 3  # inside the stretch: no mark between
        found = set()
        for party in scenario.parties if parties is None else [scenario.party[p] for p in parties]:
            u1 = scenario.exact_utility(party.id, {**choices, issue_id: one}, world)
            u2 = scenario.exact_utility(party.id, {**choices, issue_id: two}, world)
            if u1 != u2:
                root = one + (world.reservation(party) - u1) * (two - one) / (u2 - u1)
                if start <= root <= end and abs(root - here) <= window:
                    found.add(root)
        return sorted(found, key=lambda x: abs(x - here))

    def switches(self) -> tuple[list[tuple[str, str | int]], list[str]]:
        """In the current solution: the requirements switched off, and the non-veto parties taking part."""
        m = self.m
        relax = [m.relax[k] for k in m.relax]
        present = [m.takes_part[p] for p in m.takes_part]
        values = self.solver.values(relax + present)
        waived = [r.waiver for r, v in zip(self.model.requirements, values) if v > 0.5]
        return waived, [p for p, v in zip(m.takes_part, values[len(relax):]) if v > 0.5]

    def read_package(self) -> Package | None:
        choices, raw = self._read()
        waived, _ = self.switches()
        signers = self.scenario.signers(choices, waived, self.coalition, self.world)
        if signers is None and raw:
            choices, signers = self._onto_boundary(choices, raw, waived)
        if signers is None:
            return None
        return self.package(choices, signers)

    def _onto_boundary(self, choices: dict[str, str | Fraction], raw: dict[str, float], waived: Any
                       ) -> tuple[dict[str, str | Fraction], list[str] | None]:
        """The package the solver meant when the amounts as read miss a requirement by a rounding (the solver
        stood on a boundary a little off the exact one).  Each amount in turn, the others as read, is tried at
        the solver's own float, then at each break-even amount within :data:`REPAIR_WINDOW` of it, nearest
        first; the first the exact check accepts is the package.  (None: nothing tried is acceptable, and
        :meth:`~bargaining.engine.search.Search.maximize` leaves the combination of options out.)"""
        for issue_id, value in raw.items():
            low, high = self._range(issue_id)
            near = [min(max(Fraction(value), low), high), *self._break_even(issue_id, value, choices, REPAIR_WINDOW)]
            for amount in near:
                trial = {**choices, issue_id: amount}
                signers = self.scenario.signers(trial, waived, self.coalition, self.world)
                if signers is not None:
                    return trial, signers
        return choices, None


