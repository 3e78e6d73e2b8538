"""The exact re-check of the programme's packages, all at once: integer arithmetic on each party's common
denominator, vectorised over the packages with numpy (the programme itself: :mod:`.dp`).

The programme (:mod:`.dp`) returns its packages as option positions (N x issues).  Each is re-checked here against
the scenario's own definitions, not the programme's compiled tables: the same rules as
:meth:`Scenario.signers <bargaining.scenario.evaluate.ExactEvaluation.signers>` in the stated world, applied to every
package at once.

*Exactness.*  Party p's numbers (points, interaction values, prices of soft red lines, reservation) are decimals read
exactly (Fractions).  With D_p the least common multiple of their denominators, ``D_p * u_p(x)`` is an integer for
every package x, and ``u_p(x) >= r_p`` if and only if ``D_p * u_p(x) >= D_p * r_p``.  The sums are made in int64 when
``D_p * (|r_p| + sum of the largest absolute points per issue + sum of |interaction values| + sum of |prices|)``
is below 2**62 (no overflow is possible), otherwise in numpy object arrays of Python ints.  Nothing is rounded, so a
package passes exactly when ``Scenario.signers`` would accept it (tests/test_frontier_dp.py compares the two).

The utilities found are also compared with the programme's own (``scaled`` on its denominators), by cross-multiplying
integers: the frontier's numbers are the scenario's, not only acceptable ones.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from ..errors import AnswersDisagree
from ..scenario import Scenario
from ..scenario.evaluate import Waiver
from ..scenario.numbers import exact

INT64_SAFE = 2**62


class NotVectorised(Exception):
    """A scenario feature this vectorised check does not read (a continuous issue): check package by package."""


def _indicator(issue: Any, want: Any) -> np.ndarray:
    """Over the issue's options: the condition's wish for that issue holds."""
    if isinstance(want, list):
        return np.array([o in want for o in issue.option_ids], dtype=bool)
    if isinstance(want, str):
        return np.array([o == want for o in issue.option_ids], dtype=bool)
    raise NotVectorised(f"a condition on issue {issue.id!r} that is not an option")


class _Packages:
    """Option positions (N x issues, in the scenario's issue order) and the conditions evaluated on them."""

    def __init__(self, scenario: Scenario, index: np.ndarray):
        self.scenario, self.index = scenario, index
        self.column = {i.id: n for n, i in enumerate(scenario.issues)}

    def holds(self, condition: Mapping[str, Any]) -> np.ndarray:
        ok = np.ones(len(self.index), dtype=bool)
        for issue_id, want in condition.items():
            n = self.column[issue_id]
            ok &= _indicator(self.scenario.issues[n], want)[self.index[:, n]]
        return ok

    def red_line_holds(self, red_line: Any) -> np.ndarray:
        held: np.ndarray
        if red_line.forbid is not None:
            held = ~self.holds(red_line.forbid)
        elif red_line.require is not None:
            held = self.holds(red_line.require)
        else:
            held = ~self.holds(red_line.if_ or {}) | self.holds(red_line.then or {})
        return held


def _party_numbers(scenario: Scenario, party: str) -> tuple[list[dict[str, Fraction]], list[tuple[Any, Fraction]],
                                                            list[tuple[Any, Fraction]], Fraction]:
    points = [scenario.exact_points(party, i.id) for i in scenario.issues]
    interactions = [(x.when, exact(x.value)) for x in scenario.interactions if x.party == party]
    prices = [(r, exact(r.price or 0)) for r in scenario.red_lines if r.party == party and r.soft]
    return points, interactions, prices, exact(scenario.party[party].reservation)


def utilities(scenario: Scenario, packages: _Packages) -> tuple[np.ndarray, list[int], list[np.ndarray]]:
    """Per party: ``D_p * u_p`` for every package (N x parties, int64 or object) with the denominators ``D_p``, and the
    scaled reservations ``D_p * r_p`` (as 0-d arrays of the column's type)."""
    index = packages.index
    columns, denominators, reservations = [], [], []
    for party in scenario.party_ids:
        points, interactions, prices, reservation = _party_numbers(scenario, party)
        numbers = [v for table in points for v in table.values()] + [v for _, v in interactions] + [v for _, v in prices]
        d = math.lcm(1, reservation.denominator, *(v.denominator for v in numbers))
        size = d * (abs(reservation) + sum(max((abs(v) for v in t.values()), default=0) for t in points)
                    + sum(abs(v) for _, v in interactions) + sum(abs(v) for _, v in prices))
        dtype: Any = np.int64 if size < INT64_SAFE else object
        total = np.zeros(len(index), dtype=dtype)
        for n, (issue, table) in enumerate(zip(scenario.issues, points)):
            column = np.array([int(table.get(o, 0) * d) for o in issue.option_ids], dtype=dtype)
            total = total + column[index[:, n]]
        for when, value in interactions:
            total = total + _where(packages.holds(when), int(value * d), dtype)
        for red_line, price in prices:
            total = total - _where(~packages.red_line_holds(red_line), int(price * d), dtype)
        columns.append(total)
        denominators.append(d)
        reservations.append(np.array(int(reservation * d), dtype=dtype))
    return np.stack(columns, axis=1) if columns else np.zeros((len(index), 0), dtype=np.int64), denominators, reservations


def _where(mask: np.ndarray, value: int, dtype: Any) -> np.ndarray:
    """``value`` where ``mask`` holds, else 0 (a Python int of any size in an object array)."""
    out = np.zeros(len(mask), dtype=dtype)
    out[mask] = value
    return out


def acceptable(scenario: Scenario, index: np.ndarray, waived: Collection[Waiver] = (),
               coalition: Collection[str] | None = None) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """For option positions ``index`` (N x issues, the scenario's issue order): whether ``Scenario.signers`` accepts
    each package (a boolean array), and every party's scaled utility with the denominators (see :func:`utilities`)."""
    if scenario.continuous_issues:
        raise NotVectorised("a continuous issue")
    index = np.asarray(index)
    packages = _Packages(scenario, index)
    scaled, denominators, reservations = utilities(scenario, packages)
    accepts = np.ones((len(index), len(scenario.parties)), dtype=bool)
    for q, party in enumerate(scenario.party_ids):
        if ("reservation", party) not in waived:
            accepts[:, q] = scaled[:, q] >= reservations[q]
    for k, red_line in enumerate(scenario.red_lines):
        if not red_line.soft and ("red_line", k) not in waived:
            q = scenario.party_ids.index(red_line.party)
            accepts[:, q] &= packages.red_line_holds(red_line)
    if coalition is None:
        taking = accepts
        ok = np.all(accepts[:, [scenario.party_ids.index(p) for p in scenario.veto_party_ids]], axis=1)
    else:
        members = np.array([p in coalition for p in scenario.party_ids], dtype=bool)
        taking = np.broadcast_to(members, accepts.shape)
        ok = np.all(accepts[:, members], axis=1)
    for n, issue in enumerate(scenario.issues):
        if not issue.controlled_by:
            continue
        status_quo = issue.status_quo_choice
        moved = (index[:, n] != issue.option_ids.index(str(status_quo))) if status_quo is not None else np.ones(len(index), dtype=bool)
        controllers = [scenario.party_ids.index(p) for p in issue.controllers if p in scenario.party]
        enough = taking[:, controllers].sum(axis=1) >= issue.controllers_needed
        ok &= ~moved | enough
    return ok, scaled, denominators


def recheck_programme(scenario: Scenario, issues: Sequence[str], index: np.ndarray, scaled: np.ndarray,
                      denominators: Sequence[int], waived: Collection[Waiver] = (),
                      coalition: Collection[str] | None = None) -> None:
    """Raise :class:`~bargaining.errors.AnswersDisagree`, naming both answers, unless every package the programme
    returned (``index`` over its ``issues``, with its utilities ``scaled`` / ``denominators`` per party) is acceptable
    and has exactly those utilities."""
    order = [list(issues).index(i.id) for i in scenario.issues]
    positions = np.asarray(index)[:, order] if len(index) else np.zeros((0, len(order)), dtype=np.int64)
    ok, mine, mine_d = acceptable(scenario, positions, waived, coalition)
    if not ok.all():
        bad = positions[int(np.flatnonzero(~ok)[0])]
        choices = {i.id: i.option_ids[int(j)] for i, j in zip(scenario.issues, bad)}
        raise AnswersDisagree(f"the dynamic programme returned {choices} as acceptable, and the exact check of the scenario's "
                              "rules refuses it (an unacceptable package); please report this scenario")
    for q in range(len(mine_d)):
        ours, theirs = mine[:, q], np.asarray(scaled)[:, q]
        if ours.dtype.kind == "i" and theirs.dtype.kind == "i" and max(mine_d[q], denominators[q]) < 2**20 and len(ours) and \
                max(int(np.abs(ours).max()), int(np.abs(theirs).max())) < 2**40:
            same = np.array_equal(ours * denominators[q], theirs * mine_d[q])
        else:
            same = all(int(a) * denominators[q] == int(b) * mine_d[q] for a, b in zip(ours.tolist(), theirs.tolist()))
        if not same:
            k = next(k for k, (a, b) in enumerate(zip(ours.tolist(), theirs.tolist())) if int(a) * denominators[q] != int(b) * mine_d[q])
            choices = {i.id: i.option_ids[int(j)] for i, j in zip(scenario.issues, positions[k])}
            raise AnswersDisagree(f"the dynamic programme's utilities differ from the scenario's: for {scenario.party_ids[q]} "
                                  f"in {choices} the programme says {Fraction(int(theirs[k]), denominators[q])}, the scenario "
                                  f"{Fraction(int(ours[k]), mine_d[q])}; please report this scenario")
