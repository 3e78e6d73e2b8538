"""Typed, inspectable edits of the one model: each edit is data that can be listed, replayed and undone.

In the spirit of linopy's persistent-model diffs.  ``with search.changes() as edit:`` opens a block;
each call on it (``edit.waive(...)``, ``edit.freeze(...)``, ...) records one typed edit -- a frozen
dataclass below -- in ``edit.records`` and among :meth:`Search.edits` (every edit in force, oldest
first), and makes its changes to the model: bounds, fixed variables, mutable parameters, rows, parts
switched on.  When the block ends every change is undone in reverse order (also on an error or
Ctrl-C).  What the edits in force say about the problem -- requirements waived, a coalition imposed,
issues frozen, a world set -- is read from them (``search.waived``, ``search.coalition``,
``search.fixed``, ``search.world``), never kept a second time; a :class:`~.replica.Replica` carries
exactly those four elsewhere.  Only this module changes the model's variables in place.  docs/engine.md
shows them at work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable, Collection, Mapping, Protocol, Sequence, Union

import pyomo.environ as pyo

from ..scenario import Requirement, Scenario, World
from .model import BargainingModel, factor_slots
from .parts import Part
from .phasing import PhasingBlock
from .solver import Solver


@dataclass(frozen=True)
class Waive:
    """These requirements are switched off (the exact check waives them too)."""

    requirements: tuple[Requirement, ...]


@dataclass(frozen=True)
class Free:
    """The solver may switch off any requirement of these kinds ("reservation", "red_line")."""

    kinds: tuple[str, ...]


@dataclass(frozen=True)
class Impose:
    """Exactly these parties take part (all veto parties among them)."""

    coalition: frozenset[str]


@dataclass(frozen=True)
class Freeze:
    """One issue held at a choice (an option id, or an amount)."""

    issue: str
    choice: Any


@dataclass(frozen=True)
class SetWorld:
    """A sampled world in force: its red lines' status, reservations and point factors."""

    world: World


@dataclass(frozen=True)
class GainAtLeast:
    """A lower bound on a party's gain (None: no bound)."""

    party: str
    gain: Fraction | float | None


@dataclass(frozen=True)
class AddRow:
    """A row built from the search's expressions (kept until the block ends)."""

    relation: Any = field(compare=False)

    @property
    def text(self) -> str:
        return str(self.relation)


@dataclass(frozen=True)
class CutOff:
    """This combination of discrete options excluded."""

    choices: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class SwitchOn:
    """A part of the model kept between searches (a phasing block, a robust block) switched on."""

    part: str


@dataclass(frozen=True)
class Release:
    """A part's switches left to the solver (the phasing block's: a red line broken, a reservation owed, before the
    last phase): the part, and how many switches."""

    part: str
    switches: int


EditRecord = Union[Waive, Free, Impose, Freeze, SetWorld, GainAtLeast, AddRow, CutOff, SwitchOn, Release]


class Editable(Protocol):
    """What an edit needs of the search it changes (:class:`~.search.Search`)."""

    model: BargainingModel
    solver: Solver
    in_force: list[EditRecord]

    @property
    def m(self) -> pyo.ConcreteModel: ...

    @property
    def scenario(self) -> Scenario: ...

    def phasing_block(self, phases: int) -> PhasingBlock: ...


