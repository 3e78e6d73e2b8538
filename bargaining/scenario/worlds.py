"""Sampled worlds: what the uncertainty fields of a scenario say the negotiation may really be.

A *world* fixes everything the file leaves uncertain: whether each red line with ``real: p``
is real (then hard) or not (then soft at its ``price``, or absent if it has none), each
reservation with a ``reservation_range``, and, for a party with a ``points_spread`` s, a
factor in [1 - s, 1 + s] for each of its points.  The *stated world* is the file as
written (:data:`STATED`): every line with ``real`` hard, reservations as stated, factors 1.

Sampling scheme (fixed, so the same seed gives the same worlds on any machine and with
any number of workers; everything is drawn up front, in the calling process):
``numpy.random.SeedSequence(seed).spawn(3)`` gives three PCG64 streams, one per kind.

* red lines: ``rng.random((samples, L))`` for the L lines with ``real`` in file order;
  line k is real in world w when the draw is below its ``real``;
* reservations: ``rng.random((samples, R))`` for the R parties with a range, in file
  order; reservation = low + u x (high - low);
* points: ``rng.random((samples, P, S))`` for the P parties with a spread, in file order,
  and S *slots* (every option of every discrete issue, then ``per_unit`` of a continuous
  issue, issue by issue in file order); factor = 1 - s + 2 s u.

Sampled numbers are floats; exact evaluation reads them as the exact Fractions they are.
Interaction values and prices are not scaled.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal, Mapping

from .schema import PER_UNIT, Issue, Party, RedLine

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable, Sequence

    import numpy as np
    import pandas as pd

Status = Literal["hard", "soft", "absent"]
#: A slot of a party's points: (issue id, option id), or (issue id, "per_unit").
Slot = tuple[str, str]


@dataclass(frozen=True)
class World:
    """One world: the uncertain red lines' truth, sampled reservations and points factors.

    ``real``: red line index -> real or not (only lines with ``real``; the others are as
    stated).  ``reservations``: party -> reservation (only parties with a range).
    ``factors``: party -> slot -> factor (only parties with a spread).  ``index``: the
    world's row in :meth:`Worlds.to_frame` (-1 for the stated world).  A sampled value is a float
    (its exact value is the float's); a Fraction is taken exactly (the ends of a stated range).
    """

    real: Mapping[int, bool] = field(default_factory=dict)
    reservations: Mapping[str, float | Fraction] = field(default_factory=dict)
    factors: Mapping[str, Mapping[Slot, float | Fraction]] = field(default_factory=dict)
    index: int = -1

    def status(self, k: int, red_line: RedLine) -> Status:
        """hard, soft (breaking it costs its price) or absent, in this world."""
        if red_line.real is not None and k in self.real and not self.real[k]:
            return "soft" if red_line.price is not None else "absent"
        return "soft" if red_line.soft else "hard"

    def reservation(self, party: Party) -> Fraction:
        from .numbers import exact

        value = self.reservations.get(party.id)
        return exact(party.reservation) if value is None else Fraction(value)

    def factor(self, party: str, issue: str, option: str) -> Fraction:
        """The factor on one of the party's points (1 when the party has no spread)."""
        table = self.factors.get(party)
        return Fraction(1) if table is None else Fraction(table[(issue, option)])

    def scales(self, party: str) -> bool:
        return party in self.factors


#: The file as written: every red line with ``real`` is hard, nothing is sampled.
STATED = World()


def slots(issues: list[Issue]) -> list[Slot]:
    """Every point a party can have, in the sampling order: options issue by issue, per_unit for a range."""
    return [(i.id, PER_UNIT) if i.is_continuous else (i.id, o) for i in issues for o in ([PER_UNIT] if i.is_continuous else i.option_ids)]


def unblocked(blocking: "Iterable[int]", masks: "np.ndarray") -> "np.ndarray":
    """Per world (``masks``: which lines are real there, :meth:`Worlds.real_masks`), whether an event with these
    minimal blocking sets holds: no set is all real."""
    import numpy as np

    holds = np.ones(len(masks), dtype=bool)
    for s in blocking:
        holds &= (masks & s) != s
    return holds


@dataclass(frozen=True)
class Worlds:
    """The sampled worlds of a scenario, held as arrays (rows are worlds)."""

    seed: int
    lines: list[int]  # indices of the red lines with ``real``
    line_ids: list[str]
    real: "np.ndarray"  # samples x lines, bool
    ranged: list[str]  # parties with a reservation range
    reservations: "np.ndarray"  # samples x ranged, float
    spread: list[str]  # parties with a points spread
    slots: list[Slot]
    factors: "np.ndarray"  # samples x spread x slots, float

    @classmethod
    def sample(cls, scenario: Any, samples: int, seed: int = 0) -> "Worlds":
        """Draw ``samples`` worlds of ``scenario`` with the fixed scheme of this module."""
        import numpy as np

        if isinstance(samples, bool) or not isinstance(samples, numbers.Integral) or samples < 1:
            raise ValueError(f"samples must be a positive whole number, not {samples!r}")
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
            raise ValueError(f"seed must be a whole number >= 0, not {seed!r}")
        samples, seed = int(samples), int(seed)
        streams = [np.random.Generator(np.random.PCG64(s)) for s in np.random.SeedSequence(seed).spawn(3)]
        lines = [k for k, r in enumerate(scenario.red_lines) if r.real is not None]
        chance = np.array([scenario.red_lines[k].real for k in lines], dtype=float)
        real = streams[0].random((samples, len(lines))) < chance
        ranged = [p for p in scenario.parties if p.reservation_range is not None]
        low = np.array([p.reservation_range[0] for p in ranged], dtype=float)
        high = np.array([p.reservation_range[1] for p in ranged], dtype=float)
        reservations = low + streams[1].random((samples, len(ranged))) * (high - low)
        spread = [p for p in scenario.parties if p.points_spread is not None]
        where = slots(scenario.issues)
        s = np.array([p.points_spread for p in spread], dtype=float).reshape(1, -1, 1)
        factors = 1 - s + 2 * s * streams[2].random((samples, len(spread), len(where)))
        return cls(seed, lines, [scenario.red_lines[k].id or str(k) for k in lines], real, [p.id for p in ranged],
                   reservations, [p.id for p in spread], where, factors)

    def __len__(self) -> int:
        return int(self.real.shape[0])

    def __getitem__(self, w: int) -> World:
        if not -len(self) <= w < len(self):
            raise IndexError(f"world {w} of {len(self)}")
        w %= len(self)
        return World(
            real={k: bool(self.real[w, j]) for j, k in enumerate(self.lines)},
            reservations={p: float(self.reservations[w, j]) for j, p in enumerate(self.ranged)},
            factors={p: {s: float(self.factors[w, j, n]) for n, s in enumerate(self.slots)} for j, p in enumerate(self.spread)},
            index=w,
        )

    def __iter__(self):  # type: ignore[no-untyped-def]
        return (self[w] for w in range(len(self)))

    def real_masks(self, lines: "Sequence[int]") -> "np.ndarray":
        """Per world, a bit mask of which of ``lines`` (indices of red lines with ``real``) are real there: bit j for
        ``lines[j]`` (the bit masks of :mod:`bargaining.algorithms.blocking`)."""
        import numpy as np

        masks = np.zeros(len(self), dtype=np.int64)
        for j, k in enumerate(lines):
            masks |= self.real[:, self.lines.index(k)].astype(np.int64) << j
        return masks

    @property
    def uncertain(self) -> bool:
        """Whether anything is sampled at all."""
        return bool(self.lines or self.ranged or self.spread)

    def to_frame(self) -> "pd.DataFrame":
        """One row per world (index ``world``): a boolean column per uncertain red line id (real or
        not), a column per party with a range (its reservation), and for a party with a spread a
        column ``factor:<party>:<issue>:<option>`` per point (its factor; the point in that world
        is the stated point times the factor)."""
        import pandas as pd

        columns: dict[str, Any] = {name: self.real[:, j] for j, name in enumerate(self.line_ids)}
        columns.update({p: self.reservations[:, j] for j, p in enumerate(self.ranged)})
        for j, p in enumerate(self.spread):
            columns.update({f"factor:{p}:{i}:{o}": self.factors[:, j, n] for n, (i, o) in enumerate(self.slots)})
        frame = pd.DataFrame(columns, index=pd.RangeIndex(len(self), name="world"))
        frame.attrs.update(seed=self.seed, samples=len(self))
        return frame

