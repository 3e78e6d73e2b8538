"""Yes/no and best-value questions, answered by the programme where it applies.

The mixed-integer model answers "is any package acceptable?" and "how much can this party
get?" only up to HiGHS's tolerances: with real-valued points or mixed magnitudes it can call
an open space closed.  On discrete scenarios the programme (:mod:`.programme`) answers both
exactly, under the edits in force (waived requirements, an imposed coalition, frozen
issues): a frontier over one party is small, and its top is that party's best utility.
Every function returns None when the programme does not apply (continuous issues, coupling
too dense, or its time budget -- :mod:`.programme.budget`, "question" -- runs out), and the
caller then asks the model.
"""

from __future__ import annotations

from fractions import Fraction

from ..engine.search import Search
from ..results import Package
from .programme import NotApplicable
from .programme.budget import frontier_for


def best_utility(search: Search, party: str) -> tuple[Package | None] | None:
    """``(package,)``: an acceptable package giving ``party`` its largest utility, exactly (``(None,)``: no
    package is acceptable); None when the programme does not answer."""
    left = search.remaining()  # the deadline in force: frontier_for takes the earlier of it and the budget's
    if search.scenario.continuous_issues or (left is not None and left <= 0):
        return None
    try:
        found = frontier_for(search, [party], "question")
    except NotApplicable:
        return None
    if not len(found):
        return (None,)
    return (Package.evaluate(search.scenario, found.choices[0], coalition=search.coalition),)


def exists(search: Search) -> bool | None:
    """Whether some package is acceptable under the edits in force, exactly (None: the programme does not answer)."""
    answer = best_utility(search, search.scenario.party_ids[0])
    return None if answer is None else answer[0] is not None


def opens(search: Search) -> bool:
    """Whether some package is acceptable: exactly where the programme answers, else on the model."""
    answer = exists(search)
    return search.feasible() is not None if answer is None else answer


def best_gain(search: Search, party: str) -> Fraction | None:
    """The party's largest gain over acceptable packages (None: none is acceptable), exact where the programme answers."""
    answer = best_utility(search, party)
    if answer is None:
        _, package = search.maximize(search.gain(party), search.granularity([party]))
    else:
        package = answer[0]
    return None if package is None else package.exact_gains[party]
