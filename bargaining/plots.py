"""Plotly figures for notebooks: every function returns a ``plotly.graph_objects.Figure`` (``frontier_figures``
and ``concession_figures`` a list of them).

The drawing itself lives in :mod:`bargaining.present`; it takes results and never solves.  Each
function takes the result object it draws and reads the scenario from it (a frontier table, which
has none, needs ``scenario=``); handed a :class:`~bargaining.BargainingSpace` instead, the frontier
functions first ask it for its frontier, acceptable packages and bargaining solutions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

import pandas as pd
import plotly.graph_objects as go

from .present import frontier_figures as _frontier
from .present import package_figures as _package
from .present.concession_figures import concession_figures
from .present.conflict_figure import conflict_figure as _conflict
from .present.frontier_figures import frontier_2d, frontier_3d, frontier_parallel, frontier_parties, frontier_splom
from .present.labels import (
    CRITERION_STYLE,
    ISSUE_PALETTE,
    MAX_LINES,
    MAX_POINTS,
    PALETTE,
    choice_label,
    criterion_title,
    esc,
    package_hover,
    party_colors,
    possessive,
    wrap,
)
from .present.package_figures import gains_by_solution, issue_contributions, utility_breakdown
from .present.sensitivity_figures import tornado_figure
from .present.uncertainty_figures import acceptance_bars, information_bars
from .results import Acceptable, Diagnosis, Frontier
from .scenario import Scenario

if TYPE_CHECKING:  # pragma: no cover
    from .results import Package
    from .space import BargainingSpace

__all__ = [
    "CRITERION_STYLE", "ISSUE_PALETTE", "MAX_LINES", "MAX_POINTS", "PALETTE", "acceptance_bars", "choice_label", "concession_figures",
    "concession_map", "conflict_figure", "criterion_title", "information_bars",
    "esc", "frontier_2d", "frontier_3d", "frontier_figure", "frontier_figures", "frontier_parallel", "frontier_parties",
    "frontier_splom", "gains_by_solution", "issue_contributions", "package_hover", "party_colors", "possessive",
    "tornado_figure", "utility_breakdown", "wrap",
]


@dataclass
class _FrontierTable:
    frame: pd.DataFrame
    scenario: Scenario
    acceptable: pd.DataFrame | None
    solutions: Mapping[str, "Package | None"] | None


def _frontier_table(data: Any, scenario: Scenario | None, acceptable: "Acceptable | pd.DataFrame | None",
                    solutions: Mapping[str, "Package | None"] | None) -> _FrontierTable | None:
    """What the figures are drawn from when ``data`` is a Frontier or a frontier table (None: a space, to be searched);
    a table needs its scenario."""
    if isinstance(acceptable, Acceptable):
        acceptable = acceptable.to_frame()
    if isinstance(data, Frontier):
        return _FrontierTable(data.to_frame(), scenario or data.scenario, acceptable,
                              data.solutions if solutions is None else solutions)
    if isinstance(data, pd.DataFrame):
        if scenario is None:
            raise TypeError("pass the scenario along with a frontier DataFrame (or pass space.frontier(), which has it)")
        return _FrontierTable(data, scenario, acceptable, solutions)
    return None


def frontier_figures(data: "BargainingSpace | Frontier | pd.DataFrame", scenario: Scenario | None = None, *,
                     acceptable: "Acceptable | pd.DataFrame | None" = None,
                     solutions: Mapping[str, "Package | None"] | None = None) -> list[go.Figure]:
    """The frontier drawn for its number of parties, as a list: two -> [2-D scatter]; three -> [3-D
    scatter, pairwise scatter matrix]; one or four and more -> [parallel coordinates].

    ``data`` is a :class:`~bargaining.results.Frontier` (``space.frontier()``: its scenario and
    solutions come with it), a frontier table (``space.frontier().to_frame()``; pass its ``scenario``), or a
    space, whose frontier (and, for two or three parties, acceptable packages) is then computed.
    ``acceptable``: ``space.acceptable()`` (or its table) to draw in grey.
    """
    table = _frontier_table(data, scenario, acceptable, solutions)
    if table is not None:
        return _frontier.frontier_figures(table.frame, table.scenario, acceptable=table.acceptable, solutions=table.solutions)
    space = data
    frontier = space.frontier(progress=False)
    if acceptable is None and len(frontier.parties) in (2, 3):
        acceptable = space.acceptable(limit=MAX_POINTS)
    return frontier_figures(frontier, scenario, acceptable=acceptable, solutions=solutions)


def frontier_figure(data: "BargainingSpace | Frontier | pd.DataFrame", scenario: Scenario | None = None, *,
                    acceptable: "Acceptable | pd.DataFrame | None" = None,
                    solutions: Mapping[str, "Package | None"] | None = None) -> go.Figure:
    """The main frontier figure for the party count (the first of :func:`frontier_figures`, built alone)."""
    table = _frontier_table(data, scenario, acceptable, solutions)
    if table is not None:
        return _frontier.frontier_figure(table.frame, table.scenario, acceptable=table.acceptable, solutions=table.solutions)
    return frontier_figures(data, scenario, acceptable=acceptable, solutions=solutions)[0]


def concession_map(frontier: Frontier | pd.DataFrame, scenario: Scenario | None = None) -> go.Figure:
    """How often each option appears on the frontier (a :class:`~bargaining.results.Frontier`, or a
    frontier table with its ``scenario``): what is settled and what is traded."""
    if isinstance(frontier, Frontier):
        return _package.concession_map(frontier.to_frame(), scenario or frontier.scenario)
    if scenario is None:
        raise TypeError("pass the scenario along with a frontier DataFrame (or pass space.frontier(), which has it)")
    return _package.concession_map(frontier, scenario)


def conflict_figure(diagnosis: Diagnosis, scenario: Scenario | None = None) -> go.Figure | None:
    """The minimal conflict of a closed space (``space.diagnose()``): what each requirement rules out,
    option by option (None when the space is open)."""
    scenario = scenario or diagnosis.scenario
    if scenario is None:
        raise TypeError("this diagnosis was made without its scenario; pass it")
    return _conflict(diagnosis, scenario)
