"""Old name of :mod:`bargaining.algorithms.programme`, kept until the branches merge."""

from .programme import (  # noqa: F401 -- old names, kept until the branches merge
    DPFrontier,
    LimitReached,
    NotApplicable,
    dp_acceptable,
    dp_count,
    dp_frontier,
)
