"""Results in a notebook and in a terminal: every result reads as text and as HTML, and carries its scenario;
choices a user types are checked; `bargaining check` warns about what loads but looks wrong; one frontier has one
count everywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bargaining import BargainingSpace, Scenario, ScenarioError
from bargaining import write_report as report
from bargaining.cli import main

DATA = Path(__file__).resolve().parents[1] / "data"
LOGROLL = {"price": "split", "delivery": "split", "warranty": "split"}


@pytest.fixture(scope="module")
def spaces() -> dict[str, BargainingSpace]:
    return {name: BargainingSpace(Scenario.from_yaml(DATA / f"{name}.yaml"), progress=False)
            for name in ("logrolling", "empty_space", "europe_russia_ukraine", "adjusted_winner")}


def results(spaces) -> dict[str, object]:
    lr, closed, seed = spaces["logrolling"], spaces["empty_space"], spaces["europe_russia_ukraine"]
    opened = closed.opened(frontier=True)
    return {
        "Package": lr.best("nash"), "Frontier": lr.frontier(), "Diagnosis": closed.diagnose(),
        "Diagnosis (open)": lr.diagnose(), "Concessions": opened, "Concession": opened[0],
        "Coalition": BargainingSpace(_no_admin()).coalitions()[0], "Leverage": seed.leverage("sanctions"),
        "PhasePlan": lr.phased(phases=2), "PhasePlan (none)": closed.phased(phases=2),
        "DealProbability": lr.deal_probability(samples=20, scheduler="serial", progress=False),
        "RobustPackage": lr.most_robust(samples=20),
    }


def _no_admin() -> Scenario:
    data = Scenario.from_yaml(DATA / "europe_russia_ukraine.yaml").to_dict()
    data["red_lines"] = [r for r in data["red_lines"] if r.get("id") != "ru_donbas_admin"]
    return Scenario.from_dict(data)


def test_every_result_reads_as_text_and_as_html(spaces):
    for name, result in results(spaces).items():
        text = repr(result)
        assert text.startswith("<") and text.endswith(">"), (name, text[:80])
        assert "Fraction(" not in text and "exact_choices=" not in text and "dataclass" not in text, name  # not a field dump
        shown = result._repr_html_()
        assert "<table" in shown or "<pre>" in shown or "<p>" in shown, name
        assert "Fraction(" not in shown, name


def test_what_each_repr_says(spaces):
    found = results(spaces)
    assert "nash package: price: " in repr(found["Package"]) and "utilities (gains): seller 68 (+28)" in repr(found["Package"])
    assert re.match(r"<Frontier over seller, buyer: 3 points, complete and exact; method dp", repr(found["Frontier"]))
    assert "no package is acceptable" in repr(found["Diagnosis"])
    assert "If Municipality A drops: Not the east site -> a +1, b +10, c +7" in repr(found["Concessions"])
    assert "frontier points" in repr(found["Concession"])
    assert repr(found["Coalition"]).startswith("<Coalition of 10: the veto parties joined by united_kingdom, france")
    assert "opening it does not change whether a deal exists" in repr(found["Leverage"])
    assert "the bargaining space is closed" in repr(found["PhasePlan (none)"])
    assert "a deal in 20 of 20 worlds, 100%" in repr(found["DealProbability"])
    assert "acceptable in 20 of 20 worlds" in found["RobustPackage"]._repr_html_()


def test_results_carry_their_scenario(spaces):
    package = spaces["logrolling"].best("maxmin")
    assert list(package.table()["meaning"]) == ["The seller's price", "Split the difference", "The buyer's warranty terms"]
    from bargaining import plots

    frontier = spaces["adjusted_winner"].frontier()
    for figure in (plots.utility_breakdown(package), plots.gains_by_solution(frontier.solutions), plots.frontier_figure(frontier),
                   plots.concession_map(frontier), plots.conflict_figure(spaces["empty_space"].diagnose())):
        assert figure.data  # drawn from the object alone


# --------------------------------------------------------------------------- choices a user types are checked


@pytest.mark.parametrize("choices, words", [
    ({**LOGROLL, "price": "splt"}, "price: unknown option 'splt' of issue 'price'; did you mean 'split'?"),
    ({"price": "split", "delivery": "split"}, "warranty: no choice for this issue; give one of"),
    ({**LOGROLL, "colour": "red"}, "colour: unknown issue"),
])
def test_evaluate_checks_each_choice(spaces, choices, words):
    with pytest.raises(ScenarioError, match=re.escape(words)):
        spaces["logrolling"].evaluate(choices)


def test_evaluate_checks_amounts(spaces):
    space = spaces["adjusted_winner"]
    choices = {i.id: 0.5 for i in space.scenario.issues}
    assert space.evaluate(choices).optimal is False  # a package of your own: nothing about it is proven best
    with pytest.raises(ScenarioError, match=r"house: 1\.5 is outside the range \[0, 1\]"):
        space.evaluate({**choices, "house": 1.5})
    with pytest.raises(ScenarioError, match=r"house: expected an amount, got 'half'"):
        space.evaluate({**choices, "house": "half"})


def test_evaluate_reads_a_package_exactly(spaces):
    package = spaces["logrolling"].evaluate(LOGROLL)
    assert package.utilities == {"seller": 60, "buyer": 60} and package.signers == ("seller", "buyer")
    assert package.scenario is spaces["logrolling"].scenario and not package.optimal


# --------------------------------------------------------------------------- check warns


def _write(tmp_path: Path, text: str) -> str:
    file = tmp_path / "case.yaml"
    file.write_text(text)
    return str(file)


CASE = """format: 1
name: w
parties:
  - {id: a, reservation: 0}
  - {id: b, reservation: 5, veto: false}
