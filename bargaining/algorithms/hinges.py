"""What the findings hinge on: the exact analysis of the uncertain red lines, assembled for users.

:class:`ExactStudy` keeps one exact analysis of a space (built on first use, reused by every
question: the chance of a deal, the most robust package, each package's chance, the value of
information, the sensitivity, which adds the break-even table of the stated-world findings).
:func:`applies` says when the sampled API answers exactly: when the only uncertainty of the scenario
is red lines with ``real`` (no reservation range, no points spread).  The mathematics:
docs/exact-uncertainty.md and docs/break-even.md.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from itertools import product
from typing import Any

import pandas as pd

from ..engine.search import Search
from ..errors import TimeLimitReached
from ..results import BreakEvenTable, number, percent
from ..results.exact_uncertainty import ExactDeal, ExactRobustPackage
from ..results.sensitivity import Sensitivity, Tie, joined
from ..results.ties import PROBABILITY_TOLERANCE, rank
from ..scenario import Scenario, exact, exact_or_id
from .blocking import holds
from .break_even import break_even
from .exact_findings import deal, information, most_robust
from .exact_worlds import Analysis, analyse, world
from .ranking_ties import coalition_ties, solution_ties
from .sensitivity import line_range, tornado


def applies(scenario: Scenario) -> bool:
    """Whether the scenario's only uncertainty is red lines with ``real`` (then every answer is exact)."""
    return any(r.real is not None for r in scenario.red_lines) and not any(
        p.reservation_range is not None or p.points_spread for p in scenario.parties)


class ExactStudy:
    """One exact analysis of a space, and what has been computed from it."""

    def __init__(self, search: Search):
        self.search = search
        self._analysis: Analysis | None = None
        self.cache: dict[str, Any] = {}

    def analysis(self, time_limit: float | None = None) -> Analysis:
        """The analysis (computed once; again when the last one was cut short and a new limit is given)."""
        if self._analysis is None or (not self._analysis.complete and time_limit != self.cache.get("limit")):
            with self.search.limited(time_limit):
                self._analysis = analyse(self.search)
            self.cache = {"limit": time_limit}
        return self._analysis

    def deal(self, time_limit: float | None = None) -> ExactDeal:
        return deal(self.analysis(time_limit))

    def most_robust(self, parties: Sequence[str], time_limit: float | None = None) -> ExactRobustPackage | None:
        analysis = self.analysis(time_limit)
        if "robust" not in self.cache:
            with self.search.limited(time_limit):
                self.cache["robust"] = most_robust(self.search, analysis, parties)
        found: ExactRobustPackage | None = self.cache["robust"]
        return found

    def information(self) -> pd.DataFrame:
        return information(self.analysis())

    def robustness(self, packages: Sequence[tuple[str, Mapping[str, Any]]]) -> pd.DataFrame:
        """One row per (label, choices), the columns of :func:`.robust.robustness`, exact: ``share`` is the
        chance the package is acceptable (``low``/``high`` empty: no interval), ``<party> accepts`` the chance
        that party accepts it, ``blocked most by`` the requirement that fails with the largest chance where the
        package is not acceptable (tied requirements joined by " / ")."""
        analysis = self.analysis()
        rows = [package_row(analysis, label, choices) for label, choices in packages]
        return pd.DataFrame(rows)

    def sensitivity(self, parties: Sequence[str], time_limit: float | None = None, *, with_break_even: bool = True,
                    progress: Callable[[], None] | None = None) -> Sensitivity:
        """Everything :class:`~bargaining.results.Sensitivity` holds, within one ``time_limit`` for the whole: the exact
        analysis of the uncertain lines first (its findings, the tornado, the ties), then, with ``with_break_even``, the
        break-even table of the stated-world findings (:func:`.break_even.break_even`) on the same model in what is left
        of the time (the pairs it does not reach are listed in its ``skipped``, and the result says it was cut short)."""
        from ..results import ValueOfInformation

        started = time.perf_counter()
        table: BreakEvenTable | None = None
        with self.search.limited(time_limit):  # one deadline: every step below keeps it
            analysis = self.analysis(time_limit)
            robust = self.most_robust(parties)
            voi = information(analysis)
            bars, notes = tornado(self.search, analysis)
            try:
                stated = solution_ties(self.search, parties) + coalition_ties(self.search)
            except TimeLimitReached:
                stated = []
                notes.append("the time limit stopped the search for ties among the bargaining solutions and coalitions")
            if with_break_even:
                table = break_even(self.search, parties, progress=progress)
                if not table.complete:
                    notes.append(f"the break-even table was cut short: {table.reason}")
                elif not table.exact and table.reason:
                    notes.append(f"the break-even table: {table.reason}")
        found = deal(analysis)
        exact = analysis.complete and not notes and (table is None or table.exact)
        complete = analysis.complete and not notes and (table is None or table.complete)
        information_table = ValueOfInformation(scenario=analysis.scenario, table=voi, complete=analysis.complete,
                                               exact=analysis.complete, method=analysis.method, reason=found.reason,
                                               seconds=analysis.seconds)
        return Sensitivity(scenario=analysis.scenario, deal=found, most_robust=robust, information=information_table,
                           tornado=tuple(bars), ties=tuple(ties(voi, robust, bars) + stated), break_even=table,
                           exact_deal_over_ranges=over_ranges(analysis),
                           complete=complete, exact=exact,
                           method=joined(analysis.method, table.method if table is not None else ""),
                           reason="; ".join(r for r in [found.reason, *notes] if r), seconds=time.perf_counter() - started)


