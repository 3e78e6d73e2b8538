"""What is wrong with a scenario, and where: :class:`Problem` and :class:`ScenarioError`.

Every problem names the place in the file (``red_lines[3].forbid.donbas``) and the fix;
all problems of a file are raised together as one :class:`ScenarioError`, which also knows
the line each place is on (for YAML files).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from pydantic import ValidationError

#: A place in a scenario: keys and list indices from the top of the file.
Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario: where it is and what is wrong."""

    path: Path
    message: str

    @property
    def where(self) -> str:
        return format_path(self.path)


def format_path(path: Sequence[str | int]) -> str:
    """``("red_lines", 3, "forbid", "donbas")`` -> ``red_lines[3].forbid.donbas``."""
    text = ""
    for part in path:
        if isinstance(part, bool):  # a YAML key read as true/false
            text += ("." if text else "") + str(part).lower()
        elif isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text or "(top level)"


class ScenarioError(ValueError):
    """A scenario file (or dict) that cannot be used, with every problem found in it."""

    #: Where every scenario-file error points for the format (and how to start a file right).
    REFERENCE = "the format is described in docs/scenario-format.md; 'bargaining init FILE' writes a commented starter"

    def __init__(self, source: str, problems: list[Problem], lines: Mapping[tuple[Any, ...], int] | None = None, reference: bool = False):
        self.source = source
        self.problems = problems
        self.lines = dict(lines or {})
        self.reference = reference
        super().__init__(self._render())

    def line_of(self, path: tuple[Any, ...]) -> int | None:
        """The line of the nearest enclosing place that has one (None for dicts and JSON)."""
        return line_of(self.lines, path)

    #: At most this many problems are written out (all stay in :attr:`problems`).
    SHOWN = 100

    def _render(self) -> str:
        rows = render_problems(self.source, self.problems[: self.SHOWN], self.lines)
        if len(self.problems) > self.SHOWN:
            rows.append(f"{self.source}: ... and {len(self.problems) - self.SHOWN:,} more problems; fix these first")
        if self.reference:
            rows.append(f"({self.REFERENCE})")
        return "\n".join(rows)


def line_of(lines: Mapping[tuple[Any, ...], int], path: tuple[Any, ...]) -> int | None:
    """The line of the nearest enclosing place that has one (None for dicts and JSON)."""
    for cut in range(len(path), -1, -1):
        if path[:cut] in lines:
            return lines[path[:cut]]
    return None


def render_problems(source: str, problems: Sequence[Problem], lines: Mapping[tuple[Any, ...], int]) -> list[str]:
    """"case.yaml, line 33: red_lines[2].then.fund: <what is wrong; the fix>", one per problem."""
    rows = []
    for problem in problems:
        line = line_of(lines, problem.path)
        at = f", line {line}" if line else ""
        where = f": {problem.where}" if problem.path else ""
        rows.append(f"{source}{at}{where}: {problem.message}")
    return rows


