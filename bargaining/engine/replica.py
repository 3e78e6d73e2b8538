"""A replica: what it takes to rebuild the engine elsewhere (another process, another machine) with the same problem.

The problem an engine answers is the scenario and the edits in force that change what is acceptable or
what a package is worth: requirements waived, a coalition imposed, issues frozen, a sampled world set
(:mod:`.edits`).  A :class:`Replica` holds exactly those, as plain picklable data;
:meth:`Search.of_replica <bargaining.engine.search.Search.of_replica>` makes a new engine from it (the
model built once) and applies them for good.  Rows, bounds and parts that a
search adds while it runs are not part of the problem: each piece of work sent elsewhere makes its own,
inside its own edit (e.g. a frontier box's bounds).  :mod:`.executor` runs work on replicas.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Collection, Mapping

from ..scenario import STATED, Scenario, Waiver, World


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
           fixed: Mapping[str, Any] | None = None, world: World = STATED) -> Replica:
        return cls(scenario.to_dict(), tuple(sorted(waived, key=str)), None if coalition is None else tuple(sorted(coalition)),
                   tuple((fixed or {}).items()), world)

    @property
    def key(self) -> str:
        """A fingerprint of the problem: workers keep one engine per key."""
        text = json.dumps([self.scenario, self.waived, self.coalition, self.fixed, repr(self.world)], sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()
