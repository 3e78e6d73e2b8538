"""Results of the exact uncertainty analysis over red lines that may not be real (docs/exact-uncertainty.md):
the chance of a deal with its structure (the minimal blocking sets) in words, and the most robust package.

Probabilities are exact rationals (``exact_probability``); ``probability`` is the float for reading.
There is no interval: nothing is sampled.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from ..scenario import Scenario, Worlds
from ..scenario.worlds import unblocked
from .envelope import FloatOf, Result
from .formatting import frame_html, number, percent
from .package import Package
from .ties import and_list
from .uncertainty import RobustPackage


@dataclass(frozen=True)
class UncertainLine:
    """A red line with ``real``: its index in ``scenario.red_lines``, id, party, words and probability
    (``exact_probability``; ``probability`` the float).  ``inert``: its truth decides nothing (an optional
    party that controls no issue)."""

    index: int
    id: str
    party: str
    label: str
    exact_probability: Fraction
    inert: bool = False

    probability = FloatOf("exact_probability")


def lines_of(scenario: Scenario, inert: Sequence[int] = ()) -> tuple[UncertainLine, ...]:
    """Every red line with ``real``, in file order."""
    return tuple(UncertainLine(k, r.id or str(k), r.party, line_phrase(scenario, k), _exact(r.real or 1), k in inert)
                 for k, r in enumerate(scenario.red_lines) if r.real is not None)


def line_phrase(scenario: Scenario, index: int) -> str:
    """Ukraine's "No handover ...", or the line described when it has no name."""
    line = scenario.red_lines[index]
    if line.name:
        return f"{scenario.party[line.party].possessive} \u201c{line.name}\u201d"
    return scenario.describe_red_line(index)


def exactly(value: Fraction) -> str:
    """The percentage, then the exact fraction when the percentage shown is not exactly it: "33.33% (exactly 1/3)"."""
    shown = percent(value)
    return shown if Fraction(shown[:-1].replace(",", "")) == 100 * value else f"{shown} (exactly {value})"


def _exact(value: float) -> Fraction:
    return Fraction(repr(float(value)))


def _decimal(p: Fraction) -> str:
    return number(p) if p.denominator in (1, 2, 4, 5, 8, 10, 20, 25, 40, 50, 100) or len(str(p)) > 12 else str(p)


