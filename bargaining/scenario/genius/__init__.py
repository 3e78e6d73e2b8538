"""Genius / ANAC negotiation domains (XML) read into scenario format 1.

Genius (TU Delft's negotiation platform, used by the ANAC competitions) keeps a domain in
one file (issues and their values) and each party's linear-additive utility profile in
another (issue weights, value evaluations, an optional reservation value and discount
factor).  :func:`from_genius` reads them with the semantics Genius's own code uses
(``AdditiveUtilitySpace.getUtility``, ``EvaluatorDiscrete``, ``EvaluatorInteger``):

* discrete issue: points(value) = weight x evaluation(value) / (largest evaluation of that
  issue in that profile); all 0 when that largest evaluation is below 0.00001 (Genius's guard);
* integer issue (one option per integer from lowerbound to upperbound):
  points(x) = weight x clip(slope x (x - lowerbound) + offset, 0, 1);
* weights as written, also when they do not sum to 1 (Genius does not rescale a loaded profile);
* reservation value from the profile, 0 when absent; the discount factor is ignored (a
  warning says so when it would discount, i.e. when 0 < factor < 1);
* Genius caps a bid's total utility at 1.  A linear model cannot cap, so this importer keeps
  the linear sum; when a profile's largest possible total exceeds 1 it warns with the excess
  and the number of packages affected (``over_one="error"`` refuses instead).

Every number is read as the exact decimal written in the file; each point is the exact
rational above rounded once to the nearest double and written in its shortest round-trip
form, so a point differs from Genius's exact formula by at most half a unit in the last
place (about 1e-17 for points below 1).  No status quo is marked: Genius has none.

Files are parsed with expat directly: a ``<!DOCTYPE ...>`` (and with it every entity
declaration) is refused before anything is expanded, so entity-expansion bombs and
external entities never reach the tree.  Every error names the file, the line, the
element and the fix.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..errors import Problem, ScenarioError
from ..magnitudes import LARGEST, SMALLEST, size_problem
from .files import _Domain, _Profile, _read_domain, _read_profile
from .numbers import GeniusNumberError, java_double
from .xml import COUNT_LIMIT, GENIUS_MIN_EVAL_MAX, GeniusWarning, element_label, unique_ids

__all__ = ["GeniusWarning", "genius_scenario", "reservation_value"]


# --------------------------------------------------------------------------- Genius's formula


def genius_points(domain: _Domain, profile: _Profile) -> dict[int, dict[str, Fraction]]:
    """Each issue's points per value (value as written), exactly, as Genius's additive utility space computes them."""
    points: dict[int, dict[str, Fraction]] = {}
    for issue in domain.issues:
        weight = profile.weights[issue.index]
        if issue.kind == "discrete":
            table = profile.evaluations[issue.index]
            largest = max(table.values())  # over every evaluation written, values the domain lacks included (as Genius)
            if largest < GENIUS_MIN_EVAL_MAX:
                points[issue.index] = {v: Fraction(0) for v in issue.values}
            else:
                points[issue.index] = {v: weight * table[v] / largest for v in issue.values}
        else:
            slope, offset, lower = profile.linear[issue.index]  # measured from the profile's own lower bound (as Genius)
            assert issue.lower is not None
            points[issue.index] = {
                str(x): weight * min(max(slope * (x - lower) + offset, Fraction(0)), Fraction(1))
                for x in range(issue.lower, (issue.upper or 0) + 1)
            }
    return points


def _above_one(tables: list[list[Fraction]], limit: int = COUNT_LIMIT) -> tuple[int, bool]:
    """How many packages have a total above 1 (exactly), and whether the count is complete."""
    tables = [sorted(t, reverse=True) for t in tables]
    n = len(tables)
    best_rest = [Fraction(0)] * (n + 1)
    worst_rest = [Fraction(0)] * (n + 1)
    size_rest = [1] * (n + 1)
    for k in range(n - 1, -1, -1):
        best_rest[k] = best_rest[k + 1] + tables[k][0]
        worst_rest[k] = worst_rest[k + 1] + tables[k][-1]
        size_rest[k] = size_rest[k + 1] * len(tables[k])
    count = 0
    visits = 0
    stack = [(0, Fraction(0))]
    while stack:
        k, partial = stack.pop()
        visits += 1
        if visits > limit or count > limit:
            return count, False
        if partial + best_rest[k] <= 1:
            continue
        if partial + worst_rest[k] > 1:
            count += size_rest[k]
            continue
        for value in tables[k]:
            if partial + value + best_rest[k + 1] <= 1:
                break  # sorted: the rest are smaller
            stack.append((k + 1, partial + value))
    return count, True


# --------------------------------------------------------------------------- the import


def genius_scenario(domain: str | os.PathLike[str], profiles: Sequence[str | os.PathLike[str]],
                reservations: Mapping[str, float | str] | Sequence[float | str | None] | None = None, *,
                name: str | None = None, over_one: str = "warn") -> tuple[dict[str, Any], str]:
    """Read a Genius domain and one linear-additive profile per party into format-1 data (and its source name).

    ``reservations`` overrides the profiles' reservation values: a mapping from party id (the
    slugged file stem) to a value, or a sequence aligned with ``profiles`` (None keeps the
    file's).  ``name`` defaults to the domain file's stem.  ``over_one``: what to do when a
    profile's largest possible total exceeds 1, where Genius would cap it: ``"warn"`` (keep
    the linear sum and say how many packages differ) or ``"error"``.  Raises
    :class:`ScenarioError` naming the file, line and element of anything it cannot use;
    warns with :class:`GeniusWarning` about the discount factor and the cap.
    """
    if over_one not in ("warn", "error"):
        raise ValueError(f"over_one must be 'warn' or 'error', not {over_one!r}")
    if isinstance(profiles, (str, os.PathLike)):
        profiles = [profiles]
    profiles = list(profiles)
    source = str(domain)
    if not profiles:
        raise ScenarioError(source, [Problem((), "no profiles given; pass one utility profile per party after the domain")])
    resolved: dict[Path, str] = {_resolve(domain): str(domain)}
    for profile_path in profiles:
        key = _resolve(profile_path)
        if key in resolved:
            raise ScenarioError(str(profile_path), [Problem((), f"given twice (also as {resolved[key]}); give each file once")])
        resolved[key] = str(profile_path)

    parsed_domain = _read_domain(domain)
    parsed = [_read_profile(p, parsed_domain) for p in profiles]
    for said in [parsed_domain.warnings] + [p.warnings for p in parsed]:
        for text in said:
            warnings.warn(text, GeniusWarning, stacklevel=2)

    stems = [Path(p).stem for p in profiles]
    party_ids = unique_ids(stems, "party")
    issue_ids = unique_ids([i.name for i in parsed_domain.issues], "issue", taken=party_ids)
    option_ids = [unique_ids(i.values, "option") for i in parsed_domain.issues]

    overrides = _overrides(reservations, party_ids, source)
    parties: list[dict[str, Any]] = []
    utilities: dict[str, dict[str, dict[str, float]]] = {}
    notes: list[str] = []
    package_count = math.prod(len(i.values) for i in parsed_domain.issues)
    exacts = [genius_points(parsed_domain, profile) for profile in parsed]
    for profile, exact, party_id in zip(parsed, exacts, party_ids):
        _check_magnitudes(parsed_domain, profile, exact, overridden=party_id in overrides)
    for k, (profile, party_id, stem) in enumerate(zip(parsed, party_ids, stems)):
        exact = exacts[k]
        utilities[party_id] = {
            issue_id: {o: float(exact[issue.index][v]) for o, v in zip(options, issue.values)}
            for issue, issue_id, options in zip(parsed_domain.issues, issue_ids, option_ids)
        }
        if party_id in overrides:
            reservation = overrides[party_id]
            note = "reservation set on import"
        elif profile.reservation is not None:
            reservation = float(profile.reservation)
            note = "reservation from the profile"
        else:
            reservation = 0.0
            note = "no reservation in the profile, so 0 (as in Genius)"
        parties.append({"id": party_id, "name": stem, "reservation": reservation})
        notes.append(f"{party_id}: {profile.path.name}; {note}")
        for text in profile.notes:
            notes.append(f"{party_id}: {text}")
        if profile.discount is not None and 0 < profile.discount < 1:
            notes.append(f"{party_id}: discount factor {_decimal(profile.discount)} ignored")
            warnings.warn(f"{profile.path}: discount factor {_decimal(profile.discount)} ignored: format 1 has no time, "
                          "so utilities and the reservation are undiscounted", GeniusWarning, stacklevel=2)
        largest = sum((max(t.values()) for t in exact.values()), Fraction(0))
        if largest > 1:
            count, complete = _above_one([list(t.values()) for t in exact.values()])
            counted = f"{count:,}" if complete else f"at least {count:,}"
            message = (f"the largest possible total utility is {_decimal(largest)} (1 + {float(largest - 1):.3g}); "
                       f"Genius caps every total at 1, which a linear model cannot: {counted} of the {package_count:,} packages "
                       f"{'is' if count == 1 and complete else 'are'} above 1 here, by up to {float(largest - 1):.3g}, where Genius gives {'it' if count == 1 and complete else 'them'} 1")
            if over_one == "error":
                raise ScenarioError(str(profile.path), [Problem(("<weight> elements",), message + (
                    "; rescale the weights so that they sum to 1, or import with over_one='warn' (--over-one warn)"))])
            warnings.warn(f"{profile.path}: {message}; rescale the weights to sum to 1 if that matters", GeniusWarning, stacklevel=2)
            notes.append(f"{party_id}: largest possible total {_decimal(largest)} > 1, and Genius's cap at 1 is not applied "
                         f"({counted} package{'' if count == 1 else 's'} above 1)")

    issues = [
        {"id": issue_id, "name": issue.name,
         "options": [{"id": o, "name": v} for o, v in zip(options, issue.values)]}
        for issue, issue_id, options in zip(parsed_domain.issues, issue_ids, option_ids)
    ]
    description = (
        f"Imported from the Genius domain {Path(domain).name} with the linear-additive profiles "
        f"{', '.join(Path(p).name for p in profiles)}. A party's points for a value of a discrete issue are "
        "weight x evaluation / (the issue's largest evaluation in its profile); for an integer issue (one option "
        "per integer) weight x clip(slope x (x - lowerbound) + offset, 0, 1); weights as written. Each point is "
        "that exact value rounded once to the nearest double. Not carried over: discount factors, and Genius's cap "
        "of a total at 1. Genius has no status quo, so none is marked. " + "; ".join(notes) + "."
    )
    data = {"format": 1, "name": name or Path(domain).stem, "description": description,
            "parties": parties, "issues": issues, "utilities": utilities}
    return data, source


def _decimal(value: Fraction) -> str:
    """A rational as a decimal: exact when it terminates within 40 digits, else the nearest double's repr."""
    for digits in range(41):
        if (value * 10**digits).denominator == 1:
            sign = "-" if value < 0 else ""
            scaled = str(abs(value.numerator * 10**digits // value.denominator)).rjust(digits + 1, "0")
            return f"{sign}{scaled[:-digits]}.{scaled[-digits:]}" if digits else f"{sign}{scaled}"
    return repr(float(value))


def _resolve(path: str | os.PathLike[str]) -> Path:
    try:
        return Path(path).resolve()
    except OSError:
        return Path(os.path.abspath(path))


def _overrides(reservations: Mapping[str, float | str] | Sequence[float | str | None] | None, party_ids: list[str], source: str) -> dict[str, float]:
    if reservations is None:
        return {}
    if isinstance(reservations, Mapping):
        items = list(reservations.items())
    else:
        values = list(reservations)
        if len(values) != len(party_ids):
            raise ScenarioError(source, [Problem(("reservations",), (
                f"{len(values)} reservations for {len(party_ids)} profiles; give one per profile (None keeps the file's) or a mapping by party id"))])
        items = [(p, v) for p, v in zip(party_ids, values) if v is not None]
    problems = []
    result: dict[str, float] = {}
    for party, value in items:
        if party not in party_ids:
            problems.append(Problem(("reservations", str(party)), f"unknown party '{party}'; the party ids are {', '.join(party_ids)}"))
            continue
        try:
            number = reservation_value(value)
        except ValueError as error:
            problems.append(Problem(("reservations", party), str(error)))
            continue
        result[party] = number
    if problems:
        raise ScenarioError(source, problems)
    return result


def _check_magnitudes(domain: _Domain, profile: _Profile, exact: dict[int, dict[str, Fraction]], *, overridden: bool) -> None:
    """Points and a reservation the solver cannot use (nonzero below :data:`SMALLEST` or beyond :data:`LARGEST`), refused
    here at the profile's line, with the weight, evaluation or slope that makes them so, rather than later at a place
    in the scenario the user never wrote."""
    xml = profile.xml
    assert xml is not None
    for issue in domain.issues:
        weight = profile.weights[issue.index]
        bad = [(v, p) for v, p in exact[issue.index].items() if size_problem(float(p))]
        if not bad:
            continue
        value, point = min(bad, key=lambda vp: abs(vp[1]))
        too = "small" if abs(float(point)) < SMALLEST else "large"
        limit = f"at least {SMALLEST:g}" if too == "small" else f"at most {LARGEST:g}"
        weight_at = profile.weight_at[issue.index]
        if (too == "small" and abs(weight) < SMALLEST) or (too == "large" and abs(weight) > LARGEST) or issue.kind == "integer":
            element, where = weight_at, element_label(weight_at, "index")
            cause = f"the weight {weight_at.get('value')}"
        else:
            element = profile.item_at.get((issue.index, value), profile.issue_at[issue.index])
            where = f'<item value="{value}"> of {element_label(profile.issue_at[issue.index], "name")}'
            cause = f"the evaluation {element.get('evaluation')} (over the issue's largest)"
        fix = ("write 0 if the issue (or value) should not matter, or rescale every weight of this profile by the same factor"
               if too == "small" else "rescale every weight of this profile by the same factor")
        xml.problem(element, where, (
            f"{cause} makes '{issue.name}: {value}' worth {float(point):.3g}, too {too} for the solver (nonzero points are "
            f"{limit} in magnitude, see docs/scenario-format.md); {fix}"))
    if not overridden and profile.reservation is not None and size_problem(float(profile.reservation)):
        at = profile.reservation_at
        xml.problem(at, "<reservation>", (
            f"value=\"{at.get('value') if at is not None else ''}\" is too {'small' if abs(profile.reservation) < SMALLEST else 'large'} "
            f"for the solver (a nonzero reservation is at least {SMALLEST:g} and at most {LARGEST:g} in magnitude); write 0, "
            "or set it on import (--reservation PARTY=VALUE)"))
    xml.raise_if_any()


def reservation_value(value: object) -> float:
    """A reservation given on import (``--reservation PARTY=VALUE``, or ``reservations=``): a finite decimal within the
    sizes a scenario holds; ValueError naming what is wrong (never an OverflowError, never an expanded exponent)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Fraction)):
        raise ValueError(f"{value!r} is not a number; write a decimal such as 0.3")  # noqa: TRY004 (reported like every other bad value)
    try:
        number = float(java_double(value) if isinstance(value, str) else Fraction(value))
    except GeniusNumberError as error:
        reason = "is too large" if "largest" in str(error) else "is too small; write 0" if "smallest" in str(error) else \
            "is not a finite number" if "finite" in str(error) else "is not a number; write a decimal such as 0.3"
        raise ValueError(f"{value!r} {reason}") from None
    except (OverflowError, ValueError):  # inf, nan, or a Fraction beyond any double
        raise ValueError(f"{value!r} is not a finite number") from None
    size = size_problem(number)
    if size:
        raise ValueError(size)
    return number
