"""Self-enforcing phased plans: the best plan that holds under a criterion, or why none exists.

A plan is self-enforcing when, at every phase, every party that still has something to deliver
gets at least as much by continuing to the end as by defecting there (the rules, once, in
:mod:`bargaining.scenario.holding`; the mathematics in docs/holding.md).  The search runs the
criterion's usual search with the phasing and holding blocks on (:mod:`bargaining.engine.holding`:
phase-assignment binaries and incentive rows on the one model), then, with the package fixed, the
plan with the largest smallest margin; every plan found is checked exactly.  When none holds, the
incentive rows' floor is freed and maximised: the plan closest to holding, whose violations say who
gains by defecting, at which phase and by how much (no plan does better: the solver's proven
optimum), and whose fixes say what would make it hold (:mod:`.holding_fixes`).  The exact dynamic
programme does not apply: a party's defection payoff at a phase depends on the phases of every
issue at once, which the programme's issue-by-issue stages cannot carry.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence

from ..engine.holding import HoldingBlock, free_floor, switch_on
from ..engine.phasing import phase_of
from ..engine.search import Search
from ..errors import TimeLimitReached
from ..results import Criterion, HeldPlan, Package, PhasePlan, SelfEnforcing, ThreatCheck, number
from ..scenario import Scenario, exact, holding_rules
from .holding_fixes import fixes
from .phasing import best_phased, check_plan
from .questions import opens
from .solutions import best_package


def threat_checks(scenario: Scenario) -> tuple[ThreatCheck, ...]:
    """Every threat of the scenario: credible or not, and what carrying it out costs its threatener."""
    rules = holding_rules(scenario)
    return tuple(ThreatCheck(t.id, t.label, t.by, tuple(t.against), tuple(t.triggers), rules.credible[t.id],
                             exact(t.cost.get(t.by, 0.0))) for t in rules.threats)


def held(plan: PhasePlan, with_fixes: bool = True) -> HeldPlan:
    """The plan with every party's margin at every phase, exactly (and its fixes when it does not hold)."""
    scenario, package = plan.scenario, plan.package
    assert package is not None
    rules = holding_rules(scenario)
    final, signers = package.exact_choices, package.signers
    margins = rules.margins(final, plan.phase_of, plan.phases, signers)
    defecting = {(p, t): None if m is None else package.exact_utilities[p] - m for (p, t), m in margins.items()}
    found = HeldPlan(plan, margins, defecting)
    if with_fixes and not found.holds:
        found = HeldPlan(plan, margins, defecting, fixes(plan, rules))
    return found


def self_enforcing(search: Search, phases: int, criterion: Criterion, parties: Sequence[str],
                   time_limit: float | None = None) -> SelfEnforcing:
    """The best self-enforcing plan in ``phases`` phases under the criterion, or why none exists."""
    started = time.perf_counter()
    scenario = search.scenario
    base = {"scenario": scenario, "phases": phases, "criterion": criterion, "threats": threat_checks(scenario), "method": "mip"}

    def done(**fields: object) -> SelfEnforcing:
        return SelfEnforcing(**base, seconds=time.perf_counter() - started, **fields)  # type: ignore[arg-type]

    with search.limited(time_limit):
        unproven = search.unproven
        try:
            if not opens(search):
                return done(reason="the bargaining space is closed: no package is acceptable, phased or not "
                                   "('bargaining diagnose FILE' says what conflicts)")
            phased = best_phased(search, phases, criterion, list(parties))
            package = phased.package
            if package is None:
                return done(reason=phased.reason)
            plan, closest, bound = _search(search, phases, criterion, parties)
            # the plan that holds is already its package's best schedule: the phased package needs its own only when it differs
            same = plan is not None and plan.plan.package is not None and package.key() == plan.plan.package.key()
            best_plain = None if same else _best_schedule(search, phases, criterion, package)
        except TimeLimitReached:
            return done(complete=False, reason="stopped at the time limit before a plan was found or ruled out")
    complete = search.unproven == unproven
    doubt = search.doubt()
    exact_note = "" if doubt is None else f"; not certified: the solver's answers cannot be trusted on these numbers ({doubt})"
    cut = "" if complete else "; the time limit stopped a search: not proven best"
    if plan is not None:
        reason = (f"the best {criterion} plan that holds" + ("" if best_plain is None else
                  f"; the best {criterion} phased package holds in no schedule (in its best: {best_plain.describe_violations(scenario)})"
                  if not best_plain.holds else f"; the best {criterion} phased package differs"))
        return done(plan=plan, phased=best_plain, complete=complete, exact=doubt is None, reason=reason + cut + exact_note)
    assert closest is not None
    worst = closest.smallest
    reason = (f"no plan in {phases} phase{'' if phases == 1 else 's'} is self-enforcing: at best, "
              f"{closest.describe_violations(scenario)}" + ("" if worst is None or bound is None else
              f" (no plan's smallest margin exceeds {number(bound)})"))
    return done(phased=best_plain, closest=closest, complete=complete, exact=doubt is None, reason=reason + cut + exact_note)


