"""Exact numbers: every point is read as the decimal written in the file, as a Fraction."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Sequence


def exact(value: float | int | Fraction) -> Fraction:
    """A number as the exact decimal it was written as (0.1 -> 1/10, not the binary double)."""
    if isinstance(value, Fraction):
        return value
    return Fraction(repr(float(value))) if isinstance(value, float) else Fraction(value)


def exact_or_id(value: Any) -> Any:
    """An amount as an exact Fraction, an option id as itself."""
    return value if isinstance(value, str) or value is None else exact(value)


def fraction_gcd(values: Sequence[Fraction]) -> Fraction | None:
    """The largest rational that divides every value (None for no nonzero values)."""
    values = [v for v in values if v]
    if not values:
        return None
    denominator = math.lcm(*(v.denominator for v in values))
    return Fraction(math.gcd(*(int(v * denominator) for v in values)), denominator)
