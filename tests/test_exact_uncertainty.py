"""The exact uncertainty analysis against brute force over every world of the uncertain red lines."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from oracle_exact import exact_oracle, only_real_lines
from strategies_exact import exact_scenarios

from bargaining.algorithms.blocking import holds, positions
from bargaining.algorithms.exact_findings import classes, information, most_robust, package_chance
from bargaining.algorithms.exact_worlds import analyse
from bargaining.results.ties import PROBABILITY_TOLERANCE
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


@settings(max_examples=120, deadline=None)
@given(exact_scenarios())
def test_packages_most_robust_and_information_equal_brute_force(scenario):
    scenario = only_real_lines(scenario)
    oracle = exact_oracle(scenario)
    search = Search.of(scenario)
    analysis = analyse(search)
    chances = oracle.package_probability()
    for x, chance in zip(oracle.enumeration.packages, chances):  # each package's chance, from its own blocking sets
        assert package_chance(scenario, analysis, x)[0] == chance

    parties = scenario.criteria_party_ids
    robust = most_robust(search, analysis, parties)
    best = max(chances, default=Fraction(0))
    if best == 0:
        assert robust is None
    else:
        assert robust is not None and robust.exact_probability == best
        assert oracle.probability(oracle.accepted[oracle.enumeration.packages.index(dict(robust.exact_choices))]) == best
        winners = [k for k, c in enumerate(chances) if c == best]
        top = max(min(oracle.enumeration.stated_gains[k][q] for q in parties) for k in winners)
        assert min(robust.exact_gains[q] for q in parties) == top, scenario.to_yaml()  # ties: the largest smallest stated gain
        families = {holds_family for holds_family in {c.family for c in classes(analysis)}}
        assert len(robust.tied) == sum(1 for f in families if holds(f, analysis.setting.probabilities) == best) - 1

    table = information(analysis)
    expected = oracle.value_of_information()
    assert sorted(table["question"]) == sorted(expected)
    for row in table.to_dict("records"):
        j = oracle.lines.index(row["question"])
        assert row["rise"] == float(expected[row["question"]])
        assert row["deal if yes"] == float(oracle.deal_given(j, True))
        no = oracle.deal_given(j, False)
        assert (row["deal if no"] != row["deal if no"]) if no is None else row["deal if no"] == float(no)
    # ties: questions share a rank exactly when brute force finds their values within the tolerance of the group's top
    for a in table.to_dict("records"):
        for b in table.to_dict("records"):
            if a["rank"] == b["rank"]:
                assert abs(expected[a["question"]] - expected[b["question"]]) <= PROBABILITY_TOLERANCE
            if expected[a["question"]] == expected[b["question"]]:
                assert a["rank"] == b["rank"]
