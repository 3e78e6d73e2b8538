"""Scenario files (format 1): parties, issues, points, interactions and red lines.

A scenario is validated in two passes: pydantic checks the shape and the types
(unknown keys are errors), then :func:`_check_references` checks every id a
field refers to.  Every problem becomes a :class:`Problem` naming the place in
the file (``red_lines[3].forbid.donbas``), and all problems of a file are raised
together as one :class:`ScenarioError`.
"""

from __future__ import annotations

import difflib
import json
import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, Collection, Literal, Mapping, Sequence, Union

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    ValidationError,
    model_validator,
)

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+$")]
Number = Annotated[float, Strict()]
PER_UNIT = "per_unit"
RATIONALE = "rationale"
RESERVED_OPTION_IDS = {PER_UNIT, RATIONALE}
#: A requirement switched off: ``("reservation", party_id)`` or ``("red_line", index)``.
Waiver = tuple[str, str | int]


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario: where it is and what is wrong."""

    path: tuple[str | int, ...]
    message: str

    @property
    def where(self) -> str:
        return format_path(self.path)


def format_path(path: Sequence[str | int]) -> str:
    """``("red_lines", 3, "forbid", "donbas")`` -> ``red_lines[3].forbid.donbas``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text or "(top level)"


class ScenarioError(ValueError):
    """A scenario file (or dict) that cannot be used, with every problem found in it."""

    def __init__(self, source: str, problems: list[Problem], lines: Mapping[tuple, int] | None = None):
        self.source = source
        self.problems = problems
        self.lines = dict(lines or {})
        super().__init__(self._render())

    def _line_of(self, path: tuple) -> int | None:
        for cut in range(len(path), -1, -1):
            if path[:cut] in self.lines:
                return self.lines[path[:cut]]
        return None

    def _render(self) -> str:
        rows = []
        for problem in self.problems:
            line = self._line_of(problem.path)
            at = f", line {line}" if line else ""
            where = f": {problem.where}" if problem.path else ""
            rows.append(f"{self.source}{at}{where}: {problem.message}")
        return "\n".join(rows)


