"""The DP frontier, count and listing equal exact brute force on random scenarios with every feature."""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, note, settings
from hypothesis import strategies as st
from oracle import enumerate_packages
from oracle_dp import brute_force
from strategies_dp import dp_scenarios, requests

from bargaining import BargainingSpace
from bargaining.algorithms.frontier import find_frontier
from bargaining.algorithms.programme import LimitReached, NotApplicable
from bargaining.algorithms.programme import acceptable as dp_acceptable
from bargaining.algorithms.programme import count as dp_count
from bargaining.algorithms.programme import frontier as dp_frontier
from bargaining.algorithms.programme import instance as dp_instance
from bargaining.algorithms.programme import order as dp_order
from bargaining.algorithms.programme import plan as dp_plan
from bargaining.algorithms.programme import runs as dp_runs
from bargaining.algorithms.programme import tables as dp_tables
from bargaining.errors import AnswersDisagree
from bargaining.scenario import Scenario
from bargaining.scenario.rules import Control

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
from scenarios import coupled_scenario, random_scenario  # noqa: E402


def check_frontier(scenario, request, result, truth):
    note(scenario.to_yaml())
    parties = request["parties"] or scenario.party_ids
    assert result.parties == tuple(parties)
    assert result.vectors() == truth.frontier(parties)
    assert len(result) == len(result.vectors()), "one package per vector"
    for choices, utilities in zip(result.choices, result.utilities):
        assert truth.accepts(choices)  # the enumeration's acceptance (waivers, coalition and fixed issues included)
        for issue_id, option_id in (request["fixed"] or {}).items():
            assert choices[issue_id] == option_id
        assert tuple(utilities[p] for p in scenario.party_ids) == truth.vector(choices, scenario.party_ids)


@settings(max_examples=40)
@given(st.data())
def test_the_frontier_s_packages_are_signed_as_under_the_edits_in_force(data):
    """The frontier under waived requirements and an imposed coalition (as the concessions and the live page ask for
    it): each of its packages is acceptable there and signed by exactly the parties brute force has taking part
    (mutation testing: the packages were evaluated without the coalition or the waivers, unnoticed)."""
    scenario = data.draw(dp_scenarios())
    request = data.draw(requests(scenario, fixed=False))
    assume(request["waived"] or request["coalition"] is not None)
    note(scenario.to_yaml())
    note(request)
    search = BargainingSpace(scenario, progress=False)._search
    with search.changes() as edit:
        edit.waive([r for r in search.requirements if r.waiver in set(request["waived"])])
        if request["coalition"] is not None:
            edit.impose(frozenset(request["coalition"]))
        result = find_frontier(search, scenario.party_ids, method="dp")
    truth = enumerate_packages(scenario, None if request["coalition"] is None else frozenset(request["coalition"]),
                               frozenset(request["waived"]))
    assert {truth.vector(x.exact_choices) for x in result.packages} == truth.frontier()
    for package in result.packages:
        taking_part = truth.signers(truth.row(package.exact_choices))
        assert taking_part is not None  # acceptable under the edits in force (with an empty coalition nobody signs)
        assert sorted(package.signers) == sorted(taking_part)


def call(function, scenario, request, **extra):
    kwargs = {k: request[k] for k in ("waived", "coalition", "fixed")}
    return function(scenario, **kwargs, **extra)


@given(st.data())
def test_frontier_matches_brute_force(data):
    scenario = data.draw(dp_scenarios())
    request = data.draw(requests(scenario))
    truth = brute_force(scenario, request["waived"], request["coalition"], request["fixed"])
    result = call(dp_frontier, scenario, request, parties=request["parties"])
    check_frontier(scenario, request, result, truth)


@given(st.data())
def test_count_and_listing_match_brute_force(data):
    scenario = data.draw(dp_scenarios())
    request = data.draw(requests(scenario))
    note(scenario.to_yaml())
    truth = brute_force(scenario, request["waived"], request["coalition"], request["fixed"])
    assert call(dp_count, scenario, request) == int(truth.acceptable.sum())
    expected = truth.acceptable_packages()
    assert call(dp_acceptable, scenario, request) == expected  # same packages, same (lexicographic) order
    limit = data.draw(st.integers(0, 6))
    assert call(dp_acceptable, scenario, request, limit=limit) == expected[:limit]


