"""Uncertainty analyses against brute force: the same sampled worlds, every package in every world."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from budget import examples
from hypothesis import given, settings
from oracle import draw_worlds, enumerate_worlds
from strategies import uncertain_scenarios

from bargaining import BargainingSpace, Scenario, ScenarioError, TimeLimitReached
from bargaining.cli import main
from bargaining.errors import AnswersDisagree
from bargaining.scenario import STATED, Worlds
from bargaining.scenario.acceptance import verdicts

SAMPLES = 24


def _space(scenario: Scenario) -> BargainingSpace:
    return BargainingSpace(scenario, progress=False)


def answered_by_sampling(scenario: Scenario) -> Scenario:
    """The same negotiation, answered by sampling: when its only uncertainty is real lines (answered exactly,
    tests/test_exact_uncertainty.py), a reservation range of width 0 makes the analyses sample."""
    data = scenario.to_dict()
    if any("real" in r for r in data.get("red_lines", [])) and not any(
            "reservation_range" in p or p.get("points_spread") for p in data["parties"]):
        data["parties"][0]["reservation_range"] = [data["parties"][0]["reservation"]] * 2
    return Scenario.from_dict(data)


@settings(max_examples=examples(25))
@given(uncertain_scenarios())
def test_everything_equals_brute_force_over_the_same_worlds(scenario):
    scenario = answered_by_sampling(scenario)
    space = _space(scenario)
    oracle = enumerate_worlds(scenario, SAMPLES, seed=3)  # its own draws, by the documented rules
    parties = scenario.criteria_party_ids

    deal = space.deal_probability(samples=SAMPLES, seed=3, scheduler="serial")
    deals = oracle.deals()
    assert [w.deal for w in deal.worlds] == deals.tolist()  # read off the exact blocking sets of each draw
    assert deal.sampled_share == deals.mean()
    # the chance itself: the red lines exact within each draw (tests/test_exact_uncertainty.py checks that against
    # brute force over every combination of them), or the sampled share where there are no red lines with real
    assert deal.probability == (deals.mean() if deal.drawn is None else deal.drawn.probability)
    assert (deal.drawn is None) == (not any(r.real is not None for r in scenario.red_lines))
    for w in deal.worlds:
        if w.deal:
            assert tuple(w.exact_gains[p] for p in parties) in oracle.maxmin_gains(w.world, parties)
    assert list(deal.to_frame().index) == [int(w) for w in np.flatnonzero(deals)]

    best, winners = oracle.most_robust(parties)
    robust = space.most_robust(samples=SAMPLES, seed=3)
    if best == 0:
        assert robust is None
    else:
        assert robust is not None and robust.optimal
        assert robust.wins == best
        assert robust.choices in winners

    sampled = Worlds.sample(scenario, SAMPLES, 3)
    for k, x in enumerate(oracle.packages):
        assert [scenario.is_acceptable(x, sampled[w]) for w in range(SAMPLES)] == oracle.accepted[k].tolist()

    table = space.robustness([dict(x) for x in oracle.packages], samples=SAMPLES, seed=3).to_frame()
    assert table["share"].tolist() == pytest.approx(oracle.accepted.mean(axis=1).tolist(), abs=0)
    for q, p in enumerate(oracle.parties):
        assert table[f"{p} accepts"].tolist() == pytest.approx(oracle.accepts[:, :, q].mean(axis=1).tolist(), abs=0)

    voi = space.value_of_information(samples=SAMPLES, seed=3).to_frame()
    for row in voi.itertuples():
        drawn = np.array([world[row.question] for world in oracle.worlds])
        yes = drawn.astype(bool) if row.kind == "red line" else drawn >= scenario.party[row.question].reservation
        after = sum(oracle.most_robust(parties, side)[0] for side in (yes, ~yes))
        assert row.rise == pytest.approx((after - best) / SAMPLES, abs=1e-12)
        if yes.any():
            assert row._6 == pytest.approx(deals[yes].mean())
    assert list(voi["rise"]) == sorted(voi["rise"], reverse=True)


# --------------------------------------------------------------------------- a hand-made case with every kind of line

CASE = {
    "format": 1, "name": "Two sides and a broker",
    "parties": [
        {"id": "a", "reservation": 6, "reservation_range": [3, 9]},
        {"id": "b", "reservation": 5, "points_spread": 0.25},
        {"id": "c", "reservation": 1, "veto": False},
    ],
    "issues": [
        {"id": "land", "options": [{"id": "keep", "status_quo": True}, {"id": "split"}, {"id": "cede"}]},
        {"id": "money", "options": [{"id": "none", "status_quo": True}, {"id": "some"}, {"id": "lots"}], "controlled_by": ["c"]},
        {"id": "troops", "options": [{"id": "stay", "status_quo": True}, {"id": "leave"}]},
    ],
    "utilities": {"a": {"land": {"keep": 5, "split": 3}, "money": {"some": 2, "lots": 4}, "troops": {"leave": 2}},
                  "b": {"land": {"split": 3, "cede": 6}, "money": {"none": 2, "some": 1}, "troops": {"stay": 2}},
                  "c": {"money": {"some": 1, "lots": 2}, "troops": {"leave": 1}}},
    "interactions": [{"party": "b", "when": {"land": "split", "troops": "leave"}, "value": 1.5}],
    "red_lines": [
        {"id": "a_land", "party": "a", "forbid": {"land": "cede"}, "real": 0.6},
        {"id": "b_land", "party": "b", "require": {"land": ["split", "cede"]}, "real": 0.5, "price": 2},
        {"id": "b_troops", "party": "b", "if": {"troops": "leave"}, "then": {"money": ["none", "some"]}, "price": 1},
        {"id": "c_money", "party": "c", "forbid": {"money": "lots"}, "real": 0.3},
        {"party": "a", "require": {"troops": "leave"}},
    ],
}


@pytest.fixture(scope="module")
def case_space():
    return _space(Scenario.from_dict(CASE))


@settings(max_examples=examples(25))
@given(uncertain_scenarios())
def test_the_sampler_draws_exactly_the_documented_worlds(scenario):
    """space.worlds() against the worlds drawn here from the README's rules (tests/oracle.py, draw_worlds)."""
    frame = _space(scenario).worlds(samples=30, seed=11).to_frame()
    drawn = draw_worlds(scenario, 30, seed=11)
    assert len(frame) == len(drawn) == 30
    assert sorted(frame.columns) == sorted(drawn[0]) if drawn[0] else frame.shape[1] == 0
    for w, world in enumerate(drawn):
        for column, value in world.items():
            assert frame.loc[w, column] == value, (w, column)


