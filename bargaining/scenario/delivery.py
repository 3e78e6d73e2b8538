"""Who delivers an issue, and whether a threat is credible: the rules of :mod:`.holding` that the loader's
checks need too (here, so that checking a file never imports the scenario class).  See docs/holding.md."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .numbers import exact
from .rules import compiled
from .schema import PER_UNIT, AllOf, AtLeast, Issue, RedLine, Threat


@dataclass(frozen=True)
class Delivery:
    """Who delivers an issue's move: ``parties``, of whom ``need`` must act (None: every one taking part)."""

    parties: tuple[str, ...]
    need: int | None
    source: str  # "delivered_by", "controlled_by", "points or red lines"

    def describe(self, labels: Mapping[str, str] | None = None) -> str:
        names = [labels.get(p, p) if labels else p for p in self.parties]
        if not names:
            return "nobody"
        if self.need is None or self.need >= len(names):
            return " and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " and " + names[-1]
        return f"{'any' if self.need == 1 else self.need} of " + ", ".join(names)


def condition_issues(red_line: RedLine) -> set[str]:
    """The issues a red line's conditions name."""
    return {i for c in (red_line.forbid, red_line.require, red_line.if_, red_line.then) if c for i in c}


def delivery(issue: Issue, party_ids: Sequence[str], red_lines: Sequence[RedLine],
             utilities: Mapping[str, Mapping[str, Mapping[str, float]]]) -> Delivery:
    """The rule: ``delivered_by``, else ``controlled_by``, else the parties whose points or red lines name the issue."""
    rule, source = (issue.delivered_by, "delivered_by") if issue.delivered_by is not None else (issue.controlled_by, "controlled_by")
    if isinstance(rule, AtLeast):
        return Delivery(tuple(rule.of), rule.at_least, source)
    if isinstance(rule, AllOf):
        return Delivery(tuple(rule.all), None, source)
    if rule is not None:
        return Delivery(tuple(rule), None if source == "delivered_by" else 1, source)
    naming = [p for p in party_ids
              if any(v for k, v in utilities.get(p, {}).get(issue.id, {}).items() if issue.is_continuous == (k == PER_UNIT))
              or any(r.party == p and issue.id in condition_issues(r) for r in red_lines)]
    return Delivery(tuple(naming), None, "points or red lines")


def snapback_breaks(issue: Issue, to: Any, deliverers: Collection[str], red_lines: Sequence[RedLine]) -> list[int]:
    """The hard red lines of the issue's deliverers, about this issue alone, that returning to ``to`` breaks
    (they would not carry such a snapback out)."""
    return [k for k, r in enumerate(red_lines) if r.party in deliverers and not r.soft and condition_issues(r) == {issue.id}
            and not compiled(r, [issue]).holds({issue.id: to})]


def credible(threat: Threat) -> bool:
    """Carrying the threat out costs its threatener nothing or less."""
    return exact(threat.cost.get(threat.by, 0.0)) <= 0
