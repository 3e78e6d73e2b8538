"""Scenario -> one mixed-integer Pyomo model, built once and then changed in place.

Variables
    choose[i, o]   1 when option o of discrete issue i is in the package (one per issue)
    amount[c]      the amount of continuous issue c, within its range
    inside[k] ...  for each distinct bound on a continuous issue, binaries saying whether
                   the amount is below, inside or above it (exact indicators, so that
                   forbid / if-then / interactions on amounts stay linear)
    together[j]    1 exactly when interaction j's condition holds (product of indicators)
    gain[p]        utility(p) - reservation(p); searches put bounds on it
    takes_part[p]  for a non-veto party: 1 when it takes part (its reservation and red
                   lines then apply)
    relax[k]       1 switches requirement k (a reservation or a hard red line) off; fixed
                   at 0 except while diagnosing
    broken[k]      for a red line with a price: 1 when the package breaks it and its party
                   pays the price (fixed at 0 while the line is hard)
    price[k]       a mutable parameter: the price of red line k (the file's; a what-if may set
                   another, see :mod:`.variant`)
    controlled[i]  for an issue with controlled_by: 1 lets it leave its status quo, which
                   needs at least k of its controlling parties taking part
    factor[p, i, o] (only when some party has a points_spread) a mutable parameter scaling
                   the party's point for option o of issue i (per_unit for an amount): 1 in
                   the stated world, the world's factor while a sampled world is set

Red lines, interactions and controls are read in their compiled form
(:mod:`bargaining.scenario.rules`, docs/rules.md): every atom has a 0/1 indicator (a sum of
``choose`` or of an interval's region binaries), and every forbidden conjunction of a red line
is one row ``sum of its indicators <= len - 1 + switch`` (:func:`forbidden_rows`), switched off
by ``relax[k] + (1 - takes_part[p])`` (or ``broken[k]``) with a big-M of exactly 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable

import pyomo.environ as pyo

from ..scenario import PER_UNIT, Requirement, Scenario, exact, fraction_gcd
from ..scenario.rules import AmountAtom, Atom, Conjunction, LineRule

#: The open side of a condition on an amount (``forbid: {fund: {at_least: 100}}`` means
#: ``fund < 100``) is modelled as ``fund <= 100 - STRICT_GAP * (range width)``.
STRICT_GAP = 1e-6

#: ``atom -> a 0/1 expression``: whether the atom holds (in the state the caller models).
Indicator = Callable[[Atom], Any]


@dataclass
class BargainingModel:
    """The Pyomo model and what it takes to read it back in the scenario's terms."""

    scenario: Scenario
    m: pyo.ConcreteModel
    requirements: list[Requirement]
    #: per party, the step between two different gains (gcd of its points), None if continuous
    unit: dict[str, Fraction | None]
    #: per party, the lowest and highest utility any package can give (for big-M and bounds)
    utility_range: dict[str, tuple[float, float]]
    #: the same over every world the uncertainty fields allow (points scaled by 1 -/+ spread)
    world_range: dict[str, tuple[float, float]] = field(default_factory=dict)
    atoms: dict[tuple[str, float | None, float | None], Any] = field(default_factory=dict)
    #: requirement index -> a 0/1 expression: 1 when it does not bind (switched off, or its party stays out)
    switched_off: Callable[[int], Any] = field(default=lambda k: 0)
    #: red line index -> what switches its rows off: its requirement's switch (hard), its broken[k] (priced)
    red_line_off: Callable[[int], Any] = field(default=lambda k: 0)
    #: party -> the row holding its gain at or above 0 unless switched off (absent when it can never bind)
    reservation_rows: dict[str, Any] = field(default_factory=dict)

    def indicator(self, atom: Atom) -> Any:
        """A 0/1 expression that is 1 exactly when the atom holds for the package."""
        m = self.m
        if isinstance(atom, AmountAtom):
            k = self.atoms[atom.interval]
            return sum(_region(m, region)[k] for region in atom.regions)
        return sum(m.choose[atom.issue, o] for o in atom.options)


def _region(block: Any, region: str) -> Any:
    """The indicator variables of one region of every interval (``inside``, ``below``, ``above``)."""
    return getattr(block, region)


