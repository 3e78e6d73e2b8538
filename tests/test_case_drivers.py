"""The bundled case's drivers, defended: what `bargaining sensitivity` names as a driver has a range and a reasoned
rationale, and the findings the README states over the ranges are recomputed here from the analysis (moving each
driver within its range, to the crossing values the tornado reports, and past them), not read off a pinned draw.
Also the format's `real_range` (validation, and the tornado over it) on a hand-checkable case."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from bargaining import BargainingSpace, Scenario
from bargaining.scenario import ScenarioError

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "data" / "europe_russia_ukraine.yaml"
DATA_README = " ".join((ROOT / "data" / "README.md").read_text().split())
RUSSIAN = {"russian_admin_demilitarised", "russian_control"}


@pytest.fixture(scope="module")
def case() -> dict:
    return Scenario.from_yaml(CASE).to_dict()


@pytest.fixture(scope="module")
def stated(case):
    return BargainingSpace(Scenario.from_dict(case), progress=False).sensitivity(break_even=False)


def with_real(data: dict, **probabilities: float) -> Scenario:
    lines = []
    for line in data["red_lines"]:
        line = dict(line)
        if line.get("id") in probabilities:
            line["real"] = probabilities[line["id"]]
        lines.append(line)
    return Scenario.from_dict({**data, "red_lines": lines})


def test_every_driver_has_a_range_and_a_reasoned_rationale(stated):
    scenario = stated.scenario
    drivers = [bar for bar in stated.tornado if bar.kind == "real" and not bar.inert]
    assert {bar.input for bar in drivers} == {"ua_no_handover", "ru_donbas_admin"}
    for bar in drivers:
        line = next(r for r in scenario.red_lines if r.id == bar.input)
        assert line.real_range is not None and (bar.low, bar.high) == tuple(line.real_range)
        assert "Estimate" in line.rationale and "coin toss" not in line.rationale.replace("not a coin toss", "")
    kyiv = next(r for r in scenario.red_lines if r.id == "ua_no_handover")
    assert "not what voters think" in kyiv.rationale  # the poll share is not the government's line


def test_the_headline_over_the_ranges_is_the_formula_at_the_corners(case, stated):
    line = {r.id: r for r in stated.scenario.red_lines}
    h, a = (Fraction(str(line[k].real)) for k in ("ua_no_handover", "ru_donbas_admin"))
    assert stated.deal.exact_probability == 1 - h * a
    (h0, h1), (a0, a1) = ([Fraction(str(x)) for x in line[k].real_range] for k in ("ua_no_handover", "ru_donbas_admin"))
    assert stated.exact_deal_over_ranges == (1 - h1 * a1, 1 - h0 * a0)
    bars = {b.input: b for b in stated.tornado}
    assert bars["ru_donbas_admin"].exact_deal_low == 1 - h * a0 and bars["ru_donbas_admin"].exact_deal_high == 1 - h * a1
    low, high = stated.deal_over_ranges
    assert f"runs from {low:.0%} to {high:.0%} over the ranges" in DATA_README


def test_the_most_robust_package_flips_where_the_tornado_says_inside_the_ranges(case, stated):
    """The crossing values are computed by the tornado; the flip is checked by re-running the exact analysis on
    either side of Moscow's crossing (and the structure that must survive is checked there too)."""
    bars = {b.input: b for b in stated.tornado}
    robust = {b.input: next(c for c in b.changes if c.finding == "most robust package" and c.changes) for b in bars.values()
              if any(c.finding == "most robust package" and c.changes for c in b.changes)}
    h = Fraction(str(next(r for r in stated.scenario.red_lines if r.id == "ua_no_handover").real))
    a = Fraction(str(next(r for r in stated.scenario.red_lines if r.id == "ru_donbas_admin").real))
    assert robust["ru_donbas_admin"].exact_at == h and robust["ua_no_handover"].exact_at == a  # the classes cross at p_A = p_H
    for key, bar in bars.items():
        if key in robust:
            assert bar.exact_low <= robust[key].exact_at <= bar.exact_high and robust[key].verified
    assert stated.most_robust.choices["donbas"] == "free_economic_zone"
    for moved, expect_russian in ((float(h) + 0.05, True), (float(h) - 0.05, False)):
        result = BargainingSpace(with_real(case, ru_donbas_admin=moved), progress=False).sensitivity(break_even=False)
        assert (result.most_robust.choices["donbas"] in RUSSIAN) is expect_russian, moved
        # what holds everywhere in the range: one blocking set, the same two lines, a tie for the first question
        assert [set(stated.deal.line(k).id for k in g) for g in result.deal.blocking] == [{"ua_no_handover", "ru_donbas_admin"}]
        ties = [t for t in result.ties if t.ranking == "value of information"]
        assert len(ties) == 1 and set(ties[0].items) == {"ua_no_handover", "ru_donbas_admin"}


