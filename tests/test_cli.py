"""The bargaining command: exit codes, readable output, no tracebacks for user errors."""

import json
import os
import time
from pathlib import Path

import pytest
from budget import HANG_GUARD

from bargaining import Scenario
from bargaining.cli import main


@pytest.fixture
def case(tmp_path):
    import yaml
    from test_scenario import BASE

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
    import copy

    import yaml
    from test_scenario import BASE

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
    lines = out.read_text().splitlines()
    assert lines[1] == "# complete: true" and lines[6] == "sanctions,fund,ukraine,russia,solution"
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


# --------------------------------------------------------------------------- dead ends a newcomer met

DATA = Path(__file__).parents[1] / "data"


def test_version(capsys):
    from bargaining import __version__

    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0 and capsys.readouterr().out.strip() == f"bargaining {__version__}"


def test_frontier_of_an_empty_space_prints_the_diagnosis(capsys):
    assert main(["frontier", str(DATA / "empty_space.yaml")]) == 1
    out = capsys.readouterr().out
    assert "no package is acceptable" in out and "If Municipality A drops: Not the east site" in out
    assert "DataFrame" not in out and "Index: []" not in out


def test_phased_on_a_closed_space_says_it_is_closed(capsys):
    assert main(["phased", str(DATA / "empty_space.yaml")]) == 1
    out = capsys.readouterr().out
    assert "the bargaining space is closed" in out and "bargaining diagnose" in out and "phases without" not in out


def test_phased_names_the_red_line_that_would_break_midway(tmp_path, capsys):
    """With Moscow's administration demand dropped, its withdrawal demand must hold in every phase: it is what blocks phasing."""
    data = Scenario.from_yaml(DATA / "europe_russia_ukraine.yaml").to_dict()
    data["red_lines"] = [r for r in data["red_lines"] if r.get("id") != "ru_donbas_admin"]
    file = tmp_path / "no_admin.yaml"
    file.write_text(Scenario.from_dict(data).to_yaml())
    assert main(["phased", str(file), "--phases", "2"]) == 1
    out = capsys.readouterr().out
    assert "would break midway" in out and "Russia: Ukrainian forces leave the Donbas" in out and "final_only" in out


