"""The mixed-integer frontier (method="mip") equals the dynamic programme's and brute force's exactly,
on coupled scenarios too; HiGHS's answers found with presolve are checked before they are used."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st
from oracle import enumerate_packages
from strategies import coupled_scenarios

from bargaining import BargainingSpace, Scenario
from bargaining.algorithms.frontier import find_frontier
from bargaining.algorithms.programme import frontier as dp_frontier
from bargaining.engine import solver as solver_module
from bargaining.engine.solver import Outcome

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
from scenarios import coupled_scenario, random_scenario  # noqa: E402


def mip_vectors(scenario, parties=None, **kwargs):
    """The MIP frontier's vectors, each looked up by its package in the enumeration (acceptable there), not recomputed
    by the scenario's own evaluator."""
    parties = list(parties or scenario.party_ids)
    truth = enumerate_packages(scenario)
    space = BargainingSpace(scenario)
    result = find_frontier(space._search, parties, method="mip", workers=1, **kwargs)
    found = []
    for package in result.packages:
        assert truth.accepts(package.exact_choices)
        found.append(truth.vector(package.exact_choices, parties))
    assert len(found) == len(set(found)), "one package per vector"
    return result, set(found), space._search.solver


def assert_all_agree(scenario, parties=None):
    truth = enumerate_packages(scenario).frontier(parties)
    assert dp_frontier(scenario, parties).vectors() == truth
    result, found, _ = mip_vectors(scenario, parties)
    assert result.complete and result.exact
    assert found == truth, f"MIP misses {sorted(truth - found)[:3]}, has extra {sorted(found - truth)[:3]}"
    return found


# ------------------------------------------------------------------- the case of the frontier issue


def test_the_issue_case_gets_every_point():
    """coupled_scenario(8, 3, 4, seed=7, ...): the MIP used to return 78 of the 81 points.  HiGHS 1.16's
    presolve turned one box problem (f2 >= 108) into a model whose solutions all violate the real one
    ("untransformed violations") and then called the box infeasible; HiGHS 1.13 solves it."""
    scenario = coupled_scenario(8, 3, 4, seed=7, interactions=8, forbids=3, if_thens=2)
    frame = BargainingSpace(scenario).frontier(method="mip", workers=1, solutions=False).to_frame()
    assert frame.attrs["complete"] and frame.attrs["method"] == "mip"
    issues = [i.id for i in scenario.issues]
    brute = enumerate_packages(scenario)
    found = {brute.vector({i: row[i] for i in issues}) for _, row in frame.iterrows()}
    truth = brute.frontier()
    assert len(truth) == 81 and dp_frontier(scenario).vectors() == truth
    assert found == truth
    missing = dict(zip(issues, "o0 o1 o1 o0 o0 o0 o2 o1".split()))
    assert brute.accepts(missing)
    assert brute.vector(missing) == (92, 110, 109, 69)
    assert (92, 110, 109, 69) in found


#: Cases of the same generator where HiGHS 1.16 with presolve answered box problems wrongly, found
#: by scanning seeds (8x3x4: 0-99, 7x3x5: 0-26) with each answer checked without presolve.  Before
#: the check the MIP missed frontier points in 8x3x4 seeds 7 (3), 56 (3), 86 (1) and 7x3x5 seed 14
#: (3); in 8x3x4 seed 10 and 7x3x4 seed 1 HiGHS returned worse packages as "optimal" (no point
#: happened to be lost).  The last two are cases it got right.
COUPLED_CASES = [
    (8, 3, 4, 7, 8, 3, 2), (8, 3, 4, 56, 8, 3, 2), (8, 3, 4, 86, 8, 3, 2),
    pytest.param(7, 3, 5, 14, 10, 3, 3, marks=pytest.mark.slow),  # ~10 s each: in .ci/run's slow stage
    pytest.param(8, 3, 4, 10, 8, 3, 2, marks=pytest.mark.slow),
    (7, 3, 4, 1, 10, 2, 2), (8, 3, 3, 1, 10, 4, 2), (6, 3, 3, 2, 10, 2, 2),
]


@pytest.mark.parametrize("issues, options, parties, seed, interactions, forbids, if_thens", COUPLED_CASES)
def test_coupled_cases_agree(issues, options, parties, seed, interactions, forbids, if_thens):
    scenario = coupled_scenario(issues, options, parties, seed=seed, interactions=interactions, forbids=forbids, if_thens=if_thens)
    assert_all_agree(scenario)


def test_the_issue_case_without_interactions_and_over_some_parties():
    scenario = coupled_scenario(8, 3, 4, seed=7, interactions=8, forbids=3, if_thens=2)
    assert_all_agree(scenario, ["p0", "p2", "p3"])
    raw = scenario.to_dict()
    raw["interactions"] = []
    assert_all_agree(type(scenario).from_dict(raw))


