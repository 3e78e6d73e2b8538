"""The command's exit codes, each checked for what it means (0 done, 1 no acceptable package,
2 bad input, 3 time limit), and the answers it prints checked against the oracle."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from oracle import enumerate_packages

from bargaining import Scenario
from bargaining.cli import main

DATA = Path(__file__).parents[1] / "data"
OPEN, CLOSED = DATA / "logrolling.yaml", DATA / "empty_space.yaml"


def no_traceback(capsys) -> tuple[str, str]:
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return out, err


# --------------------------------------------------------------------------- 2: bad input


@pytest.mark.parametrize("command", ["check", "solve", "diagnose", "frontier", "report"])
def test_a_missing_file_exits_2_with_one_message(command, tmp_path, capsys):
    assert main([command, str(tmp_path / "missing.yaml")]) == 2
    _, err = no_traceback(capsys)
    assert err.startswith("error:") and "missing.yaml" in err and err.count("\n") == 1


def test_a_bad_scenario_exits_2_naming_the_line(tmp_path, capsys):
    data = yaml.safe_load(OPEN.read_text())
    data["parties"][0]["reservation"] = "forty"
    file = tmp_path / "bad.yaml"
    file.write_text(yaml.safe_dump(data, sort_keys=False))
    assert main(["check", str(file)]) == 2
    _, err = no_traceback(capsys)
    assert "bad.yaml, line" in err and "parties[0].reservation" in err


@pytest.mark.parametrize("argv", [["solve"], ["solve", str(OPEN), "--objective", "best"], ["frobnicate", str(OPEN)],
                                  ["solve", str(OPEN), "--time-limit", "soon"]])
def test_argument_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    _, err = no_traceback(capsys)
    assert "usage:" in err


def test_no_command_prints_the_help_and_exits_2(capsys):
    assert main([]) == 2
    out, _ = no_traceback(capsys)
    assert "commands" in out and "solve" in out


def test_leverage_without_an_issue_or_a_linkable_one_exits_2(capsys):
    assert main(["leverage", str(OPEN)]) == 2
    _, err = no_traceback(capsys)
    assert "linkable" in err


def test_an_unknown_coalition_party_exits_2(capsys):
    assert main(["solve", str(OPEN), "--coalition", "nobody"]) == 2
    _, err = no_traceback(capsys)
    assert "nobody" in err


# --------------------------------------------------------------------------- 0 and 1, with the answers checked


@pytest.mark.parametrize("objective", ["maxmin", "utilitarian", "nash", "kalai"])
def test_solve_json_prints_the_oracle_s_package(objective, capsys):
    scenario = Scenario.from_yaml(OPEN)
    assert main(["solve", str(OPEN), "--objective", objective, "--json"]) == 0
    out, _ = no_traceback(capsys)
    data = json.loads(out)
    truth = enumerate_packages(scenario)
    expected = truth.best(objective, scenario.party_ids)
    assert data["acceptable"] is True and data["criterion"] == objective and data["optimal"] is True
    assert truth.accepts(data["choices"]) and truth.vector(data["choices"]) in expected
    assert data["utilities"] == dict(zip(scenario.party_ids, map(float, truth.vector(data["choices"]))))
    assert data["gains"] == {p: data["utilities"][p] - scenario.party[p].reservation for p in scenario.party_ids}
    assert data["signers"] == scenario.party_ids


def test_solve_and_diagnose_exit_1_on_a_closed_space(capsys):
    assert main(["solve", str(CLOSED), "--json"]) == 1
    out, _ = no_traceback(capsys)
    data = json.loads(out)
    assert data["acceptable"] is False and len(data["conflict"]) == 3  # the three site lines (data/empty_space.yaml)
    assert main(["diagnose", str(CLOSED)]) == 1
    out, _ = no_traceback(capsys)
    assert "no package is acceptable" in out and "drop" in out
    assert main(["diagnose", str(OPEN)]) == 0


def test_frontier_exits_1_on_a_closed_space_and_0_with_the_oracle_s_points(tmp_path, capsys):
    assert main(["frontier", str(CLOSED)]) == 1
    no_traceback(capsys)
    out = tmp_path / "front.csv"
    assert main(["frontier", str(OPEN), "--csv", str(out)]) == 0
    _, err = no_traceback(capsys)
    assert "complete" in err and "INCOMPLETE" not in err
    scenario = Scenario.from_yaml(OPEN)
    frame = pd.read_csv(out, comment="#", dtype=str, keep_default_na=False)
    issues = [i.id for i in scenario.issues]
    truth = enumerate_packages(scenario)
    found = {truth.vector({i: row[i] for i in issues}) for _, row in frame.iterrows()}
    assert len(found) == len(frame) and found == truth.frontier()


def test_coalitions_and_phased_exit_1_when_nothing_opens(tmp_path, capsys):
    assert main(["coalitions", str(CLOSED)]) == 1
    _, err = no_traceback(capsys)
    assert "no coalition" in err
    assert main(["phased", str(CLOSED)]) == 1
    no_traceback(capsys)
    assert main(["phased", str(OPEN), "--phases", "2"]) == 0
    out, _ = no_traceback(capsys)
    assert out.count("phase ") == 2


def test_report_exits_0_and_writes_the_file(tmp_path, capsys):
    out = tmp_path / "sub" / "r.html"
    assert main(["report", str(OPEN), "-o", str(out), "--time-limit", "20"]) == 0
    no_traceback(capsys)
    assert out.read_text().startswith("<!DOCTYPE html>")
