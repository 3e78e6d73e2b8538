"""Result objects for the answers that used to be bare DataFrames: the acceptable packages, the
relaxations, the coalitions, the sampled worlds, the robustness of packages and the value of
information.  Each keeps its structure (packages, requirements, rows with named fields) and gives
its table with ``.to_frame()``; for one release each also answers the DataFrame's own names
(with a DeprecationWarning, see :class:`~bargaining.results.envelope.FrameCompat`)."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Iterator, Literal, Mapping

import pandas as pd

from ..scenario import Requirement, Scenario, World, Worlds
from .analyses import Coalition, coalitions_frame
from .diagnosis import ReservationCut
from .envelope import FrameCompat, Result
from .formatting import frame_html, number, percent
from .package import Package, packages_frame


def _head(result: Any) -> str:
    return f"<p>{html.escape(repr(result)[1:-1])}</p>"


# --------------------------------------------------------------------------- acceptable packages


@dataclass(frozen=True)
class Acceptable(FrameCompat, Result):
    """The acceptable packages listed (``packages``, largest total utility first) and how many are
    acceptable in all (``count``; None when not counted).  ``complete``: every acceptable package is
    listed (False when ``limit`` stopped the listing, when only counted, or at a time limit)."""

    scenario: Scenario = field(repr=False)
    packages: tuple[Package, ...] = ()
    count: int | None = None

    def __len__(self) -> int:
        return len(self.packages)

    def __iter__(self) -> Iterator[Package]:
        return iter(self.packages)

    @property
    def items(self) -> tuple[Package, ...]:
        return self.packages

    def to_frame(self) -> pd.DataFrame:
        """One row per package listed: a column per issue (its choice) and per party (its utility)."""
        frame = packages_frame(self.scenario, list(self.packages))
        frame.attrs.update(complete=self.complete, count=self.count, method=self.method)
        return frame

    def __repr__(self) -> str:
        listed = f"{len(self):,} package{'' if len(self) == 1 else 's'} listed"
        if self.count is not None:
            listed += f" of {self.count:,} acceptable"
        elif not self.complete:
            listed += " (not all: not counted)"
        return f"<Acceptable: {listed}; method {self.method}>"

    def _repr_html_(self) -> str:
        return _head(self) + frame_html(self.to_frame(), rows=50)


# --------------------------------------------------------------------------- what would open a closed space


@dataclass(frozen=True)
class Relaxation:
    """One way to open a closed space: requirements dropped (``kind`` "drop"), or a veto party's
    reservation lowered by the smallest cut that opens it alone (``kind`` "lower reservation")."""

    kind: Literal["drop", "lower reservation"]
    requirements: tuple[Requirement, ...] = ()
    cut: ReservationCut | None = None

    @property
    def parties(self) -> tuple[str, ...]:
        """Whose requirements these are."""
        if self.cut is not None:
            return (self.cut.party,)
        return tuple(dict.fromkeys(r.party for r in self.requirements))

    @property
    def size(self) -> int:
        return 1 if self.cut is not None else len(self.requirements)

    @property
    def label(self) -> str:
        if self.cut is not None:
            return str(self.cut)
        return "; ".join(r.label for r in self.requirements)


@dataclass(frozen=True)
class Relaxations(FrameCompat, Result):
    """What would open a closed space, smallest first: every minimal set of requirements to drop
    (``drops``, at most ``max_size`` each), then each veto party's reservation cut (``cuts``).
    Empty when the space is open."""

    scenario: Scenario = field(repr=False)
    items: tuple[Relaxation, ...] = ()
    max_size: int = 0

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Relaxation]:
        return iter(self.items)

    @property
    def drops(self) -> tuple[Relaxation, ...]:
        return tuple(r for r in self.items if r.kind == "drop")

    @property
    def cuts(self) -> tuple[Relaxation, ...]:
        return tuple(r for r in self.items if r.kind == "lower reservation")

    def to_frame(self) -> pd.DataFrame:
        """One row per way: kind, size, parties (comma-separated ids), requirements (in words), reservation_cut."""
        rows = [{"kind": r.kind, "size": r.size, "parties": ", ".join(r.parties), "requirements": r.label,
                 "reservation_cut": None if r.cut is None else r.cut.cut} for r in self.items]
        frame = pd.DataFrame(rows, columns=["kind", "size", "parties", "requirements", "reservation_cut"])
        frame["reservation_cut"] = frame["reservation_cut"].astype(float)
        return frame

    def __repr__(self) -> str:
        if not self.items:
            return "<Relaxations: none (the space is open, or nothing this small opens it)>"
        return (f"<Relaxations: {len(self.drops)} set{'' if len(self.drops) == 1 else 's'} of requirements to drop, "
                f"{len(self.cuts)} reservation cut{'' if len(self.cuts) == 1 else 's'}: " + " | ".join(r.label for r in self.items) + ">")

    def _repr_html_(self) -> str:
        return f"<p>Relaxations ({len(self):,})</p>" + frame_html(self.to_frame())


# --------------------------------------------------------------------------- coalitions


@dataclass(frozen=True)
class Coalitions(FrameCompat, Result):
    """Every minimal coalition that opens the space (``items``, smallest first), each a
    :class:`Coalition` with its best maxmin package.  Empty when none does."""

    scenario: Scenario = field(repr=False)
    items: tuple[Coalition, ...] = ()

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Coalition]:
        return iter(self.items)

    def to_frame(self) -> pd.DataFrame:
        """One row per coalition: members, joining (comma-separated ids), size, then its package's columns."""
        return coalitions_frame(self.scenario, list(self.items))

    def __repr__(self) -> str:
        if not self.items:
            return "<Coalitions: none opens the space>"
        return "<Coalitions: " + "; ".join("veto parties + " + (", ".join(c.joining) or "nobody") for c in self.items) + ">"

    def _repr_html_(self) -> str:
        return _head(self) + frame_html(self.to_frame())


