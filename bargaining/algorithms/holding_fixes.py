"""What would make a phase plan hold: the single changes that make it self-enforcing, and the margin each creates.

For a plan that is not self-enforcing (:mod:`bargaining.scenario.holding`), every candidate is tried
and checked exactly with the scenario's rules:

* **move**: one issue that moves in phase a goes to a later phase b (a < b <= T); the new plan must
  still be a sound phase plan (:func:`~.phasing.check_plan`: nobody below its reservation midway,
  no red line broken midway, every ``after:`` order);
* **snapback**: one moved issue without a snapback gets one, back to its status quo, against the
  parties that gain by defecting and do not deliver it (a snapback a deliverer's own red line would
  forbid is not offered);
* **escrow**: each party that gains by defecting posts what it would forfeit by defecting, exactly
  its largest gain from defection (released at the end; the escrows together always make it hold);
* **threat**: the same amounts as credible threats by a guarantor against those parties.

A fix counts when the changed plan is self-enforcing; its ``margin`` is the changed plan's smallest
counted margin.  Single changes (moves and snapbacks) come first, the largest margin first, then the
escrows, then the threats: the first is the smallest change.  See docs/holding.md.
"""

from __future__ import annotations

from fractions import Fraction

from ..results import Fix, PhasePlan
from ..scenario import HoldingRules, Scenario, holding_rules
from ..scenario.holding import snapback_breaks
from .phasing import check_plan


def fixes(plan: PhasePlan, rules: HoldingRules | None = None) -> tuple[Fix, ...]:
    """Every fix of the plan (empty when it already holds), the smallest change first."""
    scenario, package = plan.scenario, plan.package
    assert package is not None
    rules = rules or holding_rules(scenario)
    final, signers, T = package.exact_choices, package.signers, plan.phases
    margins = rules.margins(final, plan.phase_of, T, signers)
    deficit: dict[str, Fraction] = {}
    for (p, _), m in margins.items():
        if m is not None and m < 0:
            deficit[p] = max(deficit.get(p, Fraction(0)), -m)
    if not deficit:
        return ()

    def smallest(rules: HoldingRules, phase_of: dict[str, int], escrow: dict[str, Fraction] | None = None) -> tuple[bool, Fraction | None]:
        found = [m for m in rules.margins(final, phase_of, T, signers, escrow).values() if m is not None]
        return all(m >= 0 for m in found), min(found, default=None)

    single: list[Fix] = []
    moved = rules.moved(final)
    for issue_id in moved:
        start = plan.phase_of[issue_id]
        for later in range(start + 1, T + 1):
            phase_of = {**plan.phase_of, issue_id: later}
            if check_plan(PhasePlan(scenario, T, plan.criterion, package, phase_of)):
                continue
            holds, margin = smallest(rules, phase_of)
            if holds:
                label = scenario.issue[issue_id].label
                single.append(Fix("move", f"move {label} from phase {start} to phase {later}", margin, issue_id, start, later))
    for issue_id in moved:
        issue = scenario.issue[issue_id]
        against = tuple(p for p in deficit if p not in rules.delivery[issue_id].parties)
        sq = issue.status_quo_choice
        if issue_id in rules.snapback or not against or sq is None:
            continue
        if snapback_breaks(issue, sq, rules.delivery[issue_id].parties, scenario.red_lines):
            continue
        holds, margin = smallest(rules.with_snapback(issue_id, sq, against), plan.phase_of)
        if holds:
            who = ", ".join(scenario.party[p].label for p in against)
            single.append(Fix("snapback", f"a snapback on {issue.label} to {issue.choice_label(sq)} if {who} defect{'s' if len(against) == 1 else ''}",
                              margin, issue_id, against=against))
    single.sort(key=lambda f: (-(f.exact_margin or 0), f.kind != "move", moved.index(f.issue or ""), f.phase_to or 0))
    _, after = smallest(rules, dict(plan.phase_of), deficit)
    amounts = ", ".join(f"{scenario.party[p].label} {_amount(a)}" for p, a in deficit.items())
    return (*single,
            Fix("escrow", f"escrow held by a third party and released at the end: {amounts}", after, exact_amounts=dict(deficit)),
            Fix("threat", f"a guarantor's credible threat (carrying it out costs the guarantor nothing) costing at least: {amounts}",
                after, exact_amounts=dict(deficit)))


def _amount(value: Fraction) -> str:
    from ..results import number

    return number(value)


def describe(scenario: Scenario, fix: Fix) -> str:
    """The fix in words, with the margin it creates."""
    margin = "" if fix.exact_margin is None else f" (smallest margin then {_amount(fix.exact_margin)})"
    return fix.text + margin
