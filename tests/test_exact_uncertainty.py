"""The exact uncertainty analysis against brute force over every world of the uncertain red lines."""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

from budget import examples
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import enumerate_packages
from oracle_exact import exact_oracle, only_real_lines
from strategies import scenarios
from strategies_exact import exact_scenarios

from bargaining import BargainingSpace, Scenario, write_report
from bargaining.algorithms.blocking import holds, positions
from bargaining.algorithms.drawn import drawn_deal
from bargaining.algorithms.exact_findings import classes, information, most_robust, package_chance
from bargaining.algorithms.exact_worlds import analyse
from bargaining.algorithms.ranking_ties import solution_ties
from bargaining.results.ties import PROBABILITY_TOLERANCE

ROOT = Path(__file__).resolve().parents[1]
from bargaining.engine.search import Search


@settings(max_examples=examples(60))
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
    on_model = analyse(Search.of(scenario), programme=False)  # the model's enumeration, where the programme answered first
    assert on_model.family == analysis.family and on_model.missed == 0 and on_model.complete
    assert {w.family for w in on_model.witnesses} == {w.family for w in analysis.witnesses}


@settings(max_examples=examples(50))
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
        close = [f for f in families if best - holds(f, analysis.setting.probabilities) <= PROBABILITY_TOLERANCE]
        assert len(robust.tied) == len(close) - 1  # every other acceptance profile as likely (within the tolerance) is named

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


def _best_packages(oracle, chances=None) -> frozenset[int]:
    chances = chances if chances is not None else oracle.package_probability()
    top = max(chances, default=Fraction(0))
    return frozenset(k for k, c in enumerate(chances) if c == top) if top > 0 else frozenset()


def _first_questions(oracle) -> frozenset[str]:
    """The questions worth the most (none when no question is worth anything)."""
    values = oracle.value_of_information()
    top = max(values.values(), default=Fraction(0))
    return frozenset(q for q, v in values.items() if v == top) if top > 0 else frozenset()


DELTA = Fraction(1, 10**9)


@settings(max_examples=examples(50))
@given(exact_scenarios(max_lines=5))
def test_the_api_answers_exactly_and_the_tornado_equals_brute_force(scenario):
    scenario = only_real_lines(scenario)
    oracle = exact_oracle(scenario)
    space = BargainingSpace(scenario, progress=False)
    deal = space.deal_probability()
    assert deal.exact and deal.interval is None and deal.exact_probability == oracle.deal_probability()
    assert deal.method in ("dp", "mip", "dp+mip") and "nothing sampled" in deal.reason
    table = space.robustness([dict(x) for x in oracle.enumeration.packages])
    rows = table.to_frame()
    assert table.exact and table.samples == 0 and rows["low"].isna().all() and all(r.low is None and r.high is None for r in table)
    assert rows["share"].tolist() == [float(c) for c in oracle.package_probability()]
    voi = space.value_of_information()
    assert voi.exact and "exact over every world" in repr(voi)
    assert {q.question: q.rise for q in voi} == {q: float(v) for q, v in oracle.value_of_information().items()}
    robust = space.most_robust()
    best = max(oracle.package_probability(), default=Fraction(0))
    assert (robust is None) == (best == 0) and (robust is None or (robust.exact and robust.exact_probability == best))

    result = space.sensitivity(break_even=False)
    assert result.break_even is None
    assert result.deal.exact_probability == oracle.deal_probability() and result.complete
    for bar in result.tornado:
        j = oracle.lines.index(bar.input)
        assert bar.exact_deal_low == oracle.with_probability(j, Fraction(0)).deal_probability()
        assert bar.exact_deal_high == oracle.with_probability(j, Fraction(1)).deal_probability()
        assert bar.deal_low == float(bar.exact_deal_low) and isinstance(bar.deal_low, float)
        for change in bar.changes:
            end = Fraction(1) if change.direction == "up" else Fraction(0)
            step = DELTA if change.direction == "up" else -DELTA

            def finding(t, j=j, change=change):
                moved = oracle.with_probability(j, t)
                return _best_packages(moved) if change.finding == "most robust package" else _first_questions(moved)

            stated, at = bar.exact_stated, change.exact_at
            if at is None:  # no change within the range: just past the stated value and just before the end agree
                if stated != end:
                    assert finding(stated + step) == finding(end - step)
                continue
            assert change.verified and change.at == float(at)
            assert stated <= at <= 1 if change.direction == "up" else 0 <= at <= stated
            before = finding(at - step) if at != stated else finding(stated)
            assert finding(at + step) != before  # it changes there ...
            if at != stated:  # ... and not before
                assert before == finding((stated + at) / 2)