def _suggest(name: object, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(name), list(known), n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    listing = ", ".join(f"'{k}'" for k in list(known)[:12])
    return f"; known: {listing}" if known else ""


# --------------------------------------------------------------------------- the format


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


class _ScenarioModel(_Strict):
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


# --------------------------------------------------------------------------- the public class


class Scenario:
    """A validated negotiation: parties, issues, points, interactions and red lines.

    Build one with :meth:`from_yaml`, :meth:`from_json`, :meth:`from_file` or :meth:`from_dict`;
    :meth:`to_dict` gives back a dict that loads to an equal scenario.
    """

    def __init__(self, data: _ScenarioModel, source: str = "<dict>"):
        self._data = data
        self.source = source
        self.parties: list[Party] = data.parties
        self.issues: list[Issue] = data.issues
        self.interactions: list[Interaction] = data.interactions
        self.red_lines: list[RedLine] = data.red_lines
        self.party = {p.id: p for p in self.parties}
        self.issue = {i.id: i for i in self.issues}

    # ---- loading
    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "<dict>", lines: Mapping[tuple, int] | None = None) -> "Scenario":
        if not isinstance(data, Mapping):
            raise ScenarioError(source, [Problem((), f"expected a mapping of scenario fields, got {type(data).__name__}")])
        try:
            model = _ScenarioModel.model_validate(dict(data))
        except ValidationError as error:
            raise ScenarioError(source, _pydantic_problems(error, data), lines) from None
        problems = _check_references(model)
        if problems:
            raise ScenarioError(source, problems, lines)
        return cls(model, source)

    @classmethod
    def from_yaml(cls, path: str | Path) -> "Scenario":
        return cls._from_text(path, "yaml")

    @classmethod
    def from_json(cls, path: str | Path) -> "Scenario":
        return cls._from_text(path, "json")

    @classmethod
    def from_file(cls, path: str | Path) -> "Scenario":
        """Load a ``.json`` file as JSON and anything else as YAML."""
        return cls._from_text(path, "json" if str(path).lower().endswith(".json") else "yaml")

    @classmethod
    def _from_text(cls, path: str | Path, kind: str) -> "Scenario":
        source = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ScenarioError(source, [Problem((), "no such file; check the path")]) from None
        except IsADirectoryError:
            raise ScenarioError(source, [Problem((), "this is a folder, not a scenario file")]) from None
        except (OSError, UnicodeDecodeError) as error:
            raise ScenarioError(source, [Problem((), f"cannot be read: {error}")]) from None
        if not text.strip():
            raise ScenarioError(source, [Problem((), "the file is empty; see SCENARIO_FORMAT.md for the fields")])
        lines: dict[tuple, int] = {}
        try:
            if kind == "json":
                data = json.loads(text)
            else:
                data = yaml.load(text, Loader=_UniqueKeyLoader)
                lines = _yaml_lines(text)
        except json.JSONDecodeError as error:
            raise ScenarioError(source, [Problem((), f"not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}")]) from None
        except yaml.YAMLError as error:
            raise ScenarioError(source, [Problem((), f"not valid YAML: {_yaml_message(error)}")]) from None
        return cls.from_dict(data, source, lines)

    # ---- writing
    def to_dict(self) -> dict[str, Any]:
        data = self._data.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=True)
        notes = data.pop("utility_rationales", {})
        for party, issues in notes.items():
            for issue, text in issues.items():
                data.setdefault("utilities", {}).setdefault(party, {}).setdefault(issue, {})[RATIONALE] = text
        return data

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

    # ---- plain-Python evaluation, the check every solver answer goes through
    def holds(self, condition: Mapping[str, Any], choices: Mapping[str, Any]) -> bool:
        """Whether a condition holds for a package (``choices``: issue id -> option id or amount)."""
        for issue_id, want in condition.items():
            chosen = choices[issue_id]
            if isinstance(want, Bound):
                if want.at_least is not None and exact(chosen) < exact(want.at_least):
                    return False
                if want.at_most is not None and exact(chosen) > exact(want.at_most):
                    return False
            elif isinstance(want, list):
                if chosen not in want:
                    return False
            elif chosen != want:
                return False
        return True

    def utility(self, party: str, choices: Mapping[str, Any]) -> Fraction:
        """The party's utility for a package, exactly (points read as the decimals written)."""
        total = Fraction(0)
        for issue in self.issues:
            table = self._data.utilities.get(party, {}).get(issue.id, {})
            if issue.is_continuous:
                total += exact(table.get(PER_UNIT, 0.0)) * exact(choices[issue.id])
            else:
                total += exact(table.get(choices[issue.id], 0.0))
        for interaction in self.interactions:
            if interaction.party == party and self.holds(interaction.when, choices):
                total += exact(interaction.value)
        return total

    def red_line_holds(self, red_line: RedLine, choices: Mapping[str, Any]) -> bool:
        if red_line.forbid is not None:
            return not self.holds(red_line.forbid, choices)
        if red_line.require is not None:
            return self.holds(red_line.require, choices)
        return not self.holds(red_line.if_ or {}, choices) or self.holds(red_line.then or {}, choices)

    def party_accepts(self, party: str, choices: Mapping[str, Any], waived: Collection[Waiver] = ()) -> bool:
        """The party's reservation and all its red lines hold for the package (except those waived)."""
        if ("reservation", party) not in waived and self.utility(party, choices) < exact(self.party[party].reservation):
            return False
        return all(
            self.red_line_holds(r, choices) for k, r in enumerate(self.red_lines) if r.party == party and ("red_line", k) not in waived
        )

    def signers(self, choices: Mapping[str, Any], waived: Collection[Waiver] = (), coalition: Collection[str] | None = None) -> list[str] | None:
        """The parties that take part in a package, or None if it is not acceptable.

        Veto parties must accept; a non-veto party takes part when it accepts.  An issue
        with ``controlled_by`` may leave its status quo only if a controlling party takes part.
        ``waived`` requirements -- ``("reservation", party)`` or ``("red_line", index)`` -- are
        not checked.  With a ``coalition``, exactly its members take part and all must accept.
        """
        if coalition is None:
            taking_part = [p.id for p in self.parties if self.party_accepts(p.id, choices, waived)]
            if any(p not in taking_part for p in self.veto_party_ids):
                return None
        else:
            taking_part = [p for p in self.party_ids if p in coalition]
            if not all(self.party_accepts(p, choices, waived) for p in taking_part):
                return None
        for issue in self.issues:
            if issue.controlled_by and exact_or_id(choices[issue.id]) != exact_or_id(issue.status_quo_choice):
                if not set(issue.controlled_by) & set(taking_part):
                    return None
        return taking_part

    def is_acceptable(self, choices: Mapping[str, Any]) -> bool:
        return self.signers(choices) is not None

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
                names = " or ".join(_option_label(issue, o) for o in wanted)
                parts.append(f"{issue.label}: {names}")
        return " and ".join(parts)

    def describe_red_line(self, index: int) -> str:
        red_line = self.red_lines[index]
        who = self.party[red_line.party].label
        if red_line.name:
            return f"{who}: {red_line.name}"
        if red_line.forbid is not None:
            return f"{who} forbids {self.describe_condition(red_line.forbid)}"
        if red_line.require is not None:
            return f"{who} requires {self.describe_condition(red_line.require)}"
        return f"{who}: if {self.describe_condition(red_line.if_ or {})} then {self.describe_condition(red_line.then or {})}"


