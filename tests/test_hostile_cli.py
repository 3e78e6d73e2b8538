"""The command against hostile paths and options: outputs checked before any work, inputs never overwritten."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest
from budget import HANG_GUARD
from oracle import enumerate_packages

from bargaining import BargainingSpace, Scenario
from bargaining import write_report as report
from bargaining.cli import main
from bargaining.files import OutputPathError

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def lr(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(DATA / "logrolling.yaml", tmp_path / "lr.yaml")
    return tmp_path / "lr.yaml"


def refused(argv: list[str], capsys, words: str) -> None:
    """Exit 2 at once (before any solving), one line naming the problem, no traceback."""
    start = time.perf_counter()
    assert main(argv) == 2
    assert time.perf_counter() - start < HANG_GUARD, "hang guard"
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("argv", [
    ["report", "lr.yaml", "-o", "lr.yaml"],
    ["frontier", "lr.yaml", "--csv", "lr.yaml"],
    ["coalitions", "lr.yaml", "--csv", "lr.yaml"],
    ["report", "lr.yaml", "-o", "same.yaml"],  # a symbolic link to it
    ["report", "lr.yaml", "-o", "hard.yaml"],  # a hard link to it
    ["report", "lr.html"],  # the default output is the input's name with .html, here the input itself
])
def test_never_writes_over_the_input(lr, capsys, argv):
    """Issue item 8: `report lr.yaml -o lr.yaml` replaced the scenario with HTML (exit 0)."""
    os.symlink(lr, lr.parent / "same.yaml")
    os.link(lr, lr.parent / "hard.yaml")
    shutil.copy(lr, lr.parent / "lr.html")
    before = lr.read_bytes()
    refused(argv, capsys, "refusing to write over it")
    assert lr.read_bytes() == before and (lr.parent / "lr.html").read_bytes() == before


def test_the_report_function_refuses_too(lr):
    space = BargainingSpace(Scenario.from_yaml(lr))
    with pytest.raises(OutputPathError, match="input file"):
        report(space, lr)


@pytest.mark.parametrize("argv, words", [
    (["report", "lr.yaml", "-o", "."], "is a folder"),
    (["frontier", "lr.yaml", "--csv", "."], "is a folder"),
    (["report", "lr.yaml", "-o", "/sys/bargaining-report.html"], "cannot write in the folder /sys"),
    (["frontier", "lr.yaml", "--csv", "/sys/bargaining-frontier.csv"], "cannot write in the folder /sys"),
    (["coalitions", "lr.yaml", "--csv", "missing/out.csv"], "does not exist"),
    (["report", "lr.yaml", "-o", "lr.yaml/out.html"], "is a file, not a folder"),
])
def test_output_paths_are_checked_before_computing(lr, capsys, argv, words):
    """Issue item 9: a folder as -o (IsADirectoryError) and a read-only folder (PermissionError) ended in
    tracebacks after the whole computation.  (/sys refuses new files even to root.)"""
    refused(argv, capsys, words)


def test_read_only_folder(lr, capsys, monkeypatch):
    folder = lr.parent / "locked"
    folder.mkdir(mode=0o555)
    if os.geteuid() == 0:  # root ignores permission bits: the folder refuses as a read-only one would
        from bargaining import files

        real_open = files.os.open

        def refuse(path, *args, **kwargs):
            if str(path).startswith(str(folder)):
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(files.os, "open", refuse)
    refused(["report", "lr.yaml", "-o", "locked/out.html"], capsys, "cannot write in the folder")


def test_report_still_creates_missing_folders(lr, capsys):
    assert main(["report", "lr.yaml", "-o", "new/folder/lr.html", "--time-limit", "10"]) == 0
    assert (lr.parent / "new" / "folder" / "lr.html").read_text().startswith("<!DOCTYPE html>")


def test_after_cycles_are_refused_with_their_members(lr, capsys):
    """Issue item 10: price after delivery, delivery after price passed check; phased never moved either."""
    text = lr.read_text()
    text = text.replace("  - id: price\n    name: Price\n    options:\n      - {id: to_seller, name: The seller's price}",
                        "  - id: price\n    name: Price\n    after: [delivery]\n    options:\n      - {id: to_seller, name: The seller's price, status_quo: true}")
    text = text.replace("  - id: delivery\n    name: Delivery date\n    options:\n      - {id: to_seller, name: The seller's date}",
                        "  - id: delivery\n    name: Delivery date\n    after: [warranty]\n    options:\n      - {id: to_seller, name: The seller's date, status_quo: true}")
    text = text.replace("  - id: warranty\n    name: Warranty\n    options:\n      - {id: to_seller, name: The seller's warranty terms}",
                        "  - id: warranty\n    name: Warranty\n    after: [price]\n    options:\n      - {id: to_seller, name: The seller's warranty terms, status_quo: true}")
    lr.write_text(text)
    for command in ("check", "phased"):
        assert main([command, "lr.yaml"]) == 2
        err = capsys.readouterr().err
        assert "issues[0].after: 'after' goes round in a cycle among price, delivery, warranty" in err
        assert "price after delivery, delivery after warranty, warranty after price" in err
    lr.write_text(text.replace("    after: [price]\n", ""))  # no cycle left: a chain
    assert main(["check", "lr.yaml"]) == 0


def test_two_issue_cycle_and_self_reference(lr, capsys):
    from bargaining import ScenarioError

    base = {"format": 1, "name": "x", "parties": [{"id": "p", "reservation": 0}],
            "issues": [{"id": i, "options": [{"id": "a", "status_quo": True}, {"id": "b"}]} for i in ("price", "delivery", "other")]}
    base["issues"][0]["after"] = ["delivery"]
    base["issues"][1]["after"] = ["price", "other"]
    with pytest.raises(ScenarioError, match=r"cycle among price, delivery \(e\.g\. price after delivery, delivery after price\)"):
        Scenario.from_dict(base)


def test_frontier_csv_says_whether_it_is_complete(lr, capsys):
    """Issue item 11: a CSV cut short by the time limit carried no mark of it."""
    assert main(["frontier", "lr.yaml", "--csv", "full.csv"]) == 0
    text = (lr.parent / "full.csv").read_text()
    assert "# complete: true\n" in text and "# method: dp" in text and "# exact: true" in text
    frame = pd.read_csv(lr.parent / "full.csv", comment="#")
    assert list(frame.columns) == ["price", "delivery", "warranty", "seller", "buyer", "solution"]
    assert len(frame) == len(enumerate_packages(Scenario.from_yaml(lr)).frontier()) == 3


def test_incomplete_frontier_csv_is_marked(lr, capsys, monkeypatch):
    from bargaining.algorithms import frontier_boxes

    real = frontier_boxes.BoxProblem.solve
    calls = []

    def stop_after_one(self, search, edit, box):  # a deterministic "time limit": the second box runs out
        calls.append(box)
        if len(calls) > 1:
            search.deadline = time.perf_counter() - 1
        return real(self, search, edit, box)

    monkeypatch.setattr(frontier_boxes.BoxProblem, "solve", stop_after_one)
    assert main(["frontier", "lr.yaml", "--csv", "cut.csv", "--time-limit", "60", "--method", "mip"]) == 0
    text = (lr.parent / "cut.csv").read_text()
    assert text.startswith("# bargaining frontier: Logrolling")
    assert "# complete: false (stopped at the time limit" in text
    assert 0 < len(pd.read_csv(lr.parent / "cut.csv", comment="#")) < 3


def test_time_limit_before_any_frontier_point_is_exit_3(lr, capsys, monkeypatch):
    from bargaining.engine.search import Search

    monkeypatch.setattr(Search, "remaining", lambda self: 0.0)
    assert main(["frontier", "lr.yaml", "--csv", "none.csv"]) == 3
    assert "time limit" in capsys.readouterr().err
    assert not (lr.parent / "none.csv").exists()
