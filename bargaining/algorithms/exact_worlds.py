"""Exact uncertainty over red lines that may not be real: every world with a deal, found without sampling.

The uncertain lines (``real: p``) are independent; in a world R (the set of lines that are real)
each line of R is hard and every other uncertain line is soft at its price, or absent without one
(SCENARIO_FORMAT's rules).  The mathematics is in docs/exact-uncertainty.md; in short:

*One package.*  A party's acceptance of package x in world R is ``a_q(x) and R misses B_q(x)``,
where ``a_q(x)`` is its acceptance in the *base world* (no uncertain line real) and ``B_q(x)`` the
uncertain lines of q that x breaks: a line x keeps costs nothing whether it is hard or soft, and
with R missing B_q(x) every line x breaks is soft, as in the base world.  So x is acceptable in R
when every veto party's condition holds and every controlled issue x moves keeps enough controllers
taking part.  The worlds where it fails are those containing one of its minimal *blocking sets*
(:func:`package_family`), a decreasing event (:mod:`.blocking`).

*Every package.*  A package's fate depends only on its *profile*: which uncertain lines it keeps,
which optional controllers accept it in the base world, which controlled issues it moves; a better
profile is acceptable in more worlds.  Where no optional controller's lines are at risk and the issues
are discrete, the exact programme finds every maximal profile in one run (:func:`programme_packages`).
Otherwise they are enumerated on the one model in the base world (:mod:`bargaining.engine.profiles`):
maximise the number of good coordinates, then cut off every profile at or below the one found; each
solve gives a new maximal profile, and the last, infeasible one (checked without presolve by the
solver) ends it: #maximal profiles + 1 solves.  Every package is then dominated (acceptable in a
subset of the worlds) by one of these *witnesses*.

*The deal.*  A deal exists in R when some witness is acceptable there; its blocking sets are the
minimal unions of one blocking set per witness (:func:`.blocking.either`).  Each of them is then
*certified*: no package is acceptable in that world, by the exact programme where it applies
(discrete issues, stated numbers) and otherwise by the model (whose "infeasible" is always
re-checked without presolve).  A package found there joins the witnesses and the deal is
recomputed, so the result never rests on the enumeration alone.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations, product
from typing import Any

from ..engine.profiles import Profiles
from ..engine.search import LEFT_OUT, Search
from ..scenario import STATED, Scenario, World, exact, exact_or_id
from .blocking import Family, either, minimal, positions
from .programme import NotApplicable
from .programme import frontier as programme_frontier

#: The most maximal packages enumerated before the analysis gives up on exactness.
MAX_PACKAGES = 2000
#: The most blocking sets a deal's family may have (the product of the witnesses' families is capped there).
MAX_SETS = 200_000
#: Seconds the exact programme may spend certifying one world before the model is asked instead.
DP_SECONDS = 5.0
#: Seconds the exact programme may spend enumerating the maximal packages before the model is asked instead.
ENUMERATION_SECONDS = 20.0


@dataclass(frozen=True)
class Setting:
    """What the exact analysis ranges over: the uncertain lines that can matter (bit j of a world is
    ``lines[j]``), those that never can (``inert``), those with ``real: 1`` (``certain``: always real,
    so hard in every world), and the optional controllers and controlled issues through which an
    optional party's lines act."""

    lines: tuple[int, ...]
    inert: tuple[int, ...]
    certain: tuple[int, ...]
    controllers: tuple[str, ...]
    issues: tuple[str, ...]
    probabilities: tuple[Fraction, ...]

    @property
    def uncertain(self) -> tuple[int, ...]:
        """Every line that may not be real (``lines`` and ``inert``)."""
        return tuple(sorted(self.lines + self.inert))


