"""The chance of a deal when reservations or points are uncertain too: the continuous inputs sampled, the real
lines exact within each draw (docs/exact-uncertainty.md, "Continuous inputs").

Each draw fixes the reservations and point factors; within it the exact analysis applies.  Two shortcuts
keep the solves few:

* *Corners.*  Without points spreads, a higher reservation only removes acceptable packages, so the worlds
  with a deal shrink as every reservation rises.  If the deal's blocking sets are the same with every
  reservation at the low end of its range and with every one at the high end, they are the same in every
  draw: the chance of a deal is then exact over the whole ranges, and nothing is sampled.
* *Per draw.*  Otherwise each draw starts from the packages already known (their acceptance in all draws
  at once by :func:`~bargaining.scenario.acceptance.verdicts`, exact), whose blocking sets bound the
  deal's from above; each of those sets is then certified on the model in that draw (no package there),
  or a package found there joins the known ones.  A set certified in one draw is certified in every draw
  whose reservations are all at least as high (again without spreads).

The chance is the mean over the draws of each draw's exact chance; its 95% interval is the normal one for a
mean (only where draws differ).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

import numpy as np

from ..engine.search import LEFT_OUT, Search
from ..results.exact_uncertainty import DrawnDeal
from ..results.uncertainty import Z95
from ..scenario import World, Worlds
from ..scenario.acceptance import verdicts
from ..scenario.worlds import unblocked
from .blocking import Family, either, holds
from .exact_findings import deal
from .exact_worlds import Analysis, Setting, analyse, broken_lines, combine, deal_in, setting_of


@dataclass
class Known:
    """Packages known to be acceptable somewhere, with their blocking family in each draw (None: not acceptable there)."""

    choices: list[Mapping[str, Any]]
    families: list[list[Family | None]]


def _base(scenario: Any, setting: Setting, draws: Worlds) -> Worlds:
    """The draws with every uncertain line not real (certain lines real): the base world of each draw."""
    real = np.zeros_like(draws.real)
    for j, k in enumerate(draws.lines):
        real[:, j] = k in setting.certain
    return replace(draws, real=real)


def _families(scenario: Any, setting: Setting, choices: Sequence[Mapping[str, Any]], base: Worlds) -> list[list[Family | None]]:
    if not choices:
        return []
    found = verdicts(scenario, list(choices), base)
    parties = scenario.party_ids
    relevant = [*scenario.veto_party_ids, *setting.controllers]
    out = []
    for x, package in enumerate(choices):
        broken = broken_lines(scenario, setting, package)
        cache: dict[tuple[bool, ...], Family] = {}
        row: list[Family | None] = []
        for w in range(len(base)):
            if not found.accepted[x, w]:
                row.append(None)
                continue
            key = tuple(bool(found.accepts[x, w, parties.index(q)]) for q in relevant)
            if key not in cache:
                cache[key] = combine(scenario, setting, package, dict(zip(relevant, key)), broken).family
            row.append(cache[key])
        out.append(row)
    return out


def drawn_deal(search: Search, samples: int, seed: int, structure: Analysis | None = None) -> DrawnDeal:
    """The chance of a deal over ``samples`` draws of the continuous inputs (seed ``seed``: the same draws as
    ``space.worlds(samples, seed)``), the real lines exact in each."""
    started = time.perf_counter()
    scenario = search.scenario
    setting = setting_of(scenario)
    structure = structure or analyse(search, setting)
    draws = Worlds.sample(scenario, samples, seed)
    calls = search.solver.calls
    spread = any(p.points_spread for p in scenario.parties)
    warm = [w.choices for w in structure.witnesses]
    notes = [] if structure.complete else [structure.reason]
    if not spread:
        low = analyse(search, setting, _at_end(scenario, 0), warm=warm)
        high = analyse(search, setting, _at_end(scenario, 1), warm=warm)
        if low.complete and high.complete and low.family == high.family:
            chance = holds(low.family, setting.probabilities)
            return DrawnDeal(scenario=scenario, structure=deal(structure), draws=samples, seed=seed, exact_probability=chance,
                             constant=True, spread=None, lines=setting.lines, families=(low.family,),
                             complete=structure.complete, exact=structure.complete,
                             method=low.method, seconds=time.perf_counter() - started,
                             reason="the deal's blocking sets are the same with every reservation at the low end of its range "
                                    "and at the high end, so in every draw: nothing sampled")
        warm += [w.choices for w in low.witnesses + high.witnesses]
    chances, families = _per_draw(search, setting, draws, warm, notes, certified_above=not spread)
    mean = sum(chances, Fraction(0)) / len(chances)
    sd = math.sqrt(sum((float(c) - float(mean)) ** 2 for c in chances) / max(1, len(chances) - 1))
    half = Z95 * sd / math.sqrt(len(chances))
    solves = search.solver.calls - calls
    return DrawnDeal(scenario=scenario, structure=deal(structure), draws=samples, seed=seed, exact_probability=mean,
                     constant=False, spread=(max(0.0, float(mean) - half), min(1.0, float(mean) + half)),
                     lines=setting.lines, families=tuple(families), complete=not notes,
                     exact=False, method="sampling+mip", seconds=time.perf_counter() - started,
                     reason="; ".join([f"{samples:,} draws of the reservation ranges and points spreads, the real lines exact "
                                       f"in each ({solves:,} solves)", *notes]))


def _per_draw(search: Search, setting: Setting, draws: Worlds, warm: list[Mapping[str, Any]], notes: list[str],
              certified_above: bool) -> tuple[list[Fraction], list[Family]]:
    scenario = search.scenario
    base = _base(scenario, setting, draws)
    known = Known(list(warm), _families(scenario, setting, warm, base))
    ranged = draws.ranged
    certified: dict[int, list[np.ndarray]] = {}  # blocking set -> reservation vectors where it was certified
    chances, families = [], []
    for w in range(len(draws)):
        draw = draws[w]
        point = draws.reservations[w]
        while True:
            family = either([f for f in (row[w] for row in known.families) if f is not None])
            pending = [s for s in sorted(family, key=lambda s: (s.bit_count(), s))
                       if not (certified_above and any(np.all(point >= r) for r in certified.get(s, [])))]
            found = None
            for mask in pending:
                choices, how = deal_in(search, setting, mask, draw, programme=False)
                if how == "time limit":
                    notes.append("the time limit stopped the certification in some draws: their chance is a lower bound "
                                 "(the packages found are acceptable there; others may be acceptable in more worlds)")
                    break
                if how == "unverified":
                    notes.append(f"in some draws a blocking set is not certified ({LEFT_OUT}): their chance is a lower bound")
                    break
                if choices is not None:
                    found = choices
                    break
                certified.setdefault(mask, []).append(point if ranged else np.zeros(0))
            if found is None:
                break
            known.choices.append(found)
            known.families += _families(scenario, setting, [found], base)
        chances.append(holds(family, setting.probabilities))
        families.append(family)
    return chances, families


def dominating(search: Search, worlds: Worlds) -> np.ndarray | None:
    """An upper bound on where any package is acceptable: one row per witness of the exact analysis with every
    reservation at the low end of its range, True in the sampled worlds where that witness is acceptable there.

    Every package is dominated by a witness (acceptable in a subset of the worlds of the red lines where it is; see
    :mod:`.exact_worlds`), and a reservation above the low end only removes packages, so no package wins more worlds
    of a set than the best row does there.  None with points spreads (a draw's utilities are not the stated ones) or
    when the enumeration of witnesses did not finish.  One enumeration (0.09 s on the bundled case); it replaces the
    value of information's linear relaxation wherever a package already found reaches it."""
    scenario = search.scenario
    if any(p.points_spread for p in scenario.parties):
        return None
    setting = setting_of(scenario)
    corner = analyse(search, setting, _at_end(scenario, 0), certify=False)
    if not corner.complete:
        return None
    masks = worlds.real_masks(setting.lines)
    return np.array([unblocked(witness.family, masks) for witness in corner.witnesses], dtype=bool).reshape(-1, len(worlds))


def _at_end(scenario: Any, end: int) -> World:
    """The draw with every reservation range at its low (0) or high (1) end."""
    return World(reservations={p.id: float(p.reservation_range[end]) for p in scenario.parties if p.reservation_range is not None})
