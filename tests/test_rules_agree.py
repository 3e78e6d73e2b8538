"""The three engines agree, package by package, on random scenarios: the exact evaluator, the model and
the programme read every rule from one compiled form (bargaining/scenario/rules.py, docs/rules.md).

For every package of a small random scenario -- red lines of every kind (some soft), interactions,
``controlled_by`` in its three forms, optional parties, a drawn set of waived requirements and
sometimes an imposed coalition, and in some scenarios an amount with bounds in red lines and
interactions -- the three are asked the same two questions:

* is the package acceptable (who signs, for the evaluator)?  The model: the package frozen, the
  solver's own verdict (no exact re-check); the programme: ``count`` with every issue fixed.
* what is each party's utility?  The model: its gain variables plus reservations; the programme:
  its frontier over every party with every issue fixed (one vector).

Amounts: the programme refuses them (NotApplicable); the evaluator and the model are compared on a
grid of amounts (range ends, every bound, points between; not within the model's documented gap
of a bound, where its open sides are stricter by design: tests/test_model_amounts.py).
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from itertools import product

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from strategies import scenarios
from test_layers import draw_coalition, draw_waivers, features

from bargaining import Scenario
from bargaining.algorithms.programme import NotApplicable, count, frontier
from bargaining.engine.search import Search

RANGES = [(0.0, 10.0), (-5.0, 5.0)]


@st.composite
def mixed_scenarios(draw: st.DrawFn) -> Scenario:
    """A random discrete scenario (every feature) and, half the time, an amount ``x`` with per_unit points and
    bounds in one or two red lines and an interaction (alone, or with a discrete issue's option)."""
    base = draw(scenarios(max_parties=4, max_issues=3, max_options=3, optional_parties=True, controlled=True))
    if not draw(st.booleans()):
        return base
    data = base.to_dict()
    lo, hi = draw(st.sampled_from(RANGES))
    data["issues"].append({"id": "x", "range": [lo, hi], **({"status_quo": lo} if draw(st.booleans()) else {})})
    marks = [lo + f * (hi - lo) for f in (0.2, 0.5, 0.7)]
    for party in data["parties"]:
        data.setdefault("utilities", {}).setdefault(party["id"], {})["x"] = {"per_unit": draw(st.sampled_from([-1.0, 0.0, 0.5, 2.0]))}
    parties = [p["id"] for p in data["parties"]]
    first = data["issues"][0]

    def condition() -> dict:
        a, b = sorted(draw(st.lists(st.sampled_from(marks), min_size=2, max_size=2)))
        bound = draw(st.sampled_from([{"at_least": a}, {"at_most": b}, {"at_least": a, "at_most": b}]))
        out = {"x": bound}
        if draw(st.booleans()):
            out[first["id"]] = draw(st.sampled_from([o["id"] for o in first["options"]]))
        return out

    lines = data.setdefault("red_lines", [])
    for _ in range(draw(st.integers(1, 2))):
        kind = draw(st.sampled_from(["forbid", "require", "if", "then"]))
        line = {"party": draw(st.sampled_from(parties))}
        if kind == "if":  # the amount in the premise
            line.update({"if": condition(), "then": {first["id"]: first["options"][0]["id"]}})
        elif kind == "then":  # the amount in the consequence
            line.update({"if": {first["id"]: first["options"][-1]["id"]}, "then": condition()})
        else:
            line[kind] = condition()
        if draw(st.integers(0, 3)) == 0:
            line["price"] = 1.5
        lines.append(line)
    data.setdefault("interactions", []).append({"party": draw(st.sampled_from(parties)), "when": condition(), "value": 2.0})
    return Scenario.from_dict(data)


def amounts(scenario: Scenario, issue) -> list[Fraction]:
    """The range's ends, every bound the rules put on the amount, and the points halfway between them."""
    lo, hi = issue.range
    bounds = {v for (i, a, b) in scenario.rules.intervals if i == issue.id for v in (a, b) if v is not None}
    anchors = sorted({lo, hi} | {v for v in bounds if lo <= v <= hi})
    return [Fraction(repr(v)) for v in sorted(set(anchors) | {(a + b) / 2 for a, b in zip(anchors, anchors[1:])})]


def model_verdict(search: Search, choices: dict) -> dict[str, Fraction] | None:
    """The model's own verdict on one package (no exact re-check): None if it admits no solution with the
    package frozen, else each party's utility as its gain variable says (plus the reservation)."""
    m = search.m
    parties = search.scenario.party_ids
    with search.changes() as edit:
        edit.fix_package(choices)
        m.objective.set_value(sum(m.gain[p] for p in parties))  # soft lines unbroken unless they must be
        outcome = search.solver.solve()
        assert outcome.status in ("optimal", "infeasible"), outcome
        if not outcome.has_solution:
            return None
        gains = search.values([m.gain[p] for p in parties])
    return {p: Fraction(g) + Fraction(repr(search.scenario.party[p].reservation)) for p, g in zip(parties, gains)}


def test_the_evaluator_the_model_and_the_programme_agree_package_by_package():
    seen: Counter = Counter()

    @settings(max_examples=60)  # (also under the mutation profile: every feature must come up)
    @given(mixed_scenarios(), st.data())
    def check(scenario, data):
        waived = draw_waivers(data, scenario)
        coalition = draw_coalition(data, scenario)
        search = Search.of(scenario)
        axes = [amounts(scenario, i) if i.is_continuous else i.option_ids for i in scenario.issues]
        continuous = bool(scenario.continuous_issues)
        with search.changes() as edit:
            edit.waive([r for r in search.requirements if r.waiver in waived])
            edit.impose(coalition)
            for combination in product(*axes):
                choices = dict(zip([i.id for i in scenario.issues], combination))
                signers = scenario.signers(choices, waived, coalition)
                utilities = {p: scenario.exact_utility(p, choices) for p in scenario.party_ids}
                model = model_verdict(search, choices)
                assert (model is not None) == (signers is not None), (choices, signers)
                if model is not None:
                    for p in scenario.party_ids:
                        assert abs(model[p] - utilities[p]) < Fraction(1, 10**6), (p, choices, model[p], utilities[p])
                if continuous:
                    continue
                fixed = {i: c for i, c in choices.items()}
                assert count(scenario, waived=waived, coalition=coalition, fixed=fixed) == (signers is not None), choices
                found = frontier(scenario, waived=waived, coalition=coalition, fixed=fixed)
                assert len(found) == (signers is not None)
                if len(found):
                    assert found.utilities[0] == utilities, (choices, found.utilities[0], utilities)
                seen["acceptable" if signers is not None else "refused"] += 1
        if continuous:
            with pytest.raises(NotApplicable):
                count(scenario)
            seen["amount"] += 1
            event("amount")
        for feature in features(scenario):
            seen[feature] += 1
            event(feature)
        seen["waived"] += bool(waived)
        seen["coalition"] += coalition is not None

    check()
    every = {"forbid", "require", "if", "soft", "controlled any", "controlled all", "controlled at_least", "optional party",
             "interaction", "amount", "waived", "coalition", "acceptable", "refused"}
    assert every <= set(seen), every - set(seen)
