"""The smallest willing coalitions: which optional parties must take part for a deal to exist.

A non-veto party may take part or stay out (``takes_part[p]``).  Taking part binds it to its
reservation and red lines; staying out frees the deal from them but also from the issues
only it controls (``controlled_by``).  A coalition *opens* the bargaining space when some
package is acceptable with exactly its members taking part.  The minimal ones are found by the
one minimal-set search (:mod:`.minimal_sets`): exactly by trying where the programme applies,
else on the model (minimise how many optional parties take part; forbid each answer's supersets).
"""

from __future__ import annotations

from ..engine.search import Search
from ..errors import AnswersDisagree
from ..results import Package
from .minimal_sets import by_trying, on_the_model
from .questions import exists, opens

#: The programme tries at most this many coalitions (2 ** optional parties); beyond, the model's search runs.
MAX_COALITIONS_TRIED = 1024


def minimal_coalitions(search: Search, limit: int = 50) -> list[frozenset[str]]:
    """Every minimal opening coalition (veto parties included), smallest first, at most ``limit``.

    Where the programme applies (and there are at most 10 optional parties): each coalition
    containing no smaller opening one is tried, smallest first, exactly.  Otherwise on the model."""
    veto = frozenset(search.scenario.veto_party_ids)
    optional = search.optional_parties
    if 2 ** len(optional) <= MAX_COALITIONS_TRIED and _opens(search, veto) is not None:
        found = by_trying(optional, lambda joining: _opened(search, veto | frozenset(joining)), smallest=0, limit=limit)
        return [veto | frozenset(joining) for joining in found]

    def joining(package: Package) -> list[str]:
        _, present = search.switches()
        why = search.scenario.why_refused(package.exact_choices, search.waived, veto | frozenset(present), search.world)
        if why:
            raise AnswersDisagree(f"the solver and the exact check disagree: the solver found the coalition "
                                  f"{', '.join(sorted(veto | frozenset(present)))} opens the space with {package.choices}, "
                                  f"the exact check refuses it ({'; '.join(why)}); this is a bug, please report the scenario")
        return sorted(present)

    return [veto | frozenset(members) for members in on_the_model(search, search.joining, joining, limit=limit)]


def _opens(search: Search, coalition: frozenset[str]) -> bool | None:
    """Whether some package is acceptable with exactly ``coalition`` taking part (None: the programme does not answer)."""
    with search.changes() as edit:
        edit.impose(coalition)
        return exists(search)


def _opened(search: Search, coalition: frozenset[str]) -> bool:
    """Whether some package is acceptable with exactly ``coalition`` taking part: the programme, else the model
    (TimeLimitReached when the time limit stops it, never a silent "no")."""
    with search.changes() as edit:
        edit.impose(coalition)
        return opens(search)