def _option_label(issue: Issue, option_id: str) -> str:
    for option in issue.options or []:
        if option.id == option_id:
            return option.label
    return option_id


def exact_or_id(value: Any) -> Any:
    """An amount as an exact Fraction, an option id as itself."""
    return value if isinstance(value, str) or value is None else exact(value)


def exact(value: float | int | Fraction) -> Fraction:
    """A number as the exact decimal it was written as (0.1 -> 1/10, not the binary double)."""
    if isinstance(value, Fraction):
        return value
    return Fraction(repr(float(value))) if isinstance(value, float) else Fraction(value)


def fraction_gcd(values: Sequence[Fraction]) -> Fraction | None:
    """The largest rational that divides every value (None for no nonzero values)."""
    values = [v for v in values if v]
    if not values:
        return None
    denominator = math.lcm(*(v.denominator for v in values))
    return Fraction(math.gcd(*(int(v * denominator) for v in values)), denominator)


# --------------------------------------------------------------------------- helpers for loading


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses a key written twice in one mapping."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key '{key}' is written twice in one mapping; keep one", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _yaml_message(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}" if mark else problem


def _yaml_lines(text: str) -> dict[tuple, int]:
    """Map each path in a YAML document to its line number, for error messages."""
    lines: dict[tuple, int] = {}

    def walk(node: yaml.Node, path: tuple) -> None:
        lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(value, path + (key.value,))
                lines[path + (key.value,)] = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for index, value in enumerate(node.value):
                walk(value, path + (index,))

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is not None:
        walk(root, ())
    return lines


_PYDANTIC_HINTS = {
    "float_type": "expected a number",
    "finite_number": "expected a finite number",
    "extra_forbidden": "unknown key (not part of the scenario format); remove it or check its spelling",
    "missing": "missing; this field is required",
    "string_pattern_mismatch": "ids use only lowercase letters, digits and _ (e.g. 'donbas_line')",
    "literal_error": "must be 1 (the only scenario format so far)",
    "string_type": "expected text (an id or a name)",
    "bool_type": "expected true or false",
}


def _union_branch(part: object) -> str | None:
    """The union alternative an error location runs through (conditions are str | list | Bound)."""
    if part in {"str", "constrained-str"}:
        return "str"
    if isinstance(part, str) and part.startswith("list["):
        return "list"
    if isinstance(part, str) and "Bound" in part:
        return "dict"
    return None


def _pydantic_problems(error: ValidationError, data: Any) -> list[Problem]:
    """Turn pydantic's errors into problems, keeping only the union alternative the input looks like."""
    by_place: dict[tuple, list[str]] = {}
    for item in error.errors():
        raw = tuple(item["loc"])
        loc = tuple("if" if p == "if_" else p for p in raw if _union_branch(p) is None and not str(p).startswith("function-"))
        branch_at = next((i for i, p in enumerate(raw) if _union_branch(p)), None)
        if branch_at is not None:
            place = tuple("if" if p == "if_" else p for p in raw[:branch_at])
            value = _lookup(data, place)
            shape = {str: "str", list: "list", dict: "dict"}.get(type(value))
            if shape is None:
                hint = f"expected an option id, a list of option ids, or {{at_least: a, at_most: b}}, got {value!r}"
                by_place[place] = [hint]
                continue
            if _union_branch(raw[branch_at]) != shape:
                continue
        message = _PYDANTIC_HINTS.get(item["type"], item["msg"])
        if item["type"] == "extra_forbidden" and loc:
            message = f"unknown key '{loc[-1]}' (not part of the scenario format); remove it or check its spelling"
        if item["type"] == "value_error":
            message = item["msg"].removeprefix("Value error, ")
        if item["type"] in {"float_type", "finite_number", "string_pattern_mismatch", "string_type", "bool_type"}:
            message += f", got {item.get('input')!r}"
        by_place.setdefault(loc, [])
        if message not in by_place[loc]:
            by_place[loc].append(message)
    return [Problem(loc, "; ".join(messages)) for loc, messages in by_place.items() if messages]


