"""What the dynamic programme refuses, and its limits."""

from __future__ import annotations

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
_MAX_TABLE = 1 << 20
_INT64_SAFE = 1 << 62
_FLOAT_SAFE = 1 << 53


class NotApplicable(Exception):
    """The DP cannot answer this exactly (``reason`` says why); use the MIP instead."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class LimitReached(NotApplicable):
    """A deadline or the state cap stopped the DP; nothing partial is returned."""