def test_coalitions_without_optional_parties_says_so(capsys):
    assert main(["coalitions", str(DATA / "logrolling.yaml")]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "every party has a veto" in captured.err


def test_coalition_naming_a_veto_party_is_an_error(capsys):
    seed = str(DATA / "europe_russia_ukraine.yaml")
    assert main(["solve", seed, "--coalition", "ukraine,france"]) == 2
    assert "ukraine has a veto and always takes part" in capsys.readouterr().err
    assert main(["solve", seed, "--coalition", "frnce"]) == 2
    assert "did you mean 'france'" in capsys.readouterr().err
    assert main(["solve", str(DATA / "logrolling.yaml"), "--coalition", "seller"]) == 2
    assert "every party of this scenario has a veto" in capsys.readouterr().err


def test_leverage_with_an_unknown_issue_prints_nothing_before_the_error(capsys):
    assert main(["leverage", str(DATA / "logrolling.yaml"), "badid"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("error: unknown issue 'badid'")


def test_plurals(capsys, tmp_path):
    one = tmp_path / "one.yaml"
    one.write_text("format: 1\nname: one\nparties: [{id: a, reservation: 0}]\nissues: [{id: i, options: [{id: o}]}]\n"
                   "utilities: {a: {i: {o: 1}}}\n")
    assert main(["check", str(one)]) == 0
    assert "1 combination of discrete options" in capsys.readouterr().out
    assert main(["frontier", str(one)]) == 0
    assert "one: 1 frontier point, complete and exact; 0 solver calls" in capsys.readouterr().err


def test_grid_resolution_has_no_float_noise(capsys):
    assert main(["frontier", str(DATA / "adjusted_winner.yaml")]) == 0
    err = capsys.readouterr().err
    assert "complete on a grid of Ann 0.5, Bob 0.5" in err and "0000000" not in err


@pytest.mark.parametrize("limit, words", [("-1", "must be 0 (no limit) or a positive number of seconds"),
                                          ("soon", "expected a number of seconds")])
def test_negative_or_nonsense_time_limits_are_refused(capsys, limit, words):
    with pytest.raises(SystemExit) as stop:
        main(["frontier", str(DATA / "logrolling.yaml"), "--time-limit", limit])
    assert stop.value.code == 2 and words in capsys.readouterr().err


def test_every_searching_command_has_a_default_time_limit():
    from bargaining.cli import _parser
    from bargaining.cli.common import DEFAULT_TIME_LIMIT, REPORT_TIME_LIMIT

    commands = _parser()._subparsers._group_actions[0].choices
    for name in ("solve", "report", "diagnose", "frontier", "coalitions", "leverage", "phased", "robustness"):
        args = commands[name].parse_args(["x.yaml"])
        assert args.time_limit == (REPORT_TIME_LIMIT if name == "report" else DEFAULT_TIME_LIMIT), name
        assert commands[name].parse_args(["x.yaml", "--time-limit", "0"]).time_limit is None, name


def test_long_work_says_so_with_its_time_limit(capsys, monkeypatch):
    from bargaining.cli import common

    monkeypatch.setattr(common, "ANNOUNCE_AFTER", 0.0)
    assert main(["frontier", str(DATA / "logrolling.yaml"), "--time-limit", "7"]) == 0
    err = capsys.readouterr().err
    assert "bargaining frontier: working (time limit 7 s; --time-limit S to change it, 0 for none)" in err


def test_the_default_limit_stops_a_long_frontier(tmp_path, capsys, monkeypatch):
    """The withdrawal-only variant's all-party frontier ran for over ten minutes with no output: now the limit ends it,
    and what was found is printed, marked incomplete."""
    from bargaining.cli import common

    data = Scenario.from_yaml(DATA / "europe_russia_ukraine.yaml").to_dict()
    data["red_lines"] = [r for r in data["red_lines"] if r.get("id") != "ru_donbas_admin"]
    file = tmp_path / "withdrawal_only.yaml"
    file.write_text(Scenario.from_dict(data).to_yaml())
    monkeypatch.setattr(common, "DEFAULT_TIME_LIMIT", 3.0)  # the same path as the 60 s default, sooner
    from bargaining.cli import _parser

    args = _parser().parse_args(["frontier", str(file), "--csv", str(tmp_path / "f.csv")])
    started = time.perf_counter()
    assert args.time_limit == 3.0 and args.run(args) == 0
    assert time.perf_counter() - started < 3.0 + HANG_GUARD, "hang guard"
    err = capsys.readouterr().err
    assert "INCOMPLETE: stopped at the time limit 3 s" in err
    assert "# complete: false" in (tmp_path / "f.csv").read_text()


def test_piping_into_head_stops_quietly():
    """`bargaining frontier FILE | head -1`: no BrokenPipeError traceback."""
    import subprocess
    import sys

    command = f"{sys.executable} -m bargaining.cli frontier {DATA / 'adjusted_winner.yaml'} | head -1"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=env, timeout=120)
    assert len(done.stdout.splitlines()) == 1
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr


def test_json_keys_are_the_apis_names(case, capsys):
    assert main(["solve", case, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"criterion", "optimal", "choices", "utilities", "gains", "signers"} <= set(data)


def test_robustness_json_uses_the_apis_names(capsys):
    assert main(["robustness", str(DATA / "logrolling.yaml"), "--samples", "20", "--scheduler", "serial", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["deal_probability"]) == {"probability", "interval", "text", "deals", "sampled_share", "samples", "summary"}
    assert {"wins", "samples", "share", "bound", "interval", "signers"} <= set(data["most_robust"])
