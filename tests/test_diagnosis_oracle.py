"""The diagnosis helpers against the oracle, with answers that are not empty.

``reservation_reductions`` and ``minimal_relaxations`` (every size up to 3) are compared with
brute force on random scenarios (a third of them closed on purpose: raised reservations,
contradicting veto red lines), and on hand-built cases whose answers are worked out in their
docstrings.  Each randomized test records how often the answer was non-empty and asserts
afterwards that it was, so an implementation returning nothing cannot pass.
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from itertools import combinations

from budget import examples
from hypothesis import event, given, settings
from hypothesis import strategies as st
from oracle import enumerate_packages
from strategies import scenarios

from bargaining import BargainingSpace, Scenario
from bargaining.algorithms.diagnose import minimal_conflict, minimal_relaxations, reservation_reductions


def requirement_ids(scenario, kinds=("reservation", "red_line")) -> list[tuple]:
    """Every requirement a diagnosis may switch off: reservations, then hard red lines (a soft one only costs points)."""
    hard = [k for k, r in enumerate(scenario.to_dict().get("red_lines", [])) if not ("price" in r and "real" not in r)]
    return ([("reservation", p) for p in scenario.party_ids] if "reservation" in kinds else []) + \
        ([("red_line", k) for k in hard] if "red_line" in kinds else [])


def opens(scenario, waived) -> bool:
    return bool(enumerate_packages(scenario, waived=frozenset(waived)).acceptable.any())


def minimal_opening_sets(scenario, max_size: int, kinds=("reservation", "red_line")) -> set[frozenset]:
    ids = requirement_ids(scenario, kinds)
    opening = [frozenset(c) for size in range(1, max_size + 1) for c in combinations(ids, size) if opens(scenario, c)]
    return {c for c in opening if not any(o < c for o in opening)}


def expected_cuts(scenario) -> dict[str, Fraction | None]:
    """Per veto party: how far its reservation must fall, all else as written (None: no cut opens it)."""
    cuts = {}
    for party in scenario.veto_party_ids:
        free = enumerate_packages(scenario, waived=frozenset({("reservation", party)}))
        reachable = [free.utilities(k)[party] for k in range(len(free.acceptable)) if free.acceptable[k]]
        cuts[party] = None if not reachable else max(Fraction(0), free.reservations[party] - max(reachable))
    return cuts


# --------------------------------------------------------------------------- randomized, against brute force


def test_reservation_reductions_match_brute_force():
    seen: Counter = Counter()

    @given(st.sampled_from(["closed", "open", None]).flatmap(
        lambda shape: scenarios(max_parties=4, optional_parties=True, controlled=True, shape=shape)))
    def check(scenario):
        found = reservation_reductions(BargainingSpace(scenario)._search)
        expected = expected_cuts(scenario)
        assert found == expected  # the same parties (every veto party), the same cuts
        seen["examples"] += 1
        for label in {"no cut opens it" if cut is None else "cut 0" if cut == 0 else "positive cut" for cut in expected.values()}:
            seen[label] += 1
            event(label)

    check()
    assert seen["positive cut"] >= 2 and seen["no cut opens it"] >= 1 and seen["cut 0"] >= 2, seen


def test_relaxations_of_every_size_match_brute_force():
    seen: Counter = Counter()

    @settings(max_examples=examples(40))
    @given(scenarios(max_parties=3, max_issues=3, optional_parties=True, controlled=True, shape="closed"))
    def check(scenario):
        search = BargainingSpace(scenario)._search
        found = {frozenset(r.waiver for r in group) for group in minimal_relaxations(search, max_size=3)}
        assert found == minimal_opening_sets(scenario, 3)
        groups = minimal_relaxations(search, max_size=3)
        assert [len(g) for g in groups] == sorted(len(g) for g in groups), "smallest first"
        only_red_lines = {frozenset(r.waiver for r in g) for g in minimal_relaxations(search, max_size=2, kinds=("red_line",))}
        assert only_red_lines == minimal_opening_sets(scenario, 2, kinds=("red_line",))
        seen["examples"] += 1
        for size in {len(g) for g in found}:
            seen[size] += 1
            event(f"a minimal relaxation of size {size}")

    check()
    assert seen[1] >= 2 and seen[2] >= 1, seen


def test_minimal_conflict_is_a_non_empty_irreducible_set():
    seen: Counter = Counter()

    @settings(max_examples=examples(40))
    @given(scenarios(max_parties=4, optional_parties=True, controlled=True, shape="closed"))
    def check(scenario):
        conflict = {r.waiver for r in minimal_conflict(BargainingSpace(scenario)._search)}
        assert conflict, "a closed space has a conflict"
        everything = set(requirement_ids(scenario))
        assert not opens(scenario, everything - conflict)
        for member in conflict:
            assert opens(scenario, (everything - conflict) | {member})
        seen[len(conflict)] += 1

    check()
    assert len(seen) >= 2, seen  # conflicts of different sizes


# --------------------------------------------------------------------------- by hand


def _case(parties, issues, utilities, red_lines) -> Scenario:
    return Scenario.from_dict({"format": 1, "name": "by hand", "parties": parties, "issues": issues,
                               "utilities": utilities, "red_lines": red_lines})


def three_forbids() -> Scenario:
    """a requires x = yes; b, c and d each forbid it.  Opening sets: drop a's line (size 1), or drop the
    three forbids together (size 3); no set of two opens it.  Reservations are all 0 and every
    package gives everyone 0 points, so no reservation matters."""
    parties = [{"id": p, "reservation": 0} for p in "abcd"]
    issues = [{"id": "x", "options": [{"id": "no", "status_quo": True}, {"id": "yes"}]}]
    red_lines = [{"party": "a", "require": {"x": "yes"}}] + [{"party": p, "forbid": {"x": "yes"}} for p in "bcd"]
    return _case(parties, issues, {}, red_lines)


def test_a_relaxation_of_size_three_by_hand():
    scenario = three_forbids()
    search = BargainingSpace(scenario)._search
    found = [sorted(r.waiver for r in g) for g in minimal_relaxations(search, max_size=3)]
    assert found == [[("red_line", 0)], [("red_line", 1), ("red_line", 2), ("red_line", 3)]]
    assert minimal_opening_sets(scenario, 3) == {frozenset(g) for g in map(tuple, found)}
    assert [sorted(r.waiver for r in g) for g in minimal_relaxations(search, max_size=2)] == [[("red_line", 0)]]
    assert reservation_reductions(search) == {p: None for p in "abcd"}  # red lines alone conflict


def two_reservations() -> Scenario:
    """Dividing 10 points: a gets x, b gets 10 - x, x in {0, ..., 10} (options x0 ... x10).  Reservations
    a 6, b 6: closed (6 + 6 > 10).  Lowering a's reservation by 2 (to 4) opens it (x = 4 gives b 6),
    likewise b's; dropping either reservation opens it."""
    options = [{"id": f"x{k}", **({"status_quo": True} if k == 0 else {})} for k in range(11)]
    utilities = {"a": {"x": {f"x{k}": k for k in range(11)}}, "b": {"x": {f"x{k}": 10 - k for k in range(11)}}}
    parties = [{"id": "a", "reservation": 6}, {"id": "b", "reservation": 6}]
    return _case(parties, [{"id": "x", "options": options}], utilities, [])


