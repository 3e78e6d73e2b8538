"""Searching the one model: maximise, read packages back exactly, and change the model in place.

Algorithms never touch the model's components.  They build objectives from the expressions
:class:`Search` offers (:meth:`Search.utility`, :meth:`Search.gain`, :meth:`Search.total`,
...) and make every change inside ``with search.changes() as edit:``; the :class:`Edit`
undoes all of them, in reverse order, when the block ends (also on an error or Ctrl-C).

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
from typing import Any, Callable, Collection, Iterator, Mapping, Sequence


from ..errors import TimeLimitReached
from ..results import Package
from ..scenario import STATED, Requirement, Scenario, World, fraction_gcd
from .model import BargainingModel, factor_slots
from .reading import Reading
from .numerics import Doubt, doubt as numeric_doubt
from .phasing import PhasingBlock, build_phasing
from .solver import Outcome, Solver


class Edit:
    """Changes to the model that undo themselves (see :meth:`Search.changes`)."""

    def __init__(self, search: "Search"):
        self.search = search
        self._undo: list[Callable[[], None]] = []

    def undo(self) -> None:
        while self._undo:
            self._undo.pop()()

    # ---- rows
    def row(self, relation: Any) -> None:
        """Add a constraint (built from :class:`Search` expressions) until the edit ends."""
        scratch = self.search.m.scratch
        row = scratch.add(relation)
        index = row.index()

        def remove() -> None:
            self.search.solver.remove(row)
            del scratch[index]

        self._undo.append(remove)

    def cut_off(self, choices: Mapping[str, Any]) -> None:
        """Exclude this combination of discrete options."""
        m = self.search.m
        chosen = [m.choose[i.id, choices[i.id]] for i in self.search.scenario.discrete_issues]
        self.row(sum(chosen) <= len(chosen) - 1)

    # ---- bounds and fixed variables
    def gain_at_least(self, party: str, gain: Fraction | float | None) -> None:
        """The party's gain is at least ``gain`` (None: no bound)."""
        variable = self.search.m.gain[party]
        previous = variable.lb
        variable.setlb(None if gain is None else float(gain))
        self._undo.append(lambda: variable.setlb(previous))

    def _fix(self, variable: Any, value: float) -> None:
        was_fixed, previous = variable.fixed, variable.value
        variable.fix(value)
        self._undo.append(lambda: variable.fix(previous) if was_fixed else variable.unfix())

    def _unfix(self, variable: Any) -> None:
        was_fixed, previous = variable.fixed, variable.value
        variable.unfix()
        self._undo.append(lambda: variable.fix(previous) if was_fixed else None)

    def freeze(self, issue_id: str, choice: Any) -> None:
        """Hold one issue at a choice (an option id, or an amount)."""
        m, issue, search = self.search.m, self.search.scenario.issue[issue_id], self.search
        previous = dict(search.fixed)
        search.fixed = {**previous, issue_id: choice}
        self._undo.append(lambda: setattr(search, "fixed", previous))
        if issue.is_continuous:
            self._fix(m.amount[issue_id], float(choice))
        else:
            for option in issue.option_ids:
                self._fix(m.choose[issue_id, option], 1 if option == choice else 0)

    def fix_package(self, choices: Mapping[str, Any]) -> None:
        for issue_id, choice in choices.items():
            self.freeze(issue_id, choice)

    def waive(self, requirements: Sequence[Requirement]) -> None:
        """Switch these requirements off (the exact check waives them too)."""
        search = self.search
        index = {r: k for k, r in enumerate(search.model.requirements)}
        previous = search.waived
        search.waived = previous | {r.waiver for r in requirements}
        self._undo.append(lambda: setattr(search, "waived", previous))
        for requirement in requirements:
            self._fix(search.m.relax[index[requirement]], 1)

    def free(self, kinds: Collection[str]) -> None:
        """Let the solver switch off any requirement in force (:attr:`Search.requirements`) of these kinds
        ("reservation", "red_line"); a waived one stays off."""
        index = {r: k for k, r in enumerate(self.search.model.requirements)}
        for requirement in self.search.requirements:
            if requirement.kind in kinds:
                self._unfix(self.search.m.relax[index[requirement]])

    def impose(self, coalition: frozenset[str] | None) -> None:
        """Exactly these parties take part (all veto parties must be among them); None: no change."""
        if coalition is None:
            return
        search, m = self.search, self.search.m
        previous = search.coalition
        for p in m.takes_part:
            self._fix(m.takes_part[p], 1 if p in coalition else 0)
        search.coalition = coalition
        self._undo.append(lambda: setattr(search, "coalition", previous))

    def _set(self, parameter: Any, value: float) -> None:
        previous = parameter.value
        parameter.set_value(value)
        self._undo.append(lambda: parameter.set_value(previous))

    def world(self, world: World) -> None:
        """Set a sampled world: each red line with ``real`` hard (broken fixed 0), soft (broken free)
        or absent (switched off); sampled reservations in the mutable reservation parameters; each
        spread party's point factors in the mutable factor parameters.  Packages read back are
        then evaluated in that world."""
        search, m = self.search, self.search.m
        switch = {r.index: k for k, r in enumerate(search.model.requirements) if r.kind == "red_line"}
        for k, red_line in enumerate(search.scenario.red_lines):
            if red_line.real is None:
                continue
            status = world.status(k, red_line)
            if red_line.price is not None:
                self._fix(m.broken[k], 0) if status == "hard" else self._unfix(m.broken[k])
            self._fix(m.relax[switch[k]], 1 if status == "absent" else 0)
        for party, value in world.reservations.items():  # the model holds floats; packages are checked exactly in the world
            self._set(m.reservation[party], float(value))
        for party, table in world.factors.items():
            for issue, option in factor_slots(search.scenario, party):
                self._set(m.factor[party, issue, option], float(table[(issue, option)]))
        previous = search.world
        search.world = world
        self._undo.append(lambda: setattr(search, "world", previous))

    def variant(self, scenario: Scenario) -> None:
        """Answer for ``scenario``: the model's scenario with other reservations and red-line prices, and
        lines priced that were hard (see :mod:`.variant`; its structure must be the model's)."""
        from .variant import set_variant

        set_variant(self, scenario)

    # ---- for break-even values (algorithms/break_even.py): one number or one switch moved at a time
    def attend(self, party: str, present: bool) -> None:
        """A non-veto party takes part (its reservation and red lines bind) or stays out."""
        self._fix(self.search.m.takes_part[party], 1 if present else 0)

    def line_broken(self, index: int, broken: bool) -> None:
        """A red line with a price: held (broken fixed 0) or paid for whether broken or not (fixed 1)."""
        self._fix(self.search.m.broken[index], 1 if broken else 0)

    def red_line_variant(self, index: int, atoms: Mapping[tuple[str, Any], bool]) -> bool:
        """Rows of red line ``index`` with some of its atoms ((issue, want) -> truth) taken as constants,
        binding whatever its party does (see :mod:`.variants`); False when the line then cannot hold."""
        from .variants import variant_rows

        return variant_rows(self, index, atoms)

    def phasing(self, phases: int) -> PhasingBlock:
        """Switch on the phasing block for this many phases (built once per count, then kept)."""
        block = self.search.phasing_block(phases)
        block.block.activate()
        self._undo.append(block.block.deactivate)
        return block


