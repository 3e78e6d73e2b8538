"""Genius XML read safely and as leniently as Genius reads it; numbers and names; errors name file, line and element.

Genius parses its files with its own small parser (``SimpleDOMParser``): it skips any
prolog (``<?xml ...?>``, comments, a ``<!DOCTYPE ...>``, in any order), expands no entity,
keeps a bare ``&`` as it is, and reads the bytes in the platform's encoding.  Here files are
parsed with expat, which is strict, so what Genius tolerates is repaired first, each repair
said in a warning: an XML declaration after a comment is dropped, a bare ``&`` (or a
reference to an entity nobody declared) is kept as text, a file that is not UTF-8 and does
not say its encoding is read as Latin-1.  A ``<!DOCTYPE ...>`` is still refused, before
anything is expanded (entity-expansion bombs, external entities), and so are files larger
than :data:`MAX_XML_BYTES` or with more than :data:`MAX_XML_ELEMENTS` elements; at most
that many bytes are read, whatever the file is (``/dev/zero``, a FIFO).
"""

from __future__ import annotations

import os
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Self
from xml.parsers import expat

from ..errors import Problem, ScenarioError
from .numbers import GeniusNumberError, java_double, java_int

#: Genius treats an issue whose largest evaluation is below this as worth nothing.
GENIUS_MIN_EVAL_MAX = Fraction(1, 100_000)
#: An integer issue becomes one option per integer; refuse absurd ranges rather than run out of memory.
MAX_INTEGER_OPTIONS = 100_000
#: How many packages above 1 the cap check counts before it says "at least".
COUNT_LIMIT = 1_000_000
#: Larger XML files are refused, and no more than this is read (ANAC's largest files are about 100 kB).
MAX_XML_BYTES = 16 * 1024 * 1024
#: More elements are refused while parsing (an issue of 20,000 values is 20,000 elements).
MAX_XML_ELEMENTS = 200_000
#: Deeper nesting is refused while parsing (Genius files nest 5 levels; nested objectives add a few).
MAX_XML_DEPTH = 100
#: At most this many warnings are kept per file; the rest are counted.
MAX_WARNINGS = 20
_RESERVED_OPTION_IDS = {"per_unit", "rationale"}


class GeniusWarning(UserWarning):
    """Something in a Genius file this import does not reproduce (discounting, the cap at 1), or reads as Genius does
    although it looks wrong (a profile issue named differently from the domain's, a duplicate weight)."""


class _Place(str):
    """A place's text (``<weight index="1">``), distinct per line, so that two problems at the same
    kind of element keep their own lines."""

    line: int | None

    def __new__(cls, text: str, line: int | None) -> Self:
        place = super().__new__(cls, text)
        place.line = line
        return place

    def __eq__(self, other: object) -> bool:
        return str.__eq__(self, other) and getattr(other, "line", None) == self.line

    def __hash__(self) -> int:
        return hash((str(self), self.line))


class _Refused(Exception):
    pass


class _TooMany(Exception):
    pass


