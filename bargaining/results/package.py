"""A package (a choice on every issue, and what it is worth to every party), the criteria, and package tables."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any, Collection, Mapping, Self, Sequence

import pandas as pd

from ..scenario import STATED, Scenario, Waiver, World, exact
from .envelope import Result
from .formatting import frame_html, number


def package_columns(scenario: Scenario) -> list[str]:
    """The columns of every package table: one per issue (its choice), then one per party (its utility)."""
    return [i.id for i in scenario.issues] + scenario.party_ids


@dataclass(frozen=True)
class Package(Result):
    """One package: a choice on every issue, and what it is worth to every party.

    ``utilities``, ``reservations`` and ``gains`` are floats for reading; ``exact_utilities``,
    ``exact_reservations`` and ``exact_gains`` keep the exact rational values that comparisons
    (ties, dominance, criteria) are made with.  ``optimal`` is False when the package is not
    proven best: found before a time limit (``complete`` False), or in a scenario whose numbers
    the solver cannot rank reliably (``exact`` False); ``reason`` then says why.  A package you
    chose (``space.evaluate``) has ``method`` "evaluation": it was not searched for.
    """

    exact_choices: dict[str, str | Fraction]
    exact_utilities: dict[str, Fraction]
    exact_reservations: dict[str, Fraction]
    signers: tuple[str, ...]
    criterion: str | None = None
    optimal: bool = True
    scenario: Scenario | None = field(default=None, compare=False, repr=False)

    @classmethod
    def evaluate(cls, scenario: Scenario, choices: Mapping[str, Any], signers: Sequence[str] | None = None,
                 coalition: Collection[str] | None = None, world: World = STATED, waived: Collection[Waiver] = ()) -> "Package":
        """The package with these choices, evaluated exactly from the scenario (in the stated world, or
        a sampled one: its points and reservations); ``signers`` (who takes part) computed with
        :meth:`Scenario.signers` unless given (empty when it is not acceptable; ``waived``
        requirements do not count)."""
        if signers is None:
            signers = scenario.signers(choices, waived, coalition, world) or []
        return cls(
            exact_choices={i: (c if isinstance(c, str) else exact(c)) for i, c in choices.items()},
            exact_utilities={p: scenario.exact_utility(p, choices, world) for p in scenario.party_ids},
            exact_reservations={p: scenario.exact_reservation(p, world) for p in scenario.party_ids},
            signers=tuple(signers),
            scenario=scenario,
        )

    @property
    def choices(self) -> dict[str, str | float]:
        """Issue id -> the chosen option id, or the amount (a float) for a continuous issue."""
        return {i: (c if isinstance(c, str) else float(c)) for i, c in self.exact_choices.items()}

    @property
    def utilities(self) -> dict[str, float]:
        return {p: float(u) for p, u in self.exact_utilities.items()}

    @property
    def reservations(self) -> dict[str, float]:
        return {p: float(r) for p, r in self.exact_reservations.items()}

    @property
    def exact_gains(self) -> dict[str, Fraction]:
        return {p: u - self.exact_reservations[p] for p, u in self.exact_utilities.items()}

    @property
    def gains(self) -> dict[str, float]:
        return {p: float(g) for p, g in self.exact_gains.items()}

    @property
    def signers_list(self) -> list[str]:
        return list(self.signers)

    def key(self) -> tuple[Any, ...]:
        return tuple(sorted(self.exact_choices.items()))

    def vector(self, parties: Sequence[str]) -> tuple[Fraction, ...]:
        """The exact utilities of these parties, in this order."""
        return tuple(self.exact_utilities[p] for p in parties)

    @property
    def caveat(self) -> str | None:
        """Why the package is not proven optimal (None when it is, or when it was not searched for)."""
        return None if self.optimal or self.method == "evaluation" else (self.reason or None)

    @property
    def evaluated(self) -> bool:
        """A package given to :meth:`~bargaining.BargainingSpace.evaluate`, not one a search found."""
        return self.method == "evaluation"

    def with_(self, **changes: Any) -> Self:
        """A copy with some fields changed (``criterion``, ``optimal``, a provenance field; ``caveat`` is
        the ``reason`` of a package not proven optimal)."""
        if "caveat" in changes:
            caveat = changes.pop("caveat")
            if caveat is not None:
                changes["reason"] = caveat
        return replace(self, **changes)

    def row(self) -> dict[str, Any]:
        """One DataFrame row: a column per issue (its choice) and per party (its utility)."""
        return {**self.choices, **self.utilities}

    def label(self, issue_id: str) -> str:
        """The readable name of the choice on one issue (option name, or amount with unit)."""
        if self.scenario is None:
            return str(self.choices[issue_id])
        return self.scenario.issue[issue_id].choice_label(self.exact_choices[issue_id])

    def table(self, scenario: Scenario | None = None) -> pd.DataFrame:
        """Issue by issue: the issue, the choice (id or amount) and its meaning (name, or amount with unit)."""
        scenario = scenario or self.scenario
        if scenario is None:
            raise ValueError("this package was made without its scenario; pass it: package.table(scenario)")
        rows = [{"issue": i.label, "choice": self.choices[i.id], "meaning": i.choice_label(self.exact_choices[i.id])}
                for i in scenario.issues]
        return pd.DataFrame(rows)

    def parties_frame(self) -> pd.DataFrame:
        """Party by party: utility, reservation, gain and whether it takes part."""
        rows = [{"party": p, "utility": float(u), "reservation": float(self.exact_reservations[p]),
                 "gain": float(u - self.exact_reservations[p]), "takes part": p in self.signers}
                for p, u in self.exact_utilities.items()]
        return pd.DataFrame(rows)

    def to_frame(self) -> pd.DataFrame:
        """The package as a one-row table (a column per issue and per party)."""
        return pd.DataFrame([self.row()])

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for JSON): the API's names, and how it was found (the provenance but the seconds it took,
        so that the same answer gives the same data)."""
        return {
            "criterion": self.criterion,
            "optimal": self.optimal,
            "choices": self.choices,
            "utilities": self.utilities,
            "gains": self.gains,
            "signers": list(self.signers),
            **({"caveat": self.caveat} if self.caveat else {}),
            **{k: v for k, v in self.provenance().items() if k != "seconds"},
        }

    @property
    def title(self) -> str:
        """What the package is: "nash package", "evaluated package", "package"."""
        if self.evaluated:
            return "evaluated package"
        return f"{self.criterion} package" if self.criterion else "package"

    def __repr__(self) -> str:
        status = "" if self.optimal or self.evaluated else ", not proven optimal"
        choices = ", ".join(f"{i}: {self.label(i)}" for i in self.exact_choices)
        parties = ", ".join(f"{p} {number(u)} ({number(u - self.exact_reservations[p], sign=True)})"
                            for p, u in self.exact_utilities.items())
        return f"<{self.title}{status}: {choices} | utilities (gains): {parties}>"

    def _repr_html_(self) -> str:
        import html

        status = "" if self.optimal or self.evaluated else f" (not proven optimal: {html.escape(self.reason or 'time limit')})"
        head = f"<p><b>{html.escape(self.title.capitalize())}</b>{status}</p>"
        issues = frame_html(self.table()) if self.scenario is not None else frame_html(self.to_frame())
        return head + issues + frame_html(self.parties_frame())


def packages_frame(scenario: Scenario, packages: Sequence[Package], leading: Sequence[dict[str, Any]] | None = None,
                   columns: Sequence[str] = ()) -> pd.DataFrame:
    """A package table: ``leading`` columns per row (e.g. what was dropped), then the package's columns."""
    rows = [{**(leading[k] if leading else {}), **p.row()} for k, p in enumerate(packages)]
    return pd.DataFrame(rows, columns=[*columns, *package_columns(scenario)])