@settings(max_examples=25)
@given(dp_scenarios(max_parties=4, max_issues=4, max_options=3), st.data())
def test_the_oracle_is_scenario_signers(scenario, data):
    """The brute force used here agrees with Scenario.signers and Scenario.utility package by package."""
    request = data.draw(requests(scenario, fixed=False))
    truth = brute_force(scenario, request["waived"], request["coalition"])
    for k, choices in enumerate({i: truth.options[n][truth.index[row, n]] for n, i in enumerate(truth.issues)} for row in range(len(truth.index))):
        assert truth.acceptable[k] == (scenario.signers(choices, request["waived"], request["coalition"]) is not None)
        assert [truth.utility(k, j) for j in range(len(truth.parties))] == [scenario.exact_utility(p, choices) for p in truth.parties]


@settings(max_examples=30)
@given(dp_scenarios(max_parties=4), st.data())
def test_soft_red_lines_through_the_factor_hook(scenario, data):
    """A red line made soft (``_soft``: breaking it costs its party the price): a factor with a
    negative delta when violated -- a violated require is 'not all of its parts hold'."""
    assume(scenario.red_lines)
    lines = data.draw(st.lists(st.sampled_from(range(len(scenario.red_lines))), min_size=1, unique=True))
    soft = {k: data.draw(st.sampled_from([0.5, 3.0, 1e6, 0.23784615384615385])) for k in lines}
    truth = brute_force(scenario, soft=soft)
    result = dp_frontier(scenario, soft=soft)
    assert result.vectors() == truth.frontier()
    assert dp_count(scenario, soft=soft) == int(truth.acceptable.sum())
    assert dp_acceptable(scenario, soft=soft) == truth.acceptable_packages()


@settings(max_examples=40)
@given(dp_scenarios(min_parties=3, max_parties=5), st.data())
def test_general_controlled_by_rules(scenario, data):
    """``controlled_by: {all: [...]}`` and ``{at_least: k, of: [...]}`` (not yet in the file format):
    the DP's runs over optional controllers are exact for any monotone rule."""
    ids = scenario.party_ids
    rules = {}
    for issue in scenario.issues:
        if issue.status_quo_choice is not None and data.draw(st.booleans()):
            members = data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=len(ids), unique=True))
            rules[issue.id] = (members, data.draw(st.integers(1, len(members))))
    original = dp_tables.control_rules

    def patched(scenario):
        found = original(scenario)
        return [Control(issue.id, tuple(rules[issue.id][0]), rules[issue.id][1], issue.status_quo_choice) if issue.id in rules
                else control for issue, control in zip(scenario.issues, found)]

    dp_tables.control_rules = patched
    try:
        truth = brute_force(scenario, rules=rules)
        result = dp_frontier(scenario)
        assert result.vectors() == truth.frontier()
        assert dp_count(scenario) == int(truth.acceptable.sum())
        assert dp_acceptable(scenario) == truth.acceptable_packages()
    finally:
        dp_tables.control_rules = original


def test_rule_forms():
    """The three forms of ``controlled_by``, as the programme reads them (compiled once: scenario/rules.py)."""
    parties = [{"id": p, "reservation": 0} for p in "abcd"]
    issues = [{"id": "free", "options": [{"id": "o"}]},
              {"id": "any", "options": [{"id": "o", "status_quo": True}, {"id": "p"}], "controlled_by": ["a", "b"]},
              {"id": "every", "options": [{"id": "o", "status_quo": True}, {"id": "p"}], "controlled_by": {"all": ["a", "b"]}},
              {"id": "two", "options": [{"id": "o", "status_quo": True}, {"id": "p"}], "controlled_by": {"at_least": 2, "of": ["a", "b", "c"]}}]
    scenario = Scenario.from_dict({"format": 1, "name": "forms", "parties": parties, "issues": issues})
    free, anyone, everyone, two = dp_tables.control_rules(scenario)
    assert free is None
    assert anyone.allows({"b"}) and not anyone.allows({"c"})
    assert everyone.allows({"a", "b", "c"}) and not everyone.allows({"a"})
    assert two.allows({"a", "c"}) and not two.allows({"c", "d"})


def scenario_with(points: dict, reservations: dict, **extra) -> Scenario:
    issues = sorted({i for table in points.values() for i in table})
    options = {i: sorted({o for table in points.values() for o in table.get(i, {})}) for i in issues}
    return Scenario.from_dict({
        "format": 1, "name": "t",
        "parties": [{"id": p, "reservation": r} for p, r in reservations.items()],
        "issues": [{"id": i, "options": [{"id": o, **({"status_quo": True} if k == 0 else {})} for k, o in enumerate(options[i])]} for i in issues],
        "utilities": points, **extra,
    })


