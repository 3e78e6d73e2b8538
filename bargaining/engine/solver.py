"""The persistent HiGHS handle: one solver instance per model, re-solved after in-place changes."""

from __future__ import annotations

import logging
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator, Literal

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.common.collections import ComponentMap
from pyomo.contrib.appsi.base import TerminationCondition
from pyomo.contrib.appsi.solvers import Highs

from ..errors import SolverFailed

Status = Literal["optimal", "infeasible", "time_limit"]


class SolverError(SolverFailed):
    """HiGHS stopped with an error rather than an answer."""


class SolverUnavailable(RuntimeError):
    """HiGHS (highspy) is not installed or cannot be loaded."""


@dataclass(frozen=True)
class Outcome:
    """One solve: its status and, when a package was found, the objective value."""

    status: Status
    objective: float | None
    has_solution: bool
    #: the solver's proven bound on the objective (None when it has none, e.g. infeasible)
    bound: float | None = None


class _CtrlC:
    """Ctrl-C while HiGHS solves.

    Python runs a signal handler only between bytecodes of the main thread.  While HiGHS runs
    (in C++, called from the main thread) that happens only inside HiGHS's callbacks, where a
    KeyboardInterrupt raised by Python's default handler is lost: HiGHS then reported the solve
    "interrupted", which read as a time limit, and the command went on.  So while HiGHS runs, a
    SIGINT only sets :attr:`pressed`; the interrupt callback (:meth:`Solver._stop_check`) stops
    HiGHS at its next check, and the solve raises KeyboardInterrupt once HiGHS has returned.
    """

    pressed = False
    #: the process is ending (:func:`stop_solving`): every run stops at its next check
    closing = False

    @staticmethod
    def record(signum: int, frame: object) -> None:
        _CtrlC.pressed = True

    @staticmethod
    @contextmanager
    def recorded() -> Iterator[None]:
        """Record SIGINT instead of raising it, for the block (main thread with Python's default handler only)."""
        if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
            yield
            return
        _CtrlC.pressed = False
        signal.signal(signal.SIGINT, _CtrlC.record)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, signal.default_int_handler)
        if _CtrlC.pressed:
            _CtrlC.pressed = False
            raise KeyboardInterrupt