def setting_of(scenario: Scenario, also: Collection[int] = ()) -> Setting:
    """Veto parties' uncertain lines count; an optional party's count when it controls an issue (its
    taking part can then matter); the others are inert: they decide only whether a party that
    decides nothing takes part.  A line with ``real: 1`` is certain: hard in every world (unless it
    is in ``also``: then it is analysed like the others, with its probability 1)."""
    veto = set(scenario.veto_party_ids)
    certain = tuple(k for k, r in enumerate(scenario.red_lines) if r.real is not None and exact(r.real) == 1 and k not in also)
    uncertain = [k for k, r in enumerate(scenario.red_lines) if r.real is not None and k not in certain]
    optional_controllers = {c for i in scenario.issues if i.controlled_by for c in i.controllers if c not in veto}
    holders = {scenario.red_lines[k].party for k in uncertain} & optional_controllers
    issues = tuple(i.id for i in scenario.issues if i.controlled_by and set(i.controllers) & holders)
    controllers = tuple(p for p in scenario.party_ids
                        if p not in veto and any(p in scenario.issue[i].controllers for i in issues))
    lines = tuple(k for k in uncertain if scenario.red_lines[k].party in veto or scenario.red_lines[k].party in holders)
    inert = tuple(k for k in uncertain if k not in lines)
    return Setting(lines, inert, certain, controllers, issues, tuple(exact(scenario.red_lines[k].real or 1) for k in lines))


def world(scenario: Scenario, setting: Setting, mask: int, draw: World = STATED) -> World:
    """The world where exactly the lines of ``mask`` are real (inert lines not real), with the draw's
    reservations and point factors."""
    real = {k: bool(mask >> j & 1) for j, k in enumerate(setting.lines)}
    real.update({k: False for k in setting.inert})
    real.update({k: True for k in setting.certain})
    return World(real=real, reservations=draw.reservations, factors=draw.factors, index=draw.index)


@dataclass(frozen=True)
class Witness:
    """A package, its blocking family (minimal sets of lines whose being real makes it unacceptable;
    empty: acceptable in every world) and its profile (1: good coordinate)."""

    choices: Mapping[str, Any]
    family: Family
    profile: tuple[int, ...]


def package_family(scenario: Scenario, setting: Setting, choices: Mapping[str, Any], draw: World = STATED) -> Witness | None:
    """The package's blocking family and true profile, exactly (None: not acceptable in the base world)."""
    taking = scenario.signers(choices, world=world(scenario, setting, 0, draw))  # with no coalition: every party that accepts
    if taking is None:
        return None
    return combine(scenario, setting, choices, {q: q in taking for q in [*scenario.veto_party_ids, *setting.controllers]})


def broken_lines(scenario: Scenario, setting: Setting, choices: Mapping[str, Any]) -> dict[str, int]:
    """Per party: the analysed lines the package breaks (a mask)."""
    broken = {q: 0 for q in scenario.party_ids}
    for j, k in enumerate(setting.lines):
        line = scenario.red_lines[k]
        if not scenario.red_line_holds(line, choices):
            broken[line.party] |= 1 << j
    return broken


def combine(scenario: Scenario, setting: Setting, choices: Mapping[str, Any], accepts: Mapping[str, bool],
            broken: Mapping[str, int] | None = None) -> Witness:
    """The blocking family and profile of a package acceptable in the base world, from who accepts it there
    (``accepts``: every veto party and optional controller) and the lines it breaks."""
    veto = scenario.veto_party_ids
    broken = broken if broken is not None else broken_lines(scenario, setting, choices)
    sets = [1 << j for v in veto for j in positions(broken[v])]
    moved = []
    for issue_id in setting.issues:
        issue = scenario.issue[issue_id]
        if exact_or_id(choices[issue_id]) == exact_or_id(issue.status_quo_choice):
            moved.append(0)
            continue
        moved.append(1)
        sure = sum(1 for c in issue.controllers if c in veto or (accepts[c] and not broken[c]))
        knockable = [broken[c] for c in issue.controllers if c not in veto and accepts[c] and broken[c]]
        if sure >= issue.controllers_needed:
            continue
        knocked = len(knockable) - (issue.controllers_needed - sure) + 1  # this many out, and the issue cannot move
        for chosen in combinations(knockable, knocked):
            sets += [sum(1 << j for j in pick) for pick in product(*(positions(b) for b in chosen))]
    good_lines = [0 if broken[scenario.red_lines[k].party] >> j & 1 and accepts.get(scenario.red_lines[k].party, True)
                  else 1 for j, k in enumerate(setting.lines)]
    profile = (*good_lines, *(int(accepts[c]) for c in setting.controllers), *(1 - x for x in moved))
    return Witness(dict(choices), minimal(sets), profile)


