"""Why no package is acceptable, and the deal each concession would open."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Iterator, Sequence

import pandas as pd

from ..scenario import Requirement, Scenario, exact
from .envelope import Result
from .formatting import frame_html, number
from .frontier import Frontier
from .package import Package, packages_frame

# --------------------------------------------------------------------------- why no package is acceptable


@dataclass(frozen=True)
class ReservationCut:
    """How far a veto party's reservation must fall to open the space (None: no cut alone opens it).

    ``cut`` and ``lowered_to`` are floats; ``exact_cut`` and ``exact_lowered_to`` the exact values."""

    party: str
    label: str
    reservation: float
    exact_cut: Fraction | None

    @property
    def cut(self) -> float | None:
        return None if self.exact_cut is None else float(self.exact_cut)

    @property
    def exact_lowered_to(self) -> Fraction | None:
        """The reservation after the cut (None: no cut alone opens the space)."""
        return None if self.exact_cut is None else exact(self.reservation) - self.exact_cut

    @property
    def lowered_to(self) -> float | None:
        lowered = self.exact_lowered_to
        return None if lowered is None else float(lowered)

    def __str__(self) -> str:
        if self.exact_cut is None:
            return f"no reduction of {self.label} reservation alone opens it"
        return (f"{self.label} reservation {number(self.reservation)} -> {number(self.exact_lowered_to or 0)} "
                f"(a cut of {number(self.exact_cut)})")


@dataclass(frozen=True)
class Diagnosis(Result):
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
    scenario: Scenario | None = field(default=None, repr=False, compare=False)

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

    def __repr__(self) -> str:
        return f"<Diagnosis: {self}>"

    def _repr_html_(self) -> str:
        import html

        return "<pre>" + html.escape(str(self)) + "</pre>"

    def to_frame(self) -> pd.DataFrame:
        """One row per requirement in the conflict: kind, party, label."""
        return pd.DataFrame([{"kind": r.kind, "party": r.party, "requirement": r.label} for r in self.conflict],
                            columns=["kind", "party", "requirement"])


def concession_label(group: Sequence[Requirement]) -> str:
    """What giving up a set of requirements is, in words: "If Russia drops: <red line>"."""
    return "If " + "; and ".join(r.concession or r.label for r in group)


@dataclass(frozen=True)
class Concession:
    """A minimal concession that opens the space, and what it would open.

    Either ``dropped``: red lines given up (a minimal set), or ``lowered``: a veto party's
    reservation lowered by the smallest cut that opens the space, all else as written.
    ``package`` is the deal the criterion picks then.  With frontiers asked for
    (``space.opened(frontier=True)``): ``frontier``, the Pareto frontier of the criteria
    parties' utilities with the concession made, and ``solutions``, each bargaining
    solution's package then.  Gains are always over the *stated* reservations, so that
    concessions compare on the same axes (a lowered reservation shows as a negative gain).
    """

    dropped: tuple[Requirement, ...]
    package: Package
    lowered: ReservationCut | None = None
    frontier: Frontier | None = field(default=None, repr=False)
    solutions: dict[str, Package] = field(default_factory=dict, repr=False)

    @property
    def whose(self) -> tuple[str, ...]:
        """The parties that make the concession."""
        if self.lowered is not None:
            return (self.lowered.party,)
        return tuple(dict.fromkeys(r.party for r in self.dropped))

    @property
    def label(self) -> str:
        """"If Russia drops: <red line>", "If Ukraine's reservation falls from 20 to 15"."""
        cut = self.lowered
        if cut is not None and cut.exact_lowered_to is not None:
            return f"If {cut.label} reservation falls from {number(cut.reservation)} to {number(cut.exact_lowered_to)}"
        return concession_label(self.dropped)

    def __repr__(self) -> str:
        points = "" if self.frontier is None else f"; {len(self.frontier)} frontier points" + (
            "" if self.frontier.complete else " (incomplete)")
        return f"<Concession {self.label!r}: {self.package!r}{points}>"

    def _repr_html_(self) -> str:
        import html

        points = "" if self.frontier is None else f"<p>{html.escape(repr(self.frontier)[1:-1])}</p>"
        return f"<p><b>{html.escape(self.label)}</b></p>" + self.package._repr_html_() + points


@dataclass(frozen=True)
class Concessions(Result):
    """The deal each minimal concession opens (``space.opened()``), smallest concessions first."""

    scenario: Scenario = field(repr=False)
    criterion: str
    items: tuple[Concession, ...] = ()
    parties: tuple[str, ...] = ()  # the parties whose utilities each frontier is over (the criteria parties)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Concession]:
        return iter(self.items)

    def __getitem__(self, k: int) -> Concession:
        return self.items[k]

    def __repr__(self) -> str:
        if not self.items:
            return "<Concessions: none (the space is open, or no single concession opens it)>"
        lines = [f"{c.label} -> " + ", ".join(f"{p} {number(g, sign=True)}" for p, g in c.package.gains.items()
                                               if p in (self.parties or c.package.gains)) for c in self.items]
        return f"<Concessions ({self.criterion}; gains over the stated reservations):\n  " + "\n  ".join(lines) + ">"

    def _repr_html_(self) -> str:
        return frame_html(self.to_frame())

    def to_frame(self) -> pd.DataFrame:
        """One row per concession: "concession" (in words), "whose", then the package's columns; with frontiers,
        "frontier points" and "frontier complete" too."""
        leading: list[dict[str, object]] = [{"concession": c.label, "whose": ", ".join(c.whose)} for c in self.items]
        columns = ["concession", "whose"]
        if any(c.frontier is not None for c in self.items):
            for row, c in zip(leading, self.items):
                row.update({"frontier points": None if c.frontier is None else len(c.frontier),
                            "frontier complete": None if c.frontier is None else c.frontier.complete})
            columns += ["frontier points", "frontier complete"]
        return packages_frame(self.scenario, [c.package for c in self.items], leading, columns)