def test_worlds_follow_the_sampling_rules_and_the_seed(case_space):
    frame = case_space.worlds(samples=4000, seed=5).to_frame()
    assert frame.to_dict("records") == draw_worlds(case_space.scenario, 4000, seed=5)
    assert list(frame.columns[:4]) == ["a_land", "b_land", "c_money", "a"]
    assert frame.index.name == "world" and len(frame) == 4000
    assert frame.equals(case_space.worlds(samples=4000, seed=5).to_frame())
    assert not frame.equals(case_space.worlds(samples=4000, seed=6).to_frame())
    assert frame["a_land"].mean() == pytest.approx(0.6, abs=0.03)
    assert frame["b_land"].mean() == pytest.approx(0.5, abs=0.03)
    assert frame["a"].between(3, 9).all() and frame["a"].mean() == pytest.approx(6, abs=0.1)
    factors = frame[[c for c in frame.columns if c.startswith("factor:b:")]]
    assert factors.shape[1] == 8 and factors.stack().between(0.75, 1.25).all()
    assert factors.corr().abs().where(~np.eye(8, dtype=bool)).max().max() < 0.1  # independent
    # the first worlds do not depend on how many are drawn
    assert frame.head(100).equals(case_space.worlds(samples=100, seed=5).to_frame())
    world = Worlds.sample(case_space.scenario, 100, 5)[7]
    x = {"land": "split", "money": "some", "troops": "leave"}
    expected = Fraction(3) * Fraction(frame.loc[7, "factor:b:land:split"]) + Fraction(frame.loc[7, "factor:b:money:some"]) + Fraction(3, 2)
    assert case_space.scenario.exact_utility("b", x, world) == expected
    assert case_space.scenario.exact_reservation("a", world) == Fraction(frame.loc[7, "a"])
    assert case_space.scenario.exact_utility("b", x) == Fraction(11, 2)
    assert STATED.status(0, case_space.scenario.red_lines[0]) == "hard"


