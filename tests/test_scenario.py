"""Scenario files: every error class names the file, the place and the fix; to_dict round-trips."""

import copy
import json
import re

import pytest
import yaml

from bargaining import Scenario, ScenarioError

BASE = {
    "format": 1,
    "name": "Example",
    "parties": [{"id": "ukraine", "name": "Ukraine", "reservation": 20}, {"id": "russia", "reservation": 10, "veto": True}],
    "issues": [
        {"id": "sanctions", "options": [{"id": "keep", "status_quo": True}, {"id": "phased"}, {"id": "lift"}]},
        {"id": "fund", "range": [0, 300], "unit": "EUR bn", "status_quo": 0},
    ],
    "utilities": {"ukraine": {"sanctions": {"keep": 20, "phased": 12, "lift": 0, "rationale": "why"}, "fund": {"per_unit": 0.05}},
                  "russia": {"sanctions": {"keep": 0, "phased": 15, "lift": 30}}},
    "interactions": [{"party": "ukraine", "when": {"sanctions": "phased", "fund": {"at_least": 100}}, "value": 5}],
    "red_lines": [
        {"party": "ukraine", "forbid": {"sanctions": "lift"}, "name": "no full lifting"},
        {"party": "russia", "require": {"sanctions": ["phased", "lift"]}},
        {"party": "russia", "if": {"sanctions": "keep"}, "then": {"fund": {"at_most": 0}}},
    ],
}


def broken(path, value):
    data = copy.deepcopy(BASE)
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


def error_of(data, tmp_path):
    file = tmp_path / "case.yaml"
    file.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(ScenarioError) as caught:
        Scenario.from_yaml(file)
    message = str(caught.value)
    assert str(file) in message
    return message


def test_round_trip(tmp_path):
    scenario = Scenario.from_dict(BASE)
    assert Scenario.from_dict(scenario.to_dict()) == scenario
    file = tmp_path / "case.yaml"
    file.write_text(scenario.to_yaml())
    assert Scenario.from_yaml(file) == scenario
    json_file = tmp_path / "case.json"
    json_file.write_text(json.dumps(scenario.to_dict()))
    assert Scenario.from_file(json_file) == scenario
    assert scenario.points_rationale("ukraine", "sanctions") == "why"


@pytest.mark.parametrize("path, value, where, words", [
    (("parties", 1, "reservation"), "forty", "parties[1].reservation", "expected a number"),
    (("parties", 0, "vetoo"), True, "parties[0].vetoo", "unknown key"),
    (("parties", 1, "id"), "ukraine", "parties[1].id", "duplicate id"),
    (("issues", 1, "range"), [300, 0], "issues[1]", "inverted"),
    (("issues", 0, "options", 1, "id"), "keep", "issues[0].options[1].id", "duplicate option"),
    (("red_lines", 0, "forbid"), {"sanctions": "lfit"}, "red_lines[0].forbid.sanctions", "did you mean 'lift'"),
    (("red_lines", 1, "party"), "rusia", "red_lines[1].party", "did you mean 'russia'"),
    (("red_lines", 2, "then"), {"fnud": {"at_most": 0}}, "red_lines[2].then.fnud", "did you mean 'fund'"),
    (("red_lines", 2, "then"), {"fund": "keep"}, "red_lines[2].then.fund", "continuous"),
    (("red_lines", 2, "then"), {"fund": {"at_most": 0, "at_least": 5}}, "red_lines[2].then.fund", "swap"),
    (("red_lines", 0, "require"), {"sanctions": "keep"}, "red_lines[0]", "exactly one of"),
    (("utilities", "ukraine", "sanctions", "phased"), "twelve", "utilities.ukraine.sanctions.phased", "expected a number"),
    (("utilities", "ukraine", "fund"), {"keep": 3}, "utilities.ukraine.fund.keep", "per_unit"),
    (("utilities", "ukrain"), {}, "utilities.ukrain", "did you mean 'ukraine'"),
    (("interactions", 0, "when"), {}, "interactions[0].when", "empty condition"),
    (("format",), 2, "format", "must be 1"),
    (("name",), KeyError, "name", "missing"),
    (("issues", 0, "controlled_by"), ["france"], "issues[0].controlled_by[0]", "unknown party"),
])
def test_each_error_names_the_place_and_the_fix(tmp_path, path, value, where, words):
    message = error_of(broken(path, value), tmp_path)
    assert where in message
    assert words in message


def test_line_numbers_point_into_the_file(tmp_path):
    message = error_of(broken(("parties", 1, "reservation"), "forty"), tmp_path)
    assert ", line " in message


