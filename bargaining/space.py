"""BargainingSpace: the one object users call."""

from __future__ import annotations

from typing import Sequence

import pandas as pd

from .diagnose import Diagnosis, diagnose, minimal_relaxations, reservation_reductions
from .model import Requirement, build_model
from .progress import Progress
from .scenario import Scenario
from .search import Package, Search
from .coalitions import minimal_coalitions
from .frontier import non_dominated, pareto_frontier
from .leverage import leverage
from .phasing import PhasingBlock, best_phased, build_phasing, plan_table
from .solutions import CRITERIA, best_package
from .solver import Solver


class BargainingSpace:
    """The packages of a scenario that every party whose acceptance is required can accept.

    The mixed-integer model is built once, here; every question below changes it in place
    and re-solves it with the same persistent HiGHS instance.

    >>> space = BargainingSpace(Scenario.from_yaml("data/logrolling.yaml"))
    >>> space.best("nash").choices                                   # doctest: +SKIP
    """

    def __init__(self, scenario: Scenario, time_limit: float | None = None, progress: bool | None = None):
        self.scenario = scenario
        self.model = build_model(scenario)
        self.search = Search(self.model, Solver(self.model.m), time_limit)
        self.progress = progress
        self._phasing: dict[int, PhasingBlock] = {}

    def __repr__(self) -> str:
        return f"BargainingSpace({self.scenario!r})"

    @property
    def criteria_parties(self) -> list[str]:
        """The parties whose gains the criteria weigh: the veto parties (all parties if none has a veto)."""
        return self.scenario.veto_party_ids or self.scenario.party_ids

    @property
    def solver_calls(self) -> int:
        return self.search.solver.calls

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
        if criterion not in CRITERIA:
            raise ValueError(f"unknown criterion {criterion!r}; choose one of {', '.join(CRITERIA)}")
        members = self._coalition(coalition)
        if members is None:
            return best_package(self.search, criterion, self.criteria_parties)
        with self.search.imposing(members):
            return best_package(self.search, criterion, [p for p in self.scenario.party_ids if p in members])

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
        return frozenset(parties_or_all(self, coalition)) | frozenset(self.scenario.veto_party_ids)

    def coalitions(self, limit: int = 50) -> pd.DataFrame:
        """Every minimal coalition that opens the bargaining space, smallest first, with its best maxmin package.

        One row per coalition: ``members`` (all parties taking part), ``joining`` (the
        non-veto parties among them), ``size``, then the maxmin package (a column per issue
        and per party, as in :meth:`acceptable`).  Empty when no coalition opens the space.
        """
        rows = []
        for members in minimal_coalitions(self.search, limit):
            package = self.best("maxmin", coalition=sorted(members))
            optional = [p for p in self.scenario.party_ids if p in members and not self.scenario.party[p].veto]
            rows.append({"members": ", ".join(p for p in self.scenario.party_ids if p in members), "joining": ", ".join(optional),
                         "size": len(members), **(package.row() if package else {})})
        columns = ["members", "joining", "size"] + [i.id for i in self.scenario.issues] + self.scenario.party_ids
        return pd.DataFrame(rows, columns=columns)

    def acceptable(self, limit: int | None = None) -> pd.DataFrame:
        """Every acceptable package, one row each: a column per issue (its choice) and per party (its utility).

        Found one by one on the model, each found package cut off before the next solve
        (the cuts are removed afterwards).  With continuous issues, a row is an acceptable
        combination of discrete options, shown with one acceptable amount for each
        continuous issue.  Rows are sorted by total utility, largest first.  ``limit`` stops
        after that many rows (``df.attrs["complete"]`` then says whether there are more).
        """
        search = self.search
        rows: list[dict] = []
        complete = True
        with Progress("acceptable packages", enabled=self.progress) as bar:
            try:
                while True:
                    if limit is not None and len(rows) >= limit:
                        complete = search.feasible() is None
                        break
                    package = search.feasible()
                    if package is None:
                        break
                    rows.append(package.row())
                    bar.update(found=len(rows))
                    if not self.scenario.discrete_issues:
                        break
                    search.cut_off(package.choices)
            finally:
                search.clear_cuts()
        columns = [i.id for i in self.scenario.issues] + self.scenario.party_ids
        frame = pd.DataFrame(rows, columns=columns)
        if len(frame):
            total = frame[self.scenario.party_ids].sum(axis=1)
            order = sorted(range(len(frame)), key=lambda k: (-total.iloc[k], tuple(str(v) for v in frame.iloc[k][:len(self.scenario.issues)])))
            frame = frame.iloc[order].reset_index(drop=True)
        frame.attrs["complete"] = complete
        return frame

    def frontier(self, parties: Sequence[str] | None = None, time_limit: float | None = None,
                 progress: bool | None = None, resolution: float | None = None, solutions: bool = True,
                 workers: int | None = None) -> pd.DataFrame:
        """The Pareto frontier: one row per non-dominated utility vector among acceptable packages.

        Columns as in :meth:`acceptable` (a package attaining the vector: one column per
        issue, one per party), plus ``solution``: the bargaining solutions ("maxmin",
        "utilitarian", "nash", "kalai") located at that row -- the row whose utilities are
        those of :meth:`best`'s package (marked when the frontier covers every party and is
        complete; ``solutions=False`` skips them).  ``parties`` restricts the frontier to
        some parties' utilities.

        Exact for discrete scenarios.  When a party's utility has a continuous part, its
        axis is cut into a grid (``resolution`` points, default 1/200 of its range): at most
        one point per grid cell, none dominated.  ``df.attrs`` holds ``complete`` (False if
        the time limit stopped the search: the rows are then the frontier found so far),
        ``exact``, ``solver_calls``, ``seconds`` and ``calls_per_point``.

        A search still running after two seconds is joined by helper processes (``workers``,
        default: the machine's cores, at most 4; 1 keeps it in this process), each with its
        own copy of the model built once; the result is the same exact set.
        """
        chosen = parties_or_all(self, parties)
        progress = self.progress if progress is None else progress
        result = pareto_frontier(self.search, chosen, time_limit, progress, resolution, workers)
        marking = solutions and set(chosen) == set(self.scenario.party_ids) and result.complete
        bests = {c: self.best(c) for c in CRITERIA} if marking else {}
        packages = result.packages
        if not result.exact:  # a grid frontier need not hold the exact solutions: add them, drop what they dominate
            packages = non_dominated(packages + [x for x in bests.values() if x is not None], chosen)
        packages = sorted(packages, key=lambda x: tuple(-x.exact_utilities[p] for p in chosen))
        columns = [i.id for i in self.scenario.issues] + self.scenario.party_ids
        frame = pd.DataFrame([x.row() for x in packages], columns=columns)
        where = {tuple(x.exact_utilities[p] for p in chosen): k for k, x in enumerate(packages)}
        marks: list[list[str]] = [[] for _ in packages]
        for criterion, best in bests.items():
            if best is not None:
                marks[where[tuple(best.exact_utilities[p] for p in chosen)]].append(criterion)
        frame["solution"] = pd.Series([", ".join(x) for x in marks], dtype=object)
        frame.attrs.update(
            complete=result.complete,
            exact=result.exact,
            parties=chosen,
            solver_calls=result.solver_calls,
            seconds=result.seconds,
            calls_per_point=result.solver_calls / max(1, len(packages)),
            resolution={p: float(v) for p, v in result.resolution.items()},
        )
        return frame

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
        rows = [
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

    def opened(self, criterion: str = "maxmin", max_size: int = 1, limit: int = 10) -> pd.DataFrame:
        """What a deal would look like after each concession on red lines that opens the space.

        For every minimal set of at most ``max_size`` red lines whose removal makes some
        package acceptable (reservations stay as written, so every veto party still gains),
        the package ``criterion`` picks with those red lines dropped.  One row per
        concession, smallest first: "dropped" (the red lines' labels), "whose", then a
        column per issue (its choice) and per party (its utility).  No rows when the space
        is already open; ``df.attrs["packages"]`` holds the packages and ``df.attrs["requirements"]``
        the dropped red lines (:class:`Requirement`, with their index in the scenario), in row order.
        """
        search = self.search
        columns = ["dropped", "whose"] + [i.id for i in self.scenario.issues] + self.scenario.party_ids
        rows: list[dict] = []
        packages: list[Package] = []
        dropped: list[list[Requirement]] = []
        if search.feasible() is None:
            for group in minimal_relaxations(search, max_size, limit, kinds=("red_line",)):
                with search.waiving(group):
                    package = self.best(criterion)
                assert package is not None, "a set that opens the space leaves some package acceptable"
                rows.append({"dropped": _labels(group), "whose": _whose(group), **package.row()})
                packages.append(package)
                dropped.append(group)
        frame = pd.DataFrame(rows, columns=columns)
        frame.attrs["packages"] = packages
        frame.attrs["requirements"] = dropped
        return frame

    def leverage(self, issue_id: str, limit: int = 200, frontier: bool = False, time_limit: float | None = None) -> pd.DataFrame:
        """The bargaining space with ``issue_id`` frozen at its status quo versus open.

        Rows (measure, party): whether a package exists, how many are acceptable (counted up
        to ``limit``), each party's best achievable gain, each bargaining solution's gains
        and, with ``frontier=True``, the frontier's size and the share of the frozen
        frontier that opening the issue improves on.  Columns: "frozen at status quo",
        "open", "shift".  Meant for issues marked ``linkable: true`` (an outside concession
        such as suspending sanctions), but works for any issue with a status quo.
        """
        return leverage(self, issue_id, limit, frontier, time_limit)

    def phased(self, phases: int = 3, criterion: str = "maxmin") -> pd.DataFrame:
        """The criterion's best package among those deliverable in ``phases`` steps, as a plan.

        Each option is switched on in one phase and kept; after every phase each veto
        party's utility so far is at least its reservation (nobody pays up front), and each
        issue's ``after:`` order holds.  One row per phase: ``switched on`` (what changes),
        then each party's utility and gain after the phase.  ``df.attrs["package"]`` is the
        final package (None, with no rows, when no package can be phased this way) and
        ``df.attrs["phase_of"]`` maps each issue that moves to its phase.
        """
        if phases < 1:
            raise ValueError("phases must be at least 1")
        if criterion not in CRITERIA:
            raise ValueError(f"unknown criterion {criterion!r}; choose one of {', '.join(CRITERIA)}")
        if phases not in self._phasing:
            self._phasing[phases] = build_phasing(self.model, phases)
        package, plan = best_phased(self.search, self._phasing[phases], criterion, self.criteria_parties)
        frame = plan_table(self.model, package, plan, phases) if package else pd.DataFrame(columns=["phase", "switched on"])
        frame.attrs.update(package=package, phases=phases, criterion=criterion, phase_of=plan)
        return frame

    def evaluate(self, choices: dict) -> Package:
        """A package of your own choosing, with its utilities and who would take part (empty if unacceptable)."""
        missing = [i.id for i in self.scenario.issues if i.id not in choices]
        if missing:
            raise ValueError(f"the package has no choice for issue(s) {', '.join(missing)}")
        return self.search.package(choices)


def _labels(group: Sequence[Requirement]) -> str:
    return "; ".join(r.label for r in group)


def _whose(group: Sequence[Requirement]) -> str:
    return ", ".join(dict.fromkeys(r.party for r in group))


def parties_or_all(space: BargainingSpace, parties: Sequence[str] | None) -> list[str]:
    if parties is None:
        return space.scenario.party_ids
    unknown = [p for p in parties if p not in space.scenario.party]
    if unknown:
        raise ValueError(f"unknown party id(s): {', '.join(unknown)}; known: {', '.join(space.scenario.party_ids)}")
    return list(parties)
