"""Phased packages: deliver a deal in steps so that nobody has to give first and trust.

A phased package switches each of its options on in one phase t = 1..T and keeps it.  It
is acceptable when the final package is, when after every phase each veto party's utility
so far is at least its reservation (nobody pays up front), and when every ``after:`` order
holds.  The search runs the criterion's usual search with the engine's phasing block
switched on (:mod:`bargaining.engine.phasing`), then solves once more with the package
fixed to read its phase plan, and checks the plan exactly in plain Python.
"""

from __future__ import annotations

from ..engine.phasing import PhasingBlock, phase_of
from ..engine.search import Search
from ..errors import AnswersDisagree
from ..results import Criterion, PhasePlan
from ..scenario import exact
from .questions import opens
from .solutions import best_package


def check_plan(plan: PhasePlan) -> list[str]:
    """Everything wrong with a phase plan, checked exactly (empty when it is sound): after every phase
    but the last, each veto party at its reservation or above (a final_only soft line costs nothing on
    the way) and every hard red line of a party taking part holding unless final_only; every after: order."""
    scenario, package = plan.scenario, plan.package
    assert package is not None
    problems = []
    for t in range(1, plan.phases):
        state = plan.state_after(t)
        for party in scenario.veto_party_ids:
            refund = sum((exact(r.price or 0) for r in scenario.red_lines
                          if r.party == party and r.soft and r.final_only and not scenario.red_line_holds(r, state)), exact(0))
            if scenario.exact_utility(party, state) + refund < exact(scenario.party[party].reservation):
                problems.append(f"after phase {t}, {party} is below its reservation")
        for k, red_line in enumerate(scenario.red_lines):
            if (red_line.party in package.signers and not red_line.soft and not red_line.final_only
                    and not scenario.red_line_holds(red_line, state)):
                problems.append(f"after phase {t}, {scenario.describe_red_line(k)} is broken")
    for issue in scenario.issues:
        for earlier in issue.after or []:
            if issue.id in plan.phase_of and plan.phase_of.get(earlier, plan.phases + 1) >= plan.phase_of[issue.id]:
                problems.append(f"{issue.id} moves in phase {plan.phase_of[issue.id]}, not after {earlier}")
    return problems


def best_phased(search: Search, phases: int, criterion: Criterion, parties: list[str]) -> PhasePlan:
    """The criterion's best package among those that can be phased, and the phase of each issue."""
    scenario = search.scenario
    if not opens(search):  # exactly, where the programme answers
        return PhasePlan(scenario, phases, criterion, None, reason=(
            "the bargaining space is closed: no package is acceptable at all, phased or not, so there is nothing to "
            "phase ('bargaining diagnose FILE' says what conflicts and what would open it)"))
    with search.changes() as edit:
        block = edit.phasing(phases)
        package = best_package(search, criterion, parties)
        if package is None:
            doubt = search.doubt()
            if doubt is not None:  # the model's "none" on numbers whose ranking it cannot be trusted with
                return PhasePlan(scenario, phases, criterion, None, reason=(
                    f"none found, but not certified: the solver's answer cannot be trusted on these numbers ({doubt}); "
                    f"some package may be deliverable in {phases} phase{'' if phases == 1 else 's'}"))
            return PhasePlan(scenario, phases, criterion, None, reason=why_not_phased(search, block, phases))
        with search.changes() as fixed:  # solve once more with the package fixed, to read its phase plan
            fixed.fix_package(package.exact_choices)
            if search.feasible() is None:
                raise AnswersDisagree("the solver found a phased package it cannot solve again with the package fixed "
                                      f"({package.choices}); this is a bug, please report the scenario")
            plan = PhasePlan(scenario, phases, criterion, package, phase_of(block, scenario, package, search.values))
    problems = check_plan(plan)
    if problems:
        raise AnswersDisagree("the solver and the exact check disagree: the solver found a phase plan that fails the exact "
                              "check (" + "; ".join(problems) + "); this is a bug, please report the scenario")
    return plan


def why_not_phased(search: Search, block: PhasingBlock, phases: int) -> str:
    """Why no acceptable package can be phased: the red lines that would break midway, the veto parties
    that would pay up front (the fewest whose relaxation before the last phase lets a package through)."""
    scenario = search.scenario
    head = f"no acceptable package can be delivered in {phases} phase{'' if phases == 1 else 's'}"
    blockers = search.midway_blockers(block)
    if blockers is None:
        return f"{head}: the 'after:' orders of the issues cannot all be met in that many phases"
    lines, parties = blockers
    reasons = []
    if lines:
        named = "; ".join(scenario.describe_red_line(k) for k in lines)
        one = len(lines) == 1
        reasons.append(f"{'this red line' if one else 'these red lines'} would break midway, before the whole package is in "
                       f"place ({named}); if {'it is' if one else 'they are'} only about the final settlement, mark "
                       f"{'it' if one else 'them'} final_only: true")
    if parties:
        who = ", ".join(scenario.party[p].label for p in parties)
        reasons.append(f"{who} would fall below {'its reservation' if len(parties) == 1 else 'their reservations'} after "
                       "some phase (paying up front)")
    return f"{head}: " + "; and ".join(reasons)