def test_reservation_cuts_by_hand():
    scenario = two_reservations()
    search = BargainingSpace(scenario)._search
    assert reservation_reductions(search) == {"a": Fraction(2), "b": Fraction(2)}
    assert expected_cuts(scenario) == {"a": Fraction(2), "b": Fraction(2)}
    found = {frozenset(r.waiver for r in g) for g in minimal_relaxations(search, max_size=3)}
    assert found == {frozenset({("reservation", "a")}), frozenset({("reservation", "b")})}
    frame = BargainingSpace(scenario).relaxations().to_frame()
    cuts = frame[frame["kind"] == "lower reservation"]
    assert sorted(zip(cuts["parties"], cuts["reservation_cut"])) == [("a", 2.0), ("b", 2.0)]


def test_reservation_cut_with_a_party_that_cannot_be_helped():
    """As above, plus c, who gets 1 point from x10 only (reservation 1), and b forbids x10.
    No single reservation cut opens it: without a's or b's reservation, c still needs x10, which b
    forbids; without c's, a and b still want 6 + 6 of 10 points.  So every cut is None.  The minimal
    opening sets all have size 2: c's and a's reservations (x <= 4), c's and b's (6 <= x < 10), or b's
    reservation and its red line (x10: a 10, c 1)."""
    base = two_reservations().to_dict()
    base["parties"].append({"id": "c", "reservation": 1})
    base["utilities"]["c"] = {"x": {"x10": 1}}
    base["red_lines"] = [{"party": "b", "forbid": {"x": "x10"}}]
    scenario = Scenario.from_dict(base)
    search = BargainingSpace(scenario)._search
    assert reservation_reductions(search) == {"a": None, "b": None, "c": None} == expected_cuts(scenario)
    found = {frozenset(r.waiver for r in g) for g in minimal_relaxations(search, max_size=3)}
    assert found == minimal_opening_sets(scenario, 3)
    assert found == {frozenset({("reservation", "c"), ("reservation", "a")}), frozenset({("reservation", "c"), ("reservation", "b")}),
                     frozenset({("reservation", "b"), ("red_line", 0)})}
