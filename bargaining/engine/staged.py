"""A maxmin search that stays in the model, for many searches in a row (one per sampled world).

``best_package`` adds rows for the smallest gain and then switches the objective between the
smallest gain and the total utility; through the persistent interface both cost more than a
small solve.  Here the rows ``deal_floor <= gain[p]`` are added once (``deal_floor`` is a
variable of its own, so they constrain nothing else) and the two objectives are kept as they
are: a caller solves many worlds for the smallest gain, then many for the tie-break, and the
objective is handed to HiGHS once per pass, not twice per world.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import pyomo.environ as pyo

from .search import Search


@dataclass
class Staged:
    floor: Any  # at most every criteria party's gain
    total: Any  # the total utility of all parties (one expression object, so it is not rebuilt)


def staged_objective(search: Search, parties: Sequence[str]) -> Staged:
    """The two objectives for these criteria parties (built once per model and parties, then kept)."""
    key = ("staged", tuple(parties))
    cache = search.model.extras
    if key not in cache:
        m = search.m
        b = pyo.Block(concrete=True)
        m.add_component(f"staged_{sum(1 for k in cache if k[0] == 'staged') + 1}", b)
        b.floor = pyo.Var(bounds=(None, m.floor.ub))
        b.rows = pyo.ConstraintList()
        for p in parties:
            b.rows.add(b.floor <= m.gain[p])
        cache[key] = Staged(b.floor, search.total(search.scenario.party_ids))
    return cache[key]