class _QuietInterrupt(logging.Filter):
    """APPSI warns "Received unhandled status=kInterrupt" whenever the watchdog or Ctrl-C stops HiGHS."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "kInterrupt" not in record.getMessage()


logging.getLogger("pyomo.contrib.appsi.solvers.highs").addFilter(_QuietInterrupt())

#: One HiGHS run (or instance set-up) at a time in this process: Pyomo's APPSI captures file descriptor 1
#: (process-wide) around each, so two runs at once in two threads (two models, e.g. two pages of ``bargaining explore``) corrupt each
#: other's capture ("TeeStream: deadlock observed", "Bad file descriptor").  Everything else about a model stays
#: free to run beside another thread's.
_RUNNING = threading.Lock()

#: The watchdog stops HiGHS this long after its own time limit should have (HiGHS checks the time
#: only in some phases; numerically hard models have overrun it by minutes).
WATCHDOG_GRACE = 1.0


class _Highs(Highs):  # type: ignore[misc]  # Pyomo ships no types: Highs is Any here
    """APPSI's HiGHS interface without its capture of the process's output around each run.

    APPSI wraps every run in a capture of file descriptor 1 (two pipes and a reader thread each time):
    about a third of a small solve's time here.  :class:`Solver` has HiGHS log to its callback only
    (``log_to_console`` off, set with the other options before the run), so there is nothing to capture.
    Otherwise the same steps as :meth:`Highs._solve` (Pyomo 6.10)."""

    #: the highspy instance APPSI made in ``set_instance`` (set by :class:`Solver` then)
    core: Any = None

    def _solve(self, timer: Any) -> Any:
        core, config = self.core, self.config
        if config.time_limit is not None:
            core.setOptionValue("time_limit", config.time_limit)
        if config.mip_gap is not None:
            core.setOptionValue("mip_rel_gap", config.mip_gap)
        for key, option in self.highs_options.items():
            core.setOptionValue(key, option)
        if config.warmstart:
            self._warm_start()
        timer.start("optimize")
        core.HandleKeyboardInterrupt = True
        core.run()
        timer.stop("optimize")
        return self._postsolve(timer)

    def remove_constraints(self, cons: list[Any]) -> None:
        """:meth:`Highs.remove_constraints` (Pyomo 6.10) with the variables left unused removed once for all the rows.

        Pyomo looks for unused variables after each row, and HiGHS's interface renumbers every column at each
        look, even when there is nothing to remove: on the bundled case's robust block (a thousand world columns)
        that was 42,000 renumberings and 15 s of a 105 s report (benchmarks/README.md, 2026-12-04)."""
        self._remove_constraints(cons)
        touched: dict[int, Any] = {}
        for con in cons:
            if con not in self._named_expressions:
                raise ValueError(f"cannot remove constraint {con.name} - it was not added")
            for v in self._vars_referenced_by_con[con]:
                self._referenced_variables[id(v)][0].pop(con)
                touched[id(v)] = v
            del self._active_constraints[con]
            del self._named_expressions[con]
            self._external_functions.pop(con, None)
            del self._vars_referenced_by_con[con]
        unused = [v for v in touched.values() if not any(self._referenced_variables[id(v)][:2])
                  and self._referenced_variables[id(v)][2] is None]
        if unused and not self._only_child_vars:
            self.remove_variables(unused)


class Solver:
    """A persistent HiGHS instance for one Pyomo model (``set_instance`` once, then ``solve`` many times).

    Changes to the model between solves -- variable bounds, fixed variables, mutable
    parameters, the objective's expression, added or deactivated constraints -- are
    passed on incrementally by Pyomo's APPSI interface; the model is never rebuilt.
    """

    def __init__(self, model: pyo.ConcreteModel, feasibility_tolerance: float = 1e-6):
        self._primals: Any = ComponentMap()
        self.highs = _Highs()
        if not self.highs.available():
            raise SolverUnavailable("HiGHS is not available: pip install highspy")
        self.highs.config.load_solution = False
        self.highs.config.mip_gap = 0.0  # exact optima: no relative gap
        # One thread, fixed seed: deterministic answers.  The feasibility-jump heuristic costs
        # about 6 ms per run even on tiny models (measured: 8.7 -> 2.1 ms on a 40-binary MIP)
        # and the frontier makes thousands of small solves, so it is off.
        # HiGHS's log goes to :meth:`_read_log` only (never to the console): it is where HiGHS says
        # that its presolve went wrong (see :meth:`solve`).
        self.highs.highs_options = {
            "mip_abs_gap": 1e-9, "random_seed": 0, "threads": 1, "output_flag": True, "log_to_console": False,
            "mip_heuristic_run_feasibility_jump": False,
            # HiGHS's default (1e-6) lets a MIP solution violate Nash's tangent rows by ~1e-6, more than the
            # documented 1e-7 accuracy with continuous amounts; at 1e-9 the cuts converge (tests/test_continuous.py).
            # But 1e-9 next to coefficients of 1e8 makes feasible models "infeasible" (tests/test_hostile_numbers.py):
            # the caller chooses (Search.of: 1e-9 only with continuous issues and numbers the solver can be trusted on).
            "mip_feasibility_tolerance": feasibility_tolerance,
        }
        # The mutable parameters' values (reservations, prices, world factors) are passed on to HiGHS only
        # after they changed (:meth:`params_changed`, called by every edit that sets one): APPSI would
        # otherwise evaluate every row's parameter expressions before every solve (half its update's time).
        self.highs.update_config.update_params = False
        self._params_changed = False
        # A fixed variable is handed to HiGHS as a column with equal bounds, so fixing or freeing one (a world's
        # red lines, an edit's choices) changes two bounds.  APPSI's default substitutes fixed variables into every
        # row and the objective that use them, and so removes and re-adds those rows at each change: on the bundled
        # case's sampled worlds that was half the solver's time (benchmarks/README.md, 2026-12-04).
        self.highs.update_config.treat_fixed_vars_as_params = False
        self.model = model
        self.calls = 0
        self.retries = 0  # solves repeated without presolve after a HiGHS error
        self.rechecks = 0  # solves repeated without presolve to check an answer found with it (see solve)
        self.presolve_faults = 0  # rechecks whose answer differed: HiGHS's presolve had been wrong
        self._untransformed = False  # HiGHS logged a solution of its presolved model that violates the model
        self.highs_seconds = 0.0
        self.seconds = 0.0
        self.log: list[tuple[float, float, str]] = []  # per solve: wall seconds, HiGHS seconds, status
        with _RUNNING:  # APPSI captures file descriptor 1 here too
            self.highs.set_instance(model)
        # HiGHS logs to stdout while rows are added too (not only while solving): keep it quiet there,
        # or a warning lands in the middle of `solve --json`
        self.highs._solver_model.setOptionValue("output_flag", False)
        self._deadline: float | None = None
        core = self.highs.core = self.highs._solver_model
        for event in (core.cbMipInterrupt, core.cbSimplexInterrupt, core.cbIpmInterrupt):
            event.subscribe(self._stop_check)
        core.cbLogging.subscribe(self._read_log)

    def params_changed(self) -> None:
        """A mutable parameter of the model was set: pass the parameters on before the next solve."""
        self._params_changed = True

    def _read_log(self, event: object) -> None:
        """HiGHS's logging callback: note the warning that a presolved solution is wrong for the model."""
        if "untransformed violations" in event.message:  # type: ignore[attr-defined]
            self._untransformed = True

    def _stop_check(self, event: object) -> None:
        """HiGHS's interrupt callback: stop on Ctrl-C, or when the time limit has long passed."""
        if _CtrlC.pressed or _CtrlC.closing or (self._deadline is not None and time.perf_counter() > self._deadline):
            event.interrupt()  # type: ignore[attr-defined]

    def solve(self, time_limit: float | None = None, granularity: float | None = None) -> Outcome:
        """Solve the model as it stands now (see :meth:`_solve_once`), never on presolve's word alone.

        HiGHS's MIP presolve is sometimes wrong (measured here on the frontier's box problems):
        its reduced model loses the solutions it should keep, so every solution HiGHS finds there
        violates the real model once mapped back ("untransformed violations" in its log), and it
        then reports the model *infeasible* -- HiGHS 1.14 to 1.16; 1.13 solved the same models --
        or *optimal* with a worse solution -- 1.16.  HiGHS's own issues #2204 and #3296 are of
        this kind.  So a solve that HiGHS calls infeasible, or during which it logged that warning,
        is solved again without presolve and that answer is the one returned (the time left of
        ``time_limit`` applies; when it runs out, the outcome is a time limit: unproven).  Also,
        presolve occasionally reduces a small model to nothing and then reports a "Solve error"
        with a violated row (seen on a 19-column model in the tests): such a solve is retried
        once without presolve before the error is reported.
        """
        started = time.perf_counter()
        if self.highs.highs_options.get("presolve") == "off":
            return self._solve_once(time_limit, granularity)
        self._untransformed = False
        try:
            outcome = self._solve_once(time_limit, granularity)
        except SolverError:
            self.retries += 1
            return self._without_presolve(time_limit, granularity, started)
        if outcome.status != "infeasible" and not self._untransformed:
            return outcome
        self.rechecks += 1
        checked = self._without_presolve(time_limit, granularity, started)
        if checked.status != "time_limit" and (checked.status != outcome.status or checked.objective != outcome.objective):
            self.presolve_faults += 1
        return checked

    def _without_presolve(self, time_limit: float | None, granularity: float | None, started: float) -> Outcome:
        """The solve again with presolve off, within what is left of ``time_limit`` since ``started``."""
        left = None if time_limit is None else time_limit - (time.perf_counter() - started)
        if left is not None and left <= 0:
            return Outcome("time_limit", None, False)
        with self.without_presolve():
            return self._solve_once(left, granularity)

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
        self._deadline = None if time_limit is None else start + max(time_limit, 1e-3) + WATCHDOG_GRACE
        highs_before = self.highs._solver_model.getRunTime()
        self.highs.update_config.update_params = self._params_changed
        with _RUNNING, _CtrlC.recorded():
            result = self.highs.solve(self.model)
        self._params_changed = False
        wall, highs = time.perf_counter() - start, self.highs._solver_model.getRunTime() - highs_before
        self.seconds += wall
        self.highs_seconds += highs
        self.calls += 1
        condition = result.termination_condition
        self.log.append((wall, highs, condition.name))
        has_solution = result.best_feasible_objective is not None
        # the solution's values, kept: a later change to the model (a row removed) makes APPSI forget them
        self._primals = self.highs.get_primals() if has_solution else ComponentMap()
        bound = result.best_objective_bound
        bound = None if bound is None or abs(bound) == float("inf") else float(bound)
        if condition == TerminationCondition.optimal:
            return Outcome("optimal", result.best_feasible_objective, True, bound)
        if condition in (TerminationCondition.infeasible, TerminationCondition.infeasibleOrUnbounded):
            return Outcome("infeasible", None, False)
        if condition in (TerminationCondition.maxTimeLimit, TerminationCondition.interrupted) or self._interrupted():
            return Outcome("time_limit", result.best_feasible_objective, has_solution, bound)
        status = self.highs._solver_model.modelStatusToString(self.highs._solver_model.getModelStatus())
        raise SolverError(f"HiGHS ended with {condition.name} ({status}); please report the scenario")

    def relaxation(self, time_limit: float | None = None) -> float | None:
        """The optimum of the model's linear relaxation as it stands now (integrality dropped for this one run, then
        restored): an upper bound on what the model can reach (it maximises); None if HiGHS did not solve it to
        optimality within ``time_limit``.  One LP, a fraction of the mixed-integer solve's time on the most robust
        package's count (benchmarks/README.md, 2026-12-04 fourth session)."""
        core = self.highs.core
        with _RUNNING, _CtrlC.recorded():
            self.highs.update()  # the changes since the last solve, the objective among them
            columns = core.getNumCol()
            index = np.arange(columns, dtype=np.int32)
            kinds = np.array([int(k) for k in core.getLp().integrality_] or [0] * columns, dtype=np.uint8)
            core.setOptionValue("time_limit", float("inf") if time_limit is None else max(time_limit, 1e-3))
            self._deadline = None if time_limit is None else time.perf_counter() + max(time_limit, 1e-3) + WATCHDOG_GRACE
            core.changeColsIntegrality(columns, index, np.zeros(columns, dtype=np.uint8))
            try:
                core.run()
                solved = core.getModelStatus() == highspy.HighsModelStatus.kOptimal  # (read before the model changes)
                value = float(core.getInfo().objective_function_value)
            finally:
                core.changeColsIntegrality(columns, index, kinds)
                core.setOptionValue("time_limit", self.highs.highs_options.get("time_limit", float("inf")))
        self.calls += 1
        return value if solved else None

    def _interrupted(self) -> bool:
        """HiGHS stopped by the watchdog (APPSI reads HiGHS's "interrupt" status as "unknown")."""
        core = self.highs._solver_model
        return bool(core.getModelStatus() == highspy.HighsModelStatus.kInterrupt)

    @contextmanager
    def without_presolve(self) -> Iterator[None]:
        """Solves inside skip HiGHS's presolve: for models that are mostly rows presolve can only drop and whose root
        relaxation is already tight (the most robust package's count of worlds: 25,000 rows on the bundled case, 1.7 s
        of presolve before a 0.05 s solve; benchmarks/README.md, 2026-12-04 "presolve")."""
        before = self.highs.highs_options.get("presolve", "choose")
        self.highs.highs_options["presolve"] = "off"
        try:
            yield
        finally:
            self.highs.highs_options["presolve"] = before

    def remove(self, rows: list[pyo.ConstraintData]) -> None:
        """Tell HiGHS some rows are gone (before they are deleted from the model), all at once (APPSI renumbers every
        row at each removal).  A row added since the last solve never reached HiGHS (APPSI passes new rows on at the
        next solve): nothing to remove."""
        known = [row for row in rows if row in self.highs._pyomo_con_to_solver_con_map]
        if known:
            self.highs.remove_constraints(known)

    def values(self, variables: list[pyo.Var]) -> list[float]:
        """The current solution's values of the given variables.

        A fixed variable's value is its fixed value; a variable no constraint mentions (so the
        solver never saw it, e.g. a switch with nothing to switch) counts as 0.
        """
        primals = self._primals  # the last solve's values of every variable HiGHS saw
        return [v.value if v.fixed else primals.get(v, 0.0) for v in variables]


def stop_solving(timeout: float = 30.0) -> bool:
    """For a process about to end while other threads may be solving (the live page's server after Ctrl-C): stop the
    HiGHS run in progress at its next check, let no other start, and return once none runs (False: one still ran after
    ``timeout`` seconds).  An interpreter that ends while HiGHS runs in another thread is aborted by C++ ("terminate
    called without an active exception", exit -6): one Ctrl-C of ``bargaining explore`` in three did that.  Run at the
    process's exit only (``atexit``): no solve in the process may start afterwards.  A second call does nothing."""
    if _CtrlC.closing:
        return True
    _CtrlC.closing = True
    return _RUNNING.acquire(timeout=timeout)


def own_capture_lock() -> None:
    """Give this process (a job forked from the live page's fork server) a lock of its own around Pyomo's capture of the solver's output.

    Pyomo makes that lock a multiprocessing lock, so every job forked from the fork server shares one
    semaphore; a job killed while it held it (Dash kills a job when a newer change asks again, which happens
    on every change for the frontier) left every later job waiting on it for good: the page then never got its
    frontier or chance of a deal again.  A job solves in one thread, so a thread lock of its own is enough."""
    import threading

    from pyomo.common import dependencies

    dependencies.capture_output_lock = threading.Lock()
