"""Break-even values against brute force (docs/break-even.md).

For random discrete scenarios (open, closed, with optional parties, controlled issues, soft lines and
a linkable issue) every row of ``space.break_even()`` is checked with the oracle of tests/oracle.py,
which evaluates the finding at any exact rational value of the input on its own (every package
enumerated, the one party's utility or reservation moved, acceptance and the tie-broken criterion
recomputed):

* a flip: the finding holds one rational step (10**-12) before the flip value, fails one step
  after, holds (or not) at the flip as the row says, and holds at every breakpoint brute force finds
  between the stated value and the flip (each package's acceptability switch, each crossing of a
  criterion's terms or totals with the incumbent's) and between them;
* "never within the range": the finding holds at both ends' breakpoints, at the range's end and
  at every breakpoint brute force finds in between;
* every row says it was verified by the engine, and the engine's checks agree with brute force.

Continuous issues, the docs' worked examples, the bundled case and the table's API: test_break_even_cases.py.
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

from budget import examples
from hypothesis import event, given, settings
from hypothesis import strategies as st
from oracle import Grid, enumerate_packages, taking_part
from strategies import scenarios

from bargaining import BargainingSpace, Scenario
from bargaining.results.break_even import BreakEvenTable

F = Fraction
STEP = F(1, 10**12)


class Truth:
    """Brute force for one scenario, one input: the finding at any exact value of the input."""

    def __init__(self, scenario: Scenario, row, conditions, package, criterion, parties):
        self.scenario, self.row, self.criterion, self.parties = scenario, row, criterion, parties
        self.raw = scenario.to_dict()
        self.grid = Grid.of(self.raw)
        self.p = row.party
        self.j = scenario.party_ids.index(self.p)
        self.conditions = conditions
        self.package = package
        self.kind = row.kind
        self.stated = row.exact_stated
        self.sigma = self._sigma()
        self.cache: dict = {}

    def _sigma(self) -> list[int]:
        n = len(self.grid.index)
        if self.kind == "reservation":
            return [0] * n
        if self.kind == "price":
            line = self.raw["red_lines"][self._line()]
            return [-int(not ok) for ok in self.grid.line_holds(line)]
        _, _, issue, option = self.row.input.split(":")
        col = self.grid.issues.index(issue)
        k = self.grid.options[col].index(option)
        return [int(x == k) for x in self.grid.index[:, col]]

    def _line(self) -> int:
        key = self.row.input.split(":", 1)[1]
        return next(k for k, r in enumerate(self.raw["red_lines"]) if r.get("id", str(k)) == key)

    def enumeration(self, waived: frozenset):
        if waived not in self.cache:
            self.cache[waived] = (enumerate_packages(self.scenario, waived=waived),
                                  enumerate_packages(self.scenario, waived=waived | {("reservation", self.p)}))
        return self.cache[waived]

    def acceptable(self, waived: frozenset, freeze, v: Fraction):
        """Per package: acceptable with the input at v; and per package each party's utility there."""
        stated, free = self.enumeration(waived)
        d = stated.denominator
        shift = v - self.stated
        utilities = [{q: F(int(stated.scaled[k, i]), d) for i, q in enumerate(stated.parties)} for k in range(len(stated.index))]
        for k, u in enumerate(utilities):
            u[self.p] += shift * self.sigma[k]
        reservation = v if self.kind == "reservation" else stated.reservations[self.p]
        accepting = stated.taking_part.copy()
        if ("reservation", self.p) not in waived:
            for k, u in enumerate(utilities):
                accepting[k, self.j] = bool(free.taking_part[k, self.j]) and u[self.p] >= reservation
        ok, _ = taking_part(self.raw, self.grid, accepting, None)
        for issue, choice in freeze:
            col = self.grid.issues.index(issue)
            ok = ok & (self.grid.index[:, col] == self.grid.options[col].index(choice))
        return ok, utilities, {**stated.reservations, self.p: reservation}

    def holds(self, v: Fraction) -> bool:
        if self.package is None:
            return all(bool(self.acceptable(frozenset(r.waiver for r in c.waive), c.freeze, v)[0].any()) == c.stated
                       for c in self.conditions)
        ok, utilities, reservations = self.acceptable(frozenset(), (), v)
        rows = [k for k in range(len(ok)) if ok[k]]
        x = self.index_of(self.package.exact_choices)
        if x not in rows:
            return False
        gains = {k: {q: utilities[k][q] - reservations[q] for q in utilities[k]} for k in rows}
        ideal = {q: max(gains[k][q] for k in rows) for q in self.parties}
        key = {k: (self.value(gains[k], ideal, utilities[k]), sum(utilities[k].values())) for k in rows}
        return key[x] == max(key.values())

    def value(self, g, ideal, u) -> Fraction:
        c, parties = self.criterion, self.parties
        if c == "maxmin":
            return min((g[q] for q in parties), default=F(0))
        if c == "utilitarian":
            return sum((u[q] for q in parties), F(0))
        if c == "nash":
            if any(g[q] <= 0 for q in parties):
                return F(0)
            out = F(1)
            for q in parties:
                out *= g[q]
            return out
        return min((g[q] / ideal[q] for q in parties if ideal[q] > 0), default=F(0))

    def index_of(self, choices) -> int:
        target = tuple(self.grid.options[n].index(choices[i]) for n, i in enumerate(self.grid.issues))
        return next(k for k in range(len(self.grid.index)) if tuple(self.grid.index[k]) == target)

    def breakpoints(self, low: Fraction, high: Fraction) -> list[Fraction]:
        """Every value in [low, high] where a package's acceptability switches, or (for a criterion) where one of
        its terms or totals crosses the incumbent's: the finding can change only there."""
        stated, _ = self.enumeration(frozenset())
        d = stated.denominator
        r = stated.reservations[self.p]
        found = set()
        for k in range(len(stated.index)):
            u = F(int(stated.scaled[k, self.j]), d)
            s = self.sigma[k]
            if self.kind == "reservation":
                found.add(u)
            elif s:
                found.add(self.stated + (r - u) / s)
        if self.package is not None:
            x = self.index_of(self.package.exact_choices)
            ux = [F(int(v), d) for v in stated.scaled[x]]
            for k in range(len(stated.index)):
                uy = [F(int(v), d) for v in stated.scaled[k]]
                dy, dx = self.sigma[k], self.sigma[x]
                for a in range(len(uy)):  # gain/utility of party a in y against party b in x, each moving or not
                    for b in range(len(ux)):
                        sy = dy if a == self.j else 0
                        sx = dx if b == self.j else 0
                        if sy != sx:
                            found.add(self.stated + (ux[b] - uy[a]) / (sy - sx))
                if dy != dx:
                    found.add(self.stated + (sum(ux) - sum(uy)) / (dy - dx))
        return sorted(v for v in found if low <= v <= high)


