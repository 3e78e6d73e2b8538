"""Deals that hold: who delivers what, what a defection leaves, what it is worth.  The one definition.

Every rule about defection is written here, once, in exact arithmetic; the model's incentive rows
(:mod:`bargaining.engine.holding`), the stability enumeration and the brute-force oracle of the tests
are checked against these functions.  The mathematics, with a worked example, is in docs/holding.md.

**Who delivers an issue** (:func:`delivery`).  Moving an issue away from its status quo is an act of
its *deliverers*, D(i), of whom ``need`` must act:

* ``delivered_by: [a, b]`` (or ``{all: [a, b]}``): every listed party delivers (need: all of them);
  ``delivered_by: {at_least: k, of: [...]}``: k of them;
* else ``controlled_by``: a list (any one of them) -> need 1 of the listed; ``{all: [...]}`` -> all;
  ``{at_least: k, of: [...]}`` -> k;
* else every party with a nonzero point on one of the issue's options (``per_unit`` for an amount)
  or a red line whose conditions name the issue; need: all of them.

Only deliverers that take part in the package (its signers S) count.  A coalition C *withholds*
issue i when some member of C is among the present deliverers D(i) & S and fewer than ``need`` of
them remain outside C (``need`` "all" meaning |D(i) & S|): :func:`HoldingRules.withheld`.  Issues
without a status quo are in place from phase 1 and cannot be withheld.

**A phased plan** gives each issue that moves a phase 1..T.  **Defection** by C at phase t: C's
items of phase t are withheld (stay at the status quo), every item of an earlier phase and every
other item of phase t is in place, nothing of a later phase happens (the plan ends).  Then each
in-place issue with a ``snapback`` against a member of C returns to its snapback choice
(``against`` defaults to every party that does not deliver the issue).  That is the *defection
state* (:meth:`HoldingRules.defection_state`).

**Threats.**  A threat is *credible* when carrying it out costs its threatener nothing or less
(``cost[by] <= 0``).  When C defects, the credible threats with trigger ``defection`` whose
threatener is outside C and whose targets include a member of C are carried out; each costs every
party its ``cost`` entry.  A ``no_deal`` threat acts in the world without agreement and is part of
the reservations as written: it is reported (credible or not) and never subtracted again.

**Defection payoff** of party p in C: utility(p, defection state) - the costs to p of the threats
carried out - the escrow p forfeits (0 unless a fix adds one).  **Margin** of p at phase t:
utility(p, final package) - its defection payoff when it defects alone at t.  It counts only when p
takes part and withholds some item of phase t or later (it *still has something to deliver*).
A plan is **self-enforcing** when every counted margin is >= 0 (a tie holds).

**A signed package** (stability): a deviation is a coalition C of signers and a nonempty set R of
moved issues that C withholds, each one; the deviation state keeps every other moved issue in
place, R at the status quo, then applies the snapbacks against C.  It *pays* when every member of C
is strictly better off (payoff above its utility in the package).
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from .delivery import Delivery, condition_issues, credible, delivery, snapback_breaks
from .numbers import exact, exact_or_id
from .schema import Threat

if TYPE_CHECKING:  # pragma: no cover
    from .core import Scenario

__all__ = ["Delivery", "HoldingRules", "PhaseOf", "condition_issues", "credible", "delivery", "holding_rules",
           "snapback_breaks"]

#: Issue id -> phase (1..T) in which the issue leaves its status quo (issues that stay put are absent).
PhaseOf = Mapping[str, int]


class HoldingRules:
    """The rules above compiled for one scenario (see :func:`holding_rules`)."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        utilities = {p: {i.id: scenario.points(p, i.id) for i in scenario.issues} for p in scenario.party_ids}
        self.delivery = {i.id: delivery(i, scenario.party_ids, scenario.red_lines, utilities) for i in scenario.issues}
        #: issue id -> (the choice it snaps back to, the parties whose defection sets it off)
        self.snapback: dict[str, tuple[Any, frozenset[str]]] = {}
        for issue in scenario.issues:
            if issue.snapback is not None:
                against = issue.snapback.against
                if against is None:
                    against = [p for p in scenario.party_ids if p not in self.delivery[issue.id].parties]
                to = issue.snapback.to
                self.snapback[issue.id] = (to if isinstance(to, str) else exact(to), frozenset(against))
        self.threats: list[Threat] = list(scenario.threats)
        self.credible = {t.id: credible(t) for t in self.threats}

    def with_snapback(self, issue_id: str, to: Any, against: Collection[str]) -> HoldingRules:
        """These rules with one more snapback (a fix to try; the scenario is unchanged)."""
        rules = copy.copy(self)
        rules.snapback = {**self.snapback, issue_id: (to, frozenset(against))}
        return rules

    # ---- who withholds what
    def withheld(self, issue_id: str, signers: Collection[str], coalition: Collection[str]) -> bool:
        """Whether the coalition, by not acting, keeps the issue at its status quo."""
        if self.scenario.issue[issue_id].status_quo_choice is None:
            return False
        d = self.delivery[issue_id]
        present = [p for p in d.parties if p in signers]
        if not any(p in coalition for p in present):
            return False
        need = len(present) if d.need is None else d.need
        return sum(1 for p in present if p not in coalition) < need

    def moved(self, final: Mapping[str, Any]) -> list[str]:
        """The issues the package moves away from their status quo (issues without one are not 'moved')."""
        return [i.id for i in self.scenario.issues
                if i.status_quo_choice is not None and exact_or_id(final[i.id]) != exact_or_id(i.status_quo_choice)]

    # ---- what a defection leaves
    def state_after(self, final: Mapping[str, Any], in_place: Collection[str], coalition: Collection[str]) -> dict[str, Any]:
        """The choices when the moved issues in ``in_place`` are in place (the other moved ones at their
        status quo) and the coalition has defected: snapbacks against a member applied to in-place issues."""
        state: dict[str, Any] = {}
        for issue in self.scenario.issues:
            sq = issue.status_quo_choice
            placed = sq is None or issue.id in in_place
            choice = final[issue.id] if placed else sq
            moved = sq is None or exact_or_id(choice) != exact_or_id(sq)
            if issue.id in self.snapback and moved and self.snapback[issue.id][1] & set(coalition):
                choice = self.snapback[issue.id][0]
            state[issue.id] = choice
        return state

    def defection_state(self, final: Mapping[str, Any], phase_of: PhaseOf, t: int, coalition: Collection[str],
                        signers: Collection[str]) -> dict[str, Any]:
        """The state after the coalition defects at phase t of the plan (see the module's docstring)."""
        in_place = [i for i in self.moved(final)
                    if phase_of[i] < t or (phase_of[i] == t and not self.withheld(i, signers, coalition))]
        return self.state_after(final, in_place, coalition)

    def deviation_state(self, final: Mapping[str, Any], reneged: Collection[str], coalition: Collection[str]) -> dict[str, Any]:
        """A signed package after the coalition reneges on ``reneged`` (issues it withholds)."""
        return self.state_after(final, [i for i in self.moved(final) if i not in reneged], coalition)

    # ---- threats and payoffs
    def fired(self, coalition: Collection[str]) -> list[Threat]:
        """The credible threats carried out when the coalition defects."""
        members = set(coalition)
        return [t for t in self.threats if self.credible[t.id] and "defection" in t.triggers
                and t.by not in members and members & set(t.against)]

    def threat_cost(self, coalition: Collection[str], party: str) -> Fraction:
        return sum((exact(t.cost.get(party, 0.0)) for t in self.fired(coalition)), Fraction(0))

    def payoff(self, party: str, state: Mapping[str, Any], coalition: Collection[str],
               escrow: Mapping[str, Fraction] | None = None) -> Fraction:
        """What the party gets after the coalition's defection leaves ``state``."""
        forfeit = exact((escrow or {}).get(party, 0))
        return self.scenario.exact_utility(party, state) - self.threat_cost(coalition, party) - forfeit

    # ---- phased plans
    def delivers(self, final: Mapping[str, Any], phase_of: PhaseOf, t: int, party: str, signers: Collection[str]) -> bool:
        """The party still has something to deliver at phase t: it withholds an item of phase t or later."""
        return party in signers and any(phase_of[i] >= t and self.withheld(i, signers, [party]) for i in self.moved(final))

    def margin(self, final: Mapping[str, Any], phase_of: PhaseOf, t: int, party: str, signers: Collection[str],
               escrow: Mapping[str, Fraction] | None = None) -> Fraction | None:
        """utility(party, final) - its payoff defecting alone at phase t; None when it has nothing left to deliver."""
        if not self.delivers(final, phase_of, t, party, signers):
            return None
        state = self.defection_state(final, phase_of, t, [party], signers)
        return self.scenario.exact_utility(party, final) - self.payoff(party, state, [party], escrow)

    def margins(self, final: Mapping[str, Any], phase_of: PhaseOf, phases: int, signers: Collection[str],
                escrow: Mapping[str, Fraction] | None = None) -> dict[tuple[str, int], Fraction | None]:
        """Every (party, phase): its margin, or None when it has nothing left to deliver."""
        return {(p, t): self.margin(final, phase_of, t, p, signers, escrow)
                for t in range(1, phases + 1) for p in self.scenario.party_ids}

    def self_enforcing(self, final: Mapping[str, Any], phase_of: PhaseOf, phases: int, signers: Collection[str],
                       escrow: Mapping[str, Fraction] | None = None) -> bool:
        return all(m is None or m >= 0 for m in self.margins(final, phase_of, phases, signers, escrow).values())

    # ---- signed packages
    def deviation_gains(self, final: Mapping[str, Any], reneged: Collection[str], coalition: Collection[str]) -> dict[str, Fraction]:
        """Each member's payoff after the deviation minus its utility in the package (it pays when all are > 0)."""
        state = self.deviation_state(final, reneged, coalition)
        return {p: self.payoff(p, state, coalition) - self.scenario.exact_utility(p, final) for p in coalition}

    def withholdable(self, final: Mapping[str, Any], coalition: Collection[str], signers: Collection[str]) -> list[str]:
        """The moved issues the coalition withholds, each on its own."""
        return [i for i in self.moved(final) if self.withheld(i, signers, coalition)]


def holding_rules(scenario: Scenario) -> HoldingRules:
    """The compiled rules of a scenario (built once, then kept with it)."""
    cache: dict[str, HoldingRules] = scenario.__dict__.setdefault("_holding", {})
    if "rules" not in cache:
        cache["rules"] = HoldingRules(scenario)
    return cache["rules"]