@dataclass
class Analysis:
    """What the exact analysis found in one draw of the continuous inputs (the stated one by default)."""

    scenario: Scenario
    setting: Setting
    draw: World
    witnesses: list[Witness]
    family: Family  # the deal's minimal blocking sets
    complete: bool = True
    method: str = "mip"  # what answered: "dp" (the exact programme), "mip" (the model), "dp+mip" (both)
    reason: str = ""
    solves: int = 0
    certified: int = 0  # blocking sets certified (no package in that world)
    missed: int = 0  # packages the enumeration missed and the certification found
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def maximal_packages(search: Search, setting: Setting, draw: World = STATED, *, max_packages: int = MAX_PACKAGES,
                     warm: Sequence[Mapping[str, Any]] = (), programme: bool = True) -> tuple[list[Witness], str]:
    """Witnesses whose profiles cover every package's (see the module's docstring); "" when complete, else why not.

    By the exact programme where it applies (:func:`programme_packages`; not with ``programme=False``), else
    on the model.  ``warm``: packages known from elsewhere (another draw); their profiles are cut off first."""
    scenario = search.scenario
    found: list[Witness] = []
    exact = programme_packages(scenario, setting, draw, search.deadline) if programme else None
    if exact is not None:
        if len(exact) > max_packages:
            return exact[:max_packages], (f"the search stopped at {max_packages:,} maximal packages (there are "
                                          f"{len(exact):,}); the chance of a deal is computed over those (a lower bound)")
        return exact, ""
    with search.changes() as edit:
        edit.world(world(scenario, setting, 0, draw))
        profiles = Profiles(edit, setting.lines, setting.controllers, setting.issues)
        for choices in warm:
            known = package_family(scenario, setting, choices, draw)
            if known is not None:
                found.append(known)
                if not all([profiles.exclude(g) for g in variants(scenario, setting, known.profile)]):
                    return found, ""
        while True:
            if len(found) >= max_packages:
                return found, (f"the search stopped at {max_packages:,} maximal packages (there are more); the chance of a "
                               "deal is computed over those found (a lower bound)")
            outcome, package = search.maximize(profiles.objective, Fraction(1))
            if package is None:
                if outcome.status == "time_limit":
                    return found, (f"the time limit stopped the search for maximal packages after {len(found):,}; the chance "
                                   "of a deal is computed over those found (a lower bound)")
                return found, ""
            read = profiles.read()
            witness = package_family(scenario, setting, package.exact_choices, draw)
            if witness is None:  # cannot happen: the package was checked exactly in this world
                raise AssertionError("a package accepted in the base world has no blocking family")
            if all(w.choices != witness.choices for w in found):
                found.append(witness)
            if not profiles.exclude(read) or not all([profiles.exclude(g) for g in variants(scenario, setting, witness.profile)]):
                return found, ""