def test_a_probability_outside_its_range_does_not_pass_silently(case):
    """The issue's example: Moscow's probability set to 0.35 (headline about 74%) must fail."""
    with pytest.raises(ScenarioError, match=r"real_range \[0.4, 0.8\] does not contain the stated real 0.35"):
        with_real(case, ru_donbas_admin=0.35)


def test_the_price_of_moscows_demand_decides_nothing_below_its_break_even(case):
    data = dict(case)
    data["red_lines"] = [dict(r) for r in case["red_lines"]]
    admin = next(r for r in data["red_lines"] if r.get("id") == "ru_donbas_admin")
    admin.pop("real"), admin.pop("real_range")
    table = BargainingSpace(Scenario.from_dict(data), progress=False).break_even(findings=["open"], inputs=["price:ru_donbas_admin"])
    up = next(r for r in table.rows if r.direction == "up")
    assert up.flip is None and up.verified and up.beyond is not None and up.beyond > 2 * admin["price"]
    assert f"not real a deal exists for any price up to {up.beyond:g}" in " ".join(admin["rationale"].split())
    assert f"decides nothing below {up.beyond:g}" in DATA_README


# ---- the format: real_range


def small(**line: object) -> dict:
    return {"format": 1, "name": "t", "parties": [{"id": "kyiv", "reservation": 0}, {"id": "moscow", "reservation": 0}],
            "issues": [{"id": "area", "options": [{"id": "kyiv", "status_quo": True}, {"id": "international"}, {"id": "moscow"}]}],
            "utilities": {"kyiv": {"area": {"kyiv": 2, "international": 1, "moscow": 0}},
                          "moscow": {"area": {"kyiv": 0, "international": 1, "moscow": 2}}},
            "red_lines": [{"id": "h", "party": "kyiv", "forbid": {"area": "moscow"}, "real": 0.75, "real_range": [0.6, 0.9]},
                          {"id": "a", "party": "moscow", "require": {"area": "moscow"}, **line}]}


@pytest.mark.parametrize("line, message", [
    ({"real_range": [0.2, 0.8]}, "needs 'real' beside it"),
    ({"real": 0.5, "real_range": [0.8, 0.2]}, "is inverted; write [0.2, 0.8]"),
    ({"real": 0.5, "real_range": [-0.1, 0.8]}, "must lie within [0, 1]"),
    ({"real": 0.5, "real_range": [0.6, 0.8]}, "does not contain the stated real 0.5; widen it or change real"),
])
def test_real_range_errors_name_the_place_and_the_fix(line, message, tmp_path):
    import yaml

    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(small(**line), sort_keys=False))
    with pytest.raises(ScenarioError) as error:
        Scenario.from_yaml(path)
    text = str(error.value)
    assert message in text and "bad.yaml" in text and "red_lines[1]" in text


def test_the_tornado_moves_a_probability_over_its_range_exactly():
    """KYIV_MOSCOW of docs/exact-uncertainty.md with ranges: deal = 1 - p_H p_A; the classes cross at p_A = p_H."""
    result = BargainingSpace(Scenario.from_dict(small(real=0.5, real_range=[0.3, 0.7])), progress=False).sensitivity(break_even=False)
    bars = {b.input: b for b in result.tornado}
    h, a = bars["h"], bars["a"]
    assert (h.exact_low, h.exact_high, a.exact_low, a.exact_high) == (Fraction(3, 5), Fraction(9, 10), Fraction(3, 10), Fraction(7, 10))
    assert (a.exact_deal_low, a.exact_deal_high) == (1 - Fraction(3, 4) * Fraction(3, 10), 1 - Fraction(3, 4) * Fraction(7, 10))
    assert result.exact_deal_over_ranges == (1 - Fraction(9, 10) * Fraction(7, 10), 1 - Fraction(3, 5) * Fraction(3, 10))
    # p_A would reach p_H = 0.75 only beyond its range [0.3, 0.7]: reported as beyond, not as a change
    up = next(c for c in a.changes if c.finding == "most robust package" and c.direction == "up")
    assert not up.changes and up.exact_beyond == Fraction(3, 4) and "beyond the range" in up.text()
    # p_H falls to p_A = 0.5 only below its range [0.6, 0.9]: beyond too
    down = next(c for c in h.changes if c.finding == "most robust package" and c.direction == "down")
    assert not down.changes and down.exact_beyond == Fraction(1, 2)
