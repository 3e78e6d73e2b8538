"""What the exact analysis (:mod:`.exact_worlds`) says: the chance of a deal and its structure, each
package's chance, the most robust package and the value of information, all exact (docs/exact-uncertainty.md).

Every package is dominated by a witness (acceptable in a subset of the worlds a witness is
acceptable in), so any largest chance -- over all worlds, or over those where a line is real, or
not -- is attained by a witness: the maxima below range over the witnesses' *classes* (witnesses
with the same blocking family are acceptable in the same worlds).

The most robust package: the class with the largest chance (ties named), then, among all packages
at least as good on every coordinate of that class's profile, the largest smallest stated gain of
the criteria parties (one maxmin solve, as the sampled analysis breaks its ties).  The value of
information of line j, as :func:`.robust.value_of_information` defines it on samples:

    rise_j = p_j max_x P(x | j real) + (1 - p_j) max_x P(x | j not real) - max_x P(x).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from ..engine.robust import build_robust, most_robust_choices
from ..engine.search import Search
from ..results import Package
from ..results.exact_uncertainty import ExactDeal, ExactRobustPackage, UncertainLine, lines_of
from ..results.formatting import percent
from ..results.ties import PROBABILITY_TOLERANCE, rank, ranked_questions
from ..scenario import Scenario, World, Worlds
from ..scenario.worlds import slots
from .blocking import Family, either, given, holds, positions
from .exact_worlds import Analysis, Witness, package_family, world
from .robust import VOI_COLUMNS, stated_view

#: The provenance fields every result carries (set here, not copied from the package the tie-break found).
PROVENANCE = ("complete", "exact", "method", "reason", "seconds")


@dataclass(frozen=True)
class Class:
    """Witnesses acceptable in exactly the same worlds (same blocking family)."""

    family: Family
    witnesses: tuple[Witness, ...]


def classes(analysis: Analysis) -> list[Class]:
    """The witnesses grouped by blocking family, in order of first appearance."""
    found: dict[Family, list[Witness]] = {}
    for witness in analysis.witnesses:
        found.setdefault(witness.family, []).append(witness)
    return [Class(family, tuple(members)) for family, members in found.items()]


def indices(analysis: Analysis, family: Family) -> tuple[tuple[int, ...], ...]:
    """A family as tuples of red-line indices, smallest sets first, then in file order."""
    lines = analysis.setting.lines
    groups = [tuple(lines[j] for j in positions(s)) for s in family]
    return tuple(sorted(groups, key=lambda g: (len(g), g)))


def uncertain_lines(analysis: Analysis) -> tuple[UncertainLine, ...]:
    return lines_of(analysis.scenario, analysis.setting.inert)


def deal(analysis: Analysis) -> ExactDeal:
    """The chance of a deal, exactly, with its blocking sets."""
    p = analysis.setting.probabilities
    reason = analysis.reason or _reason(analysis)
    return ExactDeal(scenario=analysis.scenario, lines=uncertain_lines(analysis), blocking=indices(analysis, analysis.family),
                     exact_probability=holds(analysis.family, p), complete=analysis.complete, exact=analysis.complete,
                     method=analysis.method, reason=reason, seconds=analysis.seconds)


def _reason(analysis: Analysis) -> str:
    how = {"mip": "the model", "dp+mip": "the model, each blocking set certified by the exact programme",
           "dp": "the exact programme"}.get(analysis.method, analysis.method)
    text = (f"exact over every world of {len(analysis.setting.lines)} uncertain red lines (nothing sampled): "
            f"{len(analysis.witnesses)} maximal packages found on {how} ({analysis.solves} solves)")
    if analysis.setting.inert:
        text += f"; {len(analysis.setting.inert)} line(s) are inert (their party decides nothing)"
    if analysis.missed:
        text += f"; the certification found {analysis.missed} package(s) the enumeration had missed"
    return text


def chances(analysis: Analysis) -> list[tuple[Class, Fraction]]:
    """Each class and the chance that its packages are acceptable."""
    p = analysis.setting.probabilities
    return [(c, holds(c.family, p)) for c in classes(analysis)]


def most_robust(search: Search, analysis: Analysis, parties: Sequence[str]) -> ExactRobustPackage | None:
    """The most robust package (None: no package is acceptable in any world)."""
    found = chances(analysis)
    if not found:
        return None
    group = rank(found, key=lambda item: item[1], tolerance=PROBABILITY_TOLERANCE)[0]  # near-ties named too
    if group.value == 0:
        return None
    exact_top = [(c, v) for c, v in group.items if v == group.value]  # these share the largest chance: the tie-break decides
    candidates = [_tie_break(search, analysis, c, parties) for c, _ in exact_top]
    stated = [min((x.exact_gains[q] for q in parties), default=Fraction(0)) for x in candidates]
    top = max(range(len(candidates)), key=lambda n: stated[n])
    chosen, (cls, value) = candidates[top], exact_top[top]
    lines = uncertain_lines(analysis)
    tied = tuple(f"packages {family_words(analysis, c.family, lines)} ({percent(v)}{'' if v == value else ', within the tolerance'})"
                 for c, v in group.items if c is not cls)
    signers, breaks = stated_view(search.scenario, chosen.exact_choices)
    own = {f.name: getattr(chosen, f.name) for f in fields(Package) if f.name not in PROVENANCE}
    return ExactRobustPackage(**{**own, "criterion": "most robust", "signers": signers}, breaks=breaks,
                              exact_probability=value, blocking=indices(analysis, cls.family), tied=tied, lines=lines,
                              complete=analysis.complete, exact=analysis.complete, method=analysis.method,
                              reason="the largest chance over every world of the uncertain red lines (nothing sampled); among "
                                     "the packages with it, the largest smallest stated gain", seconds=analysis.seconds)


def family_words(analysis: Analysis, family: Family, lines: Sequence[UncertainLine]) -> str:
    names = {x.index: x.label for x in lines}
    groups = indices(analysis, family)
    if not groups:
        return "acceptable in every world"
    return "acceptable unless " + "; or ".join(" and ".join(names[k] for k in g) + (" is" if len(g) == 1 else " are both" if len(g) == 2
                                                                                    else " are all") + " real" for g in groups)


def maximal_worlds(family: Family, n: int) -> list[int]:
    """The maximal worlds (masks over ``n`` lines) in which an event with this blocking family holds: the
    complements of the family's minimal transversals (a world holds no blocking set entirely when the
    lines left out of it hit every set)."""
    full = (1 << n) - 1
    if 0 in family:
        return []
    if not family:
        return [full]
    transversals = either([frozenset(1 << j for j in positions(s)) for s in family])
    return sorted(full & ~t for t in transversals)


def _tie_break(search: Search, analysis: Analysis, cls: Class, parties: Sequence[str]) -> Package:
    """Among the packages acceptable in every world the class is (so with its chance: every world has a
    positive probability), the one with the largest smallest stated gain: one robust block over the
    class's maximal worlds (:func:`~bargaining.engine.robust.most_robust_choices`), checked exactly."""
    scenario, setting = analysis.scenario, analysis.setting
    choices = cls.witnesses[0].choices
    masks = maximal_worlds(cls.family, len(setting.lines))
    if parties and masks:
        block = build_robust(search, _table(scenario, [world(scenario, setting, mask, analysis.draw) for mask in masks]))
        try:
            found, _ = most_robust_choices(search, block, block.counts(), parties)
        finally:
            search.remove(block.part)
        if found is not None:
            better = package_family(scenario, setting, found, analysis.draw)
            if better is not None and holds(better.family, setting.probabilities) >= holds(cls.family, setting.probabilities):
                choices = found
    return Package.evaluate(scenario, choices)