def test_hand_made_case_equals_brute_force(case_space):
    scenario = case_space.scenario
    before = case_space.best("maxmin")
    oracle = enumerate_worlds(scenario, 200, seed=1)
    deal = case_space.deal_probability(samples=200, seed=1, scheduler="serial")
    assert deal.deals == int(oracle.deals().sum()) and 0 < deal.probability < 1
    low, high = deal.interval
    assert low < deal.probability < high
    best, winners = oracle.most_robust(scenario.criteria_party_ids)
    robust = case_space.most_robust(samples=200, seed=1)
    assert robust.wins == best and robust.choices in winners and robust.bound == best
    table = case_space.robustness(samples=200, seed=1).to_frame()
    assert "most robust" in " ".join(table["package"])
    row = table[table["package"].str.contains("most robust")].iloc[0]
    assert row["share"] == best / 200 and row["low"] < row["share"] < row["high"]
    voi = case_space.value_of_information(samples=200, seed=1).to_frame()
    assert set(voi["question"]) == {"a_land", "b_land", "c_money", "a"}
    # each rise by brute force: the most robust package's wins on each side of the question, over choosing now
    parties = scenario.criteria_party_ids
    for row in voi.itertuples():
        drawn = np.array([world[row.question] for world in oracle.worlds])
        yes = drawn.astype(bool) if row.kind == "red line" else drawn >= scenario.party[row.question].reservation
        after = sum(oracle.most_robust(parties, side)[0] for side in (yes, ~yes))
        assert row.rise == (after - best) / 200, row.question
    assert list(voi["rise"]) == sorted(voi["rise"], reverse=True)
    assert case_space.best("maxmin") == before  # the robust block and the worlds leave the stated model as it was
    assert case_space.worlds(samples=10, seed=np.int64(1)).to_frame().equals(case_space.worlds(samples=200, seed=1).to_frame().head(10))


#: Two bluffs that decide everything: p is acceptable when b's line is a bluff, q when a's is; knowing whether a's
#: line is real lets one choose right (about 3/4 of the worlds won instead of about 1/2).
INFORMATIVE = {
    "format": 1, "name": "Two bluffs",
    "parties": [{"id": "a", "reservation": 0}, {"id": "b", "reservation": 0}],
    "issues": [{"id": "x", "options": [{"id": "p", "status_quo": True}, {"id": "q"}]}],
    "utilities": {"a": {"x": {"p": 1, "q": 1}}, "b": {"x": {"p": 1, "q": 1}}},
    "red_lines": [{"id": "a_line", "party": "a", "forbid": {"x": "q"}, "real": 0.5},
                  {"id": "b_line", "party": "b", "forbid": {"x": "p"}, "real": 0.5}],
}


def test_value_of_information_equals_brute_force_where_knowing_helps():
    """The rise of each question, by brute force over the documented worlds: positive here, so a rise computed
    with the wrong sign (or from the wrong side of a question) fails.  Its only uncertainty is real lines, so the API
    answers exactly (compared with brute force over all 2^2 worlds); the same negotiation answered by sampling is
    compared with brute force over the same 400 sampled worlds."""
    from oracle_exact import exact_oracle

    scenario = Scenario.from_dict(INFORMATIVE)
    exact = _space(scenario).value_of_information(samples=400, seed=4)
    expected = exact_oracle(scenario).value_of_information()
    assert exact.exact and exact.samples == 0 and {q.question for q in exact} == {"a_line", "b_line"}
    for question in exact:
        assert question.rise == float(expected[question.question]) and expected[question.question] > Fraction(3, 20), question
    assert [q.rank for q in exact] == [1, 1]  # equal value: tied, neither first

    sampled = answered_by_sampling(scenario)
    oracle = enumerate_worlds(sampled, 400, seed=4)
    best, _ = oracle.most_robust(["a", "b"])
    voi = _space(sampled).value_of_information(samples=400, seed=4)
    assert not voi.exact and voi.samples == 400
    frame = voi.to_frame()
    ranged = frame[frame["kind"] != "red line"]  # the range of width 0 that makes it sample: always "yes", worth nothing
    assert list(ranged["question"]) == ["a"] and list(ranged["rise"]) == [0.0] and list(ranged["p yes"]) == [1.0]
    frame = frame[frame["kind"] == "red line"]
    assert set(frame["question"]) == {"a_line", "b_line"}
    for row in frame.itertuples():
        yes = np.array([bool(world[row.question]) for world in oracle.worlds])
        after = sum(oracle.most_robust(["a", "b"], side)[0] for side in (yes, ~yes))
        assert row.rise == (after - best) / 400 and row.rise > 0.15, row.question


