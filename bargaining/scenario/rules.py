"""Every rule of a scenario compiled once, into the form that every engine consumes.

The mathematics, with a worked example, is in docs/rules.md.  In short:

* An *atom* says where one issue stands.  :class:`OptionAtom` -- the chosen option is one of a
  set; :class:`AmountAtom` -- the amount lies in some of the three *regions* of an interval
  [a, b]: below (x < a), inside (a <= x <= b), above (x > b).  The negation of an atom is again
  one atom (the other options, the other regions).
* A *conjunction* holds when all its atoms hold (the empty conjunction always holds).  A
  condition of the file (issue -> option, list of options or bound) is a conjunction.
* A red line compiles to its *forbidden conjunctions*: ``forbid: C`` forbids C; ``require: C``
  forbids (not A) for each atom A of C; ``if: C1, then: C2`` forbids (C1 and not B) for each
  atom B of C2.  The line *holds* when none of its forbidden conjunctions holds.
* An interaction compiles to a :class:`Term`: its points go to its party when its ``when``
  conjunction holds.
* ``controlled_by`` compiles to a :class:`Control`: at least ``need`` of ``members`` take part
  for the issue to leave its status quo (monotone in who takes part).

Who consumes it: the exact evaluator (:mod:`.evaluate`, :mod:`.acceptance`) tests atoms on a
package in exact arithmetic; the model (:mod:`bargaining.engine.model`) writes one row per
forbidden conjunction, ``sum of its atoms' indicators <= len - 1 + switch``; the programme
(:mod:`bargaining.algorithms.programme`) builds its factor tables from the conjunctions' option
masks.  A rule is always evaluated on a *state* -- issue id -> choice -- that its consumer
chooses: the package, the state after a phase of a phased deal, ...; the form itself does not
know which.  A new kind of rule is added here, once, as forbidden conjunctions (or terms), and
every engine then handles it (docs/rules.md, "Adding a kind of rule").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Mapping, Sequence, Union

from .numbers import exact, exact_or_id
from .schema import Bound, Issue, RedLine

Region = Literal["below", "inside", "above"]
REGIONS: tuple[Region, ...] = ("below", "inside", "above")
#: A state: issue id -> the chosen option id (discrete) or amount (continuous).
State = Mapping[str, Any]
#: One distinct interval on an amount: (issue id, at_least, at_most); the model keeps one set of
#: region indicators per interval.
Interval = tuple[str, Union[float, None], Union[float, None]]


@dataclass(frozen=True)
class OptionAtom:
    """The option chosen on ``issue`` is one of ``options`` (in the issue's order)."""

    issue: str
    options: tuple[str, ...]

    def holds(self, state: State) -> bool:
        return state[self.issue] in self.options


@dataclass(frozen=True)
class AmountAtom:
    """The amount of ``issue`` lies in one of ``regions`` of the interval [at_least, at_most]:
    "below" (x < at_least), "inside" (at_least <= x <= at_most) or "above" (x > at_most).  A
    missing bound has no region beyond it (no "below" without at_least)."""

    issue: str
    at_least: float | None
    at_most: float | None
    regions: tuple[Region, ...]

    @property
    def interval(self) -> Interval:
        return (self.issue, self.at_least, self.at_most)

    def region(self, amount: Any) -> Region:
        x = exact(amount)
        if self.at_least is not None and x < exact(self.at_least):
            return "below"
        if self.at_most is not None and x > exact(self.at_most):
            return "above"
        return "inside"

    def holds(self, state: State) -> bool:
        return self.region(state[self.issue]) in self.regions


Atom = Union[OptionAtom, AmountAtom]


@dataclass(frozen=True)
class Conjunction:
    """All of ``atoms`` hold (no atoms: always).  At most one option atom per issue."""

    atoms: tuple[Atom, ...]

    def holds(self, state: State) -> bool:
        return all(atom.holds(state) for atom in self.atoms)

    @property
    def issues(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(atom.issue for atom in self.atoms))


@dataclass(frozen=True)
class LineRule:
    """A red line compiled: it holds when none of ``forbidden`` holds.  ``line`` is the file's red line
    (its price, ``real`` and ``final_only`` say what breaking it costs, and when it binds)."""

    index: int
    party: str
    forbidden: tuple[Conjunction, ...]
    line: RedLine = field(compare=False, repr=False)

    def holds(self, state: State) -> bool:
        return not any(conjunction.holds(state) for conjunction in self.forbidden)


@dataclass(frozen=True)
class Term:
    """An interaction compiled: ``value`` points to ``party`` when ``when`` holds."""

    index: int
    party: str
    when: Conjunction
    value: float


@dataclass(frozen=True)
class Control:
    """``controlled_by`` compiled: the issue may leave its status quo only when at least ``need`` of
    ``members`` take part (any one of a list; all of ``all:``; k of ``at_least: k, of:``)."""

    issue: str
    members: tuple[str, ...]
    need: int
    status_quo: Any

    def allows(self, taking_part: Sequence[str] | frozenset[str] | set[str]) -> bool:
        """Whether these parties taking part may move the issue (monotone: more parties never hurt)."""
        return len(set(self.members) & set(taking_part)) >= self.need

    def moved(self, state: State) -> bool:
        """Whether the state has the issue off its status quo."""
        return bool(exact_or_id(state[self.issue]) != exact_or_id(self.status_quo))


@dataclass(frozen=True)
class Rules:
    """A scenario's rules compiled: one :class:`LineRule` per red line, one :class:`Term` per
    interaction (both in file order), one :class:`Control` per issue with ``controlled_by``, and the
    distinct intervals on amounts that any atom mentions (in order of first mention)."""

    lines: tuple[LineRule, ...]
    terms: tuple[Term, ...]
    controls: tuple[Control, ...]
    intervals: tuple[Interval, ...]

    @classmethod
    def of(cls, issues: Sequence[Issue], red_lines: Sequence[RedLine], interactions: Sequence[Any]) -> Rules:
        compiler = _Compiler({i.id: i for i in issues})
        terms = tuple(Term(j, x.party, compiler.conjunction(x.when), x.value) for j, x in enumerate(interactions))
        lines = tuple(LineRule(k, r.party, compiler.forbidden(r), r) for k, r in enumerate(red_lines))
        controls = tuple(Control(i.id, tuple(i.controllers), i.controllers_needed, i.status_quo_choice)
                         for i in issues if i.controlled_by)
        return cls(lines, terms, controls, tuple(compiler.intervals))

    def line_of(self, red_line: RedLine) -> LineRule:
        """The compiled form of one of the scenario's red lines."""
        return next(rule for rule in self.lines if rule.line == red_line)


class _Compiler:
    """Conditions of the file -> atoms and conjunctions (it needs each issue's options for negations)."""

    def __init__(self, issues: Mapping[str, Issue]):
        self.issues = issues
        self.intervals: dict[Interval, None] = {}

    def atom(self, issue_id: str, want: Any) -> Atom:
        if isinstance(want, Bound):
            self.intervals[(issue_id, want.at_least, want.at_most)] = None
            return AmountAtom(issue_id, want.at_least, want.at_most, ("inside",))
        wanted = {want} if isinstance(want, str) else set(want)
        return OptionAtom(issue_id, tuple(o for o in self.issues[issue_id].option_ids if o in wanted))

    def negation(self, atom: Atom) -> Atom:
        if isinstance(atom, AmountAtom):
            possible = self.regions(atom)
            return AmountAtom(atom.issue, atom.at_least, atom.at_most, tuple(r for r in possible if r not in atom.regions))
        return OptionAtom(atom.issue, tuple(o for o in self.issues[atom.issue].option_ids if o not in atom.options))

    @staticmethod
    def regions(atom: AmountAtom) -> tuple[Region, ...]:
        """The regions an amount can be in relative to the atom's interval (no region beyond a missing bound)."""
        return tuple(r for r in REGIONS if not (r == "below" and atom.at_least is None) and not (r == "above" and atom.at_most is None))

    def conjunction(self, condition: Mapping[str, Any]) -> Conjunction:
        return self.simplified([self.atom(i, w) for i, w in condition.items()])

    def forbidden(self, red_line: RedLine) -> tuple[Conjunction, ...]:
        """forbid C: {C}; require C: {not A} per atom A of C; if C1 then C2: {C1 and not B} per atom B of C2.
        Conjunctions that can never hold are left out."""
        if red_line.forbid is not None:
            found = [self.conjunction(red_line.forbid)]
        elif red_line.require is not None:
            found = [self.simplified([self.negation(a)]) for a in self.conjunction(red_line.require).atoms]
        else:
            premise = [self.atom(i, w) for i, w in (red_line.if_ or {}).items()]
            found = [self.simplified([*premise, self.negation(b)]) for b in self.conjunction(red_line.then or {}).atoms]
        return tuple(c for c in found if c is not NEVER)

    def simplified(self, atoms: list[Atom]) -> Conjunction:
        """Option atoms on one issue intersected; atoms that always hold dropped; NEVER when one cannot hold."""
        kept: list[Atom] = []
        for atom in atoms:
            if isinstance(atom, OptionAtom):
                same = next((k for k, a in enumerate(kept) if isinstance(a, OptionAtom) and a.issue == atom.issue), None)
                if same is not None:
                    previous = kept[same]
                    assert isinstance(previous, OptionAtom)
                    atom = OptionAtom(atom.issue, tuple(o for o in previous.options if o in atom.options))
                    kept[same] = atom
                else:
                    kept.append(atom)
                if not atom.options:
                    return NEVER
            else:
                if not atom.regions:
                    return NEVER
                kept.append(atom)
        return Conjunction(tuple(a for a in kept if not self._always(a)))

    def _always(self, atom: Atom) -> bool:
        if isinstance(atom, OptionAtom):
            return len(atom.options) == len(self.issues[atom.issue].option_ids)
        return len(atom.regions) == len(self.regions(atom))


#: A conjunction that can never hold (an atom with no options or regions left); never kept in a rule.
NEVER = Conjunction((OptionAtom("", ()),))


def compiled(red_line: RedLine, issues: Sequence[Issue]) -> LineRule:
    """One red line compiled on its own (as index 0), for a check that has the issues it names but no scenario."""
    return Rules.of(issues, [red_line], []).lines[0]


def conjunction(condition: Mapping[str, Any]) -> Conjunction:
    """A condition of the file as a conjunction of positive atoms (no negation, so no scenario is needed)."""
    atoms: list[Atom] = []
    for issue_id, want in condition.items():
        if isinstance(want, Bound):
            atoms.append(AmountAtom(issue_id, want.at_least, want.at_most, ("inside",)))
        else:
            atoms.append(OptionAtom(issue_id, (want,) if isinstance(want, str) else tuple(want)))
    return Conjunction(tuple(atoms))


def given(atom: Atom, issue: str, want: Any, truth: bool, options: Sequence[str] = ()) -> bool | None:
    """Whether a compiled atom holds when the file's condition ``issue: want`` is known to be ``truth`` (None: the
    atom says something else, so it stays open).  A condition compiles to its atom or, negated, to the complement
    (:meth:`_Compiler.negation`), so the known truth decides exactly those two; ``options``: the issue's options."""
    if atom.issue != issue:
        return None
    if isinstance(atom, AmountAtom):
        if not isinstance(want, Bound) or (atom.at_least, atom.at_most) != (want.at_least, want.at_most):
            return None
        outside = set(_Compiler.regions(atom)) - {"inside"}
        if set(atom.regions) == {"inside"}:
            return truth
        return (not truth) if set(atom.regions) == outside else None
    if isinstance(want, Bound):
        return None
    wanted = {want} if isinstance(want, str) else set(want)
    if set(atom.options) == wanted:
        return truth
    return (not truth) if set(atom.options) == set(options) - wanted else None