def _table(scenario: Scenario, worlds: Sequence[World]) -> Worlds:
    """These worlds as a :class:`~bargaining.scenario.Worlds` table (what the robust block reads)."""
    lines = [k for k, r in enumerate(scenario.red_lines) if r.real is not None]
    ranged = list(worlds[0].reservations)
    spread = list(worlds[0].factors)
    where = slots(scenario.issues)
    return Worlds(0, lines, [scenario.red_lines[k].id or str(k) for k in lines],
                  np.array([[w.real.get(k, True) for k in lines] for w in worlds], dtype=bool).reshape(len(worlds), len(lines)),
                  ranged, np.array([[w.reservations[q] for q in ranged] for w in worlds], dtype=float).reshape(len(worlds), len(ranged)),
                  spread, where, np.array([[[w.factors[q][s] for s in where] for q in spread] for w in worlds],
                                          dtype=float).reshape(len(worlds), len(spread), len(where)))


@dataclass(frozen=True)
class Answer:
    """One question (is this line real?): the chance of a deal either way, the best chance a package
    chosen after the answer has either way, and the rise over choosing now (all exact)."""

    line: UncertainLine
    deal_yes: Fraction
    deal_no: Fraction
    now: Fraction
    yes: Fraction
    no: Fraction

    @property
    def rise(self) -> Fraction:
        q = self.line.exact_probability
        return q * self.yes + (1 - q) * self.no - self.now