@pytest.mark.parametrize("magnitude, dtype, float_exact", [
    (1, np.int64, True),  # small integers
    (0.23784615384615385, np.int64, False),  # 17 digits: scaled by 10**17, past 2**53, below 2**62
    (1e6, object, False),  # 1e6 beside 17-digit points: past 2**62, Python ints
])
def test_the_three_number_paths(magnitude, dtype, float_exact):
    rng = np.random.default_rng(3)
    points = {
        f"p{j}": {f"i{k}": {f"o{o}": float(rng.integers(0, 9)) * (magnitude if (j + k + o) % 2 else 1) + (0.23784615384615385 if magnitude != 1 and o == 2 else 0)
                            for o in range(3)} for k in range(5)}
        for j in range(3)
    }
    scenario = scenario_with(points, {f"p{j}": 4.0 for j in range(3)},
                             interactions=[{"party": "p0", "when": {"i0": "o1", "i1": ["o1", "o2"]}, "value": -2.5}],
                             red_lines=[{"party": "p1", "if": {"i2": "o0"}, "then": {"i3": ["o1", "o2"]}}])
    compiled = dp_tables.tables_of(scenario)
    assert compiled.dtype is dtype and compiled.float_exact == float_exact
    truth = brute_force(scenario)
    assert dp_frontier(scenario).vectors() == truth.frontier()
    assert dp_frontier(scenario, ["p0", "p2"]).vectors() == truth.frontier(["p0", "p2"])
    assert dp_count(scenario) == int(truth.acceptable.sum())
    assert dp_acceptable(scenario) == truth.acceptable_packages()


def test_a_count_beyond_10_to_the_15():
    """25 issues x 5 options, one party with a reservation: checked against a polynomial count."""
    rng = np.random.default_rng(7)
    table = rng.integers(0, 10, size=(25, 5))
    scenario = scenario_with({"a": {f"i{k}": {f"o{o}": float(table[k, o]) for o in range(5)} for k in range(25)}}, {"a": 110.0})
    ways = {0: 1}
    for k in range(25):
        step: dict[int, int] = {}
        for total, count in ways.items():
            for o in range(5):
                step[total + int(table[k, o])] = step.get(total + int(table[k, o]), 0) + count
        ways = step
    expected = sum(count for total, count in ways.items() if total >= 110)
    assert expected > 10**15
    assert dp_count(scenario) == expected
    assert len(dp_acceptable(scenario, limit=20)) == 20


def test_continuous_issues_are_not_for_the_dp():
    scenario = Scenario.from_dict({
        "format": 1, "name": "c", "parties": [{"id": "a", "reservation": 0}],
        "issues": [{"id": "x", "range": [0, 10]}], "utilities": {"a": {"x": {"per_unit": 1}}},
    })
    for function in (dp_frontier, dp_count, dp_acceptable):
        with pytest.raises(NotApplicable, match="continuous"):
            function(scenario)


def test_limits_stop_the_dp():
    scenario = random_scenario(12, 4, 3, seed=2)
    with pytest.raises(LimitReached, match="deadline"):
        dp_frontier(scenario, deadline=time.perf_counter() - 1)
    with pytest.raises(LimitReached, match="max_states"):
        dp_frontier(scenario, max_states=50)
    with pytest.raises(LimitReached):
        dp_count(scenario, max_states=50)
    coupled = coupled_scenario(20, 5, 3, seed=1, interactions=20, forbids=8, if_thens=4)
    with pytest.raises(NotApplicable, match="max_carried"):
        dp_frontier(coupled, max_carried=4)
    assert len(dp_frontier(coupled)) > 0


def test_bad_arguments():
    scenario = random_scenario(3, 3, 2, seed=1)
    with pytest.raises(ValueError):
        dp_frontier(scenario, ["nobody"])
    with pytest.raises(ValueError):
        dp_frontier(scenario, waived=[("red_line", 99)])
    with pytest.raises(ValueError):
        dp_frontier(scenario, fixed={"i0": "o9"})
    with pytest.raises(ValueError):
        dp_frontier(scenario, coalition=["p7"])


