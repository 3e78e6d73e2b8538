"""The Pareto frontier as found: its points (exact), how it was found, and its table."""

from __future__ import annotations

import math
from collections import abc
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ..scenario import Scenario
from .envelope import FrameCompat, Result
from .formatting import frame_html, number
from .package import Package, package_columns


class IndexedChoices(abc.Sequence):  # type: ignore[type-arg]
    """A frontier's packages stored compactly: ``positions[k, n]`` is the position of package k's option on ``issues[n]``
    (one small integer per issue and package); ``[k]`` builds package k's choices (issue id -> option id) when asked."""

    def __init__(self, issues: Sequence[str], option_ids: Sequence[Sequence[str]], index: np.ndarray):
        self.issues, self.option_ids, self.positions = tuple(issues), tuple(tuple(o) for o in option_ids), index

    def __len__(self) -> int:
        return len(self.positions)

    def __getitem__(self, k: Any) -> Any:
        if isinstance(k, slice):
            return [self[j] for j in range(*k.indices(len(self)))]
        row = self.positions[k].tolist()
        return {i: self.option_ids[n][j] for n, (i, j) in enumerate(zip(self.issues, row))}

    def column(self, issue: str) -> np.ndarray:
        """Every package's option on ``issue`` (an object array of option ids)."""
        n = self.issues.index(issue)
        return np.array(self.option_ids[n], dtype=object)[self.positions[:, n]] if len(self) else np.zeros(0, dtype=object)