def suggest(name: object, known: Sequence[str]) -> str:
    """``"; did you mean 'lift'?"`` for a near miss, else the known ids (a few of them)."""
    close = difflib.get_close_matches(str(name), list(known), n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    listing = ", ".join(f"'{k}'" for k in list(known)[:12])
    return f"; known: {listing}" if known else ""


# --------------------------------------------------------------------------- pydantic's errors in the format's words

_HINTS = {
    "float_type": "expected a number",
    "finite_number": "expected a finite number",
    "extra_forbidden": "unknown key (not part of the scenario format); remove it or check its spelling",
    "missing": "missing; this field is required",
    "string_pattern_mismatch": "ids use only lowercase letters, digits and _ (e.g. 'donbas_line')",
    "literal_error": "must be 1 (the only scenario format so far)",
    "string_type": "expected text (an id or a name)",
    "bool_type": "expected true or false",
    "int_type": "expected a whole number",
}


#: The mappings a union may take, and the keys that tell them apart.
_MAPPINGS = {"Bound": {"at_least", "at_most"}, "AllOf": {"all"}, "AtLeast": {"at_least", "of"}}
#: What to write instead, for each union: a condition's value, or ``controlled_by``.
_UNION_HINTS = {
    "condition": "expected an option id, a list of option ids, or {at_least: a, at_most: b}",
    "control": "expected a list of party ids, {all: [ids]} or {at_least: k, of: [ids]}",
}


def _branch(part: object) -> str:
    """The class or type an error location part names (``function-after[_check(), Bound]`` -> ``Bound``)."""
    found = re.match(r"function-\w+\[.*, (\w+)\]$", str(part))
    return found.group(1) if found else str(part)


def _union_branch(part: object) -> str | None:
    """The shape of input a union alternative takes (conditions are str | list | Bound;
    ``controlled_by`` is list | AllOf | AtLeast), or None if ``part`` is no union alternative."""
    name = _branch(part)
    if name in {"str", "constrained-str"}:
        return "str"
    if name.startswith("list["):
        return "list"
    if name in _MAPPINGS:
        return "dict"
    return None


def _fits(branch: object, value: dict[Any, Any]) -> bool:
    """Whether a mapping looks like this union alternative (shares the most keys with it)."""
    keys = set(value)
    mine = len(_MAPPINGS.get(_branch(branch), set()) & keys)
    return not keys or (mine > 0 and all(len(k & keys) <= mine for k in _MAPPINGS.values()))


def pydantic_problems(error: ValidationError, data: Any) -> list[Problem]:
    """Turn pydantic's errors into problems, keeping only the union alternative the input looks like."""
    by_place: dict[tuple[Any, ...], list[str]] = {}
    unions: dict[tuple[Any, ...], tuple[str, bool]] = {}  # place of a union -> (which union, some alternative fits the input)
    # without inputs, urls and contexts (a file with 250,000 wrong values makes 250,000 errors): an
    # input is looked up in the data when a message shows it
    for item in error.errors(include_url=False, include_context=False, include_input=False):
        raw = tuple(item["loc"])
        loc = tuple("if" if p == "if_" else p for p in raw if _union_branch(p) is None and not str(p).startswith("function-"))
        branch_at = next((i for i, p in enumerate(raw) if _union_branch(p)), None)
        if branch_at is not None:
            place = tuple("if" if p == "if_" else p for p in raw[:branch_at])
            value = _lookup(data, place)
            union = "control" if _branch(raw[branch_at]) in {"AllOf", "AtLeast"} or place[-1:] == ("controlled_by",) else "condition"
            shapes: dict[type, str] = {str: "str", list: "list", dict: "dict"}
            shape = shapes.get(type(value))
            fits = _union_branch(raw[branch_at]) == shape and (shape != "dict" or _fits(raw[branch_at], value))
            unions[place] = (union, unions.get(place, (union, False))[1] or fits)
            if not fits:
                continue
        message = _HINTS.get(item["type"], item["msg"])
        if loc[-1:] == ("[key]",):
            loc = loc[:-1]
            message = "this key must be text"
        if item["type"] == "extra_forbidden" and loc:
            message = f"unknown key '{loc[-1]}' (not part of the scenario format); remove it or check its spelling"
        if item["type"] == "value_error":
            message = item["msg"].removeprefix("Value error, ")
        if item["type"] in {"float_type", "finite_number", "string_pattern_mismatch", "string_type", "bool_type", "int_type"}:
            message += f", got {_short(_given(raw, loc, data))}"
        if item["type"] in {"string_type", "string_pattern_mismatch"} and isinstance(_given(raw, loc, data), bool):
            message += "; YAML reads yes/no/on/off/true/false as true or false: put it in quotes ('no')"
        by_place.setdefault(loc, [])
        if message not in by_place[loc]:
            by_place[loc].append(message)
    for place, (union, fitted) in unions.items():
        if not fitted:
            by_place[place] = [f"{_UNION_HINTS[union]}, got {_short(_lookup(data, place))}"]
    return [Problem(loc, "; ".join(messages)) for loc, messages in by_place.items() if messages]


def _given(raw: tuple[Any, ...], loc: tuple[Any, ...], data: Any) -> Any:
    """The input an error is about: a mapping's key (pydantic's location ends with "[key]"), else the value at ``loc``."""
    return raw[-2] if raw[-1:] == ("[key]",) and len(raw) > 1 else _lookup(data, loc)


def _short(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _lookup(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data