@settings(max_examples=25, deadline=None)
@given(coupled_scenarios(), st.data())
def test_mip_dp_and_brute_force_agree(scenario, data):
    """Interactions (integer and fractional values, positive and negative), every red-line kind,
    non-veto parties in control of issues: three methods, one frontier."""
    note(scenario.to_yaml())
    parties = data.draw(st.one_of(st.none(), st.lists(st.sampled_from(scenario.party_ids), min_size=2, unique=True)))
    assert_all_agree(scenario, parties)


# ------------------------------------------------------------------- the solver's checks


def test_an_infeasible_answer_is_checked_without_presolve(monkeypatch):
    """Every box HiGHS calls empty with presolve on is solved again without it before it counts."""
    scenario = random_scenario(6, 3, 3, seed=2)
    truth = enumerate_packages(scenario).frontier()
    original = solver_module.Solver._solve_once
    lied = []

    def presolve_says_infeasible(self, time_limit=None, granularity=None):
        outcome = original(self, time_limit, granularity)
        if self.highs.highs_options.get("presolve") != "off":
            lied.append(outcome.status)
            return Outcome("infeasible", None, False)
        return outcome

    monkeypatch.setattr(solver_module.Solver, "_solve_once", presolve_says_infeasible)
    result, found, solver = mip_vectors(scenario)
    assert result.complete and found == truth
    assert solver.rechecks == len(lied) > 0
    assert solver.presolve_faults == lied.count("optimal") > 0


def test_a_warning_of_untransformed_violations_is_checked_without_presolve(monkeypatch):
    """HiGHS's log saying a presolved solution violates the model makes an 'optimal' answer suspect too."""
    scenario = random_scenario(6, 3, 3, seed=2)
    space = BargainingSpace(scenario)
    solver = space._search.solver
    original = solver_module.Solver._solve_once

    def warned(self, time_limit=None, granularity=None):
        outcome = original(self, time_limit, granularity)
        if self.highs.highs_options.get("presolve") != "off":
            self._untransformed = True
            return Outcome("optimal", -1.0, True)
        return outcome

    monkeypatch.setattr(solver_module.Solver, "_solve_once", warned)
    outcome, package = space._search.maximize(space._search.utility("p0"))
    assert package is not None and outcome.objective == max(row[0] for row in enumerate_packages(scenario).frontier(["p0"]))
    assert solver.rechecks == 1 and solver.presolve_faults == 1


def test_the_warning_is_read_from_highs_log():
    solver = BargainingSpace(random_scenario(3, 2, 2, seed=1))._search.solver

    class Event:
        message = "WARNING: Solution with objective 105 has untransformed violations: variable bound = 1; constraint bound = 1\n"

    solver._untransformed = False
    solver._read_log(Event())
    assert solver._untransformed


def test_an_answer_that_cannot_be_checked_in_time_leaves_the_frontier_incomplete(monkeypatch):
    scenario = random_scenario(6, 3, 3, seed=2)
    original = solver_module.Solver._solve_once

    def slow_infeasible(self, time_limit=None, granularity=None):
        if self.highs.highs_options.get("presolve") != "off" and self.calls >= 4:
            time.sleep(max(time_limit or 0.0, 0.0) + 0.01)
            return Outcome("infeasible", None, False)
        return original(self, time_limit, granularity)

    monkeypatch.setattr(solver_module.Solver, "_solve_once", slow_infeasible)
    space = BargainingSpace(scenario)
    frame = space.frontier(method="mip", workers=1, solutions=False, time_limit=1.0).to_frame()
    assert frame.attrs["complete"] is False
    assert len(frame) < len(enumerate_packages(scenario).frontier())


# ------------------------------------------------------------------- larger cases (slow)


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(coupled_scenarios(max_parties=5), st.data())
def test_thorough_mip_dp_and_brute_force_agree(scenario, data):
    note(scenario.to_yaml())
    parties = data.draw(st.one_of(st.none(), st.lists(st.sampled_from(scenario.party_ids), min_size=2, unique=True)))
    assert_all_agree(scenario, parties)


@pytest.mark.slow
@pytest.mark.parametrize("case", [
    ("random", 10, 4, 3, 1), ("random", 10, 3, 4, 1), ("random", 8, 3, 5, 1),
    ("coupled", 10, 3, 4, 3), ("coupled", 12, 3, 3, 2), ("coupled", 10, 4, 3, 5),
])
def test_dp_and_mip_agree_on_larger_cases(case):
    kind, issues, options, parties, seed = case
    scenario = (random_scenario(issues, options, parties, seed) if kind == "random"
                else coupled_scenario(issues, options, parties, seed=seed, interactions=10, forbids=4, if_thens=2))
    result, found, _ = mip_vectors(scenario)
    assert result.complete
    assert found == dp_frontier(scenario).vectors()


