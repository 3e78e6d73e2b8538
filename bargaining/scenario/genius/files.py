"""A Genius domain file and a linear-additive profile, as read (issues, values, weights, evaluations)."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from .xml import MAX_INTEGER_OPTIONS, _kind, _label, _number, _only, _read_xml, _Xml

# --------------------------------------------------------------------------- the domain


@dataclass
class _Issue:
    index: int
    name: str
    kind: str  # "discrete" | "integer"
    values: list[str]  # the values as written (integers as decimal text)
    lower: int | None = None
    upper: int | None = None


@dataclass
class _Domain:
    path: Path
    issues: list[_Issue]


def _objective(xml: _Xml, root: ET.Element, what: str) -> ET.Element | None:
    """The root objective under a <utility_space> element."""
    objectives = [c for c in root if c.tag == "objective"]
    if len(objectives) != 1:
        xml.problem(root, _label(root), f"needs exactly one <objective> (found {len(objectives)}); {what}")
        return None
    return objectives[0]


def _read_domain(path: str | os.PathLike[str]) -> _Domain:
    xml = _read_xml(path)
    root = xml.root
    if root.tag == "utility_space":
        xml.problem(root, "<utility_space>", (
            "this looks like a utility profile, not a domain (a Genius domain file starts with "
            "<negotiation_template>); give the domain file first, then the profiles"))
        xml.raise_if_any()
    if root.tag != "negotiation_template":
        xml.problem(root, f"<{root.tag}>", "not a Genius domain file (expected <negotiation_template> at the top); check the file")
        xml.raise_if_any()
    _only(xml, root, "<negotiation_template>", {"utility_space"}, "a domain holds one <utility_space>")
    spaces = [c for c in root if c.tag == "utility_space"]
    if len(spaces) != 1:
        xml.problem(root, "<negotiation_template>", f"needs exactly one <utility_space> (found {len(spaces)})")
        xml.raise_if_any()
    space = spaces[0]
    _only(xml, space, "<utility_space>", {"objective"}, "a domain's <utility_space> holds one <objective>")
    objective = _objective(xml, space, "it holds the issues")
    xml.raise_if_any()
    assert objective is not None
    _only(xml, objective, "<objective>", {"issue"}, (
        "nested objectives are not supported; put every <issue> directly under the root <objective>"))

    issues: list[_Issue] = []
    seen_index: dict[int, str] = {}
    seen_name: set[str] = set()
    for element in (c for c in objective if c.tag == "issue"):
        where = _label(element, "name")
        name = element.get("name")
        if name is None:
            xml.problem(element, where, "has no 'name' attribute; add name=\"...\"")
        elif name in seen_name:
            xml.problem(element, where, f"a second issue named '{name}'; issue names must be unique, rename one")
        index = _number(xml, element, "index", where, integer=True)
        if index is not None and int(index) in seen_index:
            xml.problem(element, where, f"index=\"{int(index)}\" is already used by issue '{seen_index[int(index)]}'; give each issue its own index")
        kind = _kind(xml, element, where)
        if name is None or index is None or kind is None:
            continue
        seen_name.add(name)
        seen_index[int(index)] = name
        if kind == "discrete":
            _only(xml, element, where, {"item"}, "a discrete issue lists its values as <item value=\"...\">")
            values: list[str] = []
            for item in (c for c in element if c.tag == "item"):
                value = item.get("value")
                if value is None:
                    xml.problem(item, f"<item> of {where}", "has no 'value' attribute; add value=\"...\"")
                elif value in values:
                    xml.problem(item, f'<item value="{value}"> of {where}', "this value is listed twice in the issue; remove or rename one")
                else:
                    values.append(value)
            if not values and not any(c.tag == "item" for c in element):
                xml.problem(element, where, "has no <item> values; list at least one")
            issues.append(_Issue(int(index), name, kind, values))
        else:
            _only(xml, element, where, set(), "an integer issue in a domain has only lowerbound and upperbound")
            lower = _number(xml, element, "lowerbound", where, integer=True)
            upper = _number(xml, element, "upperbound", where, integer=True)
            if lower is None or upper is None:
                continue
            if lower > upper:
                xml.problem(element, where, f"lowerbound {lower} is above upperbound {upper}; swap them")
                continue
            if upper - lower + 1 > MAX_INTEGER_OPTIONS:
                xml.problem(element, where, (
                    f"has {int(upper - lower + 1):,} integers; each becomes an option, and more than "
                    f"{MAX_INTEGER_OPTIONS:,} is refused: narrow the range or group the values into a discrete issue"))
                continue
            issues.append(_Issue(int(index), name, kind, [str(x) for x in range(int(lower), int(upper) + 1)], int(lower), int(upper)))
    if not issues and not xml.problems:
        xml.problem(objective, "<objective>", "has no <issue>; a domain needs at least one")
    xml.raise_if_any()
    return _Domain(Path(path), issues)


# --------------------------------------------------------------------------- a profile


@dataclass
class _Profile:
    path: Path
    weights: dict[int, Fraction]
    evaluations: dict[int, dict[str, Fraction]]  # discrete issues: value -> evaluation as written
    linear: dict[int, tuple[Fraction, Fraction]]  # integer issues: (slope, offset)
    reservation: Fraction | None
    discount: Fraction | None
    notes: list[str] = field(default_factory=list)


def _read_profile(path: str | os.PathLike[str], domain: _Domain) -> _Profile:
    xml = _read_xml(path)
    root = xml.root
    if root.tag == "negotiation_template":
        xml.problem(root, "<negotiation_template>", (
            "this is a domain file, not a utility profile; give the domain once, first, then one profile per party"))
        xml.raise_if_any()
    if root.tag != "utility_space":
        xml.problem(root, f"<{root.tag}>", "not a Genius utility profile (expected <utility_space> at the top); check the file")
        xml.raise_if_any()
    space_type = (root.get("type") or "").strip().lower()
    if space_type and space_type not in ("linear", "additive", "linearadditive"):
        xml.problem(root, _label(root, "type"), (
            f"a {space_type} utility space; only linear-additive Genius profiles (issue weights and value "
            "evaluations) can be imported, as format 1 is linear"))
        xml.raise_if_any()
    _only(xml, root, "<utility_space>", {"objective", "reservation", "discount_factor"}, (
        "only linear-additive profiles can be imported (non-linear utility spaces, e.g. ANAC 2014's "
        "hyper-rectangle constraints, cannot be expressed in format 1)"))

    def single(tag: str) -> ET.Element | None:
        found = [c for c in root if c.tag == tag]
        if len(found) > 1:
            xml.problem(found[1], f"<{tag}>", f"written {len(found)} times; keep one")
        return found[0] if found else None

    reservation = discount = None
    element = single("reservation")
    if element is not None:
        reservation = _number(xml, element, "value", "<reservation>")
    element = single("discount_factor")
    if element is not None:
        discount = _number(xml, element, "value", "<discount_factor>")

    objective = _objective(xml, root, "it holds the weights and evaluations")
    xml.raise_if_any()
    assert objective is not None
    _only(xml, objective, "<objective>", {"issue", "weight"}, (
        "nested objectives are not supported; put every <issue> and <weight> directly under the root <objective>"))

    by_index = {issue.index: issue for issue in domain.issues}
    weights: dict[int, Fraction] = {}
    for element in (c for c in objective if c.tag == "weight"):
        where = _label(element, "index")
        index = _number(xml, element, "index", where, integer=True)
        value = _number(xml, element, "value", where)
        if index is None or value is None:
            continue
        if int(index) not in by_index:
            known = ", ".join(f"{i.index} ({i.name})" for i in domain.issues)
            xml.problem(element, where, f"no issue of the domain has index {int(index)}; the domain's issues are {known}")
        elif int(index) in weights:
            xml.problem(element, where, f"a second weight for issue index {int(index)}; keep one")
        elif value < 0:
            xml.problem(element, where, f"a negative weight ({element.get('value')}); weights are at least 0")
        else:
            weights[int(index)] = value

    evaluations: dict[int, dict[str, Fraction]] = {}
    linear: dict[int, tuple[Fraction, Fraction]] = {}
    notes: list[str] = []
    seen: set[int] = set()
    for element in (c for c in objective if c.tag == "issue"):
        where = _label(element, "name")
        index = _number(xml, element, "index", where, integer=True)
        kind = _kind(xml, element, where)
        if index is None or kind is None:
            continue
        issue = by_index.get(int(index))
        name = element.get("name")
        if issue is None:
            known = ", ".join(f"{i.index} ({i.name})" for i in domain.issues)
            xml.problem(element, where, f"index {int(index)} is not an issue of the domain {domain.path}; its issues are {known}")
            continue
        if name != issue.name:
            xml.problem(element, where, (
                f"index {issue.index} is the issue '{issue.name}' in the domain {domain.path}; "
                "if this profile belongs to that domain, fix the name or the index here (else give its own domain)"))
            continue
        if issue.index in seen:
            xml.problem(element, where, "this issue is written twice in the profile; keep one")
            continue
        seen.add(issue.index)
        if kind != issue.kind:
            xml.problem(element, where, f"is {kind} here but {issue.kind} in the domain {domain.path}; make them agree")
            continue
        if kind == "discrete":
            _only(xml, element, where, {"item"}, "a discrete issue's evaluations are <item value=\"...\" evaluation=\"...\">")
            table: dict[str, Fraction] = {}
            for item in (c for c in element if c.tag == "item"):
                text = item.get("value")
                here = f"<item value=\"{text}\"> of {where}" if text is not None else f"<item> of {where}"
                if text is None:
                    xml.problem(item, here, "has no 'value' attribute; add value=\"...\"")
                    continue
                if text not in issue.values:
                    close = _close(text, issue.values)
                    xml.problem(item, here, f"'{text}' is not a value of this issue in the domain {domain.path}{close}")
                    continue
                if text in table:
                    xml.problem(item, here, "this value is evaluated twice; keep one")
                    continue
                evaluation = _number(xml, item, "evaluation", here)
                if evaluation is None:
                    continue
                if evaluation < 0:
                    xml.problem(item, here, f"a negative evaluation ({item.get('evaluation')}); Genius requires evaluations of at least 0")
                    continue
                table[text] = evaluation
            missing = [v for v in issue.values if v not in table and v not in {c.get("value") for c in element if c.tag == "item"}]
            if missing:
                listing = ", ".join(f"'{v}'" for v in missing[:12]) + (" ..." if len(missing) > 12 else "")
                xml.problem(element, where, f"no evaluation for {listing}; every value of the domain needs <item value=\"...\" evaluation=\"...\">")
            evaluations[issue.index] = table
        else:
            _only(xml, element, where, {"evaluator"}, "an integer issue's utility is one <evaluator ftype=\"linear\" slope=\"...\" offset=\"...\">")
            lower = _number(xml, element, "lowerbound", where, integer=True)
            upper = _number(xml, element, "upperbound", where, integer=True)
            if lower is not None and upper is not None and (lower, upper) != (issue.lower, issue.upper):
                xml.problem(element, where, (
                    f"bounds [{lower}, {upper}] here but [{issue.lower}, {issue.upper}] in the domain {domain.path}; make them agree"))
                continue
            found = [c for c in element if c.tag == "evaluator"]
            if len(found) > 1:
                xml.problem(found[1], f"<evaluator> of {where}", "written twice; keep one")
                continue
            if not found:
                notes.append(f"issue '{issue.name}' has no <evaluator>, so (as in Genius) it is worth 0 for every value")
                linear[issue.index] = (Fraction(0), Fraction(0))
                continue
            evaluator = found[0]
            ftype = (evaluator.get("ftype") or "linear").strip().lower()
            if ftype != "linear":
                xml.problem(evaluator, f"<evaluator> of {where}", f"ftype=\"{ftype}\"; only linear integer evaluators can be imported")
                continue
            slope = _number(xml, evaluator, "slope", f"<evaluator> of {where}")
            offset = _number(xml, evaluator, "offset", f"<evaluator> of {where}")
            if slope is not None and offset is not None:
                linear[issue.index] = (slope, offset)

    for issue in domain.issues:
        if issue.index not in seen:
            xml.problem(objective, "<objective>", (
                f"no <issue> for '{issue.name}' (index {issue.index}) of the domain {domain.path}; every issue needs its evaluations"))
        if issue.index not in weights and not any(c.tag == "weight" and c.get("index") == str(issue.index) for c in objective):
            xml.problem(objective, "<objective>", (
                f"no <weight index=\"{issue.index}\"> for issue '{issue.name}'; Genius needs a weight for every issue (0 if it does not matter)"))
    xml.raise_if_any()
    return _Profile(Path(path), weights, evaluations, linear, reservation, discount, notes)


def _close(value: str, known: Sequence[str]) -> str:
    import difflib

    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    return "; its values are " + ", ".join(f"'{k}'" for k in list(known)[:12])
