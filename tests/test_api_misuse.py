"""API misuse and terminal escapes (issue 27, item 4): a wrong argument is a clear error naming it, never a
silent zero, an ignored key or an unrelated exception; scenario text never reaches the terminal as escapes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bargaining import BargainingSpace, Scenario
from bargaining.cli import main

DATA = Path(__file__).resolve().parents[1] / "data"
LOGROLL = {"price": "split", "delivery": "split", "warranty": "split"}


@pytest.fixture(scope="module")
def lr() -> BargainingSpace:
    return BargainingSpace(Scenario.from_yaml(DATA / "logrolling.yaml"), progress=False)


def test_utility_of_an_unknown_party_is_an_error(lr):
    with pytest.raises(ValueError, match=r"unknown party 'nobody'.*seller, buyer"):
        lr.scenario.utility("nobody", LOGROLL)
    with pytest.raises(ValueError, match="unknown party 'seler'; did you mean 'seller'"):
        lr.scenario.exact_utility("seler", LOGROLL)


def test_an_unknown_option_is_an_error_not_zero_points(lr):
    with pytest.raises(ValueError, match=r"unknown option 'halve' of issue 'price'"):
        lr.scenario.utility("seller", {**LOGROLL, "price": "halve"})
    with pytest.raises(ValueError, match=r"unknown option 'halve' of issue 'price'"):
        lr.scenario.is_acceptable({**LOGROLL, "price": "halve"})


def test_is_acceptable_refuses_unknown_and_missing_issues(lr):
    with pytest.raises(ValueError, match=r"unknown issue 'colour'"):
        lr.scenario.is_acceptable({**LOGROLL, "colour": "red"})
    with pytest.raises(ValueError, match=r"no choice for issue 'warranty'"):
        lr.scenario.is_acceptable({"price": "split", "delivery": "split"})
    assert lr.scenario.is_acceptable({"price": "to_seller", "delivery": "split", "warranty": "to_buyer"})


def test_a_string_of_parties_is_refused_not_read_as_letters(lr):
    with pytest.raises(TypeError, match=r"parties=\['seller'\]"):
        lr.frontier(parties="seller")


@pytest.mark.parametrize("call, words", [
    (lambda s: s.best(coalition=42), r"coalition must be None, 'smallest' or a list of party ids, not 42"),
    (lambda s: s.frontier(time_limit="10"), r"time_limit must be a number of seconds \(None or 0: no limit\), not '10'"),
    (lambda s: s.best("maxmin", time_limit=-1), r"time_limit must be 0 \(no limit\) or more seconds, not -1"),
    (lambda s: s.acceptable(limit=-1), r"limit must be a whole number of at least 1, not -1"),
    (lambda s: s.acceptable(limit=2.5), r"limit must be a whole number"),
    (lambda s: s.acceptable(limit=True), r"limit must be a whole number"),
    (lambda s: s.relaxations(max_size=0), r"max_size must be a whole number of at least 1, not 0"),
    (lambda s: s.coalitions(limit=0), r"limit must be a whole number of at least 1, not 0"),
    (lambda s: s.phased(phases="3"), r"phases must be a whole number of at least 1, not '3'"),
    (lambda s: s.worlds(samples=0), r"samples must be a whole number of at least 1, not 0"),
    (lambda s: s.best("fairest"), r"unknown criterion 'fairest'"),
    (lambda s: s.leverage(7), r"issue must be an issue id"),
    (lambda s: s.evaluate("split"), r"expected a mapping issue id -> choice"),
])
def test_wrong_arguments_name_themselves(lr, call, words):
    with pytest.raises((TypeError, ValueError), match=words):
        call(lr)


def test_a_space_needs_a_scenario_and_says_how_to_make_one():
    with pytest.raises(TypeError, match=r"Scenario.from_file\('file.yaml'\)"):
        BargainingSpace("file.yaml")


def test_time_limit_0_means_no_limit_in_the_api_as_in_the_command(lr, capsys):
    assert lr.best("maxmin", time_limit=0).optimal
    assert lr.frontier(time_limit=0).complete
    assert main(["frontier", str(DATA / "logrolling.yaml"), "--time-limit", "0"]) == 0
    assert "complete and exact" in capsys.readouterr().err


# --------------------------------------------------------------------------- terminal escapes


def _escaped_case(tmp_path) -> Path:
    data = yaml.safe_load((DATA / "logrolling.yaml").read_text())
    data["name"] = "Case \x1b[31mRED\x1b]0;owned\x07"
    data["parties"][0]["name"] = "Sel\x1b[2Jler"
    data["issues"][0]["name"] = "Pri\x1b[1mce\r"
    data["issues"][0]["options"][0]["name"] = "opt\x9b5m"
    path = tmp_path / "esc.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.mark.parametrize("command", [["check"], ["solve"], ["solve", "--json"], ["diagnose"], ["frontier"], ["phased"],
                                     ["robustness", "--samples", "3", "--scheduler", "serial"]])
def test_names_with_terminal_escapes_are_printed_escaped(tmp_path, capsys, command):
    path = _escaped_case(tmp_path)
    assert main([command[0], str(path), *command[1:]]) == 0
    out, err = capsys.readouterr()
    for text in (out, err):
        assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text and "\r" not in text
    if command[0] in ("check", "solve") and "--json" not in command:
        assert "\\x1b[31mRED" in out
