"""The model's exact indicators for conditions on amounts, against the exact evaluator, on a grid.

A condition ``fund: {at_least: a}`` is modelled with 0/1 indicators (below / inside / above) and
its open side with a gap of 1e-6 x the range's width (``fund < a`` is ``fund <= a - gap``).  Here
random scenarios with one or two amounts (ranges of width 1, 10 and one not starting at 0), red
lines of every kind and interactions on amounts, are solved with every amount *fixed* at points
of a grid -- the range's ends, every bound, a gap either side of it, and points between -- and
every discrete combination: the model (no exact re-check: the solver's own verdict) must admit
exactly the packages the exact evaluator accepts, and its gain variables must equal the exact
utilities minus reservations.  (The exact evaluator itself is checked against plain Fraction
comparisons in tests/test_evaluator_details.py.)
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from itertools import product

import pytest
from budget import examples
from hypothesis import event, given, settings
from hypothesis import strategies as st

from bargaining import Scenario
from bargaining.engine.model import STRICT_GAP
from bargaining.engine.search import Search

RANGES = [(0.0, 1.0), (0.0, 10.0), (-5.0, 5.0), (2.0, 12.0)]


@st.composite
def amount_scenarios(draw) -> Scenario:
    n_amounts = draw(st.integers(1, 2))
    issues = []
    for k in range(n_amounts):
        lo, hi = draw(st.sampled_from(RANGES))
        issue = {"id": f"x{k}", "range": [lo, hi]}
        if draw(st.booleans()):
            issue["status_quo"] = lo
        issues.append(issue)
    for k in range(draw(st.integers(0, 1 if n_amounts == 2 else 2))):
        issues.append({"id": f"d{k}", "options": [{"id": "a", "status_quo": True}, {"id": "b"}, {"id": "c"}][:draw(st.integers(2, 3))]})
    marks = {i["id"]: [i["range"][0] + f * (i["range"][1] - i["range"][0]) for f in (0.25, 0.5, 0.8)] + list(i["range"])
             for i in issues if "range" in i}

    def condition() -> dict:
        chosen = draw(st.lists(st.sampled_from(issues), min_size=1, max_size=2, unique_by=lambda i: i["id"]))
        out = {}
        for issue in chosen:
            if "range" in issue:
                a, b = sorted(draw(st.lists(st.sampled_from(marks[issue["id"]]), min_size=2, max_size=2)))
                kind = draw(st.sampled_from(["at_least", "at_most", "both"]))
                out[issue["id"]] = {"at_least": a} if kind == "at_least" else {"at_most": b} if kind == "at_most" else {"at_least": a, "at_most": b}
            else:
                out[issue["id"]] = draw(st.sampled_from([o["id"] for o in issue["options"]]))
        return out

    parties = [{"id": p, "reservation": draw(st.sampled_from([-20, -5, 0, 2]))} for p in ("p", "q")]
    if draw(st.booleans()):
        parties[1]["veto"] = False
    points = st.sampled_from([-3, -1, 0, 1, 2, 5])
    utilities = {p["id"]: {i["id"]: ({"per_unit": draw(points)} if "range" in i else {o["id"]: draw(points) for o in i["options"]})
                           for i in issues} for p in parties}
    red_lines = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["forbid", "require", "if"]))
        line = {"party": draw(st.sampled_from(["p", "q"]))}
        line.update({"if": condition(), "then": condition()} if kind == "if" else {kind: condition()})
        if draw(st.integers(0, 3)) == 0:
            line["price"] = 2
        red_lines.append(line)
    interactions = [{"party": draw(st.sampled_from(["p", "q"])), "when": condition(), "value": draw(points)}
                    for _ in range(draw(st.integers(0, 2)))]
    return Scenario.from_dict({"format": 1, "name": "amounts", "parties": parties, "issues": issues, "utilities": utilities,
                               "red_lines": red_lines, "interactions": interactions})


def grid(scenario, issue) -> list[Fraction]:
    """The range's ends, every bound on the amount and a gap either side of it, and midpoints between bounds."""
    lo, hi = issue.range
    gap = STRICT_GAP * max(1.0, hi - lo)
    bounds = {v for r in scenario.red_lines for c in (r.forbid, r.require, r.if_, r.then) if c for i, w in c.items()
              if i == issue.id for v in (w.at_least, w.at_most) if v is not None}
    bounds |= {v for x in scenario.interactions for i, w in x.when.items() if i == issue.id for v in (w.at_least, w.at_most) if v is not None}
    anchors = sorted({lo, hi} | {b for b in bounds if lo <= b <= hi})
    points = set(anchors) | {b + d for b in bounds for d in (-gap, gap)} | {(a + b) / 2 for a, b in zip(anchors, anchors[1:])}
    # (not within a gap of a bound: there the model's open sides are, by design, stricter than the condition)
    return sorted(Fraction(repr(p)) for p in points if lo <= p <= hi)