TWO_CONFLICTS = {
    "format": 1, "name": "Two conflicts",
    "parties": [{"id": "k", "reservation": -1}, {"id": "m", "reservation": -1}],
    "issues": [{"id": "x", "options": [{"id": "x1", "status_quo": True}, {"id": "x2"}]},
               {"id": "y", "options": [{"id": "y1", "status_quo": True}, {"id": "y2"}]}],
    "utilities": {"k": {"x": {"x1": 1}}, "m": {"y": {"y2": 1}}},
    "red_lines": [
        {"id": "a", "party": "k", "forbid": {"x": "x1"}, "real": 0.2},
        {"id": "b", "party": "m", "forbid": {"x": "x2"}, "real": 0.5},
        {"id": "c", "party": "k", "forbid": {"y": "y1"}, "real": 0.25},
        {"id": "d", "party": "m", "forbid": {"y": "y2"}, "real": 0.5},
    ],
}


def test_two_conflicts_by_hand():
    """Worked by hand (docs/exact-uncertainty.md): a deal exists unless a and b, or c and d, are both real:
    (1 - 0.2 x 0.5)(1 - 0.25 x 0.5) = 0.7875; the package (x1, y1), which breaks a and c, is acceptable unless a or c is real:
    0.8 x 0.75 = 0.6; knowing c (or d) is worth 0.25 x 0.5 x 0.8 = 0.1, knowing a (or b) 0.2 x 0.5 x 0.75 = 0.075;
    as p(a) rises to 0.25 the first questions become a and b (0.375 t = 0.125 (1 - t)), at 0.5 the most robust
    package changes (x1 and x2 tie)."""
    scenario = Scenario.from_dict(TWO_CONFLICTS)
    result = BargainingSpace(scenario, progress=False).sensitivity(break_even=False)
    assert result.deal.exact_probability == Fraction(63, 80) == exact_oracle(scenario).deal_probability()
    assert result.deal.blocking == ((0, 1), (2, 3))
    assert result.deal.expression == "(1 - 0.2 x 0.5)(1 - 0.25 x 0.5) = 78.75%"
    assert result.most_robust.exact_probability == Fraction(3, 5) and result.most_robust.choices == {"x": "x1", "y": "y1"}
    voi = result.information.to_frame()
    assert list(voi["question"][:2]) == ["c", "d"] and list(voi["rank"]) == [1, 1, 2, 2]
    assert [(q.rank, q.tied_with) for q in result.information][:2] == [(1, "d"), (1, "c")]
    assert [t.items for t in result.ties if t.ranking == "value of information"] == [("c", "d"), ("a", "b")]
    bar = next(b for b in result.tornado if b.input == "a")
    up = {c.finding: c for c in bar.changes if c.direction == "up"}
    assert up["first question"].exact_at == Fraction(1, 4) and up["first question"].verified
    assert up["most robust package"].exact_at == Fraction(1, 2) and up["most robust package"].verified
    assert bar.exact_deal_low == Fraction(7, 8) and bar.exact_deal_high == Fraction(7, 16)


@settings(max_examples=examples(25))
@given(exact_scenarios(max_lines=4, controlled=False), st.sampled_from([0.5, 1.0, 2.5]), st.sampled_from([0.0, 1.0, 3.0]),
       st.sampled_from([0.1, 0.5]))
def test_ranges_and_spreads_are_analysed_again_at_both_ends(scenario, below, above, spread):
    data = only_real_lines(scenario).to_dict()
    first, second = data["parties"][0], data["parties"][-1]
    first["reservation_range"] = [first["reservation"] - below, first["reservation"] + above]
    second["points_spread"] = spread
    scenario = Scenario.from_dict(data)
    result = BargainingSpace(scenario, progress=False).sensitivity(break_even=False)
    stated = exact_oracle(scenario)
    assert result.deal.exact_probability == stated.deal_probability()
    points = [(i["id"], o["id"]) for i in data["issues"] for o in i["options"]]
    for bar in result.tornado:
        if bar.kind == "real":
            continue
        ends = {}
        for end, deal in ((bar.exact_low, bar.exact_deal_low), (bar.exact_high, bar.exact_deal_high)):
            fixed = {bar.input: end} if bar.kind == "reservation" else {f"factor:{bar.input}:{i}:{o}": end for i, o in points}
            ends[end] = oracle = exact_oracle(scenario, fixed)
            assert deal == oracle.deal_probability()
        for change in bar.changes:
            end = bar.exact_high if change.direction == "up" else bar.exact_low
            if change.finding == "most robust package":
                assert (change.exact_between is not None) == (ends[end].best_patterns() != stated.best_patterns())
            else:
                assert (change.exact_between is not None) == (_first_questions(ends[end]) != _first_questions(stated))


