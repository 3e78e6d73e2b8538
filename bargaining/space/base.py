"""The plumbing every question of :class:`~bargaining.space.BargainingSpace` shares: the model built once, the
call's time limit, the provenance stamped on every result, the sampled worlds, and the blocks that change what every
question inside them answers for (``deadline``, ``what_if``).

Conventions (README, "Python API"): the subject first, options keyword-only; ``time_limit`` in seconds bounds the
whole call (None: the space's own, none unless set; 0: no limit); old names and positions work for one release, with
a DeprecationWarning (:mod:`bargaining.arguments`).
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Any, Callable, ContextManager, Iterator, Sequence, TypeVar

from .. import arguments as check
from ..algorithms.robust import Study
from ..algorithms.whatif import what_if
from ..engine.search import LEFT_OUT, Search
from ..results import NumericDoubt, Result
from ..scenario import Scenario, Variant

R = TypeVar("R", bound="Result | None")
SAMPLES = check.SAMPLES  # worlds sampled by every uncertainty analysis, the report and the command, unless told otherwise


class SpaceBase:
    """What every question needs: the scenario, its one model (``_search``), the time limits and the stamping."""

    @check.keyword_options("scenario", "time_limit", "progress")
    def __init__(self, scenario: Scenario, *, time_limit: float | None = None, progress: bool | None = None):
        if not isinstance(scenario, Scenario):
            made = f"Scenario.from_file({scenario!r})" if isinstance(scenario, str) else "Scenario.from_file(path)"
            raise TypeError(f"BargainingSpace needs a Scenario, not a {type(scenario).__name__}: BargainingSpace({made})")
        self.scenario = scenario
        self.time_limit = check.seconds(time_limit)
        self.progress = progress
        self._search = Search.of(scenario)
        self._study: Study | None = None
        self._weighed: list[str] | None = None  # the criteria parties under a what-if's coalition
        self._base = scenario  # the scenario the model was built for (``scenario`` differs inside what_if)

    def __repr__(self) -> str:
        return f"BargainingSpace({self.scenario!r})"

    @property
    def search(self) -> Search:
        check.warn("space.search is the engine's handle, not part of the public API; it goes in the next release")
        return self._search

    @property
    def criteria_parties(self) -> list[str]:
        """The parties whose gains the criteria weigh: the veto parties (all parties if none has a veto);
        under a what-if with a fixed coalition, its members."""
        return self._weighed or self.scenario.criteria_party_ids

    @property
    def solver_calls(self) -> int:  # how many times HiGHS was asked, so far
        return self._search.solver.calls

    def deadline(self, seconds: float | None) -> ContextManager[None]:
        """A block in which every call together ends within ``seconds`` (None or 0: no limit):
        ``with space.deadline(10): space.best(); space.diagnose()``.  A call's own ``time_limit``
        inside never extends it.  What ran out of time is marked or raises TimeLimitReached."""
        return self._search.limited(check.seconds(seconds, "seconds"))

    @contextmanager
    def what_if(self, variant: Variant) -> Iterator[Scenario]:
        """A block in which every question answers for ``variant`` (a :class:`~bargaining.Variant`: red lines hard,
        priced or dropped, other reservations, a fixed coalition, issues frozen at their status quo) on this space's
        one model, changed in place and restored after; it yields the variant's scenario (also ``space.scenario``
        inside).  Not an analysis but a block, like :meth:`deadline`: each call inside returns its usual result
        object, whose answers are those of ``BargainingSpace(variant.apply(scenario))``.  Uncertainty analyses are
        refused inside: ask that space.  ``with space.what_if(Variant(lines={"x": 30})): space.best()``"""
        if not isinstance(variant, Variant):
            raise TypeError(f"what_if needs a Variant (from bargaining import Variant), not {type(variant).__name__}")
        saved = self.scenario, self._study, self._weighed
        with what_if(self._search, variant) as (live, weighed):
            self.scenario, self._study, self._weighed = live, None, weighed
            try:
                yield live
            finally:
                self.scenario, self._study, self._weighed = saved

    def numeric_doubt(self) -> NumericDoubt | None:
        """Why the solver may rank this scenario's utilities wrongly (None: it can be trusted).  When there is
        one, :meth:`best` marks its package ``optimal=False`` with the reason, and the mixed-integer frontier refuses."""
        doubt = self._search.doubt()
        if doubt is None:
            return None
        return NumericDoubt(parties=tuple(doubt.parties), step=doubt.step, scale=doubt.scale, text=str(doubt), exact=False,
                            method="evaluation", reason=str(doubt))

    # ---- the plumbing
    def _limit(self, time_limit: float | None) -> float | None:
        return self.time_limit if time_limit is None else check.seconds(time_limit)

    def _answer(self, compute: Callable[[], R], time_limit: float | None, method: str | None = None, **stamps: Any) -> R:
        """Run ``compute`` within the call's time limit; stamp its result with the seconds it took, the method
        (when the algorithm did not say), and what the limit cut short."""
        search, limit = self._search, self._limit(time_limit)
        before, calls, started = search.unproven, search.solver.calls, time.perf_counter()
        left_out = search.unverified
        with search.limited(limit):
            result = compute()
        if result is None:  # best() and most_robust() when there is no package
            return result
        changes: dict[str, Any] = {"seconds": time.perf_counter() - started, **stamps}
        if not result.method or method is not None:
            changes["method"] = method or ("mip" if search.solver.calls > calls else "dp")
        if search.unproven > before and result.complete:
            changes.update(complete=False, reason=result.reason or "the time limit stopped the search; this is what was found before it")
        elif search.unverified > left_out and result.complete:
            changes.update(complete=False, reason=result.reason or LEFT_OUT)
        if stamps.get("reason") and result.reason and result.reason not in stamps["reason"]:
            changes["reason"] = f"{result.reason}; {stamps['reason']}"
        return result.stamped(**changes)  # type: ignore[no-any-return]

    def _sampled(self, study: Study) -> dict[str, Any]:
        return {"exact": False, "reason": f"estimated on {study.key[0]:,} sampled worlds (seed {study.key[1]})"}

    def _sample(self, samples: int, seed: int) -> Study:
        samples, seed = check.whole(samples, "samples"), check.whole(seed, "seed", minimum=0)
        if self.scenario is not self._base:
            raise ValueError("uncertainty analyses are not available inside what_if(): ask "
                             "BargainingSpace(variant.apply(scenario)) instead")
        if self._study is None or self._study.key != (samples, seed):
            if self._study is not None:
                self._study.close()
            self._study = Study(self._search, samples, seed)
        return self._study

    def _parties(self, parties: Sequence[str] | None, name: str) -> list[str]:
        return self.scenario.party_ids if parties is None else check.ids(parties, name, self.scenario.party_ids)

