"""Brute-force enumeration in numpy: the oracle every optimiser answer must match exactly.

Independent of the model and of ``Scenario.signers``: it reads the scenario's raw tables,
scales every number to integers (a common denominator), and evaluates all packages at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from itertools import product as cartesian
from typing import Mapping

import numpy as np

from bargaining.scenario import Scenario


def _frac(x: float) -> Fraction:
    return Fraction(repr(float(x)))


@dataclass
class Enumeration:
    issues: list[str]
    options: list[list[str]]
    index: np.ndarray  # packages x issues: option index
    scaled: np.ndarray  # packages x parties: utility x denominator (int64)
    denominator: int
    acceptable: np.ndarray  # bool per package
    parties: list[str]
    reservations: dict[str, Fraction]
    #: packages x parties: whether each party takes part (with no coalition: it accepts -- its reservation
    #: and hard red lines hold; with a coalition: it is a member); rows of unacceptable packages included
    taking_part: np.ndarray | None = None

    def signers(self, k: int) -> list[str] | None:
        """The parties taking part in package k, or None if it is not acceptable."""
        if not self.acceptable[k]:
            return None
        return [p for j, p in enumerate(self.parties) if self.taking_part[k, j]]

    def choices(self, k: int) -> dict[str, str]:
        return {i: self.options[n][self.index[k, n]] for n, i in enumerate(self.issues)}

    def utilities(self, k: int) -> dict[str, Fraction]:
        return {p: Fraction(int(self.scaled[k, j]), self.denominator) for j, p in enumerate(self.parties)}

    def acceptable_set(self) -> set[tuple]:
        return {tuple(self.index_row(k)) for k in np.flatnonzero(self.acceptable)}

    def index_row(self, k: int) -> tuple[str, ...]:
        return tuple(self.options[n][self.index[k, n]] for n in range(len(self.issues)))

    def row(self, choices: Mapping[str, object]) -> int:
        """The package's row (the grid is every combination in lexicographic order of option positions)."""
        k = 0
        for n, issue in enumerate(self.issues):
            k = k * len(self.options[n]) + self.options[n].index(str(choices[issue]))
        return k

    def vector(self, choices: Mapping[str, object], parties: list[str] | None = None) -> tuple[Fraction, ...]:
        """The package's exact utilities (of ``parties``, default all), by this enumeration, not the scenario's evaluator."""
        utilities = self.utilities(self.row(choices))
        return tuple(utilities[p] for p in (parties or self.parties))

    def accepts(self, choices: Mapping[str, object]) -> bool:
        """Whether the package is acceptable, by this enumeration."""
        return bool(self.acceptable[self.row(choices)])

    def frontier(self, parties: list[str] | None = None) -> set[tuple[Fraction, ...]]:
        """Non-dominated utility vectors (over ``parties``) among acceptable packages."""
        cols = [self.parties.index(p) for p in (parties or self.parties)]
        points = sorted({tuple(row) for row in self.scaled[self.acceptable][:, cols].tolist()}, reverse=True)
        keep = []
        for row in points:  # exact integers (int64 or Python ints); a point is dominated by one that sorts before it
            if not any(all(a >= b for a, b in zip(other, row)) for other in keep):
                keep.append(row)
        return {tuple(Fraction(int(v), self.denominator) for v in row) for row in keep}

    def best(self, criterion: str, parties: list[str]) -> set[tuple[Fraction, ...]] | None:
        """The utility vectors (all parties) the criterion picks, after the documented tie-break
        (largest total): a set, since vectors still tied are all correct answers."""
        rows = np.flatnonzero(self.acceptable)
        if not len(rows):
            return None
        d = self.denominator
        res = {p: self.reservations[p] for p in self.parties}
        cols = {p: self.parties.index(p) for p in self.parties}
        gains = {p: [Fraction(int(self.scaled[k, cols[p]]), d) - res[p] for k in rows] for p in self.parties}
        ideal = {p: max(gains[p]) for p in parties}

        def value(n: int) -> Fraction:
            g = {p: gains[p][n] for p in self.parties}
            if criterion == "maxmin":
                return min((g[p] for p in parties), default=Fraction(0))
            if criterion == "utilitarian":
                return sum((g[p] + res[p] for p in parties), Fraction(0))
            if criterion == "nash":
                if any(g[p] <= 0 for p in parties):
                    return Fraction(0)
                return math.prod((g[p] for p in parties), start=Fraction(1))
            if criterion == "kalai":
                return min((g[p] / ideal[p] for p in parties if ideal[p] > 0), default=Fraction(0))
            raise ValueError(criterion)

        def key(n: int) -> tuple:
            return (value(n), sum(gains[p][n] + res[p] for p in self.parties))

        top = max(key(n) for n in range(len(rows)))
        return {tuple(gains[p][n] + res[p] for p in self.parties) for n in range(len(rows)) if key(n) == top}


