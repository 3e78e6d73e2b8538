"""What one break-even analysis carries around: the search, the criteria parties, the methods used, and
variants of the scenario for the exact programme (which reads its numbers from a scenario, not the model).

A *variant* is the scenario with a few numbers or flags changed -- a party made a veto party (so it
must take part), a reservation or a point set to a decimal, dummy parties added -- built from
``to_dict`` and loaded again: only the programme reads it (no model is built from it).  Every value
written into a variant is a decimal that a float holds exactly (see :func:`decimal`), so the
variant means exactly the numbers asked for.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable, Mapping, Sequence

from ...engine.search import Search
from ...errors import TimeLimitReached
from ...scenario import Requirement, Scenario, exact

#: An existence question: with these requirements also waived and these issues also frozen, is a package acceptable?
Edits = tuple[tuple[Requirement, ...], tuple[tuple[str, Any], ...]]


def decimal(value: Fraction) -> float | None:
    """The float that is exactly ``value`` as the scenario reads numbers (``exact(float)``), or None if none is."""
    written = float(value)
    return written if exact(written) == value else None


@dataclass
class Context:
    """The analysis in progress (see the module docstring)."""

    search: Search
    parties: list[str]
    progress: Callable[[], None] = lambda: None
    methods: set[str] = field(default_factory=set)
    variants: dict[Any, Scenario] = field(default_factory=dict)
    #: a minimal conflict of the stated world (closed spaces): while all of it binds, no number outside it opens anything
    conflict: tuple[Requirement, ...] = ()

    @property
    def scenario(self) -> Scenario:
        return self.search.scenario

    @property
    def discrete(self) -> bool:
        return not self.scenario.continuous_issues

    def deadline(self) -> float | None:
        """A ``time.perf_counter()`` deadline for the programme (None: no limit)."""
        remaining = self.search.remaining()
        if remaining is not None and remaining <= 0:
            raise TimeLimitReached("the time limit was reached")
        return None if remaining is None else time.perf_counter() + remaining

    def out_of_time(self) -> None:
        """Raise TimeLimitReached when the time limit has passed (after the programme gave up: its deadline, or
        its size cap -- only the first is the time limit)."""
        remaining = self.search.remaining()
        if remaining is not None and remaining <= 0:
            raise TimeLimitReached("the time limit was reached")

    def requirement(self, kind: str, party: str | None = None, line: int | None = None) -> Requirement | None:
        """The reservation of ``party`` or the (hard) red line ``line`` as a requirement (None: not one)."""
        for r in self.search.requirements:
            if r.kind == kind and (r.party == party if kind == "reservation" else r.index == line):
                return r
        return None

    def variant(self, veto: str | None = None, reservations: Mapping[str, Fraction] | None = None,
                points: Mapping[tuple[str, str, str], Fraction] | None = None,
                dummies: Sequence[Mapping[str, Any]] = ()) -> Scenario:
        """The scenario with ``veto`` made a veto party, some reservations and points set, ``dummies`` added
        (party dicts with their own ``interactions``/``utilities`` entries); cached."""
        key = (veto, tuple(sorted((reservations or {}).items())), tuple(sorted((points or {}).items())), repr(dummies))
        if key in self.variants:
            return self.variants[key]
        data = self.scenario.to_dict()
        for party in data["parties"]:
            if party["id"] == veto:
                party["veto"] = True
            if party["id"] in (reservations or {}):
                party["reservation"] = _float(reservations[party["id"]])  # type: ignore[index]
                party.pop("reservation_range", None)  # the stated world ignores it; a moved reservation may leave it
        for (party_id, issue, option), value in (points or {}).items():
            data.setdefault("utilities", {}).setdefault(party_id, {}).setdefault(issue, {})[option] = _float(value)
        for dummy in dummies:
            data["parties"].append({k: v for k, v in dummy.items() if k not in ("interactions", "utilities")})
            data.setdefault("interactions", []).extend(dummy.get("interactions", []))
            if dummy.get("utilities"):
                data.setdefault("utilities", {})[dummy["id"]] = dummy["utilities"]
        found = self.variants[key] = Scenario.from_dict(data, self.scenario.source)
        return found


def _float(value: Fraction) -> float:
    written = decimal(value)
    if written is None:
        raise ValueError(f"{value} is not a decimal a scenario file can hold exactly")
    return written
