"""The :class:`Scenario`: a validated negotiation, loaded from a file or a dict."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Mapping, Sequence

import yaml
from pydantic import ValidationError

from .errors import Problem, ScenarioError, pydantic_problems, render_problems
from .evaluate import ExactEvaluation, Waiver
from .holding_checks import check_holding
from .loading import check_structure, read
from .magnitudes import check_magnitudes
from .references import check_references
from .sanity import sanity_problems
from .schema import RATIONALE, Bound, Interaction, Issue, Party, RedLine, ScenarioModel, Threat


@dataclass(frozen=True)
class Requirement:
    """Something a party insists on, which a diagnosis may switch off: a reservation or a red line."""

    kind: Literal["reservation", "red_line"]
    party: str
    index: int | None  # the red line's index in scenario.red_lines
    label: str
    #: what giving it up is, in words: "Russia drops: <the red line>", "Ukraine waives its reservation (20)"
    concession: str = field(default="", compare=False)

    @property
    def waiver(self) -> Waiver:
        """How :meth:`Scenario.signers` names this requirement when it is switched off."""
        return ("reservation", self.party) if self.kind == "reservation" else ("red_line", self.index or 0)


class Scenario(ExactEvaluation):
    """A validated negotiation: parties, issues, points, interactions and red lines.

    Build one with :meth:`from_yaml`, :meth:`from_json`, :meth:`from_file` or :meth:`from_dict`;
    :meth:`to_dict` gives back a dict that loads to an equal scenario.
    """

    def __init__(self, data: ScenarioModel, source: str = "<dict>", lines: Mapping[tuple[Any, ...], int] | None = None):
        self._data = data
        self.source = source
        self._lines = dict(lines or {})
        self.parties: list[Party] = data.parties
        self.issues: list[Issue] = data.issues
        self.interactions: list[Interaction] = data.interactions
        self.red_lines: list[RedLine] = data.red_lines
        self.threats: list[Threat] = data.threats
        self.party = {p.id: p for p in self.parties}
        self.issue = {i.id: i for i in self.issues}

    # ---- loading
    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "<dict>", lines: Mapping[tuple[Any, ...], int] | None = None) -> "Scenario":
        if not isinstance(data, Mapping):
            raise ScenarioError(source, [Problem((), f"expected a mapping of scenario fields, got {type(data).__name__}")], reference=True)
        check_structure(data, source, dict(lines or {}))
        try:
            model = ScenarioModel.model_validate(dict(data))
        except ValidationError as error:
            raise ScenarioError(source, pydantic_problems(error, data), lines, reference=True) from None
        problems = check_references(model) or check_holding(model) or check_magnitudes(model) or sanity_problems(model)[0]
        if problems:
            raise ScenarioError(source, problems, lines, reference=True)
        return cls(model, source, lines)

    @classmethod
    def from_yaml(cls, path: str | Path) -> "Scenario":
        return cls.from_dict(*_read(path, "yaml"))

    @classmethod
    def from_json(cls, path: str | Path) -> "Scenario":
        return cls.from_dict(*_read(path, "json"))

    @classmethod
    def from_file(cls, path: str | Path) -> "Scenario":
        """Load a ``.json`` file as JSON and anything else as YAML."""
        return cls.from_dict(*_read(path, "json" if str(path).lower().endswith(".json") else "yaml"))

    @classmethod
    def from_genius(cls, domain: str | Path, profiles: Sequence[str | Path], reservations: Any = None, *,
                    name: str | None = None, over_one: str = "warn") -> "Scenario":
        """A Genius/ANAC domain and one linear-additive profile per party, with Genius's own semantics
        (see :mod:`bargaining.scenario.genius` and docs/genius.md).  ``reservations`` overrides the
        profiles' reservation values: a mapping by party id, or a list in profile order (None keeps
        the file's).  ``over_one``: "warn" (default) or "error" when a profile's total can exceed 1."""
        from .genius import genius_scenario

        data, source = genius_scenario(domain, profiles, reservations, name=name, over_one=over_one)
        return cls.from_dict(data, source)

    # ---- writing
    def to_negmas(self, *, drop_unsupported: bool = False) -> Any:
        """The scenario as a NegMAS ``Scenario`` (``pip install 'bargaining[negmas]'``; see :mod:`bargaining.scenario.negmas`)."""
        from .negmas import to_negmas

        return to_negmas(self, drop_unsupported=drop_unsupported)

    def replaced(self, **fields: Any) -> "Scenario":
        """This scenario with some fields of its data replaced (a variant's numbers); its source and line numbers kept."""
        return Scenario(self._data.model_copy(update=fields), self.source, self._lines)

    def to_dict(self) -> dict[str, Any]:
        data = self._data.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=True)
        notes = data.pop("utility_rationales", {})
        for party, issues in notes.items():
            for issue, text in issues.items():
                data.setdefault("utilities", {}).setdefault(party, {}).setdefault(issue, {})[RATIONALE] = text
        return data

    def warnings(self) -> list[str]:
        """What loads but looks wrong (a party without points, a bound beyond its issue's range), one line
        each with the file, the line, the place and the fix, as errors are written; empty when nothing does."""
        return render_problems(self.source, sanity_problems(self._data)[1], self._lines)

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Scenario) and self._data == other._data

    def __repr__(self) -> str:
        return f"Scenario({self.name!r}: {len(self.parties)} parties, {len(self.issues)} issues, {len(self.red_lines)} red lines)"

    # ---- reading
    @property
    def name(self) -> str:
        return self._data.name

    @property
    def description(self) -> str:
        return self._data.description or ""

    @property
    def party_ids(self) -> list[str]:
        return [p.id for p in self.parties]

    @property
    def veto_party_ids(self) -> list[str]:
        return [p.id for p in self.parties if p.veto]

    @property
    def criteria_party_ids(self) -> list[str]:
        """The parties whose gains the bargaining criteria weigh: the veto parties (all if none has a veto)."""
        return self.veto_party_ids or self.party_ids

    @property
    def discrete_issues(self) -> list[Issue]:
        return [i for i in self.issues if not i.is_continuous]

    @property
    def continuous_issues(self) -> list[Issue]:
        return [i for i in self.issues if i.is_continuous]

    def points(self, party: str, issue: str) -> dict[str, float]:
        """The party's points for each option of the issue (``per_unit`` for a continuous issue)."""
        return dict(self._data.utilities.get(party, {}).get(issue, {}))

    def points_rationale(self, party: str, issue: str) -> str | None:
        return self._data.utility_rationales.get(party, {}).get(issue)

    def package_count(self) -> int:
        """How many combinations of discrete options there are."""
        count = 1
        for issue in self.discrete_issues:
            count *= len(issue.options or [])
        return count

    @property
    def requirements(self) -> list[Requirement]:
        """Every party's reservation, then every hard red line: what a diagnosis may switch off.
        (A soft red line -- a price and no ``real`` -- is not a requirement: it only costs its party points.)"""
        found = [Requirement("reservation", p.id, None, f"{p.possessive} reservation ({p.reservation:g})",
                             f"{p.label} waives its reservation ({p.reservation:g})") for p in self.parties]
        found += [Requirement("red_line", r.party, k, self.describe_red_line(k), self.describe_red_line(k, concession=True))
                  for k, r in enumerate(self.red_lines) if not r.soft]
        return found

    # ---- words
    def describe_condition(self, condition: Mapping[str, Any]) -> str:
        parts = []
        for issue_id, want in condition.items():
            issue = self.issue[issue_id]
            if isinstance(want, Bound):
                unit = f" {issue.unit}" if issue.unit else ""
                if want.at_least is not None and want.at_most is not None:
                    parts.append(f"{issue.label} between {want.at_least:g} and {want.at_most:g}{unit}")
                elif want.at_least is not None:
                    parts.append(f"{issue.label} at least {want.at_least:g}{unit}")
                else:
                    parts.append(f"{issue.label} at most {want.at_most:g}{unit}")
            else:
                wanted = [want] if isinstance(want, str) else want
                parts.append(f"{issue.label}: " + " or ".join(issue.choice_label(o) for o in wanted))
        return " and ".join(parts)

    def describe_red_line(self, index: int, concession: bool = False) -> str:
        """"Russia: <its name>" or "Russia forbids <condition>"; with ``concession``, what dropping it
        is: "Russia drops: <its name>", "Russia drops its red line that forbids <condition>"."""
        red_line = self.red_lines[index]
        who = self.party[red_line.party].label
        if red_line.name:
            return f"{who} drops: {red_line.name}" if concession else f"{who}: {red_line.name}"
        if red_line.forbid is not None:
            what = f"forbids {self.describe_condition(red_line.forbid)}"
        elif red_line.require is not None:
            what = f"requires {self.describe_condition(red_line.require)}"
        else:
            what = f"if {self.describe_condition(red_line.if_ or {})} then {self.describe_condition(red_line.then or {})}"
            return f"{who} drops its red line: {what}" if concession else f"{who}: {what}"
        return f"{who} drops its red line that {what}" if concession else f"{who} {what}"


def _read(path: str | Path, kind: str) -> tuple[Any, str, dict[tuple[Any, ...], int]]:
    data, lines = read(path, kind)
    return data, str(path), lines
