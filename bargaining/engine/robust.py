"""The most robust package: one mixed-integer model over all sampled worlds (sample-average approximation;
the mathematics, with a worked example: docs/robust.md).

An engine-level block added to the one model, built once per sample of worlds and switched
on only while it is searched (the package variables, interactions, red-line rows and prices
are the model's own; only what differs between worlds is added).  Why a block and not a
separate model: the package is described once, the persistent HiGHS instance is reused, and
the block serves every question asked of the same worlds (most robust over all of them, or
over those where a red line turned out real, for the value of information) by changing
only the objective's weights.

While switched on, every red line's rows are switched off by a *violation* indicator v_k
(``broken[k]`` for a line with a price, its relaxation switch otherwise) that the block ties
to the worlds; a veto party's red lines that are hard in every world and its reservation,
when it is the same in every world, stay in force as in the stated world (a package breaking
them wins no world).  Non-veto parties are taken as present in the model, and their
acceptance is decided per world in the block.

Per party p and *signature* s (what decides p's acceptance: the status of its uncertain
lines, its reservation rounded up to the lattice of its utilities, its point factors) the
condition is: z + v_k <= 1 for each of p's lines hard in s, and p's utility reaching the
level, ``u_p - level >= (low - level)(1 - z)`` (with a points spread, the utility row has the
world's factors).  Per *group* of worlds (identical signatures of every party that matters,
merged with a weight) a binary y[g].  The condition's binary z is y[g] itself when only one
group has that signature of a veto party (so a world costs a few rows), else a binary
acc[p, s] with y[g] <= acc[p, s]; a level shared by several binaries gets its own q >= each.
For an issue with controlled_by: k (controlled[i] + h - 1) <= the controllers accepting, where
h >= y[g] is shared by the groups whose non-veto controllers have the same signatures (y[g]
itself when only one has).  The objective is the sum of weight x y[g].
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Sequence

import numpy as np
import pyomo.environ as pyo

from ..scenario import Worlds
from .model import utility_expression
from .parts import Part, add_block
from .search import Search
from .solver import Outcome


@dataclass
class RobustBlock:
    """The block as a kept part (while on: the violation indicators and switches it needs free, non-veto
    parties' participation held at 1), and which worlds each of its world-variables stands for."""

    part: Part
    group_of: np.ndarray  # world -> group (-1: a world left out of the block)
    groups: int

    @property
    def block(self) -> pyo.Block:
        return self.part.block

    def counts(self, worlds: Sequence[int] | np.ndarray | None = None) -> np.ndarray:
        """How many of these worlds (default: all the block holds) each group holds."""
        chosen = self.group_of[self.group_of >= 0] if worlds is None else self.group_of[np.asarray(worlds, dtype=int)]
        if (chosen < 0).any():
            raise ValueError("a world left out of the robust block was counted")
        return np.bincount(chosen, minlength=self.groups)


def build_robust(search: Search, worlds: Worlds, name: str = "robust", among: np.ndarray | None = None) -> RobustBlock:
    """Add (inactive) the block for these worlds to the model; ``among`` (indices): only for those worlds (the others
    can then not be counted).  The worlds with a deal, once known: no package wins the others, and the bundled case's
    block has 43% fewer rows."""
    model, scenario, m = search.model, search.scenario, search.m
    name, b = add_block(m, name)
    b.rows = pyo.ConstraintList()
    b.q = pyo.VarList(domain=pyo.Binary)
    n = len(worlds)
    switch = {r.index: k for k, r in enumerate(model.requirements) if r.kind == "red_line"}
    own = {r.party: k for k, r in enumerate(model.requirements) if r.kind == "reservation"}
    veto = set(scenario.veto_party_ids)
    controllers = {c for i in scenario.issues if i.controlled_by for c in i.controllers}
    column = {k: j for j, k in enumerate(worlds.lines)}
    ranged = {p: j for j, p in enumerate(worlds.ranged)}
    spread = {p: j for j, p in enumerate(worlds.spread)}

    free: list[Any] = []
    violation: dict[int, Any] = {}
    for k, r in enumerate(scenario.red_lines):
        if r.price is not None:
            violation[k] = m.broken[k]
            free.append(m.broken[k])
        elif r.real is not None or r.party not in veto:
            violation[k] = m.relax[switch[k]]
            free.append(m.relax[switch[k]])
    parties = [p for p in scenario.party_ids if p in veto or p in controllers]
    local = {p: p in ranged or p in spread or p not in veto for p in parties}  # reservation decided per world
    free += [m.relax[own[p]] for p in parties if local[p]]
    free += [m.relax[own[p]] for p in scenario.party_ids if p not in parties and p not in veto]

    # ---- per party: what decides its acceptance in each world (its signature there)
    kept = np.arange(n) if among is None else np.asarray(among, dtype=int)
    signature: dict[str, np.ndarray] = {}  # party -> world -> its signature there (-1: a world left out)
    condition: dict[tuple[str, int], tuple[list[Any], Any]] = {}  # (party, s) -> (violations that must be 0, level)
    for p in parties:
        mine = [k for k, r in enumerate(scenario.red_lines) if r.party == p and k in violation]
        keys: dict[tuple[tuple[bool | None, ...], Any], int] = {}  # (its lines' status, its level) -> signature
        found = np.full(n, -1, dtype=np.int64)
        for w in kept:
            status = tuple(bool(worlds.real[w, column[k]]) if k in column else None for k in mine)
            level: Any = None
            if local[p]:
                reservation = Fraction(float(worlds.reservations[w, ranged[p]])) if p in ranged \
                    else Fraction(repr(float(scenario.party[p].reservation)))
                unit = model.unit[p]
                level = w if p in spread else unit * math.ceil(reservation / unit) if unit else reservation
                if p not in spread and float(level) <= model.world_range[p][0]:
                    level = None  # every package reaches it
            seen = (status, level)
            if seen not in keys:
                keys[seen] = len(keys)
                hard = [violation[k] for k, real in zip(mine, status) if (real if real is not None else not scenario.red_lines[k].soft)]
                condition[p, keys[seen]] = (hard, level)
            found[w] = keys[seen]
        signature[p] = found
    trivial = {key for key, (hard, level) in condition.items() if not hard and level is None}

    # ---- groups of identical worlds; a binary acc[p, s] only where a signature is shared (else y itself carries it)
    rows = np.array([[signature[p][w] for p in parties] for w in kept], dtype=np.int64).reshape(len(kept), len(parties))
    _, grouped, firsts = _groups(rows)
    group_of = np.full(n, -1, dtype=np.int64)
    group_of[kept] = grouped
    first = [int(kept[k]) for k in firsts]
    b.y = pyo.Var(range(len(first)), domain=pyo.Binary)
    users: dict[tuple[str, int], list[int]] = {}
    for g, w in enumerate(first):
        for p in parties:
            users.setdefault((p, int(signature[p][w])), []).append(g)
    shared = [key for key in condition if key not in trivial and (key[0] not in veto or len(users.get(key, [])) > 1)]
    b.acc = pyo.Var(shared, domain=pyo.Binary)
    carrier = {key: b.acc[key] for key in shared}
    carrier.update({key: b.y[users[key][0]] for key in condition if key not in trivial and key not in carrier and key in users})
    levels: dict[tuple[str, Any], list[Any]] = {}
    for key, z in carrier.items():
        hard, level = condition[key]
        for v in hard:
            b.rows.add(z + v <= 1)
        if level is not None:
            levels.setdefault((key[0], level), []).append(z)
    for (p, level), zs in levels.items():
        _reach(b, search, worlds, p, level, zs, p in spread)
    for key in shared:
        if key[0] in veto:
            for g in users[key]:
                b.rows.add(b.y[g] <= b.acc[key])

    # ---- who controls a moved issue: enough of its controlling parties accept in the group's worlds.  Groups
    # whose non-veto controllers have the same signatures share one binary h (y[g] <= h) and its rows.
    optional = [c for c in parties if c not in veto]
    together: dict[tuple[int, ...], list[int]] = {}
    for g, w in enumerate(first):
        together.setdefault(tuple(int(signature[c][w]) for c in optional), []).append(g)
    b.h = pyo.VarList(domain=pyo.Binary)
    for pattern, members in together.items():
        at = dict(zip(optional, pattern))
        needs = []
        for issue in scenario.issues:
            if not issue.controlled_by:
                continue
            sure = sum(1 for c in issue.controllers if c in veto or (c, at[c]) in trivial)
            if sure < issue.controllers_needed:
                needs.append((issue, sure + sum(carrier[c, at[c]] for c in issue.controllers if c not in veto and (c, at[c]) not in trivial)))
        if not needs:
            continue
        z = b.y[members[0]] if len(members) == 1 else b.h.add()
        if len(members) > 1:
            for g in members:
                b.rows.add(b.y[g] <= z)
        for issue, present in needs:
            b.rows.add(issue.controllers_needed * (m.controlled[issue.id] + z - 1) <= present)
    b.deactivate()
    part = search.keep(Part(name, b, free=free, held=[(m.takes_part[p], 1) for p in m.takes_part]))
    return RobustBlock(part, group_of, len(first))


def _reach(b: pyo.Block, search: Search, worlds: Worlds, party: str, level: Any, carriers: list[Any], scaled: bool) -> None:
    """Each binary in ``carriers`` is 1 only if the party's utility reaches ``level`` (with a spread:
    its utility in world ``level`` reaches that world's reservation).  One row for a single binary; a
    shared binary q with q >= each of them otherwise."""
    model, m, scenario = search.model, search.m, search.scenario
    z = carriers[0]
    if len(carriers) > 1:
        z = b.q.add()
        for carrier in carriers:
            b.rows.add(carrier <= z)
    if scaled:
        world = worlds[level]
        utility = utility_expression(scenario, party, lambda i, o: m.choose[i, o], lambda c: m.amount[c], lambda j: m.together[j],
                                     lambda k: m.broken[k], lambda q, i, o: float(world.factors[q][(i, o)]))
        target = float(world.reservation(scenario.party[party]))
    else:
        utility = m.gain[party] + m.reservation[party]  # two terms, not the utility's many
        target = float(level)
    # any big-M at least target - low is valid (the utility is never below low); at least 1 keeps HiGHS off tiny coefficients
    slack = min(model.world_range[party][0] - target, -1.0)
    b.rows.add(utility - target >= margin(model, party) * z + slack * (1 - z))


def margin(model: Any, party: str) -> float:
    """How far above a threshold the solver must put a utility with a continuous part (an amount), so
    that reading the amounts back exactly keeps it above: 1e-6 of its range (0 for discrete utilities)."""
    if model.unit[party] is not None:
        return 0.0
    low, high = model.world_range[party]
    return 1e-6 * max(1.0, float(high - low))


def _groups(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Identical rows merged: (unique rows, row -> group, each group's first row), groups in order of first appearance."""
    seen: dict[bytes, int] = {}
    group_of = np.empty(len(rows), dtype=np.int64)
    first: list[int] = []
    for w, row in enumerate(rows):
        key = row.tobytes()
        if key not in seen:
            seen[key] = len(first)
            first.append(w)
        group_of[w] = seen[key]
    return rows[first], group_of, first


def won(robust: RobustBlock, counts: np.ndarray) -> Any:
    """The number of worlds won: sum of weight x y[g] over groups with a weight."""
    return sum(int(c) * robust.block.y[g] for g, c in enumerate(counts) if c)


def stated_gain(search: Search, party: str) -> Any:
    """The party's gain in the stated world while the block is on (prices of lines with ``real`` added back)."""
    m, scenario = search.m, search.scenario
    return m.gain[party] + sum(r.price * m.broken[k] for k, r in enumerate(scenario.red_lines)
                               if r.party == party and r.price is not None and r.real is not None)


def counting(edit: Any, robust: RobustBlock, counts: np.ndarray) -> Any:
    """Switch the block on in ``edit`` to count these worlds; the count (a number when no group is counted).  A group
    not counted wins nothing: held at 0 it only loosens rows (the value of information: about 15% of HiGHS)."""
    edit.switch_on(robust.part, idle=[robust.block.y[int(g)] for g in np.flatnonzero(counts == 0)])
    return won(robust, counts)


def count_bound(search: Search, robust: RobustBlock, counts: np.ndarray) -> int | None:
    """An upper bound on the counted worlds any package wins: the count's linear relaxation, rounded down (with a
    margin for the solver's tolerances, so the bound is never below the relaxation's true optimum); None if the
    relaxation was not solved (time limit)."""
    with search.changes() as edit:
        objective = counting(edit, robust, counts)
        if isinstance(objective, (int, float)):
            return 0
        if search.m.objective.expr is not objective:
            search.m.objective.set_value(objective)
        value = search.solver.relaxation(search.remaining())
    return None if value is None else math.floor(value + 1e-3)


def most_robust_choices(search: Search, robust: RobustBlock, counts: np.ndarray, parties: Sequence[str]
                        ) -> tuple[dict[str, Any] | None, Outcome]:
    """The choices winning the most of the counted worlds, ties to the largest smallest stated gain.

    Returns the choices (None if no package wins a world) and the first stage's outcome
    (its objective and proven bound, in worlds)."""
    with search.changes() as edit:
        objective = counting(edit, robust, counts)
        if isinstance(objective, (int, float)):
            return None, Outcome("optimal", 0.0, True, 0.0)
        with search.solver.without_presolve():  # the count's relaxation is tight; presolve was 97% of its time
            outcome = search.solve(objective, 1)
        if not outcome.has_solution or outcome.objective is None or outcome.objective < 0.5:
            return None, outcome
        choices = search.read_choices()
        best = round(outcome.objective)
        if parties and search.remaining() != 0:
            edit.row(objective >= best - 0.5)
            for p in parties:
                edit.row(search.floor <= stated_gain(search, p))
            tie = search.solve(search.floor, search.granularity(parties, reservations=True))
            if tie.has_solution:  # else (time limit, or a numerical failure): the first stage's package stands
                choices = search.read_choices()
        return choices, outcome

