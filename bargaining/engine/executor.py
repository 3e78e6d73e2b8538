"""The one way engine work runs elsewhere: Dask workers, each holding engines rebuilt from replicas.

Work is a module-level function ``work(search, *args)`` (workers import it by name) sent with a
:class:`~.replica.Replica`: the worker rebuilds the engine for that replica once (the model built,
the replica's edits applied), keeps it for every later piece of work on the same replica, and calls
``work`` on it.  Every piece of work makes its own changes inside its own edit, so the answers do not
depend on which worker ran what.  Used by the frontier's boxes (:mod:`bargaining.algorithms.frontier_boxes`)
and by the sampled worlds (:mod:`bargaining.algorithms.cluster`).

``scheduler``: None or ``"local"`` -- a local cluster started here and stopped with the executor
(worker processes started as plain subprocesses, one thread each, scheduler and workers bound to
127.0.0.1, no dashboard; see :class:`LoopbackCluster`); an address such as ``"tcp://host:8786"`` --
an existing Dask distributed cluster (the multi-machine path).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Any, Callable, Iterable

from .replica import Replica
from .search import Search

#: In each worker process: replica key -> its engine, built once (one replica at a time per worker).
_ENGINES: dict[str, Search] = {}


def on_replica(key: str, replica: Replica, work: Callable[..., Any], seconds: float | None, *args: Any) -> Any:
    """In a worker: the engine of this replica (built on first use, then kept), and ``work`` on it within
    ``seconds`` (what the caller's deadline left when it sent the work; None: no limit)."""
    if key not in _ENGINES:
        _ENGINES.clear()
        _ENGINES[key] = Search.of_replica(replica)
    engine = _ENGINES[key]
    with engine.limited(seconds):
        return work(engine, *args)


class LoopbackCluster:
    """A local Dask cluster: a scheduler and ``workers`` worker processes (one thread each), all bound to
    127.0.0.1, no dashboard, started as plain subprocesses from the calling thread without waiting for them
    (:meth:`address` says when the scheduler is up) and stopped by :meth:`close`.

    Plain subprocesses, not multiprocessing: spawning would import the caller's ``__main__`` again, which
    breaks scripts without an ``if __name__ == "__main__":`` guard and code typed at a prompt.  Not from a
    thread: Pyomo redirects this process's stdout while HiGHS solves, and a child started then would hold
    that pipe open.  (The same ``python -m dask spec`` commands as Dask's SubprocessCluster.)"""

    def __init__(self, workers: int | None = None):
        self.count = workers or os.cpu_count() or 1
        self.folder = tempfile.mkdtemp(prefix="bargaining-dask-")
        self.file = os.path.join(self.folder, "scheduler.json")
        opts = {"scheduler_file": self.file, "host": "127.0.0.1", "port": 0, "dashboard": False, "dashboard_address": "127.0.0.1:0"}
        self.scheduler = self._spawn([json.dumps({"cls": "distributed.Scheduler", "opts": opts})])
        self.workers: list[subprocess.Popen[bytes]] = []
        self._address: str | None = None

    @staticmethod
    def _spawn(spec: list[str]) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "dask", "spec", *spec[:-1], "--spec", spec[-1]]
        return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def address(self) -> str | None:
        """The scheduler's address once it is up (then the workers are started), else None; RuntimeError if it died."""
        if self._address is None:
            if self.scheduler.poll() is not None:
                raise RuntimeError(f"the local Dask scheduler exited with code {self.scheduler.returncode}")
            try:
                with open(self.file) as handle:
                    self._address = json.load(handle)["address"]
            except (OSError, ValueError, KeyError):
                return None
            opts = {"host": "127.0.0.1", "nthreads": 1, "silence_logs": logging.ERROR, "dashboard_address": "127.0.0.1:0"}
            self.workers = [self._spawn([self._address, json.dumps({"cls": "distributed.Worker", "opts": opts})])
                            for _ in range(self.count)]
        return self._address

    def close(self) -> None:
        """Stop every process (asked to stop, then killed after a second: they hold nothing to save) and remove
        the scheduler's file."""
        processes = [*self.workers, self.scheduler]
        for process in processes:
            if process.poll() is None:
                process.terminate()
        end = time.perf_counter() + 1.0
        for process in processes:
            try:
                process.wait(timeout=max(0.0, end - time.perf_counter()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


class Executor:
    """Dask workers running engine work on replicas (see the module's docstring); a context manager that
    stops a local cluster it started, also on an error or Ctrl-C."""

    def __init__(self, scheduler: str | None = None, workers: int | None = None):
        if scheduler is not None and not isinstance(scheduler, str):
            raise ValueError(f"scheduler must be None, 'local' or a Dask scheduler address, not {scheduler!r}")
        self.scheduler = None if scheduler == "local" else scheduler
        self.requested = workers
        self.cluster: LoopbackCluster | None = None
        self.client: Any = None
        self._shared: dict[str, Any] = {}
        self._counted: tuple[float, int] = (-1.0, 0)  # (when, how many workers)
        self._ready = False

    # ---- starting and stopping
    def begin(self) -> Executor:
        """Start a local cluster's processes without waiting for them (:attr:`ready` connects once they are up)."""
        if self.scheduler is None and self.cluster is None:
            self.cluster = LoopbackCluster(self.requested)
        return self

    @property
    def ready(self) -> bool:
        """Connected, with at least one worker (connects when a local cluster begun is up: a short wait)."""
        if self.client is None:
            address = self.scheduler if self.cluster is None else self.cluster.address()
            if address is None:
                return False
            self._connect(address)
        if not self._ready:
            self._ready = self.workers > 0
        return self._ready

    def _connect(self, address: str) -> None:
        from distributed import Client

        try:
            self.client = Client(address, set_as_default=False, timeout=15)
        except (OSError, TimeoutError) as error:
            self.close()
            raise ValueError(f"cannot reach the Dask scheduler at {address}: {error}; check the address, "
                             "or leave --scheduler out to use a local cluster") from None

    def start(self, timeout: float = 60.0) -> Executor:
        """Start (a local cluster) or connect (an address), and wait for a worker; RuntimeError after ``timeout`` s."""
        self.begin()
        end = time.perf_counter() + timeout
        while not self.ready:
            if time.perf_counter() > end:
                self.close()
                raise RuntimeError(f"no Dask worker joined within {timeout:g} s")
            time.sleep(0.05)
        return self

    def close(self) -> None:
        """Stop the client and the local cluster started here."""
        try:
            if self.client is not None:
                self.client.close()
        finally:
            self.client = None
            if self.cluster is not None:
                self.cluster.close()
                self.cluster = None

    def __enter__(self) -> Executor:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- work
    @property
    def workers(self) -> int:
        """How many worker processes the cluster has (asked of the scheduler at most every half second: each
        question is a round trip, tens of milliseconds on a busy machine)."""
        if self.client is None:
            return 0
        now = time.perf_counter()
        if now - self._counted[0] > 0.5:
            self._counted = (now, len(self.client.scheduler_info().get("workers", {})))
        return self._counted[1]

    def submit(self, replica: Replica, work: Callable[..., Any], *args: Any, seconds: float | None = None) -> Any:
        """``work(engine, *args)`` on a worker's engine for ``replica`` (a Dask future), within ``seconds``."""
        key = replica.key
        if key not in self._shared:  # sent to every worker once, not with each piece of work
            self._shared[key] = self.client.scatter(replica, broadcast=True)
        return self.client.submit(on_replica, key, self._shared[key], work, seconds, *args, pure=False)

    def results(self, futures: list[Any]) -> list[Any]:
        """The results of finished futures, gathered in one round trip."""
        return list(self.client.gather(futures)) if futures else []

    def wait_any(self, futures: Iterable[Any], timeout: float = 1.0) -> None:
        """Wait until one of ``futures`` is done, or ``timeout`` seconds (a short poll: the client is not the default)."""
        pending = list(futures)
        end = time.perf_counter() + timeout
        while pending and not any(f.done() for f in pending) and time.perf_counter() < end:
            time.sleep(0.002)
