"""Exceptions every layer may raise or catch (kept in a module that imports nothing heavy)."""


class TimeLimitReached(RuntimeError):
    """The solver stopped at the time limit before it found any acceptable package."""
