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

from ..engine.search import Search


def minimal_coalitions(search: Search, limit: int = 50) -> list[frozenset[str]]:
    """Every minimal opening coalition (veto parties included), smallest first, at most ``limit``."""
    veto = frozenset(search.scenario.veto_party_ids)
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
