"""The phasing block: a package delivered in steps, as variables and rows added to the one model.

A phased package switches each of its options on in one phase t = 1..T and keeps it
(before its phase an issue stays at its status quo).  The block, built once per number of
phases and switched on only while a phased search runs, holds

    on[i, o, t]   option o of discrete issue i is in place after phase t (monotone in t,
                  equal to choose[i, o] at t = T)
    moved[c, t]   the amount of continuous issue c has left its status quo by phase t
    level[c, t]   the amount in place after phase t (status quo before, final after)
    together[j, t], inside[k, t] ...   interactions and bounds evaluated at each phase

and rows: after every phase but the last each veto party's utility so far is at least its
reservation; every ``after:`` order holds (an issue leaves its status quo only in a phase
after each issue it names has left its own).  Issues with no status quo are in place from
phase 1.  Every hard red line of a party taking part holds after every phase too (unless it
is ``final_only``); a red line with a price may be broken in a phase at that price while soft.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import pyomo.environ as pyo

from ..results import Package
from ..scenario import Scenario, exact
from ..scenario.rules import AmountAtom, Atom
from .model import STRICT_GAP, BargainingModel, and_rows, bound_indicator, forbidden_rows, utility_expression
from .parts import Part, row_adder


@dataclass
class PhasingBlock:
    """The block, and its switches (fixed at 0): ``early[k]`` lets red line k break before the last
    phase, ``owes[p]`` lets veto party p fall below its reservation before it (to ask why a package
    cannot be phased).  ``part``: the block as a kept part (switched on by an edit; its switches
    released by one)."""

    block: pyo.Block
    phases: int
    early: dict[int, Any]
    owes: dict[str, Any]

    @property
    def part(self) -> Part:
        return Part(self.block.local_name, self.block, switches=[*self.early.values(), *self.owes.values()])


def build_phasing(model: BargainingModel, phases: int) -> PhasingBlock:
    """Add (inactive) the phasing variables and rows for ``phases`` phases to the model."""
    scenario, m = model.scenario, model.m
    T = list(range(1, phases + 1))
    b = pyo.Block(concrete=True)
    m.add_component(f"phasing_{phases}", b)
    add = row_adder(b)  # a constant row (an issue with nothing to move) is skipped, or kept as infeasible

    staged = [i for i in scenario.discrete_issues if i.status_quo_choice is not None]
    pairs = [(i.id, o) for i in staged for o in i.option_ids if o != i.status_quo_choice]
    b.on = pyo.Var(pairs, T, domain=pyo.Binary)
    for (i, o) in pairs:
        for t in T[:-1]:
            b.rows.add(b.on[i, o, t] <= b.on[i, o, t + 1])
        b.rows.add(b.on[i, o, phases] == m.choose[i, o])

    amounts = [c for c in scenario.continuous_issues if c.status_quo is not None]
    b.moved = pyo.Var([c.id for c in amounts], T, domain=pyo.Binary)
    b.up = pyo.Var([c.id for c in amounts], domain=pyo.Binary)
    b.level = pyo.Var([c.id for c in scenario.continuous_issues], T, bounds=lambda b, c, t: scenario.issue[c].range)
    for issue in scenario.continuous_issues:
        c, (lo, hi) = issue.id, issue.range or (0.0, 0.0)
        width = hi - lo
        b.rows.add(b.level[c, phases] == m.amount[c])
        if issue.status_quo is None:
            for t in T:
                b.rows.add(b.level[c, t] == m.amount[c])
            continue
        sq, gap = issue.status_quo, STRICT_GAP * max(1.0, width)
        for t in T:
            if t < phases:
                b.rows.add(b.moved[c, t] <= b.moved[c, t + 1])
            b.rows.add(b.level[c, t] - sq <= width * b.moved[c, t])
            b.rows.add(sq - b.level[c, t] <= width * b.moved[c, t])
            b.rows.add(b.level[c, t] - m.amount[c] <= width * (1 - b.moved[c, t]))
            b.rows.add(m.amount[c] - b.level[c, t] <= width * (1 - b.moved[c, t]))
        # moved at the end exactly when the final amount differs from the status quo
        b.rows.add(m.amount[c] >= sq + gap - (sq + gap - lo) * (1 - b.up[c]) - width * (1 - b.moved[c, phases]))
        b.rows.add(m.amount[c] <= sq - gap + (hi - sq + gap) * b.up[c] + width * (1 - b.moved[c, phases]))

    def in_place(issue_id: str, option: str, t: int) -> Any:
        issue = scenario.issue[issue_id]
        if issue.status_quo_choice is None:
            return m.choose[issue_id, option]
        if option != issue.status_quo_choice:
            return b.on[issue_id, option, t]
        return 1 - sum(b.on[issue_id, o, t] for o in issue.option_ids if o != option)

    def moved(issue_id: str, t: int) -> Any:
        if t == 0:
            return 0
        issue = scenario.issue[issue_id]
        if issue.is_continuous:
            return b.moved[issue_id, t]
        return sum(b.on[issue_id, o, t] for o in issue.option_ids if o != issue.status_quo_choice)

    # bounds on amounts, evaluated on each phase's level
    atoms = list(model.atoms)
    b.inside = pyo.Var(range(len(atoms)), T, domain=pyo.Binary)
    b.below = pyo.Var(range(len(atoms)), T, domain=pyo.Binary)
    b.above = pyo.Var(range(len(atoms)), T, domain=pyo.Binary)
    for k, (issue_id, low, high) in enumerate(atoms):
        for t in T:
            bound_indicator(b.rows, b.level[issue_id, t], scenario.issue[issue_id].range or (0.0, 0.0), low, high,
                            b.inside[k, t], b.below[k, t], b.above[k, t])

    def holds(atom: Atom, t: int) -> Any:
        """The atom's indicator in the state after phase t (the same atoms as the final package's)."""
        if isinstance(atom, AmountAtom):
            k = atoms.index(atom.interval)
            return sum(getattr(b, region)[k, t] for region in atom.regions)
        return sum(in_place(atom.issue, o, t) for o in atom.options)

    b.together = pyo.Var(range(len(scenario.interactions)), T, domain=pyo.Binary)
    for term in scenario.rules.terms:
        for t in T:
            and_rows(add, b.together[term.index, t], [holds(a, t) for a in term.when.atoms])

    # red lines after every phase but the last (the final package is the model's own): a hard line
    # binds as it does at the end, unless it is final_only; a line with a price may be broken at
    # its price, in that phase, while it is soft
    early = T[:-1]
    priced = [k for k, r in enumerate(scenario.red_lines) if r.price is not None]
    b.broken = pyo.Var(priced, early, domain=pyo.Binary)
    b.early = pyo.Var([k for k, r in enumerate(scenario.red_lines) if not r.final_only], domain=pyo.Binary)
    b.early.fix(0)
    b.owes = pyo.Var(scenario.veto_party_ids, domain=pyo.Binary)
    b.owes.fix(0)
    for rule in scenario.rules.lines:
        k, red_line = rule.index, rule.line
        for t in early:
            if k in priced and (red_line.final_only or not red_line.soft):
                b.broken[k, t].fix(0)  # a final_only line costs nothing on the way; a hard one is never broken
            if red_line.final_only:
                continue
            switch = (model.red_line_off(k) - (model.m.broken[k] if k in priced else 0) + (b.broken[k, t] if k in priced else 0)
                      + b.early[k])

            def after_phase(atom: Any, t: int = t) -> Any:
                return holds(atom, t)
            forbidden_rows(add, rule, after_phase, switch)

    # nobody below its reservation after any phase; the final package is checked as usual
    for party in scenario.veto_party_ids:
        for t in early:
            utility = utility_expression(scenario, party, lambda i, o: in_place(i, o, t), lambda c: b.level[c, t],
                                         lambda j: b.together[j, t], lambda k: b.broken[k, t])
            low, high = model.utility_range[party]
            slack = abs(low) + abs(high) + abs(scenario.party[party].reservation) + max(map(abs, party_range(scenario, party))) + 1
            add(utility >= model.m.reservation[party] - slack * b.owes[party])

    for issue in scenario.issues:
        for earlier in issue.after or []:
            for t in T:
                add(moved(issue.id, t) <= moved(earlier, t - 1))
    b.deactivate()
    return PhasingBlock(b, phases, {k: b.early[k] for k in b.early}, {p: b.owes[p] for p in b.owes})


def party_range(scenario: Scenario, party: str) -> tuple[float, float]:
    """The reservations the party may have in a sampled world (its range, or its stated reservation)."""
    stated = scenario.party[party]
    return tuple(stated.reservation_range or (stated.reservation, stated.reservation))  # type: ignore[return-value]


def phase_of(phasing: PhasingBlock, scenario: Scenario, package: Package, values: Callable[[list[Any]], list[float]]) -> dict[str, int]:
    """The phase in which each issue leaves its status quo (issues that stay put are left out)."""
    b = phasing.block
    phases: dict[str, int] = {}
    for issue in scenario.issues:
        final = package.exact_choices[issue.id]
        if issue.status_quo_choice is None:
            phases[issue.id] = 1
            continue
        if issue.is_continuous:
            status_quo = issue.status_quo_choice
            assert not isinstance(final, str) and not isinstance(status_quo, str)  # an amount's choices are numbers
            if exact(final) == exact(status_quo):
                continue
            flags = values([b.moved[issue.id, t] for t in range(1, phasing.phases + 1)])
        else:
            if final == issue.status_quo_choice:
                continue
            flags = values([b.on[issue.id, final, t] for t in range(1, phasing.phases + 1)])
        phases[issue.id] = next((t for t, v in enumerate(flags, start=1) if v > 0.5), phasing.phases)
    return phases


