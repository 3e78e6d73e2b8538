"""Exact evaluation of a package in plain Python: the check every solver answer goes through.

A *package* is a mapping issue id -> option id (discrete issue) or amount (continuous
issue).  Everything here is exact: points are read as the decimals written, amounts as
Fractions, so a solver tolerance can never make an unacceptable package look acceptable.
Red lines, interactions and ``controlled_by`` are read in their compiled form
(:mod:`.rules`, docs/rules.md), the same form the model and the programme consume.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import cached_property
from typing import Any, Collection, Iterator, Mapping

from .errors import Problem, ScenarioError, suggest
from .numbers import exact
from .rules import Rules, conjunction
from .schema import PER_UNIT, Interaction, Issue, Party, RedLine
from .worlds import STATED, World

#: A requirement switched off: ``("reservation", party_id)`` or ``("red_line", index)``.
Waiver = tuple[str, str | int]


def holds(condition: Mapping[str, Any], choices: Mapping[str, Any]) -> bool:
    """Whether a condition holds for a package: every issue it names is as it wants (see :mod:`.rules`)."""
    return conjunction(condition).holds(choices)


class ExactEvaluation:
    """The evaluation methods of :class:`~bargaining.scenario.Scenario` (a mixin)."""

    parties: list[Party]
    issues: list[Issue]
    interactions: list[Interaction]
    red_lines: list[RedLine]
    party: dict[str, Party]
    issue: dict[str, Issue]

    @property
    def party_ids(self) -> list[str]:
        raise NotImplementedError

    @property
    def veto_party_ids(self) -> list[str]:
        raise NotImplementedError

    def points(self, party: str, issue: str) -> dict[str, float]:
        raise NotImplementedError

    @cached_property
    def rules(self) -> Rules:
        """The red lines, interactions and controls compiled once (:mod:`.rules`)."""
        return Rules.of(self.issues, self.red_lines, self.interactions)

    def utility(self, party: str, choices: Mapping[str, Any], world: World = STATED) -> float:
        """The party's utility for the package, as a float (for reading); :meth:`exact_utility` is exact."""
        return float(self.exact_utility(party, choices, world))

    def exact_utility(self, party: str, choices: Mapping[str, Any], world: World = STATED) -> Fraction:
        """sum of the chosen options' points + per_unit x amount + the party's interactions that hold
        - the price of each of the party's soft red lines that the package breaks, exactly.

        In a sampled ``world`` each point is scaled by the party's factor and a red line's
        softness is the world's (see :mod:`.worlds`); the default is the stated world.  An unknown
        party, an unknown or missing issue, or an unknown option is a ValueError naming it."""
        self._check_party(party)
        self._check_choices(choices)
        return self._utility(party, choices, world)

    def _utility(self, party: str, choices: Mapping[str, Any], world: World) -> Fraction:
        if world is STATED or not world.scales(party):  # the stated points: only which lines are soft can differ
            soft = frozenset(rule.index for rule in self.rules.lines
                             if rule.party == party and world.status(rule.index, rule.line) == "soft")
            return self._compiled_utility(party, soft).value(choices)
        total = Fraction(0)
        scaled = world.scales(party)
        for issue in self.issues:
            option = PER_UNIT if issue.is_continuous else choices[issue.id]
            point = self.exact_points(party, issue.id).get(option)
            if point is None:
                continue
            if scaled:
                point *= world.factor(party, issue.id, option)
            total += point * exact(choices[issue.id]) if issue.is_continuous else point
        for term in self.rules.terms:
            if term.party == party and term.when.holds(choices):
                total += exact(term.value)
        for rule in self.rules.lines:
            if rule.party == party and world.status(rule.index, rule.line) == "soft" and not rule.holds(choices):
                total -= exact(rule.line.price or 0)
        return total

    def _compiled_utility(self, party: str, soft: frozenset[int]) -> "_CompiledUtility":
        """The party's utility with its points as stated and these of its red lines soft, compiled once (the same
        sum as :meth:`_utility`, in integers)."""
        cache: dict[tuple[str, frozenset[int]], _CompiledUtility] = self.__dict__.setdefault("_compiled_utilities", {})
        if (party, soft) not in cache:
            cache[party, soft] = _CompiledUtility.of(self, party, soft)
        return cache[party, soft]

    def exact_points(self, party: str, issue: str) -> dict[str, Fraction]:
        """The party's points for the issue's options as exact decimals (read once, then kept)."""
        cache: dict[tuple[str, str], dict[str, Fraction]] = self.__dict__.setdefault("_exact_points", {})
        if (party, issue) not in cache:
            cache[party, issue] = {o: exact(v) for o, v in self.points(party, issue).items()}
        return cache[party, issue]

    def reservation(self, party: str, world: World = STATED) -> float:
        """The party's reservation as a float: as stated, or as drawn in a sampled ``world``."""
        return float(self.exact_reservation(party, world))

    def exact_reservation(self, party: str, world: World = STATED) -> Fraction:
        """The party's reservation, exactly: as stated, or as drawn in a sampled ``world``."""
        self._check_party(party)
        return world.reservation(self.party[party])

    def holds(self, condition: Mapping[str, Any], choices: Mapping[str, Any]) -> bool:
        return holds(condition, choices)

    def red_line_holds(self, red_line: RedLine, choices: Mapping[str, Any]) -> bool:
        """forbid C: C does not hold; require C: C holds; if C1 then C2: not C1, or C2 (:mod:`.rules`)."""
        return self.rules.line_of(red_line).holds(choices)

    def describe_red_line(self, index: int, concession: bool = False) -> str:
        raise NotImplementedError

    def party_accepts(self, party: str, choices: Mapping[str, Any], waived: Collection[Waiver] = (),
                      world: World = STATED) -> bool:
        """The party's reservation and all its hard red lines hold for the package (except those waived)."""
        self._check_party(party)
        self._check_choices(choices)
        return self._accepts(party, choices, waived, world)

    def _accepts(self, party: str, choices: Mapping[str, Any], waived: Collection[Waiver], world: World) -> bool:
        return next(self._refusals(party, choices, waived, world), None) is None

    def _refusals(self, party: str, choices: Mapping[str, Any], waived: Collection[Waiver], world: World) -> Iterator[str]:
        """Each of the party's requirements that the package fails, in words (lazily: the first says it refuses)."""
        if ("reservation", party) not in waived:
            utility, reservation = self._utility(party, choices, world), world.reservation(self.party[party])
            if utility < reservation:
                yield f"{self.party[party].possessive} utility {float(utility):g} is below its reservation {float(reservation):g}"
        for rule in self.rules.lines:
            if (rule.party == party and world.status(rule.index, rule.line) == "hard" and ("red_line", rule.index) not in waived
                    and not rule.holds(choices)):
                yield f"it breaks the red line {self.describe_red_line(rule.index)}"

    def why_refused(self, choices: Mapping[str, Any], waived: Collection[Waiver] = (), coalition: Collection[str] | None = None,
                    world: World = STATED) -> list[str]:
        """Why :meth:`signers` refuses the package, one line per failing requirement (empty: it is acceptable)."""
        self._check_choices(choices)
        bound = self.veto_party_ids if coalition is None else [p for p in self.party_ids if p in coalition]
        found = [f"{self.party[p].label}: {reason}" for p in bound for reason in self._refusals(p, choices, waived, world)]
        if found:
            return found
        taking_part = bound if coalition is not None else [p.id for p in self.parties if self._accepts(p.id, choices, waived, world)]
        return [f"{self.issue[c.issue].label} leaves its status quo without enough of its controlling parties"
                for c in self.rules.controls if c.moved(choices) and not c.allows(taking_part)]

    def signers(self, choices: Mapping[str, Any], waived: Collection[Waiver] = (),
                coalition: Collection[str] | None = None, world: World = STATED) -> list[str] | None:
        """The parties that take part in a package, or None if it is not acceptable.

        Veto parties must accept; a non-veto party takes part when it accepts.  An issue
        with ``controlled_by`` may leave its status quo only if enough of its controlling
        parties take part (any one of a list; all of ``all:``; k of ``at_least: k, of:``).
        ``waived`` requirements -- ``("reservation", party)`` or ``("red_line", index)`` -- are
        not checked.  With a ``coalition``, exactly its members take part and all must accept.
        In a sampled ``world``, its reservations, points and red lines apply.
        """
        self._check_choices(choices)
        if coalition is None:
            taking_part = [p.id for p in self.parties if self._accepts(p.id, choices, waived, world)]
            if any(p not in taking_part for p in self.veto_party_ids):
                return None
        else:
            taking_part = [p for p in self.party_ids if p in coalition]
            if not all(self._accepts(p, choices, waived, world) for p in taking_part):
                return None
        if any(control.moved(choices) and not control.allows(taking_part) for control in self.rules.controls):
            return None
        return taking_part

    def is_acceptable(self, choices: Mapping[str, Any], world: World = STATED) -> bool:
        return self.signers(choices, world=world) is not None

    def _check_party(self, party: str) -> None:
        if party not in self.party:
            close = suggest(str(party), self.party_ids)
            hint = close if "did you mean" in close else f"; the parties are {', '.join(self.party_ids)}"
            raise ValueError(f"unknown party {party!r}{hint}")

    def _check_choices(self, choices: Mapping[str, Any]) -> None:
        """A choice for every issue and nothing else, each a known option (or a number, for an amount); the
        full check of what a user types, with every problem at once, is :meth:`check_package`."""
        options: dict[str, frozenset[str] | None] = self.__dict__.get("_option_sets") or self.__dict__.setdefault(
            "_option_sets", {i.id: None if i.is_continuous else frozenset(i.option_ids) for i in self.issues})
        if not isinstance(choices, Mapping):
            raise TypeError(f"a package is a mapping issue id -> choice, not {type(choices).__name__}")
        if len(choices) != len(options) or not all(k in options for k in choices):
            unknown = [k for k in choices if k not in options]
            if unknown:
                raise ValueError(f"unknown issue {unknown[0]!r}{suggest(str(unknown[0]), list(options))}")
            missing = next(i for i in options if i not in choices)
            raise ValueError(f"no choice for issue {missing!r}")
        for issue_id, allowed in options.items():
            choice = choices[issue_id]
            if allowed is None:
                if isinstance(choice, (str, bool)) or not isinstance(choice, (int, float, Fraction)) and not hasattr(choice, "__float__"):
                    raise ValueError(f"issue {issue_id!r} is an amount; got {choice!r}")
            elif choice not in allowed:
                raise ValueError(f"unknown option {choice!r} of issue {issue_id!r}{suggest(str(choice), sorted(allowed))}")

    def check_package(self, choices: Mapping[str, Any], source: str = "package") -> dict[str, Any]:
        """The package's choices, checked: a known option for every discrete issue, an amount
        within the range for every continuous one, no unknown issue.  Else a ScenarioError
        naming each bad choice and the fix."""
        problems = []
        if not isinstance(choices, Mapping):
            raise ScenarioError(source, [Problem((), f"expected a mapping issue id -> choice, got {type(choices).__name__}")])
        for issue_id in choices:
            if issue_id not in self.issue:
                problems.append(Problem((str(issue_id),), f"unknown issue{suggest(issue_id, list(self.issue))}"))
        checked: dict[str, Any] = {}
        for issue in self.issues:
            if issue.id not in choices:
                problems.append(Problem((issue.id,), "no choice for this issue; give " + (
                    f"an amount in [{issue.range[0]:g}, {issue.range[1]:g}]" if issue.range else "one of " + ", ".join(issue.option_ids))))
                continue
            choice = choices[issue.id]
            if issue.range is not None:
                low, high = issue.range
                if isinstance(choice, bool) or not isinstance(choice, (int, float, Fraction)):
                    problems.append(Problem((issue.id,), f"expected an amount, got {choice!r}"))
                elif not exact(low) <= exact(choice) <= exact(high):
                    problems.append(Problem((issue.id,), f"{float(choice):g} is outside the range [{low:g}, {high:g}]"))
                else:
                    checked[issue.id] = choice
            elif choice not in issue.option_ids:
                problems.append(Problem((issue.id,), f"unknown option {choice!r} of issue '{issue.id}'{suggest(choice, issue.option_ids)}"))
            else:
                checked[issue.id] = choice
        if problems:
            raise ScenarioError(source, problems)
        return checked


