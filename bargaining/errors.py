"""Exceptions every layer may raise or catch (kept in a module that imports nothing heavy)."""


class TimeLimitReached(RuntimeError):
    """The solver stopped at the time limit before it found any acceptable package."""


class NumericRangeError(ValueError):
    """The solver cannot tell apart the scenario's utilities on their scale, so an answer that relies on
    it (the mixed-integer frontier) is refused rather than given wrong (see bargaining.engine.numerics)."""


class SolverFailed(RuntimeError):
    """HiGHS stopped with an error rather than an answer (bargaining.engine.solver.SolverError)."""

