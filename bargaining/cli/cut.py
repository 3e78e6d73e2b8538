"""One deadline for a whole command: each part of the command runs under it, and a part the time limit stops is
recorded (not raised), so that the command prints what it found and then says what was cut short.

The deadline itself is the space's (:meth:`~bargaining.BargainingSpace.deadline`): every search inside honours it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

from ..errors import TimeLimitReached
from .common import limit_text, say

T = TypeVar("T")


class Parts:
    """The parts of one command; ``cut`` names those the time limit stopped before they had an answer."""

    def __init__(self, limit: float | None):
        self.limit = limit
        self.cut: list[str] = []

    def run(self, name: str, compute: Callable[[], T]) -> T | None:
        """``compute()``, or None (``name`` recorded as cut) when the time limit stopped it without an answer."""
        try:
            return compute()
        except TimeLimitReached:
            self.cut.append(name)
            return None

    def note(self) -> str:
        """The line saying what was cut short ("" when nothing was)."""
        if not self.cut:
            return ""
        return (f"INCOMPLETE: the {limit_text(self.limit)} for the whole command cut short {'; '.join(self.cut)} (not "
                "computed); try a larger --time-limit, or --time-limit 0 for none")

    def say_note(self) -> None:
        if self.cut:
            say(self.note(), file=sys.stderr)
