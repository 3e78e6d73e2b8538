"""Leverage of an issue: the bargaining space with the issue frozen at its status quo versus open.

The seed's question: does a concession from outside the two sides (suspending sanctions,
resuming energy purchases) make a deal possible, and whom does it help?  Freezing fixes
the issue's variables on the one model (``choose[i, status quo] = 1`` or the amount at its
status quo); every measure is then computed twice with the same code.
"""

from __future__ import annotations

from contextlib import contextmanager
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Iterator

import pandas as pd

from .frontier import pareto_frontier
from .search import Package, Search
from .solutions import CRITERIA

if TYPE_CHECKING:
    from .space import BargainingSpace

FROZEN, OPEN = "frozen at status quo", "open"


@contextmanager
def frozen(search: Search, issue_id: str) -> Iterator[None]:
    """Hold one issue at its status quo while inside the block."""
    issue = search.scenario.issue[issue_id]
    status_quo = issue.status_quo_choice
    if status_quo is None:
        raise ValueError(f"issue '{issue_id}' has no status quo to freeze it at; mark one in the scenario")
    m = search.m
    if issue.is_continuous:
        m.amount[issue_id].fix(float(status_quo))
        variables = [m.amount[issue_id]]
    else:
        variables = [m.choose[issue_id, o] for o in issue.option_ids]
        for option, variable in zip(issue.option_ids, variables):
            variable.fix(1 if option == status_quo else 0)
    try:
        yield
    finally:
        for variable in variables:
            variable.unfix()


def leverage(space: "BargainingSpace", issue_id: str, limit: int = 200, frontier: bool = False,
             time_limit: float | None = None) -> pd.DataFrame:
    """Compare the space with ``issue_id`` frozen at its status quo against the space with it open.

    Rows (``measure``, ``party``): whether a package exists; the number of acceptable
    packages (counted up to ``limit``: ">= limit" beyond); each party's best achievable
    gain; each bargaining solution's gain for each party; with ``frontier``, the frontier's
    size and the share of the frozen frontier that some open-space package strictly
    dominates.  Columns: frozen at status quo, open, shift (open minus frozen, for numbers).
    """
    if issue_id not in space.scenario.issue:
        raise ValueError(f"unknown issue '{issue_id}'; known: {', '.join(space.scenario.issue)}")
    measures = {FROZEN: _measure(space, limit, frontier, time_limit, freeze=issue_id), OPEN: _measure(space, limit, frontier, time_limit)}
    rows = []
    for key in measures[OPEN]:
        before, after = measures[FROZEN][key], measures[OPEN][key]
        rows.append({"measure": key[0], "party": key[1], FROZEN: before, OPEN: after, "shift": _shift(before, after)})
    if frontier:
        rows.append({"measure": "share of frozen frontier improved on", "party": "", FROZEN: None,
                     OPEN: _improved_share(measures[FROZEN]["_points"], measures[OPEN]["_points"]), "shift": None})
    frame = pd.DataFrame([r for r in rows if r["measure"] != "_points"])
    frame.attrs["issue"] = issue_id
    return frame


def _measure(space: "BargainingSpace", limit: int, frontier: bool, time_limit: float | None, freeze: str | None = None) -> dict[tuple[str, str], Any]:
    search = space.search
    context = frozen(search, freeze) if freeze else _nothing()
    out: dict[tuple[str, str], Any] = {}
    with context:
        out[("package exists", "")] = search.feasible() is not None
        table = space.acceptable(limit=limit)
        out[("acceptable packages", "")] = len(table) if table.attrs["complete"] else f">= {limit}"
        for party in space.scenario.party_ids:
            out[("best gain", party)] = _best_gain(search, party)
        for criterion in CRITERIA:
            package = space.best(criterion)
            for party in space.criteria_parties:
                out[(f"{criterion} gain", party)] = None if package is None else package.gains[party]
        if frontier:
            result = pareto_frontier(search, space.scenario.party_ids, time_limit, False)
            out[("frontier points", "")] = len(result.packages) if result.complete else f">= {len(result.packages)}"
            out[("_points", "")] = result.packages
    return out


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def _best_gain(search: Search, party: str) -> float | None:
    with search.restoring():
        _, package = search.maximize(search.m.gain[party], search.granularity([party]))
    return None if package is None else package.gains[party]


def _shift(before: Any, after: Any) -> Any:
    if isinstance(before, bool) or isinstance(after, bool):
        return None if before == after else ("opens" if after else "closes")
    if isinstance(before, (int, float)) and isinstance(after, (int, float)):
        return after - before
    return None


def _improved_share(frozen_points: list[Package], open_points: list[Package]) -> float | None:
    """Share of frozen-frontier points that some open-frontier point strictly dominates."""
    if not frozen_points:
        return None
    def vector(x: Package) -> tuple[Fraction, ...]:
        return tuple(x.exact_utilities.values())
    opened = [vector(x) for x in open_points]
    improved = sum(any(all(a >= b for a, b in zip(o, vector(f))) and o != vector(f) for o in opened) for f in frozen_points)
    return improved / len(frozen_points)

