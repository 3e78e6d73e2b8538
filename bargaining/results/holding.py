"""Results of "will it hold?": self-enforcing phased plans, what would make a plan hold, stability of a package.

The rules these numbers follow are in :mod:`bargaining.scenario.holding` (docs/holding.md).  A
*margin* is a party's utility of the whole package minus what it gets by defecting (positive: it
prefers to continue).  As everywhere (:mod:`bargaining.results`), the plain names are floats for reading and
pandas (``margins``, ``smallest``, ``gains``) and the exact values (Fractions) are under the same names with
``exact_`` in front (``exact_margins``, ``exact_smallest``, ``exact_gains``); text shows them by :func:`number`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

import pandas as pd

from ..scenario import Scenario
from .analyses import PhasePlan
from .envelope import Result
from .formatting import frame_html, number
from .package import Package


def _floats(values: dict[Any, Fraction | None]) -> dict[Any, float | None]:
    return {k: None if v is None else float(v) for k, v in values.items()}


@dataclass(frozen=True)
class ThreatCheck:
    """One threat of the scenario: whether it counts (credible) and why."""

    id: str
    label: str
    by: str
    against: tuple[str, ...]
    triggers: tuple[str, ...]
    credible: bool
    exact_own_cost: Fraction

    @property
    def own_cost(self) -> float:
        """What carrying the threat out costs its threatener (negative: it gains)."""
        return float(self.exact_own_cost)

    @property
    def why(self) -> str:
        if self.exact_own_cost > 0:
            text = f"not credible: carrying it out costs {self.by} {number(self.exact_own_cost)}"
        elif self.exact_own_cost == 0:
            text = f"credible: carrying it out costs {self.by} nothing"
        else:
            text = f"credible: carrying it out gains {self.by} {number(-self.exact_own_cost)}"
        if "defection" not in self.triggers:
            text += "; a no-deal threat: it acts through the reservations as written, never on a defection"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.label, "by": self.by, "against": list(self.against), "triggers": list(self.triggers),
                "credible": self.credible, "own_cost": self.own_cost, "why": self.why}


FixKind = Literal["move", "snapback", "escrow", "threat"]


@dataclass(frozen=True)
class Fix:
    """A change that makes a plan self-enforcing, and the smallest margin the plan then has (>= 0);
    ``amounts``: an escrow's amount per party."""

    kind: FixKind
    text: str
    exact_margin: Fraction | None
    issue: str | None = None
    phase_from: int | None = None
    phase_to: int | None = None
    against: tuple[str, ...] = ()
    exact_amounts: dict[str, Fraction] = field(default_factory=dict)

    @property
    def margin(self) -> float | None:
        return None if self.exact_margin is None else float(self.exact_margin)

    @property
    def amounts(self) -> dict[str, float]:
        return {p: float(a) for p, a in self.exact_amounts.items()}

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "margin": self.margin, "issue": self.issue, "phase_from": self.phase_from,
                "phase_to": self.phase_to, "against": list(self.against), "amounts": self.amounts}