def answers(analysis: Analysis) -> list[Answer]:
    """Every uncertain line's question, in file order (an inert or certain line's rise is 0)."""
    setting = analysis.setting
    p = setting.probabilities
    families = [c.family for c in classes(analysis)]
    now = max((holds(f, p) for f in families), default=Fraction(0))
    deal_now = holds(analysis.family, p)
    found = []
    for line in uncertain_lines(analysis):
        if line.index not in setting.lines:  # inert or certain: knowing it changes nothing
            found.append(Answer(line, deal_now, deal_now, now, now, now))
            continue
        j = setting.lines.index(line.index)
        yes = max((holds(given(f, j, True), p) for f in families), default=Fraction(0))
        no = max((holds(given(f, j, False), p) for f in families), default=Fraction(0))
        found.append(Answer(line, holds(given(analysis.family, j, True), p), holds(given(analysis.family, j, False), p), now, yes, no))
    return found


def information(analysis: Analysis) -> pd.DataFrame:
    """The value of information of each uncertain line (columns of :data:`.robust.VOI_COLUMNS`, plus
    ``rank``: equal for tied questions, and ``tied with``), ranked with ties named."""
    scenario = analysis.scenario
    rows, exact = [], {}
    for a in answers(analysis):
        q = a.line.exact_probability
        exact[a.line.id] = a.rise
        rows.append({"question": a.line.id, "kind": "red line", "label": scenario.describe_red_line(a.line.index),
                     "yes means": "it is real", "p yes": float(q), "deal if yes": float(a.deal_yes),
                     "deal if no": float(a.deal_no) if q < 1 else float("nan"), "robust now": float(a.now),
                     "robust if yes": float(a.yes), "robust if no": float(a.no) if q < 1 else float("nan"), "rise": float(a.rise)})
    frame = ranked_questions(pd.DataFrame(rows, columns=VOI_COLUMNS), exact)
    frame.attrs.update(exact=analysis.complete, complete=analysis.complete, method=analysis.method)
    return frame


def package_chance(scenario: Scenario, analysis: Analysis, choices: Mapping[str, Any]) -> tuple[Fraction, Family | None]:
    """A given package's chance of being acceptable, exactly (its own blocking family; None: acceptable in no world)."""
    witness = package_family(scenario, analysis.setting, choices, analysis.draw)
    if witness is None:
        return Fraction(0), None
    return holds(witness.family, analysis.setting.probabilities), witness.family