def test_the_end_of_a_range_is_the_decimal_the_file_writes():
    """Kyiv's reservation range ends at 0.1, exactly its utility for the international administration, the only package
    that keeps Moscow's line b (no Kyiv administration).  At that end Kyiv still accepts it (0.1 >= 0.1): a deal unless
    a is real, 1/2.  Read as the float 0.1 (a little more than 1/10) Kyiv would refuse it, leaving only its own
    administration, blocked by a or b: 1/4."""
    import copy

    data = copy.deepcopy(KYIV_MOSCOW)
    data["utilities"]["kyiv"]["area"]["international"] = 0.1
    data["parties"][0]["reservation_range"] = [0, 0.1]
    data["red_lines"].append({"id": "b", "party": "moscow", "forbid": {"area": "kyiv"}, "real": 0.5})
    scenario = Scenario.from_dict(data)
    bar = next(b for b in BargainingSpace(scenario, progress=False).sensitivity(break_even=False).tornado if b.kind == "reservation")
    assert bar.exact_high == Fraction(1, 10) and Fraction(0.1) > Fraction(1, 10)
    assert bar.exact_deal_high == Fraction(1, 2) == exact_oracle(scenario, {"kyiv": Fraction(1, 10)}).deal_probability()
    assert exact_oracle(scenario, {"kyiv": 0.1}).deal_probability() == Fraction(1, 4)  # the float, for contrast


@settings(max_examples=examples(20))
@given(exact_scenarios(max_lines=4), st.sampled_from([0.5, 2.5]), st.sampled_from([0.0, 0.25]))
def test_drawn_deal_is_the_mean_of_each_draws_exact_chance(scenario, width, spread):
    data = only_real_lines(scenario).to_dict()
    first = data["parties"][0]
    first["reservation_range"] = [first["reservation"] - width, first["reservation"] + width]
    if spread:
        data["parties"][-1]["points_spread"] = spread
    scenario = Scenario.from_dict(data)
    drawn = drawn_deal(Search.of(scenario), 6, 4)
    table = BargainingSpace(scenario, progress=False).worlds(samples=6, seed=4).to_frame()
    continuous = [c for c in table.columns if c in {p["id"] for p in data["parties"]} or c.startswith("factor:")]
    chances = [exact_oracle(scenario, {c: float(row[c]) for c in continuous}).deal_probability() for _, row in table.iterrows()]
    if drawn.constant:  # the same in every draw, exactly
        assert all(c == drawn.exact_probability for c in chances) and drawn.interval is None and not spread
    else:
        assert drawn.exact_probability == sum(chances) / len(chances)
        low, high = drawn.interval
        assert low <= drawn.probability <= high


KYIV_MOSCOW = {
    "format": 1, "name": "Who administers the area",
    "parties": [{"id": "kyiv", "reservation": 0}, {"id": "moscow", "reservation": 0}],
    "issues": [{"id": "area", "options": [{"id": "kyiv", "status_quo": True}, {"id": "international"}, {"id": "moscow"}]}],
    "utilities": {"kyiv": {"area": {"kyiv": 2, "international": 1}}, "moscow": {"area": {"moscow": 2, "international": 1}}},
    "red_lines": [{"id": "h", "party": "kyiv", "forbid": {"area": "moscow"}, "real": 0.75},
                  {"id": "a", "party": "moscow", "require": {"area": "moscow"}, "real": 0.5}],
}


