"""BargainingSpace: the one object users call.  It checks arguments, calls an algorithm, returns a result: a
:class:`~bargaining.results.envelope.Result` (complete, exact, method, reason, seconds; ``.to_frame()``, ``repr``,
HTML).  Conventions (README, "Python API"): the subject first, options keyword-only; ``time_limit`` in seconds bounds
the whole call (None: the space's own, none unless set; 0: no limit); old names and positions work for one release,
with a DeprecationWarning (:mod:`bargaining.arguments`).
"""

from __future__ import annotations

import time
from dataclasses import replace
from contextlib import contextmanager
from typing import Any, Callable, ContextManager, Iterator, Mapping, Sequence, TypeVar

from . import arguments as check
from .algorithms.acceptable import acceptable_packages
from .algorithms.break_even import break_even
from .algorithms.coalitions import minimal_coalitions
from .algorithms.concessions import concessions
from .algorithms.deal import deal_probability
from .algorithms.diagnose import diagnose, minimal_relaxations, reservation_reductions
from .algorithms.frontier import Method, best, find_frontier, solutions_on
from .algorithms.holding import self_enforcing
from .algorithms.holding_stability import stability
from .algorithms.leverage import leverage
from .algorithms.phasing import best_phased
from .algorithms.robust import Study, default_packages, most_robust, robustness, value_of_information
from .algorithms.whatif import what_if
from .engine.search import Search
from .results import (Acceptable, BreakEvenTable, Coalition, Coalitions, Concessions, DealProbability, Diagnosis, Frontier,
                      Leverage, NumericDoubt, Package, PhasePlan, Relaxation, Relaxations, ReservationCut, Result,
                      RobustPackage, Robustness, SampledWorlds, SelfEnforcing, Stability, ValueOfInformation, check_criterion)
from .scenario import Scenario, Variant

R = TypeVar("R", bound="Result | None")
SAMPLES = check.SAMPLES  # worlds sampled by every uncertainty analysis, the report and the command, unless told otherwise
#: What ``diagnose`` and ``relaxations`` look for: sets of at most this many requirements, at most this many sets.
RELAXATION_SIZE, RELAXATION_LIMIT = 3, 100


def _frontier_seconds(kwargs: dict[str, Any], value: float) -> str:
    kwargs["frontier"] = bool(value)
    kwargs.setdefault("time_limit", value or None)
    return "robustness(frontier_seconds=S) is robustness(frontier=True, time_limit=S) now (0: frontier=False)"