@dataclass
class Search(Reading):
    """The model, its solver, and the primitives every algorithm here is written in."""

    model: BargainingModel
    solver: Solver
    time_limit: float | None = None
    deadline: float | None = field(default=None, init=False)
    #: the parties taking part when a coalition is imposed (None: non-veto parties are free to)
    coalition: frozenset[str] | None = field(default=None, init=False)
    #: requirements waived and issues frozen by the edits in force (what solver-free methods must respect too)
    waived: frozenset[tuple[str, str | int]] = field(default=frozenset(), init=False)
    fixed: dict[str, Any] = field(default_factory=dict, init=False)
    #: how many solves so far ended without proving their answer (time limit, interrupted):
    #: an algorithm compares it before and after to know whether its result is proven
    unproven: int = field(default=0, init=False)
    #: the world set by :meth:`Edit.world` (the stated world otherwise): packages are read in it
    world: World = field(default=STATED, init=False)
    _phasing: dict[int, PhasingBlock] = field(default_factory=dict, init=False)
    _doubt: list[Doubt | None] = field(default_factory=list, init=False)

    @classmethod
    def of(cls, scenario: Scenario, time_limit: float | None = None) -> "Search":
        """Build the model once and its persistent solver."""
        from .model import build_model

        model = build_model(scenario)
        tight = bool(scenario.continuous_issues) and numeric_doubt(scenario) is None
        return cls(model, Solver(model.m, feasibility_tolerance=1e-9 if tight else 1e-6), time_limit)

    @contextmanager
    def changes(self) -> Iterator[Edit]:
        """A block whose changes to the model are all undone when it ends."""
        edit = Edit(self)
        try:
            yield edit
        finally:
            edit.undo()

    def phasing_block(self, phases: int) -> PhasingBlock:
        if phases not in self._phasing:
            self._phasing[phases] = build_phasing(self.model, phases)
        return self._phasing[phases]

    def midway_blockers(self, block: PhasingBlock) -> tuple[list[int], list[str]] | None:
        """With the phasing block on and no package that can be phased: the fewest red lines (their indices)
        and veto parties (their reservations) that, allowed to break before the last phase only, let a
        package be phased; None when not even that helps (the ``after:`` orders, or a closed space)."""
        switches = [*block.early.values(), *block.owes.values()]
        with self.changes() as edit:
            for switch in switches:
                edit._unfix(switch)
            _, package = self.maximize(-sum(switches), Fraction(1))
            if package is None:
                return None
            values = self.values(switches)
        on = {id(switch) for switch, value in zip(switches, values) if value > 0.5}
        return [k for k, v in block.early.items() if id(v) in on], [p for p, v in block.owes.items() if id(v) in on]

    def doubt(self) -> Doubt | None:
        """Why the solver may rank utilities wrongly in this scenario (None: its word can be trusted)."""
        if not self._doubt:
            self._doubt.append(numeric_doubt(self.scenario))
        return self._doubt[0]

    # ---- what the model knows about the scenario's numbers
    @property
    def requirements(self) -> list[Requirement]:
        """Every reservation and hard red line in force, in the order of the model's switches: those the
        edits in force waive, and red lines a variant (:meth:`Edit.variant`) prices, are left out."""
        lines = self.scenario.red_lines
        return [r for r in self.model.requirements
                if r.waiver not in self.waived and (r.kind == "reservation" or not lines[r.index or 0].soft)]

    def unit(self, party: str) -> Fraction | None:
        """The step between two different utilities of the party (None: continuous, or points scaled in the world)."""
        return None if self.world.scales(party) else self.model.unit[party]

    def reservation(self, party: str) -> Fraction:
        """The party's reservation in the current world, exactly."""
        return self.scenario.exact_reservation(party, self.world)

    def utility_range(self, party: str) -> tuple[float, float]:
        """The lowest and highest utility any package can give the party."""
        return self.model.utility_range[party]

    # ---- expressions for objectives and rows
    def utility(self, party: str) -> Any:
        return self.m.utility[party]

    def amount(self, issue_id: str) -> Any:
        return self.m.amount[issue_id]

    def gain(self, party: str) -> Any:
        return self.m.gain[party]

    def total(self, parties: Sequence[str]) -> Any:
        return sum(self.m.utility[p] for p in parties)

    @property
    def floor(self) -> Any:
        """A free variable for "the smallest of some (scaled) gains": rows tie it to gains."""
        return self.m.floor

    def log_gain(self, party: str) -> Any:
        """A free variable for log(gain): tangent rows cap it (Nash)."""
        return self.m.log_gain[party]

    def switched_off(self, requirements: Sequence[Requirement] | None = None) -> Any:
        """How many of these requirements (default: all) are switched off."""
        index = {r: k for k, r in enumerate(self.model.requirements)}
        chosen = self.model.requirements if requirements is None else requirements
        return sum(self.m.relax[index[r]] for r in chosen)

    def joining(self, parties: Sequence[str] | None = None) -> Any:
        """How many of these non-veto parties (default: all) take part."""
        chosen = list(self.m.takes_part) if parties is None else parties
        return sum(self.m.takes_part[p] for p in chosen)

    @property
    def optional_parties(self) -> list[str]:
        return list(self.m.takes_part)

    # ---- time
    @contextmanager
    def limited(self, seconds: float | None) -> Iterator[None]:
        """Run a whole algorithm (many solves) under one time limit (never beyond a limit already in force)."""
        previous = self.deadline
        if seconds is not None:
            ends = time.perf_counter() + seconds
            self.deadline = ends if previous is None else min(previous, ends)
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
        with self.changes() as edit:
            while True:
                remaining = self.remaining()
                if remaining is not None and remaining <= 0:
                    self.unproven += 1
                    return Outcome("time_limit", None, False), None
                outcome = self.solver.solve(remaining, None if granularity is None else float(granularity))
                if outcome.status == "time_limit":
                    self.unproven += 1
                if not outcome.has_solution:
                    return outcome, None
                package = self.read_package()
                if package is not None:
                    if outcome.status != "optimal":
                        package = package.with_(optimal=False)
                    return outcome, package
                if self.scenario.continuous_issues:
                    warnings.warn(
                        "a package found by the solver misses a reservation or bound by less than the solver's "
                        "tolerance when its amounts are read exactly; its combination of options is left out",
                        stacklevel=3,
                    )
                edit.cut_off(self.read_choices())

    def feasible(self) -> Package | None:
        """Any acceptable package under the current bounds, or None."""
        outcome, package = self.maximize(0)
        if outcome.status == "time_limit" and package is None:
            raise TimeLimitReached("stopped at the time limit before finding an acceptable package")
        return package

    def granularity(self, parties: Sequence[str], reservations: bool = False) -> Fraction | None:
        """The step between two different values of a sum of these parties' utilities (or of
        their gains, with ``reservations``): the gcd of their units; None if any is continuous."""
        steps = [self.unit(p) for p in parties]
        if reservations:
            steps += [self.reservation(p) for p in parties]
        if any(s is None for s in steps):
            return None
        return fraction_gcd([s for s in steps if s])

    def values(self, expressions: Sequence[Any]) -> list[float]:
        """The current solution's values of some of the model's variables."""
        return self.solver.values(list(expressions))

    def package(self, choices: Mapping[str, Any], signers: list[str] | None = None) -> Package:
        """The package with these choices, evaluated exactly (signers: who takes part; [] if unacceptable)."""
        return Package.evaluate(self.scenario, choices, signers, self.coalition, self.world, self.waived)

    # ---- bounds on gains
    def step_above(self, party: str, gain: Fraction) -> Fraction:
        """The smallest gain the party can have that is strictly above ``gain``."""
        unit = self.unit(party)
        if unit is None:
            low, high = self.model.utility_range[party]
            return gain + Fraction(max(high - low, 1.0)) * Fraction(1, 10**6)
        return self.at_least(party, gain + unit) if gain == self.at_least(party, gain) else self.at_least(party, gain)

    def at_least(self, party: str, gain: Fraction) -> Fraction:
        """The smallest gain the party can have that is at least ``gain`` (gains lie on a lattice)."""
        unit = self.unit(party)
        if unit is None:
            return gain
        reservation = self.reservation(party)
        return unit * math.ceil((gain + reservation) / unit) - reservation