@dataclass(frozen=True)
class Grid:
    """Every combination of a raw scenario's discrete options (``index``: packages x issues, option
    positions, lexicographic), and which of them meet a condition or a red line, read from the raw dict."""

    issues: list[str]
    options: list[list[str]]
    index: np.ndarray

    @classmethod
    def of(cls, raw: dict) -> "Grid":
        options = [[o["id"] for o in i["options"]] for i in raw["issues"]]
        index = np.array(list(cartesian(*[range(len(o)) for o in options])), dtype=np.int64).reshape(-1, len(options))
        return cls([i["id"] for i in raw["issues"]], options, index)

    def holds(self, condition: dict) -> np.ndarray:
        mask = np.ones(len(self.index), dtype=bool)
        for issue_id, want in condition.items():
            col = self.issues.index(issue_id)
            wanted = [want] if isinstance(want, str) else list(want)
            mask &= np.isin(self.index[:, col], [self.options[col].index(o) for o in wanted])
        return mask

    def line_holds(self, r: dict) -> np.ndarray:
        if "forbid" in r:
            return ~self.holds(r["forbid"])
        if "require" in r:
            return self.holds(r["require"])
        return ~self.holds(r["if"]) | self.holds(r["then"])


def rule_of(issue: dict) -> tuple[list[str], int] | None:
    """An issue's ``controlled_by`` as (controllers, how many must take part), or None."""
    rule = issue.get("controlled_by")
    if not rule:
        return None
    return (rule, 1) if isinstance(rule, list) else (rule["all"], len(rule["all"])) if "all" in rule else (rule["of"], rule["at_least"])


