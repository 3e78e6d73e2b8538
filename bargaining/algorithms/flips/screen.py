"""A conservative screen for the walk (:mod:`.walk`): the candidates that cannot beat the incumbent anywhere.

On each piece of [0, limit] (the whole of it, or Kalai's pieces where the ideal gains are linear) every
term of a criterion is monotone in t, so a candidate's value there is at most the smallest over its
terms of the larger end value, and the incumbent's at least the smallest end value of any of its terms
(Kalai's ideal can jump at a piece's ends, where the exact values are taken in too).  A candidate whose
upper bound stays below the incumbent's lower bound on every piece where it is acceptable can never have
a larger key, so the exact walk skips it.  The bounds are computed for all candidates at once in floating
point and a candidate is skipped only when its bound is below by more than a relative 1e-9: far more than
the rounding of sums and products of a few decimals, so nothing that could beat the incumbent is skipped.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

#: A candidate is skipped only when its bound is below the incumbent's by more than this, relative.
MARGIN = 1e-9


class Screen:
    """Float arrays over the walk's candidates: criteria parties' gains, the moving gain, totals, acceptability."""

    def __init__(self, walk: Any):
        """``walk``: the :class:`~.walk.Walk` being screened (its candidates, lines, spans and ideal gains)."""
        self.walk = walk
        candidates, parties, party = walk.candidates, list(walk.parties), walk.party
        r = walk.reservations
        self.gains = np.array([[float(c.utilities[q] - r[q]) for q in parties] for c in candidates], dtype=float)
        self.gains = self.gains.reshape(len(candidates), len(parties))
        self.column = parties.index(party) if party in parties else None
        lines = [walk.gain_p(c) for c in candidates]
        self.a = np.array([float(a) for a, _ in lines])
        self.b = np.array([float(b) for _, b in lines])
        self.utility = np.array([float(sum((c.utilities[q] for q in parties), Fraction(0))) for c in candidates])
        self.utility_slope = np.array([walk.direction * c.sigma if party in parties else 0 for c in candidates], dtype=float)
        low, high = [], []
        for c in candidates:
            span = walk.span(c)
            low.append(np.inf if span is None else -np.inf if span[0] is None else float(span[0]))
            high.append(-np.inf if span is None else np.inf if span[1] is None else float(span[1]))
        slack = MARGIN * (1.0 + np.abs(np.where(np.isfinite(low), low, 0.0)))  # widened: a touching span counts
        self.low, self.high = np.array(low) - slack, np.array(high) + MARGIN * (1.0 + np.abs(np.where(np.isfinite(high), high, 0.0)))

    def terms(self, t: np.ndarray, ideal: np.ndarray | None) -> np.ndarray:
        """Candidates x terms at each candidate's own t (NaN marks a term that is not there)."""
        gains = self.gains.copy()
        if self.column is not None:
            gains[:, self.column] = self.a + self.b * t
        criterion = self.walk.criterion
        if criterion == "maxmin":
            return gains if gains.shape[1] else np.zeros((len(self.a), 1))
        if criterion == "utilitarian":
            total: np.ndarray = self.utility + self.utility_slope * t
            return total[:, None]
        if criterion == "nash":
            positive = (gains > 0).all(axis=1)
            product: np.ndarray = np.where(positive, np.prod(gains, axis=1), 0.0)
            return product[:, None]
        assert ideal is not None
        counted = ideal > 0
        return np.where(counted, gains / np.where(counted, ideal, 1.0), np.nan)

    def _ideal_at(self, piece: dict[str, Any], t: np.ndarray) -> np.ndarray:
        forms = [piece[q] for q in self.walk.parties]
        return np.stack([float(f[0]) + (float(f[1]) if len(f) > 1 else 0.0) * t for f in forms], axis=1)

    def _exact_values(self, t: Fraction) -> np.ndarray:
        ideal = self.walk.ideal(t)
        row = np.array([float(ideal[q]) for q in self.walk.parties])
        values = self.terms(np.full(len(self.a), float(t)), np.tile(row, (len(self.a), 1)))
        return _value(values, self.walk.criterion)

    def bounds(self, s: Fraction, e: Fraction, piece: dict[str, Any], lows: np.ndarray, highs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per candidate, a lower and an upper bound on its value over [low, high] (within one piece)."""
        kalai = self.walk.criterion == "kalai"
        if kalai and any(q not in piece for q in self.walk.parties):  # no linear ideal here: no bound
            return np.full(len(lows), -np.inf), np.full(len(lows), np.inf)
        at_low = self.terms(lows, self._ideal_at(piece, lows) if kalai else None)
        at_high = self.terms(highs, self._ideal_at(piece, highs) if kalai else None)
        missing = np.isnan(at_low)
        unbounded = (missing != np.isnan(at_high)).any(axis=1) | missing.all(axis=1)  # the counted terms change
        low_end, high_end = np.where(missing, np.inf, at_low), np.where(missing, np.inf, at_high)
        lower = np.minimum(low_end, high_end).min(axis=1)
        upper = np.where(missing, np.inf, np.maximum(at_low, at_high)).min(axis=1)
        if kalai:  # the ideal may jump at the piece's ends: take the exact values there in too
            ends = np.stack([self._exact_values(s), self._exact_values(e)])
            lower, upper = np.minimum(lower, ends.min(axis=0)), np.maximum(upper, ends.max(axis=0))
        return np.where(unbounded, -np.inf, lower), np.where(unbounded, np.inf, upper)

    def may_beat(self, incumbent: int, pieces: list[Any], limit: Fraction) -> np.ndarray:
        """Per candidate: whether it might beat the incumbent somewhere in [0, limit]."""
        n = len(self.a)
        may = np.zeros(n, dtype=bool)
        for s, e, piece in pieces:
            if s > limit:
                break
            e = min(e, limit)
            fs, fe = float(s), float(e)
            lows, highs = np.maximum(fs, self.low), np.minimum(fe, self.high)
            valid = lows <= highs
            if not valid.any():
                continue
            lower, upper = self.bounds(s, e, piece, np.where(valid, lows, fs), np.where(valid, highs, fe))
            own = self.bounds(s, e, piece, np.full(n, fs), np.full(n, fe))[0][incumbent]
            margin = MARGIN * (1.0 + np.abs(upper) + abs(own))
            may |= valid & ~(upper < own - margin)
        return may

    def threat(self, pieces: list[Any], limit: Fraction) -> np.ndarray:
        """Per candidate, an upper bound on its value where it is acceptable in [0, limit] (-inf: nowhere)."""
        best = np.full(len(self.a), -np.inf)
        for s, e, piece in pieces:
            if s > limit:
                break
            e = min(e, limit)
            lows, highs = np.maximum(float(s), self.low), np.minimum(float(e), self.high)
            valid = lows <= highs
            upper = self.bounds(s, e, piece, np.where(valid, lows, float(s)), np.where(valid, highs, float(e)))[1]
            best = np.where(valid, np.maximum(best, upper), best)
        return best


def _value(terms: np.ndarray, criterion: str) -> np.ndarray:
    if criterion in ("maxmin", "kalai"):
        smallest: np.ndarray = np.nanmin(np.where(np.isnan(terms).all(axis=1)[:, None], 0.0, terms), axis=1)
        return smallest
    return terms[:, 0]
