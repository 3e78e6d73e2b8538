"""Will the deal hold: the best phased plan no party gains by leaving halfway (self-enforcing), and whether a signed
package is stable against a party or a coalition reneging on what it delivers (docs/holding.md).
"""

from __future__ import annotations

from typing import Any, Mapping

from .. import arguments as check
from ..algorithms.holding import self_enforcing
from ..algorithms.holding_stability import stability
from ..results import Package, SelfEnforcing, Stability, check_criterion
from .base import SpaceBase


class HoldingQuestions(SpaceBase):
    """Deals that hold step by step, and once signed."""

    def self_enforcing(self, criterion: str = "maxmin", *, phases: int = 3, time_limit: float | None = None) -> SelfEnforcing:
        """The criterion's best phased plan in which no party gains by defecting at any phase, or why none exists
        (docs/holding.md).  ``.plan`` (margins, violations) or None; ``.phased``: the best phased plan without
        incentives when it differs or fails; ``.closest``: when none holds, the plan with the largest smallest
        margin; ``.fixes``: what would make the failing plan hold, smallest change first; ``.threats``.
        ``.to_frame()``: every margin of every plan shown.  Stopped by ``time_limit``: ``complete`` False."""
        chosen, phases = check_criterion(criterion), check.whole(phases, "phases")
        return self._answer(lambda: self_enforcing(self._search, phases, chosen, self.criteria_parties), time_limit)

    def stability(self, package: Package | Mapping[str, Any], *, max_size: int = 2, time_limit: float | None = None) -> Stability:
        """Whether a party or a coalition of up to ``max_size`` signers gains by reneging on what it delivers
        after signing ``package`` (a Package or choices), given snapbacks and credible threats (docs/holding.md):
        ``.stable``, ``.deviations``; ``.to_frame()`` one row per coalition that gains.  Exact enumeration
        (``method`` "evaluation"); ``time_limit`` stops it between coalitions (``complete`` then False)."""
        max_size = check.whole(max_size, "max_size")
        if isinstance(package, Package):
            chosen = package
        elif isinstance(package, Mapping):
            chosen = self._search.package(self.scenario.check_package(package))
        else:
            raise TypeError(f"package must be a Package or a mapping issue id -> choice, not {type(package).__name__}")
        if not chosen.signers:
            raise ValueError("this package is not acceptable, so nobody signs it: stability asks about a signed package")
        return self._answer(lambda: stability(self.scenario, chosen, max_size, chosen.criterion or "", self._search.remaining()),
                            time_limit)
