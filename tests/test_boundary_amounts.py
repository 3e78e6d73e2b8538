"""An amount the solver puts exactly on a party's reservation, when the exact amount there has a long denominator.

The buyer accepts once the fund reaches its reservation (``per_unit`` 0.05, so at 20 x the reservation); the seller
loses twice as much by every unit, so the largest sum of utilities stands on that boundary.  With a reservation of ten decimal
places the exact amount has a denominator near 10^9: the solver's float, snapped to a short fraction, falls on either
side of it.  Before the fix, a snap on the wrong side made the search cut off the whole combination of options, as if
it were unacceptable (the chance of a deal on the bundled case's variants was then too low by up to 0.04 points).
The truth here is plain Fraction arithmetic: the cheapest fund the buyer accepts, with the seller's best option.
"""

from __future__ import annotations

import warnings
from fractions import Fraction

import pytest

from bargaining import BargainingSpace, Scenario


def scenario(reservation: str) -> Scenario:
    return Scenario.from_dict({
        "format": 1, "name": "On the boundary",
        "parties": [{"id": "buyer", "reservation": float(reservation)}, {"id": "seller", "reservation": 0}],
        "issues": [{"id": "fund", "range": [0, 300]},
                   {"id": "terms", "options": [{"id": "plain", "status_quo": True}, {"id": "strict"}]}],
        "utilities": {"buyer": {"fund": {"per_unit": 0.05}, "terms": {"plain": 0, "strict": 1}},
                      "seller": {"fund": {"per_unit": -0.1}, "terms": {"plain": 40, "strict": 30}}},
    })


RESERVATIONS = [f"{k}.{3141592653 + k * 271828182 % 10**9}" for k in range(1, 13)]  # ten decimal places


@pytest.mark.parametrize("reservation", RESERVATIONS)
def test_every_solution_stands_exactly_on_the_boundary(reservation: str) -> None:
    case = scenario(reservation)
    stated = Fraction(reservation)  # a number in the file is exactly the decimal written
    space = BargainingSpace(case, progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the search must not leave a combination out
        package = space.best("utilitarian")
    # the largest sum of utilities: plain terms, and the least fund the buyer accepts (each unit costs the seller
    # twice what it brings the buyer)
    assert package is not None, reservation
    assert package.exact_choices == {"fund": stated / Fraction(5, 100), "terms": "plain"}, reservation
    assert package.complete and package.optimal


def refusing_strict_terms(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every package with strict terms fail the exact check as read (as a rounding would), so the search
    leaves that combination out."""
    from bargaining.engine.reading import Reading

    read = Reading.read_package

    def refuse(self):  # type: ignore[no-untyped-def]
        package = read(self)
        return None if package is not None and package.exact_choices["terms"] == "strict" else package

    monkeypatch.setattr(Reading, "read_package", refuse)


def test_an_answer_after_a_combination_is_left_out_is_not_called_optimal(monkeypatch: pytest.MonkeyPatch) -> None:
    case = Scenario.from_dict({
        "format": 1, "name": "Left out",
        "parties": [{"id": "buyer", "reservation": 0}, {"id": "seller", "reservation": 0}],
        "issues": [{"id": "fund", "range": [0, 10]},
                   {"id": "terms", "options": [{"id": "plain", "status_quo": True}, {"id": "strict"}]}],
        "utilities": {"buyer": {"fund": {"per_unit": 1}, "terms": {"strict": 5}},
                      "seller": {"fund": {"per_unit": -0.5}, "terms": {"strict": 5}}},
    })
    assert BargainingSpace(case, progress=False).best("utilitarian").exact_choices["terms"] == "strict"
    refusing_strict_terms(monkeypatch)
    with pytest.warns(UserWarning, match="not proven complete"):
        package = BargainingSpace(case, progress=False).best("utilitarian")
    assert package is not None and package.exact_choices["terms"] == "plain"
    assert not package.optimal and not package.complete and "left out" in package.reason


def test_a_blocking_set_found_only_after_a_combination_is_left_out_is_not_certified(monkeypatch: pytest.MonkeyPatch) -> None:
    """The buyer's line (strict terms) may be real: in the draws where it is, only strict packages are acceptable,
    and the search finds none once they are left out.  That is no certificate that the line blocks the deal."""
    case = Scenario.from_dict({
        "format": 1, "name": "Not certified",
        "parties": [{"id": "buyer", "reservation": 1, "reservation_range": [0, 4]}, {"id": "seller", "reservation": 0}],
        "issues": [{"id": "fund", "range": [0, 10]},
                   {"id": "terms", "options": [{"id": "plain", "status_quo": True}, {"id": "strict"}]}],
        "utilities": {"buyer": {"fund": {"per_unit": 1}}, "seller": {"fund": {"per_unit": -1}, "terms": {"plain": 10, "strict": 10}}},
        "red_lines": [{"id": "strict_terms", "party": "buyer", "require": {"terms": "strict"}, "real": 0.5}],
    })
    from bargaining.algorithms.drawn import drawn_deal

    honest = BargainingSpace(case, progress=False).deal_probability(samples=20, scheduler="serial", progress=False)
    assert honest.drawn is not None and honest.drawn.complete and honest.complete and honest.probability == 1
    refusing_strict_terms(monkeypatch)
    space = BargainingSpace(case, progress=False)
    with pytest.warns(UserWarning, match="not proven complete"):
        drawn = drawn_deal(space._search, 20, 0)
    assert not drawn.complete and "a blocking set is not certified" in drawn.reason and "lower bound" in drawn.reason
    with pytest.warns(UserWarning, match="not proven complete"):  # the worlds sampled whole instead: each says so too
        deal = space.deal_probability(samples=20, scheduler="serial", progress=False)
    assert not deal.complete and "lower bound" in deal.reason and deal.probability < 1
    assert "the red lines exact within each draw stopped (" in deal.reason and "sampled whole" in deal.reason
    from bargaining.explore.deal import deal_answer

    with pytest.warns(UserWarning, match="not proven complete"):  # the live page's chance of a deal says so too
        answer = deal_answer(case)
    assert not answer.exact and "lower bound" in answer.caveat
    assert "Sampled because the red lines exact within each draw stopped (" in answer.method  # and why it is sampled
