"""The scenario format (version 1) as pydantic models: shapes and types, unknown keys refused.

These models check what one field can check on its own; :mod:`.references` then checks
every id a field refers to.  The format itself is documented in ``docs/scenario-format.md``.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, Strict, StringConstraints, model_validator

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+$")]
Number = Annotated[float, Strict()]
PER_UNIT = "per_unit"
RATIONALE = "rationale"
RESERVED_OPTION_IDS = {PER_UNIT, RATIONALE}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True, populate_by_name=True)


class Bound(_Strict):
    """A condition on a continuous issue: ``{at_least: a}``, ``{at_most: b}`` or both."""

    at_least: Number | None = None
    at_most: Number | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> "Bound":
        if self.at_least is None and self.at_most is None:
            raise ValueError("a bound needs at_least, at_most or both")
        if self.at_least is not None and self.at_most is not None and self.at_least > self.at_most:
            raise ValueError(f"at_least ({self.at_least:g}) is above at_most ({self.at_most:g}); swap them")
        return self


ConditionValue = Union[Id, list[Id], Bound]
Condition = dict[str, ConditionValue]


class Option(_Strict):
    id: Id
    name: str | None = None
    status_quo: bool = False
    rationale: str | None = None

    @property
    def label(self) -> str:
        return self.name or self.id


class Party(_Strict):
    id: Id
    name: str | None = None
    reservation: Number
    veto: bool = True
    rationale: str | None = None

    @property
    def label(self) -> str:
        return self.name or self.id

    @property
    def possessive(self) -> str:
        """"Ukraine's", "the United States'"."""
        return self.label + ("'" if self.label.endswith("s") else "'s")


class Issue(_Strict):
    id: Id
    name: str | None = None
    options: list[Option] | None = None
    range: tuple[Number, Number] | None = None
    status_quo: Number | None = Field(default=None, description="continuous issue: the amount today")
    unit: str | None = None
    linkable: bool = False
    controlled_by: list[Id] | None = None
    after: list[Id] | None = Field(default=None, description="phasing: leaves its status quo only after these issues have")
    rationale: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> "Issue":
        if (self.options is None) == (self.range is None):
            raise ValueError("an issue needs either 'options' (discrete) or 'range' (continuous), not both or neither")
        if self.options is not None:
            if not self.options:
                raise ValueError("'options' is empty; list at least one option")
            if self.status_quo is not None:
                raise ValueError("status_quo amount is for continuous issues; mark an option with status_quo: true")
            if sum(o.status_quo for o in self.options) > 1:
                raise ValueError("more than one option is marked status_quo: true; keep one")
        if self.range is not None:
            low, high = self.range
            if low > high:
                raise ValueError(f"range [{low:g}, {high:g}] is inverted; write [{high:g}, {low:g}]")
            if self.status_quo is not None and not low <= self.status_quo <= high:
                raise ValueError(f"status_quo {self.status_quo:g} is outside the range [{low:g}, {high:g}]")
        return self

    @property
    def label(self) -> str:
        return self.name or self.id

    @property
    def is_continuous(self) -> bool:
        return self.range is not None

    @property
    def option_ids(self) -> list[str]:
        return [o.id for o in self.options or []]

    def choice_label(self, choice: Any) -> str:
        """The readable name of a choice: the option's name, or the amount (rounded to about a
        thousandth of the issue's range) with its unit.  Not escaped."""
        if self.is_continuous:
            return format_amount(choice, self.range) + (f" {self.unit}" if self.unit else "")
        for option in self.options or []:
            if option.id == choice:
                return option.label
        return str(choice)

    @property
    def status_quo_choice(self) -> str | float | None:
        """The status quo: an option id (discrete) or an amount (continuous), or None if unmarked."""
        if self.is_continuous:
            return self.status_quo
        return next((o.id for o in self.options or [] if o.status_quo), None)


class Interaction(_Strict):
    party: Id
    when: Condition
    value: Number
    rationale: str | None = None


class RedLine(_Strict):
    party: Id
    forbid: Condition | None = None
    require: Condition | None = None
    if_: Condition | None = Field(default=None, alias="if")
    then: Condition | None = None
    name: str | None = None
    rationale: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> "RedLine":
        kinds = [k for k, v in (("forbid", self.forbid), ("require", self.require)) if v is not None]
        if self.if_ is not None or self.then is not None:
            if self.if_ is None or self.then is None:
                raise ValueError("'if' and 'then' go together; give both")
            kinds.append("if/then")
        if len(kinds) != 1:
            raise ValueError(f"a red line needs exactly one of forbid, require or if/then (found {kinds or 'none'})")
        return self

    @property
    def kind(self) -> Literal["forbid", "require", "if"]:
        return "forbid" if self.forbid is not None else "require" if self.require is not None else "if"


class ScenarioModel(_Strict):
    format: Literal[1]
    name: str
    description: str | None = None
    parties: list[Party]
    issues: list[Issue]
    utilities: dict[str, dict[str, dict[str, Number]]] = Field(default_factory=dict)
    utility_rationales: dict[str, dict[str, str]] = Field(default_factory=dict)
    interactions: list[Interaction] = Field(default_factory=list)
    red_lines: list[RedLine] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _split_rationales(cls, data: Any) -> Any:
        """Move ``utilities.<party>.<issue>.rationale`` texts aside so points stay numbers."""
        if not isinstance(data, dict) or not isinstance(data.get("utilities"), dict):
            return data
        if "utility_rationales" in data:
            raise ValueError("'utility_rationales' is not a key of the format; write 'rationale' inside utilities")
        points: dict = {}
        notes: dict = {}
        for party, issues in data["utilities"].items():
            if not isinstance(issues, dict):
                points[party] = issues
                continue
            points[party] = {}
            for issue, table in issues.items():
                if isinstance(table, dict) and isinstance(table.get(RATIONALE), str):
                    notes.setdefault(party, {})[issue] = table[RATIONALE]
                    table = {k: v for k, v in table.items() if k != RATIONALE}
                points[party][issue] = table
        return {**data, "utilities": points, "utility_rationales": notes}


def format_amount(value: Any, span: tuple[float, float] | None = None) -> str:
    """An amount with as many decimals as a thousandth of the range needs: 71.4286 on [0, 300] -> "71.4"."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    low, high = span or (0.0, 0.0)
    width = high - low if high > low else max(abs(number), 1.0)
    decimals = max(0, min(12, 3 - math.floor(math.log10(width))))
    text = f"{number:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