def by_hand(raw: dict, choices: dict) -> tuple[bool, dict[str, Fraction]]:
    """Whether the package is acceptable and each party's utility, from the raw scenario in plain Fractions (not the
    scenario's evaluator): conditions hold inclusively (at_least a: x >= a), a soft line (with a price) broken costs
    its party the price, a hard one broken or a utility below the reservation makes its party refuse, and the
    package is acceptable when every veto party accepts."""
    def number(x: object) -> Fraction:
        return x if isinstance(x, Fraction) else Fraction(repr(float(x)))  # type: ignore[arg-type]

    def holds(condition: dict) -> bool:
        for issue, want in condition.items():
            x = choices[issue]
            if isinstance(want, dict):
                if ("at_least" in want and number(x) < number(want["at_least"])) or ("at_most" in want and number(x) > number(want["at_most"])):
                    return False
            elif x not in ([want] if isinstance(want, str) else want):
                return False
        return True

    def line_holds(r: dict) -> bool:
        return not holds(r["forbid"]) if "forbid" in r else holds(r["require"]) if "require" in r else (not holds(r["if"]) or holds(r["then"]))

    utility = {}
    for party in raw["parties"]:
        p = party["id"]
        total = Fraction(0)
        for issue, points in raw.get("utilities", {}).get(p, {}).items():
            total += number(points.get("per_unit", 0)) * number(choices[issue]) if "per_unit" in points else number(points.get(choices[issue], 0))
        total += sum((number(x["value"]) for x in raw.get("interactions", []) if x["party"] == p and holds(x["when"])), Fraction(0))
        total -= sum((number(r["price"]) for r in raw.get("red_lines", []) if r["party"] == p and "price" in r and not line_holds(r)), Fraction(0))
        utility[p] = total
    accepts = {party["id"]: utility[party["id"]] >= number(party["reservation"]) and all(
        line_holds(r) for r in raw.get("red_lines", []) if r["party"] == party["id"] and "price" not in r) for party in raw["parties"]}
    return all(accepts[party["id"]] for party in raw["parties"] if party.get("veto", True)), utility


def test_the_model_admits_exactly_what_the_exact_evaluator_accepts_on_a_grid():
    seen: Counter = Counter()

    @settings(max_examples=examples(25))
    @given(amount_scenarios())
    def check(scenario):
        search = Search.of(scenario)
        m = search.m
        axes = [grid(scenario, i) if i.is_continuous else i.option_ids for i in scenario.issues]
        parties = scenario.party_ids
        raw = scenario.to_dict()
        for combination in product(*axes):
            choices = dict(zip([i.id for i in scenario.issues], combination))
            with search.changes() as edit:
                edit.fix_package(choices)
                m.objective.set_value(sum(m.gain[p] for p in parties))  # the package's utilities, soft lines unbroken
                outcome = search.solver.solve()
                accepted, utility = by_hand(raw, choices)
                assert (scenario.signers(choices) is not None) == accepted, (choices, accepted)  # the evaluator agrees
                assert outcome.has_solution == accepted, (choices, accepted)
                if accepted:
                    gains = search.values([m.gain[p] for p in parties])
                    for p, g in zip(parties, gains):
                        assert abs(Fraction(g) - (utility[p] - Fraction(repr(scenario.party[p].reservation)))) < 1e-6
            seen["accepted" if accepted else "refused"] += 1
        for r in scenario.red_lines:
            event(r.kind + (" soft" if r.soft else ""))

    check()
    assert seen["accepted"] and seen["refused"], seen


def admits(scenario: Scenario, amount: float) -> bool:
    """Whether the model (the solver's own verdict, no exact re-check) admits the package fund = amount."""
    search = Search.of(scenario)
    with search.changes() as edit:
        edit.freeze("fund", amount)
        search.m.objective.set_value(0)
        return search.solver.solve().has_solution


@pytest.mark.parametrize("low, high", RANGES)
def test_the_open_side_of_a_bound_keeps_the_documented_gap(low, high):
    """``forbid fund >= a`` is ``fund <= a - gap`` and ``forbid fund <= b`` is ``fund >= b + gap``, gap = 1e-6 x the
    range's width (at least 1e-6): a package inside the gap is refused, one at the gap's edge admitted."""
    width = high - low
    gap = STRICT_GAP * max(1.0, width)
    a, b = low + 0.6 * width, low + 0.3 * width

    def case(condition):
        return Scenario.from_dict({"format": 1, "name": "gap", "parties": [{"id": "p", "reservation": 0}],
                                   "issues": [{"id": "fund", "range": [low, high]}],
                                   "red_lines": [{"party": "p", "forbid": {"fund": condition}}]})

    above = case({"at_least": a})  # fund < a
    assert admits(above, a - gap) and admits(above, low)
    assert not admits(above, a - gap / 2) and not admits(above, a) and not admits(above, high)
    below = case({"at_most": b})  # fund > b
    assert admits(below, b + gap) and admits(below, high)
    assert not admits(below, b + gap / 2) and not admits(below, b) and not admits(below, low)
    both = case({"at_least": b, "at_most": a})  # fund < b or fund > a
    assert admits(both, b - gap) and admits(both, a + gap)
    assert not admits(both, b - gap / 2) and not admits(both, a + gap / 2) and not admits(both, (a + b) / 2)
