"""Break-even values of stated-world findings: for each finding and each number that can flip it, the exact
value at which it flips (or "never within the range"), verified by the engine on both sides.

Findings (:mod:`.flips.findings`): the space is open or closed; the minimal conflict; each concession
that opens the space; each lever; each criterion's package.  Numbers (:mod:`.flips.inputs`):
reservations, prices, thresholds of bounds on amounts, and the points of the options of the packages
that compete for a criterion.  Existence findings flip where a maximum the engine computes crosses a
reservation (:mod:`.flips.existence`: one or two solves per condition and input); a criterion's
package stops being its choice at the first breakpoint where another candidate beats it
(:mod:`.flips.walk`, over the exact programme's candidates, :mod:`.flips.candidates`).  Every flip is
then re-computed by the engine at the flip value and one decimal step on each side
(:mod:`.flips.verify`); a flip that does not verify is reported as such.  docs/break-even.md has the
mathematics and a worked example.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace
from fractions import Fraction
from typing import Any, Callable, Sequence

from ..engine.search import Search
from ..errors import TimeLimitReached
from ..results.break_even import BreakEven, BreakEvenTable
from .flips.candidates import Candidate, candidate, candidates
from .flips.context import Context, decimal
from .flips.existence import Answer, answer, first_flip
from .flips.findings import KINDS, Finding, stated_findings
from .flips.inputs import Input, numeric_inputs, point_inputs
from .flips.verify import holds_at
from .flips.walk import IrrationalBreakpoint, Walk
from .programme import NotApplicable
from .programme import frontier as programme_frontier
from .solutions import criterion_value

#: Verification steps are decimals 10**-k, k from the stated value's decimals + 3 up to this many places.
MAX_PLACES = 12


def break_even(search: Search, parties: Sequence[str], *, inputs: Sequence[str] | None = None,
               findings: Sequence[str] | None = None, time_limit: float | None = None,
               progress: Callable[[], None] | None = None) -> BreakEvenTable:
    """The break-even table of the stated world's findings (``parties``: the criteria parties).

    ``inputs``: input ids or kinds to analyse ("reservation", "price", "threshold", "points"; default
    all); ``findings``: finding ids or kinds ("open", "conflict", "concession", "lever", "best").
    ``time_limit`` (seconds): the pairs not analysed by then are listed in ``skipped`` and the table is
    marked incomplete.  ``progress``: called after each solve or programme run."""
    started = time.perf_counter()
    ctx = Context(search, list(parties), progress or (lambda: None))
    kinds = [k for k in KINDS if findings is None or any(f == k or f.startswith(f"{k}:") for f in findings)]
    rows: list[BreakEven] = []
    skipped: list[tuple[str, str]] = []
    with search.limited(time_limit):
        try:
            stated = stated_findings(ctx, kinds)
        except TimeLimitReached:
            return BreakEvenTable(scenario_name=search.scenario.name, complete=False, exact=True, method="",
                                  reason="the time limit was reached before the stated findings were computed",
                                  seconds=time.perf_counter() - started)
        if findings is not None:
            stated = [f for f in stated if f.id in findings or f.kind in findings]
        competes = _competing_points(ctx, stated)
        pool = numeric_inputs(search.scenario) + [i for i, _ in competes.values()]
        if inputs is not None:
            pool = [i for i in pool if i.id in inputs or i.kind in inputs]
        memo: dict[Any, Any] = {}
        for finding in stated:
            for inp in pool:
                if inp.kind == "points" and finding.criterion not in competes[inp.id][1]:
                    continue  # a point is analysed for the criteria whose competing packages hold its option
                if finding.kind == "best" and inp.kind == "threshold":
                    continue  # thresholds are on amounts: a criterion's package is its options (docs/break-even.md)
                try:
                    rows += _analyse(ctx, finding, inp, memo)
                except TimeLimitReached:
                    skipped.append((finding.id, inp.id))
    unverified = [r for r in rows if r.flip is not None and not r.verified]
    reason = []
    if skipped:
        reason.append(f"the time limit was reached: {len(skipped)} (finding, input) pairs not analysed")
    if unverified:
        reason.append(f"{len(unverified)} flips did not verify")
    not_analysed = sorted({r.note for r in rows if not r.analysed})
    reason += not_analysed
    doubt = search.doubt() if "mip" in ctx.methods else None
    if doubt is not None:
        reason.append(f"the model's maxima are not certified: {doubt}")
    return BreakEvenTable(scenario_name=search.scenario.name, findings=tuple((f.id, f.words) for f in stated),
                          rows=tuple(rows), skipped=tuple(skipped), complete=not skipped,
                          exact=not unverified and not not_analysed and doubt is None,
                          method="+".join(sorted(ctx.methods)) or "evaluation", reason="; ".join(reason),
                          seconds=time.perf_counter() - started)


def _competing_points(ctx: Context, stated: list[Finding]) -> dict[str, tuple[Input, set[str]]]:
    """The points of the options of each criterion's package and of its runner-up (the best package
    whose key is below it on the stated frontier), for each party; tagged with the criteria they compete for."""
    bests = [f for f in stated if f.kind == "best" and f.package is not None]
    if not bests or not ctx.discrete:
        return {}
    search, scenario = ctx.search, ctx.scenario
    try:
        front = programme_frontier(scenario, None, waived=search.waived, coalition=search.coalition, fixed=search.fixed or None,
                            deadline=ctx.deadline())
    except NotApplicable:
        ctx.out_of_time()
        return {}
    reservations = {q: scenario.exact_reservation(q) for q in scenario.party_ids}
    rows = list(zip(front.choices, front.utilities))
    ideal = {q: max(u[q] - reservations[q] for _, u in rows) for q in ctx.parties}
    tags: dict[tuple[str, str], list[str]] = {}
    for finding in bests:
        assert finding.package is not None and finding.criterion is not None

        def key(u: dict[str, Fraction], criterion: str = finding.criterion) -> tuple[Fraction, Fraction]:
            gains = {q: u[q] - reservations[q] for q in u}
            return criterion_value(criterion, gains, ctx.parties, ideal, u), sum(u.values(), Fraction(0))

        own = key(finding.package.exact_utilities)
        below = [(key(u), ch) for ch, u in rows if key(u) < own]
        runner = max(below, key=lambda x: x[0])[1] if below else None
        for choices in (finding.package.exact_choices, runner):
            for issue in scenario.discrete_issues:
                if choices is not None:
                    tags.setdefault((issue.id, str(choices[issue.id])), []).append(finding.criterion)
    return {i.id: (i, set(tags[(i.issue or "", i.option or "")])) for i in point_inputs(scenario, tags)}


def _analyse(ctx: Context, finding: Finding, inp: Input, memo: dict[Any, Any]) -> list[BreakEven]:
    """The two rows (down, up) of one finding and one input."""
    base = {"input": inp.id, "kind": inp.kind, "label": inp.label, "party": inp.party, "exact_stated": inp.stated,
            "exact_low": inp.low, "exact_high": inp.high, "range_source": inp.range_source, "finding": finding.id, "finding_words": finding.words}
    if inp.unused:
        return [BreakEven(**base, direction=d, note=inp.unused) for d in ("down", "up")]  # type: ignore[arg-type]
    if finding.kind == "best":
        return _best_rows(ctx, finding, inp, base, memo)
    answers: list[tuple[Answer, bool]] = []
    for condition in finding.conditions:
        key = (condition, inp.id)
        if key not in memo:
            memo[key] = answer(ctx, condition.edits, condition.stated, inp)
        answers.append((memo[key], condition.stated))
    if all(a.argument for a, _ in answers):  # settled without the engine: no flip anywhere, nothing to re-compute
        because = "; ".join(dict.fromkeys(a.argument for a, _ in answers))
        return [BreakEven(**base, direction=d, verified=True, argument=because) for d in ("down", "up")]  # type: ignore[arg-type]
    known = {c: a.constant for c, (a, _) in zip(finding.conditions, answers) if a.argument}
    points = sorted({a.at for a, _ in answers if a.at is not None})
    rows = []
    for direction in (-1, 1):
        end = inp.low if direction < 0 else inp.high
        found = first_flip(answers, inp.stated, direction, end)
        flipped = _flipped(finding, answers, found, direction)
        row = _verified(ctx, finding, inp, base, direction, found, flipped, points, known)
        if found is None:  # where it would flip beyond the range, if it does (the same answers, a range without end)
            far = (max if direction > 0 else min)([*points, inp.stated, end]) + direction
            wide = replace(inp, high=far) if direction > 0 else replace(inp, low=far)
            beyond = first_flip(answers, inp.stated, direction, far)
            if beyond is not None and (beyond[0] - end) * direction > 0:
                check = _verified(ctx, finding, wide, base, direction, beyond, flipped, points, known)
                row = replace(row, exact_beyond=beyond[0], beyond_verified=check.verified)
        rows.append(row)
    return rows


def _flipped(finding: Finding, answers: list[tuple[Answer, bool]], found: tuple[Fraction, bool] | None, direction: int) -> str:
    """What the finding reads after the flip: the words of the first condition that changed there."""
    if found is None:
        return ""
    x, holds = found
    for k, (a, s) in enumerate(answers):
        changed = a(x) != s if not holds else a.beyond(x, direction) != s
        if changed:
            return finding.flipped[min(k, len(finding.flipped) - 1)] if finding.flipped else "it no longer holds"
    return "it no longer holds"


def _best_rows(ctx: Context, finding: Finding, inp: Input, base: dict[str, Any], memo: dict[Any, Any]) -> list[BreakEven]:
    if not ctx.discrete:
        note = "a criterion's package is analysed with the exact programme, which needs discrete issues"
        return [BreakEven(**base, direction=d, analysed=False, note=note) for d in ("down", "up")]
    assert finding.package is not None and finding.criterion is not None
    try:
        if ("candidates", inp.id) not in memo:
            memo["candidates", inp.id] = candidates(ctx, inp)
        pool: list[Candidate] = memo["candidates", inp.id]
        incumbent = candidate(ctx, inp, finding.package.exact_choices)
        pool = pool + ([incumbent] if all(c.key() != incumbent.key() for c in pool) else [])
        rows = []
        reservations = {q: ctx.search.reservation(q) for q in ctx.scenario.party_ids}
        for direction in (-1, 1):
            end = inp.low if direction < 0 else inp.high
            walk = Walk(finding.criterion, ctx.parties, inp.party, inp.kind == "reservation", direction, reservations, pool,
                        (end - inp.stated) * direction)
            found = walk.flip(incumbent)
            at = None if found is None else (inp.stated + direction * found[0], found[1])
            points = sorted(inp.stated + direction * t for t in walk.breakpoints())
            flipped = "" if found is None else ("the package is no longer acceptable" if found[2] is None else
                                                f"{finding.criterion} prefers {_difference(ctx, finding, found[2])}")
            rows.append(_verified(ctx, finding, inp, base, direction, at, flipped, points))
        return rows
    except (NotApplicable, IrrationalBreakpoint) as why:
        ctx.out_of_time()
        note = getattr(why, "reason", str(why))
        return [BreakEven(**base, direction=d, analysed=False, note=f"not analysed: {note}") for d in ("down", "up")]


def _difference(ctx: Context, finding: Finding, other: Candidate) -> str:
    """The other package in words: the issues on which it differs from the finding's package."""
    assert finding.package is not None
    issues = [i for i in ctx.scenario.discrete_issues if other.choices[i.id] != finding.package.exact_choices[i.id]]
    if not issues:
        return "a package with the same options"
    return "; ".join(f"{i.label}: {i.choice_label(other.choices[i.id])}" for i in issues)