def test_a_forced_order_gives_the_same_frontier():
    scenario = coupled_scenario(8, 3, 3, seed=4, interactions=6, forbids=3, if_thens=2)
    truth = brute_force(scenario)
    issues = [i.id for i in scenario.issues]
    for order in (issues, issues[::-1]):
        result = dp_frontier(scenario, order=order)
        assert result.vectors() == truth.frontier()
        assert result.order == tuple(order) or set(result.order) == set(order)


def test_coupled_benchmark_case_matches_brute_force():
    """8 issues x 3 options x 3 parties with couplings: 6,561 packages."""
    scenario = coupled_scenario(8, 3, 3, seed=1, interactions=10, forbids=4, if_thens=2)
    truth = brute_force(scenario)
    result = dp_frontier(scenario)
    assert result.vectors() == truth.frontier()
    assert dp_count(scenario) == int(truth.acceptable.sum())
    assert dp_acceptable(scenario, limit=50) == truth.acceptable_packages()[:50]


def test_listing_when_the_scenario_order_is_too_coupled():
    """If the reverse scenario order carries too much, listing uses the greedy order and sorts."""
    scenario = coupled_scenario(8, 3, 3, seed=2, interactions=10, forbids=4, if_thens=2)
    tables = dp_tables.tables_of(scenario)
    instance = dp_instance.instance_of(tables, dp_runs.cover_runs(tables, None)[0], [], frozenset(), {})
    scenario_order = dp_plan.plan_of(instance, list(range(7, -1, -1)), 10**9).largest_carried
    greedy = dp_plan.plan_of(instance, dp_order.choose_order(instance, counting=True), 10**9).largest_carried
    assert greedy < scenario_order
    expected = brute_force(scenario).acceptable_packages()
    assert dp_acceptable(scenario, max_carried=greedy) == expected
    assert dp_acceptable(scenario, limit=7, max_carried=greedy) == expected[:7]
    with pytest.raises(NotApplicable):
        dp_acceptable(scenario, max_carried=greedy - 1)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_mip_frontier_agrees(seed):
    from bargaining import BargainingSpace

    for scenario in (random_scenario(6, 3, 3, seed=seed), coupled_scenario(6, 3, 3, seed=seed, interactions=4, forbids=2, if_thens=1)):
        frame = BargainingSpace(scenario).frontier(solutions=False, workers=1).to_frame()
        truth = brute_force(scenario)
        mip = {truth.vector({i.id: row[i.id] for i in scenario.issues}) for _, row in frame.iterrows()}
        assert dp_frontier(scenario).vectors() == mip == truth.frontier()


# ----------------------------------------------------------------------------- thorough (slow)


@pytest.mark.slow
@settings(max_examples=600, deadline=None)
@given(st.data())
def test_thorough_frontier_count_listing(data):
    scenario = data.draw(dp_scenarios(max_issues=6, max_interactions=6, max_red_lines=7))
    request = data.draw(requests(scenario))
    truth = brute_force(scenario, request["waived"], request["coalition"], request["fixed"])
    check_frontier(scenario, request, call(dp_frontier, scenario, request, parties=request["parties"]), truth)
    assert call(dp_count, scenario, request) == int(truth.acceptable.sum())
    assert call(dp_acceptable, scenario, request) == truth.acceptable_packages()


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(1, 9))  # seed 7: HiGHS presolve said a feasible box was empty (see test_frontier_mip)
def test_thorough_mip_agreement(seed):
    from bargaining import BargainingSpace

    scenario = coupled_scenario(8, 3, 4, seed=seed, interactions=8, forbids=3, if_thens=2)
    frame = BargainingSpace(scenario).frontier(solutions=False, workers=1).to_frame()
    brute = brute_force(scenario)
    mip = {brute.vector({i.id: row[i.id] for i in scenario.issues}) for _, row in frame.iterrows()}
    truth = brute.frontier()
    assert dp_frontier(scenario).vectors() == truth
    assert mip == truth


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(1, 13))
def test_thorough_coupled_cases(seed):
    """8 issues x 3 options (6,561 packages), 3-4 parties, couplings; some parties optional."""
    scenario = coupled_scenario(8, 3, 3 + seed % 2, seed=seed, interactions=12, forbids=5, if_thens=3)
    if seed % 3 == 0:  # p1 optional and in control of two issues
        raw = scenario.to_dict()
        raw["parties"][1]["veto"] = False
        raw["issues"][0]["controlled_by"] = ["p1"]
        raw["issues"][3]["controlled_by"] = ["p1", "p2"]
        scenario = Scenario.from_dict(raw)
    truth = brute_force(scenario)
    assert dp_frontier(scenario).vectors() == truth.frontier()
    assert dp_frontier(scenario, ["p0", "p2"]).vectors() == truth.frontier(["p0", "p2"])
    assert dp_count(scenario) == int(truth.acceptable.sum())
    assert dp_acceptable(scenario) == truth.acceptable_packages()


