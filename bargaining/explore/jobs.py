"""Long analyses, run as Dash background callbacks in processes of their own: the chance of a deal, and the report.

Each job rebuilds the variant as a file (``variant.apply(scenario)``) and asks a
:class:`~bargaining.BargainingSpace` of its own, so the session's model stays free for the live
answers.  Jobs run in processes forked from a clean fork server (never from the threaded web
server), report progress through ``set_progress``, and are killed when a newer change asks
again (Dash passes the old job to cancel) or when the server stops (:class:`Jobs`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

from markupsafe import Markup

from .. import plots
from ..report import SECTIONS, Section, render_page
from ..report.context import ReportContext
from ..scenario import Scenario
from ..space import BargainingSpace, own_capture_lock
from .answers import FRONTIER_SECONDS, frontier_notes
from .deal import deal_answer
from .state import from_query

Progress = Callable[[Any], None]
#: What the page says when a background job's process ended without an answer.
JOB_LOST = "its background job stopped without an answer (see the server's log)"


def _yield_to_live_answers() -> None:
    """A job runs at a lower CPU priority than the server, so that the live answers come first."""
    own_capture_lock()
    try:
        os.nice(10)
    except OSError:
        pass


def deal_job(set_progress: Progress, scenario: Scenario, query: str) -> dict[str, Any]:
    """The chance of a deal for the variant in ``query`` (see :mod:`.deal`)."""
    _yield_to_live_answers()
    set_progress("Sampling worlds for the chance of a deal...")
    variant, _ = from_query(query, scenario)
    started = time.perf_counter()
    answer = deal_answer(variant.apply(scenario))
    return {"query": query, "headline": answer.headline, "method": answer.method, "hinges": answer.hinges,
            "exact": answer.exact, "caveat": answer.caveat, "seconds": time.perf_counter() - started}


def frontier_job(set_progress: Progress, scenario: Scenario, query: str, solutions: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The frontier of the variant in ``query`` on the report's grid (the page first drew it on a coarse one), with
    the solutions shown on the page (``solutions``: criterion -> choices) marked on it.  Not at a lower priority
    (the page waits for this figure; a newer change stops the job): niced, it starved on a loaded machine."""
    own_capture_lock()
    variant, _ = from_query(query, scenario)
    space = BargainingSpace(variant.apply(scenario), progress=False)
    found = space.frontier(space.criteria_parties, time_limit=FRONTIER_SECONDS, progress=False, solutions=False, workers=1)
    packages = {criterion: space.evaluate(choices) for criterion, choices in solutions.items()}
    figure = plots.frontier_figure(found, solutions=packages) if len(found) else None
    return {"query": query, "figure": figure, "notes": frontier_notes(found, FRONTIER_SECONDS)}


def report_job(set_progress: Progress, scenario: Scenario, query: str, time_limit: float) -> dict[str, Any]:
    """The full HTML report of the variant in ``query``, section by section (progress after each)."""
    _yield_to_live_answers()
    variant, _ = from_query(query, scenario)
    space = BargainingSpace(variant.apply(scenario), progress=False)
    started = time.perf_counter()
    ctx = ReportContext(space, time_limit=time_limit, acceptable_limit=300, samples=200)
    built: list[Section] = []
    for k, builder in enumerate(SECTIONS):
        set_progress(f"Report: section {k + 1} of {len(SECTIONS)}...")
        value = builder(ctx)
        if isinstance(value, tuple):
            value = Section(value[0], Markup(value[1]))
        if value is not None:
            built.append(value)
    html = render_page(ctx, built, time.perf_counter() - started)
    stem = Path(scenario.source).stem if scenario.source and not scenario.source.startswith("<") else "scenario"
    return {"content": html, "filename": f"{stem}-variant-report.html", "type": "text/html"}


class Jobs:
    """The background-callback manager of one app: a diskcache in a temporary folder, job processes forked
    from a fork server; :meth:`close` kills every job still running and removes the folder."""

    def __init__(self) -> None:
        import diskcache  # type: ignore[import-untyped]
        import multiprocess  # type: ignore[import-untyped]
        from dash import DiskcacheManager

        self.folder = tempfile.mkdtemp(prefix="bargaining-explore-")
        # job processes are forked from a fresh single-threaded server process, never from this threaded one
        multiprocess.set_start_method("forkserver", force=True)
        multiprocess.set_forkserver_preload(["bargaining.explore.jobs"])
        # Start the fork server and its resource tracker now, before any solve: a process started from here while
        # a solve runs would inherit the pipe on which Pyomo captures the solver's output (file descriptor 1) and
        # keep it open, and the capture would never end ("TeeStream: deadlock observed").
        from multiprocess import forkserver, resource_tracker

        forkserver.ensure_running()
        resource_tracker.ensure_running()
        self.pids: set[int] = set()
        self.keys: dict[int, str] = {}  # each job's result key, by its process id, until it is read or stopped
        self.reading = threading.RLock()  # held while a job's result is read, and while a job is stopped
        # held while a job is being started; :meth:`close` takes it for good, so that no job is half-started when the
        # server ends (the fork server's child then read a closed pipe: "EOFError: Ran out of input" on stderr)
        self.starting = threading.Lock()
        jobs = self

        class Manager(DiskcacheManager):
            def call_job_fn(self, key: Any, job_fn: Any, args: Any, context: Any) -> Any:
                with jobs.starting:
                    pid = super().call_job_fn(key, job_fn, args, context)  # type: ignore[no-untyped-call]
                    if pid:
                        jobs.pids.add(int(pid))
                        jobs.keys[int(pid)] = key
                return pid

            def job_running(self, job: Any) -> bool:
                """Running, or ended with its result not yet read.  (Dash's poll reads the result, then asks whether
                the job runs: a job that wrote its result and ended between the two was taken for cancelled, and the
                page never got the answer.)"""
                if super().job_running(job):  # type: ignore[no-untyped-call]
                    return True
                key = jobs.keys.get(int(job or 0))
                return key is not None and self.handle.get(key) is not None

            def get_result(self, key: Any, job: Any) -> Any:
                """The job's result; for a job that ended without one and was not stopped by a newer change (it
                crashed, or was killed from outside), an error the callback's ``on_error`` shows on the page (Dash
                would take it for cancelled, and the page would wait for ever)."""
                with jobs.reading:  # (one at a time, and never while a job is being stopped: a job another poll
                    # has just read, or a newer change has just stopped, is not lost)
                    result = super().get_result(key, job)  # type: ignore[no-untyped-call]
                    if result is self.UNDEFINED and job and int(job) in jobs.keys and not self.job_running(job):
                        jobs.keys.pop(int(job), None)
                        jobs.pids.discard(int(job))
                        return {"background_callback_error": {"msg": JOB_LOST, "tb": ""}}
                    return result

            def terminate_job(self, job: Any) -> None:
                with jobs.reading:
                    jobs.keys.pop(int(job or 0), None)
                    super().terminate_job(job)  # type: ignore[no-untyped-call]
                    jobs.pids.discard(int(job or 0))

        self.manager = Manager(diskcache.Cache(self.folder))  # type: ignore[no-untyped-call]

    def close(self) -> None:
        import psutil  # type: ignore[import-untyped]

        self.starting.acquire(timeout=10)  # (never released: the server is ending)
        for pid in list(self.pids):
            try:
                process = psutil.Process(pid)
                for child in process.children(recursive=True):
                    child.kill()
                process.kill()
                process.wait(2)
            except (psutil.NoSuchProcess, psutil.TimeoutExpired):
                pass
        self.pids.clear()
        try:
            self.manager.handle.close()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
