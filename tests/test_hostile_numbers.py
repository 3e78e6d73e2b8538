"""Extreme numbers: refused at load time when the solver cannot handle them, else a correct answer or an honest flag."""

from __future__ import annotations

import json
import time
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from budget import HANG_GUARD
from oracle import enumerate_packages

from bargaining import BargainingSpace, Scenario, ScenarioError
from bargaining.cli import main
from bargaining.scenario import exact

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


@pytest.mark.parametrize("span", [1e6, 5e8])
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
    assert time.perf_counter() - start < HANG_GUARD, "hang guard"
    err = capsys.readouterr().err
    assert "utilities.seller.price.to_seller: 1000000000000000.0 is too large" in err


@pytest.mark.parametrize("place, value, words", [
    (("parties", 0, "reservation"), 1e-7, "too small"),
    (("parties", 0, "reservation"), -2e9, "too large"),
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
    data = logrolling(range=[0, 1e8], per_unit=100)
    with pytest.raises(ScenarioError, match=r"utilities\.seller: utilities up to 1e\+10"):
        Scenario.from_dict(data)


def test_probabilities_are_not_amounts():
    """Shares and probabilities (the lead's `real`, `points_spread`) are not held to the 1e-6 floor."""
    from bargaining.scenario.magnitudes import NOT_AMOUNTS

    assert {"real", "points_spread"} <= NOT_AMOUNTS


# --------------------------------------------------------------------------- item 1: mixed magnitudes

def mixed(big: float) -> dict:
    """The issue's case: two parties, reservations 1e-6, 1e9 next to 1e-6 (``big`` for the 1e9)."""
    return {"format": 1, "name": "mixed magnitudes",
            "parties": [{"id": "a", "reservation": 1e-6}, {"id": "b", "reservation": 1e-6}],
            "issues": [{"id": "x", "options": [{"id": o} for o in "pqr"]}, {"id": "y", "options": [{"id": o} for o in "pqr"]}],
            "utilities": {"a": {"x": {"p": big, "q": float(f"{big:.0f}.000001"), "r": 0},
                                "y": {"p": 1e-6, "q": 0, "r": 2e-6}},
                          "b": {"x": {"p": 1e-6, "q": 2e-6, "r": big}, "y": {"p": 0, "q": 1e-6, "r": 0}}}}


def test_the_issues_mixed_case_is_a_clear_error(tmp_path, capsys):
    """1000000000.000001 is above the supported 1e9: refused at load, naming it (it was answered wrongly, flagged optimal)."""
    file = write(tmp_path, mixed(1e9))
    assert main(["solve", file, "--json"]) == 2
    assert "utilities.a.x.q: 1000000000.000001 is too large" in capsys.readouterr().err


@pytest.mark.parametrize("big", [1e8, 999999999.0])
def test_mixed_magnitudes_are_never_flagged_optimal(big, tmp_path, capsys):
    """best() reads the package off the exact frontier (the dynamic programme), so it is the brute
    force's and proven; the model's own search on these numbers is flagged as not certified."""
    from bargaining.algorithms.solutions import best_package

    scenario = Scenario.from_dict(mixed(big))
    assert exact(scenario.points("a", "x")["q"]) - exact(big) == Fraction(1, 10**6)
    truth = enumerate_packages(scenario)
    space = BargainingSpace(scenario)
    assert space.numeric_doubt() is not None
    for criterion in ("maxmin", "utilitarian", "nash", "kalai"):
        package = space.best(criterion)
        assert package is not None and truth.accepts(package.exact_choices)
        assert package.vector(scenario.party_ids) == truth.vector(package.exact_choices)
        assert truth.vector(package.exact_choices) in truth.best(criterion, ["a", "b"])
        assert package.optimal and not package.caveat
        searched = best_package(space._search, criterion, ["a", "b"])
        assert not searched.optimal and searched.caveat.startswith("not certified optimal")
        if criterion in ("maxmin", "utilitarian"):  # asked again for anything better until there is none
            assert searched.vector(scenario.party_ids) in truth.best(criterion, ["a", "b"])
    assert truth.best("maxmin", ["a", "b"]) == {(Fraction(repr(big)) + Fraction(1, 10**6), Fraction(3, 10**6))}
    file = write(tmp_path, mixed(big))
    assert main(["solve", file, "--json"]) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert data["optimal"] is True and data["choices"] == {"x": "q", "y": "q"} and "caveat" not in data
    assert err.count("warning:") == 1  # the scenario's numbers (for the analyses that search the model)


def test_points_differing_by_one_in_a_billion_are_in_doubt():
    from bargaining.engine import numerics

    scenario = Scenario.from_dict(tiny_differences())
    assert numerics.doubt(scenario) is not None
    assert numerics.doubt(Scenario.from_dict(logrolling())) is None


# --------------------------------------------------------------------------- item 4: frontier on tiny differences

def tiny_differences() -> dict:
    """2 parties, 2 issues of 3 options (9 packages), points differing by 1e-9: 5 frontier points."""
    up = {"p": 1.0, "q": 1.000000001, "r": 1.000000002}
    down = {"p": 1.000000002, "q": 1.000000001, "r": 1.0}
    return {"format": 1, "name": "tiny differences", "parties": [{"id": "a", "reservation": 0}, {"id": "b", "reservation": 0}],
            "issues": [{"id": "x", "options": [{"id": o} for o in "pqr"]}, {"id": "y", "options": [{"id": o} for o in "pqr"]}],
            "utilities": {"a": {"x": up, "y": up}, "b": {"x": down, "y": down}}}


CASES = {"tiny differences": tiny_differences, "1e8 next to 1e-6": lambda: mixed(1e8)}


@pytest.mark.parametrize("case", CASES)
def test_frontier_on_tiny_differences_is_exact(case):
    """The exact programme: the frontier the model's search cannot resolve (see the next test)."""
    scenario = Scenario.from_dict(CASES[case]())
    brute = enumerate_packages(scenario)
    truth = brute.frontier()
    if case == "tiny differences":
        assert len(truth) == 5
    frame = BargainingSpace(scenario).frontier(time_limit=15).to_frame()
    found = {brute.vector(row) for row in frame[["x", "y"]].to_dict("records")}
    assert frame.attrs["complete"] and frame.attrs["method"] == "dp" and found == truth


@pytest.mark.parametrize("case", CASES)
def test_mixed_integer_frontier_refuses_instead_of_hanging(case, tmp_path, capsys):
    """It returned 1 point of 5 after 8,683 solver calls (endless without a time limit), or a SolverError traceback."""
    from bargaining.errors import NumericRangeError

    scenario = Scenario.from_dict(CASES[case]())
    start = time.perf_counter()
    with pytest.raises(NumericRangeError, match="cannot be computed reliably"):
        BargainingSpace(scenario).frontier(method="mip")
    assert time.perf_counter() - start < HANG_GUARD, "hang guard"
    assert main(["frontier", write(tmp_path, CASES[case]()), "--time-limit", "15", "--method", "mip"]) == 2
    err = capsys.readouterr().err
    assert "Pareto frontier (mixed-integer search) cannot be computed reliably" in err and "Traceback" not in err
