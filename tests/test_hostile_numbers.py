"""Extreme numbers: refused at load time when the solver cannot handle them, else a correct answer or an honest flag."""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path

import pytest
import yaml

from bargaining import BargainingSpace, Scenario, ScenarioError
from bargaining.cli import main

DATA = Path(__file__).resolve().parents[1] / "data"


def logrolling(**fund) -> dict:
    data = yaml.safe_load((DATA / "logrolling.yaml").read_text())
    if fund:
        data["issues"].append({"id": "fund", "range": fund["range"]})
        data["utilities"]["seller"]["fund"] = {"per_unit": fund["per_unit"]}
    return data


def write(tmp_path: Path, data: dict, name: str = "case.yaml") -> str:
    file = tmp_path / name
    file.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(file)


def test_a_range_the_solver_cannot_hold_is_refused_at_load(tmp_path, capsys):
    """Issue item 2: [-1e308, 1e308] made the solver report "no package is acceptable" (exit 1, two warnings)."""
    file = write(tmp_path, logrolling(range=[-1e308, 1e308], per_unit=1))
    for command in (["check", file], ["solve", file]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert "issues[3].range[0]: -1e+308 is too large" in err and "line" in err and "Traceback" not in err


@pytest.mark.parametrize("span", [1e6, 1e11])
def test_a_wide_range_within_the_limits_is_answered_correctly(span):
    """Only the seller cares about the fund: it takes all of it, and everything else goes to the buyer
    (buyer 100, gain 60; the logroll with fund = 0 already gives 68/68, so the space is open)."""
    package = BargainingSpace(Scenario.from_dict(logrolling(range=[-span, span], per_unit=1))).best("maxmin")
    assert package is not None
    assert package.exact_choices == {"price": "to_buyer", "delivery": "to_buyer", "warranty": "to_buyer", "fund": span}
    assert package.exact_gains == {"seller": span - 40, "buyer": 60}


def test_huge_points_are_refused_at_once(tmp_path, capsys):
    """Issue item 3: points of 1e15 passed check, and solve --time-limit 5 ran past 30 s printing HiGHS errors."""
    data = logrolling()
    data["utilities"]["seller"]["price"]["to_seller"] = 1e15
    file = write(tmp_path, data)
    start = time.perf_counter()
    assert main(["solve", file, "--time-limit", "5"]) == 2
    assert time.perf_counter() - start < 3
    err = capsys.readouterr().err
    assert "utilities.seller.price.to_seller: 1e+15 is too large" in err


@pytest.mark.parametrize("place, value, words", [
    (("parties", 0, "reservation"), 1e-7, "too small"),
    (("parties", 0, "reservation"), -2e12, "too large"),
    (("interactions",), [{"party": "seller", "when": {"price": "split"}, "value": 5e12}], "too large"),
])
def test_number_limits(place, value, words):
    data = logrolling()
    target = data
    for part in place[:-1]:
        target = target[part]
    target[place[-1]] = value
    with pytest.raises(ScenarioError, match=words):
        Scenario.from_dict(data)


def test_a_party_whose_total_is_too_large(tmp_path):
    data = logrolling(range=[0, 1e12], per_unit=10)
    with pytest.raises(ScenarioError, match=r"utilities\.seller: utilities up to 1e\+13"):
        Scenario.from_dict(data)


def test_probabilities_are_not_amounts():
    """Shares and probabilities (the lead's `real`, `points_spread`) are not held to the 1e-6 floor."""
    from bargaining.scenario.magnitudes import NOT_AMOUNTS

    assert {"real", "points_spread"} <= NOT_AMOUNTS
