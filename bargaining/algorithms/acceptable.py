"""Every acceptable package, found one by one on the model (each found package cut off before the next solve)."""

from __future__ import annotations

from ..engine.search import Search
from ..errors import TimeLimitReached
from ..progress import Progress
from ..results import Package


def acceptable_packages(search: Search, limit: int | None = None, progress: bool | None = None) -> tuple[list[Package], bool]:
    """The acceptable packages (at most ``limit``) and whether that is all of them (False also when the
    time limit stopped the search after some were found; with none found, TimeLimitReached).

    With continuous issues, each package stands for an acceptable combination of discrete
    options, shown with one acceptable amount for each continuous issue.
    """
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
    return found, complete