class BargainingSpace:
    """The packages of a scenario that every party whose acceptance is required can accept.

    The model is built once, here; every question changes it in place and re-solves it.
    ``time_limit``: every call's limit unless the call gives its own (seconds; None or 0: none).

    >>> space = BargainingSpace(Scenario.from_yaml("data/logrolling.yaml"))
    >>> space.best("nash").choices                                   # doctest: +SKIP
    """

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
        """A block in which every question answers for ``variant`` (a :class:`~bargaining.scenario.Variant`: red
        lines hard, priced or dropped, other reservations, a fixed coalition, issues frozen at their status quo)
        on this space's one model, changed in place and restored after; it yields the variant's scenario (also
        ``space.scenario`` inside).  The answers are those of ``BargainingSpace(variant.apply(scenario))``.
        Uncertainty analyses are refused inside: ask that space.  ``with space.what_if(Variant(lines={"x": 30})):``"""
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

    # ---- packages
    @check.keyword_options("criterion", "coalition")
    def best(self, criterion: str = "maxmin", *, coalition: str | Sequence[str] | None = None,
             time_limit: float | None = None) -> Package | None:
        """The acceptable package the criterion prefers, or None when no package is acceptable.

        ``criterion``: "maxmin" (largest smallest gain), "utilitarian" (largest sum of utilities),
        "nash" (largest product of gains) or "kalai" (largest smallest gain as a share of each
        party's best possible gain).  Ties: the largest total utility of all parties, then HiGHS's
        deterministic choice.  ``coalition``: None (non-veto parties join when the package suits
        them; the criterion weighs the veto parties), a list of party ids (exactly these take part,
        with every veto party; the criterion weighs the members), or "smallest" (the first of
        :meth:`coalitions`).  A package found before ``time_limit`` ran out is ``optimal=False``.
        """
        chosen = check_criterion(criterion)

        def run() -> Package | None:
            members = self._coalition(coalition)
            if members is None:
                return best(self._search, chosen, self.criteria_parties)
            with self._search.changes() as edit:
                edit.impose(members)
                return best(self._search, chosen, [p for p in self.scenario.party_ids if p in members])
        return self._answer(run, time_limit)

    def _coalition(self, coalition: str | Sequence[str] | None) -> frozenset[str] | None:
        if coalition is None:
            return None
        if coalition == "smallest":
            found = minimal_coalitions(self._search, limit=1)
            return found[0] if found else frozenset(self.scenario.party_ids)  # nothing opens the space: best() answers None
        if isinstance(coalition, str) or not isinstance(coalition, (list, tuple, set, frozenset)):
            raise TypeError(f"coalition must be None, 'smallest' or a list of party ids, not {coalition!r}")
        return frozenset(self._parties(coalition, "coalition")) | frozenset(self.scenario.veto_party_ids)

    @check.keyword_options("limit", "count_only", first=0)
    def acceptable(self, *, limit: int | None = None, count_only: bool = False, time_limit: float | None = None) -> Acceptable:
        """Every acceptable package (``.packages``, largest total utility first; ``.to_frame()``: a column per
        issue and per party) and how many are acceptable in all (``.count``; None when not counted).

        ``limit`` stops after that many (the first in the scenario's option order on a discrete scenario;
        ``complete`` then says whether that is all).  ``count_only=True`` counts without listing (the count
        may be 10**15 or more).  Without a limit, more than 100,000 acceptable packages are refused.  With
        continuous issues each package is an acceptable combination of discrete options with one
        acceptable amount for each continuous issue.
        """
        limit = None if limit is None else check.whole(limit, "limit")

        def run() -> Acceptable:
            found = acceptable_packages(self._search, limit, self.progress, count_only)
            issues = [i.id for i in self.scenario.issues]
            ordered = sorted(found.packages, key=lambda x: (-sum(x.exact_utilities.values()), tuple(str(x.choices[i]) for i in issues)))
            reason = ("counted, not listed (count_only)" if count_only else "" if found.complete else
                      f"the first {limit:,} listed (limit)" if limit is not None and len(ordered) >= limit else
                      "the time limit stopped the listing; these are the packages found so far")
            return Acceptable(scenario=self.scenario, packages=tuple(ordered), count=found.count, complete=found.complete,
                              method={"none": "dp"}.get(found.method, found.method), reason=reason)
        return self._answer(run, time_limit)

    @check.keyword_options("parties", "time_limit", "progress", "resolution", "solutions", "workers", "method")
    def frontier(self, parties: Sequence[str] | None = None, *, time_limit: float | None = None, progress: bool | None = None,
                 resolution: float | None = None, solutions: bool = True, workers: int | None = None,
                 method: Method = "auto") -> Frontier:
        """The Pareto frontier: every non-dominated utility vector among acceptable packages, one package each
        (``len``, ``.packages``, ``.solutions``, ``.state``; ``.to_frame()``: a column per issue and per party,
        and ``solution``, the bargaining solutions at that row).  ``parties``: a list of ids (default all).

        Exact for discrete scenarios.  A party's continuous axis is cut into a grid (``resolution`` points,
        default 1/200 of its range): at most one point per cell, none dominated (``exact`` False).
        ``complete`` is False when ``time_limit`` stopped the search (the points found so far).  With
        ``solutions`` (a complete frontier over every party) the four bargaining solutions are placed on it.
        ``method``: "auto" (the programme where it applies, else the model), "dp" or "mip".  A search still
        running after two seconds is joined by ``workers`` helper processes (default: cores, at most 4).
        """
        chosen = self._parties(parties, "parties")
        progress = self.progress if progress is None else progress

        def run() -> Frontier:
            found = find_frontier(self._search, chosen, progress=progress, resolution=resolution, workers=workers, method=method)
            if not found.complete and not found.reason.startswith("the time limit"):
                found = found.stamped(reason="the time limit stopped the search; these are the points found so far"
                                      + (f" ({found.reason})" if found.reason else ""))
            if not solutions:
                return found
            found, bests = solutions_on(self._search, found, self.criteria_parties)
            return replace(found, solutions={c: p for c, p in bests.items() if p is not None})
        return self._answer(run, time_limit)

    @check.deprecated("space.pareto_frontier() is space.frontier() now (a Frontier object; .to_frame() for the table)")
    def pareto_frontier(self, *args: Any, **kwargs: Any) -> Frontier:
        return self.frontier(*args, **kwargs)

    # ---- when no package is acceptable
    @check.keyword_options("relaxations", first=0)
    def diagnose(self, *, relaxations: bool = True, max_size: int = RELAXATION_SIZE, limit: int = RELAXATION_LIMIT,
                 time_limit: float | None = None) -> Diagnosis:
        """Is any package acceptable? If not, a minimal set of reservations and red lines that conflict
        (``.conflict``) and, with ``relaxations``, what would open it: the same as :meth:`relaxations`."""
        max_size, limit = check.whole(max_size, "max_size"), check.whole(limit, "limit")
        return self._answer(lambda: diagnose(self._search, relaxations, max_size, limit), time_limit)

    @check.keyword_options("max_size", "limit", first=0)
    def relaxations(self, *, max_size: int = RELAXATION_SIZE, limit: int = RELAXATION_LIMIT,
                    time_limit: float | None = None) -> Relaxations:
        """What would open the bargaining space (``.drops``, ``.cuts``; ``.to_frame()`` one row per way): every
        minimal set of at most ``max_size`` red lines and reservations whose removal makes some package
        acceptable, smallest first (at most ``limit``); then each veto party's smallest reservation cut that
        opens the space with everything else as written.  Empty when the space is already open."""
        max_size, limit = check.whole(max_size, "max_size"), check.whole(limit, "limit")

        def run() -> Relaxations:
            if self._search.feasible() is not None:
                return Relaxations(scenario=self.scenario, max_size=max_size)
            items = [Relaxation("drop", tuple(group)) for group in minimal_relaxations(self._search, max_size, limit)]
            for party, cut in reservation_reductions(self._search).items():
                if cut is not None:
                    stated = self.scenario.party[party]
                    items.append(Relaxation("lower reservation", cut=ReservationCut(party, stated.possessive, stated.reservation, cut)))
            return Relaxations(scenario=self.scenario, items=tuple(items), max_size=max_size)
        return self._answer(run, time_limit)

    @check.keyword_options("criterion", "max_size", "limit", "reservations", "frontiers", "time_limit")
    @check.old_keywords(frontiers=check.renamed("frontier"))
    def opened(self, criterion: str = "maxmin", *, max_size: int = 1, limit: int = 10, reservations: bool = True,
               frontier: bool = False, time_limit: float | None = None) -> Concessions:
        """What a deal would look like after each minimal concession that opens a closed space.

        The concessions: every minimal set of at most ``max_size`` red lines whose removal opens the
        space, smallest first; then, with ``reservations``, each veto party's smallest reservation cut
        that opens it alone.  For each, ``.package``: the package ``criterion`` picks with the concession
        made; with ``frontier``, also ``.frontier`` (over the criteria parties; the frontier searches share
        what ``time_limit`` leaves) and ``.solutions``.  Gains are over the stated reservations.  Empty when
        the space is open.  ``.to_frame()``: one row per concession.
        """
        chosen = check_criterion(criterion)
        max_size, limit = check.whole(max_size, "max_size"), check.whole(limit, "limit")

        def run() -> Concessions:
            found = concessions(self._search, chosen, self.criteria_parties, max_size, limit, reservations, frontier,
                                self._search.remaining())
            return Concessions(self.scenario, chosen, tuple(found), tuple(self.criteria_parties))
        return self._answer(run, time_limit)

    @check.keyword_options("limit", first=0)
    def coalitions(self, *, limit: int = 50, time_limit: float | None = None) -> Coalitions:
        """Every minimal coalition that opens the bargaining space, smallest first, each with its best maxmin
        package (``[k]``: a Coalition with ``.members``, ``.joining``, ``.package``; ``.to_frame()``: members,
        joining, size and the package's columns).  Empty when no coalition opens the space."""
        limit = check.whole(limit, "limit")

        def run() -> Coalitions:
            found = []
            for members in minimal_coalitions(self._search, limit):
                ordered = tuple(p for p in self.scenario.party_ids if p in members)
                joining = tuple(p for p in ordered if not self.scenario.party[p].veto)
                found.append(Coalition(ordered, joining, self.best("maxmin", coalition=list(ordered))))
            return Coalitions(scenario=self.scenario, items=tuple(found))
        return self._answer(run, time_limit)

    @check.deprecated("space.minimal_coalitions() is space.coalitions() now (a Coalitions object: [k], len, .to_frame())")
    def minimal_coalitions(self, *args: Any, **kwargs: Any) -> Coalitions:
        return self.coalitions(*args, **kwargs)

    # ---- what else could be traded
    @check.keyword_options("issue", "limit", "frontier", "time_limit")
    def leverage(self, issue: str, *, limit: int = 200, frontier: bool = False, time_limit: float | None = None) -> Leverage:
        """The bargaining space with ``issue`` frozen at its status quo versus open (``.frozen``, ``.open``,
        ``.opens``, ``.rows()``): whether a package exists, how many are acceptable (counted up to
        ``limit``), each party's best gain, each solution's gains and, with ``frontier``, the frontiers'
        sizes and the share of the frozen frontier that opening improves on.  ``.to_frame()``: one row per
        setting.  Meant for ``linkable: true`` issues; works for any issue with a status quo."""
        if not isinstance(issue, str):
            raise TypeError(f"issue must be an issue id (one of {', '.join(self.scenario.issue)}), not {issue!r}")
        limit = check.whole(limit, "limit")
        return self._answer(lambda: leverage(self._search, issue, self.criteria_parties, limit, frontier, None), time_limit)

    @check.keyword_options("phases", "criterion", old_when=lambda args: bool(args) and not isinstance(args[0], str))
    def phased(self, criterion: str = "maxmin", *, phases: int = 3, time_limit: float | None = None) -> PhasePlan:
        """The criterion's best package among those deliverable in ``phases`` steps, as a plan.

        Each option is switched on in one phase and kept; after every phase each veto party's utility so
        far is at least its reservation (nobody pays up front), and each issue's ``after:`` order holds.
        ``.package`` (None when no package can be phased; ``.reason`` says why), ``.phase_of``,
        ``.gains_after(t)``; ``.to_frame()``: one row per phase.
        """
        chosen, phases = check_criterion(criterion), check.whole(phases, "phases")
        return self._answer(lambda: best_phased(self._search, phases, chosen, self.criteria_parties), time_limit)

    def self_enforcing(self, criterion: str = "maxmin", *, phases: int = 3, time_limit: float | None = None) -> SelfEnforcing:
        """The criterion's best phased plan in which no party gains by defecting at any phase, or why none exists
        (docs/holding.md).  ``.plan`` (margins, violations) or None; ``.phased``: the best phased plan without
        incentives when it differs or fails; ``.closest``: when none holds, the plan with the largest smallest
        margin; ``.fixes``: what would make the failing plan hold, smallest change first; ``.threats``."""
        if phases < 1:
            raise ValueError("phases must be at least 1")
        return self_enforcing(self._search, phases, check_criterion(criterion), self.criteria_parties, time_limit)

    def stability(self, package: Package | Mapping[str, Any], *, max_size: int = 2, time_limit: float | None = None) -> Stability:
        """Whether a party or a coalition of up to ``max_size`` signers gains by reneging on what it delivers
        after signing ``package`` (a Package or choices), given snapbacks and credible threats (docs/holding.md).
        Exact enumeration; ``time_limit`` stops it between coalitions (``.complete`` then False)."""
        if max_size < 1:
            raise ValueError("max_size must be at least 1")
        chosen = package if isinstance(package, Package) else self._search.package(self.scenario.check_package(package))
        if not chosen.signers:
            raise ValueError("this package is not acceptable, so nobody signs it: stability asks about a signed package")
        return stability(self.scenario, chosen, max_size, chosen.criterion or "", time_limit)

    def evaluate(self, choices: Mapping[str, Any]) -> Package:
        """A package of your own choosing, with its utilities and who would take part (empty if unacceptable);
        ``method`` "evaluation" (it was not searched for).  Every choice is checked as the loader checks a file:
        an unknown option or an amount outside its range is a :class:`~bargaining.ScenarioError` naming it."""
        checked = self.scenario.check_package(choices)
        return self._answer(lambda: self._search.package(checked).with_(optimal=False), None, method="evaluation")

    # ---- what the findings hinge on
    def break_even(self, *, inputs: Sequence[str] | None = None, findings: Sequence[str] | None = None,
                   time_limit: float | None = None, progress: bool | None = None) -> BreakEvenTable:
        """For each stated-world finding (open or closed, the minimal conflict, each concession that opens
        the space, each lever, each criterion's package) and each number that can flip it (reservations,
        prices, thresholds on amounts, the points of the options that compete): the exact value at which
        it flips, or never within the number's range, verified by the engine on both sides
        (docs/break-even.md).  ``inputs``/``findings``: ids or kinds to keep; ``time_limit``: seconds,
        after which the pairs left are listed in ``.skipped``.  ``.to_frame()``, ``.inert()``."""
        from .progress import Progress

        with Progress("break-even values", self.progress if progress is None else progress) as bar:
            return break_even(self._search, self.criteria_parties, inputs=inputs, findings=findings, time_limit=time_limit,
                              progress=bar.update)

    # ---- uncertainty: red lines that may be bluffs or for sale, reservation ranges, points spreads
    @check.keyword_options("samples", "seed", first=0)
    def worlds(self, *, samples: int = SAMPLES, seed: int = 0) -> SampledWorlds:
        """The sampled worlds (``[k]`` a World; ``.to_frame()`` one row each: a column per red line with ``real``,
        per party with a ``reservation_range``, ``factor:<party>:<issue>:<option>`` per point of a party with a
        ``points_spread``).  The same seed, the same worlds on any machine; every analysis below uses them."""
        return self._answer(lambda: SampledWorlds(worlds=self._sample(samples, seed).worlds), None, method="sampling")

    @check.keyword_options("samples", "seed", "scheduler", "progress", first=0)
    def deal_probability(self, *, samples: int = SAMPLES, seed: int = 0, scheduler: str | None = None,
                         progress: bool | None = None) -> DealProbability:
        """The share of sampled worlds in which some package is acceptable (``.probability``, 95% Wilson
        ``.interval``); ``.to_frame()``: each veto party's gain in each such world's maxmin package.  One maxmin
        search per world; on Dask workers when the job is long (``scheduler``: None picks, "serial", "local",
        or "tcp://host:8786")."""
        study = self._sample(samples, seed)

        def run() -> DealProbability:
            if "deal" not in study.cache:
                study.cache["deal"] = deal_probability(self._search, study.worlds, self.criteria_parties, scheduler=scheduler,
                                                       progress=self.progress if progress is None else progress)
            return study.cache["deal"]
        return self._answer(run, None, method="mip", **self._sampled(study))

    @check.keyword_options("samples", "seed", "time_limit", first=0)
    def most_robust(self, *, samples: int = SAMPLES, seed: int = 0, time_limit: float | None = None) -> RobustPackage | None:
        """The package acceptable in the most sampled worlds (None if it is acceptable in none), exact over the
        sample; ties go to the largest smallest gain in the stated world.  Utilities, gains and ``signers`` are
        the stated world's, ``.breaks`` the stated requirements it fails; ``.wins``, ``.share``, ``.interval``.
        Stopped by ``time_limit``: the best found, ``.optimal`` False and ``.bound`` the most any package wins."""
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
        ``frontier`` up to 50 points of the stated world's frontier (found within ``time_limit``)."""
        study = self._sample(samples, seed)

        def run() -> Robustness:
            if packages is None:
                chosen = default_packages(study, self.criteria_parties, 50 if frontier else 0, self._search.remaining())
            else:
                chosen = [(x.criterion or f"package {k + 1}", x.exact_choices) if isinstance(x, Package)
                          else (f"package {k + 1}", self.scenario.check_package(x, f"packages[{k}]")) for k, x in enumerate(packages)]
            return Robustness(scenario=self.scenario, table=robustness(study, chosen), samples=samples, seed=seed)
        return self._answer(run, time_limit, method="evaluation", **self._sampled(study))

    @check.keyword_options("samples", "seed", "scheduler", "progress", first=0)
    def value_of_information(self, *, samples: int = SAMPLES, seed: int = 0, scheduler: str | None = None,
                             progress: bool | None = None) -> ValueOfInformation:
        """What learning each uncertainty would be worth, the most valuable first (iteration: Question objects):
        for a red line with ``real`` (yes: it is real) and a reservation range (yes: at least the stated one),
        ``p_yes``, the chance of a deal either way, the share of worlds won by the most robust package chosen
        knowing the answer, and ``rise``: how much that raises the chosen package's acceptance over choosing now."""
        study = self._sample(samples, seed)

        def run() -> ValueOfInformation:
            deal = self.deal_probability(samples=samples, seed=seed, scheduler=scheduler, progress=progress)
            table = value_of_information(study, deal, self.most_robust(samples=samples, seed=seed),
                                         self.progress if progress is None else progress)
            return ValueOfInformation(scenario=self.scenario, table=table, samples=samples, seed=seed)
        return self._answer(run, None, method="mip", **self._sampled(study))

    # ---- the plumbing
    def _limit(self, time_limit: float | None) -> float | None:
        return self.time_limit if time_limit is None else check.seconds(time_limit)

    def _answer(self, compute: Callable[[], R], time_limit: float | None, method: str | None = None, **stamps: Any) -> R:
        """Run ``compute`` within the call's time limit; stamp its result with the seconds it took, the method
        (when the algorithm did not say), and what the limit cut short."""
        search, limit = self._search, self._limit(time_limit)
        before, calls, started = search.unproven, search.solver.calls, time.perf_counter()
        with search.limited(limit):
            result = compute()
        if result is None:  # best() and most_robust() when there is no package
            return result
        changes: dict[str, Any] = {"seconds": time.perf_counter() - started, **stamps}
        if not result.method or method is not None:
            changes["method"] = method or ("mip" if search.solver.calls > calls else "dp")
        if search.unproven > before and result.complete:
            changes.update(complete=False, reason=result.reason or "the time limit stopped the search; this is what was found before it")
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
