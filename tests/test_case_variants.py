"""The seed's four mechanisms as variants of the bundled case (data/eru_*.yaml): each file is what
tools/case_variants.py writes from the case, and each answers its question with an existing analysis; the
answers data/README.md and the README state are recomputed here."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from bargaining import BargainingSpace, Scenario, write_report
from bargaining.report.sections import coalitions_section, solutions_section
from bargaining.report.sensitivity_section import sensitivity_section

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
README = " ".join((ROOT / "README.md").read_text().split())
DATA_README = " ".join((DATA / "README.md").read_text().split())
EU = {"france", "germany", "poland", "baltic_states", "hungary", "belgium"}


def generator():
    spec = importlib.util.spec_from_file_location("case_variants", ROOT / "tools" / "case_variants.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def space(name: str) -> BargainingSpace:
    return BargainingSpace(Scenario.from_yaml(DATA / name), progress=False)


def test_the_variants_are_what_the_generator_writes_from_the_case():
    module = generator()
    base = module._case()
    for name in module.VARIANTS:
        assert (DATA / name).read_text() == module.text(name, base), f"data/{name} is stale: run python tools/case_variants.py"


def test_the_lever_window_from_the_break_even_table():
    lever = space("eru_lever.yaml")
    table = lever.break_even(findings=["open", "lever"], inputs=["price:ru_donbas_admin"])
    up = {r.finding: r for r in table.rows if r.direction == "up"}
    frozen, opened, energy = up["lever:sanctions"].beyond, up["open"].beyond, up["lever:energy"].beyond
    assert all(r.verified for r in up.values()) and frozen is not None and opened is not None
    assert frozen < opened and energy == opened  # relief widens the space; energy adds nothing
    issues = {i["id"]: i for i in lever.scenario.to_dict()["issues"]}
    assert set(issues["sanctions"]["controlled_by"]["all"]) == EU  # who in the EU must agree: all six
    assert issues["energy"]["controlled_by"]["at_least"] == 4
    text = f"between {frozen:g} and {opened:g} points"
    assert text in DATA_README and f"between {frozen:g} and {opened:g} points" in README


def test_risk_reduction_is_reachable_without_a_settlement():
    risk = space("eru_risk_reduction.yaml")
    package = risk.best("maxmin")
    assert package is not None and package.choices["hybrid"] == "hotline" and package.choices["baltic"] == "code_of_conduct"
    assert {"germany", "poland", "baltic_states"} <= set(package.signers)
    coalitions = risk.coalitions().to_frame()
    assert list(coalitions["members"]) == ["russia, france"]  # no optional party is needed to open it
    assert f"(Russia {package.gains['russia']:+g})" in DATA_README
    assert "Russia and France alone open it" in README


def test_a_small_channel_cannot_sign_alone():
    channel = space("eru_channel.yaml")
    vetoes = {p.id for p in channel.scenario.parties if p.veto}
    assert vetoes == {"ukraine", "russia", "united_states", "france", "germany", "united_kingdom"}
    coalitions = channel.coalitions().to_frame()
    assert len(coalitions) == 1 and set(coalitions["joining"].iloc[0].split(", ")) == {"poland", "baltic_states", "hungary", "belgium"}
    assert "the only minimal coalition needs all four others" in DATA_README


def test_ratification_lowers_the_chance_of_a_deal():
    result = space("eru_ratification.yaml").sensitivity(break_even=False)
    case = space("europe_russia_ukraine.yaml").sensitivity(break_even=False)
    deal, low, high = result.deal.probability, *result.deal_over_ranges
    assert deal < case.deal.probability and len(result.deal.blocking) == 4
    for text in (DATA_README, README):
        assert f"{100 * deal:.2f}% ({100 * case.deal.probability:.0f}% without" in text
        assert f"{100 * low:.2f}% to {100 * high:.2f}%" in re.sub(r"\s+", " ", text)


SECTIONS = {"sensitivity": sensitivity_section, "coalitions": coalitions_section, "solutions": solutions_section}


@pytest.mark.slow
@pytest.mark.parametrize("name, sections, answers", [
    ("eru_lever.yaml", ["sensitivity"], ["Russian administration follows the withdrawal 8 would flip it at 35.9",
                                          "Russian administration follows the withdrawal 8 would flip it at 41.9"]),
    ("eru_risk_reduction.yaml", ["coalitions", "solutions"], ["Coalitions of the willing", "Military incident hotline"]),
    ("eru_channel.yaml", ["coalitions"], ["Coalitions of the willing", "Hungary"]),
    ("eru_ratification.yaml", ["sensitivity"], ["30.44%", "10.65%"]),
])
def test_each_variant_answers_in_its_report(name, sections, answers, tmp_path):
    """The report section that answers the variant's question says the answer (the whole report of a variant of the
    case takes minutes: only the answering sections are written here; `bargaining report FILE` writes them all)."""
    page = write_report(space(name), tmp_path / "report.html", sections=[SECTIONS[s] for s in sections]).read_text()
    text = " ".join(re.sub(r"<[^>]+>", " ", page).replace("&#39;", "'").split())
    for answer in answers:
        assert answer in text, answer
