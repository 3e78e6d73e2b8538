"""What the programme refuses, and the limits that stop a run (a deadline, the number of states)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Sequence

from ... import memory
from ...memory import MemoryLimitReached

#: A requirement switched off: ``("reservation", party_id)`` or ``("red_line", index)``.
Waiver = tuple[str, "str | int"]

#: Default cap on the candidate states of one stage (states x options).  Measured peak with four
#: coordinates: about 125 bytes per candidate (30x5x4: 744k candidates, 92 MB), so ~1 GB here.
DEFAULT_MAX_STATES = 8_000_000
#: Default cap on the product of carried class counts at any stage.
DEFAULT_MAX_CARRIED = 20_000
#: Most optional controllers handled (the runs grow as 2**k, the count terms as 3**k).
MAX_OPTIONAL_CONTROLLERS = 10
#: Largest factor table (product of label counts) built when merging factors.
MAX_TABLE = 1 << 20
#: Below these, sums of scaled integers are exact in int64 and in float64.
INT64_SAFE = 1 << 62
FLOAT_SAFE = 1 << 53
#: With ``estimate``, the growth of the state sets is projected once a stage holds this many states.
ESTIMATE_FROM = 2_000


class NotApplicable(Exception):
    """The programme cannot answer this exactly (``reason`` says why); use the model instead."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class LimitReached(NotApplicable):
    """A deadline or the state cap stopped the programme; nothing partial is returned."""


@dataclass
class Limits:
    """What stops a run: a ``deadline`` (a ``time.perf_counter()`` value), the most candidate states of a stage,
    and with ``estimate`` the projected growth of the state sets; ``largest`` records the most states kept."""

    deadline: float | None
    max_states: int
    largest: int = 0
    #: stop as soon as the state sets' growth projects a later stage past max_states (a cheap size
    #: estimate for callers that would rather give up early than spend their budget finding out)
    estimate: bool = False

    def check(self, candidates: int, coordinates: int = 4) -> None:
        if self.deadline is not None and time.perf_counter() > self.deadline:
            raise LimitReached("deadline reached")
        if candidates > self.max_states:
            raise LimitReached(f"a stage would hold {candidates:,} candidate states (max_states={self.max_states:,})")
        try:  # the memory budget (--max-memory), before the stage allocates
            memory.check(candidates * (memory.BYTES_PER_STATE + memory.BYTES_PER_COORDINATE * coordinates),
                         f"a stage of {candidates:,} candidate states")
        except MemoryLimitReached as error:
            raise LimitReached(str(error)) from None

    def check_time(self) -> None:
        if self.deadline is not None and time.perf_counter() > self.deadline:
            raise LimitReached("deadline reached")

    def project(self, sizes: list[int], stages: Sequence[Any]) -> None:
        """After stage k = len(sizes) of a frontier run: with ``estimate``, fit sizes ~ k**a between
        stage k/2 and k (the frontier of a sum of k independent terms grows about polynomially) and
        stop if the last stage's projected candidates (states x options) pass max_states.  Only while
        no options are carried: carried classes swell the state sets while factors are open and they
        shrink again as they close (measured on the coupled benchmarks: projections 8x too large)."""
        k = len(sizes)
        if not self.estimate or k < 4 or sizes[-1] < ESTIMATE_FROM or any(stage.carried > 1 for stage in stages[:k]):
            return
        j = k // 2
        if sizes[j - 1] <= 0 or sizes[-1] <= sizes[j - 1]:
            return
        power = math.log(sizes[-1] / sizes[j - 1]) / math.log(k / j)
        projected = sizes[-1] * (len(stages) / k) ** power * len(stages[-1].options)
        if projected > self.max_states:
            raise LimitReached(f"the state sets' growth projects about {projected:,.0f} candidate states by the last stage "
                               f"(max_states={self.max_states:,})")
