"""Time limits: results stopped early say so, and hold only correct rows.

Two ways to stop a search: a real wall-clock limit (0 s, or a few milliseconds on a case
that needs far longer), and a wrapped solver that reports HiGHS's time-limit status from a
chosen solve on -- either with no package, or with the package it had found (HiGHS stops with
an incumbent).  Every row of a partial result is checked against the brute-force oracle.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import enumerate_packages
from strategies import scenarios

from bargaining import BargainingSpace, Scenario
from bargaining.cli import main
from bargaining.engine.solver import Outcome
from bargaining.errors import TimeLimitReached

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
from budget import examples
from scenarios import random_scenario  # noqa: E402

CRITERIA = ["maxmin", "utilitarian", "nash", "kalai"]


class TimesOut:
    """A solver's ``solve``, wrapped: solves listed in ``when`` (0-based call numbers; ``after``: every call
    from that one on) report the time limit -- with the package found if ``incumbent``, else with none."""

    def __init__(self, solver, after: int | None = None, when: set[int] = frozenset(), incumbent: bool = False):
        self.real, self.after, self.when, self.incumbent, self.calls, self.stopped = solver.solve, after, when, incumbent, 0, 0

    def __call__(self, time_limit=None, granularity=None):
        outcome = self.real(time_limit, granularity)
        k, self.calls = self.calls, self.calls + 1
        if k in self.when or (self.after is not None and k >= self.after):
            self.stopped += 1
            if self.incumbent and outcome.has_solution:
                return Outcome("time_limit", outcome.objective, True)
            return Outcome("time_limit", None, False)
        return outcome


def model_only(monkeypatch) -> None:
    """The model's search alone (the exact programme answers small discrete cases in milliseconds without
    the solver, so the solver's time limits are tested with it turned off)."""
    from bargaining.algorithms import acceptable, frontier
    from bargaining.algorithms.programme import NotApplicable

    def off(*args, **kwargs):
        raise NotApplicable("turned off in this test")

    for module, name in ((frontier, "frontier_for"), (acceptable, "count_for"), (acceptable, "acceptable_for")):
        monkeypatch.setattr(module, name, off)


def stop(space: BargainingSpace, monkeypatch, **kwargs) -> TimesOut:
    wrapper = TimesOut(space._search.solver, **kwargs)
    monkeypatch.setattr(space._search.solver, "solve", wrapper)
    return wrapper


def rows_are_frontier_points(frame, scenario, truth, parties=None):
    """Every row: an acceptable package (oracle), its utilities as the oracle computes them, on the true frontier."""
    parties = parties or scenario.party_ids
    issues = [i.id for i in scenario.issues]
    acceptable = truth.acceptable_set()
    front = truth.frontier(parties)
    index = {truth.index_row(k): k for k in range(len(truth.acceptable))}
    for _, row in frame.iterrows():
        key = tuple(row[i] for i in issues)
        assert key in acceptable, key
        exact = truth.utilities(index[key])
        assert all(row[p] == float(exact[p]) for p in scenario.party_ids), (row, exact)
        assert tuple(exact[p] for p in parties) in front, key


# --------------------------------------------------------------------------- the frontier


def test_frontier_with_no_time_is_empty_and_incomplete():
    scenario = random_scenario(5, 3, 3, seed=1)
    frame = BargainingSpace(scenario).frontier(time_limit=1e-9, workers=1, method="mip").to_frame()
    assert frame.attrs["complete"] is False
    assert len(frame) == 0 and frame.attrs["solver_calls"] == 0


@settings(max_examples=examples(30))
@given(scenarios(max_parties=4, shape="open"), st.integers(0, 8), st.booleans())
def test_a_frontier_stopped_midway_is_incomplete_and_correct(scenario, after, incumbent):
    truth = enumerate_packages(scenario)
    space = BargainingSpace(scenario)
    with pytest.MonkeyPatch.context() as monkeypatch:
        model_only(monkeypatch)
        wrapper = stop(space, monkeypatch, after=after, incumbent=incumbent)
        frame = space.frontier(workers=1, solutions=False, method="mip").to_frame()
    rows_are_frontier_points(frame, scenario, truth)
    if wrapper.stopped:
        assert frame.attrs["complete"] is False
    else:
        assert frame.attrs["complete"] is True
        assert len(frame) == len(truth.frontier())
    if not frame.attrs["complete"]:  # and an incomplete frontier marks no solution (it may miss them)
        with pytest.MonkeyPatch.context() as monkeypatch:
            stop(space, monkeypatch, after=after, incumbent=incumbent)
            marked = space.frontier(workers=1, method="mip")
        assert marked.complete is False and marked.to_frame()["solution"].eq("").all()


