"""Brute force for deals that hold: every phase plan of every acceptable package, every deviation.

Independent of :mod:`bargaining.scenario.holding` and of the model: it reads the raw scenario dict,
takes utilities from :func:`oracle.enumerate_packages` (integers over a common denominator, looked up
by a state's row), and evaluates all plans of a package at once in numpy.  The rules it implements are
those of docs/holding.md, written again from the text.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations, product

import numpy as np
from oracle import Grid, enumerate_packages

from bargaining.scenario import Scenario


def _frac(x: float) -> Fraction:
    return Fraction(repr(float(x)))


def raw_delivery(raw: dict, issue: dict) -> tuple[list[str], int | None]:
    """(deliverers, how many must act; None: all of them taking part), from the raw issue."""
    for key in ("delivered_by", "controlled_by"):
        rule = issue.get(key)
        if rule is None:
            continue
        if isinstance(rule, list):
            return list(rule), (None if key == "delivered_by" else 1)
        if "all" in rule:
            return list(rule["all"]), None
        return list(rule["of"]), rule["at_least"]
    named = []
    for party in raw["parties"]:
        points = raw.get("utilities", {}).get(party["id"], {}).get(issue["id"], {})
        nonzero = any(v for k, v in points.items() if k != "rationale")
        lines = any(r["party"] == party["id"] and any(issue["id"] in r.get(key, {}) for key in ("forbid", "require", "if", "then"))
                    for r in raw.get("red_lines", []))
        if nonzero or lines:
            named.append(party["id"])
    return named, None


def raw_withheld(delivery: tuple[list[str], int | None], signers: set[str], coalition: set[str]) -> bool:
    parties, need = delivery
    present = [p for p in parties if p in signers]
    if not set(present) & coalition:
        return False
    left = len([p for p in present if p not in coalition])
    return left < (len(present) if need is None else need)


class HoldOracle:
    def __init__(self, scenario: Scenario):
        raw = scenario.to_dict()
        self.raw, self.truth = raw, enumerate_packages(scenario)
        self.grid = Grid.of(raw)
        self.parties = [p["id"] for p in raw["parties"]]
        self.veto = [p["id"] for p in raw["parties"] if p.get("veto", True)]
        self.issues = raw["issues"]
        sizes = [len(i["options"]) for i in self.issues]
        self.radix = np.cumprod([1] + sizes[::-1])[:-1][::-1]
        self.sq = np.array([next(k for k, o in enumerate(i["options"]) if o.get("status_quo")) for i in self.issues])
        self.delivery = [raw_delivery(raw, i) for i in self.issues]
        self.snap: dict[int, tuple[int, set[str]]] = {}
        for n, issue in enumerate(self.issues):
            if "snapback" in issue:
                s = issue["snapback"]
                against = set(s.get("against") or [p for p in self.parties if p not in self.delivery[n][0]])
                self.snap[n] = ([o["id"] for o in issue["options"]].index(s["to"]), against)
        self.threats = [t for t in raw.get("threats", []) if _frac(t["cost"].get(t["by"], 0)) <= 0
                        and "defection" in ([t.get("trigger", "defection")] if isinstance(t.get("trigger", "defection"), str) else t["trigger"])]
        d = self.truth.denominator
        lines = raw.get("red_lines", [])
        self.hard = [(r["party"], self.grid.line_holds(r)) for r in lines if not ("price" in r and "real" not in r) and not r.get("final_only")]
        self.refund = [(self.parties.index(r["party"]), ~self.grid.line_holds(r), int(_frac(r["price"]) * d))
                       for r in lines if "price" in r and "real" not in r and r.get("final_only")]
        self.floor = np.array([int(_frac(p["reservation"]) * d) for p in raw["parties"]], dtype=object)
        self.after = {n: [[i["id"] for i in self.issues].index(a) for a in i.get("after", [])] for n, i in enumerate(self.issues)}

    # ---- threats
    def threat_cost(self, coalition: set[str], party: str) -> Fraction:
        return sum((_frac(t["cost"].get(party, 0)) for t in self.threats if t["by"] not in coalition and coalition & set(t["against"])),
                   Fraction(0))

    # ---- states
    def rows(self, states: np.ndarray) -> np.ndarray:
        return states @ self.radix

    def after_defection(self, final: np.ndarray, in_place: np.ndarray, moved: list[int], coalition: set[str]) -> np.ndarray:
        """States (plans x issues): moved issues in place or at their status quo, then snapbacks against the coalition."""
        states = np.tile(final, (len(in_place), 1))
        for j, n in enumerate(moved):
            states[:, n] = np.where(in_place[:, j], final[n], self.sq[n])
            if n in self.snap and self.snap[n][1] & coalition:
                states[:, n] = np.where(in_place[:, j], self.snap[n][0], states[:, n])
        return states

    # ---- plans
    def package(self, k: int) -> tuple[np.ndarray, list[int], set[str]]:
        final = self.truth.index[k]
        moved = [n for n in range(len(self.issues)) if final[n] != self.sq[n]]
        return final, moved, set(self.truth.signers(k) or [])

    def plans(self, k: int, phases: int) -> np.ndarray:
        """Every sound plan of acceptable package k (plans x moved issues, phases 1..T)."""
        final, moved, signers = self.package(k)
        plans = np.array(list(product(range(1, phases + 1), repeat=len(moved))), dtype=np.int64).reshape(phases ** len(moved), len(moved))
        ok = np.ones(len(plans), dtype=bool)
        col = {n: j for j, n in enumerate(moved)}
        for n, earlier in self.after.items():
            for a in earlier:
                if n in col:
                    ok &= (plans[:, col[a]] < plans[:, col[n]]) if a in col else np.zeros(len(plans), dtype=bool)
        for t in range(1, phases):
            rows = self.rows(self.after_defection(final, plans <= t, moved, set()))
            utility = self.truth.scaled[rows].astype(object)
            for j, broken, price in self.refund:
                utility[:, j] += broken[rows] * price
            for p in self.veto:
                j = self.parties.index(p)
                ok &= utility[:, j] >= self.floor[j]
            for party, holds in self.hard:
                if party in signers:
                    ok &= holds[rows]
        return plans[ok]

    def margins(self, k: int, plans: np.ndarray, phases: int, snap: dict | None = None, escrow: dict | None = None) -> np.ndarray:
        """plans x parties x phases: each margin (as a Fraction-valued object array), None where not counted."""
        final, moved, signers = self.package(k)
        saved = self.snap
        if snap is not None:
            self.snap = snap
        try:
            out = np.full((len(plans), len(self.parties), phases), None, dtype=object)
            whole = self.truth.scaled[k]
            d = self.truth.denominator
            for j, p in enumerate(self.parties):
                if p not in signers:
                    continue
                mine = np.array([raw_withheld(self.delivery[n], signers, {p}) for n in moved], dtype=bool)
                for t in range(1, phases + 1):
                    counted = ((plans >= t) & mine).any(axis=1)
                    in_place = (plans < t) | ((plans == t) & ~mine)
                    rows = self.rows(self.after_defection(final, in_place, moved, {p}))
                    extra = self.threat_cost({p}, p) + Fraction((escrow or {}).get(p, 0))
                    for r in np.flatnonzero(counted):
                        out[r, j, t - 1] = Fraction(int(whole[j] - self.truth.scaled[rows[r], j]), d) + extra
            return out
        finally:
            self.snap = saved

    @staticmethod
    def holds(margins: np.ndarray) -> np.ndarray:
        return np.array([all(m is None or m >= 0 for m in row.ravel()) for row in margins], dtype=bool)

    @staticmethod
    def smallest(margins: np.ndarray) -> list[Fraction | None]:
        return [min((m for m in row.ravel() if m is not None), default=None) for row in margins]

    # ---- the questions
    def self_enforcing_packages(self, phases: int) -> np.ndarray:
        """Acceptable packages with at least one sound, self-enforcing plan."""
        mask = np.zeros(len(self.truth.acceptable), dtype=bool)
        for k in np.flatnonzero(self.truth.acceptable):
            plans = self.plans(int(k), phases)
            mask[k] = len(plans) > 0 and self.holds(self.margins(int(k), plans, phases)).any()
        return mask

    def best(self, criterion: str, parties: list[str], phases: int) -> set | None:
        saved = self.truth.acceptable
        try:
            self.truth.acceptable = self.self_enforcing_packages(phases)
            return self.truth.best(criterion, parties)
        finally:
            self.truth.acceptable = saved

    def closest(self, phases: int) -> Fraction | None:
        """The largest smallest margin over every sound plan of every acceptable package (None: no plan)."""
        best: Fraction | None = None
        for k in np.flatnonzero(self.truth.acceptable):
            plans = self.plans(int(k), phases)
            for value in self.smallest(self.margins(int(k), plans, phases)) if len(plans) else []:
                value = Fraction(10**9) if value is None else value
                best = value if best is None or value > best else best
        return best

    def fixes(self, k: int, plan: np.ndarray, phases: int) -> set[tuple]:
        """The single changes that make a plan hold: ("move", issue, to phase, margin), ("snapback", issue,
        against, margin), and ("escrow", party, amount) for each party that gains by defecting."""
        _final, moved, _signers = self.package(k)
        base = self.margins(k, plan[None, :], phases)[0]
        deficit: dict[str, Fraction] = {}
        for j, p in enumerate(self.parties):
            for m in base[j]:
                if m is not None and m < 0:
                    deficit[p] = max(deficit.get(p, Fraction(0)), -m)
        if not deficit:
            return set()
        found: set[tuple] = set()
        sound = {tuple(x) for x in self.plans(k, phases)}
        for j, n in enumerate(moved):
            for later in range(plan[j] + 1, phases + 1):
                changed = plan.copy()
                changed[j] = later
                if tuple(changed) not in sound:
                    continue
                m = self.margins(k, changed[None, :], phases)
                if self.holds(m)[0]:
                    found.add(("move", self.issues[n]["id"], later, self.smallest(m)[0]))
        for n in moved:
            against = {p for p in deficit if p not in self.delivery[n][0]}
            if n in self.snap or not against or self._snap_breaks(n):
                continue
            m = self.margins(k, plan[None, :], phases, snap={**self.snap, n: (self.sq[n], against)})
            if self.holds(m)[0]:
                found.add(("snapback", self.issues[n]["id"], frozenset(against), self.smallest(m)[0]))
        for p, amount in deficit.items():
            found.add(("escrow", p, amount))
        return found

    def _snap_breaks(self, n: int) -> bool:
        """A hard red line of a deliverer, about this issue alone, that its status quo breaks."""
        issue = self.issues[n]
        sq_option = issue["options"][self.sq[n]]["id"]
        for r in self.raw.get("red_lines", []):
            named = {i for key in ("forbid", "require", "if", "then") for i in r.get(key, {})}
            if r["party"] not in self.delivery[n][0] or ("price" in r and "real" not in r) or named != {issue["id"]}:
                continue

            def holds(c: dict) -> bool:
                want = c[issue["id"]]
                return sq_option in ([want] if isinstance(want, str) else want)
            ok = (not holds(r["forbid"])) if "forbid" in r else holds(r["require"]) if "require" in r else (not holds(r["if"]) or holds(r["then"]))
            if not ok:
                return True
        return False

    def stability(self, k: int, max_size: int) -> dict[tuple[str, ...], tuple[Fraction, Fraction, int]]:
        """Coalition -> (the best deviation's smallest member gain, its total gain, how many deviations pay),
        for each coalition of up to max_size signers with a deviation that pays."""
        final, moved, signers = self.package(k)
        ordered = [p for p in self.parties if p in signers]
        whole = self.truth.scaled[k]
        d = self.truth.denominator
        out = {}
        for size in range(1, max_size + 1):
            for coalition in combinations(ordered, size):
                members = set(coalition)
                items = [j for j, n in enumerate(moved) if raw_withheld(self.delivery[n], signers, members)]
                best = None
                paying = 0
                for r in range(1, len(items) + 1):
                    for subset in combinations(items, r):
                        if size > 1 and any(all(raw_withheld(self.delivery[moved[j]], signers, members - {q}) for j in subset)
                                            for q in coalition):
                            continue
                        in_place = np.ones((1, len(moved)), dtype=bool)
                        in_place[0, list(subset)] = False
                        row = self.rows(self.after_defection(final, in_place, moved, members))[0]
                        gains = [Fraction(int(self.truth.scaled[row, self.parties.index(p)] - whole[self.parties.index(p)]), d)
                                 - self.threat_cost(members, p) for p in coalition]
                        if all(g > 0 for g in gains):
                            paying += 1
                            key = (min(gains), sum(gains))
                            best = key if best is None or key > best else best
                if best is not None:
                    out[coalition] = (best[0], best[1], paying)
        return out
