"""Genius XML read safely (expat, no DOCTYPE), numbers and names; every error names file, line and element."""

from __future__ import annotations

import os
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any
from xml.parsers import expat

from ..errors import Problem, ScenarioError

#: Genius treats an issue whose largest evaluation is below this as worth nothing.
GENIUS_MIN_EVAL_MAX = Fraction(1, 100_000)
#: An integer issue becomes one option per integer; refuse absurd ranges rather than run out of memory.
MAX_INTEGER_OPTIONS = 100_000
#: How many packages above 1 the cap check counts before it says "at least".
COUNT_LIMIT = 1_000_000
_RESERVED_OPTION_IDS = {"per_unit", "rationale"}


class GeniusWarning(UserWarning):
    """Something in a Genius file this import does not reproduce (discounting, the cap at 1)."""


# --------------------------------------------------------------------------- XML, safely


class _Refused(Exception):
    pass


@dataclass
class _Xml:
    """One parsed file: the tree, each element's line, and the problems found in it."""

    path: Path
    root: ET.Element
    lines: dict[int, int]
    problems: list[Problem] = field(default_factory=list)
    places: dict[tuple, int] = field(default_factory=dict)

    @property
    def source(self) -> str:
        return str(self.path)

    def line(self, element: ET.Element) -> int | None:
        return self.lines.get(id(element))

    def problem(self, element: ET.Element | None, where: str, message: str) -> None:
        place = (where,) if where else ()
        if element is not None and self.line(element) and place not in self.places:
            self.places[place] = self.line(element)  # type: ignore[assignment]
        self.problems.append(Problem(place, message))

    def raise_if_any(self) -> None:
        if self.problems:
            raise ScenarioError(self.source, self.problems, self.places)


def _read_xml(path: str | os.PathLike[str]) -> _Xml:
    """Parse an XML file with expat, refusing any DOCTYPE (and so every entity declaration)."""
    path = Path(path)
    source = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(source, [Problem((), "no such file; check the path")]) from None
    except IsADirectoryError:
        raise ScenarioError(source, [Problem((), "this is a folder; give the domain file and then each profile file")]) from None
    except OSError as error:
        raise ScenarioError(source, [Problem((), f"cannot be read: {error.strerror or error}")]) from None
    if not data.strip():
        raise ScenarioError(source, [Problem((), "the file is empty; expected a Genius XML file")])

    parser = expat.ParserCreate()
    builder = ET.TreeBuilder()
    lines: dict[int, int] = {}

    def start(tag: str, attributes: dict[str, str]) -> None:
        element = builder.start(tag, attributes)
        lines[id(element)] = parser.CurrentLineNumber

    def refuse(*_: Any) -> None:
        raise _Refused

    parser.StartElementHandler = start
    parser.EndElementHandler = builder.end
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse  # type: ignore[assignment]
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except _Refused:
        line = parser.CurrentLineNumber
        raise ScenarioError(source, [Problem((), (
            "has a <!DOCTYPE ...> declaration; Genius files have none, and DOCTYPEs with entity "
            "declarations are refused for safety (they can expand without bound): delete the <!DOCTYPE ...> part"))],
            {(): line}) from None
    except expat.ExpatError as error:
        hint = "fix the file (is it a Genius XML file?)"
        if error.code == expat.errors.codes[expat.errors.XML_ERROR_INVALID_TOKEN] and not _utf8(data):
            hint = ("the file is not UTF-8: save it as UTF-8, or declare its encoding in the first line, "
                    "e.g. <?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>")
        raise ScenarioError(source, [Problem((), (
            f"not well-formed XML (column {error.offset + 1}): {expat.ErrorString(error.code)}; {hint}"))],
            {(): error.lineno}) from None
    return _Xml(path, builder.close(), lines)


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# --------------------------------------------------------------------------- numbers and names


def _number(xml: _Xml, element: ET.Element, attribute: str, where: str, *, required: bool = True,
            integer: bool = False) -> Fraction | None:
    """An attribute as the exact decimal written (None and a problem when it is missing or not a number)."""
    text = element.get(attribute)
    if text is None:
        if required:
            xml.problem(element, where, f"has no '{attribute}' attribute; add {attribute}=\"...\"")
        return None
    try:
        value = Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        xml.problem(element, where, f"{attribute}=\"{text}\" is not a number; write a decimal such as 0.25")
        return None
    if integer and value.denominator != 1:
        xml.problem(element, where, f"{attribute}=\"{text}\" is not a whole number")
        return None
    return value


def slug(text: str) -> str:
    """``"Price (EUR)"`` -> ``price_eur``; ``"-5"`` -> ``minus_5``; accents dropped; '' when nothing is left."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"(?<![0-9a-z])-(?=[0-9])", " minus ", text)
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def unique_ids(names: Sequence[str], fallback: str, taken: Iterable[str] = ()) -> list[str]:
    """Slugs of ``names``, made unique (``_2``, ``_3``, ...) against each other and ``taken``.

    A name whose slug is free keeps it; later names with the same slug get the smallest free
    suffix that is not also another name's own slug.
    """
    taken = set(taken)
    bases = [slug(name) or fallback for name in names]
    natural = set(bases)
    ids = []
    for base in bases:
        candidate = base
        if candidate in taken or candidate in _RESERVED_OPTION_IDS:
            k = 2
            while f"{base}_{k}" in taken or f"{base}_{k}" in natural:
                k += 1
            candidate = f"{base}_{k}"
        taken.add(candidate)
        ids.append(candidate)
    return ids


def _kind(xml: _Xml, element: ET.Element, where: str) -> str | None:
    """An issue's kind from its type / vtype / etype attributes (Genius: discrete when none is given)."""
    given = {a: str(element.get(a)) for a in ("type", "vtype", "etype") if element.get(a) is not None}
    kinds = {v.strip().lower() for v in given.values()}
    if len(kinds) > 1:
        listing = ", ".join(f'{a}="{v}"' for a, v in given.items())
        xml.problem(element, where, f"its types disagree ({listing}); make them the same")
        return None
    kind = kinds.pop() if kinds else "discrete"
    if kind == "real":
        xml.problem(element, where, (
            "is a real-valued issue, which this import does not support (Genius's real evaluators clip "
            "and add constants that format 1 cannot express); make it an integer or discrete issue in "
            "Genius, or write it by hand as a continuous issue (range and per_unit points)"))
        return None
    if kind not in ("discrete", "integer"):
        xml.problem(element, where, f"has type \"{kind}\"; only discrete and integer issues can be imported")
        return None
    return kind


def _only(xml: _Xml, parent: ET.Element, where: str, allowed: set[str], what: str) -> None:
    for child in parent:
        if child.tag not in allowed:
            xml.problem(child, f"<{child.tag}> in {where}", (
                f"unexpected element; {what} (expected only {', '.join('<' + a + '>' for a in sorted(allowed))})"))


def _label(element: ET.Element, attribute: str | None = None) -> str:
    if attribute and element.get(attribute) is not None:
        return f'<{element.tag} {attribute}="{element.get(attribute)}">'
    return f"<{element.tag}>"
