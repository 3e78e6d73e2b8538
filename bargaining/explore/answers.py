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
#: With a continuous issue, the frontier is first drawn on a coarse grid (this many steps over the widest
#: party's utility range, where the report's grid has 200 per party) within COARSE_SECONDS, then again on the
#: report's grid by a background job (:func:`.jobs.frontier_job`).  Measured: benchmarks/README.md.
COARSE_STEPS = 50
COARSE_SECONDS = 1.0
#: Over more than three parties, fewer steps: :data:`COARSE_STEPS` x 3 / the parties, at least :data:`FEWEST_STEPS`.
#: The cells of a grid over p parties' frontier grow as the steps to the power p - 1, and with them the solves:
#: the ten parties of a coalition took 140-320 solves (0.4-1.3 s) at 50 steps, 17-34 (0.05-0.18 s) at 15.
FEWEST_STEPS = 10


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
    coarse: bool = False  # on the coarse grid: the background job draws it again on the report's grid


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


def coarse_step(scenario: Scenario, parties: list[str]) -> float | None:
    """The coarse grid's step for the first frontier drawn (None: no continuous issue, the frontier is exact).

    1/:func:`coarse_steps` of the widest utility range among ``parties``, each range bounded from the file
    (every issue's spread of points, every interaction's and every price's size): only the step depends on
    it, and the page says which step was used."""
    continuous = scenario.continuous_issues
    if not continuous:
        return None
    widest = 0.0
    for party in parties:
        spread = 0.0
        for issue in scenario.issues:
            points = scenario.points(party, issue.id)
            if issue.is_continuous:
                low, high = issue.range or (0.0, 0.0)
                spread += abs(points.get("per_unit", 0.0)) * (high - low)
            elif points:
                values = [points.get(o, 0.0) for o in issue.option_ids]
                spread += max(values) - min(values)
        spread += sum(abs(x.value) for x in scenario.interactions if x.party == party)
        spread += sum(r.price or 0.0 for r in scenario.red_lines if r.party == party)
        widest = max(widest, spread)
    return widest / coarse_steps(len(parties)) if widest > 0 else None


def coarse_steps(parties: int) -> int:
    """How many steps the coarse grid has over the widest range, for a frontier over this many parties."""
    return max(FEWEST_STEPS, COARSE_STEPS * 3 // max(3, parties))


def live_frontier(space: BargainingSpace, variant: Variant, *, coarse: bool = False) -> FrontierAnswer:
    """The Pareto frontier over the parties the criteria weigh, within :data:`FRONTIER_SECONDS` (``coarse``: on
    the coarse grid of :func:`coarse_step`, within :data:`COARSE_SECONDS`; the same when nothing is continuous)."""
    start = time.perf_counter()
    with space.what_if(variant) as scenario:
        parties = space.criteria_parties
        step = coarse_step(scenario, parties) if coarse else None
        seconds = COARSE_SECONDS if step is not None else FRONTIER_SECONDS
        frontier = space.frontier(parties, time_limit=seconds, progress=False, solutions=False, workers=1, resolution=step)
    return FrontierAnswer(frontier, frontier_notes(frontier, seconds, refined=step is not None), time.perf_counter() - start,
                          coarse=step is not None)


def frontier_notes(frontier: Frontier, seconds: float, *, refined: bool = False) -> tuple[str, ...]:
    """What the page says about a frontier drawn (``refined``: a finer one is on its way)."""
    notes: list[str] = []
    if not frontier.complete:
        notes.append(f"The frontier search stopped at its {number(seconds)} s limit: the points drawn are those found so far.")
    if not frontier.exact:
        steps = ", ".join(f"{frontier.scenario.party[p].label} {number(s)}" for p, s in frontier.resolution.items())
        grid = "a coarse grid" if refined else "a grid"
        notes.append(f"The frontier is on {grid} (a continuous issue): at most one point per grid cell ({steps}), none dominated."
                     + (" The frontier on the report's finer grid is being computed and replaces this one when ready." if refined else ""))
    return tuple(notes)
