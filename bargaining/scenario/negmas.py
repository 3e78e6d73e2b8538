"""A scenario as a NegMAS ``Scenario``: the same outcomes and the same linear-additive utilities.

NegMAS (``pip install 'bargaining[negmas]'``) is imported only when :func:`to_negmas` is
called.  Each discrete issue becomes a categorical NegMAS issue named by the issue id, whose
values are the option ids (in file order); each party becomes a
``LinearAdditiveUtilityFunction`` named by its id, with weight 1.0 per issue, a ``TableFun``
of its points (missing points are 0) and its reservation as ``reserved_value``; the ufuns
come in the order of ``scenario.parties``.  NegMAS evaluates in floating point: a utility
there is the float sum of the points, equal to :meth:`Scenario.utility` (exact) to within
rounding (about 1e-16 per issue for points of order 1).

What has no NegMAS counterpart: interactions (points that depend on several issues at once),
red lines (hard constraints; NegMAS knows only reserved values), ``controlled_by`` and
``veto: false`` (in NegMAS every negotiator must agree), and continuous issues (NegMAS has
them, but this export keeps to the discrete ones, where the two agree exactly).  By default
any of them is an error; ``drop_unsupported=True`` exports without the interactions, red
lines, ``controlled_by`` and ``veto: false`` and warns with the list of what was dropped
(continuous issues are always an error).  Names, rationales, status quos, ``unit``,
``linkable`` and ``after`` (phasing) carry no utility and are left out silently.
"""

from __future__ import annotations

import warnings
from typing import Any

from .errors import Problem, ScenarioError

__all__ = ["NegmasExportWarning", "to_negmas"]

INSTALL_HINT = "to_negmas needs NegMAS (>= 0.16), an optional extra: pip install 'bargaining[negmas]'"


class NegmasExportWarning(UserWarning):
    """Parts of a scenario dropped on the way to NegMAS (with ``drop_unsupported=True``)."""


def to_negmas(scenario: Any, *, drop_unsupported: bool = False) -> Any:
    """The scenario as a ``negmas.inout.Scenario`` (outcome space and one ufun per party).

    Raises :class:`ScenarioError` for continuous issues, and for interactions, red lines,
    ``controlled_by`` and ``veto: false`` unless ``drop_unsupported=True`` (then a
    :class:`NegmasExportWarning` lists what was dropped); ``ImportError`` with the install
    command when NegMAS is missing.
    """
    problems: list[Problem] = []
    for index, issue in enumerate(scenario.issues):
        if issue.is_continuous:
            problems.append(Problem(("issues", index), (
                f"'{issue.id}' is a continuous issue; the NegMAS export supports discrete issues only: "
                "replace it with options (e.g. a few amounts) to export")))
    unsupported = _unsupported(scenario)
    if unsupported and not drop_unsupported:
        for path, text in unsupported:
            problems.append(Problem(path, f"{text} has no NegMAS counterpart; pass drop_unsupported=True to export without it"))
    if problems:
        raise ScenarioError(scenario.source, problems)

    try:
        from negmas import make_issue, make_os
        from negmas.inout import Scenario as NegmasScenario
        from negmas.preferences import LinearAdditiveUtilityFunction
        from negmas.preferences.value_fun import TableFun
    except ImportError as error:
        raise ImportError(f"{INSTALL_HINT} ({error})") from None

    if unsupported:
        listing = "; ".join(f"{_where(path)}: {text}" for path, text in unsupported)
        warnings.warn(f"{scenario.source}: dropped for NegMAS (no counterpart there): {listing}", NegmasExportWarning, stacklevel=2)

    issues = [make_issue(list(issue.option_ids), name=issue.id) for issue in scenario.issues]
    outcome_space = make_os(issues, name=scenario.name)
    ufuns = []
    for party in scenario.parties:
        values = {}
        for issue in scenario.issues:
            points = scenario.points(party.id, issue.id)
            values[issue.id] = TableFun({option: float(points.get(option, 0.0)) for option in issue.option_ids})
        ufuns.append(LinearAdditiveUtilityFunction(
            values=values, weights={issue.id: 1.0 for issue in scenario.issues}, outcome_space=outcome_space,
            reserved_value=float(party.reservation), name=party.id))
    return NegmasScenario(outcome_space=outcome_space, ufuns=tuple(ufuns), name=scenario.name)


def _unsupported(scenario: Any) -> list[tuple[tuple[Any, ...], str]]:
    """Every part of the scenario that changes utilities or acceptability and NegMAS cannot express."""
    found: list[tuple[tuple[Any, ...], str]] = []
    for index, interaction in enumerate(scenario.interactions):
        found.append((("interactions", index), f"an interaction of '{interaction.party}' ({scenario.describe_condition(interaction.when)}: {interaction.value:+g})"))
    for index in range(len(scenario.red_lines)):
        found.append((("red_lines", index), f"a red line ({scenario.describe_red_line(index)})"))
    for index, issue in enumerate(scenario.issues):
        if issue.controlled_by:
            found.append((("issues", index, "controlled_by"), f"controlled_by of '{issue.id}'"))
    for index, party in enumerate(scenario.parties):
        if not party.veto:
            found.append((("parties", index, "veto"), f"veto: false of '{party.id}' (in NegMAS every negotiator must agree)"))
    return found


def _where(path: tuple[Any, ...]) -> str:
    return Problem(path, "").where
