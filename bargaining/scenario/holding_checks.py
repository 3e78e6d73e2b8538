"""The checks of the holding fields: ``delivered_by`` and ``snapback`` on issues, ``threats`` at the top level.

Run after :mod:`.references` (so every id the other fields use exists): every party, issue and option
these fields name exists; a snapback returns to an option (or an amount in the range) that no hard
red line of the issue's deliverers forbids on its own (they would not carry it out); a threat names
its threatener's own cost and costs no party more than everything on its scale of points.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from .delivery import delivery, snapback_breaks
from .errors import Problem, suggest
from .numbers import exact
from .schema import PER_UNIT, AllOf, AtLeast, Issue, ScenarioModel


def check_holding(model: ScenarioModel) -> list[Problem]:
    """Every problem of the holding fields, with its place and the fix."""
    problems: list[Problem] = []
    parties = [p.id for p in model.parties]

    def party(name: str, place: tuple[str | int, ...]) -> bool:
        if name not in parties:
            problems.append(Problem(place, f"unknown party '{name}'{suggest(name, parties)}"))
            return False
        return True

    for index, issue in enumerate(model.issues):
        rule = issue.delivered_by
        if rule is not None:
            place = ("issues", index, "delivered_by") + (("all",) if isinstance(rule, AllOf) else ("of",) if isinstance(rule, AtLeast) else ())
            listed = list(rule.all if isinstance(rule, AllOf) else rule.of if isinstance(rule, AtLeast) else rule)
            if not listed:
                problems.append(Problem(place, "an empty list; name the parties whose action moves this issue"))
            for k, name in enumerate(listed):
                party(name, place + (k,))
            if len(set(listed)) < len(listed):
                problems.append(Problem(place, "a party is listed twice; list each delivering party once"))
            if issue.status_quo_choice is None:
                problems.append(Problem(("issues", index, "delivered_by"), "an issue with delivered_by needs a status quo "
                                        "(status_quo: true on an option, or status_quo: amount): delivering is moving away from it"))
        if issue.snapback is not None:
            problems += _snapback(model, index, issue, parties, party)

    seen: dict[str, tuple[str, int]] = {}
    ids: list[tuple[str, list[str | None]]] = [("parties", [p.id for p in model.parties]), ("issues", [i.id for i in model.issues]),
                                               ("red_lines", [r.id for r in model.red_lines])]
    for kind, names in ids:
        for k, known in enumerate(names):
            if known is not None:
                seen.setdefault(known, (kind, k))
    scales = {p: _scale(model, p) for p in parties}
    for index, threat in enumerate(model.threats):
        here = ("threats", index)
        if threat.id in seen:
            kind, k = seen[threat.id]
            problems.append(Problem(here + ("id",), f"duplicate id '{threat.id}' (already used at {kind}[{k}]); ids are unique "
                                    "across parties, issues, red lines and threats"))
        seen[threat.id] = ("threats", index)
        known_by = party(threat.by, here + ("by",))
        if not threat.against:
            problems.append(Problem(here + ("against",), "an empty list; name the parties the threat is against"))
        for k, name in enumerate(threat.against):
            if party(name, here + ("against", k)) and name == threat.by:
                problems.append(Problem(here + ("against", k), f"'{name}' is the threatener; a party does not threaten itself"))
        if known_by and threat.by not in threat.cost:
            problems.append(Problem(here + ("cost",), f"what carrying it out costs the threatener is missing: add {threat.by}: <points> "
                                    "(0 if nothing, negative if it gains); a threat is credible only when that is 0 or less"))
        for name, value in threat.cost.items():
            if not party(name, here + ("cost", name)):
                continue
            scale = scales[name]
            if scale and abs(exact(value)) > scale:
                problems.append(Problem(here + ("cost", name), (
                    f"a cost of {value:g} is on another scale than {name}'s points: everything its points can add up to is "
                    f"{float(scale):g} (the sum over issues of its largest points in magnitude, per_unit x the range's far end, "
                    "its interactions and prices); write the cost in the same points as its utilities")))
    return problems


def _snapback(model: ScenarioModel, index: int, issue: Issue, parties: list[str], party: Any) -> list[Problem]:
    problems: list[Problem] = []
    place = ("issues", index, "snapback")
    snapback = issue.snapback
    assert snapback is not None
    for k, name in enumerate(snapback.against or []):
        party(name, place + ("against", k))
    if snapback.against is not None and not snapback.against:
        problems.append(Problem(place + ("against",), "an empty list; name the parties whose defection sets it off, or leave "
                                "'against' out (every party that does not deliver the issue)"))
    to = snapback.to
    if issue.is_continuous:
        low, high = issue.range or (0.0, 0.0)
        if isinstance(to, str):
            problems.append(Problem(place + ("to",), f"'{issue.id}' is continuous; give the amount it returns to (in [{low:g}, {high:g}])"))
            return problems
        if not low <= to <= high:
            problems.append(Problem(place + ("to",), f"{to:g} is outside the range [{low:g}, {high:g}]; give an amount within it"))
            return problems
    else:
        if not isinstance(to, str):
            problems.append(Problem(place + ("to",), f"'{issue.id}' is discrete; name the option it returns to "
                                    f"({', '.join(issue.option_ids)})"))
            return problems
        if to not in issue.option_ids:
            problems.append(Problem(place + ("to",), f"unknown option '{to}' of issue '{issue.id}'{suggest(to, issue.option_ids)}"))
            return problems
    who = delivery(issue, parties, model.red_lines, model.utilities)
    choice = to if isinstance(to, str) else exact(to)
    for k in snapback_breaks(issue, choice, who.parties, model.red_lines):
        red_line = model.red_lines[k]
        name = f" ({red_line.name})" if red_line.name else ""
        problems.append(Problem(place + ("to",), (
            f"returning to {to!r} breaks {red_line.party}'s own red line red_lines[{k}]{name}, and {red_line.party} "
            f"delivers this issue ({who.source}), so it would not carry the snapback out; snap back to an option "
            "that red line allows (often the status quo), or change who delivers the issue")))
    return problems


def _scale(model: ScenarioModel, party: str) -> Fraction:
    """Everything the party's points can add up to: the largest point in magnitude per issue (per_unit x the
    range's far end), its interactions' values and its red lines' prices (the magnitudes rule's sum)."""
    issues = {i.id: i for i in model.issues}
    total = Fraction(0)
    for issue_id, table in model.utilities.get(party, {}).items():
        issue = issues.get(issue_id)
        if issue is None or not table:
            continue
        if issue.range is not None:
            total += abs(exact(table.get(PER_UNIT, 0.0))) * max(abs(exact(issue.range[0])), abs(exact(issue.range[1])))
        else:
            total += max(abs(exact(v)) for v in table.values())
    total += sum((abs(exact(x.value)) for x in model.interactions if x.party == party), Fraction(0))
    total += sum((abs(exact(r.price)) for r in model.red_lines if r.party == party and r.price is not None), Fraction(0))
    return total
