"""The bargaining criteria by name (a leaf module: the command line reads it without loading the solver)."""

from __future__ import annotations

from typing import Literal, get_args

Criterion = Literal["maxmin", "utilitarian", "nash", "kalai"]
CRITERIA: tuple[Criterion, ...] = get_args(Criterion)


def check_criterion(criterion: str) -> Criterion:
    """The criterion, or a ValueError naming the ones there are."""
    if criterion not in CRITERIA:
        raise ValueError(f"unknown criterion {criterion!r}; choose one of {', '.join(CRITERIA)}")
    return criterion
