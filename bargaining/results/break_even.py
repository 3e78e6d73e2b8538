"""Break-even values: how far each number can move before a stated-world finding flips (docs/break-even.md).

A :class:`BreakEven` is one row: one finding, one number (an *input*: a reservation, a price, a
threshold, a point), one direction.  ``exact_flip`` is the exact value at which the finding stops
holding moving that way (None: never within the input's range; ``flip`` the same as a float, as every
number here: the plain name a float, the exact value under ``exact_``), ``holds_at_flip`` whether it
still holds at that value itself, ``verified`` whether the engine, asked again at the value and one
``step`` on each side (or at the range's end when there is no flip), agreed.  :class:`BreakEvenTable` holds all
rows with the provenance envelope; inputs that flip nothing are *inert* (:meth:`BreakEvenTable.inert`).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

import pandas as pd

from .envelope import FloatOf, FloatOrNoneOf, Result
from .formatting import frame_html, number

COLUMNS = ["finding", "finding_words", "input", "kind", "label", "party", "stated", "low", "high", "direction", "flip",
           "headroom", "holds_at_flip", "flipped", "verified", "step", "analysed", "note", "beyond", "argument"]


@dataclass(frozen=True)
class BreakEven:
    """One finding, one input, one direction (see the module docstring)."""

    input: str
    kind: str
    label: str
    party: str
    exact_stated: Fraction
    exact_low: Fraction
    exact_high: Fraction
    range_source: str
    finding: str
    finding_words: str
    direction: Literal["down", "up"]
    exact_flip: Fraction | None = None
    holds_at_flip: bool | None = None
    flipped: str = ""
    verified: bool | None = None
    exact_step: Fraction | None = None
    #: the engine's checks: (value, whether the finding should hold there, whether it does; None: not asked)
    checks: tuple[tuple[Fraction, bool, bool | None], ...] = field(default=(), repr=False)
    analysed: bool = True
    note: str = ""
    #: with no flip within the range: where the finding would flip beyond it (existence findings), and whether
    #: the engine verified that too (None: not computed)
    exact_beyond: Fraction | None = None
    beyond_verified: bool | None = None
    #: when no solve was needed: the argument that settles the row (the number's requirement is waived under
    #: the finding, or a conflict without it keeps the space closed); ``verified`` is then True by that argument
    argument: str = ""

    stated = FloatOf("exact_stated", "The input's stated value.")

    low = FloatOf("exact_low", "The low end of the input's range.")

    high = FloatOf("exact_high", "The high end of the input's range.")

    flip = FloatOrNoneOf("exact_flip", "Where the finding flips (None: never within the range).")

    step = FloatOrNoneOf("exact_step", "The decimal step of the engine's checks (None: none found).")

    beyond = FloatOrNoneOf("exact_beyond", "Where it would flip beyond the range (None: not computed).")

    @property
    def exact_headroom(self) -> Fraction | None:
        """How far the input moves from its stated value before the finding flips (None: never in the range)."""
        return None if self.exact_flip is None else abs(self.exact_flip - self.exact_stated)

    headroom = FloatOrNoneOf("exact_headroom")

    @property
    def exact_end(self) -> Fraction:
        """The end of the range in this direction."""
        return self.exact_high if self.direction == "up" else self.exact_low

    end = FloatOf("exact_end")

    def text(self) -> str:
        """The row in words: "Russia's reservation 20.1: up to 56 (+35.9), then ..."."""
        head = f"{self.label} {number(self.exact_stated)}"
        if not self.analysed:
            return f"{head} ({self.direction}): not analysed: {self.note}"
        if self.exact_flip is None:
            return f"{head}: never flips moving {self.direction} within its range (to {number(self.exact_end)})"
        sign = 1 if self.direction == "up" else -1
        if self.holds_at_flip:
            where = "up to and including" if sign > 0 else "down to and including"
        else:
            where = "until it rises to" if sign > 0 else "until it falls to"
        room = "no headroom" if not self.exact_headroom else number(sign * self.exact_headroom, sign=True)
        check = {True: "verified", False: "NOT verified", None: "not checked"}[self.verified]
        return f"{head}: holds {where} {number(self.exact_flip)} ({room}), then {self.flipped} [{check}]"


@dataclass(frozen=True, kw_only=True)
class BreakEvenTable(Result):
    """Every break-even row of a scenario's stated-world findings.

    ``findings``: (id, the finding in words) in order; ``rows``: :class:`BreakEven` rows; ``skipped``:
    (finding id, input id) pairs the time limit left unanalysed (``complete`` is then False).
    """

    scenario_name: str
    findings: tuple[tuple[str, str], ...] = ()
    rows: tuple[BreakEven, ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()

    def flips(self) -> list[BreakEven]:
        """The rows where the finding flips within the range."""
        return [r for r in self.rows if r.flip is not None]

    def inert(self) -> pd.DataFrame:
        """The inputs that flip no finding within their ranges (every row of theirs analysed, none flips):
        one row each with ``input``, ``kind``, ``label``, ``stated``, ``low``, ``high`` and ``why``."""
        by_input: dict[str, list[BreakEven]] = {}
        for r in self.rows:
            by_input.setdefault(r.input, []).append(r)
        skipped = {i for _, i in self.skipped}
        rows = []
        for key, group in by_input.items():
            if key in skipped or any(r.flip is not None or not r.analysed for r in group):
                continue
            first = group[0]
            why = next((r.note for r in group if r.note), "") or "no finding flips within the range"
            rows.append({"input": key, "kind": first.kind, "label": first.label, "stated": first.stated,
                         "low": first.low, "high": first.high, "why": why})
        return pd.DataFrame(rows, columns=["input", "kind", "label", "stated", "low", "high", "why"])

    def to_frame(self) -> pd.DataFrame:
        """One row per (finding, input, direction); numbers as floats (the exact values are on ``.rows``)."""
        data = [{"finding": r.finding, "finding_words": r.finding_words, "input": r.input, "kind": r.kind, "label": r.label,
                 "party": r.party, "stated": r.stated, "low": r.low, "high": r.high,
                 "direction": r.direction, "flip": r.flip, "headroom": r.headroom, "holds_at_flip": r.holds_at_flip,
                 "flipped": r.flipped, "verified": r.verified, "step": r.step, "analysed": r.analysed, "note": r.note,
                 "beyond": r.beyond, "argument": r.argument}
                for r in self.rows]
        frame = pd.DataFrame(data, columns=COLUMNS)
        frame.attrs.update(self.provenance())
        return frame

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: exact values as "p/q" strings beside floats."""
        def exact(x: Fraction | None) -> str | None:
            return None if x is None else str(x)

        rows = []
        for r in self.rows:
            rows.append({"finding": r.finding, "input": r.input, "kind": r.kind, "label": r.label, "party": r.party,
                         "stated": r.stated, "stated_exact": exact(r.exact_stated), "range": [r.low, r.high],
                         "range_source": r.range_source, "direction": r.direction,
                         "flip": r.flip, "flip_exact": exact(r.exact_flip),
                         "headroom": r.headroom, "holds_at_flip": r.holds_at_flip,
                         "flipped": r.flipped, "verified": r.verified, "step": exact(r.exact_step),
                         "checks": [[str(v), want, got] for v, want, got in r.checks], "analysed": r.analysed, "note": r.note,
                         "beyond": r.beyond, "beyond_exact": exact(r.exact_beyond),
                         "beyond_verified": r.beyond_verified, "argument": r.argument})
        return {"scenario": self.scenario_name, **self.provenance(),
                "findings": [{"id": i, "words": w} for i, w in self.findings], "rows": rows,
                "inert": self.inert()["input"].tolist(), "skipped": [list(x) for x in self.skipped]}

    def __repr__(self) -> str:
        flips = self.flips()
        unverified = sum(1 for r in flips if not r.verified)
        status = "" if self.complete else f", INCOMPLETE ({len(self.skipped)} pairs not analysed: {self.reason})"
        inputs = len({r.input for r in self.rows})
        return (f"<BreakEvenTable: {len(self.findings)} findings x {inputs} inputs, {len(flips)} flips within range"
                f"{f' ({unverified} not verified)' if unverified else ' (all verified)' if flips else ''}, "
                f"{len(self.inert())} inputs inert{status}>")

    def _repr_html_(self) -> str:
        head = f"<p>{html.escape(repr(self)[1:-1])}</p>"
        flips = self.to_frame()
        flips = flips[flips["flip"].notna()][["finding_words", "label", "stated", "direction", "flip", "headroom", "verified"]]
        inert = self.inert()
        return str(head + "<p>Flips within the range:</p>" + frame_html(flips)
                   + "<p>Inert (flip nothing within their ranges):</p>" + frame_html(inert))
