"""Numbers for people: one rule for every text output (terminal, report, notebook tables, figures).

The rule (stated in the README, "Numbers"): 4 significant digits, trailing zeros dropped, and
numbers of 1,000 or more rounded to a whole number with thousands separators, so that no digit
left of the decimal point is ever lost to an exponent; below 0.0001 (in magnitude) the exponent
form ``1.2e-06``.  The minus sign is ASCII ``-`` (text can be pasted back into Python or a
spreadsheet); a sign is shown on request (gains), never on zero.  Shares are percentages of
the same rule: ``percent(0.608)`` is ``60.8%``.

Data outputs are not text: CSV files and JSON carry every float's full precision, and the
exact values are on every result under ``exact_`` names (see :mod:`bargaining.results`).
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Iterator

import pandas as pd

#: Significant digits shown.
SIGNIFICANT = 4


def number(value: float | Fraction | int, sign: bool = False) -> str:
    """``36.2734`` -> ``36.27``, ``1234567.8`` -> ``1,234,568``, ``0.5`` -> ``0.5``; ``sign``: ``+6.273``."""
    x = float(value)
    if math.isnan(x):
        return "n/a"
    if math.isinf(x):
        return ("-" if x < 0 else "+" if sign else "") + "inf"
    if abs(x) >= 10 ** (SIGNIFICANT - 1):
        text = f"{round(x):,}"
    else:
        text = f"{x:,.{SIGNIFICANT}g}"
    if text in ("0", "-0"):
        return "0"
    return f"+{text}" if sign and x > 0 else text


def percent(share: float | Fraction) -> str:
    """A share (0..1) as a percentage by the same rule: ``0.608`` -> ``60.8%``; ``n/a`` for NaN."""
    value = float(share)
    return "n/a" if math.isnan(value) else number(100 * value) + "%"


def cell(value: Any) -> str:
    """One table cell as text: numbers by :func:`number`, booleans yes/no, missing values empty."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float, Fraction)) or (hasattr(value, "dtype") and getattr(value.dtype, "kind", "") in "iuf"):
        return number(value)
    return str(value)


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """The table with every cell as text by :func:`cell` (for printing and HTML; the data stays in ``frame``)."""
    shown = frame.copy()
    for column in shown.columns:
        shown[column] = [cell(v) for v in frame[column]]
    return shown


#: Tables longer than this are printed a block of rows at a time (:func:`text_lines`: the same text as pandas' ``to_string``
#: gives for the short ones, without holding every cell's text, or the whole table as one string, at once).
LONG_TABLE = 5_000


def frame_text(frame: pd.DataFrame) -> str:
    """A table for the terminal, numbers by the rule."""
    if not len(frame):
        return "(none)"
    if len(frame) > LONG_TABLE:
        return "\n".join(text_lines(frame))
    text: str = readable(frame).to_string(index=False)
    return text


def text_lines(frame: pd.DataFrame, block: int = LONG_TABLE) -> Iterator[str]:
    """:func:`frame_text`'s lines one by one (a header, then a line per row): each column right-aligned to its widest
    cell, one space between columns, as pandas writes a table of text.  Each column's width is read off its distinct
    values first; the rows' text is then made ``block`` rows at a time."""
    if not len(frame):
        yield "(none)"
        return
    columns = list(frame.columns)
    widths = [max([len(str(c)), *(len(cell(v)) for v in pd.unique(frame[c].to_numpy(dtype=object)))]) for c in columns]
    yield " ".join(str(c).rjust(w) for c, w in zip(columns, widths))
    for start in range(0, len(frame), block):
        part = frame.iloc[start:start + block]
        texts = [_cells(part[c]) for c in columns]
        for row in zip(*texts):
            yield " ".join(v.rjust(w) for v, w in zip(row, widths))


def frame_html(frame: pd.DataFrame, rows: int | None = None) -> str:
    """A table for a notebook or the report, numbers by the rule; ``rows``: at most that many, and a note."""
    shown = frame if rows is None else frame.head(rows)
    more = f"<p>the first {rows:,} of {len(frame):,} rows</p>" if rows is not None and len(frame) > rows else ""
    table: str = readable(shown).to_html(index=False)
    return table + more


def _cells(column: pd.Series) -> list[str]:
    """:func:`cell` of every value of a column, each distinct value formatted once."""
    if column.dtype != object:  # one type of number (or bool): the distinct values, then each row's
        codes, distinct = pd.factorize(column.to_numpy(), use_na_sentinel=False)
        texts = [cell(v) for v in distinct]
        return [texts[k] for k in codes.tolist()]
    seen: dict[tuple[type, Any], str] = {}
    found = []
    for v in column:
        key = (type(v), v)
        text = seen.get(key) if isinstance(v, (str, int, float)) else None
        if text is None:
            text = cell(v)
            if isinstance(v, (str, int, float)):
                seen[key] = text
        found.append(text)
    return found
