"""The second pass over a scenario: every id a field refers to exists, and ids are unique."""

from __future__ import annotations

from typing import Any, Sequence

from .errors import Problem, format_path
from .errors import suggest as _suggest
from .schema import PER_UNIT, RESERVED_OPTION_IDS, AllOf, AtLeast, Bound, Condition, ScenarioModel


def check_references(model: ScenarioModel) -> list[Problem]:
    """Every id that a field refers to must exist, and ids must be unique."""
    problems: list[Problem] = []
    parties = {p.id: p for p in model.parties}
    issues = {i.id: i for i in model.issues}
    option_ids = {i.id: i.option_ids for i in model.issues}  # computed once: issues may have thousands of options
    known_options = {i: set(ids) for i, ids in option_ids.items()}
    suggest = _Suggestions()
    if not model.parties:
        problems.append(Problem(("parties",), "no parties; a negotiation needs at least one"))
    if not model.issues:
        problems.append(Problem(("issues",), "no issues; list at least one"))

    seen: dict[str, tuple[Any, ...]] = {}
    for kind, items in (("parties", model.parties), ("issues", model.issues), ("red_lines", model.red_lines)):
        for index, item in enumerate(items):
            ident: str | None = getattr(item, "id", None)  # parties, issues and red lines all have one
            if ident is None:
                continue
            if ident in seen:
                problems.append(Problem((kind, index, "id"), f"duplicate id '{ident}' (already used at {format_path(seen[ident])}); ids are unique across parties, issues and red lines"))
            else:
                seen[ident] = (kind, index, "id")
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

    problems += _after_cycles(model)

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
                elif not issue.is_continuous and key not in known_options[issue_id]:
                    problems.append(Problem(place + (key,), f"unknown option '{key}' of issue '{issue_id}'{suggest(key, option_ids[issue_id])}"))

    def check_condition(condition: Condition, place: tuple[Any, ...]) -> None:
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
                problems.append(Problem(here, f"'{issue_id}' is discrete; name an option or a list of options ({_listing(option_ids[issue_id])})"))
                continue
            wanted = [want] if isinstance(want, str) else want
            if not wanted:
                problems.append(Problem(here, "an empty list of options; name at least one"))
            for o_index, option_id in enumerate(wanted):
                if option_id not in known_options[issue_id]:
                    at = here if isinstance(want, str) else here + (o_index,)
                    problems.append(Problem(at, f"unknown option '{option_id}' of issue '{issue_id}'{suggest(option_id, option_ids[issue_id])}"))

    def check_party(party_id: str, place: tuple[Any, ...]) -> None:
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


class _Suggestions:
    """:func:`suggest` for the first :attr:`LIMIT` unknown ids of a file; after that, none.

    Each suggestion compares the id with every known one (difflib), so thousands of unknown
    ids against thousands of known ones would take minutes; the first ones are what helps.
    """

    LIMIT = 50

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, name: object, known: Sequence[str]) -> str:
        self.calls += 1
        return _suggest(name, known) if self.calls <= self.LIMIT else ""


def _listing(ids: Sequence[str], limit: int = 12) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f", ... ({len(ids)} in all)" if len(ids) > limit else "")


def _after_cycles(model: ScenarioModel) -> list[Problem]:
    """Every cycle of ``after:`` (price after delivery, delivery after price): no phase could move any
    of its issues first, so phasing would silently never move them.  One problem per group of issues
    that wait on each other, naming a cycle through all the group's first issue."""
    index = {issue.id: k for k, issue in enumerate(model.issues)}
    waits = {issue.id: [e for e in dict.fromkeys(issue.after or []) if e in index and e != issue.id] for issue in model.issues}
    problems = []
    for group in _strongly_connected(waits):
        if len(group) < 2:
            continue
        first = min(group, key=index.__getitem__)
        cycle = _cycle_through(first, waits, set(group))
        steps = ", ".join(f"{a} after {b}" for a, b in zip(cycle, cycle[1:]))
        problems.append(Problem(("issues", index[first], "after"), (
            f"'after' goes round in a cycle among {', '.join(sorted(group, key=index.__getitem__))} (e.g. {steps}): "
            "none of them could ever move first; remove 'after' entries until no issue waits on itself")))
    return problems


def _strongly_connected(graph: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iteratively (any number of issues)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    for start in graph:
        if start in order:
            continue
        work = [(start, 0)]
        while work:
            node, k = work.pop()
            if k == 0:
                order[node] = low[node] = len(order)
                stack.append(node)
                on_stack.add(node)
            if k < len(graph[node]):
                work.append((node, k + 1))
                nxt = graph[node][k]
                if nxt not in order:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], order[nxt])
                continue
            if low[node] == order[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                groups.append(group)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return groups


def _cycle_through(start: str, graph: dict[str, list[str]], group: set[str]) -> list[str]:
    """A shortest cycle start -> ... -> start inside the group (breadth first)."""
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in graph[node]:
                if nxt not in group:
                    continue
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [start, *reversed(path[:-1]), start] if len(path) > 1 else [start, node, start]
                if nxt not in previous:
                    previous[nxt] = node
                    following.append(nxt)
        frontier = following
    return [start, start]