def build_model(scenario: Scenario) -> BargainingModel:
    m = pyo.ConcreteModel(name=scenario.name)
    discrete = [(i.id, o.id) for i in scenario.discrete_issues for o in i.options or []]
    continuous = {i.id: i for i in scenario.continuous_issues}
    parties = scenario.party_ids
    optional = [p.id for p in scenario.parties if not p.veto]

    m.choose = pyo.Var(discrete, domain=pyo.Binary)
    m.one_option = pyo.Constraint(
        [i.id for i in scenario.discrete_issues],
        rule=lambda m, i: sum(m.choose[i, o] for o in scenario.issue[i].option_ids) == 1,
    )
    m.amount = pyo.Var(list(continuous), bounds=lambda m, c: continuous[c].range)

    # ---- exact indicators for bounds on amounts
    atoms = list(scenario.rules.intervals)
    m.atom_set = pyo.Set(initialize=range(len(atoms)))
    m.inside = pyo.Var(m.atom_set, domain=pyo.Binary)
    m.below = pyo.Var(m.atom_set, domain=pyo.Binary)
    m.above = pyo.Var(m.atom_set, domain=pyo.Binary)
    m.atom_rows = pyo.ConstraintList()
    for k, (issue_id, low, high) in enumerate(atoms):
        bound_indicator(m.atom_rows, m.amount[issue_id], continuous[issue_id].range or (0.0, 0.0), low, high,
                        m.inside[k], m.below[k], m.above[k])
    model = BargainingModel(scenario, m, [], {}, {}, atoms={a: k for k, a in enumerate(atoms)})

    # ---- interactions: together[j] = AND of the atoms of its condition
    m.interaction_set = pyo.Set(initialize=range(len(scenario.interactions)))
    m.together = pyo.Var(m.interaction_set, domain=pyo.Binary)
    m.together_rows = pyo.ConstraintList()
    for term in scenario.rules.terms:
        and_rows(m.together_rows.add, m.together[term.index], [model.indicator(a) for a in term.when.atoms])

    # ---- red lines with a price: broken[k] may be 1 only when it pays the price (soft); fixed at 0 while hard
    priced = [k for k, r in enumerate(scenario.red_lines) if r.price is not None]
    m.broken = pyo.Var(priced, domain=pyo.Binary)
    m.price = pyo.Param(priced, mutable=True, initialize={k: scenario.red_lines[k].price for k in priced})  # a what-if may change it
    for k in priced:
        if not scenario.red_lines[k].soft:
            m.broken[k].fix(0)

    # ---- utilities and gains (a spread party's points carry a mutable factor, 1 unless a world is set)
    spread = [p.id for p in scenario.parties if p.points_spread is not None]
    if spread:
        m.factor = pyo.Param([(p, i, o) for p in spread for i, o in factor_slots(scenario, p)], mutable=True, initialize=1.0)

    def factor(p: str, i: str, o: str) -> Any:
        return m.factor[p, i, o] if p in spread else 1

    def utility_rule(m: pyo.ConcreteModel, p: str) -> Any:
        return utility_expression(scenario, p, lambda i, o: m.choose[i, o], lambda c: m.amount[c], lambda j: m.together[j],
                                  lambda k: m.broken[k], factor, lambda k: m.price[k])

    m.utility = pyo.Expression(parties, rule=utility_rule)
    model.utility_range = {p: utility_range_of(scenario, p) for p in parties}
    model.world_range = {p: utility_range_of(scenario, p, scenario.party[p].points_spread or 0.0) for p in parties}
    model.unit = {p: unit_of(scenario, p) for p in parties}
    m.reservation = pyo.Param(parties, mutable=True, initialize={p.id: p.reservation for p in scenario.parties})
    m.gain = pyo.Var(parties)
    m.gain_definition = pyo.Constraint(parties, rule=lambda m, p: m.gain[p] == m.utility[p] - m.reservation[p])

    # ---- participation and requirements
    m.takes_part = pyo.Var(optional, domain=pyo.Binary)
    requirements = scenario.requirements
    model.requirements = requirements
    m.requirement_set = pyo.Set(initialize=range(len(requirements)))
    m.relax = pyo.Var(m.requirement_set, domain=pyo.Binary)
    for k in m.requirement_set:
        m.relax[k].fix(0)

    def switched_off(k: int) -> Any:
        party = requirements[k].party
        absent = (1 - m.takes_part[party]) if party in optional else 0
        return m.relax[k] + absent

    m.requirement_rows = pyo.ConstraintList()
    for k, requirement in enumerate(requirements):
        if requirement.kind == "reservation":
            party = scenario.party[requirement.party]
            highest = max([party.reservation, *(party.reservation_range or ())])  # the reservation may move (uncertainty)
            low = model.world_range[party.id][0] - highest
            if low < 0:
                model.reservation_rows[party.id] = m.requirement_rows.add(m.gain[party.id] >= low * switched_off(k))
    model.switched_off = switched_off

    # ---- red lines: each row is switched off by its requirement's switch (hard) or by paying its price (soft)
    requirement_of = {r.index: k for k, r in enumerate(requirements) if r.kind == "red_line"}
    model.red_line_off = lambda k: ((switched_off(requirement_of[k]) if k in requirement_of else 0)
                                    + (m.broken[k] if k in priced else 0))
    m.red_line_rows = pyo.ConstraintList()
    for rule in scenario.rules.lines:
        forbidden_rows(m.red_line_rows.add, rule, model.indicator, model.red_line_off(rule.index))

    # ---- who may move an issue off its status quo: at least k of its controlling parties take part
    m.controlled = pyo.Var([i.id for i in scenario.issues if i.controlled_by], domain=pyo.Binary)
    m.control_rows = pyo.ConstraintList()
    for control in scenario.rules.controls:
        issue = scenario.issue[control.issue]
        moved = m.controlled[issue.id]
        present = sum(1 if scenario.party[c].veto else m.takes_part[c] for c in control.members)
        m.control_rows.add(control.need * moved <= present)
        if issue.is_continuous:
            lo, hi = issue.range or (0.0, 0.0)
            sq = issue.status_quo or 0.0
            m.control_rows.add(m.amount[issue.id] - sq <= (hi - sq) * moved)
            m.control_rows.add(sq - m.amount[issue.id] <= (sq - lo) * moved)
        else:
            m.control_rows.add(sum(m.choose[issue.id, o] for o in issue.option_ids if o != issue.status_quo_choice) <= moved)

    # ---- what the criteria use: a floor under gains (maxmin, Kalai), a log of each gain (Nash);
    # the rows tying them to the gains are added by searches, in ``scratch``, and removed after
    top = max([1.0] + [model.world_range[p][1] - min([scenario.party[p].reservation, *(scenario.party[p].reservation_range or ())])
                       for p in parties])
    m.floor = pyo.Var(bounds=(None, top))
    m.log_gain = pyo.Var(parties)
    m.scratch = pyo.ConstraintList()
    m.objective = pyo.Objective(expr=m.floor, sense=pyo.maximize)
    return model


