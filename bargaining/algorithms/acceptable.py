"""Every acceptable package: counted and listed by the dynamic programme where it applies, else
found one by one on the model (each found package cut off before the next solve)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from ..engine.search import Search
from ..errors import TimeLimitReached
from ..progress import Progress
from ..results import Package
from .dp import NotApplicable, dp_acceptable, dp_count

#: Without a limit, at most this many packages are listed (a larger space is counted, not listed).
MAX_LISTED = 100_000
#: Seconds the programme may spend counting before the count is given up (None: unknown).
COUNT_SECONDS = 10.0


@dataclass(frozen=True)
class Acceptable:
    """The acceptable packages found, whether that is all of them, and how many there are (None: not counted)."""

    packages: list[Package]
    complete: bool
    count: int | None
    method: str


def acceptable_packages(search: Search, limit: int | None = None, progress: bool | None = None,
                        count_only: bool = False) -> Acceptable:
    """The acceptable packages (at most ``limit``), whether that is all, and their number.

    With continuous issues (the model's search), each package stands for an acceptable
    combination of discrete options, shown with one acceptable amount for each continuous issue.
    """
    scenario = search.scenario
    if not scenario.continuous_issues:
        options = dict(waived=search.waived, coalition=search.coalition, fixed=search.fixed or None)
        try:
            budget = search.remaining()
            count = dp_count(scenario, deadline=time.perf_counter() + (COUNT_SECONDS if budget is None else min(budget, COUNT_SECONDS)),
                             **options)
        except NotApplicable:
            count = None
        if count_only:
            return Acceptable([], False, count, "dp" if count is not None else "none")
        if limit is None and count is not None and count > MAX_LISTED:
            raise ValueError(f"{count:,} packages are acceptable: too many to list; give limit= (the first ones in the "
                             f"scenario's option order) or count_only=True")
        left = search.remaining()  # the time limit bounds the listing too (a run stopped falls back to the model's search)
        try:
            listed = dp_acceptable(scenario, None if limit is None else limit + 1,
                                   deadline=None if left is None else time.perf_counter() + left, **options)
        except NotApplicable:
            pass
        else:
            complete = limit is None or len(listed) <= limit
            packages = [Package.evaluate(scenario, c, coalition=search.coalition) for c in listed[:limit]]
            return Acceptable(packages, complete, len(listed) if complete else count, "dp")
    if count_only:
        return Acceptable([], False, None, "none")
    return _by_the_model(search, limit, progress)


def _by_the_model(search: Search, limit: int | None, progress: bool | None) -> Acceptable:
    found: list[Package] = []
    complete = True
    with search.changes() as edit, Progress("acceptable packages", enabled=progress) as bar:
        while True:
            try:
                if limit is not None and len(found) >= limit:
                    complete = search.feasible() is None
                    break
                package = search.feasible()
            except TimeLimitReached:
                if not found:
                    raise
                complete = False  # stopped at the time limit: the packages found so far
                break
            if package is None:
                break
            found.append(package)
            bar.update(found=len(found))
            if not search.scenario.discrete_issues:
                break
            edit.cut_off(package.choices)
    return Acceptable(found, complete, len(found) if complete and not search.scenario.continuous_issues else None, "mip")
