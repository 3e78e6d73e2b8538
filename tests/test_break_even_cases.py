"""Break-even values (docs/break-even.md): continuous issues against the Adjusted Winner oracle
(tests/oracle_continuous.py: whether a package is acceptable, along each reservation and each red line's bound
on a share, against the oracle's exact answer on the modified division), the docs' worked examples checked by
hand, the bundled case end to end, the table's frame, JSON and text, and a time limit.  The discrete
scenarios against brute force: test_break_even.py."""

from __future__ import annotations

import dataclasses
from collections import Counter
from fractions import Fraction

from hypothesis import given, settings
from oracle_continuous import Division
from test_break_even import STEP
from test_continuous import divisions

from bargaining import BargainingSpace, Scenario
from bargaining.results.break_even import BreakEvenTable

F = Fraction


# --------------------------------------------------------------------------- continuous issues


def _modified(division: Division, row) -> callable:
    """The oracle's answer (a package is acceptable) with the row's input at a value."""
    def at(v: Fraction) -> bool:
        d = dataclasses.replace(division, a=list(division.a), b=list(division.b), low=list(division.low), high=list(division.high))
        if row.input == "reservation:ann":
            d.ann_reservation = v
        elif row.input == "reservation:bob":
            d.bob_reservation = v + sum(d.b)
        else:
            item = int(row.input.split(":")[3][4:])
            if row.input.endswith("at_least"):
                d.low[item] = v
            else:
                d.high[item] = v
            if any(lo > hi for lo, hi in zip(d.low, d.high)):
                return False
        return d.is_open()
    return at


def test_continuous_existence_flips_match_the_adjusted_winner_oracle():
    seen: Counter = Counter()

    # 25 examples in every profile (not scaled down with the default run's): the coverage asserted below needs them
    @settings(max_examples=25, deadline=None)
    @given(divisions())
    def check(division):
        scenario = Scenario.from_dict(division.to_dict())
        table = BargainingSpace(scenario).break_even(findings=["open"], progress=False)
        assert table.complete, table.reason
        stated = division.is_open()
        for row in table.rows:
            at = _modified(division, row)

            def holds(v: Fraction, at=at) -> bool:  # the finding ("open" or "closed") as stated
                return at(v) == stated

            assert holds(row.exact_stated)
            assert row.verified, row
            if row.exact_flip is None:
                seen["never"] += 1
                assert holds(row.exact_end), row
                continue
            seen[f"flip {row.kind}"] += 1
            sign = 1 if row.direction == "up" else -1
            assert holds(row.exact_flip - sign * STEP) or row.exact_flip == row.exact_stated, row
            assert holds(row.exact_flip) == row.holds_at_flip, row
            assert not holds(row.exact_flip + sign * STEP), row

    check()
    print(dict(seen))
    assert seen["flip reservation"] >= 5 and seen["flip threshold"] >= 3, seen


# --------------------------------------------------------------------------- worked examples, the bundled case, the API


def rows_of(table: BreakEvenTable) -> dict[tuple[str, str, str], object]:
    return {(r.finding, r.input, r.direction): r for r in table.rows}


def test_the_worked_example_of_the_docs():
    """docs/break-even.md works these out by hand."""
    table = BargainingSpace(Scenario.from_yaml("docs/examples/break_even.yaml")).break_even(progress=False)
    rows = rows_of(table)
    assert table.complete and table.exact and all(r.verified for r in table.rows)
    expected = {  # (finding, input, direction): (flip, holds at the flip)
        ("open", "reservation:bob", "up"): (F(3), True),
        ("open", "reservation:bob", "down"): (None, None),
        ("open", "reservation:ann", "up"): (None, None),  # Ann's best, 7, is the top of her range
        ("best:maxmin", "reservation:ann", "up"): (F(4), False),  # tied at 4, the larger total (a) wins there
        ("best:maxmin", "reservation:bob", "up"): (F(3), True),
        ("best:nash", "points:bob:split:a", "up"): (F(9, 5), False),
        ("best:kalai", "points:bob:split:a", "up"): (F(9, 5), False),
        ("best:utilitarian", "reservation:bob", "up"): (F(1), True),  # no headroom
        ("best:utilitarian", "points:ann:split:a", "down"): (F(6), True),  # tied at 6 and the totals too: still a best package
    }
    for key, (flip, holds) in expected.items():
        assert (rows[key].exact_flip, rows[key].holds_at_flip) == (flip, holds), key
    assert rows["best:maxmin", "reservation:ann", "up"].flipped == "maxmin prefers Split: Mostly Ann's way"
    assert rows["best:utilitarian", "reservation:bob", "up"].exact_headroom == 0


