"""A replica: what it takes to rebuild the engine elsewhere (another process, another machine) with the same problem.

The problem an engine answers is the scenario and the edits in force that change what is acceptable or
what a package is worth: requirements waived, a coalition imposed, issues frozen, a sampled world set
(:mod:`.edits`).  A :class:`Replica` holds exactly those, as plain picklable data; :meth:`Replica.build`
makes a new engine (the model built once) and applies them for good.  Rows, bounds and parts that a
search adds while it runs are not part of the problem: each piece of work sent elsewhere makes its own,
inside its own edit (e.g. a frontier box's bounds).  :mod:`.executor` runs work on replicas.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Collection, Mapping

from ..scenario import STATED, Scenario, Waiver, World

if TYPE_CHECKING:  # pragma: no cover
    from .search import Search


@dataclass(frozen=True)
class Replica:
    """The scenario as data and the edits in force that define the problem (see the module's docstring)."""

    scenario: dict[str, Any] = field(repr=False)
    waived: tuple[Waiver, ...] = ()
    coalition: tuple[str, ...] | None = None
    fixed: tuple[tuple[str, Any], ...] = ()
    world: World = STATED

    @classmethod
    def of(cls, scenario: Scenario, waived: Collection[Waiver] = (), coalition: Collection[str] | None = None,
           fixed: Mapping[str, Any] | None = None, world: World = STATED) -> "Replica":
        return cls(scenario.to_dict(), tuple(sorted(waived, key=str)), None if coalition is None else tuple(sorted(coalition)),
                   tuple((fixed or {}).items()), world)

    @property
    def key(self) -> str:
        """A fingerprint of the problem: workers keep one engine per key."""
        text = json.dumps([self.scenario, self.waived, self.coalition, self.fixed, repr(self.world)], sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def build(self) -> "Search":
        """A new engine for this problem: the scenario's model built once, the edits applied and kept."""
        from .edits import Edit
        from .search import Search

        search = Search.of(Scenario.from_dict(self.scenario))
        edit = Edit(search)  # never undone: the replica's problem for the engine's whole life
        edit.waive([r for r in search.requirements if r.waiver in set(self.waived)])
        edit.impose(None if self.coalition is None else frozenset(self.coalition))
        edit.fix_package(dict(self.fixed))
        if self.world is not STATED:
            edit.world(self.world)
        return search