@pytest.mark.parametrize("price, reservation", [(1.0, 0.0), (1.0, -1.0), (2.0, -1.0), (2.0, -2.0)])
def test_soft_lines_that_merge_into_a_constant(price, reservation):
    """Found by hypothesis (test_solutions): a soft forbid and a soft require of one condition merge
    into one factor whose penalty is the same for every package; it was dropped with its empty scope
    (the DP then found a package worth 0 to p1 where every package is worth -1)."""
    from oracle import enumerate_packages

    scenario = Scenario.from_dict({
        "format": 1, "name": "constant", "parties": [{"id": "p0", "reservation": 0.0}, {"id": "p1", "reservation": reservation}],
        "issues": [{"id": "i0", "options": [{"id": "o0", "status_quo": True}, {"id": "o1"}, {"id": "o2"}]},
                   {"id": "i1", "options": [{"id": "o0", "status_quo": True}, {"id": "o1"}, {"id": "o2"}, {"id": "o3"}]}],
        "utilities": {"p0": {"i0": {}, "i1": {}}, "p1": {"i0": {}, "i1": {}}},
        "red_lines": [{"party": "p1", "forbid": {"i0": ["o0"], "i1": "o0"}, "price": 1.0},
                      {"party": "p1", "require": {"i0": ["o0"], "i1": "o0"}, "price": price}],
    })
    truth = enumerate_packages(scenario)
    assert dp_frontier(scenario).vectors() == truth.frontier()
    assert dp_count(scenario) == int(truth.acceptable.sum())
    assert len(dp_acceptable(scenario)) == int(truth.acceptable.sum())


def test_the_size_estimate_gives_up_early_and_changes_no_answer():
    """``estimate``: a frontier whose state sets grow past max_states is given up after a few stages
    (best() tries the programme on a small budget); one that fits is found as without it."""
    big = random_scenario(60, 5, 6, seed=1)
    with pytest.raises(LimitReached, match="projects"):  # the estimate gave up ("projects"), not the cap ("would hold")
        dp_frontier(big, max_states=250_000, estimate=True)
    for scenario in (random_scenario(20, 4, 3, seed=3), random_scenario(12, 3, 4, seed=1),
                     coupled_scenario(10, 4, 3, seed=1, interactions=10, forbids=4, if_thens=2)):
        assert dp_frontier(scenario, max_states=250_000, estimate=True).vectors() == dp_frontier(scenario).vectors()


@pytest.mark.parametrize("fault", ["utility", "package"])
def test_a_wrong_programme_answer_is_refused_by_the_frontier_s_recheck(monkeypatch, fault):
    """The frontier re-checks every package the programme returns (its utilities and that every party accepts it):
    a planted fault in the programme's answer stops the call with an error, never a wrong frontier."""
    import bargaining.algorithms.frontier as frontier_module
    from bargaining import BargainingSpace

    real = frontier_module.frontier_for
    scenario = Scenario.from_dict({
        "format": 1, "name": "planted", "issues": [{"id": "x", "options": [{"id": "a"}, {"id": "b"}, {"id": "c"}]}],
        "parties": [{"id": "p", "reservation": 1}, {"id": "q", "reservation": 1}],
        "utilities": {"p": {"x": {"a": 3, "b": 2, "c": 0}}, "q": {"x": {"a": 1, "b": 2, "c": 3}}}})

    def planted(*args, **kwargs):
        found = real(*args, **kwargs)
        if fault == "utility":
            scaled = found.scaled.copy()
            scaled[0, 0] += 1
            return replace(found, scaled=scaled)
        index = found.index.copy()
        index[0, 0] = 2  # option c: p's utility 0, below its reservation
        return replace(found, index=index)

    monkeypatch.setattr(frontier_module, "frontier_for", planted)
    both = {"utility": r"for p in \{'x': '[ab]'\} the programme says \d+, the scenario \d+",  # both answers named
            "package": r"returned \{'x': 'c'\} as acceptable, and the exact check .* refuses it"}[fault]
    with pytest.raises(AnswersDisagree, match=both):
        BargainingSpace(scenario).frontier(method="dp")