# --------------------------------------------------------------------------- sampled worlds


@dataclass(frozen=True)
class SampledWorlds(FrameCompat, Result):
    """The sampled worlds (``space.worlds()``): ``len``, ``[k]`` the k-th :class:`~bargaining.scenario.World`,
    ``.to_frame()`` one row per world (see :meth:`bargaining.BargainingSpace.worlds`)."""

    worlds: Worlds = field(repr=False)

    @property
    def samples(self) -> int:
        return len(self.worlds)

    @property
    def seed(self) -> int:
        return self.worlds.seed

    def __len__(self) -> int:
        return len(self.worlds)

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, int):
            world: World = self.worlds[key]
            return world
        return FrameCompat.__getitem__(self, key)

    def to_frame(self) -> pd.DataFrame:
        return self.worlds.to_frame()

    def __repr__(self) -> str:
        return f"<SampledWorlds: {self.samples:,} worlds, seed {self.seed}>"

    def _repr_html_(self) -> str:
        return _head(self) + frame_html(self.to_frame(), rows=20)


# --------------------------------------------------------------------------- robustness and the value of information


def _none(value: Any) -> Any:
    """A missing value (NaN, None) as None."""
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


@dataclass(frozen=True)
class PackageRobustness:
    """One package's acceptance over the sampled worlds: ``share`` with its 95% interval (``low``,
    ``high``; None when the share is exact: nothing sampled), each party's share of worlds accepting it
    (``accepts``), and the requirement that blocks it in the most worlds (``blocked_by``, None when nothing
    ever does) with that share."""

    label: str
    choices: Mapping[str, Any]
    share: float
    low: float | None
    high: float | None
    accepts: Mapping[str, float]
    blocked_by: str | None
    blocked_share: float


@dataclass(frozen=True)
class Robustness(FrameCompat, Result):
    """How often each package is acceptable over the sampled worlds, one :class:`PackageRobustness` each; ``exact``
    (``samples`` 0): the exact chance over every world of the uncertain red lines, no interval."""

    scenario: Scenario = field(repr=False)
    table: pd.DataFrame = field(repr=False, compare=False)
    samples: int = 0
    seed: int = 0

    @property
    def items(self) -> tuple[PackageRobustness, ...]:
        parties, issues = self.scenario.party_ids, [i.id for i in self.scenario.issues]
        return tuple(PackageRobustness(str(r["package"]), {i: r[i] for i in issues}, float(r["share"]), _none(r["low"]),
                                       _none(r["high"]), {p: float(r[f"{p} accepts"]) for p in parties},
                                       _none(r["blocked most by"]), float(_none(r["blocked share"]) or 0.0))
                     for r in self.table.to_dict("records"))

    def __len__(self) -> int:
        return len(self.table)

    def __iter__(self) -> Iterator[PackageRobustness]:
        return iter(self.items)

    def to_frame(self) -> pd.DataFrame:
        """One row per package: ``package``, a column per issue, ``share``, ``low``, ``high``, ``<party> accepts``,
        ``blocked most by`` (None when nothing blocks it) and ``blocked share``."""
        frame = self.table.copy()
        if "blocked most by" in frame:
            frame["blocked most by"] = pd.Series([_none(v) for v in frame["blocked most by"]], index=frame.index, dtype=object)
        frame.attrs.update(samples=self.samples, seed=self.seed)
        return frame

    def __repr__(self) -> str:
        rows = "; ".join(f"{r.label} {percent(r.share)}" for r in self.items)
        if self.exact and not self.samples:
            return f"<Robustness, exact over every world of the uncertain red lines: {rows or 'no package'}>"
        return f"<Robustness over {self.samples:,} worlds (seed {self.seed}): {rows or 'no package'}>"

    def _repr_html_(self) -> str:
        return _head(self) + frame_html(self.to_frame())


