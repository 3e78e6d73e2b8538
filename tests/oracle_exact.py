"""Brute force over every world of the uncertain red lines: the oracle of the exact uncertainty analysis.

Every combination of real / not real of the lines with ``real`` (2^k worlds) is written out here,
from the documented rules (each line real with its probability, independently; the probability
read as the decimal written; a line not real is soft at its price, or absent without one), and every
package is evaluated in every world from the raw scenario dict (:func:`evaluate`), with none of the
package's evaluators, its sampler or its blocking sets.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import product

import numpy as np

from bargaining import Scenario


def _frac(x: float) -> Fraction:
    return Fraction(repr(float(x)))


def _value(x: float | Fraction) -> Fraction:
    """A value held in a world: a Fraction exactly (the end of a stated range), a float as the float it is (a draw)."""
    return x if isinstance(x, Fraction) else Fraction(float(x))


@dataclass
class ExactOracle:
    lines: list[str]  # ids of the lines with real, in file order
    p: list[Fraction]
    worlds: list[tuple[bool, ...]]  # world -> real per line
    weight: list[Fraction]  # world -> probability
    enumeration: Evaluated

    @property
    def accepted(self) -> np.ndarray:  # packages x worlds
        return self.enumeration.accepted

    def deal(self) -> np.ndarray:
        return self.accepted.any(axis=0)

    def probability(self, mask: np.ndarray) -> Fraction:
        return sum((w for w, m in zip(self.weight, mask) if m), Fraction(0))

    def deal_probability(self) -> Fraction:
        return self.probability(self.deal())

    def blocking_sets(self) -> set[frozenset[str]]:
        """The minimal sets of lines which, all real (the others not), leave no acceptable package; over the
        worlds that can happen (a line with probability 1 is always real, and is in no set)."""
        bad = [frozenset(line for line, r, q in zip(self.lines, w, self.p) if r and q < 1)
               for w, d, weight in zip(self.worlds, self.deal(), self.weight) if not d and weight > 0]
        return {s for s in bad if not any(t < s for t in bad)}

    def package_probability(self) -> list[Fraction]:
        return [self.probability(row) for row in self.accepted]

    def best_patterns(self) -> frozenset[tuple[bool, ...]]:
        """The worlds (of positive probability) in which each most robust package is acceptable: one pattern
        per class of equally robust packages."""
        chances = self.package_probability()
        top = max(chances, default=Fraction(0))
        live = [w for w, weight in enumerate(self.weight) if weight > 0]
        return frozenset(tuple(bool(self.accepted[k, w]) for w in live) for k, c in enumerate(chances) if c == top)

    def side(self, j: int, real: bool) -> np.ndarray:
        return np.array([w[j] == real for w in self.worlds])

    def best(self, among: np.ndarray | None = None) -> Fraction:
        """The largest probability (of the worlds ``among``) that one package is acceptable in."""
        mask = np.ones(len(self.worlds), dtype=bool) if among is None else among
        return max((self.probability(row & mask) for row in self.accepted), default=Fraction(0))

    def value_of_information(self) -> dict[str, Fraction]:
        now = self.best()
        return {line: self.best(self.side(j, True)) + self.best(self.side(j, False)) - now for j, line in enumerate(self.lines)}

    def deal_given(self, j: int, real: bool) -> Fraction | None:
        side = self.side(j, real)
        total = self.probability(side)
        return None if total == 0 else self.probability(self.deal() & side) / total

    def with_probability(self, j: int, value: Fraction) -> ExactOracle:
        """The same worlds with line j's probability replaced (acceptance does not depend on it)."""
        p = list(self.p)
        p[j] = value
        return ExactOracle(self.lines, p, self.worlds, _weights(self.worlds, p), self.enumeration)


def _weights(worlds: list[tuple[bool, ...]], p: list[Fraction]) -> list[Fraction]:
    out = []
    for w in worlds:
        weight = Fraction(1)
        for real, q in zip(w, p):
            weight *= q if real else 1 - q
        out.append(weight)
    return out


