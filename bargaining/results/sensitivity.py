"""What the findings hinge on: the result of ``space.sensitivity()`` (docs/exact-uncertainty.md).

:class:`Sensitivity` holds the chance of a deal with its structure (:class:`ExactDeal`: the minimal
blocking sets and the formula in words), the most robust package, the value of information ranked
with ties, the *tornado* (one :class:`TornadoBar` per uncertain input: how far the chance of a deal
swings as that input moves over its range with the others held, and where the most robust
package or the first question changes), every tie found in a ranking (:class:`Tie`), and the
break-even table of the stated-world findings when it is computed (``break_even``: a result object
with ``.to_frame()`` and ``.inert()``, built elsewhere; None when absent).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

import pandas as pd

from ..scenario import Scenario
from .envelope import Result
from .exact_uncertainty import ExactDeal, ExactRobustPackage, percent
from .package import number
from .ties import PROBABILITY_TOLERANCE, rank

Kind = Literal["real", "reservation", "points spread"]


@dataclass(frozen=True)
class Change:
    """Where a finding changes as one input moves away from its stated value in one direction.

    ``at``: the exact value (a rational) at which it changes, checked on both sides (``verified``);
    None when it is not located exactly: then ``between`` is the interval it changes in (an input
    whose effect is not linear: a reservation or a spread), or None as well when it never changes
    within the range."""

    finding: str  # "most robust package" or "first question"
    direction: Literal["up", "down"]
    before: str
    after: str | None = None
    at: Fraction | None = None
    between: tuple[Fraction, Fraction] | None = None
    verified: bool = False

    @property
    def changes(self) -> bool:
        return self.at is not None or self.between is not None

    def text(self, value: Any = number) -> str:
        if self.at is not None:
            return f"{self.finding} changes at {value(self.at)} (to {self.after})"
        if self.between is not None:
            return f"{self.finding} changes between {value(self.between[0])} and {value(self.between[1])} (to {self.after})"
        return f"{self.finding}: no change {'above' if self.direction == 'up' else 'below'} the stated value"


@dataclass(frozen=True)
class TornadoBar:
    """One uncertain input: the chance of a deal at each end of its range with the others held.

    ``input``: a red line's id (kind "real": its probability over [0, 1]) or a party's id (kind
    "reservation": over its ``reservation_range``; kind "points spread": every point of the party
    scaled by 1 - s and 1 + s).  ``deal_low`` / ``deal_high``: the exact chance of a deal at
    ``low`` / ``high``; ``changes``: where the most robust package and the first question change."""

    input: str
    kind: Kind
    label: str
    stated: Fraction
    low: Fraction
    high: Fraction
    deal_low: Fraction
    deal_high: Fraction
    deal_stated: Fraction
    changes: tuple[Change, ...] = ()

    @property
    def swing(self) -> Fraction:
        return abs(self.deal_high - self.deal_low)

    @property
    def inert(self) -> bool:
        """Moving it over its whole range changes no finding here."""
        return self.swing == 0 and not any(c.changes for c in self.changes)


@dataclass(frozen=True)
class Tie:
    """Items of one ranking that are tied (equal, or within the ranking's tolerance)."""

    ranking: str
    items: tuple[str, ...]
    value: str
    exact: bool = True
    note: str = ""

    @property
    def text(self) -> str:
        from .ties import and_list

        if not self.value:
            return f"{self.ranking}: {and_list(list(self.items))}"
        tied = "tied" if self.exact else "tied within the tolerance"
        return f"{self.ranking}: {tied}: {and_list(list(self.items))}, {self.value} each" + (f"; {self.note}" if self.note else "")


TORNADO_COLUMNS = ["input", "kind", "label", "stated", "low", "high", "deal at low", "deal at high", "deal stated", "swing",
                   "rank", "most robust changes", "first question changes", "inert"]


@dataclass(frozen=True, kw_only=True)
class Sensitivity(Result):
    """What the uncertain findings hinge on (see the module's docstring).  ``.to_frame()`` is the tornado."""

    scenario: Scenario = field(repr=False)
    deal: ExactDeal
    most_robust: ExactRobustPackage | None
    information: pd.DataFrame = field(repr=False, compare=False)
    tornado: tuple[TornadoBar, ...] = ()
    ties: tuple[Tie, ...] = ()
    break_even: Any = None

    def to_frame(self) -> pd.DataFrame:
        """One row per uncertain input, the largest swing first (``rank`` shared by tied swings)."""
        groups = rank(list(self.tornado), key=lambda bar: bar.swing, tolerance=PROBABILITY_TOLERANCE)
        rows = []
        for group in groups:
            for bar in group.items:
                robust = [c.text() for c in bar.changes if c.finding == "most robust package" and c.changes]
                question = [c.text() for c in bar.changes if c.finding == "first question" and c.changes]
                rows.append({"input": bar.input, "kind": bar.kind, "label": bar.label, "stated": float(bar.stated),
                             "low": float(bar.low), "high": float(bar.high), "deal at low": float(bar.deal_low),
                             "deal at high": float(bar.deal_high), "deal stated": float(bar.deal_stated), "swing": float(bar.swing),
                             "rank": group.rank, "most robust changes": "; ".join(robust), "first question changes": "; ".join(question),
                             "inert": bar.inert})
        frame = pd.DataFrame(rows, columns=TORNADO_COLUMNS)
        frame.attrs.update(probability=self.deal.probability, exact_probability=str(self.deal.exact_probability), **self.provenance())
        return frame

    def inert(self) -> list[str]:
        """The inputs whose whole range changes no finding here."""
        return [bar.input for bar in self.tornado if bar.inert]

    def blocking_frame(self) -> pd.DataFrame:
        """The minimal blocking sets (see :meth:`ExactDeal.to_frame`)."""
        return self.deal.to_frame()

    @property
    def summary(self) -> str:
        return self.deal.summary

    def __repr__(self) -> str:
        swinging = [b for b in self.tornado if not b.inert]
        return (f"<Sensitivity: {self.deal.summary}; {len(swinging)} of {len(self.tornado)} uncertain inputs move a finding"
                f"{'' if self.complete else '; INCOMPLETE: ' + self.reason}>")

    def _repr_html_(self) -> str:
        parts = [f"<p><b>What these findings hinge on.</b> {html.escape(self.deal.summary)}.</p>"]
        if self.most_robust is not None:
            parts.append(f"<p>Most robust package: {percent(self.most_robust.exact_probability)}, "
                         f"{html.escape(self.most_robust.words)}.</p>")
        parts += [f"<p>{html.escape(t.text)}</p>" for t in self.ties]
        parts.append(self.to_frame().drop(columns=["label"]).to_html(index=False))
        if self.break_even is not None:
            frame = self.break_even.to_frame()
            parts.append("<p><b>Break-even values of the stated-world findings</b></p>" + frame.to_html(index=False))
        if not self.complete:
            parts.append(f"<p><b>Incomplete:</b> {html.escape(self.reason)}</p>")
        return "".join(parts)
