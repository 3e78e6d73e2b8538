"""Why no package is acceptable, and the deal each concession would open."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Iterator, Sequence

import pandas as pd

from ..scenario import Requirement, Scenario
from .package import Package, packages_frame

# --------------------------------------------------------------------------- why no package is acceptable


@dataclass(frozen=True)
class ReservationCut:
    """How far a veto party's reservation must fall to open the space (None: no cut alone opens it)."""

    party: str
    label: str
    reservation: float
    cut: Fraction | None

    def __str__(self) -> str:
        if self.cut is None:
            return f"no reduction of {self.label} reservation alone opens it"
        return f"{self.label} reservation {self.reservation:g} -> {float(self.reservation - self.cut):g} (a cut of {float(self.cut):g})"


@dataclass(frozen=True)
class Diagnosis:
    """Whether some package is acceptable; if none is, which requirements conflict and what would open it.

    ``conflict``: an irreducible set of requirements no package meets together.
    ``relaxations``: the smallest sets of requirements whose removal opens the space.
    ``reservation_cuts``: per veto party, the cut of its reservation alone that opens it.
    """

    scenario_name: str
    feasible: bool
    conflict: list[Requirement] = field(default_factory=list)
    example: Package | None = None
    relaxations: list[list[Requirement]] = field(default_factory=list)
    reservation_cuts: list[ReservationCut] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.feasible

    def __str__(self) -> str:
        if self.feasible:
            return f"{self.scenario_name}: at least one package is acceptable to every party whose acceptance is required."
        lines = [f"{self.scenario_name}: no package is acceptable."]
        if len(self.conflict) == 1:
            lines.append("This requirement cannot hold in any package:")
        else:
            lines.append(f"These {len(self.conflict)} requirements cannot all hold together (dropping any one of them removes this conflict):")
        lines += [f"  - {r.label}" for r in self.conflict]
        if self.relaxations or self.reservation_cuts:
            lines.append("What would open it:")
        lines += ["  - " + concession_label(group) for group in self.relaxations]
        lines += [f"  - {cut}" for cut in self.reservation_cuts]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        return "<pre>" + html.escape(str(self)) + "</pre>"

    def to_frame(self) -> pd.DataFrame:
        """One row per requirement in the conflict: kind, party, label."""
        return pd.DataFrame([{"kind": r.kind, "party": r.party, "requirement": r.label} for r in self.conflict],
                            columns=["kind", "party", "requirement"])


def concession_label(group: Sequence[Requirement]) -> str:
    """What dropping a set of requirements is, in words."""
    return "drop " + " and ".join(r.label for r in group)


@dataclass(frozen=True)
class Concession:
    """A minimal set of red lines whose removal opens the space, and the deal a criterion picks then."""

    dropped: tuple[Requirement, ...]
    package: Package

    @property
    def whose(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.party for r in self.dropped))

    @property
    def label(self) -> str:
        return "; ".join(r.label for r in self.dropped)


@dataclass(frozen=True)
class Concessions:
    """The deal each minimal concession opens (``space.opened()``), smallest concessions first."""

    scenario: Scenario = field(repr=False)
    criterion: str
    items: tuple[Concession, ...] = ()

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Concession]:
        return iter(self.items)

    def __getitem__(self, k: int) -> Concession:
        return self.items[k]

    def _repr_html_(self) -> str:
        return self.to_frame().to_html(index=False)

    def to_frame(self) -> pd.DataFrame:
        """One row per concession: "dropped" (labels), "whose", then the package's columns."""
        leading = [{"dropped": c.label, "whose": ", ".join(c.whose)} for c in self.items]
        return packages_frame(self.scenario, [c.package for c in self.items], leading, ["dropped", "whose"])
