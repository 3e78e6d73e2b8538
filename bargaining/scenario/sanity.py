"""What loads but is almost surely a mistake: a party without points, a bound outside its issue's range.

:func:`sanity_problems` returns (errors, warnings).  An *error* is a condition nothing could ever
satisfy where that makes every package unacceptable: a hard red line of a veto party requiring
an amount outside the issue's range (a slip of units, surely), so the file is refused.  A
*warning* is something that holds or applies never, or has no effect -- a party without any
points (even a veto party whose reservation nothing can then meet: a closed space, which the
diagnosis explains, so the analyses still run), a bound beyond the range -- ``bargaining check``
prints it with its place and the fix, and the file is used as written.
"""

from __future__ import annotations

from typing import Any

from .errors import Problem
from .schema import RATIONALE, Bound, Issue, ScenarioModel


def sanity_problems(model: ScenarioModel) -> tuple[list[Problem], list[Problem]]:
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for k, party in enumerate(model.parties):
        tables = model.utilities.get(party.id, {})
        has_points = any(key != RATIONALE for table in tables.values() for key in table)
        if has_points or any(x.party == party.id for x in model.interactions):
            continue
        give = f"give its points under utilities.{party.id}"
        if party.veto and party.reservation > 0:  # a closed space, but one the diagnosis explains: analyses still run
            warnings.append(Problem(("parties", k), (
                f"'{party.id}' has no points at all, so every package is worth 0 to it, below its reservation "
                f"{party.reservation:g}: no package can ever be acceptable; {give}")))
        elif party.veto:
            warnings.append(Problem(("parties", k), (
                f"'{party.id}' has no points at all, so every package is worth 0 to it and it accepts any package that "
                f"breaks none of its red lines; {give}, or remove the party")))
        else:
            warnings.append(Problem(("parties", k), (
                f"'{party.id}' has no points at all, so every package is worth 0 to it: it "
                + ("never takes part" if party.reservation > 0 else "takes part in any package that breaks none of its red lines")
                + f"; {give}, or remove the party")))

    issues = {i.id: i for i in model.issues}
    veto = {p.id: p.veto for p in model.parties}

    def conditions(place: tuple[Any, ...], condition: Any, effect: str, fatal: bool) -> None:
        for issue_id, want in (condition or {}).items():
            issue = issues.get(issue_id)
            if issue is None or issue.range is None or not isinstance(want, Bound):
                continue
            where = place + (issue_id,)
            outside = _outside(want, issue)
            if outside and _never(want, issue):
                problem = Problem(where, f"{outside}: no amount in the range satisfies it, so {effect}; check the units or the range")
                (errors if fatal else warnings).append(problem)
            elif outside:
                warnings.append(Problem(where, f"{outside}, so that side of the bound has no effect; check the units or the range"))

    for j, interaction in enumerate(model.interactions):
        conditions(("interactions", j, "when"), interaction.when, "the interaction never applies", False)
    for j, line in enumerate(model.red_lines):
        hard = line.price is None or line.real is not None
        conditions(("red_lines", j, "forbid"), line.forbid, "this red line never rules anything out", False)
        conditions(("red_lines", j, "if"), line.if_, "this red line never applies", False)
        conditions(("red_lines", j, "then"), line.then, "this red line forbids its 'if' outright (write forbid: if that is meant)",
                   False)
        fatal = hard and veto.get(line.party, False)
        conditions(("red_lines", j, "require"), line.require, "no package could ever be acceptable" if fatal else
                   "the line is always broken" if not hard else "its party never takes part", fatal)
    return errors, warnings


def _outside(bound: Bound, issue: Issue) -> str:
    """Which side of a bound lies beyond the issue's range, in words (empty: none)."""
    low, high = issue.range or (0.0, 0.0)
    unit = f" {issue.unit}" if issue.unit else ""
    span = f"the range [{low:g}, {high:g}]{unit}"
    if bound.at_least is not None and bound.at_least > high:
        return f"at_least {bound.at_least:g} is above {span}"
    if bound.at_most is not None and bound.at_most < low:
        return f"at_most {bound.at_most:g} is below {span}"
    if bound.at_least is not None and bound.at_least < low:
        return f"at_least {bound.at_least:g} is below {span}"
    if bound.at_most is not None and bound.at_most > high:
        return f"at_most {bound.at_most:g} is above {span}"
    return ""


def _never(bound: Bound, issue: Issue) -> bool:
    low, high = issue.range or (0.0, 0.0)
    return (bound.at_least is not None and bound.at_least > high) or (bound.at_most is not None and bound.at_most < low)
