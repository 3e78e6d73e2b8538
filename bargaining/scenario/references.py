"""The second pass over a scenario: every id a field refers to exists, and ids are unique."""

from __future__ import annotations

from .errors import Problem, format_path, suggest
from .schema import PER_UNIT, RESERVED_OPTION_IDS, AllOf, AtLeast, Bound, Condition, ScenarioModel


def check_references(model: ScenarioModel) -> list[Problem]:
    """Every id that a field refers to must exist, and ids must be unique."""
    problems: list[Problem] = []
    parties = {p.id: p for p in model.parties}
    issues = {i.id: i for i in model.issues}
    if not model.parties:
        problems.append(Problem(("parties",), "no parties; a negotiation needs at least one"))
    if not model.issues:
        problems.append(Problem(("issues",), "no issues; list at least one"))

    seen: dict[str, tuple] = {}
    for kind, items in (("parties", model.parties), ("issues", model.issues), ("red_lines", model.red_lines)):
        for index, item in enumerate(items):
            if item.id is None:
                continue
            if item.id in seen:
                problems.append(Problem((kind, index, "id"), f"duplicate id '{item.id}' (already used at {format_path(seen[item.id])}); ids are unique across parties, issues and red lines"))
            else:
                seen[item.id] = (kind, index, "id")
    for index, issue in enumerate(model.issues):
        option_seen: set[str] = set()
        for o_index, option in enumerate(issue.options or []):
            if option.id in option_seen:
                problems.append(Problem(("issues", index, "options", o_index, "id"), f"duplicate option id '{option.id}' in issue '{issue.id}'"))
            if option.id in RESERVED_OPTION_IDS:
                problems.append(Problem(("issues", index, "options", o_index, "id"), f"'{option.id}' is reserved by the format; choose another option id"))
            option_seen.add(option.id)
        if issue.controlled_by and issue.status_quo_choice is None:
            problems.append(Problem(("issues", index, "controlled_by"), "an issue with controlled_by needs a status quo (mark an option status_quo: true, or give status_quo: amount)"))
        for a_index, earlier in enumerate(issue.after or []):
            if earlier not in issues:
                problems.append(Problem(("issues", index, "after", a_index), f"unknown issue '{earlier}'{suggest(earlier, list(issues))}"))
            elif earlier == issue.id:
                problems.append(Problem(("issues", index, "after", a_index), "an issue cannot come after itself"))
            elif issues[earlier].status_quo_choice is None:
                problems.append(Problem(("issues", index, "after", a_index), f"'{earlier}' has no status quo, so it never 'changes'; mark one"))
        if issue.after and issue.status_quo_choice is None:
            problems.append(Problem(("issues", index, "after"), "an issue with 'after' needs a status quo (status_quo: true on an option, or status_quo: amount)"))
        rule = issue.controlled_by
        place = ("issues", index, "controlled_by") + (("all",) if isinstance(rule, AllOf) else ("of",) if isinstance(rule, AtLeast) else ())
        for c_index, controller in enumerate(issue.controllers):
            if controller not in parties:
                problems.append(Problem(place + (c_index,), f"unknown party '{controller}'{suggest(controller, list(parties))}"))
        if len(set(issue.controllers)) < len(issue.controllers):
            problems.append(Problem(place, "a party is listed twice; list each controlling party once"))

    for party_id, table in model.utilities.items():
        if party_id not in parties:
            problems.append(Problem(("utilities", party_id), f"unknown party '{party_id}'{suggest(party_id, list(parties))}"))
            continue
        for issue_id, points in table.items():
            place = ("utilities", party_id, issue_id)
            if issue_id not in issues:
                problems.append(Problem(place, f"unknown issue '{issue_id}'{suggest(issue_id, list(issues))}"))
                continue
            issue = issues[issue_id]
            for key in points:
                if issue.is_continuous and key != PER_UNIT:
                    problems.append(Problem(place + (key,), f"'{issue_id}' is a continuous issue; give its points as {{per_unit: x}}"))
                elif not issue.is_continuous and key not in issue.option_ids:
                    problems.append(Problem(place + (key,), f"unknown option '{key}' of issue '{issue_id}'{suggest(key, issue.option_ids)}"))

    def check_condition(condition: Condition, place: tuple) -> None:
        if not condition:
            problems.append(Problem(place, "an empty condition; name at least one issue"))
        for issue_id, want in condition.items():
            here = place + (issue_id,)
            if issue_id not in issues:
                problems.append(Problem(here, f"unknown issue '{issue_id}'{suggest(issue_id, list(issues))}"))
                continue
            issue = issues[issue_id]
            if issue.is_continuous:
                if not isinstance(want, Bound):
                    problems.append(Problem(here, f"'{issue_id}' is continuous; write {{at_least: a}}, {{at_most: b}} or both"))
                continue
            if isinstance(want, Bound):
                problems.append(Problem(here, f"'{issue_id}' is discrete; name an option or a list of options ({', '.join(issue.option_ids)})"))
                continue
            wanted = [want] if isinstance(want, str) else want
            if not wanted:
                problems.append(Problem(here, "an empty list of options; name at least one"))
            for o_index, option_id in enumerate(wanted):
                if option_id not in issue.option_ids:
                    at = here if isinstance(want, str) else here + (o_index,)
                    problems.append(Problem(at, f"unknown option '{option_id}' of issue '{issue_id}'{suggest(option_id, issue.option_ids)}"))

    def check_party(party_id: str, place: tuple) -> None:
        if party_id not in parties:
            problems.append(Problem(place, f"unknown party '{party_id}'{suggest(party_id, list(parties))}"))

    for index, interaction in enumerate(model.interactions):
        check_party(interaction.party, ("interactions", index, "party"))
        check_condition(interaction.when, ("interactions", index, "when"))
    for index, red_line in enumerate(model.red_lines):
        check_party(red_line.party, ("red_lines", index, "party"))
        for key, condition in (("forbid", red_line.forbid), ("require", red_line.require), ("if", red_line.if_), ("then", red_line.then)):
            if condition is not None:
                check_condition(condition, ("red_lines", index, key))
    return problems
