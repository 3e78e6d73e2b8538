"""Results of the analyses built on the search: coalitions, leverage, phasing, the frontier."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Sequence

import pandas as pd

from ..criteria import CRITERIA
from ..scenario import Scenario
from .envelope import Result
from .formatting import cell, frame_html, number
from .package import Package, package_columns

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
class Leverage(Result):
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
        rows = [{"measure": r.measure, "party": r.party, FROZEN: self.shown(r.frozen), OPEN: self.shown(r.open),
                 "shift": self.shown(r.shift, sign=True)} for r in self.rows()]
        table: str = pd.DataFrame(rows).to_html(index=False)
        return f"<p>{html.escape(repr(self)[1:-1])}</p>" + table

    @property
    def opens(self) -> bool:
        """Opening the issue turns an empty space into a non-empty one."""
        return self.open.exists and not self.frozen.exists

    def rows(self) -> list["LeverageRow"]:
        """The comparison, one row per measure (and party): frozen, open and the shift, as values (a count that
        stopped at the limit is the text "at least N"; the shift of a bool is "opens"/"closes")."""
        def count(m: SpaceMeasures) -> Any:
            return m.acceptable if m.acceptable is not None else f"at least {self.count_limit:,}"

        def size(m: SpaceMeasures) -> Any:
            return len(m.frontier or ()) if m.frontier_complete else f"at least {len(m.frontier or ()):,}"

        rows = [LeverageRow("package exists", "", self.frozen.exists, self.open.exists),
                LeverageRow("acceptable packages", "", count(self.frozen), count(self.open))]
        rows += [LeverageRow("best gain", p, self.frozen.best_gains[p], self.open.best_gains[p]) for p in self.scenario.party_ids]
        for criterion in CRITERIA:
            for p in self.criteria_parties:
                before, after = self.frozen.solutions.get(criterion), self.open.solutions.get(criterion)
                rows.append(LeverageRow(f"{criterion} gain", p, None if before is None else before.gains[p],
                                        None if after is None else after.gains[p]))
        if self.frozen.frontier is not None and self.open.frontier is not None:
            rows.append(LeverageRow("frontier points", "", size(self.frozen), size(self.open)))
            rows.append(LeverageRow("share of frozen frontier improved on", "", None, self.improved_share))
        return rows

    def shown(self, value: Any, sign: bool = False) -> str:
        """A value of :meth:`rows` as text (numbers by the one rule; a count over the limit as "at least N")."""
        if value is None:
            return ""
        if isinstance(value, bool) or isinstance(value, str):
            return cell(value)
        return number(value, sign=sign)

    def to_frame(self) -> pd.DataFrame:
        """One row per setting (``setting``: "frozen at status quo", "open"), one column per measure, each of one
        type: ``package exists`` (bool), ``acceptable packages`` (Int64; <NA> when more than ``count_limit``),
        ``best gain <party>`` and ``<criterion> gain <party>`` (float; NaN when there is no package), and with
        the frontier ``frontier points`` (Int64), ``frontier complete`` (bool) and ``share of frozen frontier
        improved on`` (float, on the open row)."""
        records = []
        for name, side in ((FROZEN, self.frozen), (OPEN, self.open)):
            row: dict[str, Any] = {"setting": name, "package exists": side.exists, "acceptable packages": side.acceptable}
            row.update({f"best gain {p}": _float(side.best_gains[p]) for p in self.scenario.party_ids})
            for criterion in CRITERIA:
                package = side.solutions.get(criterion)
                row.update({f"{criterion} gain {p}": float("nan") if package is None else package.gains[p] for p in self.criteria_parties})
            if self.frozen.frontier is not None and self.open.frontier is not None:
                row.update({"frontier points": len(side.frontier or ()), "frontier complete": side.frontier_complete,
                            "share of frozen frontier improved on": _float(self.improved_share if side is self.open else None)})
            records.append(row)
        frame = pd.DataFrame(records)
        frame["acceptable packages"] = frame["acceptable packages"].astype("Int64")
        if "frontier points" in frame:
            frame["frontier points"] = frame["frontier points"].astype("Int64")
        frame.attrs["issue"] = self.issue
        return frame


def _float(value: Any) -> float:
    return float("nan") if value is None else float(value)


@dataclass(frozen=True)
class LeverageRow:
    """One measure of a :class:`Leverage` comparison: its values frozen and open, and the shift."""

    measure: str
    party: str
    frozen: Any
    open: Any

    @property
    def shift(self) -> Any:
        before, after = self.frozen, self.open
        if isinstance(before, bool) or isinstance(after, bool):
            return None if before == after else ("opens" if after else "closes")
        if isinstance(before, (int, float)) and isinstance(after, (int, float)):
            return after - before
        return None


@dataclass(frozen=True)
class PhasePlan(Result):
    """A package delivered in phases: the phase in which each issue leaves its status quo.

    ``package`` is None when no package can be phased this way (``reason`` says why).
    """

    scenario: Scenario = field(repr=False)
    phases: int
    criterion: str
    package: Package | None
    phase_of: dict[str, int] = field(default_factory=dict)

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
        return f"<p>PhasePlan ({html.escape(self.criterion)}, {self.phases} phases)</p>" + frame_html(self.to_frame())

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

    def exact_utilities_after(self, t: int) -> dict[str, Fraction]:
        """Each party's utility after phase t, exactly."""
        state = self.state_after(t)
        return {p: self.scenario.exact_utility(p, state) for p in self.scenario.party_ids}

    def exact_gains_after(self, t: int) -> dict[str, Fraction]:
        """Each party's gain (over its reservation) after phase t, exactly."""
        assert self.package is not None
        return {p: u - self.package.exact_reservations[p] for p, u in self.exact_utilities_after(t).items()}

    def gains_after(self, t: int) -> dict[str, float]:
        """Each party's gain after phase t."""
        return {p: float(g) for p, g in self.exact_gains_after(t).items()}

    def to_frame(self) -> pd.DataFrame:
        """One row per phase: ``switched on`` (what changes), then each party's utility and gain after it."""
        if self.package is None:
            return pd.DataFrame(columns=["phase", "switched on"])
        rows = []
        for t in range(1, self.phases + 1):
            row: dict[str, Any] = {"phase": t, "switched on": "; ".join(f"{issue}: {choice}" for issue, choice in self.moves(t))}
            gains = self.exact_gains_after(t)
            for party, utility in self.exact_utilities_after(t).items():
                row[party] = float(utility)
                row[f"{party} gain"] = float(gains[party])
            rows.append(row)
        return pd.DataFrame(rows)