def check_table(scenario: Scenario, table: BreakEvenTable, space: BargainingSpace, seen: Counter) -> None:
    from bargaining.algorithms.flips.context import Context
    from bargaining.algorithms.flips.findings import stated_findings

    findings = {f.id: f for f in stated_findings(Context(space._search, space.criteria_parties))}
    assert {f for f, _ in table.findings} <= set(findings)
    for row in table.rows:
        if not row.analysed:
            seen["not analysed"] += 1
            continue
        finding = findings[row.finding]
        if row.note:  # an input that cannot act in the stated world
            assert row.exact_flip is None and "real" in row.note
            continue
        truth = Truth(scenario, row, finding.conditions, finding.package, finding.criterion, space.criteria_parties)
        sign = 1 if row.direction == "up" else -1
        assert truth.holds(row.exact_stated), (row, "the finding must hold at the stated value")
        for value, want, got in row.checks:  # the engine's own checks agree with brute force
            assert got == want == truth.holds(value), (row, value, want, got)
        assert row.verified, row
        if row.exact_flip is None:
            seen["never"] += 1
            points = truth.breakpoints(min(row.exact_stated, row.exact_end), max(row.exact_stated, row.exact_end)) + [row.exact_end]
        else:
            seen[f"flip {finding.kind}"] += 1
            seen[f"flip by {row.kind}"] += 1
            flip = row.exact_flip
            assert (flip - row.exact_stated) * sign >= 0 and (row.exact_end - flip) * sign >= 0
            if flip != row.exact_stated:
                assert truth.holds(flip - sign * STEP), (row, "holds one step before")
            assert truth.holds(flip) == row.holds_at_flip, row
            assert not truth.holds(flip + sign * STEP), (row, "fails one step after")
            points = truth.breakpoints(min(row.exact_stated, flip), max(row.exact_stated, flip))
            points = [x for x in points if x != flip]
        between = [(a + b) / 2 for a, b in zip(points, points[1:])]
        for x in points + between:
            if row.exact_flip is None or (x - row.exact_stated) * sign < (row.exact_flip - row.exact_stated) * sign:
                assert truth.holds(x), (row, "holds before the flip", x)