issues:
  - id: fund
    range: [0, 100]
  - id: x
    options: [{id: y}, {id: z}]
utilities:
  a: {fund: {per_unit: 1}}
red_lines:
  - {party: a, forbid: {fund: {at_least: 300}}}
  - {party: a, require: {fund: {at_least: 50, at_most: 300}}}
"""


def test_check_warns_about_a_party_without_points_and_a_bound_beyond_its_range(tmp_path, capsys):
    path = _write(tmp_path, CASE)
    assert main(["check", path]) == 0
    captured = capsys.readouterr()
    assert "parties:      2 (1 with a veto)" in captured.out and "3 warnings (on stderr)" in captured.out
    lines = captured.err.strip().splitlines()
    assert lines == [
        f"warning: {path}, line 5: parties[1]: 'b' has no points at all, so every package is worth 0 to it: it never takes "
        "part; give its points under utilities.b, or remove the party",
        f"warning: {path}, line 14: red_lines[0].forbid.fund: at_least 300 is above the range [0, 100]: no amount in the "
        "range satisfies it, so this red line never rules anything out; check the units or the range",
        f"warning: {path}, line 15: red_lines[1].require.fund: at_most 300 is above the range [0, 100], so that side of the "
        "bound has no effect; check the units or the range",
    ]
    # the format reference shows the same words
    shown = (Path(__file__).parents[1] / "docs" / "scenario-format.md").read_text().split("warning: case.yaml, line 16: ", 1)[1]
    assert lines[1].split(": ", 3)[3] == shown.split("\n", 1)[0].split(": ", 1)[1]


def test_a_veto_party_without_points_and_a_reservation_warns_that_nothing_is_acceptable(tmp_path, capsys):
    path = _write(tmp_path, CASE.replace("{id: a, reservation: 0}", "{id: a, reservation: 0}\n  - {id: c, reservation: 3}"))
    assert main(["check", path]) == 0
    assert "'c' has no points at all, so every package is worth 0 to it, below its reservation 3: no package can ever be " \
           "acceptable" in capsys.readouterr().err
    assert main(["diagnose", path]) == 1  # and the diagnosis names it
    assert "c's reservation (3)" in capsys.readouterr().out


def test_a_requirement_nothing_can_meet_is_an_error(tmp_path, capsys):
    path = _write(tmp_path, CASE.replace("{at_least: 50, at_most: 300}", "{at_least: 300}"))
    assert main(["check", path]) == 2
    err = capsys.readouterr().err
    assert (f"error: {path}, line 15: red_lines[1].require.fund: at_least 300 is above the range [0, 100]: no amount in the range "
            "satisfies it, so no package could ever be acceptable; check the units or the range") in err
    assert "docs/scenario-format.md" in err


def test_bundled_and_example_files_have_no_warnings():
    for path in [*DATA.glob("*.yaml"), Path(__file__).parents[1] / "docs" / "examples" / "minimal.yaml"]:
        assert Scenario.from_yaml(path).warnings() == [], path.name


def test_every_scenario_error_points_to_the_format_reference(tmp_path, capsys):
    for text in ("format: 1\nname: x\nparties: []\nissues: []\n", "format: 2\n", "- just a list\n"):
        assert main(["check", _write(tmp_path, text)]) == 2
        assert capsys.readouterr().err.strip().endswith("(the format is described in docs/scenario-format.md; "
                                                        "'bargaining init FILE' writes a commented starter)")
    assert "SCENARIO_FORMAT" not in " ".join(p.read_text() for p in Path(__file__).parents[1].glob("*.md"))


# --------------------------------------------------------------------------- one frontier, one count


def test_the_report_and_the_command_count_the_same_frontier(spaces, tmp_path, capsys):
    """The report said the Adjusted Winner frontier had 201 points, `bargaining frontier` 203 (the report left
    out the solutions the command adds to the grid)."""
    assert main(["frontier", str(DATA / "adjusted_winner.yaml")]) == 0
    count = int(re.search(r"(\d+) frontier points", capsys.readouterr().err).group(1))
    path = report(BargainingSpace(Scenario.from_yaml(DATA / "adjusted_winner.yaml"), progress=False), tmp_path / "aw.html",
                  time_limit=60)
    text = path.read_text()
    assert f"{count:,} non-dominated utility vectors" in text and f"Which options the {count} frontier packages choose" in text
    assert count == len(spaces["adjusted_winner"].frontier()) == len(spaces["adjusted_winner"].frontier().to_frame())
