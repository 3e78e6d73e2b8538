"""The scenario compiled for the dynamic programme: scaled integer points, rules, factors (merged and compressed)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Collection, Mapping

import numpy as np

from ...scenario import Scenario, exact
from ...scenario.rules import Conjunction, OptionAtom
from .limits import _FLOAT_SAFE, _INT64_SAFE, NotApplicable


@dataclass(frozen=True)
class _Rule:
    """``controlled_by``: at least ``need`` of ``members`` take part (monotone in the taking-part set)."""

    members: frozenset[str]
    need: int

    def __call__(self, taking: Collection[str]) -> bool:
        return len(self.members & set(taking)) >= self.need


def _rule(issue: Any) -> _Rule | None:
    rule = issue.controlled_by
    if not rule:
        return None
    if isinstance(rule, (list, tuple)):
        return _Rule(frozenset(rule), 1)
    get = rule.get if isinstance(rule, Mapping) else (lambda key, default=None: getattr(rule, key, default))
    if get("all") is not None:
        members = frozenset(get("all"))
        return _Rule(members, len(members))
    if get("at_least") is not None and get("of") is not None:
        return _Rule(frozenset(get("of")), int(get("at_least")))
    raise NotApplicable(f"issue '{issue.id}': controlled_by {rule!r} is not a form the DP knows")


Condition = dict  # issue index -> bool array over that issue's options


@dataclass
class _Compiled:
    scenario: Scenario
    parties: tuple[str, ...]
    veto: tuple[bool, ...]
    issues: tuple[str, ...]
    options: tuple[tuple[str, ...], ...]
    status_quo: tuple[int | None, ...]
    denominators: tuple[int, ...]
    points: list[np.ndarray]  # per issue: (options, parties) scaled
    reservation: tuple[int, ...]
    interactions: list[tuple[int, Condition, int]]  # (party, when, value scaled)
    red_lines: list[tuple[int, int, list[Condition], int | None]]  # (index, party, forbidden conjunctions, price scaled or None)
    rules: list[_Rule | None]
    dtype: Any
    float_exact: bool

    def zeros(self, shape: Any) -> np.ndarray:
        out = np.zeros(shape, dtype=self.dtype)
        if self.dtype is object:
            out[...] = 0
        return out


def stated_soft(scenario: Scenario) -> dict[int, Any]:
    """The red lines that are soft in the stated world (a price and no ``real``): index -> price."""
    return {k: r.price for k, r in enumerate(scenario.red_lines) if r.soft}


def _compile(scenario: Scenario, soft: Mapping[int, Any] | None = None) -> _Compiled:
    """Exact integer tables of a discrete scenario.  ``soft``: red-line index -> price, lines
    treated as soft (breaking one costs its party the price instead of forbidding the package);
    every other red line is hard."""
    soft = dict(soft or {})
    continuous = [i.id for i in scenario.issues if i.is_continuous]
    if continuous:
        raise NotApplicable(f"continuous issue(s) {', '.join(continuous)}: the DP handles discrete issues only")
    parties = tuple(scenario.party_ids)
    pindex = {p: j for j, p in enumerate(parties)}
    issues = tuple(i.id for i in scenario.issues)
    iindex = {i: n for n, i in enumerate(issues)}
    options = tuple(tuple(i.option_ids) for i in scenario.issues)

    def condition(conjunction: Conjunction) -> Condition:
        """A conjunction of option atoms as masks: issue index -> which options the conjunction allows."""
        out: Condition = {}
        for atom in conjunction.atoms:
            assert isinstance(atom, OptionAtom)  # (continuous issues were refused above)
            n = iindex[atom.issue]
            out[n] = np.array([o in atom.options for o in options[n]], dtype=bool)
        return out

    memo: dict[Any, Fraction] = {}

    def fx(value: Any) -> Fraction:  # exact(), once per distinct number
        out = memo.get(value)
        if out is None:
            out = memo[value] = exact(value)
        return out

    tables = [[scenario.points(p, i) for p in parties] for i in issues]
    raw_points = [[[fx(tables[n][j].get(o, 0.0)) for j in range(len(parties))] for o in options[n]] for n in range(len(issues))]
    reservations = [fx(scenario.party[p].reservation) for p in parties]
    rules = scenario.rules
    inter = [(pindex[x.party], condition(x.when), fx(x.value)) for x in rules.terms]
    lines = [(r.index, pindex[r.party], [condition(c) for c in r.forbidden], fx(soft[r.index]) if r.index in soft else None)
             for r in rules.lines]

    denominators = []
    for j in range(len(parties)):
        values = {reservations[j].denominator} | {row[j].denominator for table in raw_points for row in table}
        values |= {v.denominator for p, _, v in inter if p == j} | {v.denominator for _, p, _, v in lines if p == j and v is not None}
        denominators.append(math.lcm(*values))

    def scale(v: Fraction, j: int) -> int:
        return v.numerator * (denominators[j] // v.denominator)

    scaled_points = [[[scale(row[j], j) for j in range(len(parties))] for row in table] for table in raw_points]
    width = 0
    for j in range(len(parties)):
        total = abs(scale(reservations[j], j)) + sum(max(abs(row[j]) for row in table) for table in scaled_points)
        total += sum(abs(scale(v, j)) for p, _, v in inter if p == j) + sum(abs(scale(v, j)) for _, p, _, v in lines if p == j and v is not None)
        width = max(width, 2 * total)
    dtype: Any = np.int64 if width < _INT64_SAFE else object
    points = []
    for table in scaled_points:
        array = np.empty((len(table), len(parties)), dtype=dtype)
        array[...] = table
        points.append(array)
    status_quo = tuple(next((k for k, o in enumerate(i.options) if o.status_quo), None) for i in scenario.issues)
    return _Compiled(
        scenario=scenario, parties=parties, veto=tuple(scenario.party[p].veto for p in parties), issues=issues, options=options,
        status_quo=status_quo, denominators=tuple(denominators), points=points,
        reservation=tuple(scale(r, j) for j, r in enumerate(reservations)),
        interactions=[(p, c, scale(v, p)) for p, c, v in inter],
        red_lines=[(k, p, conds, None if v is None else scale(v, p)) for k, p, conds, v in lines],
        rules=[_rule(i) for i in scenario.issues], dtype=dtype, float_exact=width < _FLOAT_SAFE,
    )


# =========================================================================== factors


@dataclass
class _Factor:
    """A function of the options on ``scope``: ``allowed`` (None: always) and a delta per coordinate.

    ``labels[t][o]`` is the label of option o of issue ``scope[t]`` (-1: outside the domain); the
    tables are indexed by labels: ``allowed`` has shape ``shape``, ``delta`` ``shape + (m,)``."""

    scope: tuple[int, ...]
    labels: list[np.ndarray]
    allowed: np.ndarray | None
    delta: np.ndarray | None

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(int(lab.max()) + 1 for lab in self.labels)

    @property
    def size(self) -> int:
        return math.prod(self.shape)


def _condition_factor(c: _Compiled, conditions: list[Condition], m: int, fn) -> _Factor:
    """A factor from conditions: ``fn(holds)`` -> (allowed or None, {coordinate: int-valued array}),
    where ``holds[q]`` is a bool array over the label grid: whether condition q holds."""
    scope = tuple(sorted(set().union(*conditions)))
    labels, reps = [], []
    for n in scope:
        signature = [tuple(bool(cond[n][o]) if n in cond else None for cond in conditions) for o in range(len(c.options[n]))]
        ids: dict[tuple, int] = {}
        lab = np.array([ids.setdefault(s, len(ids)) for s in signature], dtype=np.int64)
        labels.append(lab)
        reps.append(np.array([signature.index(s) for s in ids], dtype=np.int64))
    shape = tuple(len(r) for r in reps)
    holds = []
    for cond in conditions:
        h = np.ones(shape, dtype=bool)
        for t, n in enumerate(scope):
            if n in cond:
                axis = [1] * len(scope)
                axis[t] = shape[t]
                h = h & cond[n][reps[t]].reshape(axis)
        holds.append(h)
    allowed, deltas = fn(holds)
    delta = None
    if deltas:
        delta = c.zeros(shape + (m,))
        for coord, values in deltas.items():
            delta[..., coord] = values
    return _Factor(scope, labels, None if allowed is None else np.broadcast_to(allowed, shape).copy(), delta)


def _where(mask: np.ndarray, value: int, dtype: Any) -> np.ndarray:
    out = np.zeros(mask.shape, dtype=dtype)
    if dtype is object:
        out[...] = 0
    out[mask] = value
    return out


def _compress(f: _Factor, domains: list[np.ndarray]) -> _Factor:
    """Relabel over the domains only, merge labels whose slices agree, drop axes with one label.
    Deltas where the table forbids are set to 0 (they never apply)."""
    allowed, delta = f.allowed, f.delta
    if allowed is not None and delta is not None:
        delta = delta.copy()
        delta[~allowed] = 0
    scope, labels = [], []
    for t, n in enumerate(f.scope):
        lab = f.labels[t]
        dom = domains[n]
        used = np.unique(lab[dom])
        if allowed is not None:
            allowed = allowed.take(used, axis=len(scope))
        if delta is not None:
            delta = delta.take(used, axis=len(scope))
        ids: dict[tuple, int] = {}
        new_of_used = []
        reps = []
        for u in range(len(used)):
            key = (None if allowed is None else allowed.take(u, axis=len(scope)).tobytes(),
                   None if delta is None else tuple(delta.take(u, axis=len(scope)).ravel().tolist()))
            if key not in ids:
                ids[key] = len(ids)
                reps.append(u)
            new_of_used.append(ids[key])
        reps_a = np.array(reps, dtype=np.int64)
        if allowed is not None:
            allowed = allowed.take(reps_a, axis=len(scope))
        if delta is not None:
            delta = delta.take(reps_a, axis=len(scope))
        if len(reps) == 1:  # the factor does not depend on this issue within its domain
            if allowed is not None:
                allowed = allowed.take(0, axis=len(scope))
            if delta is not None:
                delta = delta.take(0, axis=len(scope))
            continue
        new_lab = np.full(len(lab), -1, dtype=np.int64)
        new_lab[dom] = np.array(new_of_used, dtype=np.int64)[np.searchsorted(used, lab[dom])]
        scope.append(n)
        labels.append(new_lab)
    if allowed is not None and allowed.all():
        allowed = None
    if delta is not None and not np.any(delta != 0):
        delta = None
    return _Factor(tuple(scope), labels, allowed, delta)


def _merge(g: _Factor, f: _Factor, domains: list[np.ndarray], c: _Compiled) -> _Factor:
    """One factor for both (scope: g's, then f's other issues)."""
    scope = g.scope + tuple(n for n in f.scope if n not in g.scope)
    maps: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    labels = []
    for n in scope:
        gl = g.labels[g.scope.index(n)] if n in g.scope else np.zeros(len(c.options[n]), dtype=np.int64)
        fl = f.labels[f.scope.index(n)] if n in f.scope else np.zeros(len(c.options[n]), dtype=np.int64)
        ids: dict[tuple[int, int], int] = {}
        lab = np.full(len(gl), -1, dtype=np.int64)
        for o in domains[n]:
            lab[o] = ids.setdefault((int(gl[o]), int(fl[o])), len(ids))
        pairs = np.array(list(ids), dtype=np.int64).reshape(-1, 2)
        maps[n] = (pairs[:, 0], pairs[:, 1])
        labels.append(lab)
    shape = tuple(len(maps[n][0]) for n in scope)

    def lookup(h: _Factor, which: int, table: np.ndarray | None, trailing: bool) -> np.ndarray | None:
        if table is None:
            return None
        index = []
        for n in h.scope:
            axis = [1] * len(scope)
            u = scope.index(n)
            axis[u] = shape[u]
            index.append(maps[n][which].reshape(axis))
        out = table[tuple(index)]
        return np.broadcast_to(out, shape + ((table.shape[-1],) if trailing else ()))

    ga, fa = lookup(g, 0, g.allowed, False), lookup(f, 1, f.allowed, False)
    gd, fd = lookup(g, 0, g.delta, True), lookup(f, 1, f.delta, True)
    allowed = ga if fa is None else fa if ga is None else ga & fa
    delta = gd if fd is None else fd if gd is None else gd + fd
    return _compress(_Factor(scope, labels, None if allowed is None else allowed.copy(), None if delta is None else delta.copy()), domains)


# =========================================================================== one run
