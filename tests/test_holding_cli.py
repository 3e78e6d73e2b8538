"""``bargaining hold`` and the report's "Will it hold?" section."""

import json

import yaml

from bargaining import BargainingSpace, Scenario, write_report
from bargaining.cli import main


def write(tmp_path, edit=None):
    data = Scenario.from_yaml("data/phased_exchange.yaml").to_dict()
    if edit:
        edit(data)
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(path)


def no_snapback_and_withdrawal_required(data):
    del data["issues"][2]["snapback"]
    data["red_lines"] = [{"party": "west", "require": {"withdrawal": "withdrawn"}, "final_only": True}]


def test_hold_prints_the_plan_and_its_margins(capsys):
    assert main(["hold", "data/phased_exchange.yaml", "--phases", "2"]) == 0
    out = capsys.readouterr().out
    assert "The best maxmin plan that holds step by step:" in out
    assert "East at 2 +1" in out and "West reneges on West's sanctions relief: West +5" in out


def test_hold_says_who_gains_by_defecting_and_what_would_fix_it(tmp_path, capsys):
    path = write(tmp_path, no_snapback_and_withdrawal_required)
    assert main(["hold", path, "--phases", "2"]) == 1
    out = capsys.readouterr().out
    assert "No self-enforcing plan: no plan in 2 phases is self-enforcing: at best, East gains 6 by defecting at phase 2" in out
    assert "a snapback on West's sanctions relief to Sanctions kept if East defects (smallest margin then 1)" in out
    assert "escrow held by a third party and released at the end: East 6" in out


def test_hold_json(tmp_path, capsys):
    path = write(tmp_path, no_snapback_and_withdrawal_required)
    assert main(["hold", path, "--phases", "2", "--json", "--objective", "nash"]) == 1
    data = json.loads(capsys.readouterr().out)
    result = data["self_enforcing"]
    assert result["holds"] is False and result["criterion"] == "nash" and result["complete"] is True
    assert result["closest"]["violations"][0] == {"party": "east", "phase": 2, "gain": 6.0}
    assert result["closest"]["fixes"][0]["kind"] == "snapback"
    assert data["stability"][0]["stable"] is False


def test_hold_refuses_bad_arguments(capsys):
    assert main(["hold", "data/phased_exchange.yaml", "--phases", "0"]) == 2
    assert "--phases must be at least 1" in capsys.readouterr().err


def test_the_report_section(tmp_path):
    path = write_report(BargainingSpace(Scenario.from_yaml("data/phased_exchange.yaml")), tmp_path / "r.html")
    html = path.read_text()
    section = html.split('id="will-it-hold"', 1)[1]
    assert "The best maxmin plan that holds" in section and "Once signed" in section
    closed = write_report(BargainingSpace(Scenario.from_yaml(write(tmp_path, no_snapback_and_withdrawal_required))), tmp_path / "c.html")
    section = closed.read_text().split('id="will-it-hold"', 1)[1]
    assert "No plan holds; the closest one" in section and "snapback on West&#39;s sanctions relief" in section


def test_a_plan_search_the_time_limit_stops_exits_3_not_no_plan(capsys):
    """Stopped before a plan was found or ruled out is not "no self-enforcing plan" (exit 1): it is the time limit's 3."""
    assert main(["hold", "data/phased_exchange.yaml", "--phases", "2", "--time-limit", "0.001"]) == 3
    assert "time limit" in capsys.readouterr().out