BAD = [
    ({"red_lines": 0, "real": 1.5, "id": "x"}, "red_lines[0]", "must be a probability in (0, 1]"),
    ({"red_lines": 0, "real": 0, "id": "x"}, "red_lines[0]", "must be a probability in (0, 1]"),
    ({"red_lines": 0, "price": "a lot"}, "red_lines[0].price", "expected a number"),
    ({"red_lines": 0, "real": 0.5}, "red_lines[0]", "needs an 'id'"),
    ({"parties": 0, "reservation_range": [9, 3]}, "parties[0]", "is inverted; write [3, 9]"),
    ({"parties": 0, "reservation_range": [7, 9]}, "parties[0]", "does not contain the stated reservation 6; widen it"),
    ({"parties": 1, "points_spread": 1.0}, "parties[1]", "outside [0, 1)"),
]


@pytest.mark.parametrize("change, place, words", BAD)
def test_bad_uncertainty_fields_name_the_file_the_place_and_the_fix(change, place, words, tmp_path):
    import copy

    import yaml

    data = copy.deepcopy(CASE)
    (where, k), = [(key, value) for key, value in change.items() if key in ("red_lines", "parties")]
    data[where][k] = {key: value for key, value in data[where][k].items() if key not in ("real", "id", "price")} \
        if where == "red_lines" else dict(data[where][k])
    data[where][k].update({key: value for key, value in change.items() if key != where})
    file = tmp_path / "bad.yaml"
    file.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(ScenarioError) as caught:
        Scenario.from_yaml(file)
    message = str(caught.value)
    assert str(file) in message and place in message and words in message


def test_a_world_the_chance_of_a_deal_wrongly_closed_is_refused_not_miscounted():
    """The most robust package counts only the worlds with a deal once the chance of a deal is known on the sample
    (no package wins the others).  A planted fault there -- a world the package wins marked as having no deal -- stops
    the search with an error naming both answers instead of a wrong count."""
    space = _space(Scenario.from_dict(CASE))
    deal = space.deal_probability(samples=200, seed=1, scheduler="serial")
    honest = space.most_robust(samples=200, seed=1)
    study = space._sample(200, 1)
    won = verdicts(space.scenario, [honest.exact_choices], study.worlds).accepted[0]
    planted = int(np.flatnonzero(won)[0])
    assert study.cache["with deal"].tolist() == [w.deal for w in deal.worlds]
    study.cache["with deal"] = np.array([w.deal and w.world != planted for w in deal.worlds])
    study.cache.pop("robust", None)
    with pytest.raises(AnswersDisagree, match=f"found no acceptable package in sampled world {planted}, and the exact check"):
        space.most_robust(samples=200, seed=1)


def test_bad_arguments(case_space):
    with pytest.raises(ValueError, match="samples"):
        case_space.worlds(samples=0)
    with pytest.raises(ValueError, match="seed"):
        case_space.deal_probability(samples=10, seed=-1)
    with pytest.raises(ValueError, match="scheduler"):
        case_space.deal_probability(samples=11, scheduler=3)  # type: ignore[arg-type]
    with pytest.raises(ScenarioError, match="unknown option"):
        case_space.robustness([{"land": "nowhere", "money": "none", "troops": "stay"}], samples=10)


