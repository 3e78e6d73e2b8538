"""Robust packages: how often a package is acceptable over the sampled worlds, the package acceptable in
the most of them, and what learning whether a red line is real would be worth.

Acceptance of a given package in a world needs no solver: it is exact evaluation
(:func:`bargaining.scenario.acceptance.verdicts`).  The most robust package is one mixed-integer
model over all the worlds (:mod:`bargaining.engine.robust`), whose answer is checked exactly
against the same evaluation.  The mathematics, with a worked example: docs/robust.md.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import fields
from typing import Any, Callable, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from ..engine.robust import RobustBlock, build_robust, most_robust_choices
from ..engine.robust import count_bound as engine_count_bound
from ..engine.search import Search
from ..errors import AnswersDisagree, TimeLimitReached
from ..progress import Progress
from ..results import Package, RobustPackage, wilson
from ..results.ties import ranked_questions
from ..scenario import Worlds
from ..scenario.acceptance import verdicts


class Study:
    """One sample of worlds of a scenario, and what is computed on it once (the robust block, the deals)."""

    def __init__(self, search: Search, samples: int, seed: int):
        self.search = search
        self.worlds = Worlds.sample(search.scenario, samples, seed)
        self.key = (samples, seed)
        self._block: RobustBlock | None = None
        self.cache: dict[str, Any] = {}  # answers already computed on these worlds

    @property
    def block(self) -> RobustBlock:
        if self._block is None:
            with_deal: np.ndarray | None = self.cache.get("with deal")  # (no package wins another world)
            self._block = build_robust(self.search, self.worlds, among=None if with_deal is None else np.flatnonzero(with_deal))
        return self._block

    @contextmanager
    def switched_on(self) -> Iterator[None]:
        """Keep the robust block on for several questions (see :meth:`~bargaining.engine.edits.Edit.switch_on`)."""
        with self.search.changes() as edit:
            edit.switch_on(self.block.part)
            yield

    def counted(self, among: np.ndarray) -> np.ndarray:
        """The worlds a package can win among ``among`` (indices): those with a deal, once known (no package wins
        the others, so the optimum is the same and the solver proves it sooner), else all of them."""
        with_deal: np.ndarray | None = self.cache.get("with deal")
        return among if with_deal is None else among[with_deal[among]]

    def close(self) -> None:
        if self._block is not None:
            self.search.remove(self._block.part)
            self._block = None


def most_robust(study: Study, parties: Sequence[str], among: np.ndarray | None = None, time_limit: float | None = None,
                tie_break: bool = True) -> RobustPackage | None:
    """The package acceptable in the most worlds (of ``among``, a boolean mask; default all), ties to
    the largest smallest stated gain of ``parties``; None if no package is acceptable in any of them.

    When the worlds with a deal are known (the chance of a deal, or the red lines exact in each draw), the search counts
    only those:
    no package wins the others, so the optimum is the same, and the solver proves it sooner (the value of
    information's 28 searches on the bundled case: 52 -> 36 s, benchmarks/README.md)."""
    search, worlds = study.search, study.worlds
    chosen = np.arange(len(worlds)) if among is None else np.flatnonzero(among)
    if not len(chosen):
        return None
    counted = study.counted(chosen)
    if not len(counted):
        return None
    block = study.block  # built before the clock starts
    with search.limited(time_limit):
        choices, outcome = most_robust_choices(search, block, block.counts(counted), parties if tie_break else ())
    if choices is None:
        if outcome.status == "time_limit":
            raise TimeLimitReached("stopped at the time limit before finding a package acceptable in any world")
        return None
    accepted = verdicts(search.scenario, [choices], worlds).accepted[0][chosen]
    left_out = accepted & ~np.isin(chosen, counted)  # said to have no deal
    if left_out.any():
        w = int(chosen[np.flatnonzero(left_out)[0]])
        raise AnswersDisagree(f"the chance of a deal found no acceptable package in sampled world {w}, and the exact check "
                              f"accepts {dict(choices)} there; please report this scenario")
    wins = int(accepted.sum())
    if not wins:
        return None
    claimed = round(outcome.objective or 0)
    optimal = outcome.status == "optimal" and wins >= claimed
    bound = wins if optimal else max(wins, math.floor((outcome.bound if outcome.bound is not None else len(chosen)) + 1e-6))
    package = search.package(choices)
    signers, breaks = stated_view(search.scenario, choices)
    return RobustPackage(**{f.name: getattr(package, f.name) for f in fields(Package)}, wins=wins, samples=len(chosen),
                         bound=bound, breaks=breaks).with_(optimal=optimal, criterion="most robust", signers=signers)


def stated_view(scenario: Any, choices: Mapping[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Who accepts a package in the stated world (those who would sign it, as written), and the stated
    requirements of veto parties it fails ("Party: red line", "Party's reservation (v)")."""
    signers = scenario.signers(choices) or [p for p in scenario.party_ids if scenario.party_accepts(p, choices)]
    veto = set(scenario.veto_party_ids)
    breaks = [r.label for r in scenario.requirements if r.party in veto and (
        scenario.exact_utility(r.party, choices) < scenario.exact_reservation(r.party) if r.kind == "reservation"
        else not scenario.red_line_holds(scenario.red_lines[r.index], choices))]
    return tuple(signers), tuple(breaks)


def robustness(study: Study, packages: Sequence[tuple[str, Mapping[str, Any]]]) -> pd.DataFrame:
    """One row per (label, choices): a column per issue, the share of worlds in which the package is
    acceptable with its 95% interval, the share in which each party accepts it, and the requirement
    that most often blocks it."""
    scenario, worlds = study.search.scenario, study.worlds
    found = verdicts(scenario, [choices for _, choices in packages], worlds)
    n = len(worlds)
    rows = []
    for x, (label, choices) in enumerate(packages):
        wins = int(found.accepted[x].sum())
        low, high = wilson(wins, n)
        row: dict[str, Any] = {"package": label, **{i.id: _plain(choices[i.id]) for i in scenario.issues},
                               "share": wins / n, "low": low, "high": high}
        row.update({f"{p} accepts": float(found.accepts[x, :, q].mean()) for q, p in enumerate(scenario.party_ids)})
        blocker = max(found.blockers[x].items(), key=lambda item: item[1], default=None)
        row["blocked most by"] = blocker[0] if blocker else None
        row["blocked share"] = blocker[1] / n if blocker else 0.0
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame.attrs.update(samples=n, seed=worlds.seed)
    return frame


def count_bound(study: Study, among: np.ndarray) -> int | None:
    """An upper bound on the worlds of ``among`` (a boolean mask) any package wins (the worlds with a deal only, once
    known, as :func:`most_robust` counts them); None when it could not be had (the time limit)."""
    block = study.block
    return engine_count_bound(study.search, block, block.counts(study.counted(np.flatnonzero(among))))


def _plain(choice: Any) -> Any:
    return choice if isinstance(choice, str) else float(choice)


VOI_COLUMNS = ["question", "kind", "label", "yes means", "p yes", "deal if yes", "deal if no", "robust now",
               "robust if yes", "robust if no", "rise"]


def value_of_information(study: Study, deals: np.ndarray, now: RobustPackage | None,
                         progress: bool | None = None, dominating: np.ndarray | None = None) -> pd.DataFrame:
    """For each uncertain red line (yes: it is real) and each reservation range (yes: the reservation is
    at or above the stated one): the chance of a deal either way, the share of worlds the most robust
    package then chosen wins either way, and the rise over choosing now.  Ranked, largest rise first; questions
    whose rises are within :data:`~bargaining.results.ties.PROBABILITY_TOLERANCE` share a ``rank`` (``tied with``).
    ``dominating``: rows of worlds, every package acceptable only where some row is (:func:`.drawn.dominating`): an
    upper bound on any package's count, tried before the count's linear relaxation."""
    scenario, worlds = study.search.scenario, study.worlds
    n = len(worlds)
    questions: list[tuple[str, str, str, str, np.ndarray]] = []
    for j, k in enumerate(worlds.lines):
        questions.append((worlds.line_ids[j], "red line", scenario.describe_red_line(k), "it is real", worlds.real[:, j]))
    for j, p in enumerate(worlds.ranged):
        party = scenario.party[p]
        questions.append((p, "reservation", f"{party.possessive} reservation (stated {party.reservation:g})",
                          f"at least {party.reservation:g}", worlds.reservations[:, j] >= party.reservation))
    rows = []
    base = now.wins if now is not None else 0
    accepted = verdicts(scenario, [now.exact_choices], worlds).accepted[0] if now is not None else np.zeros(n, dtype=bool)

    known = accepted[np.newaxis, :]  # where each package found so far is accepted (first: the one chosen now)

    def best_on(side: np.ndarray) -> int:
        """The most worlds of ``side`` any package wins.  A package found so far that wins as many as an upper bound
        allows is the best there: no package wins a world without a deal (no solve), nor more than the best row of
        ``dominating`` (no solve), nor more than the count's linear relaxation allows (one LP instead of the search: a
        package found for an earlier question was the best for 26 of the next 27 on the bundled case, and the rows
        of ``dominating`` gave the relaxation's bound for all 27)."""
        nonlocal known
        best = int((known & side).sum(axis=1).max())
        most = None if dominating is None else int((dominating & deals & side).sum(axis=1).max(initial=0))
        if most is not None and best > most:
            raise AnswersDisagree(f"a package wins {best} sampled worlds of a question's side, more than the {most} any package "
                                  "can win by the exact analysis of the red lines; please report this scenario")
        if best == int((deals & side).sum()) or best == most or best == count_bound(study, side):
            return best
        found = most_robust(study, (), side, tie_break=False)
        if found is None:
            return 0
        known = np.vstack([known, verdicts(scenario, [found.exact_choices], worlds).accepted])
        return found.wins

    with study.switched_on(), Progress("value of information", enabled=progress, total=2 * len(questions), unit=" answers") as bar:
        answers = []
        for *_, yes in questions:
            answers.append([best_on(yes), best_on(~yes)])
            bar.update(2)
    for (question, kind, label, meaning, yes), parts in zip(questions, answers):
        after = sum(parts)
        rows.append({"question": question, "kind": kind, "label": label, "yes means": meaning, "p yes": float(yes.mean()),
                     "deal if yes": _share(deals, yes), "deal if no": _share(deals, ~yes), "robust now": base / n,
                     "robust if yes": _share_of(parts[0], yes), "robust if no": _share_of(parts[1], ~yes),
                     "rise": (after - base) / n})
    frame = ranked_questions(pd.DataFrame(rows, columns=VOI_COLUMNS))  # tied questions share a rank: none comes first
    frame.attrs.update(samples=n, seed=worlds.seed)
    return frame


def _share(values: np.ndarray, mask: np.ndarray) -> float:
    return float(values[mask].mean()) if mask.any() else float("nan")


def _share_of(wins: int, mask: np.ndarray) -> float:
    return wins / int(mask.sum()) if mask.any() else float("nan")


def default_packages(study: Study, parties: Sequence[str], frontier: int = 50, frontier_seconds: float | None = 10.0
                     ) -> list[tuple[str, Mapping[str, Any]]]:
    """The four bargaining solutions of the stated world (one row per distinct package, labelled with
    every criterion that picks it), the most robust package, and up to ``frontier`` points of the
    stated world's frontier found within ``frontier_seconds`` (evenly spread along it)."""
    if "robust" not in study.cache:
        study.cache["robust"] = most_robust(study, parties)
    return stated_packages(study.search, parties, lambda: study.cache["robust"], frontier, frontier_seconds)


def stated_packages(search: Search, parties: Sequence[str], robust: Callable[[], Package | None], frontier: int,
                    frontier_seconds: float | None) -> list[tuple[str, Mapping[str, Any]]]:
    """:func:`default_packages` with the most robust package given by ``robust`` (sampled or exact)."""
    from ..results import CRITERIA
    from .frontier_mip import pareto_frontier
    from .solutions import best_package

    found: dict[tuple[Any, ...], list[str]] = {}
    choices: dict[tuple[Any, ...], Mapping[str, Any]] = {}

    def add(label: str, package: Package | None) -> None:
        if package is not None:
            found.setdefault(package.key(), []).append(label)
            choices[package.key()] = package.exact_choices

    for criterion in CRITERIA:
        add(criterion, best_package(search, criterion, parties))
    stated = bool(found)
    add("most robust", robust())
    if frontier and stated:
        everyone = search.scenario.party_ids
        points = sorted(pareto_frontier(search, everyone, frontier_seconds, False, None, 1).packages,
                        key=lambda x: tuple(-u for u in x.vector(everyone)))
        step = max(1, math.ceil(len(points) / frontier))
        for k, package in enumerate(points[::step][:frontier]):
            add(f"frontier {k + 1}", package)
    return [(", ".join(labels), choices[key]) for key, labels in found.items()]
