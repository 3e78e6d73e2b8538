"""Where the criterion's package stops being its choice along one number: an exact walk over breakpoints.

Moving the input by t in one direction, each candidate's gains are linear in t (only the input's
party's gain moves, at slope +-1 or 0), and so is its acceptability's one switch.  The incumbent X
stays a best package at t exactly while it is acceptable and no acceptable candidate y has a larger
key (criterion value, then total utility of all parties).  For one y, whether it beats X can change
only where two of the pieces the keys are made of cross: the criterion's terms (maxmin: each gain;
utilitarian: the sum; Nash: the product, or 0; Kalai: gain / ideal gain), the totals, or an
acceptability switch.  Each crossing is the root of a polynomial of degree at most one in t with
rational coefficients (Kalai's ideal gains are piecewise linear in t and are split into their pieces
first; only one party's terms move, so the products cancel to degree one), so the walk tests the
exact comparison at every such root and between consecutive roots, in order, and stops at the
first where some y beats X.  docs/break-even.md ("Best packages") has the argument and an example.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Sequence

import numpy as np

from .candidates import Candidate
from .screen import Screen

#: a polynomial in t: coefficients, constant first
Poly = tuple[Fraction, ...]


class IrrationalBreakpoint(ArithmeticError):
    """A crossing that is not a rational number (not expected for single-party inputs; reported, never rounded)."""


def _mul(a: Poly, b: Poly) -> Poly:
    out = [Fraction(0)] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            out[i + j] += x * y
    return tuple(out)


def _sub(a: Poly, b: Poly) -> Poly:
    n = max(len(a), len(b))
    return tuple((a[i] if i < len(a) else 0) - (b[i] if i < len(b) else 0) for i in range(n))  # type: ignore[misc]


def _roots(poly: Poly) -> list[Fraction]:
    """The real roots of a polynomial of degree at most 2, exactly (IrrationalBreakpoint if they are not rational)."""
    c = list(poly) + [Fraction(0)] * (3 - len(poly))
    if c[2] == 0:
        return [] if c[1] == 0 else [-c[0] / c[1]]
    disc = c[1] * c[1] - 4 * c[2] * c[0]
    if disc < 0:
        return []
    n, d = disc.numerator, disc.denominator
    rn, rd = math.isqrt(n), math.isqrt(d)
    if rn * rn != n or rd * rd != d:
        raise IrrationalBreakpoint(f"a crossing at an irrational value (discriminant {disc})")
    root = Fraction(rn, rd)
    return sorted({(-c[1] - root) / (2 * c[2]), (-c[1] + root) / (2 * c[2])})


@dataclass
class Walk:
    """One incumbent, one input, one direction: ``t`` >= 0 is the distance moved from the stated value."""

    criterion: str
    parties: Sequence[str]
    party: str
    reservation_moves: bool
    direction: int
    reservations: dict[str, Fraction]
    candidates: list[Candidate]
    end: Fraction
    _pieces: list[tuple[Fraction, Fraction, dict[str, Poly]]] = field(default_factory=list)
    _ideal: dict[Fraction, dict[str, Fraction]] = field(default_factory=dict)
    _lines: dict[int, Poly] = field(default_factory=dict)
    _spans: dict[int, tuple[Fraction | None, Fraction | None] | None] = field(default_factory=dict)
    _cache: dict[int, Any] = field(default_factory=dict)

    # ---- one candidate along t
    def gain_p(self, c: Candidate) -> Poly:
        line = self._lines.get(id(c))
        if line is None:
            slope = self.direction * (c.sigma - (1 if self.reservation_moves else 0))
            line = self._lines[id(c)] = (c.utilities[self.party] - self.reservations[self.party], Fraction(slope))
        return line

    def span(self, c: Candidate) -> tuple[Fraction | None, Fraction | None] | None:
        """Where the candidate is acceptable, as (from, to) in t (None: unbounded that way); None: nowhere."""
        if id(c) not in self._spans:
            a, b = self.gain_p(c)
            if c.constant is not None or c.accepted_out or b == 0:
                ok = c.constant if c.constant is not None else c.accepted_out or (c.accepted_in and a >= 0)
                self._spans[id(c)] = (None, None) if ok else None
            elif not c.accepted_in:
                self._spans[id(c)] = None
            else:
                self._spans[id(c)] = (-a / b, None) if b > 0 else (None, -a / b)
        return self._spans[id(c)]

    def live(self, s: Fraction, e: Fraction) -> list[Candidate]:
        """The candidates acceptable at every point of [s, e]."""
        found = []
        for c in self.candidates:
            span = self.span(c)
            if span is not None and (span[0] is None or span[0] <= s) and (span[1] is None or e <= span[1]):
                found.append(c)
        return found

    def gain(self, c: Candidate, q: str) -> Poly:
        return self.gain_p(c) if q == self.party else (c.utilities[q] - self.reservations[q],)

    def utility(self, c: Candidate, q: str) -> Poly:
        return (c.utilities[q], Fraction(self.direction * c.sigma)) if q == self.party else (c.utilities[q],)

    def switch(self, c: Candidate) -> Fraction | None:
        a, b = self.gain_p(c)
        return None if b == 0 or c.constant is not None else -a / b

    def accepted(self, c: Candidate, t: Fraction) -> bool:
        span = self.span(c)
        return span is not None and (span[0] is None or span[0] <= t) and (span[1] is None or t <= span[1])

    def key(self, c: Candidate, t: Fraction, piece: dict[str, Poly] | None = None) -> tuple[Fraction, Fraction]:
        """(criterion value, total utility of all parties) at ``t``; ``piece``: Kalai's ideal gains there, if known."""
        fixed, moving, (s0, s1), (t0, t1) = self._data(c)
        if self.criterion == "kalai":
            ideal = self.ideal(t) if piece is None else None
            values = self._term_values(c, t, piece or {}, ideal)
            return min(values, default=Fraction(0)), t0 + t1 * t
        if self.criterion == "utilitarian":
            return s0 + s1 * t, t0 + t1 * t
        a, b = self.gain_p(c)
        own = a + b * t
        lowest, product, positive = fixed
        if self.criterion == "maxmin":
            values = ([own] if moving else []) + ([lowest] if lowest is not None else [])
            return min(values, default=Fraction(0)), t0 + t1 * t
        if not positive or (moving and own <= 0):  # nash: 0 unless every gain is positive
            return Fraction(0), t0 + t1 * t
        return (product * own if moving else product), t0 + t1 * t

    def _data(self, c: Candidate) -> tuple[tuple[Fraction | None, Fraction, bool], bool, tuple[Fraction, Fraction],
                                           tuple[Fraction, Fraction]]:
        """Per candidate, once: the other criteria parties' gains (smallest, product, all positive), whether the moving
        party is a criteria party, the criteria parties' utility sum and the total utility as lines in t."""
        found = self._cache.get(id(c))
        if found is None:
            others = [c.utilities[q] - self.reservations[q] for q in self.parties if q != self.party]
            moving = self.party in self.parties
            slope = Fraction(self.direction * c.sigma)
            fixed = (min(others) if others else None, math.prod(others, start=Fraction(1)), all(g > 0 for g in others))
            crit = (sum((c.utilities[q] for q in self.parties), Fraction(0)), slope if moving else Fraction(0))
            found = self._cache[id(c)] = (fixed, moving, crit, (sum(c.utilities.values(), Fraction(0)), slope))
        return found

    def _term_values(self, c: Candidate, t: Fraction, piece: dict[str, Poly],
                     ideal: dict[str, Fraction] | None = None) -> list[Fraction]:
        """The criterion's terms at ``t`` (maxmin: each gain; utilitarian: the sum; Nash: the product, 0 unless
        every gain is positive; Kalai: each gain over its ideal, parties with no positive ideal left out)."""
        gains = [_at(self.gain(c, q), t) for q in self.parties]
        if self.criterion == "maxmin":
            return gains
        if self.criterion == "utilitarian":
            return [sum((_at(self.utility(c, q), t) for q in self.parties), Fraction(0))]
        if self.criterion == "nash":
            return [math.prod(gains, start=Fraction(1)) if all(g > 0 for g in gains) else Fraction(0)]
        tops = [ideal[q] if ideal is not None else _at(piece[q], t) for q in self.parties]
        return [g / top for g, top in zip(gains, tops) if top > 0]

    # ---- Kalai's ideal gains: exact at any t, linear on pieces
    def ideal(self, t: Fraction) -> dict[str, Fraction]:
        """Each criteria party's largest gain over the candidates acceptable at ``t``."""
        for s, e, piece in self.pieces():
            if s < t < e and piece:
                return {q: _at(piece[q], t) for q in self.parties}
        if t not in self._ideal:
            self._ideal[t] = self._largest(self.live(t, t), t)
        return self._ideal[t]

    def _largest(self, live: list[Candidate], t: Fraction) -> dict[str, Fraction]:
        r, p = self.reservations, self.party
        found = {q: max((c.utilities[q] for c in live), default=r[q]) - r[q] for q in self.parties if q != p}
        if p in self.parties:
            found[p] = max((a + b * t for a, b in (self.gain_p(c) for c in live)), default=Fraction(0))
        return found

    def pieces(self) -> list[tuple[Fraction, Fraction, dict[str, Poly]]]:
        """[lo, hi] with each party's ideal gain as a linear function on the open piece (Kalai only)."""
        if self._pieces:
            return self._pieces
        cuts = sorted({Fraction(0), self.end} | {s for c in self.candidates if (s := self.switch(c)) is not None and 0 < s < self.end})
        for lo, hi in zip(cuts, cuts[1:]):
            live = self.live(lo, hi)  # (every switch is a cut: a candidate is acceptable on all of the piece or on none)
            forms: dict[str, Poly] = {q: (g, Fraction(0)) for q, g in self._largest(live, lo).items() if q != self.party}
            own: dict[Fraction, Fraction] = {}
            for c in live:  # the best line of each slope, then their crossings split the piece
                a, b = self.gain_p(c)
                own[b] = max(own.get(b, a), a)
            lines = [(a, b) for b, a in own.items()]
            inner = sorted({x for i, (a1, b1) in enumerate(lines) for a2, b2 in lines[i + 1:]
                            if b1 != b2 and lo < (x := (a2 - a1) / (b1 - b2)) < hi}
                           | {x for a, b in lines if b and lo < (x := -a / b) < hi})
            for s, e in zip([lo, *inner], [*inner, hi]):
                m = (s + e) / 2
                piece = dict(forms)
                if self.party in self.parties:
                    piece[self.party] = max(lines, key=lambda f: _at(f, m), default=(Fraction(0), Fraction(0)))
                self._pieces.append((s, e, piece))
        if not self._pieces:
            self._pieces.append((Fraction(0), self.end, {}))
        return self._pieces

    def terms(self, c: Candidate, piece: dict[str, Poly]) -> list[tuple[Poly, Poly]]:
        """The criterion's value as terms numerator / denominator on one piece (the value is their minimum,
        or the one term, or 0 for Nash where a gain is not positive)."""
        one = (Fraction(1),)
        if self.criterion == "maxmin":
            return [(self.gain(c, q), one) for q in self.parties]
        if self.criterion == "utilitarian":
            total: Poly = (Fraction(0),)
            for q in self.parties:
                total = _sub(total, _sub((Fraction(0),), self.utility(c, q)))
            return [(total, one)]
        if self.criterion == "nash":
            product: Poly = one
            for q in self.parties:
                product = _mul(product, self.gain(c, q))
            return [(product, one), ((Fraction(0),), one)]
        return [(self.gain(c, q), piece.get(q, one)) for q in self.parties]

    # ---- the walk
    def flip(self, incumbent: Candidate) -> tuple[Fraction, bool, Candidate | None] | None:
        """The first t in [0, end] where ``incumbent`` is no longer a best package: (t, whether it still is at t,
        the package that beats it there -- None when it is no longer acceptable)."""
        best: tuple[Fraction, bool, Candidate | None] | None = None
        leaves = self.switch(incumbent)
        if leaves is not None and self.gain_p(incumbent)[1] < 0 and 0 <= leaves < self.end and not incumbent.accepted_out:
            best = (leaves, True, None)  # acceptable up to and including its switch, not beyond
        if not self.accepted(incumbent, Fraction(0)):
            return Fraction(0), False, None
        pieces = self.pieces() if self.criterion == "kalai" else [(Fraction(0), self.end, {})]
        screen = Screen(self)
        index = next(k for k, c in enumerate(self.candidates) if c.key() == incumbent.key())
        limit = self.end if best is None else best[0]
        may = screen.may_beat(index, pieces, limit)
        threat = screen.threat(pieces, limit)
        for k in sorted(np.flatnonzero(may), key=lambda k: -threat[k]):  # the most threatening first
            y = self.candidates[k]
            if k == index or not may[k]:
                continue
            limit = self.end if best is None else best[0]
            points = {Fraction(0), limit}
            for c in (y, incumbent):
                if (s := self.switch(c)) is not None:
                    points.add(s)
            points.update(_roots(_sub(self._total(y), self._total(incumbent))))
            for s, e, piece in pieces:
                if s > limit:
                    break
                points.update((s, e))
                for ny, dy in self.terms(y, piece):
                    for nx, dx in self.terms(incumbent, piece):
                        points.update(x for x in _roots(_sub(_mul(ny, dx), _mul(nx, dy))) if s < x < e)
                if self.criterion == "nash":
                    points.update(x for q in self.parties for c in (y, incumbent) for x in _roots(self.gain(c, q)))
            ordered = sorted(x for x in points if 0 <= x <= limit)
            found = self._first_beat(y, incumbent, ordered, pieces)
            if found is not None and (best is None or found[0] < best[0] or (found[0] == best[0] and not found[1] and best[1])):
                best = (found[0], found[1], y)
                may = may & screen.may_beat(index, pieces, best[0])  # a nearer flip: fewer can beat before it
        return best

    # ---- screening: a candidate whose value cannot reach the incumbent's anywhere is skipped
    def _total(self, c: Candidate) -> Poly:
        return (sum(c.utilities.values(), Fraction(0)), Fraction(self.direction * c.sigma))

    def _first_beat(self, y: Candidate, x: Candidate, points: list[Fraction], pieces: list[tuple[Fraction, Fraction, dict[str, Poly]]]) -> tuple[Fraction, bool] | None:
        def beats(t: Fraction) -> bool:
            if not self.accepted(y, t):
                return False
            piece = next((p for s, e, p in pieces if s < t < e and p), None)  # inside a piece: its linear forms
            return self.key(y, t, piece) > self.key(x, t, piece)

        for k, t in enumerate(points):
            if beats(t):
                return t, False
            if k + 1 < len(points) and beats((t + points[k + 1]) / 2):
                return t, True
        return None

    def breakpoints(self) -> list[Fraction]:
        """The acceptability switches and ideal-gain pieces met along the way (for choosing a verification step)."""
        found = {s for c in self.candidates if (s := self.switch(c)) is not None and 0 <= s <= self.end}
        if self.criterion == "kalai":
            found |= {s for s, _, _ in self.pieces()}
        return sorted(found)


def _at(poly: Poly, t: Fraction) -> Fraction:
    return sum((c * t**k for k, c in enumerate(poly)), Fraction(0))