class Edit:
    """A block of changes to the model that undo themselves (see :meth:`Search.changes`)."""

    def __init__(self, search: Editable):
        self.search = search
        self.records: list[EditRecord] = []
        self._undo: list[Callable[[], None]] = []

    def undo(self) -> None:
        """Undo every change of the block, the last first, and drop its records from the edits in force."""
        while self._undo:
            self._undo.pop()()
        in_force = self.search.in_force
        for record in self.records:
            for k in range(len(in_force) - 1, -1, -1):
                if in_force[k] is record:
                    del in_force[k]
                    break
        self.records.clear()

    def _record(self, record: EditRecord) -> None:
        self.records.append(record)
        self.search.in_force.append(record)

    # ---- the low-level changes (each undone by the block)
    def _fix(self, variable: Any, value: float) -> None:
        was_fixed, previous = variable.fixed, variable.value
        variable.fix(value)
        self._undo.append(lambda: variable.fix(previous) if was_fixed else variable.unfix())

    def _unfix(self, variable: Any) -> None:
        was_fixed, previous = variable.fixed, variable.value
        variable.unfix()
        self._undo.append(lambda: variable.fix(previous) if was_fixed else None)

    def _set(self, parameter: Any, value: float) -> None:
        previous = parameter.value
        parameter.set_value(value)
        self._undo.append(lambda: parameter.set_value(previous))

    # ---- rows
    def row(self, relation: Any) -> None:
        """Add a row (built from :class:`Search` expressions) until the block ends."""
        search = self.search
        scratch = search.m.scratch
        row = scratch.add(relation)
        index = row.index()

        def remove() -> None:
            search.solver.remove(row)
            del scratch[index]

        self._undo.append(remove)
        self._record(AddRow(relation))

    def cut_off(self, choices: Mapping[str, Any]) -> None:
        """Exclude this combination of discrete options."""
        m, discrete = self.search.m, self.search.scenario.discrete_issues
        chosen = [m.choose[i.id, choices[i.id]] for i in discrete]
        scratch = m.scratch
        row = scratch.add(sum(chosen) <= len(chosen) - 1)
        index = row.index()

        def remove() -> None:
            self.search.solver.remove(row)
            del scratch[index]

        self._undo.append(remove)
        self._record(CutOff(tuple((i.id, choices[i.id]) for i in discrete)))

    # ---- bounds and fixed variables
    def gain_at_least(self, party: str, gain: Fraction | float | None) -> None:
        """The party's gain is at least ``gain`` (None: no bound)."""
        variable = self.search.m.gain[party]
        previous = variable.lb
        variable.setlb(None if gain is None else float(gain))
        self._undo.append(lambda: variable.setlb(previous))
        self._record(GainAtLeast(party, gain))

    def freeze(self, issue_id: str, choice: Any) -> None:
        """Hold one issue at a choice (an option id, or an amount)."""
        m, issue = self.search.m, self.search.scenario.issue[issue_id]
        if issue.is_continuous:
            self._fix(m.amount[issue_id], float(choice))
        else:
            for option in issue.option_ids:
                self._fix(m.choose[issue_id, option], 1 if option == choice else 0)
        self._record(Freeze(issue_id, choice))

    def fix_package(self, choices: Mapping[str, Any]) -> None:
        """Hold every issue named at its choice."""
        for issue_id, choice in choices.items():
            self.freeze(issue_id, choice)

    def waive(self, requirements: Sequence[Requirement]) -> None:
        """Switch these requirements off (the exact check waives them too)."""
        search = self.search
        index = {r: k for k, r in enumerate(search.model.requirements)}
        for requirement in requirements:
            self._fix(search.m.relax[index[requirement]], 1)
        self._record(Waive(tuple(requirements)))

    def free(self, kinds: Collection[str]) -> None:
        """Let the solver switch off any requirement of these kinds ("reservation", "red_line")."""
        for k, requirement in enumerate(self.search.model.requirements):
            if requirement.kind in kinds:
                self._unfix(self.search.m.relax[k])
        self._record(Free(tuple(kinds)))

    def impose(self, coalition: frozenset[str] | None) -> None:
        """Exactly these parties take part (all veto parties must be among them); None: no change."""
        if coalition is None:
            return
        m = self.search.m
        for p in m.takes_part:
            self._fix(m.takes_part[p], 1 if p in coalition else 0)
        self._record(Impose(frozenset(coalition)))

    def world(self, world: World) -> None:
        """Set a sampled world: each red line with ``real`` hard (broken fixed 0), soft (broken free)
        or absent (switched off); sampled reservations in the mutable reservation parameters; each
        spread party's point factors in the mutable factor parameters.  Packages read back are
        then evaluated in that world."""
        search, m = self.search, self.search.m
        switch = {r.index: k for k, r in enumerate(search.model.requirements) if r.kind == "red_line"}
        waived = {r.index for e in search.in_force if isinstance(e, Waive) for r in e.requirements if r.kind == "red_line"}
        for k, red_line in enumerate(search.scenario.red_lines):
            if red_line.real is None:
                continue
            status = world.status(k, red_line)
            if red_line.price is not None:
                self._fix(m.broken[k], 0) if status == "hard" else self._unfix(m.broken[k])
            if k not in waived:  # (a waived line stays switched off in every world)
                self._fix(m.relax[switch[k]], 1 if status == "absent" else 0)
        for party, value in world.reservations.items():
            self._set(m.reservation[party], value)
        for party, table in world.factors.items():
            for issue, option in factor_slots(search.scenario, party):
                self._set(m.factor[party, issue, option], table[(issue, option)])
        self._record(SetWorld(world))

    # ---- parts kept between searches
    def switch_on(self, part: Part) -> None:
        """Switch on a kept part (:mod:`.parts`) until the block ends: its block active, the variables it needs
        free, those it holds fixed.  Nothing happens when it is on already (a caller asking several questions
        keeps it on: passing a block to HiGHS again costs more than a solve)."""
        if part.block.active:
            return
        for variable in part.free:
            self._unfix(variable)
        for variable, value in part.held:
            self._fix(variable, value)
        part.block.activate()
        self._undo.append(part.block.deactivate)
        self._record(SwitchOn(part.name))

    def phasing(self, phases: int) -> PhasingBlock:
        """Switch on the phasing block for this many phases (built once per count, then kept)."""
        block = self.search.phasing_block(phases)
        self.switch_on(block.part)
        return block

    def release(self, part: Part) -> None:
        """Leave a part's switches to the solver until the block ends."""
        for variable in part.switches:
            self._unfix(variable)
        self._record(Release(part.name, len(part.switches)))

    def apply(self, record: EditRecord) -> None:
        """Make a recorded edit again (a replica replays the edits that define its problem)."""
        if isinstance(record, Waive):
            self.waive(list(record.requirements))
        elif isinstance(record, Impose):
            self.impose(record.coalition)
        elif isinstance(record, Freeze):
            self.freeze(record.issue, record.choice)
        elif isinstance(record, SetWorld):
            self.world(record.world)
        elif isinstance(record, Free):
            self.free(record.kinds)
        elif isinstance(record, GainAtLeast):
            self.gain_at_least(record.party, record.gain)
        elif isinstance(record, CutOff):
            self.cut_off(dict(record.choices))
        else:
            raise ValueError(f"{type(record).__name__} edits are not replayed (they hold expressions or parts of this model)")