@dataclass(frozen=True)
class HeldPlan:
    """A phase plan with every party's margin at every phase (None: nothing left for it to deliver) and what
    defecting there leaves it; floats under the plain names, Fractions under ``exact_``."""

    plan: PhasePlan
    exact_margins: dict[tuple[str, int], Fraction | None]
    exact_defecting: dict[tuple[str, int], Fraction | None]
    fixes: tuple[Fix, ...] = ()

    @property
    def margins(self) -> dict[tuple[str, int], float | None]:
        return _floats(self.exact_margins)

    @property
    def defecting(self) -> dict[tuple[str, int], float | None]:
        return _floats(self.exact_defecting)

    @property
    def holds(self) -> bool:
        return all(m is None or m >= 0 for m in self.exact_margins.values())

    @property
    def exact_smallest(self) -> Fraction | None:
        """The smallest counted margin (None when nobody has anything to deliver)."""
        return min((m for m in self.exact_margins.values() if m is not None), default=None)

    @property
    def smallest(self) -> float | None:
        return None if self.exact_smallest is None else float(self.exact_smallest)

    @property
    def exact_violations(self) -> list[tuple[str, int, Fraction]]:
        """(party, phase, what it gains by defecting there), largest gain first, then by phase."""
        found = [(p, t, -m) for (p, t), m in self.exact_margins.items() if m is not None and m < 0]
        return sorted(found, key=lambda x: (-x[2], x[1], x[0]))

    @property
    def violations(self) -> list[tuple[str, int, float]]:
        return [(p, t, float(g)) for p, t, g in self.exact_violations]

    def describe_violations(self, scenario: Scenario, limit: int = 6) -> str:
        rows = [f"{scenario.party[p].label} gains {number(g)} by defecting at phase {t}" for p, t, g in self.exact_violations]
        more = f" (and {len(rows) - limit} more)" if len(rows) > limit else ""
        return "; ".join(rows[:limit]) + more

    def to_frame(self) -> pd.DataFrame:
        """One row per (phase, party): delivers (still has something to deliver), continuing (its utility of
        the whole package), defecting (its payoff defecting there), margin (continuing - defecting)."""
        assert self.plan.package is not None
        rows = []
        defecting = self.defecting
        for (p, t), m in sorted(self.margins.items(), key=lambda kv: (kv[0][1], self.plan.scenario.party_ids.index(kv[0][0]))):
            rows.append({"phase": t, "party": p, "delivers": m is not None, "continuing": self.plan.package.utilities[p],
                         "defecting": defecting[p, t], "margin": m})
        return pd.DataFrame(rows, columns=["phase", "party", "delivers", "continuing", "defecting", "margin"])

    def to_dict(self) -> dict[str, Any]:
        plan = self.plan
        assert plan.package is not None
        return {"package": plan.package.to_dict(), "phase_of": dict(plan.phase_of), "holds": self.holds,
                "smallest_margin": self.smallest,
                "violations": [{"party": p, "phase": t, "gain": g} for p, t, g in self.violations],
                "margins": self.to_frame().to_dict("records"), "fixes": [f.to_dict() for f in self.fixes]}


def _plan_text(held: HeldPlan) -> str:
    plan = held.plan
    return "; ".join(f"phase {t}: " + (", ".join(f"{i}: {c}" for i, c in plan.moves(t)) or "nothing new")
                     for t in range(1, plan.phases + 1))


@dataclass(frozen=True, kw_only=True)
class SelfEnforcing(Result):
    """The best self-enforcing phased plan under a criterion, or why none exists.

    ``plan``: the best plan that holds (its package is the criterion's best among packages with a
    self-enforcing plan; among that package's plans, the one with the largest smallest margin), or
    None.  ``phased``: the criterion's best phased package found with no incentive rows, when it is another
    package or does not hold, in its schedule with the largest smallest margin (no schedule of it does better),
    with its fixes.  ``closest``: when none holds, the plan with the largest
    smallest margin (its violations say who gains by defecting, where, and how much; its fixes what
    would make it hold).  ``threats``: every threat, credible or not.
    """

    scenario: Scenario = field(repr=False)
    phases: int
    criterion: str
    plan: HeldPlan | None = None
    phased: HeldPlan | None = None
    closest: HeldPlan | None = None
    threats: tuple[ThreatCheck, ...] = ()

    def __bool__(self) -> bool:
        return self.plan is not None

    @property
    def fixes(self) -> tuple[Fix, ...]:
        """What would make the plan that does not hold hold: the closest plan's when none holds, else the best phased plan's."""
        for held in (self.closest, self.phased):
            if held is not None and not held.holds:
                return held.fixes
        return ()

    def __repr__(self) -> str:
        if self.plan is not None:
            smallest = self.plan.exact_smallest
            margin = "" if smallest is None else f", smallest margin {number(smallest)}"
            return f"<SelfEnforcing ({self.criterion}, {self.phases} phases): holds{margin}: {_plan_text(self.plan)}>"
        return f"<SelfEnforcing ({self.criterion}, {self.phases} phases): none: {self.reason}>"

    def _repr_html_(self) -> str:
        head = f"<p>{html.escape(repr(self)[1:-1])}</p>"
        held = self.plan or self.closest
        return head + ("" if held is None else frame_html(held.to_frame()))

    def to_frame(self) -> pd.DataFrame:
        """Every evaluated plan's margins: a column ``plan`` ("self-enforcing", "best phased", "closest"),
        then :meth:`HeldPlan.to_frame`'s columns."""
        frames = [held.to_frame().assign(plan=name) for name, held in self._plans()]
        columns = ["plan", "phase", "party", "delivers", "continuing", "defecting", "margin"]
        return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)

    def _plans(self) -> list[tuple[str, HeldPlan]]:
        return [(n, h) for n, h in (("self-enforcing", self.plan), ("best phased", self.phased), ("closest", self.closest)) if h is not None]

    def to_dict(self) -> dict[str, Any]:
        return {"criterion": self.criterion, "phases": self.phases, "holds": self.plan is not None,
                **{name.replace(" ", "_").replace("-", "_"): held.to_dict() for name, held in self._plans()},
                "threats": [t.to_dict() for t in self.threats], **self.provenance()}


