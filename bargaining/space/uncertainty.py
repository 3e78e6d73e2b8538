"""The questions about what is uncertain and what the findings hinge on: sampled worlds (red lines that may be bluffs
or for sale, reservation ranges, points spreads), the chance of a deal, the most robust package, each package's
robustness, the value of information; the break-even values of the stated world's findings (docs/break-even.md); and
:meth:`~UncertaintyQuestions.sensitivity`, which puts them together (docs/exact-uncertainty.md).

When the only uncertainty is red lines with ``real``, the four sampled questions answer exactly instead, over every
world of those lines (nothing sampled; ``samples`` and ``seed`` are then not used): the same result objects with
``exact`` True and no interval (the chance of a deal an :class:`~bargaining.results.ExactDeal`, the most robust
package an :class:`~bargaining.results.ExactRobustPackage`), ``method`` the engine that answered ("dp": the exact
programme, "mip": the model, whose "infeasible" is re-checked; "dp+mip": both), and ``reason`` saying so.  When that
analysis cannot finish (too many maximal packages or blocking sets, or the time limit), a warning says why and the
answer is sampled as before.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Mapping, Sequence, TypeVar

import numpy as np

from .. import arguments as check
from ..algorithms import hinges
from ..algorithms.break_even import break_even
from ..algorithms.deal import DealAlongside, deal_probability
from ..algorithms.drawn import dominating, drawn_deal
from ..algorithms.robust import default_packages, most_robust, robustness, value_of_information
from ..errors import TimeLimitReached
from ..results import (
    BreakEvenTable,
    DealProbability,
    DrawnDeal,
    ExactDeal,
    ExactRobustPackage,
    Package,
    Robustness,
    RobustPackage,
    SampledWorlds,
    Sensitivity,
    ValueOfInformation,
)
from .base import SAMPLES, SpaceBase

T = TypeVar("T")


def _frontier_seconds(kwargs: dict[str, Any], value: float) -> str:
    kwargs["frontier"] = bool(value)
    kwargs.setdefault("time_limit", value or None)
    return "robustness(frontier_seconds=S) is robustness(frontier=True, time_limit=S) now (0: frontier=False)"


class UncertaintyQuestions(SpaceBase):
    """Sampled worlds (or every world of the uncertain red lines, exactly) and what each finding hinges on."""

    _exact: hinges.ExactStudy | None = None  # the exact analysis of the real lines, built on first use

    # ---- uncertainty: red lines that may be bluffs or for sale, reservation ranges, points spreads
    @check.keyword_options("samples", "seed", first=0)
    def worlds(self, *, samples: int = SAMPLES, seed: int = 0) -> SampledWorlds:
        """The sampled worlds (``[k]`` a World; ``.to_frame()`` one row each: a column per red line with ``real``,
        per party with a ``reservation_range``, ``factor:<party>:<issue>:<option>`` per point of a party with a
        ``points_spread``).  The same seed, the same worlds on any machine; every sampled analysis uses them."""
        return self._answer(lambda: SampledWorlds(worlds=self._sample(samples, seed).worlds), None, method="sampling")

    @check.keyword_options("samples", "seed", "scheduler", "progress", first=0)
    def deal_probability(self, *, samples: int = SAMPLES, seed: int = 0, scheduler: str | None = None,
                         progress: bool | None = None) -> DealProbability | ExactDeal:
        """The chance of a deal (``.probability``; ``.interval`` its 95% interval, None when it is exact) and, over
        sampled worlds, each veto party's gain in each world's maxmin package (``.to_frame()``; ``.summary()``).  With
        red lines that may be real, the chance has them exact within each draw of the reservations and points
        (``.drawn``), and only the worlds with a deal are searched; without, it is the share of sampled worlds with
        a deal (95% Wilson interval).  On Dask workers when the job is long (``scheduler``: None picks, "serial",
        "local", or "tcp://host:8786").  When the only uncertainty is red lines with ``real``: an ExactDeal, exact
        over every world of them (``.exact_probability``, ``.blocking``, ``.words``, ``.expression``; no interval)."""
        exact = self._exactly(lambda study: study.deal(), None)
        if exact:
            return exact[0]
        return self._sampled_deal(samples, seed, scheduler, progress)

    def _sampled_deal(self, samples: int, seed: int, scheduler: str | None, progress: bool | None) -> DealProbability:
        """:meth:`deal_probability` over sampled worlds (computed once per sample)."""
        study = self._sample(samples, seed)

        def run() -> DealProbability:
            alongside: DealAlongside | None = study.cache.get("deal alongside")
            if "deal" in study.cache:
                pass
            elif alongside is not None:
                study.cache["deal"] = alongside.result()
            else:
                # the red lines exact within each draw; not when they are the only uncertainty (their exact analysis
                # has just stopped, so the worlds are sampled whole)
                drawn = None if hinges.applies(self.scenario) else self._drawn(samples, seed)
                deal = deal_probability(self._search, study.worlds, self.criteria_parties, scheduler=scheduler,
                                        progress=self.progress if progress is None else progress,
                                        exact=drawn if drawn is not None and drawn.complete else None)
                if drawn is not None and not drawn.complete:  # say why the worlds were sampled whole
                    why = f"the red lines exact within each draw stopped ({drawn.reason}), so the worlds were sampled whole"
                    deal = deal.stamped(reason=f"{deal.reason}; {why}" if deal.reason else why, sampled_whole=why)
                study.cache["deal"] = deal
            found: DealProbability = study.cache["deal"]
            study.cache.setdefault("with deal", np.array([w.deal for w in found.worlds], dtype=bool))
            return found
        return self._answer(run, None, method="mip", **self._sampled(study))

    @contextmanager
    def deal_alongside(self, *, samples: int = SAMPLES, seed: int = 0) -> Iterator[None]:
        """Within the block, the chance of a deal on these worlds is computed on a local Dask worker (one per core but
        one) while this process answers the other questions (the most robust package, each package's acceptance, the
        value of information, anything else); :meth:`deal_probability` collects it.  It starts only where that pays:
        the red lines exact within each draw (reservation ranges or points spreads beside red lines with ``real``),
        at least :data:`~bargaining.algorithms.cluster.ALONGSIDE_WORLDS` worlds with a deal to search, and the
        chance not computed yet; otherwise nothing starts.  The worker is stopped when the block ends, however."""
        samples, seed = check.whole(samples, "samples"), check.whole(seed, "seed", minimum=0)
        try:  # the red lines exact within each draw, as the chance of a deal reads them (None: it does not)
            drawn = None if hinges.applies(self.scenario) else self._drawn(samples, seed)
        except TimeLimitReached:  # the deadline first: the questions inside say what it cut
            drawn = None
        study = None if drawn is None or not drawn.complete else self._sample(samples, seed)
        started = None
        if study is not None and drawn is not None and "deal" not in study.cache and DealAlongside.worth_it(study.worlds, drawn):
            started = study.cache["deal alongside"] = DealAlongside(self._search, study.worlds, self.criteria_parties, drawn)
        try:
            yield
        finally:
            if started is not None and study is not None:
                study.cache.pop("deal alongside", None)
                started.close()

    @check.keyword_options("samples", "seed", "time_limit", first=0)
    def most_robust(self, *, samples: int = SAMPLES, seed: int = 0, time_limit: float | None = None
                    ) -> RobustPackage | ExactRobustPackage | None:
        """The package acceptable in the most sampled worlds (None if it is acceptable in none), exact over the
        sample; ties go to the largest smallest gain in the stated world.  Utilities, gains and ``signers`` are
        the stated world's, ``.breaks`` the stated requirements it fails; ``.wins``, ``.share``, ``.interval``.
        Stopped by ``time_limit``: the best found, ``.optimal`` False and ``.bound`` the most any package wins.
        When the only uncertainty is red lines with ``real``: an ExactRobustPackage, the package with the largest
        chance over every world of them (``.exact_probability``, ``.words``; ``.tied``: other packages as likely)."""
        exact = self._exactly(lambda study: study.most_robust(self.criteria_parties), time_limit)
        if exact:
            return exact[0]
        study = self._sample(samples, seed)
        limit = self._limit(time_limit)

        def run() -> RobustPackage | None:
            cached = study.cache.get("robust")
            if "robust" not in study.cache or (limit is None and cached is not None and not cached.optimal):
                study.cache["robust"] = cached = most_robust(study, self.criteria_parties, time_limit=limit)
            return cached
        return self._answer(run, time_limit, method="mip", **self._sampled(study))

    @check.keyword_options("packages", "samples", "seed", "frontier_seconds")
    @check.old_keywords(frontier_seconds=_frontier_seconds)
    def robustness(self, packages: Sequence[Package | Mapping[str, Any]] | None = None, *, samples: int = SAMPLES,
                   seed: int = 0, frontier: bool = False, time_limit: float | None = None) -> Robustness:
        """How often each package is acceptable over the sampled worlds, one row each (``[k]``, iteration:
        ``.label``, ``.share`` with ``.low``/``.high`` (95%), ``.accepts`` per party, ``.blocked_by`` the
        requirement failing in the most worlds, None when none ever does).  ``packages``: Package objects or
        choice dicts; default the stated world's four solutions and the most robust package, and with
        ``frontier`` up to 50 points of the stated world's frontier (found within ``time_limit``).  When the only
        uncertainty is red lines with ``real``: each package's exact chance (``low``/``high`` None: no interval)."""
        chosen = None if packages is None else [
            (x.criterion or f"package {k + 1}", x.exact_choices) if isinstance(x, Package)
            else (f"package {k + 1}", self.scenario.check_package(x, f"packages[{k}]")) for k, x in enumerate(packages)]

        def exactly(study: hinges.ExactStudy) -> Robustness:
            rows = chosen or hinges.default_packages(study, self.criteria_parties, 50 if frontier else 0, self._search.remaining())
            analysis = study.analysis()
            return Robustness(scenario=self.scenario, table=study.robustness(rows), method=analysis.method,
                              reason=study.deal().reason)
        exact = self._exactly(exactly, time_limit)
        if exact:
            return exact[0]
        study = self._sample(samples, seed)

        def run() -> Robustness:
            rows = chosen or default_packages(study, self.criteria_parties, 50 if frontier else 0, self._search.remaining())
            return Robustness(scenario=self.scenario, table=robustness(study, rows), samples=samples, seed=seed)
        return self._answer(run, time_limit, method="evaluation", **self._sampled(study))

    @check.keyword_options("samples", "seed", "scheduler", "progress", first=0)
    def value_of_information(self, *, samples: int = SAMPLES, seed: int = 0, scheduler: str | None = None,
                             progress: bool | None = None) -> ValueOfInformation:
        """What learning each uncertainty would be worth, the most valuable first (iteration: Question objects):
        for a red line with ``real`` (yes: it is real) and a reservation range (yes: at least the stated one),
        ``p_yes``, the chance of a deal either way, the share of worlds won by the most robust package chosen
        knowing the answer, and ``rise``: how much that raises the chosen package's acceptance over choosing now.
        Questions of equal value share a ``rank`` (``tied_with`` names the others): none of them comes first.
        When the only uncertainty is red lines with ``real``: exact over every world of them."""
        exact = self._exactly(
            lambda study: ValueOfInformation(scenario=self.scenario, table=study.information(), method=study.analysis().method,
                                             reason=study.deal().reason), None)
        if exact:
            return exact[0]
        study = self._sample(samples, seed)

        def run() -> ValueOfInformation:
            # which worlds have a deal: read off the red lines exact in each draw where they apply (the chance of a
            # deal's searches may still be running alongside), else from the chance of a deal
            if "with deal" not in study.cache and not hinges.applies(self.scenario):
                self._drawn(samples, seed)  # (complete: it says which)
            if "with deal" not in study.cache:
                self._sampled_deal(samples, seed, scheduler, progress)
            rows = dominating(self._search, study.worlds)  # (on the model without the robust block: 10 small solves)
            with study.switched_on():  # the block on once, for the most robust package and every question (adding
                # its rows to HiGHS costs about as much as the questions themselves on the bundled case)
                now = self.most_robust(samples=samples, seed=seed)
                table = value_of_information(study, study.cache["with deal"], now, self.progress if progress is None else progress,
                                             rows)
            return ValueOfInformation(scenario=self.scenario, table=table, samples=samples, seed=seed)
        return self._answer(run, None, method="mip", **self._sampled(study))

    # ---- what the findings hinge on
    def break_even(self, *, inputs: Sequence[str] | None = None, findings: Sequence[str] | None = None,
                   time_limit: float | None = None, progress: bool | None = None) -> BreakEvenTable:
        """For each stated-world finding (open or closed, the minimal conflict, each concession that opens
        the space, each lever, each criterion's package) and each number that can flip it (reservations,
        prices, thresholds on amounts, the points of the options that compete): the value at which it flips
        (``exact_flip``; ``flip`` as a float), or never within the number's range, verified by the engine on
        both sides (docs/break-even.md).  ``inputs``/``findings``: lists of ids or kinds to keep; the pairs
        ``time_limit`` leaves are listed in ``.skipped`` (``complete`` False).  ``.to_frame()``, ``.inert()``."""
        from ..progress import Progress

        inputs = None if inputs is None else check.names(inputs, "inputs")
        findings = None if findings is None else check.names(findings, "findings")

        def run() -> BreakEvenTable:
            with Progress("break-even values", self.progress if progress is None else progress) as bar:
                return break_even(self._search, self.criteria_parties, inputs=inputs, findings=findings, progress=bar.update)
        return self._answer(run, time_limit)

    def sensitivity(self, *, break_even: bool = True, time_limit: float | None = None,
                    progress: bool | None = None) -> Sensitivity:
        """What the findings hinge on, in one result (docs/exact-uncertainty.md, docs/break-even.md): the chance of a
        deal exactly over every world of the red lines with ``real`` (``.deal``: its minimal blocking sets and the
        formula in words), the most robust package (``.most_robust``), the value of information with ties named
        (``.information``), the tornado (``.tornado``, ``.to_frame()``: each uncertain input's swing, and where the
        most robust package or the first question changes), every tie (``.ties``), and the break-even table of the
        stated-world findings (``.break_even``, as :meth:`break_even` gives it; ``break_even=False`` leaves it out,
        None).  ``.inert()``: every input, of the tornado and of the table, that moves nothing (one list).  With
        reservation ranges or points spreads the findings are those with the reservations and points as stated, and
        the tornado moves each range over its ends.  ``time_limit`` bounds the whole call (the break-even table gets
        what the exact analysis leaves; what it does not reach makes ``complete`` False, and ``reason`` says so)."""
        if not isinstance(break_even, bool):
            raise TypeError(f"break_even must be True or False, not {break_even!r}")
        self._no_variant()
        from ..progress import Progress

        def run() -> Sensitivity:
            with Progress("sensitivity", self.progress if progress is None else progress) as bar:
                return self._exact_study().sensitivity(self.criteria_parties, self._limit(time_limit),
                                                       with_break_even=break_even, progress=bar.update)
        return self._answer(run, time_limit)

    # ---- the plumbing of the exact answers
    def _drawn(self, samples: int, seed: int) -> DrawnDeal | None:
        """The real lines exact within each of these draws of the continuous inputs (None without red lines with
        ``real``); computed once per sample and kept with it."""
        if not any(r.real is not None for r in self.scenario.red_lines):
            return None
        study = self._sample(samples, seed)
        if "drawn" not in study.cache:
            drawn = study.cache["drawn"] = drawn_deal(self._search, samples, seed)
            if drawn.complete and "with deal" not in study.cache:  # which worlds have a deal, exactly
                study.cache["with deal"] = drawn.deals_in(study.worlds)
        found: DrawnDeal = study.cache["drawn"]
        return found

    def _exact_study(self) -> hinges.ExactStudy:
        if self._exact is None:
            self._exact = hinges.ExactStudy(self._search)
        return self._exact

    def _no_variant(self) -> None:
        if self.scenario is not self._base:
            raise ValueError("uncertainty analyses are not available inside what_if(): ask "
                             "BargainingSpace(variant.apply(scenario)) instead")

    def _exactly(self, compute: Callable[[hinges.ExactStudy], T], time_limit: float | None) -> list[T]:
        """[the exact answer] when the only uncertainty is red lines with ``real`` and their exact analysis completes
        within the call's time limit; else [], with a warning when the analysis stopped (the caller samples then)."""
        if not hinges.applies(self.scenario):
            return []
        self._no_variant()
        study, limit = self._exact_study(), self._limit(time_limit)
        stopped: list[str] = []

        def run() -> Any:
            analysis = study.analysis(limit)
            if not analysis.complete:
                stopped.append(analysis.reason)
                return None
            return compute(study)
        found: T = self._answer(run, time_limit)
        if stopped:
            warnings.warn(f"the exact analysis of the uncertain red lines stopped ({stopped[0]}); the answer is sampled "
                          "instead", stacklevel=3)
            return []
        return [found]
