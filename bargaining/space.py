"""BargainingSpace: the one object users call.  It checks arguments, calls an algorithm, returns a result."""

from __future__ import annotations

from dataclasses import replace
from contextlib import contextmanager
from typing import Any, ContextManager, Iterator, Mapping, Sequence

import pandas as pd

from .algorithms.acceptable import acceptable_packages
from .algorithms.break_even import break_even
from .algorithms.deal import deal_probability
from .algorithms.coalitions import minimal_coalitions
from .algorithms.concessions import concessions
from .algorithms.diagnose import diagnose, minimal_relaxations, reservation_reductions
from .algorithms.frontier import Method, best, find_frontier, solutions_on
from .algorithms.holding import self_enforcing
from .algorithms.holding_stability import stability
from .algorithms.leverage import leverage
from .algorithms.phasing import best_phased
from .engine.numerics import Doubt
from .algorithms.robust import Study, default_packages, most_robust, robustness, value_of_information
from .algorithms.whatif import what_if
from .engine.search import Search
from .results import (
    BreakEvenTable,
    Coalition,
    Concessions,
    DealProbability,
    Diagnosis,
    Frontier,
    Leverage,
    Package,
    PhasePlan,
    RobustPackage,
    SelfEnforcing,
    Stability,
    check_criterion,
    coalitions_frame,
    packages_frame,
)
from .scenario import Requirement, Scenario, Variant


