"""A Genius domain file and a linear-additive profile, read as Genius's own code reads them.

The domain (``DomainImpl``): the root element's first ``<utility_space>`` child (so a
``<negotiation_template>`` may hold ``<agent>`` entries and anything else before it), that
space's first ``<objective>``, and its issues in Genius's order (at each level the nested
objectives' issues first, then the level's own).  An issue's kind comes from ``type``
(discrete when there is none); its values are its ``<item value="...">`` children, a value
listed twice stays two values, as in Genius.

A profile (``AdditiveUtilitySpace.loadTreeRecursive``): every element is visited; at each,
its ``<weight>`` children give the weights of the ``<issue>`` and ``<objective>`` children
beside them, matched to the domain by ``index`` (not by name); a discrete issue's evaluations
are its items' ``evaluation`` attributes (a value the domain lacks still counts in the issue's
largest evaluation), an integer issue's are its first ``<evaluator>``'s slope and offset
with the profile's own lower bound.  Genius keeps the last of a repeated weight, evaluation,
reservation or discount factor, ignores a reservation or discount factor it cannot read, and
ignores every element and attribute it does not look for; so does this import, with a warning
where the file looks wrong.  What Genius cannot compute a utility from (an issue without a
weight or an evaluation, a weight that is not a number) is an error naming file, line and fix.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from .numbers import GeniusNumberError, java_double
from .xml import MAX_INTEGER_OPTIONS, _kind, _number, _read_xml, _Xml, element_label

# --------------------------------------------------------------------------- the domain


@dataclass
class _Issue:
    index: int
    name: str
    kind: str  # "discrete" | "integer"
    values: list[str]  # the values as written (integers as decimal text); a value listed twice appears twice
    lower: int | None = None
    upper: int | None = None


@dataclass
class _Domain:
    path: Path
    issues: list[_Issue]
    objectives: set[int] = field(default_factory=set)  # the indices of the objectives (a profile may weigh them; Genius ignores it)
    warnings: list[str] = field(default_factory=list)
    by_index: dict[int, _Issue] = field(default_factory=dict)


def _read_domain(path: str | os.PathLike[str]) -> _Domain:
    xml = _read_xml(path)
    root = xml.root
    spaces = [c for c in root if c.tag == "utility_space"]
    if not spaces:
        if root.tag == "utility_space":
            xml.problem(root, "<utility_space>", (
                "this looks like a utility profile, not a domain (a Genius domain file holds a <utility_space> inside "
                "<negotiation_template>); give the domain file first, then the profiles"))
        else:
            xml.problem(root, f"<{root.tag}>", "not a Genius domain file (no <utility_space> inside the top element); check the file")
        xml.raise_if_any()
    if len(spaces) > 1:
        xml.warn(spaces[1], "<utility_space>", f"written {len(spaces)} times; Genius reads the first, and so does this import")
    objectives = [c for c in spaces[0] if c.tag == "objective"]
    if not objectives:
        xml.problem(spaces[0], "<utility_space>", "has no <objective>; a domain's issues are inside one")
        xml.raise_if_any()
    if len(objectives) > 1:
        xml.warn(objectives[1], "<objective>", f"written {len(objectives)} times in <utility_space>; Genius reads the first, and so does this import")

    domain = _Domain(Path(path), [])
    seen: dict[int, str] = {}
    _domain_level(xml, objectives[0], domain, seen)
    if not domain.issues and not xml.problems:
        xml.problem(objectives[0], "<objective>", "has no <issue>; a domain needs at least one")
    xml.raise_if_any()
    domain.warnings = xml.said()
    domain.by_index = {issue.index: issue for issue in domain.issues}
    return domain


def _domain_level(xml: _Xml, level: ET.Element, domain: _Domain, seen: dict[int, str]) -> None:
    """Genius's ``buildTreeRecursive``: the nested objectives (recursively) first, then this level's issues."""
    for child in (c for c in level if c.tag == "objective"):
        index = child.get("index")
        if index is not None and index.lstrip("+-").isdigit():
            domain.objectives.add(int(index))
        _domain_level(xml, child, domain, seen)
    for element in (c for c in level if c.tag == "issue"):
        _domain_issue(xml, element, domain, seen)


def _domain_issue(xml: _Xml, element: ET.Element, domain: _Domain, seen: dict[int, str]) -> None:
    where = element_label(element, "name")
    index = _number(xml, element, "index", where, integer=True)
    kind = _kind(xml, element, where, "vtype")
    if index is None or kind is None:
        return
    name = element.get("name")
    if name is None:
        name = f"issue {index}"
        xml.warn(element, where, f"has no name; Genius reads it without one, this import calls it '{name}'")
    if int(index) in seen:
        xml.problem(element, where, (
            f"index=\"{index}\" is already used by issue '{seen[int(index)]}'; Genius gives a profile's evaluator to the first "
            "issue with an index and then cannot compute a utility for the other: give each issue its own index"))
        return
    seen[int(index)] = name
    if kind == "discrete":
        values: list[str] = []
        listed: set[str] = set()
        for item in (c for c in element if c.tag == "item"):
            value = item.get("value")
            if value is None:
                xml.problem(item, f"<item> of {where}", "has no 'value' attribute; add value=\"...\"")
                continue
            if value in listed:
                xml.warn(item, f'<item value="{value}"> of {where}', (
                    "this value is listed twice; Genius keeps both as separate values (worth the same to every party), and "
                    "so does this import (remove one if that is not meant)"))
            listed.add(value)
            values.append(value)
        if not values and not any(c.tag == "item" for c in element):
            hint = ""
            if element.get("type") is None and element.get("lowerbound") is not None:
                hint = " (Genius reads an issue without type=\"...\" as discrete: add type=\"integer\" for an integer issue)"
            xml.problem(element, where, f"has no <item> values; list at least one{hint}")
        domain.issues.append(_Issue(int(index), name, kind, values))
        return
    lower = _number(xml, element, "lowerbound", where, integer=True)
    upper = _number(xml, element, "upperbound", where, integer=True)
    if lower is None or upper is None:
        return
    if lower > upper:
        xml.problem(element, where, f"lowerbound {lower} is above upperbound {upper}; swap them")
        return
    if upper - lower + 1 > MAX_INTEGER_OPTIONS:
        xml.problem(element, where, (
            f"has {int(upper - lower + 1):,} integers; each becomes an option, and more than "
            f"{MAX_INTEGER_OPTIONS:,} is refused: narrow the range or group the values into a discrete issue"))
        return
    domain.issues.append(_Issue(int(index), name, kind, [str(x) for x in range(int(lower), int(upper) + 1)], int(lower), int(upper)))


# --------------------------------------------------------------------------- a profile


@dataclass
class _Profile:
    path: Path
    weights: dict[int, Fraction]
    evaluations: dict[int, dict[str, Fraction]]  # discrete issues: value -> evaluation (values the domain lacks included)
    linear: dict[int, tuple[Fraction, Fraction, int]]  # integer issues: (slope, offset, the profile's lower bound)
    reservation: Fraction | None
    discount: Fraction | None
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    xml: _Xml | None = None
    #: The elements that set each number, for errors that point at the profile's lines.
    weight_at: dict[int, ET.Element] = field(default_factory=dict)
    item_at: dict[tuple[int, str], ET.Element] = field(default_factory=dict)
    issue_at: dict[int, ET.Element] = field(default_factory=dict)
    reservation_at: ET.Element | None = None
    unreadable: set[int] = field(default_factory=set)  # issues whose weight could not be read (already said)
    unread_values: set[tuple[int, str | None]] = field(default_factory=set)  # evaluations that could not be read (already said)


_SPACE_TYPES = {"linear", "additive", "linearadditive", "uncertain"}
#: Elements of Genius's non-linear and constraint utility spaces (ignored in a linear profile, as Genius does, with a warning).
_NONLINEAR_TAGS = {"utility", "ufun", "hyperRectangle", "INCLUDES", "EXCLUDES", "rconstraint", "constraint", "zeroConstraint"}


def _read_profile(path: str | os.PathLike[str], domain: _Domain) -> _Profile:
    xml = _read_xml(path)
    root = xml.root
    if root.tag == "negotiation_template":
        xml.problem(root, "<negotiation_template>", (
            "this is a domain file, not a utility profile; give the domain once, first, then one profile per party"))
        xml.raise_if_any()
    space_type = (root.get("type") or "linear").strip().lower()
    if space_type in ("nonlinear", "constraint"):
        xml.problem(root, element_label(root, "type"), (
            f"a {space_type} utility space; only linear-additive Genius profiles (issue weights and value "
            "evaluations) can be imported, as format 1 is linear (ANAC 2014's hyper-rectangle constraints cannot be expressed)"))
        xml.raise_if_any()
    if space_type not in _SPACE_TYPES:
        xml.problem(root, element_label(root, "type"), (
            f"type=\"{root.get('type')}\" is not a utility space Genius knows (LINEAR, NONLINEAR, CONSTRAINT, UNCERTAIN); "
            "a linear-additive profile has no type, or type=\"linear\""))
        xml.raise_if_any()
    profile = _Profile(Path(path), {}, {}, {}, None, None, xml=xml)
    if space_type == "uncertain":
        profile.notes.append("an UNCERTAIN profile: Genius shows its agent only a ranking of some bids; this import uses the "
                             "profile's full utilities (the true ones)")
    nonlinear = next((e for e in root.iter() if e.tag in _NONLINEAR_TAGS), None)
    if nonlinear is not None:
        xml.warn(nonlinear, f"<{nonlinear.tag}>", (
            "part of a non-linear utility (ANAC 2014's constraints), but the profile is not typed nonlinear: Genius reads it as "
            "linear-additive and ignores this, and so does this import (check that the weights are meant)"))
    kinds: dict[int, str] = {}
    _profile_level(xml, root, domain, profile, kinds)

    for issue in domain.issues:
        if issue.index in profile.unreadable:
            continue
        if issue.index not in kinds:
            xml.problem(root, element_label(root), (
                f"no <issue index=\"{issue.index}\"> with a <weight index=\"{issue.index}\"> beside it for '{issue.name}' "
                f"of the domain {domain.path}; Genius needs both for every issue (weight 0 if it does not matter; a weight "
                "counts only under the same parent as its issue)"))
        elif issue.kind == "discrete" and kinds[issue.index] == "discrete":
            table = profile.evaluations[issue.index]
            missing = [v for v in dict.fromkeys(issue.values) if v not in table and (issue.index, v) not in profile.unread_values]
            if missing:
                listing = ", ".join(f"'{v}'" for v in missing[:12]) + (" ..." if len(missing) > 12 else "")
                element = profile.issue_at.get(issue.index, root)
                known = set(issue.values)
                strays = [v for v in table if v not in known and not v.startswith("\0")][:3]
                hint = (f" (it evaluates {', '.join(repr(v) for v in strays)}, not a value of this issue in the domain"
                        f"{_close(strays[0], missing) if len(missing) < 1000 else ''})") if strays else ""
                xml.problem(element, element_label(element, "name"), (
                    f"no evaluation for {listing}{hint}; Genius needs one for every value of the domain: <item value=\"...\" evaluation=\"...\">"))
    xml.raise_if_any()
    profile.warnings = xml.said()
    return profile


def _profile_level(xml: _Xml, level: ET.Element, domain: _Domain, profile: _Profile, kinds: dict[int, str]) -> None:
    """One step of Genius's ``loadTreeRecursive``: this element's reservation, discount factor, weights, and the
    issues and objectives weighed beside them; then every child element."""
    for tag in ("reservation", "discount_factor"):
        found = [c for c in level if c.tag == tag]
        if found:
            _setting(xml, found[0], tag, profile)
    weights: dict[int, tuple[Fraction, ET.Element]] = {}
    for element in (c for c in level if c.tag == "weight"):
        where = element_label(element, "index")
        index = _number(xml, element, "index", where, integer=True)
        value = _number(xml, element, "value", where)
        if index is None or value is None:
            if index is not None:
                profile.unreadable.add(int(index))  # said; not said again as "no weight"
            continue
        if int(index) in weights:
            xml.warn(element, where, "a second weight for this index here; Genius keeps the last, and so does this import")
        if int(index) not in domain.objectives and int(index) not in domain.by_index:
            known = ", ".join(f"{i.index} ({i.name})" for i in domain.issues[:12])
            xml.warn(element, where, f"no issue of the domain has index {int(index)} (its issues: {known}); Genius ignores this weight, and so does this import")
        weights[int(index)] = (value, element)
    for element in [c for c in level if c.tag == "issue"] + [c for c in level if c.tag == "objective"]:
        where = element_label(element, "name")
        index = _number(xml, element, "index", where, integer=True)
        if index is None or int(index) not in weights:
            continue
        kind = "objective" if element.tag == "objective" else _kind(xml, element, where, "etype", ("discrete", "integer", "real", "objective"))
        issue = domain.by_index.get(int(index))
        if kind is None or issue is None:
            if issue is None and element.tag == "issue" and int(index) not in domain.objectives:
                xml.warn(element, where, f"index {int(index)} is not an issue of the domain {domain.path}; Genius ignores it, and so does this import")
            continue
        _profile_issue(xml, element, where, kind, issue, domain, profile, kinds)
        weight, weight_element = weights[int(index)]
        if weight < 0:
            xml.warn(weight_element, element_label(weight_element, "index"), (
                "a negative weight; Genius reads it (its editor would not write it), and so does this import: the issue's points are negative"))
        profile.weights[issue.index] = weight
        profile.weight_at[issue.index] = weight_element
    for child in level:
        if child.tag not in ("item", "weight", "evaluator"):
            _profile_level(xml, child, domain, profile, kinds)


def _setting(xml: _Xml, element: ET.Element, tag: str, profile: _Profile) -> None:
    """A reservation value or discount factor: Genius ignores one it cannot read (and keeps a discount factor only in (0, 1])."""
    text = element.get("value")
    try:
        if text is None:
            raise GeniusNumberError("is missing")
        value = java_double(text)
    except GeniusNumberError as error:
        what = "uses no reservation value (0)" if tag == "reservation" else "does not discount"
        said = "has no value" if text is None else f'value="{text[:40]}" {error}'
        xml.warn(element, f"<{tag}>", f"{said}; Genius ignores it and {what}, and so does this import")
        return
    if tag == "reservation":
        profile.reservation, profile.reservation_at = value, element
        return
    profile.discount = value if 0 < value <= 1 else None  # Genius: 0 and below, or above 1, mean no discounting
    if value < 0 or value > 1:
        xml.warn(element, f"<{tag}>", f"value=\"{text}\" is not in (0, 1]; Genius discards it (no discounting), and so does this import")


def _profile_issue(xml: _Xml, element: ET.Element, where: str, kind: str, issue: _Issue, domain: _Domain,
                   profile: _Profile, kinds: dict[int, str]) -> None:
    """The evaluator of one domain issue (the last one written wins, as in Genius)."""
    if issue.index in kinds:
        xml.warn(element, where, f"issue index {issue.index} is evaluated a second time; Genius keeps the last, and so does this import")
    if element.tag == "issue" and element.get("name") != issue.name:
        xml.warn(element, where, (
            f"index {issue.index} is the issue '{issue.name}' in the domain {domain.path}; Genius matches issues by index "
            "and ignores the name, and so does this import (check that this profile belongs to that domain)"))
    kinds[issue.index] = kind
    profile.issue_at[issue.index] = element
    if kind == "objective":
        xml.warn(element, where, f"is typed as an objective; Genius leaves it out of the sum, so '{issue.name}' is worth 0 to this party here too")
        kinds[issue.index] = issue.kind
        if issue.kind == "discrete":
            profile.evaluations[issue.index] = {v: Fraction(0) for v in issue.values}
        else:
            profile.linear[issue.index] = (Fraction(0), Fraction(0), issue.lower or 0)
        return
    if kind != issue.kind:
        xml.problem(element, where, f"is {kind} here but {issue.kind} in the domain {domain.path}; Genius cannot compute a utility from that: make them agree")
        return
    if kind == "discrete":
        _discrete(xml, element, where, issue, domain, profile)
        return
    lower = _number(xml, element, "lowerbound", where, integer=True)
    upper = _number(xml, element, "upperbound", where, integer=True)
    if lower is None or upper is None:
        return
    if (int(lower), int(upper)) != (issue.lower, issue.upper):
        xml.warn(element, where, (
            f"bounds [{lower}, {upper}] here but [{issue.lower}, {issue.upper}] in the domain {domain.path}; Genius takes the values "
            "from the domain and measures them from this lower bound, and so does this import"))
    found = [c for c in element if c.tag == "evaluator"]
    if not found:
        profile.notes.append(f"issue '{issue.name}' has no <evaluator>, so (as in Genius) it is worth 0 for every value")
        profile.linear[issue.index] = (Fraction(0), Fraction(0), int(lower))
        return
    slope = _number(xml, found[0], "slope", f"<evaluator> of {where}")
    offset = _number(xml, found[0], "offset", f"<evaluator> of {where}")
    if slope is not None and offset is not None:
        profile.linear[issue.index] = (slope, offset, int(lower))


def _discrete(xml: _Xml, element: ET.Element, where: str, issue: _Issue, domain: _Domain, profile: _Profile) -> None:
    table: dict[str, Fraction] = {}
    known = set(issue.values)
    for item in (c for c in element if c.tag == "item"):
        text = item.get("value")
        here = f"<item value=\"{text}\"> of {where}" if text is not None else f"<item> of {where}"
        evaluation_text = item.get("evaluation")
        if evaluation_text is None or evaluation_text == "null":
            continue  # Genius skips it; a domain value left without an evaluation is an error below
        evaluation = _number(xml, item, "evaluation", here)
        if evaluation is None:
            profile.unread_values.add((issue.index, text))
            continue
        if text not in known and xml.room():
            xml.warn(item, here, (
                f"{'an item without a value' if text is None else repr(text) + ' is not a value of this issue'} in the domain "
                f"{domain.path}{'' if text is None else _close(text, issue.values)}; Genius ignores it except that its evaluation "
                "counts in the issue's largest evaluation, and so does this import"))
        elif text not in known:
            xml.unsaid += 1
        elif text in table:
            xml.warn(item, here, "this value is evaluated twice; Genius keeps the last, and so does this import")
        if evaluation < 0:
            xml.warn(item, here, "a negative evaluation; Genius reads it (its editor would not write it), and so does this import")
        key = text if text is not None else f"\0{len(table)}"
        table[key] = evaluation
        profile.item_at[(issue.index, key)] = item
    profile.evaluations[issue.index] = table


def _close(value: str, known: Sequence[str]) -> str:
    import difflib

    close = difflib.get_close_matches(value, list(dict.fromkeys(known))[:1000], n=1, cutoff=0.6)
    if close:
        return f" (did you mean '{close[0]}'?)"
    return " (its values: " + ", ".join(f"'{k}'" for k in list(known)[:12]) + ")"
