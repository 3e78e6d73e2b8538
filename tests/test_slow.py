"""Slow checks, out of the default run (``pytest -m slow``; .ci/run runs them separately)."""

import pytest
from hypothesis import given, settings
from oracle import enumerate_packages
from strategies import scenarios

from bargaining import BargainingSpace

pytestmark = pytest.mark.slow


@settings(max_examples=150, deadline=None)
@given(scenarios(min_parties=4, max_parties=6, max_issues=5, max_options=4, optional_parties=True, controlled=True))
def test_frontier_with_many_parties_matches_brute_force(scenario):
    truth = enumerate_packages(scenario)
    frame = BargainingSpace(scenario).frontier(solutions=False).to_frame()
    issues = [i.id for i in scenario.issues]
    found = {truth.vector({i: row[i] for i in issues}) for _, row in frame.iterrows()}
    assert len(found) == len(frame)
    assert found == truth.frontier()


@settings(max_examples=300, deadline=None)
@given(scenarios(optional_parties=True, controlled=True))
def test_every_criterion_matches_brute_force_thoroughly(scenario):
    truth = enumerate_packages(scenario)
    space = BargainingSpace(scenario)
    for criterion in ("maxmin", "utilitarian", "nash", "kalai"):
        expected = truth.best(criterion, space.criteria_parties)
        package = space.best(criterion)
        assert (package is None) == (expected is None)
        if package is not None:
            assert truth.accepts(package.exact_choices) and truth.vector(package.exact_choices) in expected
            assert tuple(package.exact_utilities[p] for p in scenario.party_ids) == truth.vector(package.exact_choices)


def test_a_larger_frontier_matches_brute_force():
    """8 issues x 3 options x 3 parties: 6,561 packages, a frontier of dozens of points."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
    from scenarios import random_scenario

    scenario = random_scenario(8, 3, 3, seed=7)
    truth = enumerate_packages(scenario)
    frame = BargainingSpace(scenario).frontier(solutions=False).to_frame()
    issues = [i.id for i in scenario.issues]
    found = {truth.vector({i: row[i] for i in issues}) for _, row in frame.iterrows()}
    assert found == truth.frontier() and len(found) > 10
