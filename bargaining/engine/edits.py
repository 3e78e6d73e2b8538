"""Typed, inspectable edits of the one model: each edit is data that can be listed, replayed and undone.

In the spirit of linopy's persistent-model diffs.  ``with search.changes() as edit:`` opens a block; each call on it
(``edit.waive(...)``, ...) records one typed edit -- a frozen dataclass below -- in ``edit.records`` and among
:meth:`Search.edits` (every edit in force, oldest first), and makes its changes to the model: bounds, fixed variables,
mutable parameters, rows, parts switched on.  When the block ends every change is undone in reverse order (also on an
error or Ctrl-C).  What the edits in force say about the problem -- requirements waived, a coalition imposed, issues
frozen, a world set -- is read from them (``search.waived``, ``search.coalition``, ``search.fixed``, ``search.world``),
never kept a second time; a :class:`~.replica.Replica` carries exactly those four elsewhere.  Only this module changes
the model's variables in place (the records themselves: :mod:`.records`).  docs/engine.md shows them at work.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable, Collection, Mapping, Protocol, Sequence, cast

import pyomo.environ as pyo

from ..scenario import Requirement, Scenario, World
from ..scenario.rules import Atom, given
from .model import BargainingModel, conjunction_sum, factor_slots
from .parts import Part
from .phasing import PhasingBlock
from .records import (
    AddRow,
    Attend,
    Bind,
    CutOff,
    EditRecord,
    Free,
    Freeze,
    GainAtLeast,
    Impose,
    LineBroken,
    LineVariant,
    Release,
    SetWorld,
    SwitchOn,
    Unmoved,
    Variant,
    Waive,
)
from .solver import Solver
from .variant import VariantPlan

__all__ = ["AddRow", "Attend", "Bind", "CutOff", "Edit", "EditRecord", "Editable", "Free", "Freeze", "GainAtLeast", "Impose",
           "LineBroken", "LineVariant", "Release", "SetWorld", "SwitchOn", "Unmoved", "Variant", "Waive"]


class Editable(Protocol):
    """What an edit needs of the search it changes (:class:`~.search.Search`)."""

    model: BargainingModel
    solver: Solver
    in_force: list[EditRecord]

    @property
    def m(self) -> pyo.ConcreteModel: ...

    @property
    def scenario(self) -> Scenario: ...

    @property
    def requirements(self) -> list[Requirement]: ...

    def phasing_block(self, phases: int) -> PhasingBlock: ...

    def kept(self, name: str, build: Callable[[], Any]) -> Any: ...

    def values(self, expressions: Sequence[Any]) -> list[float]: ...

    def said_changed(self) -> None: ...


#: The kinds of edit that the search reads what the edits in force say from (waived, coalition, frozen, world).
SAYING = (Waive, Impose, Freeze, SetWorld)


class Edit:
    """A block of changes to the model that undo themselves (see :meth:`Search.changes`)."""

    def __init__(self, search: Editable):
        self.search = search
        self.records: list[EditRecord] = []
        self._undo: list[Callable[[], None] | _RowRemoval] = []

    def undo(self) -> None:
        """Undo every change of the block, the last first, and drop its records from the edits in force (rows added
        one after another are removed together: :meth:`.solver.Solver.remove`)."""
        while self._undo:
            step = self._undo.pop()
            if not isinstance(step, _RowRemoval):
                step()
                continue
            removals = [step]
            while self._undo and isinstance(self._undo[-1], _RowRemoval):
                removals.append(cast(_RowRemoval, self._undo.pop()))
            self.search.solver.remove([r.row for r in removals])
            for removal in removals:
                del removal.rows[removal.index]
        in_force = self.search.in_force
        for record in reversed(self.records):  # (the last first: each is then found at or near the end)
            for k in range(len(in_force) - 1, -1, -1):
                if in_force[k] is record:
                    del in_force[k]
                    break
            if isinstance(record, SAYING):
                self.search.said_changed()
        self.records.clear()

    def _record(self, record: EditRecord) -> None:
        self.records.append(record)
        self.search.in_force.append(record)
        if isinstance(record, SAYING):
            self.search.said_changed()

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
        previous, solver = parameter.value, self.search.solver

        def restore() -> None:
            parameter.set_value(previous)
            solver.params_changed()

        parameter.set_value(value)
        solver.params_changed()
        self._undo.append(restore)

    def _bound(self, variable: Any, lower: float | None = None, upper: float | None = None) -> None:
        """Raise a variable's bounds (a None leaves that side alone)."""
        low, high = variable.lb, variable.ub
        if lower is not None:
            variable.setlb(lower)
        if upper is not None:
            variable.setub(upper)
        def restore() -> None:
            variable.setlb(low)
            variable.setub(high)

        self._undo.append(restore)

    def _swap(self, owner: object, name: str, value: object) -> None:
        """Set a plain attribute of the model's description (its scenario, units, ranges) until the block ends."""
        previous = getattr(owner, name)
        setattr(owner, name, value)
        self._undo.append(lambda: setattr(owner, name, previous))

    def _add(self, relation: Any) -> None:
        """Add a row to the scratch rows until the block ends."""
        scratch = self.search.m.scratch
        row = scratch.add(relation)
        self._undo.append(_RowRemoval(scratch, row, row.index()))

    # ---- rows
    def row(self, relation: Any) -> None:
        """Add a row (built from :class:`Search` expressions) until the block ends."""
        self._add(relation)
        self._record(AddRow(relation))

    def cut_off(self, choices: Mapping[str, Any]) -> None:
        """Exclude this combination of discrete options."""
        m, discrete = self.search.m, self.search.scenario.discrete_issues
        chosen = [m.choose[i.id, choices[i.id]] for i in discrete]
        self._add(sum(chosen) <= len(chosen) - 1)
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
        """Let the solver switch off any requirement in force (:attr:`Search.requirements`) of these kinds
        ("reservation", "red_line"); a waived one stays off."""
        index = {r: k for k, r in enumerate(self.search.model.requirements)}
        for requirement in self.search.requirements:
            if requirement.kind in kinds:
                self._unfix(self.search.m.relax[index[requirement]])
        self._record(Free(tuple(kinds)))

    def free_each(self, requirements: Sequence[Requirement]) -> None:
        """Let the solver switch off these requirements (a waived one stays off)."""
        index = {r: k for k, r in enumerate(self.search.model.requirements)}
        waived = {r.waiver for e in self.search.in_force if isinstance(e, Waive) for r in e.requirements}
        for requirement in requirements:
            if requirement.waiver not in waived:
                self._unfix(self.search.m.relax[index[requirement]])
        self._record(Free((), tuple(requirements)))

    def bind(self, requirements: Sequence[Requirement]) -> None:
        """These requirements bind: their switches held on (whatever a freeing edit let the solver do)."""
        index = {r: k for k, r in enumerate(self.search.model.requirements)}
        for requirement in requirements:
            self._fix(self.search.m.relax[index[requirement]], 0)
        self._record(Bind(tuple(requirements)))

    def attend(self, party: str, present: bool) -> None:
        """A non-veto party takes part (its reservation and red lines bind) or stays out."""
        self._fix(self.search.m.takes_part[party], 1 if present else 0)
        self._record(Attend(party, present))

    def line_broken(self, index: int, broken: bool) -> None:
        """A red line with a price: held (broken fixed 0) or paid for whether broken or not (fixed 1)."""
        self._fix(self.search.m.broken[index], 1 if broken else 0)
        self._record(LineBroken(index, broken))

    def unmoved(self, issue_id: str) -> None:
        """An issue with ``controlled_by`` stays at its status quo (its control switch held off)."""
        self._fix(self.search.m.controlled[issue_id], 0)
        self._record(Unmoved(issue_id))

    def red_line_variant(self, index: int, atoms: Mapping[tuple[str, Any], bool]) -> bool:
        """Red line ``index`` added again with the atoms of its file's conditions named in ``atoms`` ((issue id, want) ->
        truth) taken as constants, binding whatever its party does (the caller waives the line itself): its compiled
        forbidden conjunctions (:mod:`bargaining.scenario.rules`) as the model writes them.  False, adding nothing, when
        the line then cannot hold."""
        model, scenario = self.search.model, self.search.scenario

        def indicator(atom: Atom) -> Any:
            for (issue_id, want), truth in atoms.items():
                value = given(atom, issue_id, want, truth, scenario.issue[issue_id].option_ids)
                if value is not None:
                    return int(value)
            return model.indicator(atom)

        rows = [(conjunction_sum(c, indicator), len(c.atoms) - 1) for c in scenario.rules.lines[index].forbidden]
        if any(isinstance(total, int) and total > most for total, most in rows):
            return False
        for total, most in rows:
            if not isinstance(total, int):
                self._add(total <= most)
        self._record(LineVariant(index, tuple(atoms.items())))
        return True

    def variant(self, scenario: Scenario) -> None:
        """Answer for ``scenario`` until the block ends: the model's scenario with other reservations and red-line prices,
        and lines priced that were hard (:mod:`.variant` says what changes; its structure must be the model's)."""
        search = self.search
        if any(isinstance(e, Variant) for e in search.in_force):
            raise ValueError("a variant is already in force: end its edit first (variants do not nest)")
        plan = VariantPlan.of(search.model, scenario)
        m = search.m
        for k, price in plan.prices.items():
            self._set(m.price[k], price)
            self._unfix(m.broken[k]) if k in plan.soft else self._fix(m.broken[k], 0)
        for party, value in plan.reservations.items():
            self._set(m.reservation[party], value)
        for party, low in plan.reservation_rows.items():
            row = search.model.reservation_rows.get(party)
            if row is not None:
                row.deactivate()
                self._undo.append(row.activate)
            self._add(m.gain[party] >= low * search.model.switched_off(plan.own[party]))
        if plan.floor is not None:
            self._bound(m.floor, upper=plan.floor)
        for name, value in plan.described.items():
            self._swap(search.model, name, value)
        self._record(Variant(scenario))

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
        for party, value in world.reservations.items():  # the model holds floats; packages are checked exactly in the world
            self._set(m.reservation[party], float(value))
        for party, table in world.factors.items():
            for issue, option in factor_slots(search.scenario, party):
                self._set(m.factor[party, issue, option], float(table[(issue, option)]))
        self._record(SetWorld(world))

    # ---- parts kept between searches
    def switch_on(self, part: Part, idle: Sequence[Any] = ()) -> None:
        """Switch on a kept part (:mod:`.parts`) until the block ends: its block active, the variables it needs free,
        those it holds fixed, and ``idle`` (of its variables, those this question leaves out) held at 0.  If it is on
        already, only ``idle`` (a caller asking several questions keeps it on: passing it to HiGHS again costs more)."""
        for variable in idle:
            self._fix(variable, 0)
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

    def release(self, part: Part, at_least: float | None = None) -> None:
        """Leave a part's switches to the solver until the block ends (each at least ``at_least``, when given)."""
        for variable in part.switches:
            self._unfix(variable)
            if at_least is not None:
                self._bound(variable, lower=at_least)
        self._record(Release(part.name, len(part.switches), at_least))

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
            self.free_each(list(record.requirements)) if record.requirements else self.free(record.kinds)
        elif isinstance(record, Bind):
            self.bind(list(record.requirements))
        elif isinstance(record, Attend):
            self.attend(record.party, record.present)
        elif isinstance(record, LineBroken):
            self.line_broken(record.index, record.broken)
        elif isinstance(record, Unmoved):
            self.unmoved(record.issue)
        elif isinstance(record, LineVariant):
            self.red_line_variant(record.index, dict(record.atoms))
        elif isinstance(record, Variant):
            self.variant(record.scenario)
        elif isinstance(record, GainAtLeast):
            self.gain_at_least(record.party, record.gain)
        elif isinstance(record, CutOff):
            self.cut_off(dict(record.choices))
        else:
            raise ValueError(f"{type(record).__name__} edits are not replayed (they hold expressions or parts of this model)")


@dataclass(frozen=True)
class _RowRemoval:
    """Undoing :meth:`Edit._add`: the row out of the solver and the scratch rows (a run of them at once: :meth:`Edit.undo`)."""

    rows: Any
    row: Any
    index: int
