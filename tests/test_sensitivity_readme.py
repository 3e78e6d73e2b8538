"""The bundled case's findings on its uncertain red lines, as the README, the scenario's description and the
report state them, checked against what ``bargaining sensitivity`` prints: the structure of the chance of a
deal, the most robust package, every tie, where a finding changes."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path

import pytest

from bargaining import BargainingSpace, Scenario, write_report
from bargaining.algorithms.drawn import drawn_deal
from bargaining.cli import main
from bargaining.report.sensitivity_section import sensitivity_section

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "data" / "europe_russia_ukraine.yaml"
README = (ROOT / "README.md").read_text()
#: how the README calls the lines it names
NAMES = {"ru_donbas_admin": "Moscow's administration demand", "ua_no_handover": "Kyiv's no-handover line"}
WORDS = {8: "eight"}


@pytest.fixture(scope="module")
def printed() -> tuple[str, dict]:
    import contextlib
    import io

    text, data = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(text):
        assert main(["sensitivity", str(CASE)]) == 0
    with contextlib.redirect_stdout(data):
        assert main(["sensitivity", str(CASE), "--json"]) == 0
    return text.getvalue(), json.loads(data.getvalue())


def paragraph() -> str:
    section = README.split("\n## What it says about the bundled case\n", 1)[1].split("\n## ", 1)[0]
    return " ".join(section.split("$ bargaining sensitivity", 1)[1].split("```", 1)[1].split())


def test_the_console_block_is_what_the_command_prints(printed):
    text, _ = printed
    block = README.split("$ bargaining sensitivity data/europe_russia_ukraine.yaml\n", 1)[1].split("\n...\n```", 1)[0]
    assert text.splitlines()[:len(block.splitlines())] == block.splitlines()


def test_the_paragraph_states_the_structure_and_every_tie_as_the_command_finds_them(printed):
    _, data = printed
    prose = paragraph()
    deal = data["deal_probability"]
    assert deal["exact"] == "29/50" and deal["blocking"] == [["ua_no_handover", "ru_donbas_admin"]]
    lines = sorted(deal["blocking"][0], key=lambda x: x != "ru_donbas_admin")
    assert f"A deal exists unless {NAMES[lines[0]]} and {NAMES[lines[1]]} are both real: {deal['expression']}" in prose
    others = [row for row in data["value_of_information"] if row["question"] not in lines]
    assert f"The other {WORDS[len(others)]} annotated lines never decide it" in prose
    assert all(row["deal if yes"] == row["deal if no"] for row in others)  # they never decide it
    ranges = [row for row in data["tornado"] if row["kind"] == "reservation"]
    assert ranges and all(row["inert"] for row in ranges) and "neither does any reservation within its range" in prose

    robust = data["most_robust"]
    assert robust["exact_probability"] == "2/5" and robust["blocking"] == [["ru_donbas_admin"]] and robust["tied"] == []
    assert f"acceptable unless {NAMES['ru_donbas_admin']} is real: 40%" in prose
    low, high = (Fraction(x) for x in data["deal_over_ranges"])
    assert (low, high) == (1 - Fraction(9, 10) * Fraction(8, 10), 1 - Fraction(5, 10) * Fraction(4, 10))
    assert f"the chance of a deal runs from {float(100 * low):.0f}% to {float(100 * high):.0f}%" in prose
    scenario = Scenario.from_yaml(CASE)
    assert robust["choices"]["donbas"] == "free_economic_zone" and "Ukrainian civil administration" in \
        scenario.issue["donbas"].choice_label("free_economic_zone")
    assert all(robust["choices"][i] == scenario.issue[i].status_quo_choice for i in ("sanctions", "energy", "eu_accession"))

    ties = [t for t in data["ties"] if t["ranking"] == "value of information"]
    assert len(ties) == 1 and sorted(ties[0]["items"]) == sorted(lines) and ties[0]["value"] == "+18 points"
    assert (f"is a tie: whether {NAMES['ru_donbas_admin']} is real and whether {NAMES['ua_no_handover']} is, "
            f"+18 points each") in prose
    top = [row for row in data["value_of_information"] if row["question"] in lines]
    assert all(Fraction(row["rise"]).limit_denominator(1000) == Fraction(deal["exact"]) - Fraction(robust["exact_probability"])
               for row in top) and "both equal the chance of a deal minus the most robust package's" in prose
    assert not any(c["finding"] == "first question" for c in data["changes"])
    assert "moving any one probability does not separate them" in prose and "no other question is worth anything" in prose
    assert all(row["rise"] == 0 for row in others)

    changes = {(c["input"], c["direction"]): c["at"] for c in data["changes"] if c["finding"] == "most robust package"}
    assert changes == {("ua_no_handover", "down"): "3/5", ("ru_donbas_admin", "up"): "7/10"}
    assert ("changes to a handover if the chance that Kyiv's line is real falls to 0.6, or the chance that Moscow's "
            "demand is real rises to 0.7, both inside the ranges") in prose
    bars = {row["input"]: row for row in data["tornado"]}
    assert all(bars[k]["low"] <= float(Fraction(changes[(k, d)])) <= bars[k]["high"] for k, d in changes)


def test_the_paragraph_states_the_break_even_values_as_the_command_finds_them(printed):
    _, data = printed
    prose = paragraph()
    table = data["break_even"]
    assert table["complete"] and table["exact"] and data["complete"]
    rows = table["rows"]
    kinds = {f["id"]: f["id"].split(":")[0] for f in table["findings"]}
    flips = [r for r in rows if r["flip"] is not None]
    assert not [r for r in flips if kinds[r["finding"]] in ("open", "conflict")] and "none flips the closed space or the conflict" in prose
    assert {kinds[r["finding"]] for r in flips} == {"concession"} and all(r["verified"] for r in flips)
    nearest = min(flips, key=lambda r: r["headroom"])
    assert (nearest["input"], nearest["stated"], nearest["flip"], round(nearest["headroom"])) == ("reservation:belgium", 36.8, 77.8, 41)
    assert "by at least 41 points (Belgium's, from 36.8 to 77.8, for Kyiv's line)" in prose
    assert "Ukraine drops" in next(f["words"] for f in table["findings"] if f["id"] == nearest["finding"])
    admin = next(f["id"] for f in table["findings"] if f["words"].endswith("Russia drops: Russian administration follows the withdrawal"))
    russia = next(r for r in rows if r["finding"] == admin and r["input"] == "reservation:russia" and r["direction"] == "up")
    assert russia["flip"] is None and russia["beyond"] == 56 and russia["stated"] == 20.1 and russia["range"][1] == 27.2
    assert "survives up to a Russian reservation of 56 (stated 20.1; its range ends at 27.2)" in prose
    flipping = sorted({r["input"] for r in flips})
    assert flipping == sorted(f"reservation:{p}" for p in ("united_kingdom", "france", "germany", "hungary", "belgium"))
    assert "Only five reservations (the United Kingdom's, France's, Germany's, Hungary's and Belgium's) flip" in prose
    inert = {row["input"]: row for row in data["inert"]}
    reservations = [k for k in inert if k.startswith("reservation:")]
    prices = [k for k in inert if k.startswith("price:")]
    thresholds = [k for k in inert if k.startswith("threshold:")]
    lines = [k for k in inert if ":" not in k]
    assert (len(reservations), len(prices), len(thresholds), len(lines)) == (5, 1, 2, 8)
    assert all(inert[k]["analysis"] == "tornado, break-even" for k in reservations)
    assert "the other five, the one price that acts as stated and both fund thresholds move nothing, nor do eight of the ten" in prose


def test_the_ranges_do_not_move_the_chance_of_a_deal():
    """The README's "the same with every reservation at either end of its range", as bargaining robustness says it."""
    space = BargainingSpace(Scenario.from_yaml(CASE), progress=False)
    found = drawn_deal(space._search, 20, 0)
    assert found.constant and found.exact_probability == Fraction(29, 50) and found.interval is None
    assert "the same with every reservation at either end of its range" in paragraph()


