"""A what-if on the one model: a :class:`~bargaining.scenario.Variant` set in place, undone when the block ends.

The variant's numbers (reservations, prices, priced lines) through :meth:`Edit.variant`; the hard
lines it drops waived; the issues it freezes held at their status quo; a fixed coalition imposed.
Every algorithm asked inside the block then answers for the variant, exactly as it would for
``variant.apply(scenario)`` loaded as a file of its own (tests/test_whatif.py checks this).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from ..engine.search import Search
from ..scenario import Scenario, Variant


@contextmanager
def what_if(search: Search, variant: Variant) -> Iterator[tuple[Scenario, list[str] | None]]:
    """Yields the variant's scenario and, under a fixed coalition, its members (the parties the criteria weigh)."""
    base = search.scenario
    live = variant.live(base)
    members = variant.members(base)
    dropped = set(variant.dropped(base))
    with search.changes() as edit:
        edit.variant(live)
        edit.waive([r for r in search.requirements if r.kind == "red_line" and r.index in dropped])
        for issue_id in variant.frozen:
            edit.freeze(issue_id, base.issue[issue_id].status_quo_choice)
        edit.impose(members)
        yield live, None if members is None else [p for p in base.party_ids if p in members]