@dataclass(frozen=True)
class Deviation:
    """A coalition's best deviation from a signed package that pays every member: the issues it reneges on,
    each member's gain over the package (``gains`` floats, ``exact_gains`` Fractions), and how many of its
    deviations pay."""

    coalition: tuple[str, ...]
    reneged: tuple[str, ...]
    exact_gains: dict[str, Fraction]
    paying: int

    @property
    def gains(self) -> dict[str, float]:
        return {p: float(g) for p, g in self.exact_gains.items()}

    def to_dict(self) -> dict[str, Any]:
        return {"coalition": list(self.coalition), "reneges_on": list(self.reneged), "gains": self.gains,
                "paying_deviations": self.paying}


@dataclass(frozen=True, kw_only=True)
class Stability(Result):
    """Can a party or a coalition (up to ``max_size`` members) gain by reneging on the items it withholds
    after signing, given snapbacks and credible threats?  ``deviations``: each coalition with a deviation
    that pays (its best one: the largest smallest member gain, then the largest total), the largest
    smallest gain first; none means the package is stable against every deviation checked."""

    scenario: Scenario = field(repr=False)
    package: Package
    max_size: int
    deviations: tuple[Deviation, ...] = ()
    coalitions: int = 0
    threats: tuple[ThreatCheck, ...] = ()
    label: str = ""

    @property
    def stable(self) -> bool:
        return not self.deviations

    def __repr__(self) -> str:
        what = f"{self.label} package" if self.label else "package"
        if self.stable:
            return f"<Stability of the {what}: stable ({self.coalitions} coalitions of up to {self.max_size} checked)>"
        best = self.deviations[0]
        who = " + ".join(best.coalition)
        gains = ", ".join(f"{p} {number(g, sign=True)}" for p, g in best.gains.items())
        return (f"<Stability of the {what}: {len(self.deviations)} coalition(s) gain by reneging; e.g. {who} on "
                f"{', '.join(best.reneged)} ({gains})>")

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(repr(self)[1:-1])}</p>" + frame_html(self.to_frame())

    def to_frame(self) -> pd.DataFrame:
        """One row per coalition whose deviation pays: coalition, size, reneges on, the smallest and each
        member's gain, paying (how many of its deviations pay)."""
        rows = [{"coalition": ", ".join(d.coalition), "size": len(d.coalition), "reneges on": ", ".join(d.reneged),
                 "smallest gain": min(d.gains.values()),
                 "gains": ", ".join(f"{p} {number(g, sign=True)}" for p, g in d.gains.items()), "paying": d.paying}
                for d in self.deviations]
        return pd.DataFrame(rows, columns=["coalition", "size", "reneges on", "smallest gain", "gains", "paying"])

    def to_dict(self) -> dict[str, Any]:
        return {"package": self.package.to_dict(), "label": self.label, "stable": self.stable, "max_size": self.max_size,
                "coalitions_checked": self.coalitions, "deviations": [d.to_dict() for d in self.deviations],
                "threats": [t.to_dict() for t in self.threats], **self.provenance()}