def test_without_uncertainty_every_world_is_the_stated_one():
    space = _space(Scenario.from_yaml("data/logrolling.yaml"))
    assert space.worlds(samples=5).to_frame().shape == (5, 0)
    deal = space.deal_probability(samples=5, scheduler="serial")
    assert deal.probability == 1 and len({tuple(sorted(w.gains.items())) for w in deal.worlds}) == 1
    assert deal.worlds[0].gains == space.best("maxmin").exact_gains
    robust = space.most_robust(samples=5)
    assert robust.wins == 5 and robust.exact_gains == space.best("maxmin").exact_gains
    assert not len(space.value_of_information(samples=5))


def test_amounts_and_uncertain_reservations():
    """With a continuous issue (Adjusted Winner) and a reservation range: the most robust package's
    count is checked exactly, and it is acceptable in exactly the worlds where the evaluator says so."""
    data = Scenario.from_yaml("data/adjusted_winner.yaml").to_dict()
    for party in data["parties"]:
        party["reservation_range"] = [party["reservation"], party["reservation"] + 70]
    scenario = Scenario.from_dict(data)
    space = _space(scenario)
    robust = space.most_robust(samples=60, seed=2)
    deal = space.deal_probability(samples=60, seed=2, scheduler="serial")
    # acceptance by hand (no evaluator): utilities are per_unit x amount, reservations drawn by the documented rules
    raw = scenario.to_dict()
    utility = {p: sum(Fraction(repr(points["per_unit"])) * Fraction(robust.exact_choices[issue]) for issue, points in table.items())
               for p, table in raw["utilities"].items()}
    won = [all(utility[p] >= Fraction(world[p]) for p in utility) for world in draw_worlds(scenario, 60, seed=2)]
    assert sum(won) == robust.wins and robust.optimal
    assert all(deal.worlds[w].deal for w in range(60) if won[w])
    assert robust.wins <= deal.deals


def test_time_limit_returns_the_best_found_with_a_bound():
    import sys
    sys.path.insert(0, "benchmarks")
    from scenarios import uncertain_random_scenario

    scenario = uncertain_random_scenario(30, 5, 4, seed=0, uncertain=10)
    exact = _space(scenario).most_robust(samples=1000, seed=0)
    assert exact.optimal and exact.bound == exact.wins
    space = _space(scenario)
    try:
        found = space.most_robust(samples=1000, seed=0, time_limit=0.3)
    except TimeLimitReached:
        return  # stopped before any package was found: also a documented outcome
    finished = space.most_robust(samples=1000, seed=0)  # without a limit, the search is finished
    assert finished.optimal and finished.wins == exact.wins
    if found.optimal:
        assert found.wins == exact.wins
    else:
        assert found.bound >= exact.wins >= found.wins >= 1


