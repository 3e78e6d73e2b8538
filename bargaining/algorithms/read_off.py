"""The bargaining solutions read off an exact frontier, and the programme's answer to ``best()`` without the model.

Nothing here imports the solver interface: ``bargaining solve`` on a discrete scenario answers from the exact
programme (:mod:`.programme`) alone, the model is built only when the programme does not apply (or runs out of budget).
The criteria and their exact comparison are those of :mod:`.solutions` (docs in its docstring).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping, Sequence

from ..engine.numerics import doubt as numeric_doubt  # noqa: F401 (solve warns with it, as space.best does; no Pyomo)
from ..errors import AnswersDisagree
from ..results import Criterion, Frontier, Package
from ..results.frontier import IndexedChoices
from ..scenario import Scenario, Waiver
from .programme import ProgrammeFrontier
from .programme import frontier as programme_run
from .programme.budget import BUDGETS
from .ranking import best_on_frontier

__all__ = ["best_by_programme", "numeric_doubt", "programme_frontier"]

def programme_frontier(scenario: Scenario, found: ProgrammeFrontier, seconds: float, coalition: Collection[str] | None = None,
                       waived: Collection[Waiver] = ()) -> Frontier:
    """The programme's frontier as a result (its packages kept compactly, as option positions)."""
    return Frontier(scenario, found.parties, IndexedChoices(found.issues, found.option_ids, found.index),  # type: ignore[arg-type]
                    found.scaled, found.denominators, complete=True, exact=True, method="dp",
                    reason="exact dynamic programme over the issues", solver_calls=0, seconds=seconds,
                    largest_state_set=found.largest_state_set,
                    coalition=None if coalition is None else frozenset(coalition), waived=tuple(waived))


def best_by_programme(scenario: Scenario, criterion: Criterion, parties: Sequence[str], *, waived: Collection[Waiver] = (),
                      coalition: Collection[str] | None = None, fixed: Mapping[str, str] | None = None,
                      remaining: float | None = None, programme: Callable[[], ProgrammeFrontier] | None = None) -> Package | None:
    """The criterion's package read off the exact frontier (None: no package is acceptable), when the programme finds
    that frontier within ``BUDGETS["best"]`` (:mod:`.programme.budget`; or ``remaining``, if less).  Raises NotApplicable (or LimitReached)
    when it does not: the caller searches the model then.  ``programme``: the run to read (default: the
    programme on ``scenario`` within that budget; ``space.best`` passes its search's own, :func:`.programme.budget.frontier_for`)."""
    started = time.perf_counter()
    budget = BUDGETS["best"]
    found = programme() if programme is not None else programme_run(scenario, None, waived=waived, coalition=coalition, fixed=fixed or None,
                          deadline=budget.deadline(remaining, started), max_states=budget.max_states,
                          estimate=budget.estimate)
    # Only the package returned is re-checked (the programme has checked every vector against its packages): a
    # better unacceptable point would have been the one chosen, since every criterion is monotone in the utilities.
    frontier = programme_frontier(scenario, found, time.perf_counter() - started, coalition, waived)
    package = best_on_frontier(frontier, criterion, parties)
    if package is None:
        return None
    if scenario.signers(package.exact_choices, waived, coalition) is None:
        raise AnswersDisagree(f"the programme and the exact check disagree: the programme found {dict(package.choices)} "
                              "acceptable, the exact check refuses it; this is a bug, please report the scenario")
    return package.with_(method="dp", reason="read off the exact frontier of the dynamic programme")
