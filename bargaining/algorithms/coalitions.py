"""The smallest willing coalitions: which optional parties must take part for a deal to exist.

A non-veto party may take part or stay out (``takes_part[p]``).  Taking part binds it to its
reservation and red lines; staying out frees the deal from them but also from the issues
only it controls (``controlled_by``).  A coalition *opens* the bargaining space when some
package is acceptable with exactly its members taking part.

Enumeration on the one model: minimise the number of optional parties taking part; the
answer is a smallest opening coalition T.  Then forbid every coalition containing T
(``sum_{p in T} takes_part[p] <= |T| - 1``) and solve again.  Each answer has the fewest
members among coalitions containing no earlier answer, so it is minimal: a proper subset
that opened the space would contain no earlier answer either and be smaller.
"""

from __future__ import annotations

from itertools import combinations

from ..engine.search import Search
from .exact import exists, opens

#: The programme tries at most this many coalitions (2 ** optional parties); beyond, the model's search runs.
MAX_COALITIONS_TRIED = 1024


def minimal_coalitions(search: Search, limit: int = 50) -> list[frozenset[str]]:
    """Every minimal opening coalition (veto parties included), smallest first, at most ``limit``.

    Where the exact programme applies (and there are at most 10 optional parties): each
    coalition containing no smaller opening one is tried, smallest first, exactly.  Otherwise
    on the model, as above."""
    veto = frozenset(search.scenario.veto_party_ids)
    optional = search.optional_parties
    if 2 ** len(optional) <= MAX_COALITIONS_TRIED:
        with search.changes() as edit:
            edit.impose(veto)
            answer = exists(search)
        if answer is not None:
            return _by_programme(search, veto, optional, limit)
    found: list[frozenset[str]] = []
    with search.changes() as edit:
        while len(found) < limit:
            outcome, package = search.maximize(-search.joining(), 1)
            if package is None:
                break
            _, present = search.switches()
            members = frozenset(present)
            if search.scenario.signers(package.choices, coalition=veto | members) is None:
                raise RuntimeError("a coalition found by the solver fails the exact check; please report this scenario")
            found.append(veto | members)
            if not members:
                break  # the veto parties alone open the space: every other coalition contains it
            edit.row(search.joining(sorted(members)) <= len(members) - 1)
    return found


def _by_programme(search: Search, veto: frozenset[str], optional: list[str], limit: int) -> list[frozenset[str]]:
    found: list[frozenset[str]] = []
    for size in range(len(optional) + 1):
        for joining in combinations(optional, size):
            coalition = veto | frozenset(joining)
            if any(f <= coalition for f in found):
                continue
            with search.changes() as edit:
                edit.impose(coalition)
                opened = opens(search)  # the programme, else the model (TimeLimitReached when the time limit stops it)
            if opened:
                found.append(coalition)
                if len(found) >= limit:
                    return found
    return found
