"""Phased packages: deliver a deal in steps so that nobody has to give first and trust.

A phased package switches each of its options on in one phase t = 1..T and keeps it.  It
is acceptable when the final package is, when after every phase each veto party's utility
so far is at least its reservation (nobody pays up front), and when every ``after:`` order
holds.  The search runs the criterion's usual search with the engine's phasing block
switched on (:mod:`bargaining.engine.phasing`), then solves once more with the package
fixed to read its phase plan, and checks the plan exactly in plain Python.
"""

from __future__ import annotations

from ..engine.phasing import phase_of
from ..engine.search import Search
from ..results import Criterion, PhasePlan
from ..scenario import exact
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
            if scenario.utility(party, state) + refund < exact(scenario.party[party].reservation):
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
    with search.changes() as edit:
        block = edit.phasing(phases)
        package = best_package(search, criterion, parties)
        if package is None:
            return PhasePlan(scenario, phases, criterion, None,
                             reason=f"no acceptable package can be delivered in {phases} phases without a veto party "
                                    "falling below its reservation after some phase")
        with search.changes() as fixed:  # solve once more with the package fixed, to read its phase plan
            fixed.fix_package(package.exact_choices)
            if search.feasible() is None:
                raise RuntimeError("the phased package cannot be re-solved; please report this scenario")
            plan = PhasePlan(scenario, phases, criterion, package, phase_of(block, scenario, package, search.values))
    problems = check_plan(plan)
    if problems:
        raise RuntimeError("the phase plan found fails the exact check (" + "; ".join(problems) + "); please report this scenario")
    return plan