def variants(scenario: Scenario, setting: Setting, profile: tuple[int, ...], most: int = 3) -> list[tuple[int, ...]]:
    """The package's profile, and the same with some optional controllers that accept it taken as staying out
    (their lines then do not bind: good), which describes the package too (worse: it is acceptable in fewer
    worlds).  Cutting all of them off keeps the search from finding the package again under another name
    (at most ``most`` such controllers are varied together)."""
    n = len(setting.lines)
    at_risk = [(n + c, [j for j, k in enumerate(setting.lines) if scenario.red_lines[k].party == party and not profile[j]])
               for c, party in enumerate(setting.controllers) if profile[n + c]]
    at_risk = [(c, lines) for c, lines in at_risk if lines][:most]
    found = [profile]
    for size in range(1, len(at_risk) + 1):
        for chosen in combinations(at_risk, size):
            variant = list(profile)
            for c, lines in chosen:
                variant[c] = 0
                for j in lines:
                    variant[j] = 1
            found.append(tuple(variant))
    return found


def programme_packages(scenario: Scenario, setting: Setting, draw: World = STATED, deadline: float | None = None
                       ) -> list[Witness] | None:
    """The witnesses by the exact programme, in one run, where it applies (discrete issues, the stated numbers,
    no optional controller at risk: a profile is then the set of uncertain lines a package keeps).  Each
    uncertain line j gets a stand-in optional party whose only point is a soft copy of the line at price 1, so
    its utility is -1 when a package breaks j: the Pareto frontier over the stand-ins is exactly the maximal
    profiles.  None where the programme does not apply or gives up (the model answers then)."""
    if scenario.continuous_issues or draw.reservations or draw.factors or setting.controllers or not setting.lines:
        return None
    data = scenario.to_dict()
    taken = {p["id"] for p in data["parties"]} | {i["id"] for i in data["issues"]} | {r.get("id") for r in data.get("red_lines", [])}
    names: list[str] = []
    lines = data.setdefault("red_lines", [])
    for j, k in enumerate(setting.lines):
        name = f"held_{j}"
        while name in taken:
            name += "_"
        names.append(name)
        data["parties"].append({"id": name, "reservation": -1, "veto": False})
        copy = {key: value for key, value in lines[k].items() if key in ("forbid", "require", "if", "then")}
        lines.append({**copy, "party": name, "price": 1})
    stand_ins = Scenario.from_dict(data, scenario.source)
    not_real = list(setting.uncertain)  # the base world: no uncertain line real (the certain ones stay hard)
    soft = {k: r.price for k, r in enumerate(stand_ins.red_lines) if r.soft}
    soft.update({k: stand_ins.red_lines[k].price for k in not_real if stand_ins.red_lines[k].price is not None})
    waived = [("red_line", k) for k in not_real if stand_ins.red_lines[k].price is None]
    limit = time.perf_counter() + ENUMERATION_SECONDS
    try:
        frontier = programme_frontier(stand_ins, names, waived=waived, soft=soft,
                               deadline=limit if deadline is None else min(limit, deadline))
    except NotApplicable:
        return None
    found = []
    for choices in frontier.choices:
        witness = package_family(scenario, setting, choices, draw)
        if witness is None:  # cannot happen: the stand-ins change no one's acceptance
            raise AssertionError("a package the programme found is not acceptable in the base world")
        found.append(witness)
    return found


def deal_in(search: Search, setting: Setting, mask: int, draw: World = STATED, *, programme: bool = True
            ) -> tuple[Mapping[str, Any] | None, str]:
    """Some package acceptable in world ``mask`` (None: none), and what answered ("programme" or
    "model"; "time limit" when the model was stopped before an answer, "unverified" when it found none only after
    leaving out a combination of options on the solver's word, see :attr:`~bargaining.engine.search.Search.unverified`)."""
    scenario = search.scenario
    if programme and not scenario.continuous_issues and not draw.reservations and not draw.factors:
        real = {setting.lines[j] for j in positions(mask)}
        not_real = [k for k in setting.uncertain if k not in real]
        soft = {k: r.price for k, r in enumerate(scenario.red_lines) if r.soft}
        soft.update({k: scenario.red_lines[k].price for k in not_real if scenario.red_lines[k].price is not None})
        waived = [("red_line", k) for k in not_real if scenario.red_lines[k].price is None]
        try:
            deadline = time.perf_counter() + DP_SECONDS
            if search.deadline is not None:
                deadline = min(deadline, search.deadline)
            found = programme_frontier(scenario, [scenario.party_ids[0]], waived=waived, soft=soft, deadline=deadline)
        except NotApplicable:
            pass
        else:
            return (found.choices[0] if len(found) else None), "programme"
    left_out = search.unverified
    with search.changes() as edit:
        edit.world(world(scenario, setting, mask, draw))
        outcome, package = search.maximize(0)
    if package is None and outcome.status == "time_limit":
        return None, "time limit"
    if package is None and search.unverified > left_out:
        return None, "unverified"
    return (None if package is None else package.exact_choices), "model"