@dataclass
class _Xml:
    """One parsed file: the tree, each element's line, and the problems and warnings found in it."""

    path: Path
    root: ET.Element
    lines: dict[int, int]
    problems: list[Problem] = field(default_factory=list)
    places: dict[tuple[Any, ...], int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    unsaid: int = 0

    @property
    def source(self) -> str:
        return str(self.path)

    def line(self, element: ET.Element | None) -> int | None:
        return None if element is None else self.lines.get(id(element))

    def problem(self, element: ET.Element | None, where: str, message: str) -> None:
        line = self.line(element)
        place = _Place(where, line)
        if line:
            self.places[(place,)] = line
        self.problems.append(Problem((place,) if where else (), message))

    def warn(self, element: ET.Element | None, where: str, message: str) -> None:
        """Something Genius reads as this import does, but that looks wrong: ``file, line N: <where>: message``."""
        if len(self.warnings) >= MAX_WARNINGS:
            self.unsaid += 1
            return
        line = self.line(element)
        at = f", line {line}" if line else ""
        self.warnings.append(f"{self.source}{at}: {where}: {message}" if where else f"{self.source}{at}: {message}")

    def room(self) -> bool:
        """Whether another warning is written out (else it is only counted)."""
        return len(self.warnings) < MAX_WARNINGS

    def said(self) -> list[str]:
        """The warnings, with a last line counting those not written out."""
        more = [f"{self.source}: ... and {self.unsaid:,} more warnings like these"] if self.unsaid else []
        return self.warnings + more

    def raise_if_any(self) -> None:
        if self.problems:
            raise ScenarioError(self.source, self.problems, self.places)


def _read_bytes(path: Path) -> bytes:
    """At most :data:`MAX_XML_BYTES` + 1 bytes of the file (a device or a FIFO says size 0 and never ends)."""
    source = str(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_XML_BYTES + 1)
    except FileNotFoundError:
        raise ScenarioError(source, [Problem((), "no such file; check the path")]) from None
    except IsADirectoryError:
        raise ScenarioError(source, [Problem((), "this is a folder; give the domain file and then each profile file")]) from None
    except OSError as error:
        raise ScenarioError(source, [Problem((), f"cannot be read: {error.strerror or error}")]) from None
    if len(data) > MAX_XML_BYTES:
        raise ScenarioError(source, [Problem((), (
            f"more than {_size(MAX_XML_BYTES)}; Genius files are limited to that here (ANAC's largest are about "
            "100 kB): is it a Genius XML file?"))])
    if not data.strip():
        raise ScenarioError(source, [Problem((), "the file is empty; expected a Genius XML file")])
    return data


def _size(count: int) -> str:
    return f"{count // 2**20} MB" if count >= 2**20 else f"{count:,} bytes"


def _read_xml(path: str | os.PathLike[str]) -> _Xml:
    """Parse a Genius XML file: expat, refusing any DOCTYPE, after the repairs Genius's own parser makes unnecessary."""
    path = Path(path)
    data = _read_bytes(path)
    first: expat.ExpatError | None = None
    encoding: str | None = None
    said: list[str] = []
    for _ in range(4):  # each repair removes one kind of fault
        try:
            xml = _parse(path, data, encoding)
        except expat.ExpatError as error:
            first = first or error
            repaired = _repair(data, error, encoding)
            if repaired is None:
                break
            data, encoding, what = repaired
            said.append(what)
            continue
        xml.warnings[:0] = [f"{path}: {what}" for what in said]
        return xml
    assert first is not None
    raise ScenarioError(str(path), [Problem((), (
        f"not well-formed XML (column {first.offset + 1}): {expat.ErrorString(first.code)}; fix the file "
        "(is it a Genius XML file?)"))], {(): first.lineno}) from None


_DECLARATION = re.compile(rb"<\?xml\b[^>]*\?>")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_BARE_AMPERSAND = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);)")


def _repair(data: bytes, error: expat.ExpatError, encoding: str | None) -> tuple[bytes, str | None, str] | None:
    """The file with one fault Genius's parser tolerates made well-formed, the encoding to read it in, and what was
    done; None when the fault is not one of those."""
    codes = expat.errors.codes
    if error.code == codes[expat.errors.XML_ERROR_MISPLACED_XML_PI]:
        match = _DECLARATION.search(data)
        if match:
            declared = _ENCODING.search(match.group(0))
            blank = re.sub(rb"[^\n]", b" ", match.group(0))  # every line stays where it was
            what = "its <?xml ...?> declaration is not at the start (a comment comes first); Genius skips it, and so does this import"
            return data[: match.start()] + blank + data[match.end():], declared.group(1).decode("ascii") if declared else encoding, what
    if error.code not in (codes[expat.errors.XML_ERROR_INVALID_TOKEN], codes[expat.errors.XML_ERROR_UNDEFINED_ENTITY]):
        return None
    if encoding is None and not _ENCODING.search(data[:300]) and not _utf8(data):
        what = ("is not UTF-8 and does not declare its encoding: read as Latin-1, as Genius reads it with a Western default "
                "encoding (save it as UTF-8 if its names look wrong)")
        return data, "ISO-8859-1", what
    if _BARE_AMPERSAND.search(data):
        what = ("has a bare '&' (or a reference to an entity nobody declared) where XML needs '&amp;'; Genius keeps such text "
                "as written, and so does this import")
        return _BARE_AMPERSAND.sub(b"&amp;", data), encoding, what
    return None