@dataclass(frozen=True, kw_only=True)
class ExactDeal(Result):
    """The chance that some package is acceptable, over every world of the uncertain red lines, exactly.

    ``blocking``: the minimal blocking sets (each a tuple of red-line indices): a deal exists
    unless every line of one of them is real.  ``lines``: every red line with ``real``."""

    scenario: Scenario = field(repr=False)
    lines: tuple[UncertainLine, ...]
    blocking: tuple[tuple[int, ...], ...]
    exact_probability: Fraction

    probability = FloatOf("exact_probability")

    @property
    def interval(self) -> None:
        """No interval: the probability is exact."""
        return None

    def line(self, index: int) -> UncertainLine:
        return next(x for x in self.lines if x.index == index)

    @property
    def words(self) -> str:
        """"A deal exists unless A and B are both real" (with "At least:" before it when the analysis was cut short:
        then the packages found so far are acceptable in those worlds, and others may be in more)."""
        if not self.complete:
            if self.blocking == ((),):
                return "Not known: the analysis stopped before it found any acceptable package"
            return "At least (the analysis was cut short): " + self._words()
        return self._words()

    def _words(self) -> str:
        if not any(not x.inert and x.exact_probability < 1 for x in self.lines):
            return ("No red line that matters is marked uncertain: " +
                    ("a deal exists as stated" if not self.blocking else "no package is acceptable as stated"))
        if not self.blocking:
            return "A deal exists in every world: no combination of the uncertain red lines blocks every package"
        if self.blocking == ((),):
            return "No deal exists in any world: no package is acceptable even if no uncertain red line is real"
        parts = []
        for group in self.blocking:
            names = [self.line(k).label for k in group]
            parts.append(f"{names[0]} is real" if len(names) == 1 else
                         f"{and_list(names)} are {'both' if len(names) == 2 else 'all'} real")
        if len(parts) <= 4:
            return "A deal exists unless " + "; or ".join(parts)
        return f"A deal exists unless one of {len(parts)} sets of lines is all real (listed in the table)"

    @property
    def expression(self) -> str:
        """The probability as a formula in the lines' probabilities, then its value: "1 - 0.75 x 0.5 = 62.5%"
        (ASCII, as every number the tool prints)."""
        value = exactly(self.exact_probability) if self.complete else f"at least {exactly(self.exact_probability)}"
        if not self.blocking or self.blocking == ((),):
            return value
        if _disjoint(self.blocking) and len(self.blocking) <= 4:
            factors = [" x ".join(_decimal(self.line(k).exact_probability) for k in group) for group in self.blocking]
            if len(factors) == 1:
                return f"1 - {factors[0]} = {value}"
            return "".join(f"(1 - {f})" for f in factors) + f" = {value}"
        involved = len({k for group in self.blocking for k in group})
        return f"1 - P(some blocking set is all real), over the {involved} lines involved = {value}"

    @property
    def summary(self) -> str:
        """The structure and the number in one sentence."""
        return f"{self.words}: {self.expression}"

    def to_frame(self) -> pd.DataFrame:
        """One row per minimal blocking set: its lines (ids), their words, and the chance that all are real."""
        rows = []
        for group in self.blocking:
            chance = Fraction(1)
            for k in group:
                chance *= self.line(k).exact_probability
            rows.append({"lines": ", ".join(self.line(k).id for k in group), "size": len(group),
                         "words": "; ".join(self.line(k).label for k in group), "all real": float(chance)})
        frame = pd.DataFrame(rows, columns=["lines", "size", "words", "all real"])
        frame.attrs.update(probability=self.probability, exact_probability=str(self.exact_probability), **self.provenance())
        return frame

    def __repr__(self) -> str:
        return f"<ExactDeal: {self.summary}>"

    def _repr_html_(self) -> str:
        table = self.to_frame()
        return (f"<p><b>Chance of a deal</b> (exact, over every world of the uncertain red lines): "
                f"{html.escape(self.summary)}.</p>" + (frame_html(table) if len(table) else ""))


def _disjoint(groups: Sequence[Sequence[int]]) -> bool:
    seen: set[int] = set()
    for group in groups:
        if seen & set(group):
            return False
        seen |= set(group)
    return True


@dataclass(frozen=True, repr=False)
class ExactRobustPackage(RobustPackage):
    """The package acceptable with the highest probability over the worlds of the uncertain red lines
    (utilities and gains: the stated world's; ``signers`` and ``breaks`` as for a
    :class:`~bargaining.results.RobustPackage`).  ``exact_probability`` (``share`` the float): its chance;
    ``blocking``: its own minimal blocking sets (it is acceptable unless all lines of one of them are real);
    ``tied``: other acceptance profiles with the same probability, in words (empty: none).  Nothing is
    sampled: ``wins``, ``samples`` and ``bound`` are 0 and there is no interval."""

    exact_probability: Fraction = Fraction(0)
    blocking: tuple[tuple[int, ...], ...] = ()
    tied: tuple[str, ...] = ()
    lines: tuple[UncertainLine, ...] = field(default=(), compare=False)

    share = FloatOf("exact_probability")

    @property
    def interval(self) -> None:  # type: ignore[override]
        return None

    @property
    def words(self) -> str:
        """"acceptable unless A is real"."""
        names = {x.index: x.label for x in self.lines}
        if not self.blocking:
            return "acceptable in every world"
        parts = [f"{names.get(g[0], g[0])} is real" if len(g) == 1 else
                 f"{and_list([names.get(k, str(k)) for k in g])} are {'both' if len(g) == 2 else 'all'} real" for g in self.blocking]
        return "acceptable unless " + "; or ".join(parts)

    def __repr__(self) -> str:
        tie = f"; tied with {len(self.tied)} other profile(s)" if self.tied else ""
        choices = ", ".join(f"{i}: {self.label(i)}" for i in self.exact_choices)
        breaks = f"; breaks, as stated: {'; '.join(self.breaks)}" if self.breaks else ""
        return f"<most robust package: {percent(self.exact_probability)} ({self.words}){tie}{breaks}: {choices}>"

    def _repr_html_(self) -> str:
        head = f"<p><b>Most robust package</b>: {percent(self.exact_probability)}, {html.escape(self.words)}</p>"
        if self.tied:
            head += "<p>Tied: " + html.escape("; ".join(self.tied)) + "</p>"
        if self.breaks:
            head += "<p>Breaks, as stated: " + html.escape("; ".join(self.breaks)) + "</p>"
        return head + Package._repr_html_(self)

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in Package.to_dict(self).items()}
        return {**data, "breaks": list(self.breaks), "probability": self.share, "exact_probability": str(self.exact_probability),
                "blocking": [[next((x.id for x in self.lines if x.index == k), str(k)) for k in g] for g in self.blocking],
                "tied": list(self.tied)}


