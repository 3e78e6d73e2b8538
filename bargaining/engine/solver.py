"""The persistent HiGHS handle: one solver instance per model, re-solved after in-place changes."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

import pyomo.environ as pyo
from pyomo.contrib.appsi.base import TerminationCondition
from pyomo.contrib.appsi.solvers import Highs

Status = Literal["optimal", "infeasible", "time_limit"]


class SolverError(RuntimeError):
    """HiGHS stopped with an error rather than an answer."""


class SolverUnavailable(RuntimeError):
    """HiGHS (highspy) is not installed or cannot be loaded."""


@dataclass(frozen=True)
class Outcome:
    """One solve: its status and, when a package was found, the objective value."""

    status: Status
    objective: float | None
    has_solution: bool


class Solver:
    """A persistent HiGHS instance for one Pyomo model (``set_instance`` once, then ``solve`` many times).

    Changes to the model between solves -- variable bounds, fixed variables, mutable
    parameters, the objective's expression, added or deactivated constraints -- are
    passed on incrementally by Pyomo's APPSI interface; the model is never rebuilt.
    """

    def __init__(self, model: pyo.ConcreteModel):
        self.highs = Highs()
        if not self.highs.available():
            raise SolverUnavailable("HiGHS is not available: pip install highspy")
        self.highs.config.load_solution = False
        self.highs.config.mip_gap = 0.0  # exact optima: no relative gap
        # One thread, fixed seed: deterministic answers.  The feasibility-jump heuristic costs
        # about 6 ms per run even on tiny models (measured: 8.7 -> 2.1 ms on a 40-binary MIP)
        # and the frontier makes thousands of small solves, so it is off.
        self.highs.highs_options = {
            "mip_abs_gap": 1e-9, "random_seed": 0, "threads": 1, "output_flag": False,
            "mip_heuristic_run_feasibility_jump": False,
            # HiGHS's default (1e-6) lets a MIP solution violate Nash's tangent rows by ~1e-6, more than the
            # documented 1e-7 accuracy with continuous amounts; at 1e-9 the cuts converge (tests/test_continuous.py)
            "mip_feasibility_tolerance": 1e-9,
        }
        self.model = model
        self.calls = 0
        self.retries = 0  # solves repeated without presolve after a HiGHS error
        self.highs_seconds = 0.0
        self.seconds = 0.0
        self.log: list[tuple[float, float, str]] = []  # per solve: wall seconds, HiGHS seconds, status
        self.highs.set_instance(model)

    def solve(self, time_limit: float | None = None, granularity: float | None = None) -> Outcome:
        """Solve the model as it stands now (see :meth:`_solve_once`).

        HiGHS 1.16's presolve occasionally reduces a small model to nothing and then reports a
        "Solve error" with a violated row (seen on a 19-column model in the tests); such a solve
        is retried once without presolve before the error is reported.
        """
        try:
            return self._solve_once(time_limit, granularity)
        except SolverError:
            self.retries += 1
            self.highs.highs_options["presolve"] = "off"
            try:
                return self._solve_once(time_limit, granularity)
            finally:
                self.highs.highs_options["presolve"] = "choose"

    def _solve_once(self, time_limit: float | None = None, granularity: float | None = None) -> Outcome:
        """Solve the model as it stands now.

        ``time_limit`` in seconds (None: no limit).  ``granularity``: the smallest difference
        two packages' objective values can have (e.g. 1 when all points are integers); the
        search then stops as soon as its bound is within that of the best package found,
        which proves optimality without chasing the last fraction of the gap.
        """
        self.highs.highs_options["time_limit"] = float("inf") if time_limit is None else max(time_limit, 1e-3)
        self.highs.highs_options["mip_abs_gap"] = 0.999 * granularity if granularity else 1e-9
        start = time.perf_counter()
        highs_before = self.highs._solver_model.getRunTime()
        result = self.highs.solve(self.model)
        wall, highs = time.perf_counter() - start, self.highs._solver_model.getRunTime() - highs_before
        self.seconds += wall
        self.highs_seconds += highs
        self.calls += 1
        condition = result.termination_condition
        self.log.append((wall, highs, condition.name))
        has_solution = result.best_feasible_objective is not None
        if condition == TerminationCondition.optimal:
            return Outcome("optimal", result.best_feasible_objective, True)
        if condition in (TerminationCondition.infeasible, TerminationCondition.infeasibleOrUnbounded):
            return Outcome("infeasible", None, False)
        if condition in (TerminationCondition.maxTimeLimit, TerminationCondition.interrupted):
            return Outcome("time_limit", result.best_feasible_objective, has_solution)
        status = self.highs._solver_model.modelStatusToString(self.highs._solver_model.getModelStatus())
        raise SolverError(f"HiGHS ended with {condition.name} ({status}); please report the scenario")

    def remove(self, row: pyo.ConstraintData) -> None:
        """Tell HiGHS a row is gone (before it is deleted from the model).  A row added since the last
        solve never reached HiGHS (APPSI passes new rows on at the next solve): nothing to remove."""
        if row in self.highs._pyomo_con_to_solver_con_map:
            self.highs.remove_constraints([row])

    def values(self, variables: list[pyo.Var]) -> list[float]:
        """The current solution's values of the given variables.

        A fixed variable's value is its fixed value; a variable no constraint mentions (so the
        solver never saw it, e.g. a switch with nothing to switch) counts as 0.
        """
        known = self.highs._vars  # APPSI's map of the variables it passed to HiGHS
        free = [v for v in variables if not v.fixed and id(v) in known]
        primals = self.highs.get_primals(vars_to_load=free) if free else {}
        return [v.value if v.fixed else primals[v] if id(v) in known else 0.0 for v in variables]
