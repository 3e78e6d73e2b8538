"""BargainingSpace: the one object users call.  It checks arguments, calls an algorithm, returns a result: a
:class:`~bargaining.results.envelope.Result` (complete, exact, method, reason, seconds; ``.to_frame()``, ``repr``,
HTML).  Conventions (README, "Python API"): the subject first, options keyword-only; ``time_limit`` in seconds bounds
the whole call (None: the space's own, none unless set; 0: no limit); old names and positions work for one release,
with a DeprecationWarning (:mod:`bargaining.arguments`).

One class, written by concept: the questions about packages, a closed space and what else could be traded are here;
:mod:`.holding` asks whether a deal holds, :mod:`.uncertainty` what is uncertain and what the findings hinge on, and
:mod:`.base` holds what they all share (the model, time limits, provenance, ``deadline`` and ``what_if`` blocks).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Mapping, Sequence

from .. import arguments as check
from ..algorithms.acceptable import acceptable_packages
from ..algorithms.coalitions import minimal_coalitions
from ..algorithms.concessions import concessions
from ..algorithms.diagnose import diagnose, minimal_relaxations, reservation_reductions
from ..algorithms.frontier import Method, best, find_frontier, solutions_on
from ..algorithms.leverage import leverage
from ..algorithms.phasing import best_phased
from ..engine.solver import own_capture_lock, stop_solving  # for the live page's server and the processes it forks
from ..results import (
    Acceptable,
    Coalition,
    Coalitions,
    Concessions,
    Diagnosis,
    Frontier,
    Leverage,
    Package,
    PhasePlan,
    Relaxation,
    Relaxations,
    ReservationCut,
    check_criterion,
)
from .base import SAMPLES, SpaceBase
from .holding import HoldingQuestions
from .uncertainty import UncertaintyQuestions

__all__ = ["RELAXATION_LIMIT", "RELAXATION_SIZE", "SAMPLES", "BargainingSpace", "own_capture_lock", "stop_solving"]
#: What ``diagnose`` and ``relaxations`` look for: sets of at most this many requirements, at most this many sets.
RELAXATION_SIZE, RELAXATION_LIMIT = 3, 100


class BargainingSpace(HoldingQuestions, UncertaintyQuestions, SpaceBase):
    """The packages of a scenario that every party whose acceptance is required can accept.

    The model is built once, here; every question changes it in place and re-solves it.
    ``time_limit``: every call's limit unless the call gives its own (seconds; None or 0: none).

    >>> space = BargainingSpace(Scenario.from_yaml("data/logrolling.yaml"))
    >>> space.best("nash").choices                                   # doctest: +SKIP
    """

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
        running after two seconds is joined by ``workers`` worker processes (default: cores, at most 4).
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

    def evaluate(self, choices: Mapping[str, Any]) -> Package:
        """A package of your own choosing, with its utilities and who would take part (empty if unacceptable);
        ``method`` "evaluation" (it was not searched for).  Every choice is checked as the loader checks a file:
        an unknown option or an amount outside its range is a :class:`~bargaining.ScenarioError` naming it."""
        checked = self.scenario.check_package(choices)
        return self._answer(lambda: self._search.package(checked).with_(optimal=False), None, method="evaluation")