class BargainingSpace:
    """The packages of a scenario that every party whose acceptance is required can accept.

    The mixed-integer model is built once, here; every question below changes it in place
    and re-solves it with the same persistent HiGHS instance.

    >>> space = BargainingSpace(Scenario.from_yaml("data/logrolling.yaml"))
    >>> space.best("nash").choices                                   # doctest: +SKIP
    """

    def __init__(self, scenario: Scenario, time_limit: float | None = None, progress: bool | None = None):
        self.scenario = scenario
        self.search = Search.of(scenario, time_limit)
        self.progress = progress
        self._study: Study | None = None
        self._weighed: list[str] | None = None  # the criteria parties under a what-if's coalition
        self._base = scenario  # the scenario the model was built for (``scenario`` differs inside what_if)

    def __repr__(self) -> str:
        return f"BargainingSpace({self.scenario!r})"

    @property
    def criteria_parties(self) -> list[str]:
        """The parties whose gains the criteria weigh: the veto parties (all parties if none has a veto);
        under a what-if with a fixed coalition, its members."""
        return self._weighed or self.scenario.criteria_party_ids

    @property
    def solver_calls(self) -> int:
        return self.search.solver.calls

    def deadline(self, seconds: float | None) -> ContextManager[None]:
        """A block in which every question together ends within ``seconds`` (None: no limit):
        ``with space.deadline(10): space.best(); space.diagnose()``.  What ran out of time is
        marked (``optimal=False``, ``complete=False``) or raises TimeLimitReached."""
        return self.search.limited(seconds)

    @contextmanager
    def what_if(self, variant: Variant) -> Iterator[Scenario]:
        """A block in which every question answers for ``variant`` (a :class:`~bargaining.scenario.Variant`: red
        lines hard, priced or dropped, other reservations, a fixed coalition, issues frozen at their status quo)
        on this space's one model, changed in place and restored after; it yields the variant's scenario (also
        ``space.scenario`` inside).  The answers are those of ``BargainingSpace(variant.apply(scenario))``.
        Uncertainty analyses are refused inside: ask that space.  ``with space.what_if(Variant(lines={"x": 30})):``"""
        saved = self.scenario, self._study, self._weighed
        with what_if(self.search, variant) as (live, weighed):
            self.scenario, self._study, self._weighed = live, None, weighed
            try:
                yield live
            finally:
                self.scenario, self._study, self._weighed = saved

    def numeric_doubt(self) -> Doubt | None:
        """Why the solver may rank this scenario's utilities wrongly (None: it can be trusted); see
        :mod:`bargaining.engine.numerics`.  When there is one, :meth:`best` marks its package
        ``optimal=False`` with the reason, and the mixed-integer frontier refuses."""
        return self.search.doubt()

    # ---- packages
    def best(self, criterion: str = "maxmin", coalition: str | Sequence[str] | None = None) -> Package | None:
        """The acceptable package that the criterion prefers, or None when no package is acceptable.

        ``criterion``: "maxmin" (largest smallest gain), "utilitarian" (largest sum of
        utilities), "nash" (largest product of gains) or "kalai" (largest smallest gain as a
        share of each party's best possible gain).  Ties: the largest total utility of all
        parties (so the package is Pareto-optimal), then HiGHS's deterministic choice.

        ``coalition``: None (non-veto parties join when the package suits them; the
        criterion weighs the veto parties), a list of party ids (exactly these take part,
        with every veto party; the criterion weighs the members), or "smallest" (the first
        of :meth:`coalitions`, the smallest coalition that opens the bargaining space).
        """
        chosen = check_criterion(criterion)
        members = self._coalition(coalition)
        if members is None:
            return best(self.search, chosen, self.criteria_parties)
        with self.search.changes() as edit:
            edit.impose(members)
            return best(self.search, chosen, [p for p in self.scenario.party_ids if p in members])

    def _coalition(self, coalition: str | Sequence[str] | None) -> frozenset[str] | None:
        if coalition is None:
            return None
        if coalition == "smallest":
            found = minimal_coalitions(self.search, limit=1)
            if not found:
                return frozenset(self.scenario.party_ids)  # nothing opens the space: best() answers None
            return found[0]
        if isinstance(coalition, str):
            raise ValueError(f"coalition must be None, 'smallest' or a list of party ids, not {coalition!r}")
        return frozenset(self._parties(coalition)) | frozenset(self.scenario.veto_party_ids)

    def acceptable(self, limit: int | None = None, count_only: bool = False) -> pd.DataFrame:
        """Every acceptable package, one row each: a column per issue (its choice) and per party (its utility).

        Rows are sorted by total utility, largest first.  ``limit`` stops after that many rows
        (the first ones in the scenario's option order on a discrete scenario);
        ``df.attrs["complete"]`` then says whether there are more, and ``df.attrs["count"]``
        how many packages are acceptable in all (None when not counted: continuous issues, or
        a count that would take too long).  ``count_only=True`` counts without listing (the
        table is empty; ``attrs["count"]`` holds the number, which may be 10**15 or more).
        Without a limit, a discrete space of more than 100,000 acceptable packages is refused
        (give a limit).  With continuous issues, a row is an acceptable combination of
        discrete options, shown with one acceptable amount for each continuous issue.
        """
        found = acceptable_packages(self.search, limit, self.progress, count_only)
        issues = [i.id for i in self.scenario.issues]
        packages = sorted(found.packages, key=lambda x: (-sum(x.exact_utilities.values()), tuple(str(x.choices[i]) for i in issues)))
        frame = packages_frame(self.scenario, packages)
        frame.attrs.update(complete=found.complete, count=found.count, method=found.method)
        return frame

    def frontier(self, parties: Sequence[str] | None = None, time_limit: float | None = None,
                 progress: bool | None = None, resolution: float | None = None, solutions: bool = True,
                 workers: int | None = None, method: Method = "auto") -> pd.DataFrame:
        """The Pareto frontier as a table: one row per non-dominated utility vector among acceptable packages
        (:meth:`pareto_frontier` as a result object; the same frontier, the same rows).

        Columns as in :meth:`acceptable` (a package attaining the vector: one column per
        issue, one per party), plus ``solution``: the bargaining solutions ("maxmin",
        "utilitarian", "nash", "kalai") located at that row -- the row whose utilities are
        those of :meth:`best`'s package (marked when the frontier covers every party and is
        complete; ``solutions=False`` skips them).  ``df.attrs`` holds ``complete``,
        ``exact``, ``method``, ``method_reason``, ``solver_calls``, ``seconds``,
        ``calls_per_point`` and ``resolution``.
        """
        return self.pareto_frontier(parties, time_limit, progress, resolution, solutions, workers, method).to_frame()

    def pareto_frontier(self, parties: Sequence[str] | None = None, time_limit: float | None = None,
                        progress: bool | None = None, resolution: float | None = None, solutions: bool = True,
                        workers: int | None = None, method: Method = "auto") -> Frontier:
        """The Pareto frontier: every non-dominated utility vector among acceptable packages, one package each,
        as a :class:`~bargaining.results.Frontier` (``len``, ``.packages``, ``.solutions``, ``.complete``,
        ``.exact``, ``.state``, ``.to_frame()``).  ``parties`` restricts it to some parties' utilities.

        Exact for discrete scenarios.  When a party's utility has a continuous part, its
        axis is cut into a grid (``resolution`` points, default 1/200 of its range): at most
        one point per grid cell, none dominated.  ``complete`` is False if ``time_limit``
        stopped the search (the points are then those found so far).  With ``solutions``
        (on a complete frontier over every party) the four bargaining solutions are placed on
        it (``.solutions``); on a grid they are added to it, and whatever they dominate dropped.

        A search still running after two seconds is joined by helper processes (``workers``,
        default: the machine's cores, at most 4; 1 keeps it in this process), each with its
        own copy of the model built once; the result is the same exact set.
        """
        chosen = self._parties(parties)
        progress = self.progress if progress is None else progress
        result = find_frontier(self.search, chosen, time_limit=time_limit, progress=progress, resolution=resolution,
                               workers=workers, method=method)
        if not solutions:
            return result
        result, bests = solutions_on(self.search, result, self.criteria_parties)
        return replace(result, solutions={c: p for c, p in bests.items() if p is not None})

    # ---- when no package is acceptable
    def diagnose(self, relaxations: bool = True) -> Diagnosis:
        """Is any package acceptable? If not, a minimal set of reservations and red lines that
        conflict and, with ``relaxations``, the smallest sets to drop and reservation cuts that open it."""
        return diagnose(self.search, relaxations)

    def relaxations(self, max_size: int = 3, limit: int = 100) -> pd.DataFrame:
        """What would open the bargaining space: one row per way.

        Rows of kind "drop": every minimal set of red lines and reservations (at most
        ``max_size`` of them) whose removal makes some package acceptable, smallest first.
        Rows of kind "lower reservation": for each veto party, the smallest cut of its
        reservation that opens the space with everything else as written (no row when no cut
        of that party's reservation alone can).  Columns: kind, size, parties, requirements
        (plain-language labels), reservation_cut.  No rows when the space is already open.
        """
        columns = ["kind", "size", "parties", "requirements", "reservation_cut"]
        if self.search.feasible() is not None:
            return pd.DataFrame([], columns=columns)
        rows: list[dict[str, Any]] = [
            {"kind": "drop", "size": len(group), "parties": _whose(group), "requirements": _labels(group), "reservation_cut": None}
            for group in minimal_relaxations(self.search, max_size, limit)
        ]
        for party, cut in reservation_reductions(self.search).items():
            if cut is not None:
                reservation = self.scenario.party[party].reservation
                rows.append({"kind": "lower reservation", "size": 1, "parties": party,
                             "requirements": f"{self.scenario.party[party].possessive} reservation {reservation:g} -> {float(reservation - cut):g}",
                             "reservation_cut": float(cut)})
        return pd.DataFrame(rows, columns=columns)

    def opened(self, criterion: str = "maxmin", max_size: int = 1, limit: int = 10, *, reservations: bool = True,
               frontiers: bool = False, time_limit: float | None = None) -> Concessions:
        """What a deal would look like after each minimal concession that opens a closed space.

        The concessions: every minimal set of at most ``max_size`` red lines whose removal
        makes some package acceptable (reservations as written, so every veto party still
        gains), smallest first; then, with ``reservations``, each veto party's smallest
        reservation cut that opens the space alone.  For each, ``.package``: the package
        ``criterion`` picks with the concession made.  With ``frontiers``, also ``.frontier``
        (a :class:`~bargaining.results.Frontier` over the criteria parties, complete unless
        ``time_limit`` -- seconds for all the frontier searches together -- stopped it) and
        ``.solutions`` (the four bargaining solutions).  Gains are over the stated
        reservations.  Empty when the space is already open.  ``.to_frame()``: one row per
        concession ("concession" in words, "whose", then the package's columns).
        """
        chosen = check_criterion(criterion)
        found = concessions(self.search, chosen, self.criteria_parties, max_size, limit, reservations, frontiers, time_limit)
        return Concessions(self.scenario, chosen, tuple(found), tuple(self.criteria_parties))

    def minimal_coalitions(self, limit: int = 50) -> list[Coalition]:
        """Every minimal coalition that opens the bargaining space, smallest first, with its best maxmin package."""
        found = []
        for members in minimal_coalitions(self.search, limit):
            ordered = tuple(p for p in self.scenario.party_ids if p in members)
            joining = tuple(p for p in ordered if not self.scenario.party[p].veto)
            found.append(Coalition(ordered, joining, self.best("maxmin", coalition=list(ordered))))
        return found

    def coalitions(self, limit: int = 50) -> pd.DataFrame:
        """Every minimal coalition that opens the bargaining space, smallest first, with its best maxmin package.

        One row per coalition: ``members`` (all parties taking part), ``joining`` (the
        non-veto parties among them), ``size``, then the maxmin package (a column per issue
        and per party, as in :meth:`acceptable`).  Empty when no coalition opens the space.
        (:meth:`minimal_coalitions` gives the same as objects.)
        """
        return coalitions_frame(self.scenario, self.minimal_coalitions(limit))

    # ---- what else could be traded
    def leverage(self, issue_id: str, limit: int = 200, frontier: bool = False, time_limit: float | None = None) -> Leverage:
        """The bargaining space with ``issue_id`` frozen at its status quo versus open.

        ``.to_frame()`` has rows (measure, party): whether a package exists, how many are
        acceptable (counted up to ``limit``), each party's best achievable gain, each
        bargaining solution's gains and, with ``frontier=True``, the frontier's size and the
        share of the frozen frontier that opening the issue improves on; columns "frozen at
        status quo", "open", "shift".  Meant for issues marked ``linkable: true`` (an outside
        concession such as suspending sanctions), but works for any issue with a status quo.
        """
        return leverage(self.search, issue_id, self.criteria_parties, limit, frontier, time_limit)

    def phased(self, phases: int = 3, criterion: str = "maxmin") -> PhasePlan:
        """The criterion's best package among those deliverable in ``phases`` steps, as a plan.

        Each option is switched on in one phase and kept; after every phase each veto
        party's utility so far is at least its reservation (nobody pays up front), and each
        issue's ``after:`` order holds.  ``.package`` is the final package (None when no
        package can be phased this way), ``.phase_of`` maps each issue that moves to its
        phase, ``.to_frame()`` has one row per phase: ``switched on`` (what changes), then
        each party's utility and gain after the phase.
        """
        if phases < 1:
            raise ValueError("phases must be at least 1")
        return best_phased(self.search, phases, check_criterion(criterion), self.criteria_parties)

    def self_enforcing(self, criterion: str = "maxmin", *, phases: int = 3, time_limit: float | None = None) -> SelfEnforcing:
        """The criterion's best phased plan in which no party gains by defecting at any phase, or why none exists
        (docs/holding.md).  ``.plan`` (margins, violations) or None; ``.phased``: the best phased plan without
        incentives when it differs or fails; ``.closest``: when none holds, the plan with the largest smallest
        margin; ``.fixes``: what would make the failing plan hold, smallest change first; ``.threats``."""
        if phases < 1:
            raise ValueError("phases must be at least 1")
        return self_enforcing(self.search, phases, check_criterion(criterion), self.criteria_parties, time_limit)

    def stability(self, package: Package | Mapping[str, Any], *, max_size: int = 2, time_limit: float | None = None) -> Stability:
        """Whether a party or a coalition of up to ``max_size`` signers gains by reneging on what it delivers
        after signing ``package`` (a Package or choices), given snapbacks and credible threats (docs/holding.md).
        Exact enumeration; ``time_limit`` stops it between coalitions (``.complete`` then False)."""
        if max_size < 1:
            raise ValueError("max_size must be at least 1")
        chosen = package if isinstance(package, Package) else self.search.package(self.scenario.check_package(package))
        if not chosen.signers:
            raise ValueError("this package is not acceptable, so nobody signs it: stability asks about a signed package")
        return stability(self.scenario, chosen, max_size, chosen.criterion or "", time_limit)

    def evaluate(self, choices: Mapping[str, Any]) -> Package:
        """A package of your own choosing, with its utilities and who would take part (empty if unacceptable).

        Every choice is checked as the loader checks a file: an unknown option or an amount
        outside its issue's range is a :class:`~bargaining.ScenarioError` naming it.
        """
        checked = self.scenario.check_package(choices)
        return self.search.package(checked).with_(optimal=False)

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
            return break_even(self.search, self.criteria_parties, inputs=inputs, findings=findings, time_limit=time_limit,
                              progress=bar.update)

    # ---- uncertainty: red lines that may be bluffs or for sale, reservation ranges, points spreads
    def worlds(self, samples: int = 1000, seed: int = 0) -> pd.DataFrame:
        """The sampled worlds, one row each (index ``world``): a boolean column per red line with
        ``real`` (its id: real or not), a column per party with a ``reservation_range`` (its
        reservation), and ``factor:<party>:<issue>:<option>`` per point of a party with a
        ``points_spread``.  The same seed gives the same worlds on any machine.  Every analysis
        below with the same ``samples`` and ``seed`` is computed on exactly these worlds."""
        return self._sample(samples, seed).worlds.to_frame()

    def deal_probability(self, samples: int = 1000, seed: int = 0, scheduler: str | None = None,
                         progress: bool | None = None) -> DealProbability:
        """The share of sampled worlds in which some package is acceptable (``.probability``, 95% Wilson
        ``.interval``); ``.to_frame()``: each veto party's gain in each such world's maxmin package.

        One maxmin search per world on this model; on Dask workers when the job is long
        (``scheduler``: None picks, "serial" forces this process, "local" a local cluster,
        "tcp://host:8786" an existing cluster; see :mod:`bargaining.algorithms.cluster`)."""
        study = self._sample(samples, seed)
        if "deal" not in study.cache:
            study.cache["deal"] = deal_probability(self.search, study.worlds, self.criteria_parties, scheduler=scheduler,
                                                   progress=self.progress if progress is None else progress)
        return study.cache["deal"]

    def most_robust(self, samples: int = 1000, seed: int = 0, time_limit: float | None = None) -> RobustPackage | None:
        """The package acceptable in the most sampled worlds (None if it is acceptable in none), exact over
        the sample; ties go to the largest smallest gain in the stated world.  Its utilities and gains
        are the stated world's; ``.wins``, ``.share``, ``.interval``.  With a ``time_limit``: the best
        found, ``.optimal`` False and ``.bound`` the most worlds any package can win."""
        study = self._sample(samples, seed)
        cached = study.cache.get("robust")
        if "robust" not in study.cache or (time_limit is None and cached is not None and not cached.optimal):
            # kept for robustness() and value_of_information() on the same worlds (also when not proven best)
            study.cache["robust"] = cached = most_robust(study, self.criteria_parties, time_limit=time_limit)
        return cached

    def robustness(self, packages: Sequence[Package | Mapping[str, Any]] | None = None, samples: int = 1000, seed: int = 0,
                   frontier_seconds: float = 10.0) -> pd.DataFrame:
        """One row per package: ``package`` (its label), a column per issue, ``share`` of worlds in which it
        is acceptable with its 95% interval (``low``, ``high``), ``<party> accepts`` (the share of worlds
        in which that party accepts it), ``blocked most by`` (the requirement failing in the most worlds
        where it is not acceptable) and ``blocked share``.  ``packages``: Package objects or choice
        dicts; default the stated world's four solutions, the most robust package and up to 50 points
        of the stated world's frontier (those found within ``frontier_seconds``; 0: none)."""
        study = self._sample(samples, seed)
        if packages is None:
            chosen = default_packages(study, self.criteria_parties, 50 if frontier_seconds > 0 else 0, frontier_seconds)
        else:
            chosen = [(x.criterion or f"package {k + 1}", x.exact_choices) if isinstance(x, Package)
                      else (f"package {k + 1}", self.scenario.check_package(x, f"packages[{k}]")) for k, x in enumerate(packages)]
        return robustness(study, chosen)

    def value_of_information(self, samples: int = 1000, seed: int = 0, scheduler: str | None = None,
                             progress: bool | None = None) -> pd.DataFrame:
        """What learning each uncertainty would be worth, one row per question, the most valuable first:
        for a red line with ``real`` (yes: it is real) and a reservation range (yes: at or above the stated
        reservation), ``p yes``, the chance of a deal either way, the share of worlds won by the most
        robust package chosen knowing the answer, and ``rise``: how much that raises the share of worlds
        in which the chosen package is accepted, over choosing now."""
        study = self._sample(samples, seed)
        deal = self.deal_probability(samples, seed, scheduler, progress)
        return value_of_information(study, deal, self.most_robust(samples, seed), self.progress if progress is None else progress)

    def _sample(self, samples: int, seed: int) -> Study:
        if self.scenario is not self._base:
            raise ValueError("uncertainty analyses are not available inside what_if(): ask "
                             "BargainingSpace(variant.apply(scenario)) instead")
        if self._study is None or self._study.key != (samples, seed):
            if self._study is not None:
                self._study.close()
            self._study = Study(self.search, samples, seed)
        return self._study

    def _parties(self, parties: Sequence[str] | None) -> list[str]:
        if parties is None:
            return self.scenario.party_ids
        unknown = [p for p in parties if p not in self.scenario.party]
        if unknown:
            raise ValueError(f"unknown party id(s): {', '.join(unknown)}; known: {', '.join(self.scenario.party_ids)}")
        return list(parties)


def _labels(group: Sequence[Requirement]) -> str:
    return "; ".join(r.label for r in group)


def _whose(group: Sequence[Requirement]) -> str:
    return ", ".join(dict.fromkeys(r.party for r in group))

