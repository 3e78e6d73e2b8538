"""Old name of the smallest-gain objective (now :meth:`bargaining.engine.search.Search.smallest_gain` and
:meth:`~bargaining.engine.search.Search.total`), kept until the branches merge."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from .search import Search


@dataclass
class Staged:
    floor: Any  # at most every criteria party's gain
    total: Any  # the total utility of all parties


def staged_objective(search: Search, parties: Sequence[str]) -> Staged:  # old name, kept until the branches merge
    return Staged(search.smallest_gain(parties), search.total(search.scenario.party_ids))
