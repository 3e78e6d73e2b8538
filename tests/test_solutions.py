"""Best packages under every criterion match brute-force enumeration exactly."""

from fractions import Fraction

from hypothesis import assume, given
from hypothesis import strategies as st
from oracle import enumerate_packages
from strategies import scenarios

from bargaining import BargainingSpace


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
    # the package's own choices, looked up in the enumeration: acceptable, and worth what the package says
    assert truth.accepts(package.exact_choices) and truth.vector(package.exact_choices) in expected
    assert tuple(package.exact_utilities[p] for p in scenario.party_ids) == truth.vector(package.exact_choices)


@given(scenarios(optional_parties=True, controlled=True), st.sampled_from(["maxmin", "utilitarian", "nash", "kalai"]))
def test_best_with_optional_parties_and_controlled_issues(scenario, criterion):
    truth = enumerate_packages(scenario)
    space = BargainingSpace(scenario)
    expected = truth.best(criterion, space.criteria_parties)
    package = space.best(criterion)
    assert (package is None) == (expected is None)
    if package is not None:
        assert truth.accepts(package.exact_choices) and truth.vector(package.exact_choices) in expected
        assert tuple(package.exact_utilities[p] for p in scenario.party_ids) == truth.vector(package.exact_choices)


@given(scenarios(max_issues=4, optional_parties=True, controlled=True))  # (at most 256 packages: each one is a solve)
def test_acceptable_set_matches_brute_force(scenario):
    truth = enumerate_packages(scenario)
    frame = BargainingSpace(scenario).acceptable().to_frame()
    found = {tuple(row) for row in frame[[i.id for i in scenario.issues]].itertuples(index=False)}
    assert len(found) == len(frame)
    assert found == truth.acceptable_set()


@st.composite
def tied_scenarios(draw):
    """Two veto parties with points 0-2 (many ties among them) and an optional party that always takes
    part (reservation -100) with points 0-5: the criteria weigh the veto parties, the tie-break everyone."""
    from bargaining import Scenario

    issues = [{"id": f"i{k}", "options": [{"id": f"o{j}", **({"status_quo": True} if j == 0 else {})} for j in range(draw(st.integers(2, 3)))]}
              for k in range(draw(st.integers(2, 4)))]
    top = {"a": 2, "b": 2, "c": 5}
    utilities = {p: {i["id"]: {o["id"]: draw(st.integers(0, top[p])) for o in i["options"]} for i in issues} for p in top}
    return Scenario.from_dict({"format": 1, "name": "ties", "issues": issues, "utilities": utilities, "parties": [
        {"id": "a", "reservation": draw(st.integers(0, 1))}, {"id": "b", "reservation": draw(st.integers(0, 1))},
        {"id": "c", "reservation": -100, "veto": False}]})


def test_ties_are_broken_by_the_largest_total():
    """Where the criterion ties between packages of different totals, the answer has the largest total
    (the oracle's tie-broken set), and this case actually comes up for every criterion."""
    from collections import Counter

    from mix import criterion_values

    from bargaining.algorithms.solutions import best_package

    seen = Counter()

    @given(tied_scenarios())
    def check(scenario):
        truth = enumerate_packages(scenario)
        space = BargainingSpace(scenario)
        parties = space.criteria_parties
        rows = [k for k in range(len(truth.acceptable)) if truth.acceptable[k]]
        for criterion in ("maxmin", "utilitarian", "nash", "kalai"):
            values = criterion_values(truth, criterion, parties)
            top = max(values)
            totals = {sum(truth.utilities(k).values()) for k, v in zip(rows, values) if v == top}
            # best() (read off the exact frontier here) and the model's own search with its tie-break solves
            for package in (space.best(criterion), best_package(space._search, criterion, parties)):
                assert rows and package is not None
                assert package.vector(scenario.party_ids) in truth.best(criterion, parties)
                assert sum(package.exact_utilities.values()) == max(totals)
            if len(totals) > 1:
                seen[criterion] += 1

    check()
    assert all(seen[c] >= 1 for c in ("maxmin", "utilitarian", "nash", "kalai")), seen


DETERMINISM = """
import json, sys
sys.path.insert(0, "tests")
from hypothesis import given, settings, Phase, HealthCheck
from bargaining import BargainingSpace
from strategies import scenarios
out = []
@settings(max_examples=15, derandomize=True, database=None, phases=[Phase.generate], deadline=None,
          suppress_health_check=list(HealthCheck))
@given(scenarios(max_parties=3, shape="open"))
def run(scenario):
    space = BargainingSpace(scenario)
    out.append([None if p is None else p.choices for p in (space.best(c) for c in ("maxmin", "utilitarian", "nash", "kalai"))])
run()
print(json.dumps(out))
"""


