"""Exact arithmetic on piecewise-linear functions of one rational variable: upper envelopes of lines,
and where the set of largest functions changes (docs/exact-uncertainty.md, "Where a finding changes").

Every chance the exact analysis reports is multilinear in the lines' probabilities, so as one
probability t moves with the others held, a package's chance is a line a + b t, the most robust
package's chance is the upper envelope of such lines, and a value of information is a sum of
envelopes: piecewise linear, with breakpoints where two lines of an envelope cross.  Between two
consecutive breakpoints every function is linear, so where the largest function changes is the
solution of a linear equation, exact in rationals.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from fractions import Fraction

#: A line a + b t, as (a, b).
Line = tuple[Fraction, Fraction]
Function = Callable[[Fraction], Fraction]


def value(line: Line, t: Fraction) -> Fraction:
    return line[0] + line[1] * t


def envelope(lines: Sequence[Line], lo: Fraction, hi: Fraction) -> tuple[list[Line], list[Fraction]]:
    """The lines on the upper envelope over [lo, hi], left to right, and the breakpoints strictly inside."""
    if not lines:
        return [], []
    unique = sorted(set(lines))
    current = max(unique, key=lambda x: (value(x, lo), x[1]))
    kept, t = [current], lo
    breaks: list[Fraction] = []
    while True:
        crossings = [(t0, other) for other in unique if other[1] > current[1]
                     for t0 in [(current[0] - other[0]) / (other[1] - current[1])] if t < t0 < hi]
        if not crossings:
            return kept, breaks
        t = min(t0 for t0, _ in crossings)
        current = max((other for t0, other in crossings if t0 == t), key=lambda x: x[1])
        kept.append(current)
        breaks.append(t)


def top(functions: Mapping[Hashable, Function], t: Fraction, right: Fraction | None = None) -> frozenset[Hashable]:
    """The keys of the largest functions at t (with ``right``: of those, the ones that stay largest just
    after t, judged by their slopes on [t, right], where every function is linear)."""
    values = {k: f(t) for k, f in functions.items()}
    best = max(values.values())
    keys = [k for k, v in values.items() if v == best]
    if right is None or len(keys) == 1:
        return frozenset(keys)
    slopes = {k: (functions[k](right) - values[k]) / (right - t) for k in keys}
    steepest = max(slopes.values())
    return frozenset(k for k in keys if slopes[k] == steepest)


def _mirrored(f: Function, sign: int) -> Function:
    """u -> f(sign u): walking down from s is walking up from -s."""
    return lambda u: f(sign * u)


def changes(functions: Mapping[Hashable, Function], breaks: Sequence[Fraction], start: Fraction, end: Fraction
            ) -> list[tuple[Fraction, frozenset[Hashable]]]:
    """Moving from ``start`` to ``end`` (either direction), every point where the set of largest
    functions changes and the set just past it.  ``breaks``: every point where some function may stop
    being linear.  A change at ``start`` itself means that a tie there is resolved at once."""
    if start == end or not functions:
        return []
    sign = 1 if end > start else -1
    fs = {k: _mirrored(f, sign) for k, f in functions.items()}
    s, e = sign * start, sign * end
    points = sorted({sign * b for b in breaks if s < sign * b < e} | {e})
    found: list[tuple[Fraction, frozenset[Hashable]]] = []
    at = top(fs, s)
    pos = s
    current = top(fs, s, points[0])
    if current != at:
        found.append((start, current))
    while pos < e:
        following = next(p for p in points if p > pos)
        values = {k: f(pos) for k, f in fs.items()}
        slopes = {k: (f(following) - values[k]) / (following - pos) for k, f in fs.items()}
        leader = next(iter(current))
        crossing = [pos + (values[leader] - values[k]) / (slopes[k] - slopes[leader])
                    for k in fs if slopes[k] > slopes[leader]]
        crossing = [c for c in crossing if pos < c <= following]
        if crossing:
            pos = min(crossing)
            after = next((p for p in points if p > pos), None)
            new = top(fs, pos, after) if after is not None else top(fs, pos)
        else:
            pos = following
            after = next((p for p in points if p > pos), None)
            new = top(fs, pos, after) if after is not None else current
        if new != current:
            found.append((sign * pos, new))
            current = new
    return found
