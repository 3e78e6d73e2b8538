"""Rankings that name their ties: items whose values lie within a stated tolerance of each other are
one group, shown as tied ("tied: A and B, +11.9 each"), never ordered as if one came first.

One helper, :func:`rank`, is used by every ranking the tool prints (the value of information, the
most robust package, the bargaining solutions, the coalitions).  The tolerances are documented in
docs/exact-uncertainty.md ("Ties"):

* :data:`PROBABILITY_TOLERANCE` (0.0005, half of the 0.1 percentage point the output prints):
  probabilities, shares and rises of shares closer than this are tied;
* :data:`VALUE_TOLERANCE` (a relative 1e-9 of the larger magnitude): criterion values, gains and
  utilities closer than this are tied (exact rationals: equal values; the relative part only
  matters for values read from floats).

A group is *exact* when its values are all equal; otherwise it is a near-tie (within the tolerance).
Groups are formed from the top: an item joins the current group when it is within the tolerance of
the group's first (best) value, so a chain of small steps never merges far-apart items.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

T = TypeVar("T")
Number = Fraction | float | int

#: Probabilities and shares closer than this are tied: the output prints 0.1 percentage point.
PROBABILITY_TOLERANCE = Fraction(1, 2000)
#: Criterion values, gains and utilities closer than this share of the larger magnitude are tied.
VALUE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Group(Generic[T]):
    """One rank: the items tied there (in the input's order), their values, and the rank (1 = top)."""

    rank: int
    items: tuple[T, ...]
    values: tuple[Number, ...]

    @property
    def value(self) -> Number:
        """The group's best value."""
        return self.values[0]

    @property
    def tied(self) -> bool:
        return len(self.items) > 1

    @property
    def exact(self) -> bool:
        """Whether every value of the group is the same (else a near-tie within the tolerance)."""
        return all(v == self.values[0] for v in self.values)


def within(a: Number, b: Number, tolerance: Number, relative: bool = False) -> bool:
    """Whether ``a`` and ``b`` are within the tolerance (``relative``: of the larger magnitude, at least 1)."""
    if a == b:
        return True
    x, y = Fraction(a), Fraction(b)
    scale = max(abs(x), abs(y), Fraction(1)) if relative else Fraction(1)
    return abs(x - y) <= Fraction(tolerance) * scale


def rank(items: Sequence[T], key: Callable[[T], Number], *, tolerance: Number = PROBABILITY_TOLERANCE,
         relative: bool = False, descending: bool = True) -> list[Group[T]]:
    """The items in groups of equal rank, best first (largest value first unless ``descending`` is False).

    The order inside a group is the input's (a stable sort); nothing about it is a finding."""
    ordered = sorted(items, key=key, reverse=descending)
    groups: list[Group[T]] = []
    members: list[T] = []
    values: list[Number] = []
    for item in ordered:
        value = key(item)
        if members and not within(values[0], value, tolerance, relative):
            groups.append(Group(len(groups) + 1, tuple(members), tuple(values)))
            members, values = [], []
        members.append(item)
        values.append(value)
    if members:
        groups.append(Group(len(groups) + 1, tuple(members), tuple(values)))
    return groups


def and_list(names: Sequence[str]) -> str:
    """"A", "A and B", "A, B and C"."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def tie_text(names: Sequence[str], values: Sequence[str]) -> str:
    """"tied: A and B, +11.9 each" (one value shown), or "within the tolerance: A +11.93, B +11.92"."""
    if len(set(values)) <= 1:
        return f"tied: {and_list(names)}, {values[0]} each" if values else ""
    return "tied within the tolerance: " + ", ".join(f"{n} {v}" for n, v in zip(names, values))


def ranked_questions(frame: pd.DataFrame, exact: dict[str, Fraction] | None = None, tolerance: Fraction | float | None = None
                     ) -> pd.DataFrame:
    """Rows sorted by rise, largest first, with ``rank`` (tied questions share it) and ``tied with``
    (the other questions of the same rank).  Exact rises (``exact``) tie when equal within
    :data:`~bargaining.results.ties.PROBABILITY_TOLERANCE`; float rises likewise."""
    values = exact or {q: Fraction(r).limit_denominator(10**12) for q, r in zip(frame["question"], frame["rise"])}
    groups = rank(list(frame["question"]), key=lambda q: values[q], tolerance=PROBABILITY_TOLERANCE if tolerance is None else tolerance)
    order, ranks, tied = [], {}, {}
    for group in groups:
        for q in group.items:
            order.append(q)
            ranks[q] = group.rank
            tied[q] = ", ".join(x for x in group.items if x != q)
    out = frame.set_index("question").loc[order].reset_index()
    out["rank"] = [ranks[q] for q in out["question"]]
    out["tied with"] = [tied[q] for q in out["question"]]
    out.attrs.update(frame.attrs)
    return out
