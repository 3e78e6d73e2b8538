"""Results of the analyses built on the search: coalitions, leverage, phasing, the frontier."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, Sequence

import pandas as pd

from ..criteria import CRITERIA
from ..scenario import Scenario
from .package import Package, number, package_columns

# --------------------------------------------------------------------------- coalitions, leverage, phasing


@dataclass(frozen=True)
class Coalition:
    """A minimal coalition that opens the space: every party taking part, and its best package."""

    members: tuple[str, ...]
    joining: tuple[str, ...]
    package: Package | None

    @property
    def size(self) -> int:
        return len(self.members)

    def __repr__(self) -> str:
        joining = ", ".join(self.joining) or "nobody"
        deal = "no package" if self.package is None else "maxmin gains " + ", ".join(
            f"{p} {number(self.package.gains[p], sign=True)}" for p in self.members)
        return f"<Coalition of {self.size}: the veto parties joined by {joining}; {deal}>"

    def _repr_html_(self) -> str:
        head = f"<p>{html.escape(repr(self)[1:-1])}</p>"
        return head + ("" if self.package is None else self.package._repr_html_())


def coalitions_frame(scenario: Scenario, coalitions: Sequence[Coalition]) -> pd.DataFrame:
    """One row per coalition: members, joining (comma-separated ids), size, then its package's columns."""
    rows = [{"members": ", ".join(c.members), "joining": ", ".join(c.joining), "size": c.size,
             **(c.package.row() if c.package else {})} for c in coalitions]
    return pd.DataFrame(rows, columns=["members", "joining", "size", *package_columns(scenario)])


FROZEN, OPEN = "frozen at status quo", "open"


@dataclass(frozen=True)
class SpaceMeasures:
    """What the bargaining space offers under one setting of an issue (frozen or open)."""

    exists: bool
    acceptable: int | None  # None: more than the count limit
    best_gains: dict[str, float | None]
    solutions: dict[str, Package | None]
    frontier: tuple[Package, ...] | None = None
    frontier_complete: bool = True


@dataclass(frozen=True)
class Leverage:
    """An issue frozen at its status quo versus open: does opening it make (or improve) a deal?"""

    scenario: Scenario = field(repr=False)
    issue: str
    frozen: SpaceMeasures
    open: SpaceMeasures
    count_limit: int
    criteria_parties: tuple[str, ...]
    improved_share: float | None = None

    def __repr__(self) -> str:
        def side(m: SpaceMeasures) -> str:
            if not m.exists:
                return "no package"
            count = f"{m.acceptable:,}" if m.acceptable is not None else f"at least {self.count_limit:,}"
            return f"{count} acceptable package{'' if m.acceptable == 1 else 's'}"
        verdict = "opening it opens the space" if self.opens else "opening it does not change whether a deal exists"
        return f"<Leverage of {self.issue}: frozen at its status quo, {side(self.frozen)}; open, {side(self.open)}; {verdict}>"

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(repr(self)[1:-1])}</p>" + self.to_frame().to_html(index=False)

    @property
    def opens(self) -> bool:
        """Opening the issue turns an empty space into a non-empty one."""
        return self.open.exists and not self.frozen.exists

    def to_frame(self) -> pd.DataFrame:
        """Rows (measure, party); columns frozen at status quo, open, shift (open minus frozen)."""
        def count(m: SpaceMeasures) -> Any:
            return m.acceptable if m.acceptable is not None else f">= {self.count_limit}"

        rows = [("package exists", "", self.frozen.exists, self.open.exists),
                ("acceptable packages", "", count(self.frozen), count(self.open))]
        rows += [("best gain", p, self.frozen.best_gains[p], self.open.best_gains[p]) for p in self.scenario.party_ids]
        for criterion in CRITERIA:
            for p in self.criteria_parties:
                before, after = self.frozen.solutions.get(criterion), self.open.solutions.get(criterion)
                rows.append((f"{criterion} gain", p, None if before is None else before.gains[p], None if after is None else after.gains[p]))
        if self.frozen.frontier is not None and self.open.frontier is not None:
            def size(m: SpaceMeasures) -> Any:
                return len(m.frontier or ()) if m.frontier_complete else f">= {len(m.frontier or ())}"
            rows.append(("frontier points", "", size(self.frozen), size(self.open)))
            rows.append(("share of frozen frontier improved on", "", None, self.improved_share))
        frame = pd.DataFrame([{"measure": m, "party": p, FROZEN: a, OPEN: b, "shift": _shift(a, b)} for m, p, a, b in rows])
        frame.attrs["issue"] = self.issue
        return frame


def _shift(before: Any, after: Any) -> Any:
    if isinstance(before, bool) or isinstance(after, bool):
        return None if before == after else ("opens" if after else "closes")
    if isinstance(before, (int, float)) and isinstance(after, (int, float)):
        return after - before
    return None


@dataclass(frozen=True)
class PhasePlan:
    """A package delivered in phases: the phase in which each issue leaves its status quo.

    ``package`` is None when no package can be phased this way (``reason`` says why).
    """

    scenario: Scenario = field(repr=False)
    phases: int
    criterion: str
    package: Package | None
    phase_of: dict[str, int] = field(default_factory=dict)
    reason: str = ""

    def __bool__(self) -> bool:
        return self.package is not None

    def __repr__(self) -> str:
        if self.package is None:
            return f"<PhasePlan: none in {self.phases} phases: {self.reason}>"
        steps = "; ".join(f"phase {t}: " + (", ".join(f"{i}: {c}" for i, c in self.moves(t)) or "nothing new")
                          for t in range(1, self.phases + 1))
        return f"<PhasePlan ({self.criterion}, {self.phases} phases): {steps}>"

    def _repr_html_(self) -> str:
        if self.package is None:
            return f"<p>{html.escape(repr(self)[1:-1])}</p>"
        return f"<p>PhasePlan ({html.escape(self.criterion)}, {self.phases} phases)</p>" + self.to_frame().to_html(index=False)

    def state_after(self, t: int) -> dict[str, Any]:
        """The choices in place after phase t (issues not yet moved sit at their status quo)."""
        assert self.package is not None
        state: dict[str, Any] = {}
        for issue in self.scenario.issues:
            final = self.package.exact_choices[issue.id]
            moved = self.phase_of.get(issue.id, 0) <= t or issue.status_quo_choice is None
            state[issue.id] = final if moved else issue.status_quo_choice
        return state

    def moves(self, t: int) -> list[tuple[str, str]]:
        """What phase t switches on: (issue label, choice label) pairs."""
        assert self.package is not None
        return [(i.label, self.package.label(i.id)) for i in self.scenario.issues if self.phase_of.get(i.id) == t]

    def to_frame(self) -> pd.DataFrame:
        """One row per phase: ``switched on`` (what changes), then each party's utility and gain after it."""
        if self.package is None:
            return pd.DataFrame(columns=["phase", "switched on"])
        rows = []
        for t in range(1, self.phases + 1):
            state = self.state_after(t)
            row: dict[str, Any] = {"phase": t, "switched on": "; ".join(f"{issue}: {choice}" for issue, choice in self.moves(t))}
            for party in self.scenario.parties:
                utility = self.scenario.utility(party.id, state)
                row[party.id] = float(utility)
                row[f"{party.id} gain"] = float(utility - self.package.reservations[party.id])
            rows.append(row)
        return pd.DataFrame(rows)
