"""Every minimal set that opens the bargaining space, smallest first: the one search behind the minimal
coalitions (:mod:`.coalitions`) and the minimal relaxations (:mod:`.diagnose`).

Two ways, the same answers (docs/solutions.md, "Minimal sets"):

* by trying (:func:`by_trying`): each set of candidates, smallest first, that contains no set found
  already, is asked about exactly (the programme); a set that opens is minimal, since no proper
  subset of it opened (they were all tried before it, or contain a set found);
* on the model (:func:`on_the_model`): minimise the number of candidates switched on; the answer S is
  a smallest opening set.  Then forbid every superset of S (``count(S) <= |S| - 1``) and solve again.
  Each answer has the fewest members among the sets containing no earlier answer, so it is minimal.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations
from typing import Any, Callable, Hashable, Sequence, TypeVar

from ..engine.search import Search
from ..results import Package

Member = TypeVar("Member", bound=Hashable)


def by_trying(candidates: Sequence[Member], opens: Callable[[tuple[Member, ...]], bool], *, smallest: int = 1,
              largest: int | None = None, limit: int | None = None) -> list[tuple[Member, ...]]:
    """Every minimal set of ``candidates`` (sizes ``smallest`` to ``largest``) that ``opens``, smallest first,
    at most ``limit``: each set containing no set found is tried, in order of size."""
    found: list[tuple[Member, ...]] = []
    top = len(candidates) if largest is None else largest
    for size in range(smallest, top + 1):
        for group in combinations(candidates, size):
            if any(set(f) <= set(group) for f in found):
                continue
            if opens(group):
                found.append(group)
                if limit is not None and len(found) >= limit:
                    return found
    return found


def on_the_model(search: Search, size: Callable[[Sequence[Member] | None], Any], members: Callable[[Package], list[Member]], *,
                 limit: int, largest: int | None = None) -> list[list[Member]]:
    """Every minimal opening set, smallest first, at most ``limit`` (and none larger than ``largest``), on the model.

    ``size(None)``: the number of candidates switched on, as an expression of the model's switches
    (``size(chosen)``: of these only); ``members(package)``: the candidates switched on in the solution
    found.  The edits that free the switches are the caller's; the rows forbidding supersets are undone
    when this returns.  An empty set (the space opens with none) is the only minimal set."""
    found: list[list[Member]] = []
    with search.changes() as edit:
        while len(found) < limit:
            _, package = search.maximize(-size(None), Fraction(1))
            if package is None:
                break
            chosen = members(package)
            if largest is not None and len(chosen) > largest:
                break
            found.append(chosen)
            if not chosen:
                break  # every other set contains the empty one
            edit.row(size(chosen) <= len(chosen) - 1)
    return found
