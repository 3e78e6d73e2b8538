"""The stated-world findings a break-even table is about, each as exact questions to the engine.

* ``open``: is some package acceptable (one condition).
* ``conflict`` (closed spaces): the minimal conflict C of :func:`~..diagnose.minimal_conflict` -- C
  admits no package with every other requirement waived, and each C minus one member does.
* ``concession``: each minimal red-line set whose dropping opens the space (``space.opened()``),
  and for each veto party whether some cut of its reservation alone opens it.
* ``lever``: for each ``linkable: true`` issue with a status quo, whether a package is acceptable
  with the issue frozen there and with it open (``space.leverage(issue)``).
* ``best``: the package each criterion picks (``space.best``): it stays a finding while it is *a*
  best package (ties included); the walk (:mod:`.walk`) says where it stops being one.

An existence finding holds while each of its conditions keeps its stated answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from ...results import CRITERIA, Package
from ...scenario import Requirement
from ..diagnose import minimal_conflict, minimal_relaxations
from ..frontier import best
from ..questions import opens
from .context import Context, Edits

KINDS = ("open", "conflict", "concession", "lever", "best")


@dataclass(frozen=True)
class Condition:
    """Is some package acceptable with ``waive`` also waived and ``freeze`` also frozen?  ``stated``: the answer as written."""

    waive: tuple[Requirement, ...]
    freeze: tuple[tuple[str, Any], ...]
    stated: bool

    @property
    def edits(self) -> Edits:
        return self.waive, self.freeze


@dataclass(frozen=True)
class Finding:
    """One stated-world finding: ``id``, ``kind``, ``words`` (as stated), and what it is made of."""

    id: str
    kind: str
    words: str
    conditions: tuple[Condition, ...] = ()
    criterion: str | None = None
    package: Package | None = None
    #: how the finding reads once it has flipped (existence findings: the first condition that changed decides)
    flipped: tuple[str, ...] = ()


def _answer(ctx: Context, waive: Sequence[Requirement], freeze: Sequence[tuple[str, Any]] = ()) -> Condition:
    search = ctx.search
    with search.changes() as edit:
        edit.waive(list(waive))
        for issue_id, choice in freeze:
            edit.freeze(issue_id, choice)
        answer = opens(search)
    return Condition(tuple(waive), tuple(freeze), answer)


def stated_findings(ctx: Context, kinds: Sequence[str] = KINDS) -> list[Finding]:
    """The findings of the stated world, computed with the engine (exact where the programme applies)."""
    scenario, search = ctx.scenario, ctx.search
    found: list[Finding] = []
    is_open = _answer(ctx, ())
    if "open" in kinds:
        found.append(Finding("open", "open", "a package is acceptable" if is_open.stated else "no package is acceptable",
                             (is_open,), flipped=("no package is acceptable" if is_open.stated else "a package is acceptable",)))
    if not is_open.stated:
        ctx.conflict = tuple(minimal_conflict(search))
    if not is_open.stated and "conflict" in kinds:
        conflict = list(ctx.conflict)
        others = [r for r in search.requirements if r not in conflict]
        parts = [_answer(ctx, others)] + [_answer(ctx, others + [m]) for m in conflict]
        names = "; ".join(r.label for r in conflict)
        found.append(Finding("conflict", "conflict", f"these requirements conflict, each needed: {names}", tuple(parts),
                             flipped=("they no longer conflict",) + tuple(f"they conflict without: {m.label}" for m in conflict)))
    if not is_open.stated and "concession" in kinds:
        for group in minimal_relaxations(search, 1, 100, kinds=("red_line",)):
            label = "; and ".join(r.concession or r.label for r in group)
            found.append(Finding(f"concession:{'+'.join(str(r.index) for r in group)}", "concession", f"dropping opens the space: {label}",
                                 (_answer(ctx, group),), flipped=(f"dropping no longer opens the space: {label}",)))
        for r in search.requirements:
            if r.kind == "reservation" and scenario.party[r.party].veto:
                cut = _answer(ctx, [r])
                who = scenario.party[r.party].possessive
                yes, no = f"a cut of {who} reservation alone opens the space", f"no cut of {who} reservation alone opens the space"
                found.append(Finding(f"cut:{r.party}", "concession", yes if cut.stated else no, (cut,), flipped=(no if cut.stated else yes,)))
    if "lever" in kinds:
        for issue in scenario.issues:
            status_quo = issue.status_quo_choice
            if not issue.linkable or status_quo is None:
                continue
            frozen = _answer(ctx, (), [(issue.id, status_quo)])
            words = {(False, False): f"opening {issue.label} does not open the space (closed either way)",
                     (False, True): f"opening {issue.label} opens the space (closed with it at its status quo)",
                     (True, True): f"the space is open with {issue.label} at its status quo too",
                     (True, False): f"the space is open only with {issue.label} at its status quo"}
            found.append(Finding(f"lever:{issue.id}", "lever", words[frozen.stated, is_open.stated], (frozen, is_open),
                                 flipped=("it changes with the lever frozen", "it changes with the lever open")))
    if is_open.stated and "best" in kinds and scenario.discrete_issues:  # a package is its options; amounts move continuously
        for criterion in CRITERIA:
            package = best(search, criterion, ctx.parties)
            if package is not None:
                found.append(Finding(f"best:{criterion}", "best", f"{criterion} picks {describe(ctx, package)}",
                                     criterion=criterion, package=package))
    return found


def describe(ctx: Context, package: Package) -> str:
    """A package in a few words: each discrete issue's option (amounts are not part of the finding)."""
    scenario = ctx.scenario
    return "; ".join(f"{i.label}: {i.choice_label(package.exact_choices[i.id])}" for i in scenario.discrete_issues) or "a division of the amounts"