def _best_schedule(search: Search, phases: int, criterion: Criterion, package: Package) -> HeldPlan:
    """The best phased package (found with no thought for incentives) in its schedule with the largest smallest
    margin: the phases that package is delivered in are otherwise the solver's pick among equally good ones, and
    whether and by how much a party gains by defecting depends on them (on the bundled case with every annotated
    line priced, two such picks had a largest gain from defecting of 16 and of 6; the best schedule's is 1)."""
    with search.changes() as edit:
        block = switch_on(edit, phases)
        return _plan_of(search, block, package, criterion, fixed=True)


def _search(search: Search, phases: int, criterion: Criterion, parties: Sequence[str]) -> tuple[HeldPlan | None, HeldPlan | None, float | None]:
    """(the best self-enforcing plan, None, None), or (None, the closest plan, the solver's bound on its smallest margin)."""
    scenario = search.scenario
    with search.changes() as edit:
        block = switch_on(edit, phases)
        package = best_package(search, criterion, parties)
        if package is not None:
            found = _plan_of(search, block, package, criterion, fixed=True)
            if found.holds:
                return found, None, None
            # within the solver's tolerance only (amounts read exactly): the exact check has the last word
            warnings.warn(f"the solver's self-enforcing plan fails the exact check ({found.describe_violations(scenario)}); "
                          "looking for the plan closest to holding instead", stacklevel=2)
        with search.changes() as free:
            free_floor(free, block)
            outcome, closest = search.maximize(block.floor)
            if closest is None:
                raise RuntimeError("no phased plan found with the incentive rows relaxed, though one exists without them; "
                                   "please report this scenario")
            found = _plan_of(search, block, closest, criterion, fixed=False)
        if found.holds:  # the solver called the incentive rows infeasible, yet this plan holds exactly
            return HeldPlan(found.plan, found.exact_margins, found.exact_defecting), None, None
        return None, found, outcome.bound


def _plan_of(search: Search, block: HoldingBlock, package: Package, criterion: Criterion, fixed: bool) -> HeldPlan:
    """The package's plan with the largest smallest margin (``fixed``: solve again with the package fixed;
    else read the current solution), checked exactly."""
    scenario = search.scenario
    phasing = search.phasing_block(block.phases)
    if fixed:
        with search.changes() as edit:
            edit.fix_package(package.exact_choices)
            free_floor(edit, block)
            _, again = search.maximize(block.floor)
            if again is None:
                raise RuntimeError("the self-enforcing package cannot be re-solved; please report this scenario")
            plan = PhasePlan(scenario, block.phases, criterion, package, phase_of(phasing, scenario, package, search.values))
            smallest = held(plan, with_fixes=False).exact_smallest
            if smallest is not None:  # among plans as robust, the one that delivers earliest
                with search.changes() as early:
                    free_floor(early, block, float(smallest) - 1e-7 * (1 + abs(float(smallest))))
                    _, earliest = search.maximize(block.earliness)
                    if earliest is not None:
                        sooner = PhasePlan(scenario, block.phases, criterion, package, phase_of(phasing, scenario, package, search.values))
                        better = held(sooner, with_fixes=False)
                        if better.holds and better.exact_smallest is not None and better.exact_smallest >= smallest and not check_plan(sooner):
                            plan = sooner
    else:
        plan = PhasePlan(scenario, block.phases, criterion, package, phase_of(phasing, scenario, package, search.values))
    problems = check_plan(plan)
    if problems:
        raise RuntimeError("the plan found fails the exact phasing check (" + "; ".join(problems) + "); please report this scenario")
    found = held(plan)
    return found
