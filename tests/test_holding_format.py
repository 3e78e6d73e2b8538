"""The holding fields: delivered_by, snapback and threats load, round-trip, and every mistake is a clear error
naming the file, the line, the place and the fix."""

import copy

import pytest
import yaml

from bargaining import Scenario, ScenarioError
from bargaining.scenario import holding_rules

CASE = {
    "format": 1,
    "name": "holding",
    "parties": [{"id": "east", "reservation": 0}, {"id": "west", "reservation": 0}, {"id": "guard", "reservation": 0, "veto": False}],
    "issues": [
        {"id": "ceasefire", "options": [{"id": "none", "status_quo": True}, {"id": "holds"}]},
        {"id": "withdrawal", "delivered_by": ["east"], "options": [{"id": "stays", "status_quo": True}, {"id": "withdrawn"}]},
        {"id": "relief", "delivered_by": {"at_least": 1, "of": ["west", "guard"]}, "snapback": {"to": "keep", "against": ["east"]},
         "options": [{"id": "keep", "status_quo": True}, {"id": "suspended"}, {"id": "lifted"}]},
        {"id": "fund", "range": [0, 100], "status_quo": 0, "controlled_by": ["west"], "snapback": {"to": 0}},
    ],
    "utilities": {"east": {"ceasefire": {"holds": 4}, "withdrawal": {"withdrawn": -6}, "relief": {"suspended": 7, "lifted": 9},
                           "fund": {"per_unit": -0.02}},
                  "west": {"ceasefire": {"holds": 6}, "withdrawal": {"withdrawn": 7}, "relief": {"suspended": -5, "lifted": -8},
                           "fund": {"per_unit": 0.03}},
                  "guard": {"ceasefire": {"holds": 2}}},
    "red_lines": [{"party": "west", "forbid": {"relief": "lifted"}}],
    "threats": [{"id": "pressure", "by": "west", "against": ["east"], "trigger": ["defection", "no_deal"],
                 "cost": {"west": 0, "east": 3}, "rationale": "illustrative"}],
}


def changed(edit):
    data = copy.deepcopy(CASE)
    edit(data)
    return data


def error_of(data, tmp_path):
    file = tmp_path / "case.yaml"
    file.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(ScenarioError) as caught:
        Scenario.from_yaml(file)
    message = str(caught.value)
    assert str(file) in message and ", line " in message
    return message


def test_loads_and_round_trips(tmp_path):
    scenario = Scenario.from_dict(CASE)
    assert Scenario.from_dict(scenario.to_dict()) == scenario
    file = tmp_path / "case.yaml"
    file.write_text(scenario.to_yaml())
    assert Scenario.from_yaml(file) == scenario
    assert scenario.threats[0].triggers == ["defection", "no_deal"]


def test_files_without_the_fields_mean_what_they_meant():
    data = changed(lambda d: [d.pop("threats"), *[i.pop(k, None) for i in d["issues"] for k in ("delivered_by", "snapback")]])
    scenario = Scenario.from_dict(data)
    assert scenario.threats == [] and all(i.delivered_by is None and i.snapback is None for i in scenario.issues)
    assert "threats" not in scenario.to_dict()


def test_the_delivery_rule():
    rules = holding_rules(Scenario.from_dict(CASE))
    # default: the parties with a nonzero point or a red line naming it, all of them
    assert rules.delivery["ceasefire"].parties == ("east", "west", "guard") and rules.delivery["ceasefire"].need is None
    assert rules.delivery["withdrawal"].parties == ("east",) and rules.delivery["withdrawal"].need is None
    assert rules.delivery["relief"].need == 1 and rules.delivery["relief"].source == "delivered_by"
    assert rules.delivery["fund"].parties == ("west",) and rules.delivery["fund"].need == 1  # controlled_by: any one
    # relief needs one of west and guard: either alone withholds it only when the other is not taking part
    assert not rules.withheld("relief", {"east", "west", "guard"}, {"west"})
    assert rules.withheld("relief", {"east", "west"}, {"west"})
    assert rules.withheld("relief", {"east", "west", "guard"}, {"west", "guard"})
    # the snapback's default 'against': every party that does not deliver the issue
    assert rules.snapback["fund"] == (0, frozenset({"east", "guard"}))


@pytest.mark.parametrize("edit, place, words", [
    (lambda d: d["issues"][1].update(delivered_by=["eastt"]), "issues[1].delivered_by[0]", "unknown party 'eastt'; did you mean 'east'?"),
    (lambda d: d["issues"][1].update(delivered_by=["east", "east"]), "issues[1].delivered_by", "listed twice"),
    (lambda d: d["issues"][2]["snapback"].update(to="kep"), "issues[2].snapback.to", "unknown option 'kep' of issue 'relief'; did you mean 'keep'?"),
    (lambda d: d["issues"][2]["snapback"].update(against=["wset"]), "issues[2].snapback.against[0]", "unknown party 'wset'"),
    (lambda d: d["issues"][2]["snapback"].update(to=0), "issues[2].snapback.to", "is discrete; name the option"),
    (lambda d: d["issues"][3]["snapback"].update(to="none"), "issues[3].snapback.to", "is continuous; give the amount"),
    (lambda d: d["issues"][3]["snapback"].update(to=150), "issues[3].snapback.to", "outside the range [0, 100]"),
    (lambda d: d["issues"][2]["snapback"].update(to="lifted"), "issues[2].snapback.to", "breaks west's own red line red_lines[0]"),
    (lambda d: d["threats"][0].update(by="wset"), "threats[0].by", "unknown party 'wset'; did you mean 'west'?"),
    (lambda d: d["threats"][0].update(against=["esat"]), "threats[0].against[0]", "unknown party 'esat'"),
    (lambda d: d["threats"][0].update(against=["west"]), "threats[0].against[0]", "a party does not threaten itself"),
    (lambda d: d["threats"][0]["cost"].pop("west"), "threats[0].cost", "add west: <points>"),
    (lambda d: d["threats"][0]["cost"].update(est=2), "threats[0].cost.est", "unknown party 'est'"),
    (lambda d: d["threats"][0]["cost"].update(east=500), "threats[0].cost.east", "another scale than east's points"),
    (lambda d: d["threats"][0].update(trigger="defeat"), "threats[0].trigger", "defection"),
    (lambda d: d["threats"][0].update(id="east"), "threats[0].id", "duplicate id 'east'"),
    (lambda d: d["issues"][0]["options"][0].pop("status_quo") and d["issues"][0].update(delivered_by=["east"]),
     "issues[0].delivered_by", "needs a status quo"),
])
def test_mistakes_are_clear_errors(tmp_path, edit, place, words):
    message = error_of(changed(edit), tmp_path)
    line = next(row for row in message.splitlines() if place in row)
    assert words in line, message


def test_a_cost_on_its_scale_is_fine_and_a_snapback_to_an_allowed_option_too():
    Scenario.from_dict(changed(lambda d: d["threats"][0]["cost"].update(east=14)))  # east's points reach 4 + 6 + 9 + 2 = 21
    Scenario.from_dict(changed(lambda d: d["issues"][2]["snapback"].update(to="suspended")))
