"""Monotone events over independent uncertain red lines, held as their minimal blocking sets, and their exact probabilities.

A *world* is the set R of uncertain red lines that are real (each line j independently with
probability p_j).  Every event here is *decreasing*: if it holds in R it holds in every subset of R
(a package acceptable when some lines are real stays acceptable when fewer are; see
docs/exact-uncertainty.md).  Such an event is fixed by its *minimal blocking sets*: the minimal
worlds in which it fails.  It fails in R exactly when R contains one of them:

    P(event) = 1 - P(some blocking set is all real).

Sets are bit masks over the positions of the lines analysed (bit j: line j).  The probability is
computed exactly (``fractions.Fraction``) by Shannon expansion on the most frequent line, with
independent groups of lines (no blocking set shares a line with another group) multiplied apart:

    P(fail | family) = p_j P(fail | family with j removed from every set)
                       + (1 - p_j) P(fail | the sets without j),

memoised on the family.  Conditioning on a line being real or not is the same substitution.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction
from functools import lru_cache

Family = frozenset[int]


def minimal(sets: Iterable[int]) -> Family:
    """The inclusion-minimal sets among ``sets`` (bit masks)."""
    kept: list[int] = []
    for s in sorted(set(sets), key=lambda x: (x.bit_count(), x)):
        if not any(k & s == k for k in kept):
            kept.append(s)
    return frozenset(kept)


def or_(a: Family, b: Family, limit: int | None = None) -> Family:
    """The family of "a holds or b holds": it fails only where both fail, so its blocking sets are
    the minimal unions of one blocking set of each.  ``limit`` caps the number of unions formed
    (OverflowError beyond it)."""
    if not a or not b:
        return frozenset()
    if limit is not None and len(a) * len(b) > limit:
        raise OverflowError(f"{len(a) * len(b):,} combinations of blocking sets")
    return minimal(x | y for x in a for y in b)


def either(families: Sequence[Family], limit: int | None = None) -> Family:
    """The family of "at least one of these events holds" (it fails where all fail)."""
    if not families:
        return frozenset({0})  # no event: it never holds
    result = families[0]
    for family in sorted(families[1:], key=len):
        result = or_(result, family, limit)
        if not result:
            break
    return result


def given(family: Family, line: int, real: bool) -> Family:
    """The family conditioned on line ``line`` (a bit position) being real, or not."""
    bit = 1 << line
    if real:
        return minimal(s & ~bit for s in family)
    return frozenset(s for s in family if not s & bit)


def support(family: Family) -> int:
    """Every line some blocking set mentions (a mask)."""
    out = 0
    for s in family:
        out |= s
    return out


def positions(mask: int) -> list[int]:
    return [j for j in range(mask.bit_length()) if mask >> j & 1]


def failure(family: Family, p: Sequence[Fraction]) -> Fraction:
    """P(some set of ``family`` is all real), exactly."""
    return _failure(family, tuple(p))


def holds(family: Family, p: Sequence[Fraction]) -> Fraction:
    """P(the event holds) = 1 - P(some blocking set is all real)."""
    return 1 - _failure(family, tuple(p))


@lru_cache(maxsize=65536)
def _failure(family: Family, p: tuple[Fraction, ...]) -> Fraction:
    if not family:
        return Fraction(0)
    if 0 in family:
        return Fraction(1)
    groups = _components(family)
    if len(groups) > 1:
        none = Fraction(1)
        for group in groups:
            none *= 1 - _failure(group, p)
        return 1 - none
    if len(family) == 1:
        (only,) = family
        product = Fraction(1)
        for j in positions(only):
            product *= p[j]
        return product
    counts: dict[int, int] = {}
    for s in family:
        for j in positions(s):
            counts[j] = counts.get(j, 0) + 1
    j = max(counts, key=lambda x: (counts[x], -x))
    return p[j] * _failure(given(family, j, True), p) + (1 - p[j]) * _failure(given(family, j, False), p)


def _components(family: Family) -> list[Family]:
    """The family split into groups of sets that share no line with another group."""
    groups: list[tuple[int, list[int]]] = []
    for s in family:
        joined = [g for g in groups if g[0] & s]
        rest = [g for g in groups if not g[0] & s]
        mask, members = s, [s]
        for g in joined:
            mask |= g[0]
            members += g[1]
        groups = rest + [(mask, members)]
    return [frozenset(members) for _, members in groups]


def disjoint(family: Family) -> bool:
    """Whether no two blocking sets share a line (the probability is then a plain product)."""
    seen = 0
    for s in family:
        if seen & s:
            return False
        seen |= s
    return True


def linear(family: Family, p: Sequence[Fraction], line: int) -> tuple[Fraction, Fraction]:
    """P(event) as a + b x when line ``line``'s probability is x and the others are held:
    (P(event | not real), P(event | real) - P(event | not real)).  Every such probability is
    multilinear in the p's, hence exactly linear in one of them."""
    low = holds(given(family, line, False), p)
    high = holds(given(family, line, True), p)
    return low, high - low
