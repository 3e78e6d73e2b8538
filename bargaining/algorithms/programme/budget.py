"""The programme asked on behalf of a search: under the edits in force, within the one budget of each use.

Every algorithm that asks the programme first goes through here, so that what the programme may spend
is decided in one place (:data:`BUDGETS`) and the problem it answers is always the search's: the
requirements waived, the coalition imposed and the issues frozen by the edits in force.  (In a sampled
world the programme does not answer: its reservations and points are the stated ones.)

Uses:

* ``"frontier"`` -- the Pareto frontier: half of the time limit, the rest left for the model if the
  programme gives up; ``"frontier_only"`` -- the same when nothing follows (method="dp"): all of it;
* ``"best"`` -- best() reads the criterion's package off the exact frontier when the programme finds
  it within 0.4 s and 250,000 states per stage, giving up at once when the growth of its state sets
  projects past that (measured with benchmarks/solve.py: see benchmarks/README.md);
* ``"question"`` -- "is any package acceptable?", "how much can this party get?": 2 s;
* ``"count"`` -- how many packages are acceptable: 10 s;
* ``"listing"`` -- the acceptable packages: the time left.

Every budget is also capped by the time the search has left (:meth:`Search.remaining`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Sequence

from ...scenario import STATED
from . import ProgrammeFrontier, acceptable, count, frontier
from .limits import DEFAULT_MAX_STATES, NotApplicable

if TYPE_CHECKING:  # the engine (and Pyomo) only for annotations: read_off answers solve without them
    from ...engine.search import Search

Use = Literal["frontier", "frontier_only", "best", "question", "count", "listing"]


@dataclass(frozen=True)
class Budget:
    """What one use of the programme may spend: at most ``seconds`` and at most ``share`` of the time left,
    ``max_states`` candidate states per stage, and with ``estimate`` it gives up as soon as its state sets'
    growth projects past that."""

    seconds: float | None = None
    share: float = 1.0
    max_states: int = DEFAULT_MAX_STATES
    estimate: bool = False

    def deadline(self, remaining: float | None, started: float) -> float | None:
        """The ``time.perf_counter()`` value by which a run started at ``started`` must end (None: none)."""
        limits = [x for x in (self.seconds, None if remaining is None else self.share * remaining) if x is not None]
        return started + min(limits) if limits else None


#: The one place that decides what the programme may spend, per use (see the module's docstring).
BUDGETS: dict[str, Budget] = {
    "frontier": Budget(share=0.5),
    "frontier_only": Budget(),
    "best": Budget(seconds=0.4, max_states=250_000, estimate=True),
    "question": Budget(seconds=2.0),
    "count": Budget(seconds=10.0),
    "listing": Budget(),
}


def _problem(search: Search) -> dict[str, Any]:
    """The search's problem as the programme's arguments (NotApplicable in a sampled world)."""
    if search.world is not STATED:
        raise NotApplicable("a sampled world is set (the programme reads the stated reservations and points)")
    return {"waived": search.waived, "coalition": search.coalition, "fixed": search.fixed or None}


def _limits(search: Search, use: Use, time_limit: float | None = None) -> dict[str, Any]:
    budget = BUDGETS[use]
    remaining = search.remaining()
    if time_limit is not None:
        remaining = time_limit if remaining is None else min(time_limit, remaining)
    limits: dict[str, Any] = {"deadline": budget.deadline(remaining, time.perf_counter())}
    if budget.max_states != DEFAULT_MAX_STATES:
        limits["max_states"] = budget.max_states
    return limits


def frontier_for(search: Search, parties: Sequence[str] | None, use: Use = "frontier", time_limit: float | None = None
                 ) -> ProgrammeFrontier:
    """The exact frontier over ``parties`` (None: all) of the search's problem, within the use's budget (and
    ``time_limit``, when given); NotApplicable (or LimitReached) when the programme does not answer."""
    estimate: dict[str, Any] = {"estimate": True} if BUDGETS[use].estimate else {}
    return frontier(search.scenario, None if parties is None else list(parties), **_problem(search),
                    **_limits(search, use, time_limit), **estimate)


def count_for(search: Search, use: Use = "count") -> int:
    """How many packages of the search's problem are acceptable, within the use's budget."""
    return count(search.scenario, **_problem(search), **_limits(search, use))


def acceptable_for(search: Search, limit: int | None, use: Use = "listing") -> list[dict[str, str]]:
    """The acceptable packages of the search's problem (the first ``limit``), within the use's budget."""
    return acceptable(search.scenario, limit, **_problem(search), **_limits(search, use))