#: The most lines with a ``real_range`` whose corners are enumerated (2^12 evaluations of the deal's chance).
MOST_RANGED = 12


def over_ranges(analysis: Analysis) -> tuple[Fraction, Fraction] | None:
    """The chance of a deal at its smallest and largest with every analysed line's probability anywhere in its
    ``real_range`` at once.  The chance is multilinear in the probabilities, so its extremes over the box of the
    ranges are at the box's corners, each evaluated exactly.  None when no analysed line has a range, or too many do."""
    setting = analysis.setting
    reds = analysis.scenario.red_lines
    ranged = [j for j, k in enumerate(setting.lines) if reds[k].real_range is not None]
    if not ranged or len(ranged) > MOST_RANGED:
        return None
    chances = []
    for corner in product(*[line_range(analysis.scenario, setting.lines[j], setting.probabilities[j]) for j in ranged]):
        p = list(setting.probabilities)
        for j, value in zip(ranged, corner):
            p[j] = value
        chances.append(holds(analysis.family, p))
    return min(chances), max(chances)


def ties(voi: pd.DataFrame, robust: ExactRobustPackage | None, bars: Sequence[Any]) -> list[Tie]:
    """Every tie of the rankings here: questions of equal value (above zero), most robust profiles of equal
    chance, inputs of equal swing (above zero)."""
    found = []
    for _, group in voi[voi["rise"] > 0].groupby("rank", sort=True):
        if len(group) > 1:
            values = list(group["rise"])
            found.append(Tie("value of information", tuple(group["question"]), f"+{number(100 * values[0])} points",
                             exact=len(set(values)) == 1))
    if robust is not None and robust.tied:
        found.append(Tie("most robust package", (f"packages {robust.words}", *robust.tied), percent(robust.exact_probability)))
    moving = [b for b in bars if b.exact_swing > 0]
    for group in rank(moving, key=lambda b: b.exact_swing, tolerance=PROBABILITY_TOLERANCE):
        if group.tied:
            found.append(Tie("swing of the chance of a deal", tuple(b.input for b in group.items), f"{number(100 * float(group.value))} points",
                             exact=group.exact))
    return found


def package_row(analysis: Analysis, label: str, choices: Mapping[str, Any]) -> dict[str, Any]:
    """One package's exact chances: acceptable, accepted by each party, and its most likely blocker."""
    scenario, setting = analysis.scenario, analysis.setting
    uncertain = [k for k in setting.uncertain]
    p = {k: exact(scenario.red_lines[k].real or 1) for k in uncertain}
    base = world(scenario, setting, 0, analysis.draw)
    accepts = {q: scenario.party_accepts(q, choices, world=base) for q in scenario.party_ids}
    broken = {q: [k for k in uncertain if scenario.red_lines[k].party == q and not scenario.red_line_holds(scenario.red_lines[k], choices)]
              for q in scenario.party_ids}
    support = sorted({k for q in scenario.party_ids for k in broken[q]})
    labels = {r.index if r.kind == "red_line" else r.party: r.label for r in scenario.requirements}
    party_chance = {q: Fraction(0) for q in scenario.party_ids}
    acceptable = Fraction(0)
    blocked: dict[str, Fraction] = {}
    for bits in product([False, True], repeat=len(support)):
        real = {k for k, b in zip(support, bits) if b}
        chance = math.prod((p[k] if k in real else 1 - p[k] for k in support), start=Fraction(1))
        taking = {q for q in scenario.party_ids if accepts[q] and not real & set(broken[q])}
        for q in taking:
            party_chance[q] += chance
        failing = [labels[v] for v in scenario.veto_party_ids if not accepts[v]]
        failing += [labels.get(k, scenario.describe_red_line(k)) for v in scenario.veto_party_ids for k in broken[v] if k in real]
        for issue in scenario.issues:
            if issue.controlled_by and exact_or_id(choices[issue.id]) != exact_or_id(issue.status_quo_choice) \
                    and len(set(issue.controllers) & taking) < issue.controllers_needed:
                failing.append(f"{issue.label}: too few of its controlling parties take part")
        if failing:
            for name in failing:
                blocked[name] = blocked.get(name, Fraction(0)) + chance
        else:
            acceptable += chance
    row: dict[str, Any] = {"package": label, **{i.id: c if isinstance(c, str) else float(c) for i, c in
                                                 ((i, choices[i.id]) for i in scenario.issues)},
                           "share": float(acceptable), "low": float("nan"), "high": float("nan")}
    row.update({f"{q} accepts": float(party_chance[q]) for q in scenario.party_ids})
    if blocked:
        top = max(blocked.values())
        row["blocked most by"] = " / ".join(name for name, v in blocked.items() if v == top)
        row["blocked share"] = float(top)
    else:
        row["blocked most by"], row["blocked share"] = None, 0.0
    return row


def default_packages(study: ExactStudy, parties: Sequence[str], frontier: int, frontier_seconds: float | None
                     ) -> list[tuple[str, Mapping[str, Any]]]:
    """The stated world's four solutions, the exact most robust package and up to ``frontier`` frontier points
    (as :func:`.robust.default_packages`, with the most robust package found exactly)."""
    from .robust import stated_packages

    return stated_packages(study.search, parties, lambda: study.most_robust(parties), frontier, frontier_seconds)
