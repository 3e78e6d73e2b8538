"""A long table is printed a block of rows at a time (bargaining.results.formatting.text_lines), with exactly the text
pandas gives for the whole table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bargaining import BargainingSpace, Scenario
from bargaining.results import formatting
from bargaining.results.formatting import readable, text_lines

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from scenarios import random_scenario  # noqa: E402


@pytest.mark.parametrize("size", [(8, 3, 3), (10, 4, 3), (6, 3, 2)])
def test_the_lines_are_pandas_text(size):
    frame = BargainingSpace(random_scenario(*size, 1)).frontier().to_frame()
    assert "\n".join(text_lines(frame, block=7)) == readable(frame).to_string(index=False)


def test_tables_with_amounts_and_empty_cells_too():
    space = BargainingSpace(Scenario.from_file(ROOT / "data" / "adjusted_winner.yaml"))
    for frame in (space.frontier().to_frame(), space.acceptable(limit=20).to_frame()):
        assert "\n".join(text_lines(frame, block=3)) == readable(frame).to_string(index=False)


def test_the_command_prints_a_long_frontier_as_pandas_would(tmp_path, monkeypatch):
    path = tmp_path / "case.yaml"
    path.write_text(random_scenario(10, 4, 3, 1).to_yaml())
    frame = BargainingSpace(Scenario.from_file(path)).frontier().to_frame()
    code = ("import sys; from bargaining.results import formatting; formatting.LONG_TABLE = 40; "
            "from bargaining.cli import main; sys.exit(main(['frontier', sys.argv[1]]))")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert len(frame) > 40
    assert out.rstrip("\n") == readable(frame).to_string(index=False)
    monkeypatch.setattr(formatting, "LONG_TABLE", 40)
    assert formatting.frame_text(frame) == readable(frame).to_string(index=False)