@dataclass(frozen=True)
class Question:
    """One uncertainty a private channel could ask about: ``question`` (a red line's id, or a party's id
    for its reservation), ``kind``, ``label``, what ``yes`` means, the share of worlds where it is yes
    (``p_yes``), the chance of a deal either way (None: no world on that side), the most robust
    package's share now and after each answer, and ``rise``: what knowing the answer adds."""

    question: str
    kind: str
    label: str
    yes_means: str
    p_yes: float
    deal_if_yes: float | None
    deal_if_no: float | None
    robust_now: float
    robust_if_yes: float | None
    robust_if_no: float | None
    rise: float
    rank: int = 0
    tied_with: str = ""


@dataclass(frozen=True)
class ValueOfInformation(FrameCompat, Result):
    """What learning each uncertainty would be worth, the most valuable first (one :class:`Question` each; questions
    of equal value share a ``rank`` and name each other in ``tied_with``: none of them comes first).  ``exact``: over
    every world of the uncertain red lines (``samples`` 0), else over ``samples`` sampled worlds."""

    scenario: Scenario = field(repr=False)
    table: pd.DataFrame = field(repr=False, compare=False)
    samples: int = 0
    seed: int = 0

    @property
    def items(self) -> tuple[Question, ...]:
        return tuple(Question(str(r["question"]), str(r["kind"]), str(r["label"]), str(r["yes means"]), float(r["p yes"]),
                              _none(r["deal if yes"]), _none(r["deal if no"]), float(r["robust now"]),
                              _none(r["robust if yes"]), _none(r["robust if no"]), float(r["rise"]),
                              int(r.get("rank", k + 1)), str(r.get("tied with") or ""))
                     for k, r in enumerate(self.table.to_dict("records")))

    def __len__(self) -> int:
        return len(self.table)

    def __iter__(self) -> Iterator[Question]:
        return iter(self.items)

    def to_frame(self) -> pd.DataFrame:
        """One row per question: question, kind, label, yes means, p yes, deal if yes, deal if no, robust now,
        robust if yes, robust if no, rise (NaN where a side has no world)."""
        frame = self.table.copy()
        frame.attrs.update(samples=self.samples, seed=self.seed)
        return frame

    def __repr__(self) -> str:
        top = self.items[:3]
        ranked = "; ".join(f"{q.rank}. {q.question} +{number(100 * q.rise)} points" for q in top)
        more = f"; {len(self) - len(top)} more" if len(self) > len(top) else ""
        over = "exact over every world of the uncertain red lines" if self.exact and not self.samples else f"over {self.samples:,} worlds"
        return f"<ValueOfInformation {over}: {ranked or 'nothing uncertain'}{more}>"

    def _repr_html_(self) -> str:
        return _head(self) + frame_html(self.to_frame())


# --------------------------------------------------------------------------- the solver's word


@dataclass(frozen=True)
class NumericDoubt(Result):
    """Why the solver's answers cannot be certified on this scenario's numbers: the parties whose utilities
    can differ by less (``step``) than the solver tells apart on their ``scale``.  ``str()`` says it and the fix."""

    parties: tuple[str, ...]
    step: Fraction
    scale: float
    text: str = field(default="", repr=False)

    def __str__(self) -> str:
        return self.text

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"party": p, "step": float(self.step), "scale": self.scale} for p in self.parties])

    def __repr__(self) -> str:
        return f"<NumericDoubt: {self.text}>"

    def _repr_html_(self) -> str:
        return _head(self)


__all__ = ["Acceptable", "Coalitions", "NumericDoubt", "PackageRobustness", "Question", "Relaxation", "Relaxations",
           "Robustness", "SampledWorlds", "ValueOfInformation"]
