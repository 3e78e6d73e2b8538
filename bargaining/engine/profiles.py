"""A package's *profile* over the uncertain red lines, read from the model: which of the uncertain
lines it keeps, which optional controllers take part, which controlled issues it leaves alone.

Used by :mod:`bargaining.algorithms.exact_worlds` (the mathematics: docs/exact-uncertainty.md).  In
the *base world* (every uncertain line not real: soft at its price, or absent) each coordinate
of the profile is a 0/1 expression, 1 when it is *good* for the package's chances:

* an uncertain line with a price: ``1 - broken[k]`` (the package keeps it and pays nothing);
* an uncertain line without a price: its requirement switch, freed here (absent lines are switched
  off by :meth:`Edit.world`), ``1 - relax``: the line binds, so the package keeps it;
* an optional controller: ``takes_part[p]``;
* a controlled issue: ``1 - controlled[i]`` (the issue stays at its status quo).

A solution's profile read from the model is never better than the package's true profile (the
solver may pay a price it need not, or leave out a party that would take part), which is what the
enumeration's correctness needs.  :meth:`Profiles.exclude` cuts off every profile at or below one;
:meth:`Profiles.require` holds the good coordinates of one.  Every change is a typed edit (:mod:`.edits`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..scenario import Requirement
from .edits import Edit


class Profiles:
    """The good-coordinate expressions of one set of coordinates, inside an edit (base world set)."""

    def __init__(self, edit: Edit, lines: Sequence[int], parties: Sequence[str], issues: Sequence[str]):
        search = edit.search
        m, scenario = search.m, search.scenario
        switch = {r.index: k for k, r in enumerate(search.model.requirements) if r.kind == "red_line"}
        self.edit = edit
        #: per coordinate: (the model variable, whether the variable itself is the good value (else 1 - it))
        self.variables: list[tuple[Any, bool]] = []
        #: per coordinate: the edit that holds it good
        self.holds: list[tuple[str, Any]] = []
        unpriced: list[Requirement] = []
        for k in lines:
            if scenario.red_lines[k].price is not None:
                self.variables.append((m.broken[k], False))
                self.holds.append(("line", k))
            else:
                unpriced.append(search.model.requirements[switch[k]])
                self.variables.append((m.relax[switch[k]], False))
                self.holds.append(("bind", unpriced[-1]))
        edit.free_each(unpriced)
        self.variables += [(m.takes_part[p], True) for p in parties]
        self.holds += [("attend", p) for p in parties]
        self.variables += [(m.controlled[i], False) for i in issues]
        self.holds += [("unmoved", i) for i in issues]
        self.good = [v if direct else 1 - v for v, direct in self.variables]

    @property
    def objective(self) -> Any:
        """How many coordinates are good."""
        return sum(self.good)

    def read(self) -> tuple[int, ...]:
        """The last solution's profile (1: good)."""
        values = self.edit.search.values([v for v, _ in self.variables])
        return tuple(round(x) if direct else 1 - round(x) for x, (_, direct) in zip(values, self.variables))

    def exclude(self, profile: Sequence[int]) -> bool:
        """No later solution may have a profile at or below this one (while the edit lasts).  False when
        the profile is the best possible (every coordinate good): then no other profile is left."""
        bad = [g for g, value in zip(self.good, profile) if not value]
        if bad:
            self.edit.row(sum(bad) >= 1)
        return bool(bad)

    def require(self, profile: Sequence[int]) -> None:
        """Every later solution is good wherever this profile is (while the edit lasts)."""
        edit = self.edit
        for (kind, what), value in zip(self.holds, profile):
            if not value:
                continue
            if kind == "line":
                edit.line_broken(what, False)
            elif kind == "bind":
                edit.bind([what])
            elif kind == "attend":
                edit.attend(what, True)
            else:
                edit.unmoved(what)
