"""What a call asks the programme for, checked: waived requirements, fixed issues, a forced issue order."""

from __future__ import annotations

from typing import Collection, Mapping, Sequence

from .instance import Instance
from .limits import Waiver
from .order import choose_order
from .tables import Tables


def checked_waivers(tables: Tables, waived: Collection[Waiver]) -> frozenset[Waiver]:
    """The waivers as a set; a ValueError for one that names no reservation or red line."""
    for item in waived:
        kind, what = item
        if kind == "reservation" and what in tables.parties:
            continue
        if kind == "red_line" and isinstance(what, int) and 0 <= what < len(tables.red_lines):
            continue
        raise ValueError(f"waived: {item!r} is neither ('reservation', party id) nor ('red_line', index)")
    return frozenset((kind, what) for kind, what in waived)


def fixed_positions(tables: Tables, fixed: Mapping[str, str] | None) -> dict[int, int]:
    """Fixed issues as positions: issue index -> option index; a ValueError for an unknown issue or option."""
    out = {}
    for issue_id, option_id in (fixed or {}).items():
        if issue_id not in tables.issues:
            raise ValueError(f"fixed: unknown issue '{issue_id}'")
        n = tables.issues.index(issue_id)
        if option_id not in tables.options[n]:
            raise ValueError(f"fixed: unknown option '{option_id}' of issue '{issue_id}'")
        out[n] = tables.options[n].index(option_id)
    return out


def issue_order(instance: Instance, order: Sequence[str] | None, tables: Tables) -> list[int]:
    """The issue order asked for (every issue once), or the greedy one."""
    if order is None:
        return choose_order(instance)
    index = [tables.issues.index(i) for i in order]
    if sorted(index) != list(range(len(tables.issues))):
        raise ValueError("order must list every issue exactly once")
    return index
