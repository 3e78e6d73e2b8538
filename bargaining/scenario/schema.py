"""The scenario format (version 1) as pydantic models: shapes and types, unknown keys refused.

These models check what one field can check on its own; :mod:`.references` then checks
every id a field refers to.  The format itself is documented in ``docs/scenario-format.md``.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, Strict, StringConstraints, field_validator, model_validator

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
    reservation_range: tuple[Number, Number] | None = Field(
        default=None, description="uncertainty analyses: the reservation is drawn uniformly from this range")
    points_spread: Number | None = Field(
        default=None, description="uncertainty analyses: each point scaled by an independent factor in [1 - s, 1 + s]")
    rationale: str | None = None

    @model_validator(mode="after")
    def _uncertainty(self) -> "Party":
        if self.reservation_range is not None:
            low, high = self.reservation_range
            if low > high:
                raise ValueError(f"reservation_range [{low:g}, {high:g}] is inverted; write [{high:g}, {low:g}]")
            if not low <= self.reservation <= high:
                raise ValueError(f"reservation_range [{low:g}, {high:g}] does not contain the stated reservation "
                                 f"{self.reservation:g}; widen it or change the reservation")
        if self.points_spread is not None and not 0 <= self.points_spread < 1:
            raise ValueError(f"points_spread {self.points_spread:g} is outside [0, 1); e.g. 0.2 scales each point by 0.8 to 1.2")
        return self

    @property
    def label(self) -> str:
        return self.name or self.id

    @property
    def possessive(self) -> str:
        """"Ukraine's", "the United States'"."""
        return self.label + ("'" if self.label.endswith("s") else "'s")


class AllOf(_Strict):
    """``controlled_by: {all: [a, b]}``: every listed party must take part."""

    all: list[Id]


class AtLeast(_Strict):
    """``controlled_by: {at_least: k, of: [a, b, c]}``: at least k of the listed parties must take part."""

    at_least: Annotated[int, Strict()]
    of: list[Id]

    @model_validator(mode="after")
    def _sensible(self) -> "AtLeast":
        if not 1 <= self.at_least <= len(self.of):
            raise ValueError(f"at_least {self.at_least} must be between 1 and the number of parties listed ({len(self.of)})")
        return self


#: ``controlled_by``: a list (any one of them), ``{all: [...]}`` or ``{at_least: k, of: [...]}``.
Control = Union[list[Id], AllOf, AtLeast]


class Issue(_Strict):
    id: Id
    name: str | None = None
    options: list[Option] | None = None
    range: tuple[Number, Number] | None = None
    status_quo: Number | None = Field(default=None, description="continuous issue: the amount today")
    unit: str | None = None
    linkable: bool = False
    controlled_by: Control | None = None
    after: list[Id] | None = Field(default=None, description="phasing: leaves its status quo only after these issues have")
    delivered_by: Control | None = Field(default=None, description="holding: the parties whose action moves it (see scenario.holding)")
    snapback: "Snapback | None" = Field(default=None, description="holding: what it returns to when a party defects")
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

    @property
    def controllers(self) -> list[str]:
        """The parties named in ``controlled_by`` (empty: anyone's issue)."""
        rule = self.controlled_by
        if rule is None:
            return []
        return list(rule.all if isinstance(rule, AllOf) else rule.of if isinstance(rule, AtLeast) else rule)

    @property
    def controllers_needed(self) -> int:
        """How many of :attr:`controllers` must take part for the issue to leave its status quo."""
        rule = self.controlled_by
        return len(rule.all) if isinstance(rule, AllOf) else rule.at_least if isinstance(rule, AtLeast) else 1

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


class Snapback(_Strict):
    """``snapback: {to: keep, against: [russia]}``: when a party in ``against`` defects, the issue, if it
    is in place, returns to ``to`` (an option id, or an amount).  ``against`` defaults to every party
    that does not deliver the issue (see :mod:`.holding`)."""

    to: Union[Id, Number]
    against: list[Id] | None = None
    rationale: str | None = None

    @field_validator("to", mode="before")
    @classmethod
    def _choice(cls, value: Any) -> Any:
        if isinstance(value, str) and re.fullmatch(r"[a-z0-9_]+", value):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        raise ValueError(f"expected an option id (for a discrete issue) or an amount (for a continuous one), got {value!r}")


Trigger = Literal["defection", "no_deal"]


class Threat(_Strict):
    """A threat: ``by`` will carry it out against ``against`` when ``trigger`` happens; ``cost`` is what
    carrying it out costs each party named (points; negative: a gain), the threatener included.  It
    counts only when credible: carrying it out costs the threatener nothing or less (see :mod:`.holding`)."""

    id: Id
    name: str | None = None
    by: Id
    against: list[Id]
    trigger: Union[Trigger, list[Trigger]] = "defection"
    cost: dict[str, Number]
    rationale: str | None = None

    @field_validator("trigger", mode="before")
    @classmethod
    def _trigger(cls, value: Any) -> Any:
        allowed = ("defection", "no_deal")
        items = value if isinstance(value, list) else [value]
        if not items or any(x not in allowed for x in items) or len(set(items)) < len(items):
            raise ValueError(f"trigger is 'defection' (the target defects), 'no_deal' (no agreement) or a list of both, got {value!r}")
        return value

    @field_validator("cost", mode="before")
    @classmethod
    def _cost(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise ValueError(f"expected a mapping party id -> points lost when it is carried out (e.g. {{russia: 2, baltic_states: 5}}), "
                             f"got {value!r}")
        return value

    @property
    def triggers(self) -> list[str]:
        return [self.trigger] if isinstance(self.trigger, str) else list(self.trigger)

    @property
    def label(self) -> str:
        return self.name or self.id


class Interaction(_Strict):
    party: Id
    when: Condition
    value: Number
    rationale: str | None = None


class RedLine(_Strict):
    id: Id | None = None
    party: Id
    forbid: Condition | None = None
    require: Condition | None = None
    if_: Condition | None = Field(default=None, alias="if")
    then: Condition | None = None
    price: Number | None = Field(default=None, description="breaking the line costs its party this many points")
    real: Number | None = Field(default=None, description="the probability that the line is real (uncertainty analyses)")
    real_range: tuple[Number, Number] | None = Field(
        default=None, description="[low, high] around real: the sensitivity analysis moves the probability over it")
    final_only: bool = Field(default=False, description="in a phased deal it must hold at the end only")
    name: str | None = None
    rationale: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> "RedLine":
        if self.price is not None and self.price <= 0:
            raise ValueError(f"price {self.price:g} must be positive: the points the party loses when the line is broken")
        if self.real is not None and not 0 < self.real <= 1:
            raise ValueError(f"real {self.real:g} must be a probability in (0, 1]; 1 means the line is surely real")
        if self.real is not None and self.id is None:
            raise ValueError("a red line with 'real' needs an 'id' (e.g. id: ru_donbas_admin) so that results can name it")
        if self.real_range is not None:
            low, high = self.real_range
            if self.real is None:
                raise ValueError(f"real_range [{low:g}, {high:g}] needs 'real' beside it (the stated probability, inside the range)")
            if low > high:
                raise ValueError(f"real_range [{low:g}, {high:g}] is inverted; write [{high:g}, {low:g}]")
            if not 0 <= low and high <= 1:
                raise ValueError(f"real_range [{low:g}, {high:g}] must lie within [0, 1]: both ends are probabilities")
            if not low <= self.real <= high:
                raise ValueError(f"real_range [{low:g}, {high:g}] does not contain the stated real {self.real:g}; "
                                 "widen it or change real")
        kinds = [k for k, v in (("forbid", self.forbid), ("require", self.require)) if v is not None]
        if self.if_ is not None or self.then is not None:
            if self.if_ is None or self.then is None:
                raise ValueError("'if' and 'then' go together; give both")
            kinds.append("if/then")
        if len(kinds) != 1:
            raise ValueError(f"a red line needs exactly one of forbid, require or if/then (found {kinds or 'none'})")
        return self

    @property
    def soft(self) -> bool:
        """In the stated world: a line with a price and no ``real`` is soft (breaking it costs the price)."""
        return self.price is not None and self.real is None

    @property
    def kind(self) -> Literal["forbid", "require", "if"]:
        return "forbid" if self.forbid is not None else "require" if self.require is not None else "if"


Issue.model_rebuild()


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
    threats: list[Threat] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _split_rationales(cls, data: Any) -> Any:
        """Move ``utilities.<party>.<issue>.rationale`` texts aside so points stay numbers."""
        if not isinstance(data, dict) or not isinstance(data.get("utilities"), dict):
            return data
        if "utility_rationales" in data:
            raise ValueError("'utility_rationales' is not a key of the format; write 'rationale' inside utilities")
        points: dict[Any, Any] = {}
        notes: dict[Any, Any] = {}
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
