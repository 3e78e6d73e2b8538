"""The sizes of numbers a scenario may use: what the solver (HiGHS, in double precision) can handle.

HiGHS treats bounds of 1e20 and more as infinite, refuses matrix values of 1e15 and more, and
drops matrix values of 1e-9 and less; its tolerances are about 1e-7 to 1e-6.  So every number
written in a scenario (points, reservations, interaction values, range ends, status quo
amounts, bounds) is either 0 or between :data:`SMALLEST` and :data:`LARGEST` in magnitude, and
each party's utilities (the sum over issues of its largest points in magnitude, per_unit x
amount for a continuous issue, plus its interactions and its red lines' prices) stay within
:data:`LARGEST` too.

Within those limits a scenario always gets a correct answer or an honest "not certified"
(:mod:`bargaining.engine.numerics` checks whether the solver can tell a party's utilities
apart); outside them it is refused at load time, here, with the place and the fix.
"""

from __future__ import annotations

from typing import Any

from .errors import Problem
from .schema import PER_UNIT, ScenarioModel

#: The largest magnitude of any number, and of any party's utilities.
LARGEST = 1e9
#: The smallest magnitude of a nonzero number.
SMALLEST = 1e-6
#: Fields that are not amounts of utility or of an issue (probabilities and shares): not checked here.
NOT_AMOUNTS = frozenset({"format", "real", "real_range", "points_spread"})


def check_magnitudes(model: ScenarioModel) -> list[Problem]:
    """Every number too large or too small for the solver, and every party whose utilities are."""
    problems: list[Problem] = []
    data = model.model_dump(by_alias=True, exclude_none=True)
    data.pop("utility_rationales", None)
    stack: list[tuple[tuple[Any, ...], Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack.extend((path + (k,), v) for k, v in value.items() if k not in NOT_AMOUNTS)
        elif isinstance(value, (list, tuple)):
            stack.extend((path + (k,), v) for k, v in enumerate(value))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            message = size_problem(float(value))
            if message:
                problems.append(Problem(path, message))
    if problems:
        return sorted(problems, key=lambda p: [str(x) for x in p.path])
    issues = {i.id: i for i in model.issues}
    for party in model.parties:
        scale = 0.0
        for issue_id, table in model.utilities.get(party.id, {}).items():
            issue = issues.get(issue_id)
            if issue is None:
                continue
            if issue.range is not None:
                scale += abs(table.get(PER_UNIT, 0.0)) * max(abs(issue.range[0]), abs(issue.range[1]))
            elif table:
                scale += max(abs(v) for v in table.values())
        scale += sum(abs(x.value) for x in model.interactions if x.party == party.id)
        scale += sum(abs(price) for r in model.red_lines if r.party == party.id and (price := getattr(r, "price", None)) is not None)
        if scale > LARGEST:
            problems.append(Problem(("utilities", party.id), (
                f"utilities up to {scale:.3g} (the sum over issues of the largest points, per_unit x amount at the "
                f"range's end for an amount, interactions and red-line prices); the solver handles at most {LARGEST:g}: "
                "express the points in larger units, or narrow the ranges")))
    return problems


def size_problem(value: float) -> str | None:
    written = repr(value)  # as written: 1000000000.000001, not 1e+09
    if abs(value) > LARGEST:
        return (f"{written} is too large: numbers in a scenario are at most {LARGEST:g} in magnitude (the solver's "
                "precision); express it in larger units (e.g. millions instead of units)")
    if value and abs(value) < SMALLEST:
        return (f"{written} is too small: nonzero numbers in a scenario are at least {SMALLEST:g} in magnitude (the "
                "solver's tolerance); write 0, or express it in smaller units (e.g. thousandths instead of units)")
    return None