def taking_part(raw: dict, grid: Grid, accepting: np.ndarray, coalition, rules: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(acceptable per package, who takes part: packages x parties) from each party's acceptance: every veto
    party (or every coalition member) accepts, and an issue off its status quo has enough controllers taking part."""
    parties = [p["id"] for p in raw["parties"]]
    if coalition is None:
        veto = np.array([p.get("veto", True) for p in raw["parties"]])
        acceptable, present = accepting[:, veto].all(axis=1), accepting
    else:
        members = np.array([p in coalition for p in parties])
        acceptable, present = accepting[:, members].all(axis=1), np.broadcast_to(members, accepting.shape)
    for col, issue in enumerate(raw["issues"]):
        rule = (rules or {}).get(issue["id"]) or rule_of(issue)
        if rule is not None:
            controllers, needed = rule
            sq = next(k for k, o in enumerate(issue["options"]) if o.get("status_quo"))
            acceptable &= (grid.index[:, col] == sq) | (present[:, [parties.index(c) for c in controllers]].sum(axis=1) >= needed)
    return acceptable, np.asarray(present)


def enumerate_packages(scenario: Scenario, coalition: frozenset[str] | None = None,
                       waived: frozenset[tuple] = frozenset()) -> Enumeration:
    """Every combination of discrete options, its utilities and whether it is acceptable.

    ``coalition``: exactly these parties take part (None: each non-veto party takes part
    when it accepts).  ``waived``: requirements switched off, ("reservation", party) or
    ("red_line", index)."""
    assert not scenario.continuous_issues, "the oracle enumerates discrete scenarios only"
    raw = scenario.to_dict()
    grid = Grid.of(raw)
    issues, options, index, holds, line_holds = grid.issues, grid.options, grid.index, grid.holds, grid.line_holds
    parties = [p["id"] for p in raw["parties"]]
    n = len(index)

    numbers = [_frac(p["reservation"]) for p in raw["parties"]]
    for table in raw.get("utilities", {}).values():
        for points in table.values():
            numbers += [_frac(v) for k, v in points.items() if k != "rationale"]
    numbers += [_frac(x["value"]) for x in raw.get("interactions", [])]
    numbers += [_frac(r["price"]) for r in raw.get("red_lines", []) if "price" in r]
    d = math.lcm(*(f.denominator for f in numbers)) if numbers else 1
    # exact integers: int64 while every sum surely fits, Python integers beyond
    largest = max((abs(f) for f in numbers), default=0) * d * (len(issues) + len(numbers) + 1)
    dtype = np.int64 if largest < 2**62 else object

    def soft(r: dict) -> bool:
        return "price" in r and "real" not in r

    scaled = np.zeros((n, len(parties)), dtype=dtype)
    for j, party in enumerate(parties):
        for col, issue_id in enumerate(issues):
            points = raw.get("utilities", {}).get(party, {}).get(issue_id, {})
            table = np.array([int(_frac(points.get(o, 0.0)) * d) for o in options[col]], dtype=dtype)
            scaled[:, j] += table[index[:, col]]
        for x in raw.get("interactions", []):
            if x["party"] == party:
                scaled[:, j] += holds(x["when"]).astype(dtype) * int(_frac(x["value"]) * d)
        for r in raw.get("red_lines", []):
            if r["party"] == party and soft(r):  # breaking a soft red line costs its party the price
                scaled[:, j] -= (~line_holds(r)).astype(dtype) * int(_frac(r["price"]) * d)

    def accepts(j: int) -> np.ndarray:
        party = parties[j]
        ok = scaled[:, j] >= int(_frac(raw["parties"][j]["reservation"]) * d)
        if ("reservation", party) in waived:
            ok = np.ones(n, dtype=bool)
        for k, r in enumerate(raw.get("red_lines", [])):
            if r["party"] != party or ("red_line", k) in waived or soft(r):
                continue
            ok &= line_holds(r)
        return ok

    accepting = np.stack([accepts(j) for j in range(len(parties))], axis=1)
    acceptable, present_mask = taking_part(raw, grid, accepting, coalition)
    reservations = {p["id"]: _frac(p["reservation"]) for p in raw["parties"]}
    return Enumeration(issues, options, index, scaled, d, acceptable, parties, reservations, present_mask)


# --------------------------------------------------------------------------- sampled worlds


def draw_worlds(scenario: Scenario, samples: int, seed: int) -> list[dict[str, object]]:
    """The sampled worlds drawn from the documented rules (README, "Uncertainty fields"), not by the package's sampler:
    ``numpy.random.SeedSequence(seed).spawn(3)`` gives three PCG64 streams; the first draws ``random((samples, L))``
    for the L red lines with ``real`` in file order (real when the draw is below ``real``), the second
    ``random((samples, R))`` for the R parties with a ``reservation_range`` (low + u (high - low)), the third
    ``random((samples, P, S))`` for the P parties with a ``points_spread`` s and the S slots: every option of every
    discrete issue, ``per_unit`` of an amount, issue by issue in file order (factor 1 - s + 2 s u).  One dict per
    world, keyed as ``space.worlds()``'s columns: red line id, party id, ``factor:<party>:<issue>:<option>``."""
    raw = scenario.to_dict()
    streams = [np.random.Generator(np.random.PCG64(s)) for s in np.random.SeedSequence(seed).spawn(3)]
    lines = [r for r in raw.get("red_lines", []) if "real" in r]
    ranged = [p for p in raw["parties"] if "reservation_range" in p]
    spread = [p for p in raw["parties"] if "points_spread" in p]
    slots = [(i["id"], o) for i in raw["issues"] for o in ([o["id"] for o in i["options"]] if "options" in i else ["per_unit"])]
    line_draws = streams[0].random((samples, len(lines)))
    reservation_draws = streams[1].random((samples, len(ranged)))
    factor_draws = streams[2].random((samples, len(spread), len(slots)))
    worlds = []
    for w in range(samples):
        world: dict[str, object] = {r["id"]: bool(line_draws[w, k] < r["real"]) for k, r in enumerate(lines)}
        for k, p in enumerate(ranged):
            low, high = p["reservation_range"]
            world[p["id"]] = low + reservation_draws[w, k] * (high - low)
        for k, p in enumerate(spread):
            s = p["points_spread"]
            for n, (issue, option) in enumerate(slots):
                world[f"factor:{p['id']}:{issue}:{option}"] = 1 - s + 2 * s * factor_draws[w, k, n]
        worlds.append(world)
    return worlds


@dataclass
class WorldEnumeration:
    """Every package in every sampled world, exactly: read from the raw scenario dict and the worlds drawn by
    :func:`draw_worlds` from the documented rules, with none of the package's evaluators or its sampler."""

    packages: list[dict[str, str]]
    parties: list[str]
    utilities: list[list[dict[str, Fraction]]]  # package -> world -> party -> utility
    reservations: list[dict[str, Fraction]]  # world -> party -> reservation
    accepted: np.ndarray  # packages x worlds
    accepts: np.ndarray  # packages x worlds x parties
    stated_gains: list[dict[str, Fraction]]  # package -> party -> gain in the stated world
    worlds: list[dict[str, object]]  # the draws, one dict per world

    def deals(self) -> np.ndarray:
        return self.accepted.any(axis=0)

    def maxmin_gains(self, w: int, parties: list[str]) -> set[tuple[Fraction, ...]]:
        """The criteria parties' gains of the maxmin packages in world w (after the largest-total tie-break)."""
        rows = np.flatnonzero(self.accepted[:, w])
        res = self.reservations[w]

        def key(k: int) -> tuple:
            u = self.utilities[k][w]
            return (min((u[p] - res[p] for p in parties), default=Fraction(0)), sum(u.values(), Fraction(0)))

        top = max(key(k) for k in rows)
        return {tuple(self.utilities[k][w][p] - res[p] for p in parties) for k in rows if key(k) == top}

    def most_robust(self, parties: list[str], among: np.ndarray | None = None) -> tuple[int, list[dict[str, str]]]:
        """The most worlds any package wins (of ``among``), and the packages winning that many with
        the largest smallest stated gain."""
        counts = self.accepted[:, among if among is not None else slice(None)].sum(axis=1)
        best = int(counts.max()) if len(counts) else 0
        if best == 0:
            return 0, []
        tied = [k for k in range(len(self.packages)) if counts[k] == best]
        value = {k: min((self.stated_gains[k][p] for p in parties), default=Fraction(0)) for k in tied}
        top = max(value.values())
        return best, [self.packages[k] for k in tied if value[k] == top]


def enumerate_worlds(scenario: Scenario, samples: int, seed: int) -> WorldEnumeration:
    raw = scenario.to_dict()
    issues = raw["issues"]
    assert all("options" in i for i in issues), "discrete scenarios only"
    combos = list(cartesian(*[[o["id"] for o in i["options"]] for i in issues]))
    packages = [{i["id"]: c for i, c in zip(issues, combo)} for combo in combos]
    parties = [p["id"] for p in raw["parties"]]
    veto = {p["id"] for p in raw["parties"] if p.get("veto", True)}
    lines = raw.get("red_lines", [])
    points = raw.get("utilities", {})

    def holds(condition: dict, x: dict) -> bool:
        return all(x[i] in ([w] if isinstance(w, str) else w) for i, w in condition.items())

    def line_holds(r: dict, x: dict) -> bool:
        if "forbid" in r:
            return not holds(r["forbid"], x)
        if "require" in r:
            return holds(r["require"], x)
        return not holds(r["if"], x) or holds(r["then"], x)

    def status(r: dict, row) -> str:
        if "real" in r and not bool(row[r["id"]]):
            return "soft" if "price" in r else "absent"
        if "real" in r:
            return "hard"
        return "soft" if "price" in r else "hard"

    rows = draw_worlds(scenario, samples, seed)
    stated_row = {r["id"]: True for r in lines if "real" in r}
    reservations = [{p["id"]: Fraction(float(row[p["id"]])) if p["id"] in row else _frac(p["reservation"])  # type: ignore[arg-type]
                     for p in raw["parties"]} for row in rows]
    utilities, accepted, accepts, stated_gains = [], [], [], []
    for x in packages:
        def utility(party: str, row, statuses: list[str]) -> Fraction:
            total = Fraction(0)
            for issue in issues:
                value = _frac(points.get(party, {}).get(issue["id"], {}).get(x[issue["id"]], 0.0))
                column = f"factor:{party}:{issue['id']}:{x[issue['id']]}"
                if value and row is not None and column in row:
                    value *= Fraction(float(row[column]))
                total += value
            for i in raw.get("interactions", []):
                if i["party"] == party and holds(i["when"], x):
                    total += _frac(i["value"])
            for r, s in zip(lines, statuses):
                if r["party"] == party and s == "soft" and not line_holds(r, x):
                    total -= _frac(r["price"])
            return total

        per_world, ok_row, accepts_row = [], [], []
        for w, row in enumerate(rows):
            statuses = [status(r, row) for r in lines]
            u = {p: utility(p, row, statuses) for p in parties}
            ok = {p: u[p] >= reservations[w][p] and all(line_holds(r, x) for r, s in zip(lines, statuses)
                                                         if r["party"] == p and s == "hard") for p in parties}
            fine = all(ok[p] for p in veto)
            for issue in issues:
                rule = issue.get("controlled_by")
                sq = next((o["id"] for o in issue["options"] if o.get("status_quo")), None)
                if rule and x[issue["id"]] != sq:
                    controllers, needed = (rule, 1) if isinstance(rule, list) else (rule["all"], len(rule["all"])) \
                        if "all" in rule else (rule["of"], rule["at_least"])
                    fine &= sum(ok[c] for c in controllers) >= needed
            per_world.append(u)
            ok_row.append(fine)
            accepts_row.append([ok[p] for p in parties])
        statuses = [status(r, stated_row) for r in lines]
        stated_gains.append({p: utility(p, None, statuses) - _frac(q["reservation"]) for p, q in zip(parties, raw["parties"])})
        utilities.append(per_world)
        accepted.append(ok_row)
        accepts.append(accepts_row)
    return WorldEnumeration(packages, parties, utilities, reservations, np.array(accepted, dtype=bool).reshape(len(packages), len(rows)),
                            np.array(accepts, dtype=bool).reshape(len(packages), len(rows), len(parties)), stated_gains, rows)