def test_ties_are_broken_the_same_way_in_every_run():
    """Packages still tied after the largest total are left to HiGHS, which must answer the same in every
    run: the same 15 scenarios solved in two fresh interpreters with different hash seeds agree."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).parents[1]
    answers = []
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]))
        done = subprocess.run([sys.executable, "-c", DETERMINISM], cwd=root, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        answers.append(json.loads(done.stdout))
    assert len(answers[0]) == 15 and answers[0] == answers[1]


@given(scenarios(max_parties=3, soft=False), st.sampled_from(["maxmin", "utilitarian", "nash", "kalai"]), st.data())
def test_a_soft_forbid_is_a_negative_interaction(scenario, criterion, data):
    """A forbid red line with a price costs its party the price where the condition holds: the same as an
    interaction worth minus the price (written by hand), so best() must give the same utilities."""
    from bargaining import Scenario

    raw = scenario.to_dict()
    forbids = [k for k, r in enumerate(raw.get("red_lines", [])) if "forbid" in r]
    assume(forbids)
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


@given(scenarios(optional_parties=True, controlled=True), st.sampled_from(["maxmin", "utilitarian", "nash", "kalai"]))
def test_the_models_search_matches_brute_force(scenario, criterion):
    """The mixed-integer search alone (what best() falls back to: continuous issues, or a programme that would
    grow too large), on the same scenarios: the oracle's package, proven optimal, signed as the oracle says."""
    from bargaining.algorithms.solutions import best_package

    truth = enumerate_packages(scenario)
    space = BargainingSpace(scenario)
    expected = truth.best(criterion, space.criteria_parties)
    package = best_package(space._search, criterion, space.criteria_parties)
    assert (package is None) == (expected is None)
    if package is None:
        return
    assert tuple(package.exact_utilities[p] for p in scenario.party_ids) in expected
    assert package.optimal is True and package.criterion == criterion and not package.caveat
    k = next(k for k in range(len(truth.acceptable)) if truth.choices(k) == package.choices)
    assert list(package.signers) == truth.signers(k)


@given(scenarios(max_issues=4, optional_parties=True, controlled=True))
def test_the_models_listing_matches_brute_force(scenario):
    """acceptable() on the model alone (continuous issues, or no programme): one solve and one cut per package."""
    from bargaining.algorithms.acceptable import _by_the_model

    truth = enumerate_packages(scenario)
    found = _by_the_model(BargainingSpace(scenario)._search, None, False)
    assert found.complete and found.method == "mip" and found.count == len(found.packages)
    assert {tuple(x.choices[i] for i in truth.issues) for x in found.packages} == truth.acceptable_set()


@given(scenarios(max_parties=4), st.sampled_from(["maxmin", "utilitarian", "nash", "kalai"]))
def test_criterion_value_is_the_oracles_formula(scenario, criterion):
    """criterion_value (which the model's Nash search and the doubt path rank packages with) equals the
    oracle's formula on every acceptable package, with the criteria parties and with none."""
    from mix import criterion_values

    from bargaining.algorithms.solutions import criterion_value

    truth = enumerate_packages(scenario)
    for parties in (BargainingSpace(scenario).criteria_parties, []):
        rows = [k for k in range(len(truth.acceptable)) if truth.acceptable[k]]
        gains = [{p: u - truth.reservations[p] for p, u in truth.utilities(k).items()} for k in rows]
        ideal = {p: max((g[p] for g in gains), default=Fraction(0)) for p in parties}
        got = [criterion_value(criterion, g, parties, ideal, utilities=truth.utilities(k)) for k, g in zip(rows, gains)]
        assert got == criterion_values(truth, criterion, parties)
        assert all(type(v) is Fraction for v in got)


def test_nash_tie_break_with_an_amount_stops_at_the_best_within_its_tolerance(monkeypatch):
    """The bundled case's walkthrough with every optional party in the coalition (ten criteria parties, the fund an
    amount): Nash's tie-break used to cut off candidate after candidate that differed from the best only in the fund's
    last digits (21 solves in all); it now stops at the first such candidate (11 solves) with the same package as the
    walk to the end (NASH_TIE_TOLERANCE = 0: nothing counts as the best but the best itself)."""
    from pathlib import Path

    import bargaining.algorithms.solutions as solutions
    from bargaining.engine.search import Search
    from bargaining.scenario import Scenario, Variant

    case = Scenario.from_yaml(Path(__file__).parents[1] / "data" / "europe_russia_ukraine.yaml")
    variant = Variant(lines={"ru_donbas_admin": "priced"}, coalition=tuple(p.id for p in case.parties if not p.veto))
    solves = [0]
    maximize = Search.maximize

    def counted(self, *args, **kwargs):
        solves[0] += 1
        return maximize(self, *args, **kwargs)

    monkeypatch.setattr(Search, "maximize", counted)
    found = {}
    for tolerance in (solutions.NASH_TIE_TOLERANCE, 0):
        monkeypatch.setattr(solutions, "NASH_TIE_TOLERANCE", tolerance)
        solves[0] = 0
        package = BargainingSpace(variant.apply(case), progress=False).best("nash")
        found[tolerance] = (package.key(), package.exact_gains, package.optimal, solves[0])
    stopped, walked = found.values()
    assert stopped[:3] == walked[:3]
    assert stopped[3] < walked[3]
