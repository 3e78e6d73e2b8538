"""The break-even table as plain text: per finding the numbers that flip it, then the inert numbers."""

from __future__ import annotations

from ..results import number
from ..results.break_even import BreakEvenTable


def render_break_even(table: BreakEvenTable) -> str:
    """``bargaining`` style text: each finding with the numbers that flip it within their ranges (exact
    value, headroom, what it becomes, whether the engine verified it), then the inert numbers grouped."""
    lines = [f"{table.scenario_name}: what the stated-world findings hinge on (break-even values)",
             "Each number is moved alone over its range, everything else as written (docs/break-even.md).", ""]
    lines += finding_lines(table)
    lines += inert_lines(table)
    if not table.complete:
        lines.append(f"INCOMPLETE: {table.reason}; not analysed: "
                     + ", ".join(f"{f} x {i}" for f, i in table.skipped))
    unverified = [r for r in table.flips() if not r.verified]
    if unverified:
        lines.append(f"{len(unverified)} flips did NOT verify: the engine, asked again on either side, disagreed; see the rows.")
    return "\n".join(lines).rstrip()


def finding_lines(table: BreakEvenTable) -> list[str]:
    """Each finding, then the numbers that flip it within their ranges, nearest first (a blank line after each)."""
    lines: list[str] = []
    for finding, words in table.findings:
        rows = [r for r in table.rows if r.finding == finding]
        flips = [r for r in rows if r.flip is not None]
        lines.append(f"Finding: {words}")
        if not flips and any(r.analysed for r in rows):
            lines.append("  no number flips it within its range")
        lines += [f"  {r.text()}" for r in sorted(flips, key=lambda r: (r.exact_headroom or 0, r.label))]
        lines += [f"  {r.label} {number(r.stated)}: never within its range (to {number(r.end)}); it would flip at "
                  f"{number(r.beyond)}{'' if r.beyond_verified else ' (not verified)'}"
                  for r in rows if r.flip is None and r.beyond is not None]
        not_analysed = sorted({r.note for r in rows if not r.analysed})
        lines += [f"  not analysed: {note}" for note in not_analysed]
        lines.append("")
    return lines


def inert_lines(table: BreakEvenTable, quiet: bool = True) -> list[str]:
    """The inert numbers grouped (``quiet``: with them the numbers that flip nothing; else only the unused ones)."""
    inert = table.inert()
    unused = inert[inert["why"] != "no finding flips within the range"]
    still = inert[inert["why"] == "no finding flips within the range"]
    lines = []
    if quiet and len(still):
        lines.append("Inert (no finding flips within their ranges):")
        lines += [f"  {r.label} {number(r.stated)} [{number(r.low)} to {number(r.high)}]" for r in still.itertuples()]
    if len(unused):
        lines.append("Unused in the stated world:")
        lines += [f"  {r.label}: {r.why}" for r in unused.itertuples()]
    return lines