def test_robustness_command(tmp_path, capsys):
    import json

    import yaml

    file = tmp_path / "case.yaml"
    file.write_text(yaml.safe_dump(CASE, sort_keys=False))
    assert main(["robustness", str(file), "--samples", "60", "--scheduler", "serial"]) == 0
    out = capsys.readouterr().out
    for words in ("Chance of a deal", "How often each package is acceptable", "Most robust package", "What learning"):
        assert words in out
    assert main(["robustness", str(file), "--samples", "60", "--seed", "2", "--scheduler", "serial", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["samples"] == 60 and 0 <= data["deal_probability"]["probability"] <= 1
    assert data["most_robust"]["wins"] >= 1 and len(data["value_of_information"]) == 4
    assert main(["robustness", str(file), "--samples", "0"]) == 2


def test_report_says_how_sure_the_deal_is_only_with_uncertainty_fields(tmp_path):
    from bargaining import write_report as report

    page = report(_space(Scenario.from_dict(CASE)), tmp_path / "case.html", samples=60).read_text()
    assert "How sure is this deal?" in page and "What learning each uncertainty would be worth" in page
    assert "How often each package is acceptable" in page and "The most robust package" in page
    plain = report(_space(Scenario.from_yaml("data/logrolling.yaml")), tmp_path / "plain.html", samples=20).read_text()
    assert "How sure is this deal?" not in plain


def test_json_has_null_for_a_side_that_never_happens(tmp_path, capsys):
    import copy
    import json

    import yaml

    data = copy.deepcopy(CASE)
    data["red_lines"][0]["real"] = 1.0  # never a bluff: "if no" has no worlds
    file = tmp_path / "sure.yaml"
    file.write_text(yaml.safe_dump(data, sort_keys=False))
    assert main(["robustness", str(file), "--samples", "30", "--scheduler", "serial", "--json"]) == 0
    text = capsys.readouterr().out
    row = next(r for r in json.loads(text)["value_of_information"] if r["question"] == "a_land")
    assert "NaN" not in text and row["deal if no"] is None and row["p yes"] == 1.0


def test_the_section_escapes_scenario_text(tmp_path):
    import copy

    from bargaining import write_report as report

    data = copy.deepcopy(CASE)
    evil = "<img src=x onerror=window.__pwned=1>"
    data["parties"][0]["name"] = evil
    data["red_lines"][0]["name"] = evil
    text = report(_space(Scenario.from_dict(data)), tmp_path / "evil.html", samples=40).read_text()
    assert "How sure is this deal?" in text and "<img" not in text


def test_the_value_of_information_with_the_relaxation_bound_is_the_searches_answer(monkeypatch):
    """A package found for an earlier question proven the best for a later one by the count's linear relaxation (an
    upper bound) instead of a search: the same table as with a search for every question, fewer searches, and the
    bound is never below what the search finds."""
    from bargaining.algorithms import robust as robust_module

    few = dict(samples=200, seed=1)
    searched: list[str] = []
    original = robust_module.most_robust

    def counted(*args, **kwargs):
        searched.append("x")
        return original(*args, **kwargs)

    monkeypatch.setattr(robust_module, "most_robust", counted)
    with monkeypatch.context() as without:
        without.setattr(robust_module, "count_bound", lambda study, among: None)
        plain = _space(Scenario.from_dict(CASE)).value_of_information(**few).to_frame()
    every, searched[:] = len(searched), []
    space = _space(Scenario.from_dict(CASE))
    assert space.value_of_information(**few).to_frame().equals(plain)
    assert len(searched) < every
    study = space._sample(**few)
    with study.switched_on():
        for j in range(len(study.worlds.lines)):
            for side in (study.worlds.real[:, j], ~study.worlds.real[:, j]):
                found = original(study, (), side, tie_break=False)
                assert robust_module.count_bound(study, side) >= (found.wins if found else 0)


@settings(max_examples=examples(120))  # (cheap: about 0.1 s an example)
@given(uncertain_scenarios())
def test_every_package_is_acceptable_only_where_a_dominating_row_is(scenario):
    """The rows the value of information bounds each count with (:func:`~bargaining.algorithms.drawn.dominating`: the
    witnesses at the low end of every reservation range): against brute force, every package of the scenario is
    acceptable, in the sampled worlds, only where one single row is; so no package wins more worlds of any set than
    the best row does there.  With points spreads there are no rows (None: a draw's utilities are not the stated
    ones), and the value of information asks the count's linear relaxation instead."""
    from bargaining.algorithms.drawn import dominating

    assert dominating(_space(Scenario.from_dict(CASE))._search, Worlds.sample(Scenario.from_dict(CASE), SAMPLES, 5)) is None
    data = scenario.to_dict()
    for party in data["parties"]:
        party.pop("points_spread", None)
    scenario = answered_by_sampling(Scenario.from_dict(data))
    oracle = enumerate_worlds(scenario, SAMPLES, seed=5)  # its own draws, by the documented rules
    rows = dominating(_space(scenario)._search, Worlds.sample(scenario, SAMPLES, 5))
    assert rows is not None and rows.shape[1] == SAMPLES
    for k, x in enumerate(oracle.packages):
        accepted = oracle.accepted[k]
        assert not accepted.any() or (~accepted[np.newaxis, :] | rows).all(axis=1).any(), (x, accepted, rows)