@dataclass(frozen=True, kw_only=True)
class DrawnDeal(Result):
    """The chance of a deal when reservations or points are uncertain too: the continuous inputs drawn
    (``draws``, seed ``seed``), the real lines exact within each draw.  ``structure``: the exact analysis
    with the reservations and points as stated.  ``constant``: the deal's blocking sets are the same in
    every draw (checked at the corners of the ranges), so the chance is exact and nothing is sampled;
    otherwise ``interval`` is the 95% interval of the mean over the draws."""

    scenario: Scenario = field(repr=False)
    structure: ExactDeal
    draws: int
    seed: int
    exact_probability: Fraction
    constant: bool
    spread: tuple[float, float] | None = None
    #: The uncertain lines the blocking sets range over (bit j: ``scenario.red_lines[lines[j]]``).
    lines: tuple[int, ...] = field(default=(), repr=False)
    #: The deal's minimal blocking sets in each draw (one family for all draws when ``constant``).
    families: tuple[frozenset[int], ...] = field(default=(), repr=False)

    probability = FloatOf("exact_probability")

    @property
    def words(self) -> str:
        """The deal's structure in words, with the reservations and points as stated."""
        return self.structure.words

    def deals_in(self, worlds: Worlds) -> np.ndarray:
        """Whether each of ``worlds`` (the same draws: ``space.worlds(draws, seed)``, their red lines sampled too)
        has an acceptable package: no blocking set of its draw is all real there.  Read off, nothing solved."""
        if (worlds.seed, len(worlds)) != (self.seed, self.draws) or not self.families:
            raise ValueError(f"these are not the {self.draws:,} draws of seed {self.seed} the analysis ran on")
        masks = worlds.real_masks(self.lines)
        if self.constant:
            return unblocked(self.families[0], masks)
        return np.array([unblocked(family, masks[w:w + 1])[0] for w, family in enumerate(self.families)], dtype=bool)

    @property
    def interval(self) -> tuple[float, float] | None:
        return None if self.constant else self.spread

    @property
    def text(self) -> str:
        if self.constant:
            return (f"{exactly(self.exact_probability)}, exactly, whatever the reservations within their ranges: "
                    f"{self.structure.words} in every draw")
        low, high = self.spread or (self.probability, self.probability)
        return (f"{percent(self.exact_probability)} (95% interval {percent(low)} to {percent(high)}) over {self.draws:,} draws "
                f"of the reservation ranges and points spreads, the red lines exact in each draw")

    def to_frame(self) -> pd.DataFrame:
        low, high = self.interval or (float("nan"), float("nan"))
        frame = pd.DataFrame([{"probability": self.probability, "low": low, "high": high, "draws": self.draws,
                               "constant": self.constant}])
        frame.attrs.update(**self.provenance())
        return frame

    def __repr__(self) -> str:
        return f"<DrawnDeal: {self.text}>"

    def _repr_html_(self) -> str:
        return f"<p><b>Chance of a deal</b>: {html.escape(self.text)}.</p>"