def _lookup(data: Any, path: tuple) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _check_references(model: _ScenarioModel) -> list[Problem]:
    """Every id that a field refers to must exist, and ids must be unique."""
    problems: list[Problem] = []
    parties = {p.id: p for p in model.parties}
    issues = {i.id: i for i in model.issues}
    if not model.parties:
        problems.append(Problem(("parties",), "no parties; a negotiation needs at least one"))
    if not model.issues:
        problems.append(Problem(("issues",), "no issues; list at least one"))

    seen: dict[str, tuple] = {}
    for kind, items in (("parties", model.parties), ("issues", model.issues)):
        for index, item in enumerate(items):
            if item.id in seen:
                problems.append(Problem((kind, index, "id"), f"duplicate id '{item.id}' (already used at {format_path(seen[item.id])}); ids are unique across parties and issues"))
            else:
                seen[item.id] = (kind, index, "id")
    for index, issue in enumerate(model.issues):
        option_seen: set[str] = set()
        for o_index, option in enumerate(issue.options or []):
            if option.id in option_seen:
                problems.append(Problem(("issues", index, "options", o_index, "id"), f"duplicate option id '{option.id}' in issue '{issue.id}'"))
            if option.id in RESERVED_OPTION_IDS:
                problems.append(Problem(("issues", index, "options", o_index, "id"), f"'{option.id}' is reserved by the format; choose another option id"))
            option_seen.add(option.id)
        if issue.controlled_by and issue.status_quo_choice is None:
            problems.append(Problem(("issues", index, "controlled_by"), "an issue with controlled_by needs a status quo (mark an option status_quo: true, or give status_quo: amount)"))
        for a_index, earlier in enumerate(issue.after or []):
            if earlier not in issues:
                problems.append(Problem(("issues", index, "after", a_index), f"unknown issue '{earlier}'{_suggest(earlier, list(issues))}"))
            elif earlier == issue.id:
                problems.append(Problem(("issues", index, "after", a_index), "an issue cannot come after itself"))
            elif issues[earlier].status_quo_choice is None:
                problems.append(Problem(("issues", index, "after", a_index), f"'{earlier}' has no status quo, so it never 'changes'; mark one"))
        if issue.after and issue.status_quo_choice is None:
            problems.append(Problem(("issues", index, "after"), "an issue with 'after' needs a status quo (status_quo: true on an option, or status_quo: amount)"))
        for c_index, controller in enumerate(issue.controlled_by or []):
            if controller not in parties:
                problems.append(Problem(("issues", index, "controlled_by", c_index), f"unknown party '{controller}'{_suggest(controller, list(parties))}"))

    for party_id, table in model.utilities.items():
        if party_id not in parties:
            problems.append(Problem(("utilities", party_id), f"unknown party '{party_id}'{_suggest(party_id, list(parties))}"))
            continue
        for issue_id, points in table.items():
            place = ("utilities", party_id, issue_id)
            if issue_id not in issues:
                problems.append(Problem(place, f"unknown issue '{issue_id}'{_suggest(issue_id, list(issues))}"))
                continue
            issue = issues[issue_id]
            for key in points:
                if issue.is_continuous and key != PER_UNIT:
                    problems.append(Problem(place + (key,), f"'{issue_id}' is a continuous issue; give its points as {{per_unit: x}}"))
                elif not issue.is_continuous and key not in issue.option_ids:
                    problems.append(Problem(place + (key,), f"unknown option '{key}' of issue '{issue_id}'{_suggest(key, issue.option_ids)}"))

    def check_condition(condition: Condition, place: tuple) -> None:
        if not condition:
            problems.append(Problem(place, "an empty condition; name at least one issue"))
        for issue_id, want in condition.items():
            here = place + (issue_id,)
            if issue_id not in issues:
                problems.append(Problem(here, f"unknown issue '{issue_id}'{_suggest(issue_id, list(issues))}"))
                continue
            issue = issues[issue_id]
            if issue.is_continuous:
                if not isinstance(want, Bound):
                    problems.append(Problem(here, f"'{issue_id}' is continuous; write {{at_least: a}}, {{at_most: b}} or both"))
                continue
            if isinstance(want, Bound):
                problems.append(Problem(here, f"'{issue_id}' is discrete; name an option or a list of options ({', '.join(issue.option_ids)})"))
                continue
            wanted = [want] if isinstance(want, str) else want
            if not wanted:
                problems.append(Problem(here, "an empty list of options; name at least one"))
            for o_index, option_id in enumerate(wanted):
                if option_id not in issue.option_ids:
                    at = here if isinstance(want, str) else here + (o_index,)
                    problems.append(Problem(at, f"unknown option '{option_id}' of issue '{issue_id}'{_suggest(option_id, issue.option_ids)}"))

    def check_party(party_id: str, place: tuple) -> None:
        if party_id not in parties:
            problems.append(Problem(place, f"unknown party '{party_id}'{_suggest(party_id, list(parties))}"))

    for index, interaction in enumerate(model.interactions):
        check_party(interaction.party, ("interactions", index, "party"))
        check_condition(interaction.when, ("interactions", index, "when"))
    for index, red_line in enumerate(model.red_lines):
        check_party(red_line.party, ("red_lines", index, "party"))
        for key, condition in (("forbid", red_line.forbid), ("require", red_line.require), ("if", red_line.if_), ("then", red_line.then)):
            if condition is not None:
                check_condition(condition, ("red_lines", index, key))
    return problems