@pytest.mark.parametrize("text, words", [
    ("", "empty"),
    ("format: 1\nname: [unclosed\n", "not valid YAML"),
    ("- just\n- a list\n", "expected a mapping"),
    ("format: 1\nformat: 1\n", "written twice"),
])
def test_unreadable_files_get_a_message(tmp_path, text, words):
    file = tmp_path / "case.yaml"
    file.write_text(text)
    with pytest.raises(ScenarioError, match=words):
        Scenario.from_yaml(file)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ScenarioError, match="no such file"):
        Scenario.from_yaml(tmp_path / "nothing.yaml")
    with pytest.raises(ScenarioError, match="folder"):
        Scenario.from_yaml(tmp_path)


def test_bad_json(tmp_path):
    file = tmp_path / "case.json"
    file.write_text('{"format": 1,')
    with pytest.raises(ScenarioError, match="not valid JSON at line 1"):
        Scenario.from_file(file)


def test_the_documented_minimal_example_checks_and_solves(capsys):
    from pathlib import Path

    from bargaining.cli import main

    example = Path(__file__).parents[1] / "docs" / "examples" / "minimal.yaml"
    assert main(["check", str(example)]) == 0
    text = (Path(__file__).parents[1] / "docs" / "scenario-format.md").read_text()
    assert example.read_text().strip() in text, "the reference shows the example file as it is"
    assert main(["solve", str(example)]) == 0


def test_init_writes_a_starter_that_checks_and_never_overwrites(tmp_path, capsys):
    from bargaining.cli import main

    target = tmp_path / "mine.yaml"
    assert main(["init", str(target)]) == 0
    assert "# " in target.read_text() and main(["check", str(target)]) == 0
    scenario = Scenario.from_yaml(target)
    assert scenario.red_lines and scenario.interactions and scenario.continuous_issues
    assert any(r.price for r in scenario.red_lines) and any(p.reservation_range for p in scenario.parties)
    before = target.read_text()
    assert main(["init", str(target)]) == 2 and target.read_text() == before
    assert "already exists" in capsys.readouterr().err


def test_yaml_booleans_as_ids_get_a_hint(tmp_path):
    file = tmp_path / "yn.yaml"
    file.write_text("format: 1\nname: x\nparties: [{id: a, reservation: 0}]\nissues: [{id: i, options: [{id: no}, {id: 'yes'}]}]\n")
    with pytest.raises(ScenarioError, match=r"issues\[0\]\.options\[0\]\.id: .*put it in quotes"):
        Scenario.from_yaml(file)


@pytest.mark.parametrize("rule, message", [
    ({"all": ["ukraine", "rusia"]}, r"controlled_by\.all\[1\]: unknown party 'rusia'; did you mean 'russia'"),
    ({"at_least": 3, "of": ["ukraine", "russia"]}, r"controlled_by: at_least 3 must be between 1 and"),
    ("ukraine", r"controlled_by: expected a list of party ids, \{all: \[ids\]\} or \{at_least: k, of: \[ids\]\}"),
    ({"all": ["ukraine"], "extra": 1}, r"controlled_by\.extra: unknown key"),
])
def test_ratification_rule_errors(tmp_path, rule, message):
    assert re.search(message, error_of(broken(("issues", 0, "controlled_by"), rule), tmp_path))


@pytest.mark.parametrize("field, value, message", [
    ("real", 1.5, r"real 1.5 must be a probability in \(0, 1\]"),
    ("real", 0, r"real 0 must be a probability"),
    ("price", "ten", r"price: expected a number"),
    ("price", -3, r"price -3 must be positive"),
])
def test_uncertainty_field_errors(tmp_path, field, value, message):
    data = broken(("red_lines", 0, field), value)
    data["red_lines"][0]["id"] = "no_lifting"
    assert re.search(message, error_of(data, tmp_path))


def test_real_needs_an_id_and_ids_are_unique(tmp_path):
    assert "needs an 'id'" in error_of(broken(("red_lines", 0, "real"), 0.5), tmp_path)
    data = broken(("red_lines", 0, "id"), "russia")
    assert "duplicate id 'russia'" in error_of(data, tmp_path)


@pytest.mark.parametrize("party, message", [
    ({"reservation_range": [30, 10]}, "inverted"),
    ({"reservation_range": [25, 30]}, "does not contain the stated reservation 20"),
    ({"points_spread": 1.0}, "points_spread 1 is outside [0, 1)"),
])
def test_party_uncertainty_errors(tmp_path, party, message):
    data = copy.deepcopy(BASE)
    data["parties"][0].update(party)
    assert message in error_of(data, tmp_path)
