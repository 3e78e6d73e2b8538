"""Best packages under every criterion match brute-force enumeration exactly."""

from hypothesis import given
from hypothesis import strategies as st

from bargaining import BargainingSpace
from oracle import enumerate_packages
from strategies import scenarios


@given(scenarios(), st.sampled_from(["maxmin", "utilitarian", "nash", "kalai"]))
def test_best_matches_brute_force(scenario, criterion):
    truth = enumerate_packages(scenario)
    space = BargainingSpace(scenario)
    expected = truth.best(criterion, space.criteria_parties)
    package = space.best(criterion)
    if expected is None:
        assert package is None
        return
    assert package is not None
    assert tuple(package.exact_utilities[p] for p in scenario.party_ids) in expected
    assert scenario.is_acceptable(package.choices)


@given(scenarios(optional_parties=True, controlled=True), st.sampled_from(["maxmin", "utilitarian", "nash", "kalai"]))
def test_best_with_optional_parties_and_controlled_issues(scenario, criterion):
    truth = enumerate_packages(scenario)
    space = BargainingSpace(scenario)
    expected = truth.best(criterion, space.criteria_parties)
    package = space.best(criterion)
    assert (package is None) == (expected is None)
    if package is not None:
        assert tuple(package.exact_utilities[p] for p in scenario.party_ids) in expected


@given(scenarios(optional_parties=True, controlled=True))
def test_acceptable_set_matches_brute_force(scenario):
    truth = enumerate_packages(scenario)
    frame = BargainingSpace(scenario).acceptable()
    found = {tuple(row) for row in frame[[i.id for i in scenario.issues]].itertuples(index=False)}
    assert len(found) == len(frame)
    assert found == truth.acceptable_set()


@given(scenarios(max_parties=3))
def test_ties_are_broken_deterministically(scenario):
    first = [BargainingSpace(scenario).best(c) for c in ("maxmin", "nash")]
    again = [BargainingSpace(scenario).best(c) for c in ("maxmin", "nash")]
    assert [x and x.choices for x in first] == [x and x.choices for x in again]


@given(scenarios(max_parties=3, soft=False), st.sampled_from(["maxmin", "utilitarian", "nash", "kalai"]), st.data())
def test_a_soft_forbid_is_a_negative_interaction(scenario, criterion, data):
    """A forbid red line with a price costs its party the price where the condition holds: the same as an
    interaction worth minus the price (written by hand), so best() must give the same utilities."""
    from bargaining import Scenario

    raw = scenario.to_dict()
    forbids = [k for k, r in enumerate(raw.get("red_lines", [])) if "forbid" in r]
    if not forbids:
        return
    k = data.draw(st.sampled_from(forbids))
    price = data.draw(st.sampled_from([0.5, 1.0, 3.0]))
    soft = dict(raw, red_lines=[dict(r, price=price) if j == k else r for j, r in enumerate(raw["red_lines"])])
    line = raw["red_lines"][k]
    by_hand = dict(raw, red_lines=[r for j, r in enumerate(raw["red_lines"]) if j != k],
                   interactions=[*raw.get("interactions", []), {"party": line["party"], "when": line["forbid"], "value": -price}])
    priced, written = Scenario.from_dict(soft), Scenario.from_dict(by_hand)
    space = BargainingSpace(priced)
    expected = enumerate_packages(written).best(criterion, space.criteria_parties)  # the oracle of the hand-built one
    package = space.best(criterion)
    assert (package is None) == (expected is None)
    if package is not None:
        assert package.vector(priced.party_ids) in expected
