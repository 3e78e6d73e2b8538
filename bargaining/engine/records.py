"""The typed edits: each change :class:`~.edits.Edit` makes to the one model, as data that can be listed and replayed.

``Search.edits()`` lists the records in force, oldest first; what they say about the problem (requirements
waived, a coalition imposed, issues frozen, a world set) is read from them and nowhere else kept.
docs/engine.md shows them at work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Union

from ..scenario import Requirement, World


@dataclass(frozen=True)
class Waive:
    """These requirements are switched off (the exact check waives them too)."""

    requirements: tuple[Requirement, ...]


@dataclass(frozen=True)
class Free:
    """The solver may switch off any requirement in force of these kinds ("reservation", "red_line"), and these
    requirements."""

    kinds: tuple[str, ...]
    requirements: tuple[Requirement, ...] = ()


@dataclass(frozen=True)
class Impose:
    """Exactly these parties take part (all veto parties among them)."""

    coalition: frozenset[str]


@dataclass(frozen=True)
class Freeze:
    """One issue held at a choice (an option id, or an amount)."""

    issue: str
    choice: Any


@dataclass(frozen=True)
class SetWorld:
    """A sampled world in force: its red lines' status, reservations and point factors."""

    world: World


@dataclass(frozen=True)
class GainAtLeast:
    """A lower bound on a party's gain (None: no bound)."""

    party: str
    gain: Fraction | float | None


@dataclass(frozen=True)
class AddRow:
    """A row built from the search's expressions (kept until the block ends)."""

    relation: Any = field(compare=False)

    @property
    def text(self) -> str:
        return str(self.relation)


@dataclass(frozen=True)
class CutOff:
    """This combination of discrete options excluded."""

    choices: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class SwitchOn:
    """A part of the model kept between searches (a phasing block, a robust block) switched on."""

    part: str


@dataclass(frozen=True)
class Release:
    """A part's switches left to the solver (the phasing block's: a red line broken, a reservation owed, before the
    last phase): the part, and how many switches."""

    part: str
    switches: int
    #: a lower bound on each switch while it is left free (None: its own bounds)
    at_least: float | None = None


@dataclass(frozen=True)
class Attend:
    """A non-veto party made to take part (its reservation and red lines bind) or to stay out."""

    party: str
    present: bool


@dataclass(frozen=True)
class LineBroken:
    """A red line with a price held (``broken`` False: never broken) or paid for whether broken or not (True)."""

    index: int
    broken: bool


@dataclass(frozen=True)
class LineVariant:
    """Red line ``index`` added again with some of its file's atoms taken as constants ((issue id, want) -> truth),
    binding whatever its party does (the line itself waived by the caller; break-even values, docs/break-even.md)."""

    index: int
    atoms: tuple[tuple[tuple[str, Any], bool], ...]


@dataclass(frozen=True)
class Bind:
    """These requirements bind (their switches held on), whatever a freeing edit let the solver do."""

    requirements: tuple[Requirement, ...]


@dataclass(frozen=True)
class Unmoved:
    """An issue with ``controlled_by`` held at its status quo (its control switch held off)."""

    issue: str


@dataclass(frozen=True)
class Variant:
    """A what-if in force: the model answers for ``scenario``, the model's own with other reservations and red-line
    prices (:mod:`.variant`)."""

    scenario: Any = field(compare=False)


EditRecord = Union[Waive, Free, Impose, Freeze, SetWorld, GainAtLeast, AddRow, CutOff, SwitchOn, Release, Attend,
                   LineBroken, LineVariant, Bind, Unmoved, Variant]


