"""How informative a generated scenario is: closed or open, how many acceptable packages, real choices.

Used by the strategies (to label examples with hypothesis ``event()``s), by
``tests/test_strategies.py`` (which asserts the mix) and by ``tools/strategy_mix.py`` (which
prints it).  Everything is computed from the oracle's enumeration, never from the package.
"""

from __future__ import annotations

import math
from collections import Counter
from fractions import Fraction
from typing import Callable

from hypothesis import HealthCheck, Phase, given, settings
from oracle import enumerate_packages

CRITERIA = ("maxmin", "utilitarian", "nash", "kalai")


def criterion_values(truth, criterion: str, parties: list[str]) -> list[Fraction]:
    """The criterion's value on every acceptable package (the oracle's formulas, before the tie-break)."""
    rows = [k for k in range(len(truth.acceptable)) if truth.acceptable[k]]
    gains = [{p: u - truth.reservations[p] for p, u in truth.utilities(k).items()} for k in rows]
    ideal = {p: max((g[p] for g in gains), default=Fraction(0)) for p in parties}
    values = []
    for g in gains:
        if criterion == "maxmin":
            values.append(min((g[p] for p in parties), default=Fraction(0)))
        elif criterion == "utilitarian":
            values.append(sum((g[p] + truth.reservations[p] for p in parties), Fraction(0)))
        elif criterion == "nash":
            values.append(Fraction(0) if any(g[p] <= 0 for p in parties) else math.prod((g[p] for p in parties), start=Fraction(1)))
        else:
            values.append(min((g[p] / ideal[p] for p in parties if ideal[p] > 0), default=Fraction(0)))
    return values


def classify(scenario) -> dict:
    """closed / one / several acceptable packages, and for which criteria the choice matters
    (the criterion's value differs between two acceptable packages; for Nash, between two packages
    where every gain is positive), whether the criteria parties face a trade-off (a frontier of more
    than one point) and whether the criteria disagree (their optimal sets differ)."""
    truth = enumerate_packages(scenario)
    count = int(truth.acceptable.sum())
    parties = scenario.veto_party_ids or scenario.party_ids
    choice = {c: len(set(criterion_values(truth, c, parties))) > 1 for c in CRITERIA} if count > 1 else dict.fromkeys(CRITERIA, False)
    # Nash chooses for real only between packages where every gain is positive (else every product is 0)
    products = [v for v in criterion_values(truth, "nash", parties) if v > 0]
    choice["nash"] = len(set(products)) > 1
    trade_off = count > 1 and len(truth.frontier(parties)) > 1  # no single package is best for everyone
    bests = {c: frozenset(truth.best(c, parties) or ()) for c in CRITERIA} if count else {}
    return {
        "acceptable": count,
        "kind": "closed" if count == 0 else "one" if count == 1 else "several",
        "choice": choice,
        "trade-off": trade_off,
        "criteria disagree": len(set(bests.values())) > 1,
        "every criterion chooses": trade_off and all(choice.values()),
    }


def label(scenario) -> str:
    """A short event label for hypothesis statistics."""
    c = classify(scenario)
    if c["kind"] != "several":
        return f"acceptable packages: {c['kind']}"
    return "acceptable packages: several, " + ("every criterion chooses" if c["every criterion chooses"] else
                                               "some criterion indifferent")


def measure(strategy, examples: int = 300) -> dict:
    """Draw ``examples`` scenarios (derandomized) and summarise their mix as shares."""
    seen: list[dict] = []

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def draw(scenario):
        seen.append(classify(scenario))

    draw()
    n = len(seen)
    kinds = Counter(c["kind"] for c in seen)
    summary = {f"share {k}": kinds[k] / n for k in ("closed", "one", "several")}
    summary["share trade-off"] = sum(c["trade-off"] for c in seen) / n
    summary["share criteria disagree"] = sum(c["criteria disagree"] for c in seen) / n
    summary["share every criterion chooses"] = sum(c["every criterion chooses"] for c in seen) / n
    for criterion in CRITERIA:
        summary[f"share {criterion} chooses"] = sum(c["choice"][criterion] for c in seen) / n
    summary["median acceptable"] = sorted(c["acceptable"] for c in seen)[n // 2]
    summary["examples"] = n
    return summary


def show(name: str, summary: dict, out: Callable[[str], None] = print) -> None:
    out(f"{name} ({summary['examples']} examples)")
    for key, value in summary.items():
        if key != "examples":
            out(f"  {key:32s} {value:.0%}" if isinstance(value, float) else f"  {key:32s} {value}")