def bound_indicator(rows: pyo.ConstraintList, x: Any, span: tuple[float, float], low: float | None, high: float | None,
                    inside: Any, below: Any, above: Any) -> None:
    """Rows making ``inside`` 1 exactly when low <= x <= high (``below``/``above`` otherwise).

    The open sides (x < low, x > high) keep a gap of STRICT_GAP x the range width.
    """
    lo, hi = span
    gap = STRICT_GAP * max(1.0, hi - lo)
    rows.add(inside + below + above == 1)
    if low is None or low <= lo:
        below.fix(0)
    else:
        rows.add(x >= low - (low - lo) * (1 - inside))
        rows.add(x <= low - gap + (hi - low + gap) * (1 - below))
        if low - gap < lo:
            below.fix(0)
    if high is None or high >= hi:
        above.fix(0)
    else:
        rows.add(x <= high + (hi - high) * (1 - inside))
        rows.add(x >= high + gap - (high + gap - lo) * (1 - above))
        if high + gap > hi:
            above.fix(0)
    if (low is not None and low > hi) or (high is not None and high < lo):
        inside.fix(0)


def forbidden_rows(add: Callable[[Any], Any], rule: LineRule, indicator: Indicator, switch: Any) -> None:
    """A red line's rows: for each forbidden conjunction, ``sum of its atoms' indicators <= len - 1 + switch``
    (the conjunction cannot hold while ``switch`` is 0).  ``indicator`` reads the atoms in the state the
    caller models (the package, or the state after a phase)."""
    for conjunction in rule.forbidden:
        add(conjunction_sum(conjunction, indicator) <= len(conjunction.atoms) - 1 + switch)