def test_the_worked_example_of_the_docs():
    """docs/exact-uncertainty.md, section 4 and 6: every number there."""
    space = BargainingSpace(Scenario.from_dict(KYIV_MOSCOW), progress=False)
    result = space.sensitivity(break_even=False)
    assert result.deal.exact_probability == Fraction(5, 8) and result.deal.blocking == ((0, 1),)
    assert result.deal.expression == "1 - 0.75 x 0.5 = 62.5%"
    assert result.most_robust.exact_probability == Fraction(1, 2) and result.most_robust.choices == {"area": "international"}
    assert result.most_robust.tied == ()  # kyiv and international have the same profile: one class, not a tie
    assert [q.rank for q in result.information] == [1, 1] and {q.rise for q in result.information} == {0.125}
    changes = {(bar.input, c.direction): c.exact_at for bar in result.tornado for c in bar.changes if c.exact_at is not None}
    assert changes == {("h", "down"): Fraction(1, 2), ("a", "up"): Fraction(3, 4)}
    text = (ROOT / "docs" / "exact-uncertainty.md").read_text()
    assert "1 - 0.75 x 0.5 = 5/8 = 62.5%" in text and "+12.5 points each" in text
    assert "changes at p_H = 0.5" in text and "at p_A = 0.75" in text


def _criterion_values(oracle, criterion: str, parties: list[str]) -> list[Fraction]:
    """Each acceptable package's value under the criterion, from the documented definitions (README "Criteria")."""
    rows = [k for k in range(len(oracle.acceptable)) if oracle.acceptable[k]]
    gains = [{p: u - oracle.reservations[p] for p, u in oracle.utilities(k).items()} for k in rows]
    ideal = {p: max(g[p] for g in gains) for p in parties}
    values = []
    for k, g in zip(rows, gains):
        if criterion == "maxmin":
            values.append(min(g[p] for p in parties))
        elif criterion == "utilitarian":
            values.append(sum(oracle.utilities(k)[p] for p in parties))
        elif criterion == "nash":
            values.append(math.prod((g[p] for p in parties), start=Fraction(1)) if all(g[p] > 0 for p in parties) else Fraction(0))
        else:
            values.append(min((g[p] / ideal[p] for p in parties if ideal[p] > 0), default=Fraction(0)))
    return values


@settings(max_examples=examples(40))
@given(scenarios(shape="open"))
def test_solution_ties_are_named_exactly_where_brute_force_finds_equal_values(scenario):
    oracle = enumerate_packages(scenario)
    parties = scenario.criteria_party_ids
    found = {t.ranking.removesuffix(" value") for t in solution_ties(Search.of(scenario), parties) if t.ranking.endswith(" value")}
    for criterion in ("maxmin", "utilitarian", "nash", "kalai"):
        values = _criterion_values(oracle, criterion, parties)
        top = max(values, default=None)
        assert (criterion in found) == (values.count(top) >= 2), criterion