def with_linkable(scenario: Scenario) -> Scenario:
    data = scenario.to_dict()
    data["issues"][0]["linkable"] = True
    return Scenario.from_dict(data)


def test_every_flip_matches_brute_force():
    seen: Counter = Counter()

    @settings(max_examples=examples(40), deadline=None)
    @given(st.sampled_from(["open", "closed", None]).flatmap(
        lambda shape: scenarios(max_parties=3, max_issues=4, max_options=3, optional_parties=True, controlled=True, shape=shape)))
    def check(scenario):
        scenario = with_linkable(scenario)
        space = BargainingSpace(scenario)
        table = space.break_even(progress=False)
        event(f"{len(table.flips())} flips")
        assert table.complete and table.exact, table.reason
        check_table(scenario, table, space, seen)

    check()
    print(dict(seen))
    assert seen["flip best"] >= 10 and seen["never"] >= 10, seen
    assert seen["flip open"] + seen["flip concession"] + seen["flip lever"] + seen["flip conflict"] >= 5, seen


@st.composite
def with_a_price(draw, scenario: Scenario) -> Scenario:
    """The scenario with one more soft red line (a price, no real) on one option of a random issue."""
    data = scenario.to_dict()
    issue = draw(st.sampled_from(data["issues"]))
    option = draw(st.sampled_from([o["id"] for o in issue["options"]]))
    kind = draw(st.sampled_from(["forbid", "require"]))
    party = draw(st.sampled_from([p["id"] for p in data["parties"]]))
    data.setdefault("red_lines", []).append({"party": party, kind: {issue["id"]: option}, "price": draw(st.sampled_from([0.5, 1.0, 2.5]))})
    return Scenario.from_dict(data)


def test_the_walk_on_each_criterion_and_kind():
    """More open scenarios, each with a soft line, so that every criterion meets reservations, prices and points."""
    seen: Counter = Counter()

    @settings(max_examples=examples(25), deadline=None)
    @given(scenarios(min_parties=2, max_parties=3, max_issues=3, max_options=3, shape="open").flatmap(with_a_price))
    def check(scenario):
        space = BargainingSpace(scenario)
        table = space.break_even(findings=["best"], progress=False)
        assert table.complete and table.exact, table.reason
        check_table(scenario, table, space, seen)
        for row in table.flips():
            seen[f"{row.finding} {row.kind}"] += 1

    check()
    print(dict(seen))
    for criterion in ("maxmin", "utilitarian", "nash", "kalai"):
        assert seen[f"best:{criterion} reservation"] and seen[f"best:{criterion} points"], seen
    assert sum(seen[f"best:{c} price"] for c in ("maxmin", "utilitarian", "nash", "kalai")) >= 4, seen
