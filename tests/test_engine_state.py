"""The engine owns its state: typed edits that can be listed and undone, the problem read from them, and replicas
that rebuild the same problem elsewhere (docs/engine.md)."""

from __future__ import annotations

import pickle

from budget import examples
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import enumerate_packages
from strategies import scenarios
from test_layers import draw_coalition, draw_waivers

from bargaining import Scenario
from bargaining.algorithms.frontier import best
from bargaining.engine.edits import Freeze, GainAtLeast, Impose, SetWorld, Waive
from bargaining.engine.search import Search
from bargaining.scenario import STATED, Worlds


def test_edits_are_listed_in_order_and_undone_with_their_block():
    scenario = Scenario.from_yaml("docs/examples/contract_uncertain.yaml")
    search = Search.of(scenario)
    world = Worlds.sample(scenario, 3, seed=1)[2]
    seller = next(r for r in search.requirements if r.kind == "reservation" and r.party == "seller")
    assert search.edits() == [] and search.world is STATED
    with search.changes() as outer:
        outer.waive([seller])
        outer.freeze("term", "long")
        with search.changes() as inner:
            inner.impose(frozenset(scenario.party_ids))
            inner.world(world)
            inner.gain_at_least("buyer", 1)
            assert search.edits() == [Waive((seller,)), Freeze("term", "long"), Impose(frozenset(scenario.party_ids)),
                                      SetWorld(world), GainAtLeast("buyer", 1)]
            assert inner.records == search.edits()[2:]
            assert search.waived == {("reservation", "seller")} and search.fixed == {"term": "long"}
            assert search.coalition == frozenset(scenario.party_ids) and search.world is world
            assert search.m.gain["buyer"].lb == 1 and search.m.reservation["seller"].value == world.reservations["seller"]
        assert search.edits() == [Waive((seller,)), Freeze("term", "long")]
        assert search.coalition is None and search.world is STATED and search.m.gain["buyer"].lb is None
        assert search.m.reservation["seller"].value == 2
    assert search.edits() == [] and search.waived == frozenset() and search.fixed == {}
    assert not search.m.choose["term", "long"].fixed


@settings(max_examples=examples(20))
@given(scenarios(max_issues=3, max_options=3, optional_parties=True, controlled=True), st.data())
def test_a_replica_rebuilds_the_same_problem(scenario, data):
    """The replica of a search with requirements waived, a coalition imposed and an issue frozen is plain data
    (it pickles), and the engine rebuilt from it admits exactly the packages the oracle says, as the original does."""
    waived = draw_waivers(data, scenario)
    coalition = draw_coalition(data, scenario)
    issue = data.draw(st.sampled_from(scenario.issues), label="frozen")
    option = data.draw(st.sampled_from(issue.option_ids), label="at")
    parties = scenario.criteria_party_ids
    search = Search.of(scenario)
    with search.changes() as edit:
        edit.waive([r for r in search.requirements if r.waiver in waived])
        edit.impose(coalition)
        edit.freeze(issue.id, option)
        replica = pickle.loads(pickle.dumps(search.replica()))
        here = best(search, "maxmin", parties)
    rebuilt = Search.of_replica(replica)
    assert rebuilt.waived == {r.waiver for r in search.requirements if r.waiver in waived}
    assert rebuilt.coalition == coalition and rebuilt.fixed == {issue.id: option}
    truth = enumerate_packages(scenario, coalition=coalition, waived=frozenset(rebuilt.waived))
    column = truth.issues.index(issue.id)
    truth.acceptable &= truth.index[:, column] == truth.options[column].index(option)
    found = best(rebuilt, "maxmin", parties)
    assert (found is None) == (here is None) == (not truth.acceptable.any())
    if found is not None:
        assert found.vector(scenario.party_ids) == here.vector(scenario.party_ids)
        assert found.vector(scenario.party_ids) in truth.best("maxmin", parties)