class _CompiledUtility:
    """One party's utility with its points as stated, as integers over one denominator: the chosen options' points,
    each interaction that holds and minus the price of each soft red line broken, all times ``denominator``, plus
    per_unit x amount for each amount.  Exactly :meth:`ExactEvaluation._utility`'s sum (the Fractions added one by
    one made the exact check of every package the solver offers a tenth of a solve)."""

    def __init__(self, denominator: int, options: list[tuple[str, dict[str, int]]], amounts: list[tuple[str, Fraction]],
                 terms: list[tuple[Any, int]], lines: list[tuple[Any, int]]):
        self.denominator, self.options, self.amounts, self.terms, self.lines = denominator, options, amounts, terms, lines

    @classmethod
    def of(cls, scenario: ExactEvaluation, party: str, soft: frozenset[int]) -> "_CompiledUtility":
        tables = [(issue, scenario.exact_points(party, issue.id)) for issue in scenario.issues]
        discrete = [(issue.id, table) for issue, table in tables if not issue.is_continuous and table]
        per_unit = [(issue.id, table[PER_UNIT]) for issue, table in tables if issue.is_continuous and PER_UNIT in table]
        terms = [(term.when, exact(term.value)) for term in scenario.rules.terms if term.party == party]
        lines = [(rule, exact(rule.line.price or 0)) for rule in scenario.rules.lines if rule.party == party and rule.index in soft]
        numbers = [v for _, table in discrete for v in table.values()] + [v for _, v in terms] + [v for _, v in lines]
        denominator = 1
        for value in numbers:
            denominator = denominator * value.denominator // math.gcd(denominator, value.denominator)
        scaled = [(issue, {o: int(v * denominator) for o, v in table.items()}) for issue, table in discrete]
        return cls(denominator, scaled, per_unit, [(when, int(v * denominator)) for when, v in terms],
                   [(rule, int(v * denominator)) for rule, v in lines])

    def value(self, choices: Mapping[str, Any]) -> Fraction:
        total = 0
        for issue, table in self.options:
            total += table.get(choices[issue], 0)
        for when, value in self.terms:
            if when.holds(choices):
                total += value
        for rule, price in self.lines:
            if not rule.holds(choices):
                total -= price
        utility = Fraction(total, self.denominator)
        for issue, point in self.amounts:
            utility += point * exact(choices[issue])
        return utility