@dataclass(frozen=True, eq=False)
class Frontier(FrameCompat, Result):
    """One point per non-dominated utility vector, and how the frontier was found.

    Points are stored compactly and exactly: ``choices[k]`` (issue id -> option id or exact
    amount) and ``scaled[k, j]``, party ``j``'s utility times ``denominators[j]`` (an integer),
    sorted by the frontier parties' utilities, largest first.  ``package(k)`` evaluates one
    point as a :class:`Package`; ``packages`` all of them (built on first use).
    ``method``: "dp" (the exact dynamic programme) or "mip" (the mixed-integer search);
    ``reason`` why that method ran; ``exact``: no axis was cut into a grid; ``complete``: the
    search ran to the end (False: a time limit stopped it and these are the points found).
    """

    scenario: Scenario = field(repr=False)
    parties: tuple[str, ...]
    choices: tuple[Mapping[str, Any], ...] = field(repr=False)
    scaled: np.ndarray = field(repr=False)
    denominators: tuple[int, ...]
    solver_calls: int = 0
    resolution: dict[str, Fraction] = field(default_factory=dict)
    largest_state_set: int | None = None
    #: the coalition imposed and the requirements waived when it was found (its packages' signers follow them)
    coalition: frozenset[str] | None = field(default=None, repr=False)
    waived: tuple[Any, ...] = field(default=(), repr=False)
    #: the bargaining solutions placed on this frontier (criterion -> package), when they were asked for
    solutions: Mapping[str, Package] = field(default_factory=dict, repr=False)

    @classmethod
    def of_packages(cls, scenario: Scenario, parties: Sequence[str], packages: Sequence[Package], **how: Any) -> "Frontier":
        """A frontier from packages (their exact utilities), sorted largest first."""
        ordered = sorted(packages, key=lambda x: tuple(-u for u in x.vector(parties)))
        denominators = tuple(math.lcm(1, *(x.exact_utilities[p].denominator for x in ordered)) for p in scenario.party_ids)
        scaled = np.array([[int(x.exact_utilities[p] * d) for p, d in zip(scenario.party_ids, denominators)] for x in ordered],
                          dtype=object).reshape(len(ordered), len(denominators))
        frontier = cls(scenario, tuple(parties), tuple(x.exact_choices for x in ordered), scaled, denominators, **how)
        frontier.__dict__["packages"] = tuple(ordered)
        return frontier

    def __len__(self) -> int:
        return len(self.choices)

    @property
    def state(self) -> str:
        """"complete and exact", "complete on a grid (...)", or "incomplete: ..." in words."""
        if not self.complete:
            return "incomplete: the time limit stopped the search; these are the points found so far"
        if not self.exact and not self.resolution:
            return f"complete, not exact: {self.reason}"
        if self.exact:
            return "complete and exact"
        added = ", and the bargaining solutions added exactly" if self.solutions else ""
        return f"complete on a grid of {self.grid_text()} (at most one point per grid cell{added})"

    def grid_text(self) -> str:
        """The grid step on each continuous utility axis: "Ann 0.5, Bob 0.5" (empty when exact)."""
        return ", ".join(f"{self.scenario.party[p].label} {number(v)}" for p, v in self.resolution.items()
                         if p in self.scenario.party and not self.exact)

    def __repr__(self) -> str:
        parties = ", ".join(self.parties)
        solutions = f"; solutions: {', '.join(self.solutions)}" if self.solutions else ""
        return (f"<Frontier over {parties}: {len(self)} point{'' if len(self) == 1 else 's'}, {self.state}; method {self.method}, "
                f"{self.solver_calls:,} solver calls, {number(self.seconds)} s{solutions}>")

    def _repr_html_(self) -> str:
        import html

        head = f"<p>{html.escape(repr(self)[1:-1])}</p>"
        return head + frame_html(self.to_frame(), rows=50)

    def vector(self, k: int, parties: Sequence[str] | None = None) -> tuple[Fraction, ...]:
        """Point k's exact utilities (of ``parties``, default the frontier's)."""
        columns = [self.scenario.party_ids.index(p) for p in (parties or self.parties)]
        return tuple(Fraction(int(self.scaled[k, j]), self.denominators[j]) for j in columns)

    def package(self, k: int) -> Package:
        """Point k as a package, evaluated exactly."""
        return Package.evaluate(self.scenario, self.choices[k], coalition=self.coalition, waived=self.waived)

    @cached_property
    def packages(self) -> tuple[Package, ...]:
        return tuple(self.package(k) for k in range(len(self)))

    def where(self, package: Package) -> int | None:
        """The row whose utilities (over the frontier's parties) are the package's, if any."""
        wanted = package.vector(self.parties)
        for k in self._rows_near([float(v) for v in wanted]):
            if self.vector(k) == wanted:
                return k
        return None

    def _rows_near(self, values: list[float]) -> list[int]:
        columns = [self.scenario.party_ids.index(p) for p in self.parties]
        utilities = self.utilities[:, columns]
        close = np.all(np.isclose(utilities, np.array(values, dtype=float), rtol=1e-9, atol=1e-12), axis=1)
        return list(np.flatnonzero(close))

    @cached_property
    def utilities(self) -> np.ndarray:
        """Every point's utilities as floats (points x all parties)."""
        if not len(self):
            return np.zeros((0, len(self.denominators)))
        return np.column_stack([_floats(self.scaled[:, j], d) for j, d in enumerate(self.denominators)])

    def to_frame(self, solutions: Mapping[str, Package | None] | None = None) -> pd.DataFrame:
        """The frontier table (see :meth:`BargainingSpace.frontier`); ``solutions`` (default: the frontier's own)
        are marked in column ``solution``."""
        solutions = self.solutions if solutions is None else solutions
        issues = [i.id for i in self.scenario.issues]
        if isinstance(self.choices, IndexedChoices):  # column by column (the programme's packages)
            frame = pd.DataFrame({i: self.choices.column(i) for i in issues}, columns=issues)
        else:
            frame = pd.DataFrame.from_records([{i: (c if isinstance(c, str) else float(c)) for i, c in row.items()}
                                               for row in self.choices], columns=issues)
        utilities = pd.DataFrame({p: self.utilities[:, j] if len(self) else np.zeros(0) for j, p in enumerate(self.scenario.party_ids)},
                                 index=frame.index)
        frame = pd.concat([frame, utilities], axis=1)[package_columns(self.scenario)]  # one block, whatever the number of parties
        marks: list[list[str]] = [[] for _ in range(len(self))]
        for criterion, best in (solutions or {}).items():
            k = None if best is None else self.where(best)
            if k is not None:
                marks[k].append(criterion)
        frame["solution"] = pd.Series([", ".join(x) for x in marks], dtype=object)
        frame.attrs.update(
            complete=self.complete, exact=self.exact, method=self.method, method_reason=self.reason,
            parties=list(self.parties), solver_calls=self.solver_calls, seconds=self.seconds,
            calls_per_point=self.solver_calls / max(1, len(self)),
            resolution={p: float(v) for p, v in self.resolution.items()},
            largest_state_set=self.largest_state_set,
        )
        return frame


def _floats(scaled: np.ndarray, d: int) -> np.ndarray:
    """``scaled / d`` correctly rounded: in floats while both are exact in them (IEEE division rounds
    correctly), else through Python's integer division (which also does)."""
    if scaled.dtype != object and d < 2**53 and (not len(scaled) or int(np.abs(scaled).max()) < 2**53):
        return scaled.astype(float) / d
    return np.array([int(v) / d for v in scaled], dtype=float)
