"""Results of the uncertainty analyses: the deal in each sampled world, the chance of a deal,
the package acceptable in the most worlds."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Protocol, Sequence

import pandas as pd

from ..scenario import Scenario
from .envelope import Result
from .formatting import frame_html, number, percent
from .package import Package

#: z for a 95% interval.
Z95 = 1.959963984540054


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval (95% by default) for a share of ``successes`` in ``n`` trials."""
    if n <= 0:
        return (0.0, 1.0)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True)
class WorldDeal:
    """One sampled world: whether some package is acceptable, and the maxmin package's choices
    and gains there (each gain over the party's reservation in that world; ``exact_gains`` exactly)."""

    world: int
    deal: bool
    choices: dict[str, Any] | None = None
    exact_gains: dict[str, Fraction] | None = None
    #: False when "no deal" rests on the solver's word alone (a combination of options was left out on the way;
    #: see :attr:`~bargaining.engine.search.Search.unverified`)
    verified: bool = True

    @property
    def gains(self) -> dict[str, float] | None:
        return None if self.exact_gains is None else {p: float(g) for p, g in self.exact_gains.items()}


class DrawnChance(Protocol):
    """The chance of a deal with the red lines exact within each draw of the continuous inputs: what
    :class:`DealProbability` reads of a :class:`~bargaining.results.DrawnDeal`."""

    @property
    def constant(self) -> bool: ...
    @property
    def probability(self) -> float: ...
    @property
    def interval(self) -> tuple[float, float] | None: ...
    @property
    def text(self) -> str: ...
    @property
    def words(self) -> str: ...


@dataclass(frozen=True)
class DealProbability(Result):
    """The chance of a deal over sampled worlds, and each veto party's maxmin gain in those with one.

    ``worlds`` holds each sampled world's :class:`WorldDeal` (``deals`` of ``samples`` have one); :meth:`to_frame`
    is the distribution of each veto party's gain in the maxmin package over the worlds that have a deal.
    ``drawn``: the red lines' part of the chance computed exactly in each draw of the continuous inputs
    (:class:`~bargaining.results.DrawnDeal`); then ``probability`` is that chance, and ``interval`` is None when it
    is the same in every draw (exact: nothing sampled decides it) or the 95% interval of its mean over the draws.
    Without it, ``probability`` is the share of sampled worlds with a deal, ``interval`` its 95% Wilson interval;
    ``sampled_whole`` then says why, when the red lines' exact analysis within each draw was tried and stopped (it
    is in ``reason`` too).
    """

    scenario: Scenario = field(repr=False)
    parties: tuple[str, ...]
    worlds: tuple[WorldDeal, ...] = field(repr=False)
    seed: int = 0
    drawn: DrawnChance | None = field(default=None, repr=False)
    sampled_whole: str = field(default="", repr=False)

    @property
    def samples(self) -> int:
        return len(self.worlds)

    @property
    def deals(self) -> int:
        return sum(w.deal for w in self.worlds)

    @property
    def sampled_share(self) -> float:
        """The share of the sampled worlds with a deal (the red lines sampled too)."""
        return self.deals / max(1, self.samples)

    @property
    def probability(self) -> float:
        return self.drawn.probability if self.drawn is not None else self.sampled_share

    @property
    def interval(self) -> tuple[float, float] | None:
        return self.drawn.interval if self.drawn is not None else wilson(self.deals, self.samples)

    @property
    def text(self) -> str:
        """The chance in words, with its interval (or how it is exact)."""
        if self.drawn is not None:
            return self.drawn.text
        low, high = wilson(self.deals, self.samples)
        return (f"a deal in {self.deals:,} of {self.samples:,} worlds, {percent(self.probability)} "
                f"(95% interval {percent(low)} to {percent(high)})")

    def to_frame(self) -> pd.DataFrame:
        """One row per world with a deal (index: the world's number in ``space.worlds()``): each
        criteria party's gain in that world's maxmin package."""
        rows = {w.world: {p: float((w.exact_gains or {})[p]) for p in self.parties} for w in self.worlds if w.deal}
        frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(self.parties))
        frame.index.name = "world"
        frame.attrs.update(probability=self.probability, interval=self.interval, samples=self.samples, seed=self.seed)
        return frame

    def summary(self) -> pd.DataFrame:
        """Per criteria party: the mean and the 5th, 25th, 50th, 75th and 95th percentiles of its maxmin gain."""
        frame = self.to_frame()
        rows = [{"party": p, "mean": frame[p].mean(), **{f"p{q}": frame[p].quantile(q / 100) for q in (5, 25, 50, 75, 95)}}
                for p in self.parties] if len(frame) else []
        return pd.DataFrame(rows, columns=["party", "mean", "p5", "p25", "p50", "p75", "p95"])

    def __repr__(self) -> str:
        return f"<DealProbability: {self.text}>"

    def _repr_html_(self) -> str:
        head = f"<p>{html.escape(repr(self)[1:-1])}</p>"
        summary = self.summary()
        return head + ("<p>Each veto party's maxmin gain over the worlds with a deal:</p>" + frame_html(summary)
                       if len(summary) else "")


@dataclass(frozen=True, repr=False)
class RobustPackage(Package):
    """The package acceptable in the most sampled worlds (utilities and gains: the stated world's).

    ``wins`` worlds of ``samples``; ``bound`` is the solver's proven bound on the number of
    worlds any package can win (equal to ``wins`` when ``optimal``).  ``signers`` are the parties
    that accept it in the stated world; ``breaks`` the stated-world requirements of veto parties
    it fails (empty when it is acceptable as stated), each "Party: red line" or "Party's reservation"."""

    wins: int = 0
    samples: int = 0
    bound: int = 0
    breaks: tuple[str, ...] = ()

    @property
    def share(self) -> float:
        return self.wins / max(1, self.samples)

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.wins, self.samples)

    def __repr__(self) -> str:
        status = "" if self.optimal else f", not proven best (no package wins more than {self.bound})"
        choices = ", ".join(f"{i}: {self.label(i)}" for i in self.exact_choices)
        breaks = f"; breaks, as stated: {'; '.join(self.breaks)}" if self.breaks else ""
        return (f"<most robust package: acceptable in {self.wins:,} of {self.samples:,} worlds ({percent(self.share)}){status}"
                f"{breaks}: {choices}>")

    def _repr_html_(self) -> str:
        status = "" if self.optimal else f", not proven best (no package wins more than {self.bound})"
        breaks = f"; breaks, as stated: {html.escape('; '.join(self.breaks))}" if self.breaks else ""
        head = (f"<p><b>Most robust package</b>: acceptable in {self.wins:,} of {self.samples:,} worlds "
                f"({percent(self.share)}){status}{breaks}</p>")
        return head + super()._repr_html_()

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "wins": self.wins, "samples": self.samples, "share": self.share, "bound": self.bound,
                "interval": list(self.interval), "breaks": list(self.breaks)}


def share_text(share: float, interval: Sequence[float | None]) -> str:
    """"62% (58.94% to 65.01%)": shares by the one number rule."""
    low, high = interval
    if low is None or high is None:  # exact: no interval
        return percent(share)
    return f"{percent(share)} ({percent(low)} to {percent(high)})"


__all__ = ["DealProbability", "RobustPackage", "WorldDeal", "Z95", "number", "percent", "share_text", "wilson"]