def test_an_analysis_cut_short_says_so_and_gives_a_lower_bound(monkeypatch):
    import sys
    import warnings

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from scenarios import uncertain_random_scenario

    scenario = uncertain_random_scenario(12, 4, 3, seed=2, uncertain=8, ranges=False)
    full = analyse(Search.of(scenario))
    exact = holds(full.family, full.setting.probabilities)
    assert full.complete and len(full.witnesses) > 3
    short = analyse(Search.of(scenario), max_packages=3)  # too many maximal packages for this budget
    assert not short.complete and "3 maximal packages" in short.reason and "lower bound" in short.reason
    assert holds(short.family, short.setting.probabilities) <= exact
    result = BargainingSpace(scenario, progress=False).sensitivity(time_limit=1e-9)  # nothing can be searched
    assert not result.complete and not result.exact and "time limit" in result.reason
    assert result.deal.words.startswith("Not known") or result.deal.words.startswith("At least")
    assert result.deal.exact_probability <= exact

    from bargaining.algorithms import hinges

    monkeypatch.setattr(hinges, "analyse", lambda search: analyse(search, max_packages=3))
    space = BargainingSpace(scenario, progress=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        deal = space.deal_probability(samples=40, seed=1, scheduler="serial")
    assert any("sampled instead" in str(w.message) and "lower bound" in str(w.message) for w in caught)
    assert deal.samples == 40 and deal.interval is not None  # the sampled answer, with its interval


def test_the_break_even_table_is_shown_where_the_findings_are(tmp_path):
    """sensitivity() holds space.break_even()'s table, computed on the same model within the same call; the command, its
    JSON, the notebook HTML and the report show it, and every inert input, of the tornado and of the table, in one list
    (Moscow's reservation: inert in both, over its range [-1, 0])."""
    import copy
    import re

    from bargaining import BreakEvenTable
    from bargaining.cli.sensitivity import to_json
    from bargaining.present.sensitivity_text import render_sensitivity
    from bargaining.report.sensitivity_section import sensitivity_section

    data = copy.deepcopy(KYIV_MOSCOW)
    data["parties"][1]["reservation_range"] = [-1, 0]
    space = BargainingSpace(Scenario.from_dict(data), progress=False)
    result = space.sensitivity()
    table = result.break_even
    assert isinstance(table, BreakEvenTable) and table.complete and result.complete and result.exact
    alone = space.break_even(progress=False)
    assert [(r.finding, r.input, r.direction, r.exact_flip, r.verified) for r in table.rows] == \
        [(r.finding, r.input, r.direction, r.exact_flip, r.verified) for r in alone.rows]
    flips = table.flips()
    assert flips and all(r.verified for r in flips)
    assert result.inert() == ["reservation:moscow"] and list(result.inert_frame()["analysis"]) == ["tornado, break-even"]
    assert space.sensitivity(break_even=False).break_even is None

    text = render_sensitivity(result)
    assert "Break-even values of the stated-world findings" in text
    assert all(r.text() in text for r in flips)
    inert = text.split("\nInert (", 1)[1]
    assert "moscow's reservation (reservation:moscow): 0 [-1 to 0]; tornado, break-even" in inert
    assert text.count("Inert (") == 1  # one list
    data = to_json(result)
    assert data["break_even"] == table.to_dict() and [row["input"] for row in data["inert"]] == ["reservation:moscow"]
    html = result._repr_html_()
    assert "Break-even values" in html and "reservation:moscow" in html
    page = write_report(space, tmp_path / "be.html", sections=[sensitivity_section]).read_text()
    words = " ".join(re.sub(r"<[^>]+>", " ", page).replace("&#39;", "'").split())
    assert "Break-even values of the stated-world findings" in words and "Inert Over its whole range" in words
    assert "moscow's reservation." in words.split("Inert Over its whole range", 1)[1]


def test_sensitivity_without_uncertainty_still_gives_the_break_even_table():
    from bargaining.present.sensitivity_text import render_sensitivity

    space = BargainingSpace(Scenario.from_yaml(ROOT / "data" / "logrolling.yaml"), progress=False)
    result = space.sensitivity(time_limit=120)
    assert not result.deal.lines and not result.tornado and result.most_robust is not None
    assert result.break_even is not None and result.break_even.flips()
    text = render_sensitivity(result)
    assert "No input of this scenario is marked uncertain" in text and "Break-even values" in text


def test_a_cut_short_break_even_table_says_so(monkeypatch):
    """The break-even table gets what the exact analysis leaves of the one time limit; what it does not reach is listed,
    and the sensitivity says it was cut short (the exact findings before it stay exact)."""
    from bargaining.algorithms import hinges

    real = hinges.break_even

    def late(search, parties, **options):
        search.deadline = 0.0  # the time is up from here on (the limit in force, restored after the call)
        return real(search, parties, **options)

    monkeypatch.setattr(hinges, "break_even", late)
    result = BargainingSpace(Scenario.from_dict(KYIV_MOSCOW), progress=False).sensitivity(time_limit=100)
    assert result.deal.complete and result.deal.exact_probability == Fraction(5, 8)
    assert result.break_even is not None and not result.break_even.complete
    assert not result.complete and "break-even table was cut short" in result.reason


def test_robustness_states_the_structure_first_and_samples_only_the_rest(tmp_path, capsys):
    import json

    import yaml
    from test_uncertainty import CASE

    from bargaining.cli import main

    file = tmp_path / "case.yaml"
    file.write_text(yaml.safe_dump(CASE, sort_keys=False))
    assert main(["robustness", str(file), "--samples", "40", "--scheduler", "serial"]) == 0
    out = capsys.readouterr().out
    assert out.index("With the reservations and points as stated:") < out.index("Sampled worlds (the red lines sampled")
    assert "With the reservation ranges and points spreads too:" in out and "exact in each draw" in out
    assert main(["robustness", str(file), "--samples", "40", "--scheduler", "serial", "--json"]) == 0
    lines = json.loads(capsys.readouterr().out)["exact_lines"]
    scenario = Scenario.from_dict(CASE)
    assert lines["structure"]["probability"] == float(exact_oracle(only_real_lines(scenario)).deal_probability())
    only = tmp_path / "only.yaml"
    only.write_text(only_real_lines(scenario).to_yaml())
    assert main(["robustness", str(only)]) == 0
    out = capsys.readouterr().out
    assert "exactly (nothing sampled)" in out and "95% interval" not in out
