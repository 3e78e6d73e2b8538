"""A package (a choice on every issue, and what it is worth to every party), the criteria, and package tables."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any, Collection, Mapping, Sequence

import pandas as pd

from ..scenario import STATED, Scenario, Waiver, World, exact


def package_columns(scenario: Scenario) -> list[str]:
    """The columns of every package table: one per issue (its choice), then one per party (its utility)."""
    return [i.id for i in scenario.issues] + scenario.party_ids


def number(value: float | Fraction, sign: bool = False) -> str:
    """A number for people: up to four significant digits (68, 33.14, 1.5e+09), a real minus sign."""
    text = f"{float(value):+,.4g}" if sign else f"{float(value):,.4g}"
    return text.replace("-", "\u2212")


@dataclass(frozen=True)
class Package:
    """One package: a choice on every issue, and what it is worth to every party.

    ``utilities`` and ``gains`` are floats for reading; ``exact_utilities`` keeps the exact
    rational values that comparisons (ties, dominance, criteria) are made with.
    ``optimal`` is False when the package is not proven best: found before a time limit, or in a
    scenario whose numbers the solver cannot rank reliably; ``caveat`` then says why.
    """

    exact_choices: dict[str, str | Fraction]
    exact_utilities: dict[str, Fraction]
    reservations: dict[str, Fraction]
    signers: tuple[str, ...]
    criterion: str | None = None
    optimal: bool = True
    scenario: Scenario | None = field(default=None, compare=False, repr=False)
    caveat: str | None = field(default=None, compare=False)

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
            exact_utilities={p: scenario.utility(p, choices, world) for p in scenario.party_ids},
            reservations={p: scenario.reservation(p, world) for p in scenario.party_ids},
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
    def exact_gains(self) -> dict[str, Fraction]:
        return {p: u - self.reservations[p] for p, u in self.exact_utilities.items()}

    @property
    def gains(self) -> dict[str, float]:
        return {p: float(g) for p, g in self.exact_gains.items()}

    @property
    def signers_list(self) -> list[str]:
        return list(self.signers)

    def key(self) -> tuple:
        return tuple(sorted(self.exact_choices.items()))

    def vector(self, parties: Sequence[str]) -> tuple[Fraction, ...]:
        """The exact utilities of these parties, in this order."""
        return tuple(self.exact_utilities[p] for p in parties)

    def with_(self, **changes: Any) -> "Package":
        """A copy with some fields changed (``criterion``, ``optimal``, ``caveat``)."""
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
        rows = [{"party": p, "utility": float(u), "reservation": float(self.reservations[p]),
                 "gain": float(u - self.reservations[p]), "takes part": p in self.signers}
                for p, u in self.exact_utilities.items()]
        return pd.DataFrame(rows)

    def to_frame(self) -> pd.DataFrame:
        """The package as a one-row table (a column per issue and per party)."""
        return pd.DataFrame([self.row()])

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for JSON): the API's names."""
        return {
            "criterion": self.criterion,
            "optimal": self.optimal,
            "choices": self.choices,
            "utilities": self.utilities,
            "gains": self.gains,
            "signers": list(self.signers),
            **({"caveat": self.caveat} if self.caveat else {}),
        }

    def __repr__(self) -> str:
        what = f"{self.criterion} package" if self.criterion else "Package"
        status = "" if self.optimal else ", not proven optimal"
        choices = ", ".join(f"{i}: {self.label(i)}" for i in self.exact_choices)
        parties = ", ".join(f"{p} {number(u)} ({number(u - self.reservations[p], sign=True)})" for p, u in self.exact_utilities.items())
        return f"<{what}{status}: {choices} | utilities (gains): {parties}>"

    def _repr_html_(self) -> str:
        head = f"<p><b>{self.criterion or 'Package'}</b>{'' if self.optimal else ' (not proven optimal)'}</p>"
        issues = self.table().to_html(index=False) if self.scenario is not None else self.to_frame().to_html(index=False)
        return head + issues + self.parties_frame().to_html(index=False)


def packages_frame(scenario: Scenario, packages: Sequence[Package], leading: Sequence[dict[str, Any]] | None = None,
                   columns: Sequence[str] = ()) -> pd.DataFrame:
    """A package table: ``leading`` columns per row (e.g. what was dropped), then the package's columns."""
    rows = [{**(leading[k] if leading else {}), **p.row()} for k, p in enumerate(packages)]
    return pd.DataFrame(rows, columns=[*columns, *package_columns(scenario)])