def test_the_description_says_the_same(printed):
    _, data = printed
    flat = " ".join(Scenario.from_yaml(CASE).description.split())
    assert "A deal exists unless Moscow's administration demand and Kyiv's no-handover line are both real: 1 - 0.7 x 0.6 = 58%" in flat
    assert "it is acceptable unless Moscow's administration demand is real: 40%" in flat
    low, high = (Fraction(x) for x in data["deal_over_ranges"])
    assert f"over the ranges the chance runs from {float(100 * low):.0f}% to {float(100 * high):.0f}%" in flat
    rows = {row["question"]: row for row in data["value_of_information"]}
    assert (f"raise the chosen package's chance by {100 * rows['ru_donbas_admin']['rise']:.1f} points each (a deal in "
            f"{100 * rows['ru_donbas_admin']['deal if yes']:.0f}% of the worlds where the demand is real and in "
            f"{100 * rows['ua_no_handover']['deal if yes']:.0f}% where Kyiv's line is") in flat
    assert not re.search(r"\b60\.8%|11\.9 points|62\.5%", flat)


def test_the_report_states_the_structure_and_every_tie(printed, tmp_path):
    _, data = printed
    space = BargainingSpace(Scenario.from_yaml(CASE), progress=False)
    page = write_report(space, tmp_path / "eru.html", sections=[sensitivity_section]).read_text()
    text = " ".join(re.sub(r"<[^>]+>", " ", page).replace("&#39;", "'").split())
    deal = data["deal_probability"]
    assert "What these findings hinge on" in text
    assert " ".join(f"{deal['words']} : {deal['expression']}".split()) in text
    for tie in data["ties"]:
        assert f"tied: {' and '.join(tie['items'])}, {tie['value']} each" in text