@settings(max_examples=examples(30))
@given(scenarios(max_parties=4, shape="open"), st.integers(0, 4))
def test_one_timed_out_solve_leaves_the_frontier_incomplete_or_exact(scenario, when):
    """A single solve stopped by the time limit (with the package HiGHS had found): the frontier is
    either marked incomplete, or it is the whole true frontier."""
    truth = enumerate_packages(scenario)
    space = BargainingSpace(scenario)
    with pytest.MonkeyPatch.context() as monkeypatch:
        model_only(monkeypatch)
        wrapper = stop(space, monkeypatch, when={when}, incumbent=True)
        frame = space.frontier(workers=1, solutions=False, method="mip").to_frame()
    rows_are_frontier_points(frame, scenario, truth)
    if wrapper.stopped:
        assert frame.attrs["complete"] is False
    else:
        assert frame.attrs["complete"] is True and len(frame) == len(truth.frontier())


def test_frontier_with_a_real_time_limit_on_a_large_case():
    scenario = random_scenario(10, 3, 3, seed=5)  # 59,049 packages; its frontier takes seconds
    truth = enumerate_packages(scenario)
    frame = BargainingSpace(scenario).frontier(time_limit=0.3, workers=1, method="mip").to_frame()
    assert frame.attrs["complete"] is False
    assert len(frame) < len(truth.frontier())
    rows_are_frontier_points(frame, scenario, truth)


# --------------------------------------------------------------------------- best


@pytest.mark.parametrize("criterion", CRITERIA)
def test_best_with_no_time_raises(criterion):
    space = BargainingSpace(random_scenario(5, 3, 3, seed=1), time_limit=1e-9)
    with pytest.raises(TimeLimitReached):
        space.best(criterion)


@settings(max_examples=examples(40))
@given(scenarios(max_parties=4, shape="open"), st.sampled_from(CRITERIA), st.integers(0, 3))
def test_best_stopped_with_a_package_is_not_optimal_and_acceptable(scenario, criterion, after):
    truth = enumerate_packages(scenario)
    space = BargainingSpace(scenario)
    with pytest.MonkeyPatch.context() as monkeypatch:
        model_only(monkeypatch)
        wrapper = stop(space, monkeypatch, after=after, incumbent=True)
        try:
            package = space.best(criterion)
        except TimeLimitReached:
            return  # (a stage that needs a package found none in time: nothing to check)
    assert package is not None
    k = next(k for k in range(len(truth.acceptable)) if truth.choices(k) == package.choices)
    assert truth.acceptable[k] and package.exact_utilities == truth.utilities(k)
    assert list(package.signers) == truth.signers(k)
    if wrapper.stopped:
        assert package.optimal is False
    else:
        assert package.optimal is True
        assert package.vector(scenario.party_ids) in truth.best(criterion, space.criteria_parties)


@settings(max_examples=examples(40))
@given(scenarios(max_parties=4, shape="open"), st.sampled_from(CRITERIA))
def test_a_first_stage_stopped_early_is_never_called_optimal(scenario, criterion):
    """Only the criterion's first solve is stopped (with its package); later solves finish.  The answer
    rests on an unproven first stage, so it must not claim to be optimal."""
    space = BargainingSpace(scenario)
    with pytest.MonkeyPatch.context() as monkeypatch:
        model_only(monkeypatch)
        wrapper = stop(space, monkeypatch, when={0}, incumbent=True)
        try:
            package = space.best(criterion)
        except TimeLimitReached:  # Nash's first solve may have had no package (none with every gain positive)
            assert criterion == "nash"
            return
    assert wrapper.stopped == 1
    assert package is not None and package.optimal is False


@pytest.mark.parametrize("criterion", ["maxmin", "utilitarian", "nash"])
def test_a_tie_break_stopped_early_keeps_the_package_found(criterion, monkeypatch):
    """The criterion's optimum is found by the first solve; every later solve (the tie-break) runs out of
    time with nothing: the package found is returned, not proven optimal, rather than an exception."""
    scenario = Scenario.from_yaml(Path(__file__).parents[1] / "data" / "logrolling.yaml")
    space = BargainingSpace(scenario)
    model_only(monkeypatch)
    stop(space, monkeypatch, after=1)
    package = space.best(criterion)
    assert package is not None and package.optimal is False
    truth = enumerate_packages(scenario)
    assert truth.accepts(package.exact_choices)
    assert tuple(package.exact_utilities[p] for p in scenario.party_ids) == truth.vector(package.exact_choices)


