"""Every acceptable package: counted and listed by the programme where it applies (within its budgets:
:mod:`.programme.budget`, "count" and "listing"), else found one by one on the model (each found
package cut off before the next solve)."""

from __future__ import annotations

from dataclasses import dataclass

from ..engine.search import Search
from ..errors import TimeLimitReached
from ..progress import Progress
from ..results import Package
from .programme import NotApplicable
from .programme.budget import acceptable_for, count_for

#: Without a limit, at most this many packages are listed (a larger space is counted, not listed).
MAX_LISTED = 100_000


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
        try:
            count = count_for(search)
        except NotApplicable:
            count = None
        if count_only:
            return Acceptable([], False, count, "dp" if count is not None else "none")
        if limit is None and count is not None and count > MAX_LISTED:
            raise ValueError(f"{count:,} packages are acceptable: too many to list; give limit= (the first ones in the "
                             f"scenario's option order) or count_only=True")
        try:  # the time limit bounds the listing too (a run stopped falls back to the model's search)
            listed = acceptable_for(search, None if limit is None else limit + 1)
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