def wide_range_case() -> Scenario:
    """Two parties, one issue: two frontier points (1995, 0) and (1992, 2) closer together than 1/200 of the parties'
    utility ranges (2,000 each), beside (0, 1000) and (2000, -1000)."""
    return Scenario.from_dict({
        "format": 1, "name": "Close points on a wide range",
        "parties": [{"id": "a", "reservation": -5000}, {"id": "b", "reservation": -5000}],
        "issues": [{"id": "x", "options": [{"id": "o1", "status_quo": True}, {"id": "o2"}, {"id": "o3"}, {"id": "o4"}]}],
        "utilities": {"a": {"x": {"o1": 1995, "o2": 1992, "o3": 0, "o4": 2000}},
                      "b": {"x": {"o1": 0, "o2": 2, "o3": 1000, "o4": -1000}}},
    })


def test_the_frontier_searches_each_party_on_its_own_lattice_not_a_grid():
    """On a discrete case the boxes are cut on each party's lattice (its unit), not on 1/200 of its range: two points
    closer than that are both found, and the frontier says it is exact with the units as its resolution."""
    scenario = wide_range_case()
    result, found, _ = mip_vectors(scenario)
    assert found == enumerate_packages(scenario).frontier() and len(found) == 4
    assert result.exact and result.complete
    assert result.resolution == {"a": 1, "b": 2}  # (b's points are all even)


def test_a_continuous_frontier_is_on_a_grid_of_one_200th_of_each_range_by_default():
    """The documented default grid (README: 1/200 of the range), also for a utility range below 1."""
    from bargaining.scenario.numbers import exact

    scenario = Scenario.from_dict({
        "format": 1, "name": "A small continuous range",
        "parties": [{"id": "buyer", "reservation": -10}, {"id": "seller", "reservation": -10}],
        "issues": [{"id": "fund", "range": [0, 10]}, {"id": "terms", "options": [{"id": "plain", "status_quo": True}, {"id": "strict"}]}],
        "utilities": {"buyer": {"fund": {"per_unit": 0.01}, "terms": {"plain": 0, "strict": 0}},
                      "seller": {"fund": {"per_unit": -2}, "terms": {"plain": 1, "strict": 0}}},
    })
    space = BargainingSpace(scenario)
    result = find_frontier(space._search, scenario.party_ids, method="mip", workers=1)
    ranges = {p: space._search.utility_range(p) for p in scenario.party_ids}
    assert 0 < ranges["buyer"][1] - ranges["buyer"][0] < 1 < ranges["seller"][1] - ranges["seller"][0]
    assert result.resolution == {p: exact((high - low) / 200) for p, (low, high) in ranges.items()}
    assert not result.exact and result.complete


def test_the_frontier_counts_the_solves_of_this_call_only():
    """``solver_calls`` is what this frontier cost, not what the model solved before it."""
    scenario = random_scenario(6, 3, 3, seed=4)
    space = BargainingSpace(scenario)
    first = find_frontier(space._search, scenario.party_ids, method="mip", workers=1)
    before = space.solver_calls
    assert before >= first.solver_calls > 0
    again = find_frontier(space._search, scenario.party_ids, method="mip", workers=1)
    assert again.solver_calls == space.solver_calls - before > 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(-3, 3), st.integers(-3, 3), st.fractions(-2, 2, max_denominator=3)), max_size=12))
def test_the_dominance_filter_keeps_one_package_per_non_dominated_vector(vectors):
    """non_dominated against brute force: a vector is dropped exactly when another is at least as good for every party
    and better for one (ties compared as rationals), and each vector kept is its first package's."""
    from fractions import Fraction
    from types import SimpleNamespace

    from bargaining.algorithms.frontier_mip import non_dominated

    parties = ["a", "b", "c"]
    packages = [SimpleNamespace(exact_utilities=dict(zip(parties, map(Fraction, v))), k=k) for k, v in enumerate(vectors)]
    kept = non_dominated(packages, parties)  # type: ignore[arg-type]
    distinct = list(dict.fromkeys(tuple(map(Fraction, v)) for v in vectors))
    truth = [v for v in distinct if not any(all(o >= x for o, x in zip(w, v)) and w != v for w in distinct)]
    assert [tuple(x.exact_utilities[p] for p in parties) for x in kept] == truth
    assert [x.k for x in kept] == [next(k for k, v in enumerate(vectors) if tuple(map(Fraction, v)) == t) for t in truth]
