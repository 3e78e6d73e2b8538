"""An independent oracle for continuous issues: Adjusted Winner divisions between two parties.

Ann and Bob divide n divisible items; amount x_i in [0, 1] is Ann's share of item i.  Ann's
points are sum a_i x_i, Bob's true points sum b_i (1 - x_i) (a_i, b_i > 0).  Red lines may narrow
an item's share to [low_i, high_i].  In the scenario file Bob's per_unit is -b_i and the
constant sum b_i moves into his reservation (as in data/adjusted_winner.yaml), so gains are the
true points minus the true reservations.

The Pareto frontier of (Ann, Bob) over the box is the path that starts with every share at its
highest and hands items to Bob whole, in increasing order of a_i / b_i (the cheapest for Ann
per point of Bob's first): a concave, piecewise-linear curve.  Every criterion's optimum lies
on it, and each is found exactly here, in rational arithmetic, from its breakpoints:

* maxmin: where Ann's and Bob's gains cross (or an end of the path);
* utilitarian: the largest sum at a breakpoint or at an end of the acceptable stretch;
* kalai: where the gains as shares of their best acceptable values cross;
* nash: the largest product, a concave quadratic on each segment.

Nothing here uses the package; it reads the numbers it generated.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

F = Fraction


@dataclass
class Division:
    a: list[Fraction]  # Ann's points per item
    b: list[Fraction]  # Bob's points per item
    low: list[Fraction]  # the smallest share of each item Ann may get (red lines)
    high: list[Fraction]
    ann_reservation: Fraction  # in true points
    bob_reservation: Fraction  # in true points (the file holds this minus sum b)

    # ---- the frontier path
    def order(self) -> list[int]:
        return sorted(range(len(self.a)), key=lambda i: self.a[i] / self.b[i])

    def vertices(self) -> list[tuple[Fraction, Fraction, list[Fraction]]]:
        """(Ann's gain, Bob's gain, shares) at each breakpoint of the path, from Ann's best end to Bob's."""
        shares = list(self.high)
        points = [self._point(shares)]
        for i in self.order():
            shares[i] = self.low[i]
            points.append(self._point(shares))
        return points

    def _point(self, shares: list[Fraction]) -> tuple[Fraction, Fraction, list[Fraction]]:
        ann = sum((a * x for a, x in zip(self.a, shares)), F(0)) - self.ann_reservation
        bob = sum((b * (1 - x) for b, x in zip(self.b, shares)), F(0)) - self.bob_reservation
        return ann, bob, list(shares)

    def segments(self) -> list[tuple[Fraction, Fraction, Fraction, Fraction]]:
        """Each segment as (Ann's gain at its start, Bob's, Ann's loss per unit moved, Bob's gain per unit, length)."""
        out = []
        vertices = self.vertices()
        for k, i in enumerate(self.order()):
            ann, bob, _ = vertices[k]
            out.append((ann, bob, self.a[i], self.b[i], self.high[i] - self.low[i]))
        return out

    def acceptable_points(self) -> list[tuple[Fraction, Fraction]]:
        """The path's breakpoints with both gains >= 0, plus where a gain crosses 0 on a segment."""
        found = []
        for ann, bob, da, db, length in self.segments():
            found += [(ann - da * s, bob + db * s) for s in self._cuts(ann, bob, da, db, length)]
        last = self.vertices()[-1]
        found.append((last[0], last[1]))
        return [(x, y) for x, y in found if x >= 0 and y >= 0]

    @staticmethod
    def _cuts(ann, bob, da, db, length) -> list[Fraction]:
        cuts = [F(0)]
        if da and 0 < ann / da < length:
            cuts.append(ann / da)  # Ann's gain reaches 0
        if db and 0 < -bob / db < length:
            cuts.append(-bob / db)  # Bob's gain reaches 0
        return cuts

    def is_open(self) -> bool:
        return bool(self.acceptable_points())

    # ---- the criteria
    def maxmin(self) -> tuple[Fraction, Fraction] | None:
        """The gains maxmin picks: where they cross on the path, else the end where the smaller is largest."""
        return self._crossing(F(1), F(1))

    def kalai(self) -> tuple[Fraction, Fraction] | None:
        ideal_ann = max(x for x, _ in self.acceptable_points()) if self.is_open() else None
        ideal_bob = max(y for _, y in self.acceptable_points()) if self.is_open() else None
        if ideal_ann is None:
            return None
        if ideal_ann == 0 or ideal_bob == 0:  # a party left out: the other's largest share decides, ties by total
            return max(self.acceptable_points(), key=lambda p: (p[1] if ideal_ann == 0 else p[0], p[0] + p[1]))
        return self._crossing(ideal_ann, ideal_bob)

    def _crossing(self, scale_ann: Fraction, scale_bob: Fraction) -> tuple[Fraction, Fraction] | None:
        if not self.is_open():
            return None
        best = None
        for ann, bob, da, db, length in self.segments():
            for s in [F(0), length] + ([(ann / scale_ann - bob / scale_bob) / (da / scale_ann + db / scale_bob)]
                                       if da / scale_ann + db / scale_bob else []):
                if 0 <= s <= length:
                    x, y = ann - da * s, bob + db * s
                    if x >= 0 and y >= 0:
                        key = (min(x / scale_ann, y / scale_bob), x + y)
                        if best is None or key > best[0]:
                            best = (key, (x, y))
        return None if best is None else best[1]

    def utilitarian(self) -> Fraction | None:
        """The largest sum of gains among acceptable packages."""
        points = self.acceptable_points()
        return max((x + y for x, y in points), default=None)

    def nash(self) -> Fraction | None:
        """The largest product of gains among acceptable packages (both gains positive), or 0."""
        if not self.is_open():
            return None
        best = F(0)
        for ann, bob, da, db, length in self.segments():
            candidates = [F(0), length]
            if da and db:
                candidates.append((db * ann - da * bob) / (2 * da * db))  # the quadratic's top
            for s in candidates:
                if 0 <= s <= length:
                    x, y = ann - da * s, bob + db * s
                    if x > 0 and y > 0:
                        best = max(best, x * y)
        return best

    def bob_on_frontier(self, ann_gain: Fraction) -> Fraction | None:
        """Bob's largest gain given Ann's gain (None when Ann cannot get that much)."""
        for ann, bob, da, db, length in self.segments():
            if ann - da * length <= ann_gain <= ann:
                return bob + db * ((ann - ann_gain) / da if da else F(0))
        return None

    # ---- the scenario file
    def to_dict(self) -> dict:
        items = [f"item{i}" for i in range(len(self.a))]
        red_lines = []
        for i, item in enumerate(items):
            if self.low[i] > 0:
                red_lines.append({"party": "ann", "require": {item: {"at_least": float(self.low[i])}}})
            if self.high[i] < 1:
                red_lines.append({"party": "bob", "require": {item: {"at_most": float(self.high[i])}}})
        return {
            "format": 1, "name": "adjusted winner variant",
            "parties": [{"id": "ann", "reservation": float(self.ann_reservation)},
                        {"id": "bob", "reservation": float(self.bob_reservation - sum(self.b))}],
            "issues": [{"id": item, "range": [0, 1]} for item in items],
            "utilities": {"ann": {item: {"per_unit": float(a)} for item, a in zip(items, self.a)},
                          "bob": {item: {"per_unit": -float(b)} for item, b in zip(items, self.b)}},
            "red_lines": red_lines,
        }