def analyse(search: Search, setting: Setting | None = None, draw: World = STATED, *, max_packages: int = MAX_PACKAGES,
            max_sets: int = MAX_SETS, certify: bool = True, warm: Sequence[Mapping[str, Any]] = (),
            programme: bool = True) -> Analysis:
    """The exact analysis in one draw: witnesses, the deal's blocking sets, each certified.

    Past ``max_packages`` witnesses, ``max_sets`` blocking sets or a time limit (``search.limited``)
    the analysis stops and says so (``complete`` False, ``reason``): the chance of a deal computed
    from what was found is then a lower bound (the packages found are acceptable in those worlds;
    others may be acceptable in more)."""
    started = time.perf_counter()
    scenario = search.scenario
    setting = setting or setting_of(scenario)
    calls = search.solver.calls
    witnesses, stopped = maximal_packages(search, setting, draw, max_packages=max_packages, warm=warm, programme=programme)
    family, overflow = _deal_family(witnesses, max_sets)
    analysis = Analysis(scenario, setting, draw, witnesses, family)
    methods = {"model"} if search.solver.calls > calls else {"programme"}
    if stopped or overflow:
        analysis.complete, analysis.reason = False, stopped or overflow
    elif certify:
        checked: set[int] = set()
        while True:
            todo = sorted((s for s in analysis.family if s not in checked), key=lambda s: (s.bit_count(), s))
            if not todo:
                break
            choices, how = deal_in(search, setting, todo[0], draw, programme=programme)
            if how == "time limit":
                analysis.complete, analysis.reason = False, "the time limit stopped the certification of the blocking sets"
                break
            if how == "unverified":
                analysis.complete, analysis.reason = False, f"a blocking set is not certified: {LEFT_OUT}"
                break
            methods.add(how)
            if choices is None:
                checked.add(todo[0])
                continue
            witness = package_family(scenario, setting, choices, draw)
            if witness is None:
                raise AssertionError("a package found in a world is not acceptable in the base world")
            analysis.missed += 1
            analysis.witnesses.append(witness)
            analysis.family, overflow = _deal_family(analysis.witnesses, max_sets)
            if overflow:
                analysis.complete, analysis.reason = False, overflow
                break
        analysis.certified = len(checked)
    analysis.method = "+".join(m for m, how in (("dp", "programme"), ("mip", "model")) if how in methods)
    analysis.solves = search.solver.calls - calls
    analysis.seconds = time.perf_counter() - started
    return analysis


def _deal_family(witnesses: Sequence[Witness], max_sets: int) -> tuple[Family, str]:
    """The deal's blocking family, and "" -- or, when it would exceed ``max_sets`` sets, the family of the
    deal over the witnesses taken up to there (most robust first: a lower bound on the deal) and why."""
    try:
        return either([w.family for w in witnesses], limit=max_sets), ""
    except OverflowError:
        pass
    family: Family = frozenset({0})
    used = 0
    for witness in sorted(witnesses, key=lambda w: len(w.family)):
        try:
            family = either([family, witness.family], limit=max_sets)
        except OverflowError:
            break
        used += 1
    return family, (f"the worlds without a deal have more than {max_sets:,} minimal blocking sets; the chance of a deal "
                    f"is computed over {used} of the {len(witnesses)} maximal packages found (a lower bound)")
