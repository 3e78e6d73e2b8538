"""What the findings hinge on: the result of ``space.sensitivity()`` (docs/exact-uncertainty.md).

:class:`Sensitivity` holds the chance of a deal with its structure (:class:`ExactDeal`: the minimal
blocking sets and the formula in words), the most robust package, the value of information ranked
with ties, the *tornado* (one :class:`TornadoBar` per uncertain input: how far the chance of a deal
swings as that input moves over its range with the others held, and where the most robust
package or the first question changes), every tie found in a ranking (:class:`Tie`), and the
break-even table of the stated-world findings (``break_even``: a
:class:`~bargaining.results.break_even.BreakEvenTable`, docs/break-even.md; None when it was left out).
Numbers: floats under the plain names, exact rationals under ``exact_`` names (``exact_stated``,
``exact_deal_low``, ``exact_at``, ...).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

import pandas as pd

from ..scenario import Scenario
from .break_even import BreakEvenTable
from .envelope import FloatOf, Result
from .exact_uncertainty import ExactDeal, ExactRobustPackage
from .formatting import frame_html, number, percent
from .tables import ValueOfInformation
from .ties import PROBABILITY_TOLERANCE, rank

Kind = Literal["real", "reservation", "points spread"]


@dataclass(frozen=True)
class Change:
    """Where a finding changes as one input moves away from its stated value in one direction.

    ``exact_at``: the exact value (a rational) at which it changes, checked on both sides (``verified``);
    None when it is not located exactly: then ``exact_between`` is the interval it changes in (an input
    whose effect is not linear: a reservation or a spread), or None as well when it never changes
    within the range.  ``exact_beyond``: for a probability with a ``real_range``, where it would change
    beyond the range (between the range's end and 0 or 1); it does not count as a change.  ``at``,
    ``between`` and ``beyond`` are the same as floats."""

    finding: str  # "most robust package" or "first question"
    direction: Literal["up", "down"]
    before: str
    after: str | None = None
    exact_at: Fraction | None = None
    exact_between: tuple[Fraction, Fraction] | None = None
    verified: bool = False
    exact_beyond: Fraction | None = None

    @property
    def beyond(self) -> float | None:
        return None if self.exact_beyond is None else float(self.exact_beyond)

    @property
    def at(self) -> float | None:
        return None if self.exact_at is None else float(self.exact_at)

    @property
    def between(self) -> tuple[float, float] | None:
        return None if self.exact_between is None else (float(self.exact_between[0]), float(self.exact_between[1]))

    @property
    def changes(self) -> bool:
        return self.exact_at is not None or self.exact_between is not None

    def text(self) -> str:
        if self.exact_at is not None:
            return f"{self.finding} changes at {number(self.exact_at)} (to {self.after})"
        if self.exact_between is not None:
            return (f"{self.finding} changes between {number(self.exact_between[0])} and {number(self.exact_between[1])} "
                    f"(to {self.after})")
        if self.exact_beyond is not None:
            return (f"{self.finding}: no change within its range {'above' if self.direction == 'up' else 'below'} the stated value "
                    f"(it would change at {number(self.exact_beyond)}, beyond the range, to {self.after})")
        return f"{self.finding}: no change {'above' if self.direction == 'up' else 'below'} the stated value"


@dataclass(frozen=True)
class TornadoBar:
    """One uncertain input: the chance of a deal at each end of its range with the others held.

    ``input``: a red line's id (kind "real": its probability over its ``real_range``, else [0, 1]) or a party's id (kind
    "reservation": over its ``reservation_range``; kind "points spread": every point of the party
    scaled by 1 - s and 1 + s).  ``exact_deal_low`` / ``exact_deal_high``: the exact chance of a deal at
    ``exact_low`` / ``exact_high``; ``changes``: where the most robust package and the first question change.
    The plain names (``stated``, ``low``, ``high``, ``deal_low``, ``deal_high``, ``deal_stated``, ``swing``) are
    the same numbers as floats."""

    input: str
    kind: Kind
    label: str
    exact_stated: Fraction
    exact_low: Fraction
    exact_high: Fraction
    exact_deal_low: Fraction
    exact_deal_high: Fraction
    exact_deal_stated: Fraction
    changes: tuple[Change, ...] = ()

    @property
    def exact_swing(self) -> Fraction:
        return abs(self.exact_deal_high - self.exact_deal_low)

    swing = FloatOf("exact_swing")

    stated = FloatOf("exact_stated")

    low = FloatOf("exact_low")

    high = FloatOf("exact_high")

    deal_low = FloatOf("exact_deal_low")

    deal_high = FloatOf("exact_deal_high")

    deal_stated = FloatOf("exact_deal_stated")

    @property
    def inert(self) -> bool:
        """Moving it over its whole range changes no finding here."""
        return self.exact_swing == 0 and not any(c.changes for c in self.changes)


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
INERT_COLUMNS = ["input", "kind", "label", "stated", "low", "high", "analysis"]
#: The order in which the methods of a result made of several analyses are joined ("dp+mip").
METHODS = ("dp", "mip", "evaluation", "sampling")


def joined(*methods: str) -> str:
    """Several analyses' methods as one ("dp" and "mip+evaluation" -> "dp+mip+evaluation")."""
    parts = {m for method in methods for m in method.split("+") if m}
    return "+".join([m for m in METHODS if m in parts] + sorted(parts - set(METHODS)))


def input_id(bar: TornadoBar) -> str:
    """A tornado input's id, as the break-even table names the same number: a red line's id (its probability),
    ``reservation:<party>``, ``points_spread:<party>``."""
    return bar.input if bar.kind == "real" else f"{bar.kind.replace(' ', '_')}:{bar.input}"


@dataclass(frozen=True, kw_only=True)
class Sensitivity(Result):
    """What the findings hinge on (see the module's docstring).  ``.to_frame()`` is the tornado; ``.inert()`` every
    input, of the tornado and of the break-even table, that moves nothing over its whole range (one list)."""

    scenario: Scenario = field(repr=False)
    deal: ExactDeal
    most_robust: ExactRobustPackage | None
    information: ValueOfInformation = field(repr=False, compare=False)
    tornado: tuple[TornadoBar, ...] = ()
    ties: tuple[Tie, ...] = ()
    break_even: BreakEvenTable | None = None
    #: The smallest and largest chance of a deal with every line's probability anywhere in its ``real_range`` (all
    #: moved together; the chance is multilinear, so both are at corners of the ranges); None when no line has one.
    exact_deal_over_ranges: tuple[Fraction, Fraction] | None = None

    @property
    def deal_over_ranges(self) -> tuple[float, float] | None:
        span = self.exact_deal_over_ranges
        return None if span is None else (float(span[0]), float(span[1]))

    def to_frame(self) -> pd.DataFrame:
        """One row per uncertain input, the largest swing first (``rank`` shared by tied swings)."""
        groups = rank(list(self.tornado), key=lambda bar: bar.exact_swing, tolerance=PROBABILITY_TOLERANCE)
        rows = []
        for group in groups:
            for bar in group.items:
                robust = [c.text() for c in bar.changes if c.finding == "most robust package" and c.changes]
                question = [c.text() for c in bar.changes if c.finding == "first question" and c.changes]
                rows.append({"input": bar.input, "kind": bar.kind, "label": bar.label, "stated": bar.stated,
                             "low": bar.low, "high": bar.high, "deal at low": bar.deal_low,
                             "deal at high": bar.deal_high, "deal stated": bar.deal_stated, "swing": bar.swing,
                             "rank": group.rank, "most robust changes": "; ".join(robust), "first question changes": "; ".join(question),
                             "inert": bar.inert})
        frame = pd.DataFrame(rows, columns=TORNADO_COLUMNS)
        frame.attrs.update(probability=self.deal.probability, exact_probability=str(self.deal.exact_probability), **self.provenance())
        return frame

    def inert_frame(self) -> pd.DataFrame:
        """Every input that moves nothing over its whole range, one row each: its ``input`` id (a red line's id for
        its probability, ``reservation:<party>``, ``points_spread:<party>``, ``price:...``, ``threshold:...``,
        ``points:...``), kind, label, stated value, range, and which analyses found it inert ("tornado", "break-even"
        or both).  A number both analyses move (a reservation with a range) is inert only when neither moves anything."""
        found: dict[str, dict[str, Any]] = {}
        moving: set[str] = set()
        for bar in self.tornado:
            key = input_id(bar)
            if not bar.inert:
                moving.add(key)
                continue
            found[key] = {"input": key, "kind": bar.kind, "label": bar.label, "stated": bar.stated, "low": bar.low,
                          "high": bar.high, "analysis": "tornado"}
        if self.break_even is not None:
            quiet = {r.input for r in self.break_even.inert().itertuples() if r.why == "no finding flips within the range"}
            for row in self.break_even.rows:
                if row.input in quiet:
                    if row.input in found and found[row.input]["analysis"] == "tornado":
                        found[row.input]["analysis"] = "tornado, break-even"
                    else:
                        found.setdefault(row.input, {"input": row.input, "kind": row.kind, "label": row.label, "stated": row.stated,
                                                     "low": row.low, "high": row.high, "analysis": "break-even"})
                else:
                    moving.add(row.input)
        return pd.DataFrame([row for key, row in found.items() if key not in moving], columns=INERT_COLUMNS)

    def inert(self) -> list[str]:
        """The ids of the inputs that move nothing over their whole ranges (see :meth:`inert_frame`)."""
        return list(self.inert_frame()["input"])

    def blocking_frame(self) -> pd.DataFrame:
        """The minimal blocking sets (see :meth:`ExactDeal.to_frame`)."""
        return self.deal.to_frame()

    @property
    def summary(self) -> str:
        return self.deal.summary

    def __repr__(self) -> str:
        swinging = [b for b in self.tornado if not b.inert]
        table = ""
        if self.break_even is not None:
            table = f"; break-even: {len(self.break_even.flips())} flips within range"
        return (f"<Sensitivity: {self.deal.summary}; {len(swinging)} of {len(self.tornado)} uncertain inputs move a finding"
                f"{table}; {len(self.inert())} inputs inert{'' if self.complete else '; INCOMPLETE: ' + self.reason}>")

    def _repr_html_(self) -> str:
        parts = [f"<p><b>What these findings hinge on.</b> {html.escape(self.deal.summary)}.</p>"]
        if self.most_robust is not None:
            parts.append(f"<p>Most robust package: {percent(self.most_robust.exact_probability)}, "
                         f"{html.escape(self.most_robust.words)}.</p>")
        parts += [f"<p>{html.escape(t.text)}</p>" for t in self.ties]
        parts.append(frame_html(self.to_frame().drop(columns=["label"])))
        if self.break_even is not None:
            flips = self.break_even.to_frame()
            flips = flips[flips["flip"].notna()][["finding_words", "label", "stated", "direction", "flip", "headroom", "verified"]]
            parts.append("<p><b>Break-even values of the stated-world findings</b> (each number moved alone, everything else "
                         "as written)</p>" + frame_html(flips))
        inert = self.inert_frame()
        if len(inert):
            parts.append("<p><b>Inert</b> (nothing here moves over the whole range)</p>" + frame_html(inert))
        if not self.complete:
            parts.append(f"<p><b>Incomplete:</b> {html.escape(self.reason)}</p>")
        return "".join(parts)
