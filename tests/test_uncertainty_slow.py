"""Longer uncertainty checks (``pytest -m slow``): more and larger random scenarios against brute force,
the most robust package's target on a 30 x 5 x 4 scenario, the seed's case on a local cluster."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from oracle import enumerate_worlds
from strategies import uncertain_scenarios

from bargaining import BargainingSpace
from bargaining.results import ExactDeal
from bargaining.scenario import Worlds
from bargaining.scenario.acceptance import verdicts

pytestmark = pytest.mark.slow
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))


@settings(max_examples=150)
@given(uncertain_scenarios(max_parties=4, max_issues=4, max_options=3))
def test_larger_scenarios_equal_brute_force(scenario):
    space = BargainingSpace(scenario, progress=False)
    oracle = enumerate_worlds(scenario, 40, seed=9)
    parties = scenario.criteria_party_ids
    deal = space.deal_probability(samples=40, seed=9, scheduler="serial")
    # only `real` lines uncertain: the answer is exact, not sampled (compared with all 2^k worlds in test_exact_uncertainty)
    assume(not isinstance(deal, ExactDeal))
    assert [w.deal for w in deal.worlds] == oracle.deals().tolist()
    for w in deal.worlds:
        if w.deal:
            assert tuple(w.exact_gains[p] for p in parties) in oracle.maxmin_gains(w.world, parties)
    best, winners = oracle.most_robust(parties)
    robust = space.most_robust(samples=40, seed=9)
    assert (robust is None) if best == 0 else (robust.wins == best and robust.choices in winners)


def test_most_robust_on_30_issues_5_options_4_parties_within_30_seconds():
    from scenarios import uncertain_random_scenario

    scenario = uncertain_random_scenario(30, 5, 4, seed=0, uncertain=10)
    space = BargainingSpace(scenario, progress=False)
    robust = space.most_robust(samples=1000, seed=0)  # (its time is measured in benchmarks/robustness.py, not asserted here)
    assert robust.optimal and robust.wins == int(verdicts(scenario, [robust.exact_choices], Worlds.sample(scenario, 1000, 0)).wins()[0])


def test_seed_case_on_a_local_cluster_equals_serial():
    from bargaining import Scenario

    scenario = Scenario.from_yaml(Path(__file__).parents[1] / "data" / "europe_russia_ukraine.yaml")
    serial = BargainingSpace(scenario, progress=False).deal_probability(samples=300, seed=1, scheduler="serial")
    local = BargainingSpace(scenario, progress=False).deal_probability(samples=300, seed=1, scheduler="local")
    assert local.worlds == serial.worlds and 0 < serial.probability < 1
