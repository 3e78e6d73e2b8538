"""The bargaining command: exit codes, readable output, no tracebacks for user errors."""

import json
from pathlib import Path

import pytest

from bargaining.cli import main


@pytest.fixture
def case(tmp_path):
    from test_scenario import BASE
    import yaml

    file = tmp_path / "case.yaml"
    file.write_text(yaml.safe_dump(BASE))
    return str(file)


def test_check_summarises(case, capsys):
    assert main(["check", case]) == 0
    out = capsys.readouterr().out
    assert "valid scenario" in out and "parties:      2 (2 with a veto)" in out


def test_solve_prints_a_table_and_json(case, capsys):
    assert main(["solve", case, "--objective", "nash"]) == 0
    assert "gain" in capsys.readouterr().out
    assert main(["solve", case, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["acceptable"] is True and set(data["choices"]) == {"sanctions", "fund"}


def test_no_deal_exits_1_with_the_diagnosis(tmp_path, capsys):
    from test_scenario import BASE
    import copy
    import yaml

    data = copy.deepcopy(BASE)
    data["parties"][0]["reservation"] = 90
    file = tmp_path / "closed.yaml"
    file.write_text(yaml.safe_dump(data))
    assert main(["solve", str(file)]) == 1
    assert "reservation" in capsys.readouterr().out
    assert main(["diagnose", str(file)]) == 1


# (exit code 2 for user errors, each checked: tests/test_cli_exit_codes.py)


def test_frontier_writes_csv_atomically(case, tmp_path, capsys):
    out = tmp_path / "frontier.csv"
    assert main(["frontier", case, "--csv", str(out)]) == 0
    assert out.read_text().startswith("sanctions,fund,ukraine,russia,solution")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".frontier")] == []
    assert main(["frontier", case, "--csv", str(tmp_path / "no" / "such.csv")]) == 2


def test_phased_and_coalitions(case, capsys):
    assert main(["phased", case, "--phases", "2"]) == 0
    assert "phase 1" in capsys.readouterr().out
    assert main(["leverage", case, "sanctions"]) == 0
    assert main(["leverage", case]) == 2


def test_leverage_on_an_empty_space_says_so_instead_of_a_table_of_nones(capsys):
    assert main(["leverage", str(Path(__file__).parents[1] / "data" / "europe_russia_ukraine.yaml"), "sanctions"]) == 0
    out = capsys.readouterr().out
    assert "linking it does not open the space" in out and "None" not in out
