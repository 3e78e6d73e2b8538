"""The packages that can be a criterion's choice anywhere along one number, from the exact programme.

Along one input only one party's utility (or reservation) moves, by (value - stated) x sigma(package),
with sigma in {-1, 0, 1}: 1 when the package holds the option whose points move, -1 when it breaks
the line whose price moves, 0 for a reservation.  Every criterion (with its tie-break) prefers a
package that is at least as good for every party, so its choice at any value is on the Pareto
frontier of the packages acceptable there.  Those are all among (docs/break-even.md, "Candidates"):

* the frontier, over every party and the two extra coordinates +sigma and -sigma (so that only
  packages with equal sigma dominate each other: their utilities move together), of the packages
  acceptable with the moving party's reservation waived -- its reservation only cuts that set
  from below in its own utility, which keeps frontier points on the frontier;
* for a non-veto party, the same for the packages acceptable while it stays out.

The extra coordinates are dummy non-veto parties added to a variant of the scenario (their
utility is sigma or -sigma, written as points or interactions); they accept every package and
control nothing, so they change no package's acceptability.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Mapping

from ...scenario import World
from ..programme import frontier as programme_frontier
from .context import Context
from .inputs import Input, utility_bounds


@dataclass(frozen=True)
class Candidate:
    """One package, with what the walk needs: stated utilities, sigma, and when it is acceptable."""

    choices: Mapping[str, Any]
    utilities: Mapping[str, Fraction]
    sigma: int
    #: acceptable with the party's reservation waived / while the party stays out / regardless (reservation waived by the edits)
    accepted_in: bool
    accepted_out: bool
    constant: bool | None = None

    def key(self) -> tuple[tuple[str, Any], ...]:
        return tuple(sorted(self.choices.items()))


def sigma(ctx: Context, inp: Input, choices: Mapping[str, Any]) -> int:
    """How the input moves this package's utility of the input's party: +1, -1 or 0 per unit."""
    if inp.kind == "points":
        return int(choices[inp.issue or ""] == inp.option)
    if inp.kind == "price":
        return -int(not ctx.scenario.red_line_holds(ctx.scenario.red_lines[inp.line or 0], choices))
    return 0


def candidate(ctx: Context, inp: Input, choices: Mapping[str, Any], utilities: Mapping[str, Fraction] | None = None,
              accepted_in: bool | None = None) -> Candidate:
    """The package's data along the input (``utilities``, ``accepted_in``: already known from the programme)."""
    scenario, p = ctx.scenario, inp.party
    waived = set(ctx.search.waived)
    utilities = {q: scenario.exact_utility(q, choices) for q in scenario.party_ids} if utilities is None else dict(utilities)
    if ("reservation", p) in waived:
        accepted = scenario.signers(choices, waived) is not None if accepted_in is None else accepted_in
        return Candidate(choices, utilities, sigma(ctx, inp, choices), accepted, accepted, accepted)
    if accepted_in is None or not scenario.party[p].veto:
        accepted_in = scenario.signers(choices, waived | {("reservation", p)}) is not None
    accepted_out = (not scenario.party[p].veto
                    and scenario.signers(choices, waived, world=World(reservations={p: _huge(ctx, p)})) is not None)
    return Candidate(choices, utilities, sigma(ctx, inp, choices), accepted_in, accepted_out)


def candidates(ctx: Context, inp: Input) -> list[Candidate]:
    """Every package the criteria can choose along the input (one per utility vector and sigma), exactly."""
    scenario, search, p = ctx.scenario, ctx.search, inp.party
    dummies = _dummies(ctx, inp)
    parties = scenario.party_ids + [d["id"] for d in dummies]
    waived = set(search.waived)
    runs: list[tuple[dict[str, Fraction] | None, set[tuple[str, str | int]]]] = []
    if ("reservation", p) in waived:
        runs.append((None, waived))
    else:
        runs.append((None, waived | {("reservation", p)}))
        if not scenario.party[p].veto:
            runs.append(({p: _huge(ctx, p)}, waived))
    found: dict[tuple[tuple[str, Any], ...], Candidate] = {}
    for reservations, run_waived in runs:
        variant = ctx.variant(reservations=reservations, dummies=dummies)
        front = programme_frontier(variant, parties, waived=run_waived, coalition=search.coalition, fixed=search.fixed or None,
                            deadline=ctx.deadline())
        ctx.methods.add("dp")
        ctx.progress()
        real = scenario.party_ids
        for choices, values in zip(front.choices, front.utilities):
            if reservations is None:  # the programme's own run with the reservation waived: acceptable there, exactly
                c = candidate(ctx, inp, choices, {q: values[q] for q in real}, accepted_in=True)
            else:
                c = candidate(ctx, inp, choices, {q: values[q] for q in real})
            found.setdefault(c.key(), c)
    return list(found.values())


def _huge(ctx: Context, party: str) -> Fraction:
    """A reservation above every utility the party can have: it then never takes part."""
    return Fraction(int(utility_bounds(ctx.scenario, party)[1]) + 1)


def _dummies(ctx: Context, inp: Input) -> list[dict[str, Any]]:
    """Two dummy parties with utility +sigma and -sigma (up to a constant), for a price or a point."""
    if inp.kind not in ("points", "price"):
        return []
    names = []
    for base in ("breakeven_up", "breakeven_down"):
        name = base
        while name in ctx.scenario.party:
            name += "_"
        names.append(name)
    found = []
    for name, sign in zip(names, (1, -1)):
        dummy: dict[str, Any] = {"id": name, "veto": False}
        if inp.kind == "points":
            dummy["utilities"] = {inp.issue: {inp.option: float(sign)}}
            dummy["reservation"] = -2.0
        else:
            terms = _broken_terms(ctx, inp.line or 0)  # sigma = -broken = sum of value x [condition]
            dummy["interactions"] = [{"party": name, "when": when, "value": float(sign * value)} for when, value in terms]
            dummy["reservation"] = -float(len(terms) + 1)
        found.append(dummy)
    return found


def _broken_terms(ctx: Context, index: int) -> list[tuple[dict[str, Any], int]]:
    """-[the line is broken], up to a constant, as a sum of value x [condition]: forbid C -> -[C];
    require C -> +[C]; if C1 then C2 -> -[C1] + [C1 and C2] (a term whose condition cannot hold is left out)."""
    red_line = ctx.scenario.red_lines[index]
    plain = {key: value for key, value in (red_line.forbid or red_line.require or red_line.if_ or {}).items()}
    if red_line.forbid is not None:
        return [(_raw(plain), -1)]
    if red_line.require is not None:
        return [(_raw(plain), 1)]
    both = _conjunction(red_line.if_ or {}, red_line.then or {})
    return [(_raw(plain), -1)] + ([(_raw(both), 1)] if both is not None else [])


def _raw(condition: Mapping[str, Any]) -> dict[str, Any]:
    return {issue: (want if isinstance(want, str) else list(want)) for issue, want in condition.items()}


def _conjunction(first: Mapping[str, Any], second: Mapping[str, Any]) -> dict[str, Any] | None:
    """Both conditions at once (options of a shared issue intersected); None if they cannot both hold."""
    merged: dict[str, Any] = dict(first)
    for issue, want in second.items():
        if issue not in merged:
            merged[issue] = want
            continue
        a = {merged[issue]} if isinstance(merged[issue], str) else set(merged[issue])
        b = {want} if isinstance(want, str) else set(want)
        common = sorted(a & b)
        if not common:
            return None
        merged[issue] = common
    return merged