def _verified(ctx: Context, finding: Finding, inp: Input, base: dict[str, Any], direction: int, found: tuple[Fraction, bool] | None,
              flipped: str, points: list[Fraction], known: dict[Any, bool | None] | None = None) -> BreakEven:
    """The row, with the engine's answers at the flip and one decimal step on each side (or at the range's end)."""
    name = "down" if direction < 0 else "up"
    end = inp.low if direction < 0 else inp.high
    if found is None:
        got = holds_at(ctx, finding, inp, end, known)
        return BreakEven(**base, direction=name, verified=got is True, checks=((end, True, got),))  # type: ignore[arg-type]
    flip, holds = found
    step, before, after = _step(inp, flip, direction, points)
    wanted: list[tuple[Fraction, bool]] = []
    if step is not None and before != flip:
        wanted.append((before, True))
    if decimal(flip) is not None or inp.kind in ("price", "threshold") or not ctx.discrete:
        wanted.append((flip, holds))
    if step is not None and after is not None:
        wanted.append((after, False))
    checks = tuple((value, want, holds_at(ctx, finding, inp, value, known)) for value, want in wanted)
    shown = any(not want for _, want, _ in checks) and (flip == inp.stated or any(want for _, want, _ in checks))
    verified = step is not None and shown and all(want == got for _, want, got in checks)
    return BreakEven(**base, direction=name, exact_flip=flip, holds_at_flip=holds, flipped=flipped,  # type: ignore[arg-type]
                     verified=verified, exact_step=step, checks=checks)


def _step(inp: Input, flip: Fraction, direction: int, points: list[Fraction]) -> tuple[Fraction | None, Fraction, Fraction | None]:
    """A decimal step 10**-k and the decimals just before and just after the flip, with no other breakpoint
    between them and the flip; before not behind the stated value, after None when the flip is the range's end."""
    end = inp.low if direction < 0 else inp.high
    places = max(3, _places(inp.stated) + 3)
    while places <= MAX_PLACES:
        step = Fraction(1, 10**places)
        scaled = flip / step
        below, above = Fraction(math.ceil(scaled) - 1) * step, Fraction(math.floor(scaled) + 1) * step
        before, after = (below, above) if direction > 0 else (above, below)
        if (before - inp.stated) * direction < 0:
            before = inp.stated
        beyond: Fraction | None = after if (end - after) * direction >= 0 else None
        others = [x for x in points if x != flip and min(before, after) <= x <= max(before, after)]
        if not others and (beyond is not None or flip == end):
            return step, before, beyond
        places += 1
    return None, flip, None


def _places(value: Fraction) -> int:
    places = 0
    while (value * 10**places).denominator != 1 and places < MAX_PLACES:
        places += 1
    return places
