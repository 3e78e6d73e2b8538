"""The exact uncertainty analysis against brute force over every world of the uncertain red lines."""

from __future__ import annotations

from hypothesis import given, settings
from oracle_exact import exact_oracle, only_real_lines
from strategies_exact import exact_scenarios

from bargaining.algorithms.blocking import holds, positions
from bargaining.algorithms.exact_worlds import analyse
from bargaining.engine.search import Search


@settings(max_examples=150, deadline=None)
@given(exact_scenarios())
def test_deal_and_blocking_sets_equal_brute_force(scenario):
    scenario = only_real_lines(scenario)
    oracle = exact_oracle(scenario)
    analysis = analyse(Search.of(scenario))
    setting = analysis.setting
    ids = {k: scenario.red_lines[k].id for k in setting.lines}
    found = {frozenset(ids[setting.lines[j]] for j in positions(s)) for s in analysis.family}
    assert found == oracle.blocking_sets()
    assert holds(analysis.family, setting.probabilities) == oracle.deal_probability()
    assert analysis.complete
    assert analysis.missed == 0  # the enumeration alone found every maximal profile; the certification only confirmed it