def breaks_rows(add: Callable[[Any], Any], flag: Callable[[], Any], rule: LineRule, indicator: Indicator, z: Any) -> None:
    """Rows letting the 0/1 ``z`` be 1 only when the state ``indicator`` reads breaks the line: some forbidden
    conjunction holds (``flag`` makes a new binary, one per conjunction of several atoms when there are several)."""
    holding: list[Any] = []
    for conjunction in rule.forbidden:
        if not conjunction.atoms:
            return  # a conjunction that always holds: the line is always broken
        if len(rule.forbidden) == 1 or len(conjunction.atoms) > 1:
            y = z if len(rule.forbidden) == 1 else flag()
            for atom in conjunction.atoms:
                add(y <= indicator(atom))
            holding.append(y)
        else:
            holding.append(indicator(conjunction.atoms[0]))
    if len(rule.forbidden) != 1:
        add(z <= sum(holding))


def conjunction_sum(conjunction: Conjunction, indicator: Indicator) -> Any:
    """The sum of a conjunction's atoms' indicators (it equals the number of atoms exactly when it holds)."""
    return sum(indicator(atom) for atom in conjunction.atoms)


def and_rows(add: Callable[[Any], Any], z: Any, terms: list[Any]) -> None:
    """Rows making the binary ``z`` exactly the AND of 0/1 ``terms``."""
    for term in terms:
        add(z <= term)
    add(z >= sum(terms) - (len(terms) - 1))


def factor_slots(scenario: Scenario, party: str) -> list[tuple[str, str]]:
    """The party's written, nonzero points: (issue, option), or (issue, per_unit) for an amount."""
    return [(i.id, o) for i in scenario.issues for o, v in scenario.points(party, i.id).items() if v]


def utility_expression(scenario: Scenario, party: str, chosen: Callable[[str, str], Any], amount: Callable[[str], Any],
                       together: Callable[[int], Any], broken: Callable[[int], Any],
                       factor: Callable[[str, str, str], Any] = lambda p, i, o: 1,
                       price: Callable[[int], Any] | None = None) -> Any:
    """The party's utility as a linear expression: points x option indicators + per_unit x amounts
    + interaction values x their AND indicators - the price of each of its red lines with a
    price x its "broken" indicator (the same formula as :meth:`Scenario.utility`).  ``factor``
    scales each point (the points spread of a sampled world; 1 by default); ``price`` gives each
    priced line's price (default: the scenario's number; the model passes its mutable ``price``)."""
    expr: Any = 0
    for issue in scenario.issues:
        table = scenario.points(party, issue.id)
        if issue.is_continuous:
            rate = table.get(PER_UNIT, 0.0)
            if rate:
                expr += rate * factor(party, issue.id, PER_UNIT) * amount(issue.id)
        else:
            expr += sum(v * factor(party, issue.id, o) * chosen(issue.id, o) for o, v in table.items() if v)
    expr += sum(x.value * together(x.index) for x in scenario.rules.terms if x.party == party)
    expr -= sum((r.price if price is None else price(k)) * broken(k)
                for k, r in enumerate(scenario.red_lines) if r.party == party and r.price is not None)
    return expr


def utility_range_of(scenario: Scenario, party: str, spread: float = 0.0) -> tuple[float, float]:
    """The lowest and highest utility of the party, with every point scaled anywhere in [1 - spread, 1 + spread]."""
    low = high = 0.0
    for issue in scenario.issues:
        table = scenario.points(party, issue.id)
        if issue.is_continuous:
            a, b = issue.range or (0.0, 0.0)
            rates = [table.get(PER_UNIT, 0.0) * (1 + d) for d in (-spread, spread)]
            low += min(r * x for r in rates for x in (a, b))
            high += max(r * x for r in rates for x in (a, b))
        else:
            values = [table.get(o, 0.0) * (1 + d) for o in issue.option_ids for d in (-spread, spread)]
            low += min(values)
            high += max(values)
    for interaction in scenario.interactions:
        if interaction.party == party:
            low += min(0.0, interaction.value)
            high += max(0.0, interaction.value)
    low -= sum(r.price for r in scenario.red_lines if r.party == party and r.price is not None)
    return low, high


def unit_of(scenario: Scenario, party: str) -> Fraction | None:
    """The largest step that divides every difference of the party's utilities (None if continuous)."""
    values: list[Fraction] = []
    for issue in scenario.issues:
        table = scenario.points(party, issue.id)
        if issue.is_continuous:
            if table.get(PER_UNIT, 0.0):
                return None
        else:
            values += [exact(v) for v in table.values()]
    values += [exact(x.value) for x in scenario.interactions if x.party == party]
    values += [exact(r.price) for r in scenario.red_lines if r.party == party and r.price is not None]
    return fraction_gcd(values) or Fraction(1)
