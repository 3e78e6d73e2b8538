"""The exact evaluator's details that the random discrete scenarios do not reach (found by mutation testing):

* conditions on amounts (``at_least`` / ``at_most``) evaluated exactly, on and around each bound,
  compared with plain Fraction comparisons;
* a party with no ``per_unit`` for a continuous issue gets nothing from it;
* ``check_package`` (what ``BargainingSpace.evaluate`` checks a package with): every problem named,
  with its place and the fix, all problems reported together, a valid package returned as given.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bargaining import BargainingSpace, Scenario, ScenarioError
from bargaining.scenario.evaluate import holds
from bargaining.scenario.schema import Bound

CASE = {
    "format": 1, "name": "case",
    "parties": [{"id": "a", "reservation": 0}, {"id": "b", "reservation": -10}],
    "issues": [{"id": "sanctions", "options": [{"id": "keep", "status_quo": True}, {"id": "phased"}, {"id": "lift"}]},
               {"id": "fund", "range": [0, 300], "status_quo": 0}],
    "utilities": {"a": {"sanctions": {"keep": 2, "lift": 5}, "fund": {"per_unit": 0.25}},
                  "b": {"sanctions": {"phased": 1}}},  # b has no per_unit for the fund: it is worth nothing to b
    "red_lines": [{"party": "a", "require": {"fund": {"at_least": 100}}},
                  {"party": "b", "forbid": {"fund": {"at_most": 50, "at_least": 10}}}],
}


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return Scenario.from_dict(CASE)


# --------------------------------------------------------------------------- amounts


amounts = st.one_of(st.integers(-5, 305).map(Fraction), st.fractions(min_value=-5, max_value=305, max_denominator=7))
bounds = st.sampled_from([0, 10, Fraction(1, 3), 50, 100, 299.5, 300])


@given(st.one_of(st.none(), bounds), st.one_of(st.none(), bounds), amounts)
def test_a_condition_on_an_amount_is_exact(low, high, x):
    if low is None and high is None:
        return  # (not a condition: the schema refuses it)
    if low is not None and high is not None and low > high:
        low, high = high, low
    bound = Bound(at_least=None if low is None else float(low), at_most=None if high is None else float(high))
    expected = (low is None or x >= Fraction(str(float(low)))) and (high is None or x <= Fraction(str(float(high))))
    assert holds({"fund": bound}, {"fund": x}) == expected


def test_scenario_holds_is_the_condition(scenario):
    package = {"sanctions": "lift", "fund": Fraction(100)}
    assert scenario.holds({"sanctions": ["keep", "lift"], "fund": Bound(at_least=100.0)}, package) is True
    assert scenario.holds({"sanctions": "lift", "fund": Bound(at_most=99.5)}, package) is False
    assert scenario.holds({"sanctions": "keep"}, package) is False


def test_on_the_bounds_exactly(scenario):
    for x, ok in [(Fraction(100), True), (Fraction(9999, 100), False), (Fraction(10001, 100), True)]:
        assert scenario.red_line_holds(scenario.red_lines[0], {"sanctions": "keep", "fund": x}) is ok
    for x, inside in [(Fraction(10), True), (Fraction(50), True), (Fraction(999, 100), False), (Fraction(5001, 100), False)]:
        assert scenario.red_line_holds(scenario.red_lines[1], {"sanctions": "keep", "fund": x}) is not inside


def test_utility_of_amounts_and_a_missing_per_unit(scenario):
    choices = {"sanctions": "lift", "fund": Fraction(120)}
    assert scenario.exact_utility("a", choices) == 5 + Fraction(1, 4) * 120
    assert scenario.exact_utility("b", choices) == 0  # no points for lift, no per_unit for the fund
    assert scenario.exact_utility("b", {"sanctions": "phased", "fund": Fraction(300)}) == 1
    assert scenario.signers(choices) == ["a", "b"]
    assert scenario.signers({"sanctions": "lift", "fund": Fraction(99)}) is None  # a requires fund >= 100
    assert scenario.signers({"sanctions": "phased", "fund": Fraction(30)}) is None  # b forbids 10..50; a too


# --------------------------------------------------------------------------- check_package


def problems(scenario, choices) -> list[tuple[str, str]]:
    with pytest.raises(ScenarioError) as raised:
        scenario.check_package(choices, source="my package")
    error = raised.value
    assert error.source == "my package"
    assert str(error).splitlines() == [f"my package{': ' + p.where if p.path else ''}: {p.message}" for p in error.problems]
    return [(p.where, p.message) for p in error.problems]


def test_a_valid_package_comes_back_as_given(scenario):
    choices = {"fund": 300, "sanctions": "phased"}
    assert scenario.check_package(choices) == {"sanctions": "phased", "fund": 300}
    assert list(scenario.check_package(choices)) == ["sanctions", "fund"]  # in the scenario's order
    assert scenario.check_package({"sanctions": "keep", "fund": 0.0}) == {"sanctions": "keep", "fund": 0.0}
    assert scenario.check_package({"sanctions": "keep", "fund": Fraction(1, 3)})["fund"] == Fraction(1, 3)


def test_not_a_mapping(scenario):
    assert problems(scenario, ["keep", 3]) == [("(top level)", "expected a mapping issue id -> choice, got list")]


def test_every_problem_named_with_its_place_and_fix(scenario):
    assert problems(scenario, {"sanctons": "keep", "fund": 1}) == [
        ("sanctons", "unknown issue; did you mean 'sanctions'?"),
        ("sanctions", "no choice for this issue; give one of keep, phased, lift"),
    ]
    assert problems(scenario, {"sanctions": "lfit"}) == [  # (in the scenario's issue order)
        ("sanctions", "unknown option 'lfit' of issue 'sanctions'; did you mean 'lift'?"),
        ("fund", "no choice for this issue; give an amount in [0, 300]"),
    ]
    assert problems(scenario, {"sanctions": "keep", "fund": 300.5, "zzz": 1}) == [
        ("zzz", "unknown issue; known: 'sanctions', 'fund'"),
        ("fund", "300.5 is outside the range [0, 300]"),
    ]
    assert problems(scenario, {"sanctions": "keep", "fund": -0.5}) == [("fund", "-0.5 is outside the range [0, 300]")]
    for amount in ("ten", True, None, [1]):
        assert problems(scenario, {"sanctions": "keep", "fund": amount}) == [("fund", f"expected an amount, got {amount!r}")]


def test_evaluate_checks_and_evaluates(scenario):
    space = BargainingSpace(scenario)
    package = space.evaluate({"sanctions": "lift", "fund": 120})
    assert package.exact_utilities == {"a": Fraction(35), "b": Fraction(0)} and package.signers == ("a", "b")
    assert package.optimal is False
    assert space.evaluate({"sanctions": "lift", "fund": 99}).signers == ()
    with pytest.raises(ScenarioError, match="fund: 301 is outside the range"):
        space.evaluate({"sanctions": "lift", "fund": 301})
