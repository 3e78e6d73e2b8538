"""Hypothesis strategy for the exact uncertainty analysis: small discrete scenarios (enumerable) whose only
uncertainty is 2-6 red lines with ``real``, many in conflicting pairs (one party requires what another
forbids, so that both real leaves nothing), some owned by optional parties that control issues, some
with a price (soft when not real) and some without (absent when not real)."""

from __future__ import annotations

from hypothesis import strategies as st
from strategies import scenarios

from bargaining import Scenario

PROBABILITIES = [0.2, 0.25, 0.5, 0.75, 0.8, 1.0]
PRICES = [0.5, 1.0, 2.5]


@st.composite
def exact_scenarios(draw: st.DrawFn, max_lines: int = 6, controlled: bool = True) -> Scenario:
    base = draw(scenarios(min_parties=2, max_parties=4, max_issues=4, max_options=3, optional_parties=controlled,
                          controlled=controlled, shape=draw(st.sampled_from(["open", "open", "open", "closed"]))))
    data = base.to_dict()
    parties = [p["id"] for p in data["parties"]]
    veto = [p["id"] for p in data["parties"] if p.get("veto", True)]
    optional = [p for p in parties if p not in veto]
    if controlled and optional and draw(st.booleans()):  # an issue an optional party controls (with others, by a rule)
        issue = draw(st.sampled_from(data["issues"]))
        members = sorted({draw(st.sampled_from(optional)), *draw(st.lists(st.sampled_from(parties), max_size=2))})
        rule = draw(st.sampled_from(["any", "all", "at_least"]))
        issue["controlled_by"] = (members if rule == "any" else {"all": members} if rule == "all"
                                  else {"at_least": draw(st.integers(1, len(members))), "of": members})
    controllers = sorted({c for i in data["issues"] if i.get("controlled_by")
                          for c in _controllers(i["controlled_by"]) if c not in veto})
    lines = data.setdefault("red_lines", [])
    wanted = draw(st.integers(2, max_lines))
    added = 0

    def owner() -> str:
        if controllers and draw(st.integers(0, 2)) == 0:
            return draw(st.sampled_from(controllers))
        return draw(st.sampled_from(parties))

    def uncertain(line: dict) -> dict:
        line.update(id=f"u{len(lines)}", real=draw(st.sampled_from(PROBABILITIES)))
        if draw(st.booleans()):
            line["price"] = draw(st.sampled_from(PRICES))
        return line

    while added < wanted:
        issue = draw(st.sampled_from(data["issues"]))
        option = draw(st.sampled_from([o["id"] for o in issue["options"]]))
        if wanted - added >= 2 and draw(st.booleans()):  # a conflicting pair
            lines.append(uncertain({"party": owner(), "require": {issue["id"]: option}}))
            lines.append(uncertain({"party": owner(), "forbid": {issue["id"]: option}}))
            added += 2
        else:
            lines.append(uncertain({"party": owner(), draw(st.sampled_from(["forbid", "require"])): {issue["id"]: option}}))
            added += 1
    return Scenario.from_dict(data)


def _controllers(rule: object) -> list[str]:
    if isinstance(rule, list):
        return rule
    assert isinstance(rule, dict)
    return list(rule.get("all") or rule.get("of") or [])