def test_a_row_added_and_undone_before_any_solve():
    """(Regression) undoing a row HiGHS never saw must not fail, and the model is unchanged after."""
    scenario = random_scenario(4, 3, 2, seed=1)
    space = BargainingSpace(scenario)
    with space._search.changes() as edit:
        edit.row(space._search.gain("p0") >= 10**6)  # would close the space
    assert space.best("maxmin").vector(scenario.party_ids) in enumerate_packages(scenario).best("maxmin", scenario.party_ids)


def test_best_with_a_real_time_limit_on_a_large_case():
    """60 issues x 5 options x 6 parties: maxmin needs about 15 s here; with 0.5 s per solve HiGHS has
    an incumbent (found within 0.05 s here) but no proof: a package not proven optimal, acceptable."""
    scenario = random_scenario(60, 5, 6, seed=2)
    raw = scenario.to_dict()
    space = BargainingSpace(scenario, time_limit=0.5)
    package = space.best("maxmin")
    assert package is not None and package.optimal is False
    for party in raw["parties"]:  # checked from the raw file: points add up, no forbidden option, reservation met
        table = raw["utilities"][party["id"]]
        points = sum(table[i].get(package.choices[i], 0) for i in table)
        assert package.exact_utilities[party["id"]] == points >= party["reservation"]
    for line in raw["red_lines"]:
        assert all(package.choices[i] != o for i, o in line["forbid"].items())


# --------------------------------------------------------------------------- acceptable


def test_acceptable_with_no_time_raises():
    with pytest.raises(TimeLimitReached):
        BargainingSpace(random_scenario(5, 3, 3, seed=1), time_limit=1e-9).acceptable()


@settings(max_examples=examples(15))
@given(scenarios(max_parties=4, shape="open"), st.integers(1, 4), st.booleans())
def test_acceptable_stopped_midway_is_incomplete_and_correct(scenario, after, incumbent):
    truth = enumerate_packages(scenario)
    space = BargainingSpace(scenario)
    with pytest.MonkeyPatch.context() as monkeypatch:
        model_only(monkeypatch)
        wrapper = stop(space, monkeypatch, after=after, incumbent=incumbent)
        frame = space.acceptable().to_frame()
    issues = [i.id for i in scenario.issues]
    found = {tuple(row) for row in frame[issues].itertuples(index=False)}
    assert len(found) == len(frame) and found <= truth.acceptable_set()
    if wrapper.stopped and not incumbent:
        assert frame.attrs["complete"] is False
        assert len(frame) == min(after, len(truth.acceptable_set()))
    elif not wrapper.stopped:
        assert frame.attrs["complete"] is True and found == truth.acceptable_set()


# --------------------------------------------------------------------------- the command


@pytest.fixture
def large_case(tmp_path):
    file = tmp_path / "large.yaml"
    file.write_text(yaml.safe_dump(random_scenario(10, 3, 3, seed=5).to_dict()))
    return file


#: The command's smallest time limit worth asking for ("--time-limit 0" means no limit).
NO_TIME = "0.000001"


def test_cli_solve_with_no_time_exits_3(large_case, capsys):
    assert main(["solve", str(large_case), "--time-limit", NO_TIME]) == 3
    err = capsys.readouterr().err
    assert "stopped" in err and "Traceback" not in err


def test_cli_frontier_with_no_time_exits_3(large_case, capsys):
    """Stopped before any frontier point was found: the time limit (3), not "no acceptable package" (1)."""
    assert main(["frontier", str(large_case), "--time-limit", NO_TIME]) == 3
    assert "INCOMPLETE" in capsys.readouterr().err


def test_cli_frontier_stopped_midway_lists_correct_points(large_case, tmp_path, capsys):
    out = tmp_path / "front.csv"
    # the mixed-integer search (the programme finds these 75 points in milliseconds)
    assert main(["frontier", str(large_case), "--time-limit", "0.3", "--method", "mip", "--csv", str(out)]) == 0
    assert "INCOMPLETE" in capsys.readouterr().err
    import pandas as pd

    scenario = Scenario.from_yaml(large_case)
    frame = pd.read_csv(out, comment="#", dtype={i.id: str for i in scenario.issues}, keep_default_na=False)
    truth = enumerate_packages(scenario)
    assert 0 < len(frame) < len(truth.frontier())
    rows_are_frontier_points(frame, scenario, truth)
