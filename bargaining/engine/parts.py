"""Parts of the model kept between searches: built once, then switched on by an edit while they are used.

A part is a Pyomo block added to the one model (a phasing block per number of phases, a robust block
per sample of worlds, the smallest-gain rows per set of criteria parties) with what switching it on
means: which model variables it needs free, which it holds fixed, and which switches an edit may leave
to the solver (:meth:`.edits.Edit.switch_on`, :meth:`.edits.Edit.release`).  ``Search.parts`` lists
them by name; a part is never rebuilt while the model lives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import pyomo.environ as pyo


@dataclass
class Part:
    """One kept part: its name, its block, and what switching it on changes."""

    name: str
    block: pyo.Block
    #: model variables the part needs free while it is on
    free: list[Any] = field(default_factory=list)
    #: model variables the part holds at a value while it is on
    held: list[tuple[Any, float]] = field(default_factory=list)
    #: the part's own switches (fixed at 0), which :meth:`.edits.Edit.release` leaves to the solver
    switches: list[Any] = field(default_factory=list)


def add_block(m: pyo.ConcreteModel, stem: str) -> tuple[str, pyo.Block]:
    """A new, empty block on the model under the first free name ``stem_1``, ``stem_2``, ..."""
    k = 1
    while m.component(f"{stem}_{k}") is not None:
        k += 1
    block = pyo.Block(concrete=True)
    m.add_component(f"{stem}_{k}", block)
    return f"{stem}_{k}", block


def remove_block(m: pyo.ConcreteModel, part: Part) -> None:
    """Take a kept part's block out of the model (the solver forgets it at the next solve)."""
    part.block.deactivate()
    m.del_component(part.block)


def row_adder(block: pyo.Block) -> Callable[[Any], None]:
    """Give ``block`` a constraint list ``rows`` and return the one way rows are added to it: a row that is constant
    (an expression with nothing left to decide) is skipped when true and kept, as ``never >= 1`` on a variable fixed
    at 0, when false, so that the block stays infeasible rather than the row vanishing."""
    block.rows = pyo.ConstraintList()
    block.never = pyo.Var(domain=pyo.Binary)
    block.never.fix(0)

    def add(row: Any) -> None:
        if row is True:
            return
        block.rows.add(block.never >= 1 if row is False else row)
    return add
