"""Uncertainty analyses against brute force: the same sampled worlds, every package in every world."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from oracle import enumerate_worlds
from strategies import uncertain_scenarios

from bargaining import BargainingSpace, Scenario

SAMPLES = 24


def _space(scenario: Scenario) -> BargainingSpace:
    return BargainingSpace(scenario, progress=False)


@settings(max_examples=25)
@given(uncertain_scenarios())
def test_everything_equals_brute_force_over_the_same_worlds(scenario):
    space = _space(scenario)
    worlds = space.worlds(SAMPLES, seed=3)
    oracle = enumerate_worlds(scenario, worlds)
    parties = scenario.criteria_party_ids

    deal = space.deal_probability(SAMPLES, seed=3, scheduler="serial")
    deals = oracle.deals()
    assert [w.deal for w in deal.worlds] == deals.tolist()
    assert deal.probability == deals.mean()
    for w in deal.worlds:
        if w.deal:
            assert tuple(w.gains[p] for p in parties) in oracle.maxmin_gains(w.world, parties)
    assert list(deal.to_frame().index) == [int(w) for w in np.flatnonzero(deals)]

    best, winners = oracle.most_robust(parties)
    robust = space.most_robust(SAMPLES, seed=3)
    if best == 0:
        assert robust is None
    else:
        if robust is None or not robust.optimal or robust.wins != best: print("FAIL", scenario.to_dict(), best, winners, robust)
        assert robust is not None and robust.optimal
        assert robust.wins == best
        assert robust.choices in winners

    table = space.robustness([dict(x) for x in oracle.packages], SAMPLES, seed=3)
    assert table["share"].tolist() == pytest.approx(oracle.accepted.mean(axis=1).tolist(), abs=0)
    for q, p in enumerate(oracle.parties):
        assert table[f"{p} accepts"].tolist() == pytest.approx(oracle.accepts[:, :, q].mean(axis=1).tolist(), abs=0)

    voi = space.value_of_information(SAMPLES, seed=3)
    frame = worlds
    for row in voi.itertuples():
        yes = frame[row.question].to_numpy() if row.kind == "red line" else \
            frame[row.question].to_numpy() >= scenario.party[row.question].reservation
        after = sum(oracle.most_robust(parties, side)[0] for side in (yes, ~yes))
        assert row.rise == pytest.approx((after - best) / SAMPLES, abs=1e-12)
        if yes.any():
            assert row._6 == pytest.approx(deals[yes].mean())
    assert list(voi["rise"]) == sorted(voi["rise"], reverse=True)
