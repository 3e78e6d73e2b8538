"""Searching the one model: solve, read packages back exactly, and change the model in place.

Algorithms never touch the model's components.  They build objectives from the expressions
:class:`Search` offers (:meth:`Search.utility`, :meth:`Search.gain`, :meth:`Search.total`,
...) and make every change inside ``with search.changes() as edit:`` through the typed edits of
:mod:`.edits`, which undo themselves in reverse order when the block ends (also on an error or
Ctrl-C); :meth:`Search.edits` lists the edits in force.  Every solve goes through
:meth:`Search.solve` (the objective, the time left, the count of unproven answers), and
:meth:`Search.maximize` adds the exact check.

Every package read from the solver is rounded (binaries to the nearest option, amounts to
a nearby threshold) and then checked again in plain Python with exact arithmetic
(:meth:`Scenario.signers`); a solver tolerance can therefore never put an unacceptable
package, or a wrong utility, into a result.  The design: docs/engine.md.
"""

from __future__ import annotations

import math
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable, Iterator, Mapping, Sequence

import pyomo.environ as pyo

from ..errors import AnswersDisagree, TimeLimitReached
from ..results import Package
from ..scenario import STATED, Requirement, Scenario, Waiver, World, fraction_gcd
from .edits import Edit
from .model import BargainingModel
from .numerics import Doubt, kept_doubt
from .numerics import doubt as numeric_doubt
from .parts import Part, add_block, remove_block
from .phasing import PhasingBlock, build_phasing
from .reading import LEFT_OUT, Reading
from .records import EditRecord, Freeze, Impose, SetWorld, Waive
from .replica import Replica
from .solver import Outcome, Solver

__all__ = ["LEFT_OUT", "MAX_REJECTED", "Edit", "Search"]

#: How many packages the exact check may reject in one maximisation (each cut off, the model solved again)
#: before the search stops: a tolerance artefact happens once or twice; more means that the solver and
#: the exact check disagree (a bug in one of them), which would otherwise walk the packages one by one.
MAX_REJECTED = 5


