"""Phased deals with amounts (continuous issues), worked out by hand.

tests/test_phasing.py compares phased deals with brute force on discrete scenarios; the phasing
block's rows for amounts (an amount moves once, from its status quo up or down, by at least the
strict gap; an amount with no status quo is in place from phase 1; bounds evaluated after each
phase) are checked here, on small cases whose answers follow from a few lines of algebra (in
each docstring).
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from bargaining import BargainingSpace, Scenario

F = Fraction
GAP = F(1, 10**5)  # the strict gap on a range of width 10: 1e-6 x 10


def scenario(parties, issues, utilities, red_lines=()) -> Scenario:
    return Scenario.from_dict({"format": 1, "name": "phasing by hand", "parties": parties, "issues": issues,
                               "utilities": utilities, "red_lines": list(red_lines)})


def aid_then_access(red_lines=()) -> Scenario:
    """Aid x in [0, 10] from status quo 0: A pays 1 per unit, B gets 2.  Access opens only after aid has
    moved: A +15, B -5.  Reservations A -3, B 0.

    At once: open, A 15 - x >= -3, B 2x - 5 >= 0; utilitarian 10 + x: x = 10 (A 5, B 15); maxmin on gains
    18 - x = 2x - 5: x = 23/3 (both 31/3).  Phased: aid in phase 1, access later; after phase 1 A -x >= -3,
    so x <= 3 and (final) x >= 2.5: utilitarian x = 3 (A 12, B 1); maxmin there is min(15, 1) = 1, while
    closed access gives min(3 - x, 2x) = 2 at x = 1: maxmin keeps access closed, x = 1."""
    return scenario([{"id": "a", "reservation": -3}, {"id": "b", "reservation": 0}],
                    [{"id": "aid", "range": [0, 10], "status_quo": 0},
                     {"id": "access", "options": [{"id": "closed", "status_quo": True}, {"id": "open"}], "after": ["aid"]}],
                    {"a": {"aid": {"per_unit": -1}, "access": {"open": 15}}, "b": {"aid": {"per_unit": 2}, "access": {"open": -5}}},
                    red_lines)


def exact_state(plan):
    return {i: (c if isinstance(c, str) else F(c)) for i, c in plan.package.exact_choices.items()}


def test_at_once_the_amount_goes_to_the_end_or_the_crossing():
    space = BargainingSpace(aid_then_access())
    package = space.best("utilitarian")
    assert package.exact_choices == {"aid": 10, "access": "open"} and package.exact_utilities == {"a": 5, "b": 15}
    package = space.best("maxmin")
    assert package.exact_choices == {"aid": F(23, 3), "access": "open"} and package.exact_gains == {"a": F(31, 3), "b": F(31, 3)}
    # in one phase nothing can come after anything: access stays closed, and then A -x >= -3 caps x at 3
    assert space.phased("utilitarian", phases=1).package.exact_choices == {"aid": 3, "access": "closed"}


@pytest.mark.parametrize("phases", [2, 3])
def test_moving_up_first_limits_the_amount(phases):
    space = BargainingSpace(aid_then_access())
    plan = space.phased("utilitarian", phases=phases)
    assert exact_state(plan) == {"aid": 3, "access": "open"} and plan.package.exact_utilities == {"a": 12, "b": 1}
    assert plan.phase_of["aid"] < plan.phase_of["access"]
    assert plan.state_after(plan.phase_of["aid"]) == {"aid": 3, "access": "closed"}
    plan = space.phased("maxmin", phases=phases)
    assert exact_state(plan) == {"aid": 1, "access": "closed"} and plan.package.exact_gains == {"a": 2, "b": 2}


def test_a_bound_is_checked_after_each_phase():
    """As above, and A forbids aid >= 2 while access is closed.  At once nothing changes (access ends
    open).  Phased, aid moves while access is still closed, so x < 2 (x <= 2 - gap) there, and the
    final package then fails B (2x - 5 < 0): access stays closed, utilitarian takes the largest x
    allowed, 2 - gap."""
    space = BargainingSpace(aid_then_access([{"party": "a", "forbid": {"aid": {"at_least": 2}, "access": "closed"}}]))
    assert space.best("utilitarian").exact_choices == {"aid": 10, "access": "open"}
    plan = space.phased("utilitarian", phases=2)
    assert exact_state(plan) == {"aid": 2 - GAP, "access": "closed"}


def test_moving_down_from_the_status_quo():
    """Aid x in [0, 10] from status quo 6: A pays 1 per unit, B gets 2; access (after aid) A +10, B -3;
    reservations A -6, B 0 (the status quo gives both exactly their reservation).  Phased: after phase 1
    (aid moved, access closed) A -x >= -6, so x <= 6, and x must differ from 6: x <= 6 - gap.  Final
    open: gains 16 - x and 2x - 3 (x >= 1.5); utilitarian 7 + x and maxmin (crossing at 19/3 > 6) both
    take x = 6 - gap.  At once: x = 10 (utilitarian), 19/3 (maxmin)."""
    space = BargainingSpace(scenario(
        [{"id": "a", "reservation": -6}, {"id": "b", "reservation": 0}],
        [{"id": "aid", "range": [0, 10], "status_quo": 6},
         {"id": "access", "options": [{"id": "closed", "status_quo": True}, {"id": "open"}], "after": ["aid"]}],
        {"a": {"aid": {"per_unit": -1}, "access": {"open": 10}}, "b": {"aid": {"per_unit": 2}, "access": {"open": -3}}}))
    assert space.best("utilitarian").exact_choices == {"aid": 10, "access": "open"}
    assert space.best("maxmin").exact_choices == {"aid": F(19, 3), "access": "open"}
    for criterion in ("utilitarian", "maxmin"):
        plan = space.phased(criterion, phases=2)
        assert exact_state(plan) == {"aid": 6 - GAP, "access": "open"}
        assert plan.phase_of == {"aid": 1, "access": 2}


def test_an_amount_with_no_status_quo_is_in_place_from_phase_one():
    """Fund x in [0, 10], no status quo: A pays 1 per unit, B gets 2.  Talks (A -1, B -1) must come before
    the deal (A +8, B -2).  Reservations A -5, B 0.  The deal moves in phase 2 at the earliest, and after
    phase 1 the fund is already paid: A -x - 1 >= -5, x <= 4.  Utilitarian (talks, deal): 4 + x at x = 4:
    A 3, B 5.  Without the deal the best total is x = 5 (A -5, B 10): 5 < 9."""
    space = BargainingSpace(scenario(
        [{"id": "a", "reservation": -5}, {"id": "b", "reservation": 0}],
        [{"id": "fund", "range": [0, 10]},
         {"id": "talks", "options": [{"id": "no", "status_quo": True}, {"id": "yes"}]},
         {"id": "deal", "options": [{"id": "no", "status_quo": True}, {"id": "yes"}], "after": ["talks"]}],
        {"a": {"fund": {"per_unit": -1}, "talks": {"yes": -1}, "deal": {"yes": 8}},
         "b": {"fund": {"per_unit": 2}, "talks": {"yes": -1}, "deal": {"yes": -2}}}))
    assert space.best("utilitarian").exact_choices == {"fund": 10, "talks": "no", "deal": "yes"}  # (order is for phasing)
    plan = space.phased("utilitarian", phases=2)
    assert exact_state(plan) == {"fund": 4, "talks": "yes", "deal": "yes"} and plan.package.exact_utilities == {"a": 3, "b": 5}
    assert plan.phase_of == {"fund": 1, "talks": 1, "deal": 2}
    assert plan.state_after(1) == {"fund": 4, "talks": "yes", "deal": "no"}
