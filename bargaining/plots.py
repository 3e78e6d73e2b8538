"""Plotly figures for notebooks: every function returns a ``plotly.graph_objects.Figure``.

The drawing itself lives in :mod:`bargaining.present`; it takes results (frontier tables,
packages) and never solves.  The two functions defined here are conveniences: handed a
:class:`~bargaining.BargainingSpace` instead of a table, they first ask the space for its
frontier, acceptable packages and bargaining solutions, then draw them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

import pandas as pd
import plotly.graph_objects as go

from .present import frontier_figures as _frontier
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
from .present.package_figures import concession_map, gains_by_solution, issue_contributions, utility_breakdown
from .present.uncertainty_figures import acceptance_bars, information_bars
from .results import CRITERIA
from .scenario import Scenario

if TYPE_CHECKING:  # pragma: no cover
    from .results import Package
    from .space import BargainingSpace

__all__ = [
    "CRITERION_STYLE", "ISSUE_PALETTE", "MAX_LINES", "MAX_POINTS", "PALETTE", "acceptance_bars", "choice_label", "concession_map",
    "criterion_title", "information_bars",
    "esc", "frontier_2d", "frontier_3d", "frontier_figure", "frontier_figures", "frontier_parallel", "frontier_parties",
    "frontier_splom", "gains_by_solution", "issue_contributions", "package_hover", "party_colors", "possessive",
    "utility_breakdown", "wrap",
]


def frontier_figures(data: "BargainingSpace | pd.DataFrame", scenario: Scenario | None = None, *,
                     acceptable: pd.DataFrame | None = None,
                     solutions: Mapping[str, "Package | None"] | None = None) -> list[go.Figure]:
    """The frontier drawn for its number of parties: two -> [2-D scatter]; three -> [3-D scatter,
    pairwise scatter matrix]; one or four and more -> [parallel coordinates].

    ``data`` is a frontier table (from :meth:`BargainingSpace.frontier`, pass its ``scenario``)
    or a space, whose frontier (and, for two or three parties, acceptable packages and the
    solutions) is then computed.
    """
    if isinstance(data, pd.DataFrame):
        if scenario is None:
            raise TypeError("pass the scenario along with a frontier DataFrame")
        return _frontier.frontier_figures(data, scenario, acceptable=acceptable, solutions=solutions)
    space = data
    frontier = space.frontier(progress=False, solutions=False)
    if acceptable is None and len(frontier_parties(frontier, space.scenario)) in (2, 3):
        acceptable = space.acceptable(limit=MAX_POINTS)
    if solutions is None:
        solutions = {c: space.best(c) for c in CRITERIA}
    return _frontier.frontier_figures(frontier, scenario or space.scenario, acceptable=acceptable, solutions=solutions)


def frontier_figure(data: "BargainingSpace | pd.DataFrame", scenario: Scenario | None = None, *,
                    acceptable: pd.DataFrame | None = None,
                    solutions: Mapping[str, "Package | None"] | None = None) -> go.Figure:
    """The main frontier figure for the party count (the first of :func:`frontier_figures`)."""
    return frontier_figures(data, scenario, acceptable=acceptable, solutions=solutions)[0]