@dataclass
class Search(Reading):
    """The model, its solver, the edits in force, and the primitives every algorithm here is written in."""

    model: BargainingModel
    solver: Solver
    #: seconds each solve may take (None: no limit); :meth:`limited` bounds a whole algorithm
    time_limit: float | None = None
    deadline: float | None = field(default=None, init=False)
    #: how many solves so far ended without proving their answer (time limit, interrupted):
    #: an algorithm compares it before and after to know whether its result is proven
    unproven: int = field(default=0, init=False)
    #: how many combinations of options :meth:`maximize` left out on the solver's word (:data:`.reading.LEFT_OUT`)
    unverified: int = field(default=0, init=False)
    #: the typed edits in force, oldest first (:meth:`edits`); only :class:`~.edits.Edit` changes it
    in_force: list[EditRecord] = field(default_factory=list, init=False, repr=False)
    #: the parts kept in the model between searches, by name (:mod:`.parts`)
    parts: dict[str, Part] = field(default_factory=dict, init=False, repr=False)
    _phasing: dict[int, PhasingBlock] = field(default_factory=dict, init=False, repr=False)
    _floors: dict[tuple[str, ...], Any] = field(default_factory=dict, init=False, repr=False)
    _kept: dict[str, Any] = field(default_factory=dict, init=False, repr=False)
    _totals: dict[tuple[str, ...], Any] = field(default_factory=dict, init=False, repr=False)
    #: :meth:`doubt`'s answers by the numbers they read (:func:`.numerics.kept_doubt`)
    _doubt: dict[tuple[object, ...], Doubt | None] = field(default_factory=dict, init=False, repr=False)
    #: what the edits in force say (:attr:`waived`, :attr:`coalition`, :attr:`fixed`, :attr:`world`), read once
    #: until an edit of the kinds they read (:data:`.edits.SAYING`) comes or goes (:meth:`said_changed`): the
    #: frontier's thousands of bounds would otherwise be scanned at every package read
    _said: dict[str, Any] = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def of(cls, scenario: Scenario, time_limit: float | None = None) -> "Search":
        """Build the model once and its persistent solver."""
        from .model import build_model

        model = build_model(scenario)
        tight = bool(scenario.continuous_issues) and numeric_doubt(scenario) is None
        return cls(model, Solver(model.m, feasibility_tolerance=1e-9 if tight else 1e-6), time_limit)

    @classmethod
    def of_replica(cls, replica: Replica) -> "Search":
        """A new engine for a replica's problem: the scenario's model built once, the replica's edits applied and kept."""
        search = cls.of(Scenario.from_dict(replica.scenario))
        edit = Edit(search)  # never undone: the replica's problem for the engine's whole life
        if replica.world != STATED:  # (compared by value: a replica's world has been pickled)
            edit.world(replica.world)
        edit.waive([r for r in search.requirements if r.waiver in set(replica.waived)])
        edit.impose(None if replica.coalition is None else frozenset(replica.coalition))
        edit.fix_package(dict(replica.fixed))
        return search

    # ---- the edits in force, and what they say about the problem
    @contextmanager
    def changes(self) -> Iterator[Edit]:
        """A block whose changes to the model are all undone when it ends."""
        edit = Edit(self)
        try:
            yield edit
        finally:
            edit.undo()

    def edits(self) -> list[EditRecord]:
        """Every edit in force, oldest first (typed records: :mod:`.edits`)."""
        return list(self.in_force)

    def said_changed(self) -> None:
        """An edit of a kind :attr:`waived`, :attr:`coalition`, :attr:`fixed` or :attr:`world` read came or went."""
        self._said.clear()

    @property
    def waived(self) -> frozenset[Waiver]:
        """The requirements waived by the edits in force (what solver-free methods must respect too)."""
        if "waived" not in self._said:
            self._said["waived"] = frozenset(r.waiver for e in self.in_force if isinstance(e, Waive) for r in e.requirements)
        return self._said["waived"]  # type: ignore[no-any-return]

    @property
    def coalition(self) -> frozenset[str] | None:
        """The parties taking part when a coalition is imposed (None: non-veto parties are free to)."""
        if "coalition" not in self._said:
            self._said["coalition"] = next((e.coalition for e in reversed(self.in_force) if isinstance(e, Impose)), None)
        return self._said["coalition"]  # type: ignore[no-any-return]

    @property
    def fixed(self) -> dict[str, Any]:
        """The issues frozen by the edits in force: issue id -> choice."""
        if "fixed" not in self._said:
            self._said["fixed"] = {e.issue: e.choice for e in self.in_force if isinstance(e, Freeze)}
        return dict(self._said["fixed"])

    @property
    def world(self) -> World:
        """The world set by the edits in force (the stated world otherwise): packages are read in it."""
        if "world" not in self._said:
            world = next((e.world for e in reversed(self.in_force) if isinstance(e, SetWorld)), STATED)
            self._said["world"] = STATED if world == STATED else world  # (the stated world is always the one object STATED)
        return self._said["world"]  # type: ignore[no-any-return]

    def replica(self) -> Replica:
        """What it takes to rebuild this engine elsewhere with the same problem (:mod:`.replica`)."""
        return Replica.of(self.scenario, self.waived, self.coalition, self.fixed, self.world)

    # ---- parts kept between searches
    def phasing_block(self, phases: int) -> PhasingBlock:
        """The phasing block for this many phases (built once, kept inactive; :meth:`.edits.Edit.phasing`)."""
        if phases not in self._phasing:
            block = build_phasing(self.model, phases)
            self._phasing[phases] = block
            self.parts[block.part.name] = block.part
        return self._phasing[phases]

    def kept(self, name: str, build: Callable[[], Any]) -> Any:
        """What ``build`` makes, built once under ``name`` and kept while the model lives (a kept part's description,
        e.g. a holding block; its ``part``, when it has one, is registered as :meth:`keep` does)."""
        if name not in self._kept:
            built = self._kept[name] = build()
            part = getattr(built, "part", None)
            if isinstance(part, Part):
                self.keep(part)
        return self._kept[name]

    def keep(self, part: Part) -> Part:
        """Register a part built on the model (it stays until :meth:`remove`)."""
        self.parts[part.name] = part
        return part

    def remove(self, part: Part) -> None:
        """Take a kept part out of the model (and the solver)."""
        remove_block(self.m, part)
        self.parts.pop(part.name, None)

    def midway_blockers(self, block: PhasingBlock) -> tuple[list[int], list[str]] | None:
        """With the phasing block on and no package that can be phased: the fewest red lines (their indices)
        and veto parties (their reservations) that, allowed to break before the last phase only, let a
        package be phased; None when not even that helps (the ``after:`` orders, or a closed space)."""
        switches = block.part.switches
        with self.changes() as edit:
            edit.release(block.part)
            _, package = self.maximize(-sum(switches), Fraction(1))
            if package is None:
                return None
            values = self.values(switches)
        on = {id(switch) for switch, value in zip(switches, values) if value > 0.5}
        return [k for k, v in block.early.items() if id(v) in on], [p for p, v in block.owes.items() if id(v) in on]

    def doubt(self) -> Doubt | None:
        """Why the solver may rank utilities wrongly in this scenario (None: its word can be trusted)."""
        return kept_doubt(self.scenario, self._doubt)  # (a variant in force has its own scenario: :meth:`.edits.Edit.variant`)

    # ---- what the model knows about the scenario's numbers
    @property
    def requirements(self) -> list[Requirement]:
        """Every reservation and hard red line in force, in the order of the model's switches: those the
        edits in force waive, and red lines a variant (:meth:`.edits.Edit.variant`) prices, are left out."""
        lines, waived = self.scenario.red_lines, self.waived
        return [r for r in self.model.requirements
                if r.waiver not in waived and (r.kind == "reservation" or not lines[r.index or 0].soft)]

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
        """The sum of these parties' utilities (one expression object per set of parties, built once)."""
        key = tuple(parties)
        if key not in self._totals:
            self._totals[key] = sum(self.m.utility[p] for p in parties)
        return self._totals[key]

    def smallest_gain(self, parties: Sequence[str]) -> Any:
        """A variable that maximising makes the smallest gain of these parties (maxmin's first stage).

        Rows ``floor <= gain[p]`` on a variable of their own, kept in the model (a part, built once per
        set of parties): they constrain nothing else, so they stay on, and a caller solving many worlds
        hands this objective to the solver once per pass, not twice per world."""
        key = tuple(parties)
        if key not in self._floors:
            name, block = add_block(self.m, "smallest_gain")
            block.floor = pyo.Var(bounds=(None, self.m.floor.ub))
            block.rows = pyo.ConstraintList()
            for p in parties:
                block.rows.add(block.floor <= self.m.gain[p])
            self.keep(Part(name, block))
            self._floors[key] = block.floor
        return self._floors[key]

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
    def solve(self, objective: Any, granularity: Fraction | float | None = None) -> Outcome:
        """The one way the model is solved: maximise ``objective`` as the model stands now, within the time
        left (:meth:`remaining`); a solve that does not prove its answer counts in :attr:`unproven`.  No
        exact check (:meth:`maximize` adds it); ``granularity``: the smallest difference two packages'
        objective values can have (the solver stops once its bound is within it)."""
        if self.m.objective.expr is not objective:  # (the same expression object: not handed over again)
            self.m.objective.set_value(objective)
        remaining = self.remaining()
        if remaining is not None and remaining <= 0:
            self.unproven += 1
            return Outcome("time_limit", None, False)
        outcome = self.solver.solve(remaining, None if granularity is None else float(granularity))
        if outcome.status == "time_limit":
            self.unproven += 1
        return outcome

    def maximize(self, objective: Any, granularity: Fraction | None = None) -> tuple[Outcome, Package | None]:
        """Maximise ``objective`` over acceptable packages as the model stands now.

        Returns the solver's outcome and the (exactly checked) package found, if any.  A
        package the exact check rejects -- a tolerance artefact -- is cut off and the model
        solved again, so it never reaches a result; but at most :data:`MAX_REJECTED` times:
        then the solver and the exact check disagree (a bug in one of them), and the search
        stops with :class:`~bargaining.errors.AnswersDisagree` naming both answers.
        """
        rejected: list[dict[str, Any]] = []
        with self.changes() as edit:
            while len(rejected) < MAX_REJECTED:
                outcome = self.solve(objective, granularity)
                if not outcome.has_solution:
                    return outcome, None
                package = self.read_package()
                if package is not None:
                    if outcome.status != "optimal" or rejected:  # optimal among the combinations not left out
                        package = package.with_(optimal=False)
                    return outcome, package
                rejected.append(self.read_choices())
                if self.scenario.continuous_issues:
                    self.unverified += 1
                    warnings.warn(
                        "a package found by the solver misses a reservation or bound by less than the solver's "
                        "tolerance when its amounts are read exactly, and no exact amount near it is acceptable; its "
                        "combination of options is left out, so this answer is not proven complete",
                        stacklevel=3,
                    )
                if not self.scenario.discrete_issues:
                    break  # nothing to cut off: the next solve would offer the same
                edit.cut_off(rejected[-1])
            raise AnswersDisagree(self.disagreement(rejected, outcome))

    def disagreement(self, rejected: Sequence[Mapping[str, Any]], outcome: Outcome) -> str:
        """Both answers about the last package rejected: the solver's (acceptable, at this objective) and the exact check's (why not)."""
        waived, present = self.switches()
        choices = rejected[-1]
        why = self.scenario.why_refused(choices, self.waived | set(waived), self.coalition, self.world)
        described = ", ".join(f"{i}: {c}" for i, c in choices.items())
        return (f"the solver and the exact check disagree: {len(rejected)} package{'s' if len(rejected) > 1 else ''} in a "
                f"row that the solver offered as acceptable failed the exact check; the last, {{{described}}}, the solver "
                f"found acceptable (objective "
                f"{outcome.objective if outcome.objective is not None else 'unknown'}, taking part beyond the veto parties: "
                f"{', '.join(present) or 'none'}), the exact check refuses it ({'; '.join(why) or 'no reason given'}); "
                f"this is a bug, please report the scenario")

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