def test_the_threshold_example_of_the_docs():
    table = BargainingSpace(Scenario.from_yaml("docs/examples/break_even_fund.yaml")).break_even(progress=False)
    rows = rows_of(table)
    assert [f for f, _ in table.findings] == ["open"]  # no discrete issue: no criterion's package to flip
    assert rows["open", "threshold:0:require:fund:at_least", "up"].exact_flip == 60
    assert rows["open", "threshold:0:require:fund:at_least", "down"].exact_flip is None
    assert rows["open", "reservation:bob", "up"].exact_flip == -2
    assert rows["open", "reservation:ann", "up"].exact_flip == 6
    assert all(r.verified for r in table.rows)


def test_the_bundled_case_end_to_end():
    """Closed by two Donbas lines: no number opens it or changes the conflict or the levers; the concessions
    close only along the optional parties' reservations; Moscow's would close them at 56 and 71, beyond its range."""
    from bargaining.present.break_even import render_break_even

    space = BargainingSpace(Scenario.from_yaml("data/europe_russia_ukraine.yaml"))
    table = space.break_even(progress=False)
    assert table.complete and table.exact, table.reason
    rows = rows_of(table)
    assert all(r.verified for r in table.rows if not r.note)  # (a price of a line with real: unused, nothing to verify)
    for finding in ("open", "conflict", "cut:ukraine", "cut:russia", "cut:united_states", "lever:sanctions", "lever:energy"):
        assert not [r for r in table.flips() if r.finding == finding], finding
    flips = {(r.finding, r.input) for r in table.flips()}
    optional = {p.id for p in space.scenario.parties if not p.veto and p.reservation_range is None}
    assert {i.split(":")[1] for _, i in flips} == optional and {f for f, _ in flips} == {"concession:0", "concession:7"}
    assert rows["concession:0", "reservation:hungary", "up"].exact_flip == 53
    assert rows["concession:7", "reservation:russia", "up"].exact_flip is None
    assert rows["concession:7", "reservation:russia", "up"].exact_beyond == 56
    assert rows["concession:0", "reservation:russia", "up"].exact_beyond == 71
    inert = set(table.inert()["input"])
    assert {"reservation:russia", "reservation:ukraine", "threshold:ru_fund_cap:require:fund:at_most",
            "price:ru_no_western_guarantee", "price:ru_donbas_admin"} <= inert
    text = render_break_even(table)
    assert "Hungary's reservation 8.8: holds up to and including 53 (+44.2)" in text


def test_the_table_as_a_frame_json_and_text():
    import json

    from bargaining.present.break_even import render_break_even

    table = BargainingSpace(Scenario.from_yaml("docs/examples/break_even.yaml")).break_even(progress=False)
    frame = table.to_frame()
    assert {"input", "kind", "stated", "flip", "headroom", "finding", "verified"} <= set(frame.columns)
    assert len(frame) == len(table.rows) and frame.attrs["exact"] is True
    data = json.loads(json.dumps(table.to_dict()))
    assert data["rows"][0]["stated_exact"] == str(table.rows[0].exact_stated)
    assert "21 flips within range (all verified)" in repr(table)
    assert "<table" in table._repr_html_()
    assert "Finding: maxmin picks Split: The middle" in render_break_even(table)
    kept = BargainingSpace(Scenario.from_yaml("docs/examples/break_even.yaml")).break_even(
        inputs=["reservation"], findings=["open", "best:nash"], progress=False)
    assert {f for f, _ in kept.findings} == {"open", "best:nash"} and {r.kind for r in kept.rows} == {"reservation"}


def test_a_time_limit_lists_what_it_did_not_analyse():
    space = BargainingSpace(Scenario.from_yaml("data/europe_russia_ukraine.yaml"))
    render = __import__("bargaining.present.break_even", fromlist=["x"]).render_break_even
    early = space.break_even(time_limit=0.001, progress=False)  # stopped before the findings are known: nothing to list
    assert not early.complete and not early.rows and "before the stated findings" in early.reason and "INCOMPLETE" in render(early)
    # the first limit that stops it midway: some findings analysed, some not (a quiet machine needs a short one, a
    # loaded one a longer one)
    for limit in (0.05 * 2 ** k for k in range(10)):
        table = space.break_even(time_limit=limit, progress=False)
        if table.rows and not table.complete:
            break
    assert not table.complete and table.skipped and "time limit" in table.reason
    analysed = {(r.finding, r.input) for r in table.rows}
    assert not analysed & set(table.skipped)
    assert "INCOMPLETE" in render(table)
