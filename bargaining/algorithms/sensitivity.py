"""Sensitivity of the uncertain findings: a tornado over every uncertain input, and where the most robust
package and the first question change (docs/exact-uncertainty.md, "Sensitivity").

*A line's probability* t, the others held, over its ``real_range`` (else [0, 1]): every chance is linear in t (multilinear in all of
them), so the chance of a deal runs from P(deal | not real) at t = 0 to P(deal | real) at t = 1,
each class of packages' chance is a line, the most robust class is the top of their upper envelope,
and each question's value of information is

    rise_q(t) = p_q E_yes,q(t) + (1 - p_q) E_no,q(t) - E_now(t)        (q another line)
    rise_t(t) = t max P(x | real) + (1 - t) max P(x | not real) - E_now(t)   (the line itself)

with E the upper envelopes of the classes' conditional chances.  :mod:`.piecewise` finds, exactly,
the first value above and below the stated one where the set of largest classes (or questions)
changes; each is then *verified*: the chances recomputed from scratch with the probability set
half-way before the change and half-way after it give the sets claimed.

*A reservation range or a points spread*: the exact analysis is run again at each end of the range
(every point of a spread party scaled by 1 - s, then 1 + s), so the swing is exact; whether the
most robust package or the first question differs at an end is said, but not where inside the
range it changes (a reservation acts through which packages meet it: not a rational function).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from fractions import Fraction
from typing import Any, Literal, cast

from ..engine.search import Search
from ..results import number
from ..results.exact_uncertainty import UncertainLine, lines_of
from ..results.sensitivity import Change, TornadoBar
from ..scenario import World, exact
from ..scenario.worlds import slots
from .blocking import Family, given, holds
from .exact_findings import answers, classes, family_words
from .exact_worlds import Analysis, analyse, setting_of
from .piecewise import Line, changes, envelope, value

ROBUST = "most robust package"
QUESTION = "first question"


def _max(lines: Sequence[Line], t: Fraction) -> Fraction:
    return max((value(x, t) for x in lines), default=Fraction(0))


def _robust_top(analysis: Analysis, p: Sequence[Fraction]) -> frozenset[Hashable]:
    chances = {c.family: holds(c.family, p) for c in classes(analysis)}
    best = max(chances.values(), default=Fraction(0))
    return frozenset(f for f, v in chances.items() if v == best)


def _question_top(analysis: Analysis, p: Sequence[Fraction]) -> frozenset[Hashable]:
    """The questions with the largest rise, recomputed from scratch with probabilities ``p``."""
    setting = analysis.setting
    families = [c.family for c in classes(analysis)]
    now = max((holds(f, p) for f in families), default=Fraction(0))
    rises = {}
    for j, k in enumerate(setting.lines):
        yes = max((holds(given(f, j, True), p) for f in families), default=Fraction(0))
        no = max((holds(given(f, j, False), p) for f in families), default=Fraction(0))
        rises[k] = p[j] * yes + (1 - p[j]) * no - now
    return _largest(rises)


def _largest(values: Mapping[Any, Fraction]) -> frozenset[Hashable]:
    """The keys of the largest values; none when the largest is 0 (no question is worth asking)."""
    best = max(values.values(), default=Fraction(0))
    return frozenset(k for k, v in values.items() if v == best) if best > 0 else frozenset()


def _line_function(line: Line) -> Any:
    return lambda t: value(line, t)


def _functions(analysis: Analysis, j: int) -> tuple[dict[Hashable, Any], dict[Hashable, Any], list[Fraction]]:
    """As functions of line j's probability: each class's chance, each question's rise, and every
    point where a rise may stop being linear."""
    p = analysis.setting.probabilities
    families = [c.family for c in classes(analysis)]
    zero, one = Fraction(0), Fraction(1)

    def line_of(f: Family) -> Line:
        a, b = holds(given(f, j, False), p), holds(given(f, j, True), p)
        return (a, b - a)

    robust: dict[Hashable, Any] = {f: _line_function(line_of(f)) for f in families}
    now, breaks = envelope([line_of(f) for f in families], zero, one)
    questions: dict[Hashable, Any] = {}
    for q, k in enumerate(analysis.setting.lines):
        if q == j:
            yes = max((holds(given(f, j, True), p) for f in families), default=zero)
            no = max((holds(given(f, j, False), p) for f in families), default=zero)
            questions[k] = lambda t, yes=yes, no=no: t * yes + (1 - t) * no - _max(now, t)
            continue
        yes_lines, yes_breaks = envelope([line_of(given(f, q, True)) for f in families], zero, one)
        no_lines, no_breaks = envelope([line_of(given(f, q, False)) for f in families], zero, one)
        breaks += yes_breaks + no_breaks
        questions[k] = (lambda t, y=yes_lines, n=no_lines, pq=p[q]: pq * _max(y, t) + (1 - pq) * _max(n, t) - _max(now, t))
    return robust, questions, sorted(set(breaks))


def _first(functions: dict[Hashable, Any], breaks: list[Fraction], start: Fraction, end: Fraction, zero_is_none: bool
           ) -> tuple[Fraction, frozenset[Hashable], Fraction] | None:
    """The first change from start towards end, before the end itself (where the input is no longer
    uncertain): (where, the set after, a point where that set holds).  With ``zero_is_none`` a set of
    functions whose value is 0 counts as no set (no question is worth asking)."""
    path = changes(functions, breaks, start, end)

    def seen(keys: frozenset[Hashable], t: Fraction) -> frozenset[Hashable]:
        return frozenset() if zero_is_none and all(functions[k](t) == 0 for k in keys) else keys

    before = seen(top_set(functions, start), start)
    for n, (at, after) in enumerate(path):
        if at == end:
            return None
        following = path[n + 1][0] if n + 1 < len(path) else end
        middle = (at + following) / 2
        now = seen(after, middle)
        if now != before:
            return at, now, middle
        before = now
    return None


def top_set(functions: dict[Hashable, Any], t: Fraction) -> frozenset[Hashable]:
    values = {k: f(t) for k, f in functions.items()}
    best = max(values.values())
    return frozenset(k for k, v in values.items() if v == best)


def line_range(scenario: Any, index: int, stated: Fraction) -> tuple[Fraction, Fraction]:
    """The range a line's probability moves over: its ``real_range`` (widened to hold the stated value, which a
    what-if may have moved), else [0, 1]."""
    span = scenario.red_lines[index].real_range
    if span is None:
        return Fraction(0), Fraction(1)
    return min(exact(span[0]), stated), max(exact(span[1]), stated)


def real_bar(analysis: Analysis, line: UncertainLine) -> TornadoBar:
    """The tornado bar of one analysed line (its probability over its ``real_range``, else [0, 1]), with exact,
    verified changes; a change beyond a ``real_range`` is reported as ``exact_beyond``."""
    setting = analysis.setting
    j = setting.lines.index(line.index)
    p = list(setting.probabilities)
    stated = p[j]
    low, high = line_range(analysis.scenario, line.index, stated)
    lines = lines_of(analysis.scenario, setting.inert)
    robust, questions, breaks = _functions(analysis, j)

    def words(finding: str, keys: frozenset[Hashable]) -> str:
        if finding == ROBUST:
            texts = sorted(family_words(analysis, cast(Family, f), lines) for f in keys)
        else:
            texts = sorted(f"whether {x.label} is real" for x in lines if x.index in keys) or ["none: no question is worth asking"]
        return texts[0] if len(texts) == 1 else "tied: " + " / ".join(texts)

    found = []
    for finding, functions, points, recompute in ((ROBUST, robust, [], _robust_top), (QUESTION, questions, breaks, _question_top)):
        if not functions:
            continue
        before = recompute(analysis, p)
        ends: tuple[tuple[Literal["up", "down"], Fraction, Fraction], ...] = (("up", Fraction(1), high), ("down", Fraction(0), low))
        for direction, end, edge in ends:
            first = _first(functions, points, stated, end, finding == QUESTION)
            if first is None:
                found.append(Change(finding, direction, words(finding, before)))
                continue
            at, after, inside = first
            checks = [recompute(analysis, _with(p, j, inside)) == after]
            if at != stated:
                checks.append(recompute(analysis, _with(p, j, (stated + at) / 2)) == before)
            within = at <= edge if direction == "up" else at >= edge
            found.append(Change(finding, direction, words(finding, before), words(finding, after), exact_at=at if within else None,
                                exact_beyond=None if within else at, verified=all(checks)))
    family = analysis.family
    not_real, real = holds(given(family, j, False), p), holds(given(family, j, True), p)
    return TornadoBar(line.id, "real", line.label, stated, low, high, not_real + (real - not_real) * low,
                      not_real + (real - not_real) * high, holds(family, p), tuple(found))


def _with(p: Sequence[Fraction], j: int, t: Fraction) -> tuple[Fraction, ...]:
    out = list(p)
    out[j] = t
    return tuple(out)


def flat_bar(analysis: Analysis, line: UncertainLine) -> TornadoBar:
    """An inert line: whatever its probability, nothing here changes."""
    deal = holds(analysis.family, analysis.setting.probabilities)
    low, high = line_range(analysis.scenario, line.index, line.exact_probability)
    return TornadoBar(line.id, "real", line.label, line.exact_probability, low, high, deal, deal, deal)


def _top_answer(analysis: Analysis) -> frozenset[Hashable]:
    return _largest({a.line.index: a.rise for a in answers(analysis) if a.line.index in analysis.setting.lines})


def range_bar(search: Search, analysis: Analysis, kind: str, party: str, low: Fraction, high: Fraction, stated: Fraction,
              label: str, notes: list[str]) -> TornadoBar:
    """A reservation range or a points spread: the exact analysis again at each end of the range."""
    scenario, setting = analysis.scenario, analysis.setting
    lines = lines_of(scenario, setting.inert)
    warm = [w.choices for w in analysis.witnesses]
    p = setting.probabilities

    def draw(x: Fraction) -> World:
        if kind == "reservation":
            return World(reservations={party: x})  # the end of the range exactly, as the file writes it
        return World(factors={party: {s: x for s in slots(scenario.issues)}})

    def robust_words(a: Analysis, keys: frozenset[Hashable]) -> str:
        texts = sorted(family_words(a, cast(Family, f), lines) for f in keys)
        return texts[0] if len(texts) == 1 else "tied: " + " / ".join(texts)

    def question_words(keys: frozenset[Hashable]) -> str:
        texts = sorted(f"whether {x.label} is real" for x in lines if x.index in keys) or ["none: no question is worth asking"]
        return texts[0] if len(texts) == 1 else "tied: " + " / ".join(texts)

    robust_now, question_now = _robust_top(analysis, p), _top_answer(analysis)
    deals, found = {}, []
    sides: tuple[tuple[Literal["up", "down"], Fraction], ...] = (("down", low), ("up", high))
    for direction, end in sides:
        if end == stated:
            deals[direction] = holds(analysis.family, p)
            found += [Change(ROBUST, direction, robust_words(analysis, robust_now)), Change(QUESTION, direction, question_words(question_now))]
            continue
        there = analyse(search, setting, draw(end), warm=warm)
        if not there.complete:
            notes.append(f"{label} at {number(end)}: {there.reason}")
        deals[direction] = holds(there.family, p)
        between = (stated, end) if end > stated else (end, stated)
        robust_there, question_there = _robust_top(there, p), _top_answer(there)
        found.append(Change(ROBUST, direction, robust_words(analysis, robust_now), robust_words(there, robust_there),
                            exact_between=between if robust_there != robust_now else None))
        found.append(Change(QUESTION, direction, question_words(question_now), question_words(question_there),
                            exact_between=between if question_there != question_now else None))
    return TornadoBar(party, kind, label, stated, low, high, deals["down"], deals["up"], holds(analysis.family, p),  # type: ignore[arg-type]
                      tuple(found))


def tornado(search: Search, analysis: Analysis) -> tuple[list[TornadoBar], list[str]]:
    """Every uncertain input's bar (lines in file order, then reservation ranges, then points spreads),
    and notes on what could not be analysed."""
    scenario, setting = analysis.scenario, analysis.setting
    bars, notes = [], []
    for line in lines_of(scenario, setting.inert):
        if line.index in setting.lines:
            bars.append(real_bar(analysis, line))
        elif line.index in setting.certain and line.index not in _never_matter(scenario):
            extended = analyse(search, setting_of(scenario, also={line.index}), analysis.draw,
                               warm=[w.choices for w in analysis.witnesses])
            if not extended.complete:
                notes.append(f"{line.id} (real: 1): its bar is over the packages found: {extended.reason}")
            bars.append(real_bar(extended, line))
        else:
            bars.append(flat_bar(analysis, line))
    for party in scenario.parties:
        if party.reservation_range is not None:
            low, high = (exact(x) for x in party.reservation_range)
            bars.append(range_bar(search, analysis, "reservation", party.id, low, high, exact(party.reservation),
                                  f"{party.possessive} reservation", notes))
        if party.points_spread:
            s = exact(party.points_spread)
            bars.append(range_bar(search, analysis, "points spread", party.id, 1 - s, 1 + s, Fraction(1),
                                  f"{party.possessive} points (all scaled together)", notes))
    return bars, notes


def _never_matter(scenario: Any) -> set[int]:
    """Certain lines that would be inert if they were uncertain."""
    everything = setting_of(scenario, also={k for k, r in enumerate(scenario.red_lines) if r.real is not None})
    return set(everything.inert)
