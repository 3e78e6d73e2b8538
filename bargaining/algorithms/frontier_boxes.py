"""One box of the frontier search (:mod:`.frontier_mip`), solved here or in a helper process.

A box's solve leaves f_0 free, holds each other party's utility above the box's bound, and
maximises f_0 then the others' sum (lexicographically, exactly on the lattice).  A helper process
(``python -m bargaining.algorithms.frontier_boxes``) builds its own model once, with the caller's
waived requirements, imposed coalition and frozen issues, and answers the boxes it is sent.
"""

from __future__ import annotations

import math
import os
import pickle
import queue
import subprocess
import sys
import threading
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from ..engine.search import Edit, Search
from ..results import Package
from ..scenario import exact

#: Lattice coordinate standing for "no bound" (minus infinity).
UNBOUNDED = np.iinfo(np.int64).min // 4


@dataclass
class BoxProblem:
    """One box's solve: f_0 free, f_j above the box's bound (j >= 1), lexicographic objective."""

    parties: list[str]
    step: dict[str, Fraction]
    weight: int
    objective: Any
    granularity: Fraction | None

    @classmethod
    def of(cls, search: Search, parties: list[str], step: dict[str, Fraction], weight: int | None = None) -> "BoxProblem":
        others = parties[1:]
        if weight is None:  # one step of f_0 outweighs any change of the others: exact lexicographic order
            spans = [search.utility_range(p) for p in others]
            weight = sum(math.ceil((high - low) / float(step[p])) for p, (low, high) in zip(others, spans)) + 1
        objective = weight * search.utility(parties[0]) / float(step[parties[0]]) + sum(search.utility(p) / float(step[p]) for p in others)
        granularity = Fraction(1) if all(search.unit(p) is not None for p in parties) else None
        return cls(parties, step, weight, objective, granularity)

    def spec(self) -> tuple:
        return self.parties, {p: (v.numerator, v.denominator) for p, v in self.step.items()}, self.weight

    def solve(self, search: Search, edit: Edit, box: np.ndarray) -> tuple[str, Package | None]:
        """Solve one box; the bounds stay set in ``edit`` (the next box overwrites them, the edit's end undoes them)."""
        edit.gain_at_least(self.parties[0], None)
        for p, low in zip(self.parties[1:], box[1:]):
            reservation = exact(search.scenario.party[p].reservation)
            # (on a grid axis a point exactly on the bound belongs to the cell: no margin, else a point on a cell's
            # corner is lost; one the solver reads a hair below is counted in the box by the search's bookkeeping)
            edit.gain_at_least(p, None if low == UNBOUNDED else (int(low) + 1) * self.step[p] - reservation)
        outcome, package = search.maximize(self.objective, self.granularity)
        return outcome.status, package


# ---- helper processes: each builds the model once and solves the boxes it is sent


class Helper:
    """A helper process solving boxes on its own model.

    Messages are pickles over a pipe; a reader thread queues the answers, so this process
    can keep solving while the helper works.  Started as a plain subprocess (not with
    multiprocessing), so it works from scripts and notebooks without a ``__main__`` guard.
    """

    def __init__(self, scenario: dict, spec: tuple, changes: tuple):
        self.process = subprocess.Popen([sys.executable, "-m", "bargaining.algorithms.frontier_boxes"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.answers: queue.Queue = queue.Queue()
        self.alive = True
        self._write((scenario, spec, changes))
        threading.Thread(target=self._read, daemon=True).start()

    def _write(self, message: object) -> None:
        try:
            pickle.dump(message, self.process.stdin)  # type: ignore[arg-type]
            self.process.stdin.flush()  # type: ignore[union-attr]
        except (BrokenPipeError, OSError):
            self.alive = False

    def _read(self) -> None:
        try:
            while True:
                self.answers.put(pickle.load(self.process.stdout))  # type: ignore[arg-type]
        except (EOFError, OSError, pickle.UnpicklingError):
            self.alive = False
            self.answers.put(("lost", None))

    def send(self, box: np.ndarray, seconds: float | None) -> None:
        self._write((box.tolist(), seconds))

    def receive(self, block: bool = False, peek: bool = False) -> tuple[str, dict | None] | None:
        if peek:
            return None if self.answers.empty() else ("", None)
        try:
            return self.answers.get(timeout=60) if block else self.answers.get_nowait()
        except queue.Empty:
            return None

    def close(self) -> None:
        self._write(None)
        try:
            self.process.stdin.close()  # type: ignore[union-attr]
        except OSError:
            pass
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait()  # reaped here: no zombie or orphan outlives the search (Ctrl-C included)


def _serve() -> None:
    """The helper's side: build the model once, then answer boxes until told to stop."""
    channel_in, channel_out = sys.stdin.buffer, os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed by libraries goes to stderr, not into the channel
    from ..scenario import Scenario

    scenario, (parties, step, weight), (waived, coalition, fixed) = pickle.load(channel_in)
    search = Search.of(Scenario.from_dict(scenario))
    problem = BoxProblem.of(search, parties, {p: Fraction(*v) for p, v in step.items()}, weight)
    with search.changes() as edit:
        # the same model as the caller's: its waived requirements, imposed coalition and frozen issues
        edit.waive([r for r in search.requirements if r.waiver in set(map(tuple, waived))])
        edit.impose(None if coalition is None else frozenset(coalition))
        edit.fix_package(fixed)
        while True:
            try:
                message = pickle.load(channel_in)
            except EOFError:
                return
            if message is None:
                return
            box, seconds = message
            search.time_limit = seconds
            status, package = problem.solve(search, edit, np.array(box, dtype=np.int64))
            pickle.dump((status, None if package is None else package.exact_choices), channel_out)
            channel_out.flush()




if __name__ == "__main__":
    _serve()