def exact_oracle(scenario: Scenario, fixed: dict[str, float | Fraction] | None = None) -> ExactOracle:
    """Every world of the lines with ``real``; ``fixed``: values held in every world (a party's id: its
    reservation; ``factor:<party>:<issue>:<option>``: a point's factor)."""
    raw = scenario.to_dict()
    uncertain = [r for r in raw.get("red_lines", []) if "real" in r]
    lines = [r["id"] for r in uncertain]
    p = [_frac(r["real"]) for r in uncertain]
    worlds = list(product([False, True], repeat=len(lines)))
    rows = [{**dict(zip(lines, w)), **(fixed or {})} for w in worlds]
    return ExactOracle(lines, p, worlds, _weights(worlds, p), evaluate(raw, rows))


@dataclass
class Evaluated:
    """Every package (a dict issue -> option) in every world: acceptable or not, and each package's gains in the
    stated world (every line with ``real`` hard)."""

    packages: list[dict[str, str]]
    accepted: np.ndarray  # packages x worlds
    stated_gains: list[dict[str, Fraction]]


def evaluate(raw: dict, rows: list[dict]) -> Evaluated:
    """The documented rules, world by world: a line with ``real`` is hard when its world says real, else soft at its
    price or absent; a line without ``real`` is soft with a price, hard without; a party accepts when its utility
    (points times the world's factors, interactions, minus the prices of the soft lines it breaks) reaches its
    reservation and its hard lines hold; a package is acceptable when every veto party accepts and every issue it
    moves off its status quo has enough of its controllers accepting."""
    issues = raw["issues"]
    assert all("options" in i for i in issues), "discrete scenarios only"
    packages = [{i["id"]: c for i, c in zip(issues, combo)} for combo in product(*[[o["id"] for o in i["options"]] for i in issues])]
    veto = {q["id"] for q in raw["parties"] if q.get("veto", True)}
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

    def status(r: dict, row: dict | None) -> str:
        if "real" in r and row is not None and not row[r["id"]]:
            return "soft" if "price" in r else "absent"
        return "soft" if "price" in r and "real" not in r else "hard"

    def utility(party: str, x: dict, row: dict | None, statuses: list[str]) -> Fraction:
        total = Fraction(0)
        for issue in issues:
            value = _frac(points.get(party, {}).get(issue["id"], {}).get(x[issue["id"]], 0.0))
            column = f"factor:{party}:{issue['id']}:{x[issue['id']]}"
            if value and row is not None and column in row:
                value *= _value(row[column])
            total += value
        total += sum((_frac(i["value"]) for i in raw.get("interactions", []) if i["party"] == party and holds(i["when"], x)), Fraction(0))
        total -= sum((_frac(r["price"]) for r, s in zip(lines, statuses) if r["party"] == party and s == "soft" and not line_holds(r, x)),
                     Fraction(0))
        return total

    accepted = np.zeros((len(packages), len(rows)), dtype=bool)
    stated_gains = []
    for k, x in enumerate(packages):
        for w, row in enumerate(rows):
            statuses = [status(r, row) for r in lines]
            ok = {}
            for q in raw["parties"]:
                reservation = _value(row[q["id"]]) if q["id"] in row else _frac(q["reservation"])
                ok[q["id"]] = utility(q["id"], x, row, statuses) >= reservation and all(
                    line_holds(r, x) for r, s in zip(lines, statuses) if r["party"] == q["id"] and s == "hard")
            fine = all(ok[q] for q in veto)
            for issue in issues:
                rule = issue.get("controlled_by")
                quo = next((o["id"] for o in issue["options"] if o.get("status_quo")), None)
                if rule and x[issue["id"]] != quo:
                    controllers, needed = (rule, 1) if isinstance(rule, list) else (rule["all"], len(rule["all"])) \
                        if "all" in rule else (rule["of"], rule["at_least"])
                    fine = fine and sum(ok[c] for c in controllers) >= needed
            accepted[k, w] = fine
        statuses = [status(r, None) for r in lines]
        stated_gains.append({q["id"]: utility(q["id"], x, None, statuses) - _frac(q["reservation"]) for q in raw["parties"]})
    return Evaluated(packages, accepted, stated_gains)


def only_real_lines(scenario: Scenario) -> Scenario:
    """The scenario without reservation ranges and points spreads (its only uncertainty: real lines)."""
    data = scenario.to_dict()
    for party in data["parties"]:
        party.pop("reservation_range", None)
        party.pop("points_spread", None)
    return Scenario.from_dict(data)
