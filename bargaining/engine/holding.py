"""The holding block: incentive rows that make a phased plan self-enforcing, on the one model.

Built once per number of phases on top of the phasing block (:mod:`.phasing`), switched on only
while a holding search runs (:func:`switch_on`, inside ``search.changes()``).  It encodes the rules
of :mod:`bargaining.scenario.holding` (the one definition; docs/holding.md):

    W[p, i]          p withholds issue i by defecting alone: p takes part and fewer than the
                     issue's ``need`` of its deliverers taking part remain without it (a constant
                     when the deliverers have a veto; else exact binaries over ``takes_part``)
    held[p,t,i,o]    = W[p, i] AND option o of issue i switches on in phase t (exact)
    the defection state of (p, t): option o of issue i is in place iff on[i, o, t] - held[p,t,i,o];
                     an amount stays at its status quo when held (an exact product with the amount);
                     a snapback against p sends every in-place issue to its snapback choice
    u_d[p, t]        p's utility in that state (its interactions and soft red lines, in their compiled form
                     (:mod:`bargaining.scenario.rules`), through exact indicators of the state's atoms)
    margin[p, t]     utility[p] - u_d[p, t] + (costs to p of the credible threats its defection fires)
    has[p, t]        >= W[p, i] + (issue i moves in phase t or later) - 1: p still delivers something

and the rows ``margin[p, t] + M (1 - has[p, t]) >= floor``, with ``floor`` fixed at 0 (self-enforcing)
or freed and maximised (the plan closest to holding).  While the block is on, a non-veto party that
accepts the package takes part (the model's ``takes_part`` are the exact signers) and a soft red
line's ``broken`` is 1 only when the package breaks it (the model's utilities are exact).  The block is a
kept part (:mod:`.parts`): built once per number of phases, switched on and its floor freed by edits.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyomo.environ as pyo

from ..scenario import exact, holding_rules
from ..scenario.rules import REGIONS, AmountAtom, Atom, Interval
from .edits import Edit
from .model import STRICT_GAP, BargainingModel, and_rows, bound_indicator, breaks_rows, utility_expression
from .parts import Part, row_adder
from .phasing import PhasingBlock

#: A 0/1 expression, or the constants 0 and 1.
Flag = Any


@dataclass
class HoldingBlock:
    """The block (a kept part whose one switch is its ``floor``, fixed at 0 unless freed), and per (party, phase) the
    margin expression and ``has`` binary."""

    part: Part
    phases: int
    floor: Any
    margin: dict[tuple[str, int], Any]
    has: dict[tuple[str, int], Any]
    #: how many (issue, phase) pairs have the issue in place: larger is earlier delivery
    earliness: Any = 0

    @property
    def block(self) -> pyo.Block:
        return self.part.block


def switch_on(edit: Edit, phases: int) -> HoldingBlock:
    """Switch on the phasing block and the holding block for this many phases (built once per count, then kept)."""
    edit.phasing(phases)
    search = edit.search
    block: HoldingBlock = search.kept(f"holding_{phases}", lambda: build_holding(search.model, search.phasing_block(phases)))
    edit.switch_on(block.part)
    return block


def free_floor(edit: Edit, block: HoldingBlock, at_least: float | None = None) -> None:
    """Let the smallest counted margin be any value (to maximise it), or any value from ``at_least`` on,
    until the edit ends."""
    edit.release(block.part, at_least)


def build_holding(model: BargainingModel, phasing: PhasingBlock) -> HoldingBlock:
    """Add (inactive) the holding variables and rows for ``phasing.phases`` phases to the model."""
    scenario, m, b, T = model.scenario, model.m, phasing.block, phasing.phases
    rules = holding_rules(scenario)
    h = pyo.Block(concrete=True)
    m.add_component(f"holding_{T}", h)
    add = row_adder(h)
    h.flags = pyo.VarList(domain=pyo.Binary)
    h.amounts = pyo.VarList()

    def AND(terms: list[Flag]) -> Flag:
        """An exact 0/1 conjunction (constants folded)."""
        if any(_is(x, 0) for x in terms):
            return 0
        terms = [x for x in terms if not _is(x, 1)]
        if len(terms) <= 1:
            return terms[0] if terms else 1
        z = h.flags.add()
        and_rows(add, z, terms)
        return z

    def part(p: str) -> Flag:
        return 1 if scenario.party[p].veto else m.takes_part[p]

    _participation(model, add, h.flags.add, part)

    crowd: dict[str, Flag] = {}  # need-k issues: 1 when at most k of the deliverers take part

    def at_most_need(issue_id: str) -> Flag:
        if issue_id not in crowd:
            d = rules.delivery[issue_id]
            need = d.need or 0
            count = [part(q) for q in d.parties]
            if all(isinstance(x, int) for x in count):
                crowd[issue_id] = int(sum(count) <= need)
            else:
                y = h.flags.add()
                add(sum(count) <= need + (len(count) - need) * (1 - y))
                add(sum(count) >= need + 1 - (need + 1) * y)
                crowd[issue_id] = y
        return crowd[issue_id]

    def withholds(p: str, issue_id: str) -> Flag:
        d = rules.delivery[issue_id]
        if scenario.issue[issue_id].status_quo_choice is None or p not in d.parties:
            return 0
        return part(p) if d.need is None else AND([part(p), at_most_need(issue_id)])

    deliverers = [p for p in scenario.party_ids if any(p in rules.delivery[i.id].parties for i in scenario.issues
                                                      if i.status_quo_choice is not None)]
    width = {p: model.utility_range[p][1] - model.utility_range[p][0] + abs(float(rules.threat_cost([p], p))) for p in deliverers}
    reach = max(width.values(), default=0.0) + 1
    h.floor = pyo.Var(bounds=(-reach, reach))
    h.floor.fix(0)
    margin: dict[tuple[str, int], Any] = {}
    has: dict[tuple[str, int], Any] = {}
    for p in deliverers:
        W = {i.id: withholds(p, i.id) for i in scenario.issues}
        cost = float(rules.threat_cost([p], p))
        for t in range(1, T + 1):
            state = _State(model, b, p, t, W, add, AND, h)
            u_d = utility_expression(scenario, p, state.chosen, state.amount, state.together, state.broken)
            margin[p, t] = m.utility[p] - u_d + cost
            gate = has[p, t] = h.flags.add()
            for i in scenario.issues:
                if not _is(W[i.id], 0):
                    add(gate >= W[i.id] + state.moved(i.id, T) - state.moved(i.id, t - 1) - 1)
            add(margin[p, t] + (reach + width[p] + 1) * (1 - gate) >= h.floor)
    h.deactivate()
    staged = [i for i in scenario.issues if i.status_quo_choice is not None]
    earliness = sum(_State(model, b, "", 1, {}, add, AND, h).moved(i.id, t) for i in staged for t in range(1, T + 1))
    return HoldingBlock(Part(f"holding_{T}", h, switches=[h.floor]), T, h.floor, margin, has, earliness)


def _is(x: Flag, value: int) -> bool:
    return isinstance(x, int) and x == value


class _State:
    """The defection state of party p at phase t as 0/1 expressions (options) and amounts, built lazily."""

    def __init__(self, model: BargainingModel, b: pyo.Block, party: str, t: int, W: dict[str, Flag],
                 add: Callable[[Any], None], AND: Callable[[list[Flag]], Flag], h: pyo.Block):
        self.scenario, self.m, self.b, self.p, self.t, self.W = model.scenario, model.m, b, party, t, W
        self.add, self.AND, self.h = add, AND, h
        self.rules = holding_rules(model.scenario)
        self._kept: dict[tuple[str, str], Flag] = {}
        self._amount: dict[str, Any] = {}
        self._together: dict[int, Flag] = {}
        self._regions: dict[Interval, dict[str, Flag]] = {}

    def on(self, i: str, o: str, t: int) -> Flag:
        return 0 if t == 0 else self.b.on[i, o, t]

    def moved(self, i: str, t: int) -> Flag:
        issue = self.scenario.issue[i]
        if t == 0:
            return 0
        if issue.is_continuous:
            return self.b.moved[i, t]
        return sum(self.b.on[i, o, t] for o in issue.option_ids if o != issue.status_quo_choice)

    def snapped(self, i: str) -> bool:
        return i in self.rules.snapback and self.p in self.rules.snapback[i][1]

    def held(self, i: str, arrives: Flag) -> Flag:
        """1 when the item arriving in phase t (``arrives``) is withheld by p."""
        w = self.W[i]
        return 0 if _is(w, 0) else arrives if _is(w, 1) else self.AND([w, arrives])

    def kept(self, i: str, o: str) -> Flag:
        if (i, o) not in self._kept:
            t = self.t
            self._kept[i, o] = self.on(i, o, t) - self.held(i, self.on(i, o, t) - self.on(i, o, t - 1))
        return self._kept[i, o]

    def chosen(self, i: str, o: str) -> Flag:
        issue = self.scenario.issue[i]
        sq = issue.status_quo_choice
        to = self.rules.snapback[i][0] if self.snapped(i) else None
        if sq is None:
            return self.m.choose[i, o] if to is None else int(o == to)
        if to is None:
            return self.kept(i, o) if o != sq else 1 - sum(self.kept(i, x) for x in issue.option_ids if x != sq)
        if to == sq:
            return int(o == sq)
        placed = sum(self.kept(i, x) for x in issue.option_ids if x != sq)
        return placed if o == to else 1 - placed if o == sq else 0

    def amount(self, c: str) -> Any:
        if c not in self._amount:
            self._amount[c] = self._level(c)
        return self._amount[c]

    def _level(self, c: str) -> Any:
        issue, m, b, t = self.scenario.issue[c], self.m, self.b, self.t
        sq = issue.status_quo
        to = float(self.rules.snapback[c][0]) if self.snapped(c) else None
        if sq is None:
            return m.amount[c] if to is None else to
        w = self.W[c]
        if _is(w, 0):
            placed, level = self.moved(c, t), b.level[c, t]
        elif _is(w, 1):
            placed, level = self.moved(c, t - 1), (b.level[c, t - 1] if t > 1 else sq)
        else:
            held = self.AND([w, self.moved(c, t) - self.moved(c, t - 1)])
            lo, hi = issue.range or (0.0, 0.0)
            z = self.h.amounts.add()  # = held x amount (exact: held is 0/1)
            z.setlb(min(lo, 0.0))
            z.setub(max(hi, 0.0))
            for row in (z <= hi * held, z >= lo * held, z <= m.amount[c] - lo * (1 - held), z >= m.amount[c] - hi * (1 - held)):
                self.add(row)
            placed, level = self.moved(c, t) - held, b.level[c, t] - z + sq * held
        return level if to is None else sq + (to - sq) * placed

    def indicator(self, atom: Atom) -> Flag:
        """1 exactly when the compiled atom holds in the state (the interval's region flags built once)."""
        if not isinstance(atom, AmountAtom):
            return sum(self.chosen(atom.issue, o) for o in atom.options)
        if atom.interval not in self._regions:
            inside, below, above = (self.h.flags.add() for _ in range(3))
            bound_indicator(self.h.rows, self.amount(atom.issue), self.scenario.issue[atom.issue].range or (0.0, 0.0),
                            atom.at_least, atom.at_most, inside, below, above)
            self._regions[atom.interval] = dict(zip(REGIONS, (below, inside, above)))
        return sum(self._regions[atom.interval][region] for region in atom.regions)

    def OR(self, terms: list[Flag]) -> Flag:
        """An exact 0/1 disjunction (constants folded)."""
        if any(_is(x, 1) for x in terms):
            return 1
        terms = [x for x in terms if not _is(x, 0)]
        if len(terms) <= 1:
            return terms[0] if terms else 0
        return 1 - self.AND([1 - x for x in terms])

    def together(self, j: int) -> Flag:
        if j not in self._together:
            self._together[j] = self.AND([self.indicator(a) for a in self.scenario.rules.terms[j].when.atoms])
        return self._together[j]

    def broken(self, k: int) -> Flag:
        """Exactly 1 when the state breaks red line k: one of its forbidden conjunctions holds (only p's soft lines
        cost p a price)."""
        rule = self.scenario.rules.lines[k]
        if not rule.line.soft:
            return 0
        return self.OR([self.AND([self.indicator(a) for a in c.atoms]) for c in rule.forbidden])


def _participation(model: BargainingModel, add: Callable[[Any], None], flag: Callable[[], Any], part: Callable[[str], Any]) -> None:
    """While holding: a soft line's ``broken`` is 1 only when the package breaks it, and a non-veto party
    that accepts the package (its reservation and hard red lines hold) takes part, as the exact signers do."""
    scenario, m = model.scenario, model.m

    lines = scenario.rules.lines
    for rule in lines:
        if rule.line.soft:
            breaks_rows(add, flag, rule, model.indicator, m.broken[rule.index])
    for party in scenario.parties:
        if party.veto:
            continue
        low, high = model.utility_range[party.id]
        unit, reservation = model.unit[party.id], exact(party.reservation)
        below = (float(unit * (math.ceil(reservation / unit) - 1)) if unit
                 else float(reservation) - STRICT_GAP * max(1.0, high - low))
        neg = flag()
        add(m.utility[party.id] <= below + (high - below + 1) * (1 - neg))
        reasons = [neg]
        for rule in lines:
            if rule.party == party.id and not rule.line.soft:
                z = flag()
                breaks_rows(add, flag, rule, model.indicator, z)
                reasons.append(z)
        add(1 - part(party.id) <= sum(reasons))
