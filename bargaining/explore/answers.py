"""The live answers for one variant, computed on a session's model: is there a deal, and if not why not and
what would open it; if so the four bargaining solutions; then the Pareto frontier.

Everything here asks :class:`~bargaining.BargainingSpace` inside ``space.what_if(variant)``: the
session's one model changed in place, restored after each question.  A computation whose ticket
has gone stale (a newer change came in) stops at its next step and returns None.  Whatever is
approximate or cut short says so in ``notes`` (the page shows each as a banner).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from ..errors import TimeLimitReached
from ..results import CRITERIA, Diagnosis, Frontier, Package, number
from ..scenario import Scenario, Variant
from ..space import BargainingSpace

#: Seconds the live answers may take together, and the frontier on its own, before they are cut short.
ANSWER_SECONDS = 20.0
FRONTIER_SECONDS = 10.0


@dataclass(frozen=True)
class Answers:
    """Existence, the conflict or the solutions, for one variant."""

    scenario: Scenario  # the variant's
    feasible: bool | None  # None: the time limit stopped the search before it could say
    solutions: dict[str, Package] = field(default_factory=dict)
    diagnosis: Diagnosis | None = None
    notes: tuple[str, ...] = ()
    seconds: float = 0.0


@dataclass(frozen=True)
class FrontierAnswer:
    frontier: Frontier | None
    notes: tuple[str, ...] = ()
    seconds: float = 0.0


def live_answers(space: BargainingSpace, variant: Variant, stale: Callable[[], bool]) -> Answers | None:
    """The answers for ``variant`` (None if a newer change made them stale on the way)."""
    start = time.perf_counter()
    notes: list[str] = []
    with space.what_if(variant) as scenario, space.deadline(ANSWER_SECONDS):
        try:
            first = space.best("maxmin")
        except TimeLimitReached:
            note = f"Stopped at the {number(ANSWER_SECONDS)} s limit before any package was found: whether a deal exists is not known."
            return Answers(scenario, None, notes=(note,), seconds=time.perf_counter() - start)
        if stale():
            return None
        if first is None:
            try:
                diagnosis = space.diagnose()
            except TimeLimitReached:
                diagnosis = None
                notes.append(f"The diagnosis stopped at the {number(ANSWER_SECONDS)} s limit: the conflict is not shown.")
            return Answers(scenario, False, diagnosis=diagnosis, notes=tuple(notes), seconds=time.perf_counter() - start)
        solutions = {"maxmin": first}
        for name in CRITERIA:
            criterion = str(name)
            if criterion not in solutions:
                if stale():
                    return None
                try:
                    package = space.best(criterion)
                except TimeLimitReached:
                    notes.append(f"The {criterion} package was not found within the {number(ANSWER_SECONDS)} s limit.")
                    continue
                if package is not None:
                    solutions[criterion] = package
        for criterion, package in solutions.items():
            if not package.optimal:
                why = f" ({package.caveat})" if package.caveat else ""
                notes.append(f"The {criterion} package is not proven optimal{why}.")
        return Answers(scenario, True, solutions, notes=tuple(notes), seconds=time.perf_counter() - start)


def live_frontier(space: BargainingSpace, variant: Variant) -> FrontierAnswer:
    """The Pareto frontier over the parties the criteria weigh, within :data:`FRONTIER_SECONDS`."""
    start = time.perf_counter()
    notes: list[str] = []
    with space.what_if(variant):
        parties = space.criteria_parties
        frontier = space.frontier(parties, time_limit=FRONTIER_SECONDS, progress=False, solutions=False, workers=1)
    if not frontier.complete:
        notes.append(f"The frontier search stopped at its {number(FRONTIER_SECONDS)} s limit: the points drawn are those found so far.")
    if not frontier.exact:
        steps = ", ".join(f"{space.scenario.party[p].label} {number(s)}" for p, s in frontier.resolution.items())
        notes.append(f"The frontier is on a grid (a continuous issue): at most one point per grid cell ({steps}), none dominated.")
    return FrontierAnswer(frontier, tuple(notes), time.perf_counter() - start)