def _parse(path: Path, data: bytes, encoding: str | None = None) -> _Xml:
    source = str(path)
    parser = expat.ParserCreate(encoding)
    builder = ET.TreeBuilder()
    lines: dict[int, int] = {}
    count = depth = 0

    def start(tag: str, attributes: dict[str, str]) -> None:
        nonlocal count, depth
        count += 1
        depth += 1
        if count > MAX_XML_ELEMENTS or depth > MAX_XML_DEPTH:
            raise _TooMany
        element = builder.start(tag, attributes)
        lines[id(element)] = parser.CurrentLineNumber

    def end(tag: str) -> None:
        nonlocal depth
        depth -= 1
        builder.end(tag)

    def refuse(*_: Any) -> None:
        raise _Refused

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse  # type: ignore[assignment]
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except _Refused:
        raise ScenarioError(source, [Problem((), (
            "has a <!DOCTYPE ...> declaration; Genius files have none, and DOCTYPEs with entity "
            "declarations are refused for safety (they can expand without bound): delete the <!DOCTYPE ...> part"))],
            {(): parser.CurrentLineNumber}) from None
    except _TooMany:
        what = (f"nests elements more than {MAX_XML_DEPTH} levels deep (Genius files nest about 5)" if depth > MAX_XML_DEPTH else
                f"has more than {MAX_XML_ELEMENTS:,} elements (each value of an issue is one)")
        raise ScenarioError(source, [Problem((), f"{what}; a file like this is refused here: is it a Genius file?")],
                            {(): parser.CurrentLineNumber}) from None
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
    """An attribute as Genius reads it (``Double.valueOf``, or ``Integer.valueOf`` for an index or a bound), exactly;
    None and a problem when it is missing or not such a number (see :mod:`.numbers`)."""
    text = element.get(attribute)
    if text is None:
        if required:
            xml.problem(element, where, f"has no '{attribute}' attribute; add {attribute}=\"...\"")
        return None
    try:
        return Fraction(java_int(text)) if integer else java_double(text)
    except GeniusNumberError as error:
        shown = text if len(text) <= 40 else text[:37] + "..."
        xml.problem(element, where, f"{attribute}=\"{shown}\" {error}")
        return None


def slug(text: str) -> str:
    """``"Price (EUR)"`` -> ``price_eur``; ``"-5"`` -> ``minus_5``; accents dropped; '' when nothing is left."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"(?<![0-9a-z])-(?=[0-9])", " minus ", text)
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def unique_ids(names: Sequence[str], fallback: str, taken: Iterable[str] = ()) -> list[str]:
    """Slugs of ``names``, made unique (``_2``, ``_3``, ...) against each other and ``taken``.

    A name whose slug is free keeps it; later names with the same slug get the smallest free
    suffix that is not also another name's own slug.  Linear in the number of names (the next
    suffix to try is remembered per slug).
    """
    taken = set(taken)
    bases = [slug(name) or fallback for name in names]
    natural = set(bases)
    next_suffix: dict[str, int] = {}
    ids = []
    for base in bases:
        candidate = base
        if candidate in taken or candidate in _RESERVED_OPTION_IDS:
            k = next_suffix.get(base, 2)
            while f"{base}_{k}" in taken or f"{base}_{k}" in natural:
                k += 1
            candidate = f"{base}_{k}"
            next_suffix[base] = k + 1
        taken.add(candidate)
        ids.append(candidate)
    return ids


_KINDS = ("discrete", "integer", "real")


def _kind(xml: _Xml, element: ET.Element, where: str, other: str, known: Sequence[str] = _KINDS) -> str | None:
    """An issue's kind as Genius decides it: from ``type`` (discrete when there is none, and when it is a word Genius
    does not know), with ``other`` (``vtype`` in a domain, ``etype`` in a profile) ignored when it disagrees; a
    profile also knows "objective" (an evaluator Genius leaves out of the sum).  None (and a problem) for a real issue."""
    given = element.get("type")
    if given is None:
        if (element.get(other) or "discrete").strip().lower() != "discrete":
            xml.warn(element, where, (f"has {other}=\"{element.get(other)}\" but no type=\"...\"; Genius reads an issue "
                                      "without a type as discrete, and so does this import (add type=\"...\" if that is wrong)"))
        return "discrete"
    kind = given.lower()
    if kind not in known:
        xml.warn(element, where, f"type=\"{given}\" is not a kind Genius knows; it reads the issue as discrete, and so does this import")
        kind = "discrete"
    if element.get(other) is not None and element.get(other, "").lower() != given.lower():
        xml.warn(element, where, (f"type=\"{given}\" and {other}=\"{element.get(other)}\" disagree; Genius uses type, "
                                  "and so does this import"))
    if kind == "real":
        xml.problem(element, where, (
            "is a real-valued issue, which this import does not support (Genius's real evaluators clip "
            "and add constants that format 1 cannot express); make it an integer or discrete issue in "
            "Genius, or write it by hand as a continuous issue (range and per_unit points)"))
        return None
    return kind


def element_label(element: ET.Element, attribute: str | None = None) -> str:
    """How an element is named in a message: its tag, with the attribute that tells it apart when it has one."""
    if attribute and element.get(attribute) is not None:
        return f'<{element.tag} {attribute}="{element.get(attribute)}">'
    return f"<{element.tag}>"
