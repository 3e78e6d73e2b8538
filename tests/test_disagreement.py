"""No silent retry loops: when the solver and the exact check keep disagreeing, the search stops at once
with an error naming both answers (issue 27: a planted bug in the exact check used to make the search walk
the packages one by one, and the test suite hung for 30 minutes).

Each test plants a disagreement on a scenario with hundreds of thousands of packages: without the bound
the search would cut them off one by one (hours); with it, it stops after a handful of solves.  The
number of solves is asserted, not the time.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bargaining import BargainingSpace, Scenario
from bargaining.algorithms.solutions import best_package
from bargaining.engine.search import MAX_REJECTED
from bargaining.errors import AnswersDisagree
from bargaining.scenario.rules import Control

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
from scenarios import random_scenario  # noqa: E402


def test_an_exact_check_that_refuses_everything_stops_the_search_after_a_handful_of_solves(monkeypatch):
    scenario = random_scenario(12, 3, 3, seed=1)  # 531,441 packages
    space = BargainingSpace(scenario)
    assert space._search.feasible() is not None  # the check as written: an acceptable package
    calls = space._search.solver.calls
    monkeypatch.setattr(Scenario, "signers", lambda self, *args, **kwargs: None)  # the planted bug
    with pytest.raises(AnswersDisagree) as error:
        space._search.feasible()
    assert space._search.solver.calls - calls == MAX_REJECTED
    text = str(error.value)
    assert "the solver" in text and "the exact check" in text and "bug" in text
    assert all(f"{issue.id}: " in text for issue in scenario.issues)  # the package both answers are about


def controlled_case() -> Scenario:
    """Moving ``x`` (controlled by at least two of p0, p1) is worth 100 to both parties; ten free issues beside it."""
    issues = [{"id": "x", "options": [{"id": "keep", "status_quo": True}, {"id": "move"}],
               "controlled_by": {"at_least": 2, "of": ["p0", "p1"]}}]
    issues += [{"id": f"i{k}", "options": [{"id": "a"}, {"id": "b"}, {"id": "c"}]} for k in range(10)]  # 2 x 59,049 packages
    utilities = {p: {"x": {"move": 100}, **{f"i{k}": {"a": (k + j) % 3, "b": (k + 2 * j) % 3, "c": 1} for k in range(10)}}
                 for j, p in enumerate(["p0", "p1"])}
    return Scenario.from_dict({"format": 1, "name": "planted", "parties": [{"id": "p0", "reservation": 0}, {"id": "p1", "reservation": 0}],
                               "issues": issues, "utilities": utilities})


def test_at_least_k_read_as_more_than_k_stops_with_both_answers(monkeypatch):
    """The issue's planted bug: ``at_least k`` read as "more than k" in the exact check."""
    scenario = controlled_case()
    space = BargainingSpace(scenario)
    assert best_package(space._search, "maxmin", ["p0", "p1"]).choices["x"] == "move"  # as written
    monkeypatch.setattr(Control, "allows", lambda self, taking_part: len(set(self.members) & set(taking_part)) > self.need)
    calls = space._search.solver.calls
    with pytest.raises(AnswersDisagree) as error:
        best_package(space._search, "maxmin", ["p0", "p1"])
    assert space._search.solver.calls - calls <= MAX_REJECTED
    text = str(error.value)
    assert "x: move" in text and "controlling parties" in text  # the solver's package, and why the check refuses it


def test_the_command_line_names_the_disagreement_without_a_traceback(monkeypatch, tmp_path, capsys):
    from bargaining.cli import main

    path = tmp_path / "planted.yaml"
    path.write_text(controlled_case().to_yaml())
    monkeypatch.setattr(Control, "allows", lambda self, taking_part: len(set(self.members) & set(taking_part)) > self.need)
    monkeypatch.setattr("bargaining.space.best", lambda search, criterion, parties: best_package(search, criterion, parties))
    # solve answers from the programme without the model where it can; the programme reads the same (planted) rule, so
    # it agrees with the check: the model's search is the one whose disagreement the command must name
    monkeypatch.setattr("bargaining.cli.commands._without_model", lambda scenario, args: None)
    assert main(["solve", str(path)]) == 2
    err = capsys.readouterr().err
    assert "the solver and the exact check disagree" in err and "Traceback" not in err
