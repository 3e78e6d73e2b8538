"""One solve per sampled world, in this process or on Dask workers.

``scheduler``:

* ``None`` (default): the first worlds are solved here.  If their pace says the whole job
  ends within :data:`SERIAL_SECONDS`, the rest is solved here too; otherwise a local Dask
  cluster is started (one worker process per core, one thread each, bound to 127.0.0.1, no
  dashboard; see :func:`_local_cluster`) and stopped when the job ends.  This process keeps
  solving worlds too, a few at a time from the back of the queue, while it hands out chunks.
* ``"serial"``: everything in this process.
* ``"local"``: a local cluster as above, whatever the job's size.
* an address such as ``"tcp://host:8786"``: an existing Dask distributed cluster.

Each worker process builds its engine (``Search.of(scenario)``) once, keeps it for the
chunks it is given, and solves each world on it.  A world's answer depends only on the
world (every change a world makes is undone before the next), so the results are the same
whatever the number of workers and whoever solved which world.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import sys
import time
from collections import deque
from typing import Any, Callable, Sequence

from ..engine.search import Search
from ..errors import TimeLimitReached
from ..progress import Progress
from ..scenario import Scenario, World

#: A job whose in-process pace says it would end within this many seconds runs in-process.
SERIAL_SECONDS = 6.0
#: How long this process solves before it estimates the job's length.
PROBE_SECONDS = 1.0

#: (search, worlds, *args) -> an answer for each world, in order; a module-level function (workers import it).
Work = Callable[..., list[Any]]
#: Worlds solved in this process at a time (between looks at the workers).
BATCH = 8

_ENGINES: dict[str, Search] = {}  # in each worker process: scenario fingerprint -> its engine, built once


def fingerprint(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def solve_chunk(key: str, data: dict[str, Any], work: Work, worlds: Sequence[World], args: tuple,
                seconds: float | None = None) -> list[Any]:
    """In a worker: the engine of this scenario (built on first use), then ``work`` on each world, within
    ``seconds`` (what the caller's deadline left when it sent the chunk; None: no limit)."""
    if key not in _ENGINES:
        _ENGINES.clear()  # one scenario at a time per worker
        _ENGINES[key] = Search.of(Scenario.from_dict(data))
    search = _ENGINES[key]
    with search.limited(seconds):
        return work(search, list(worlds), *args)


def run_worlds(search: Search, worlds: Sequence[World], work: Work, args: tuple = (), *, scheduler: str | None = None,
               progress: bool | None = None, what: str = "worlds") -> list[Any]:
    """``work(search, worlds, *args)`` over every world, in order (see the module's docstring for where)."""
    if scheduler is not None and not isinstance(scheduler, str):
        raise ValueError(f"scheduler must be None, 'serial' or a Dask scheduler address, not {scheduler!r}")
    local = scheduler == "local"
    if local:
        scheduler = None
    answers: list[Any] = [None] * len(worlds)
    todo = deque(range(len(worlds)))
    with Progress(what, enabled=progress, total=len(worlds), unit=" worlds") as bar:
        def here(batch: list[int]) -> None:
            for k, answer in zip(batch, work(search, [worlds[k] for k in batch], *args)):
                answers[k] = answer
            bar.update(len(batch))

        def next_batch() -> list[int]:
            return [todo.popleft() for _ in range(min(BATCH, len(todo)))]

        if scheduler in (None, "serial") and not local:
            started = time.perf_counter()
            while todo and (scheduler == "serial" or time.perf_counter() - started < PROBE_SECONDS):
                here(next_batch())
            pace = (time.perf_counter() - started) / max(1, len(worlds) - len(todo))
            if scheduler == "serial" or pace * len(todo) < SERIAL_SECONDS:
                while todo:
                    here(next_batch())
                return answers
        _on_cluster(search, worlds, work, args, scheduler, todo, answers, here, bar)
    return answers


def _local_cluster() -> Any:
    """One worker process per core, one thread each, scheduler and workers on 127.0.0.1, no dashboard.

    The processes are started as plain subprocesses (Dask's SubprocessCluster with bare workers),
    not with multiprocessing: spawning would import the caller's ``__main__`` again, which breaks
    scripts without an ``if __name__ == "__main__":`` guard and code typed at a prompt.  (On
    Windows, where that cluster does not exist, Dask's LocalCluster is used.)"""
    cores = os.cpu_count() or 1
    if sys.platform == "win32":  # pragma: no cover
        from distributed import LocalCluster

        return LocalCluster(n_workers=cores, threads_per_worker=1, processes=True, host="127.0.0.1",
                            dashboard_address=None, silence_logs=logging.ERROR)
    from distributed.deploy.subprocess import SubprocessCluster

    # No dashboard; the scheduler's small HTTP server (health checks) on a free loopback port, not 8787.
    return SubprocessCluster(host="127.0.0.1", dashboard_address=None, worker_class="distributed.Worker", n_workers=cores,
                             threads_per_worker=1, silence_logs=logging.ERROR,
                             scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                             worker_kwargs={"dashboard_address": "127.0.0.1:0"})


def _on_cluster(search: Search, worlds: Sequence[World], work: Work, args: tuple, scheduler: str | None, todo: deque,
                answers: list[Any], here: Callable[[list[int]], None], bar: Progress) -> None:
    from distributed import Client, as_completed

    cluster = _local_cluster() if scheduler is None else None
    try:
        try:
            client = Client(cluster if cluster is not None else scheduler, set_as_default=False, timeout=15)
        except (OSError, TimeoutError) as error:
            raise ValueError(f"cannot reach the Dask scheduler at {scheduler}: {error}; check the address, "
                             "or leave --scheduler out to use a local cluster") from None
        with client:
            workers = max(1, len(client.scheduler_info().get("workers", {})) or (os.cpu_count() or 1))
            data = search.scenario.to_dict()
            key = fingerprint(data)
            shared = client.scatter(data, broadcast=True)
            size = max(1, min(50, math.ceil(len(todo) / (workers * 8))))
            chunks = deque(list(todo)[k:k + size] for k in range(0, len(todo), size))  # of world numbers
            todo.clear()
            running: dict[Any, list[int]] = {}

            def submit() -> None:
                chunk = chunks.popleft()
                future = client.submit(solve_chunk, key, shared, work, [worlds[k] for k in chunk], args, search.remaining(),
                                       pure=False)
                running[future] = chunk

            def collect(future: Any) -> None:
                chunk = running.pop(future)
                for k, answer in zip(chunk, future.result()):
                    answers[k] = answer
                bar.update(len(chunk))

            while chunks and len(running) < 2 * workers:
                submit()
            while running or chunks:
                if search.remaining() == 0:  # the caller's deadline: the workers' chunks are dropped with the cluster
                    for future in running:
                        future.cancel()
                    raise TimeLimitReached("stopped at the time limit before every sampled world was solved")
                for future in [f for f in running if f.done()]:
                    collect(future)
                while chunks and len(running) < 2 * workers:
                    submit()
                if chunks:  # this process solves too, a few worlds at a time from the back, so it stays responsive
                    last = chunks[-1]
                    here([last.pop() for _ in range(min(BATCH, len(last)))])
                    if not last:
                        chunks.pop()
                elif running:  # wait for the first to finish (or the deadline)
                    try:
                        next(as_completed(list(running), loop=client.loop, timeout=search.remaining()))
                    except TimeoutError:  # the deadline passed: said at the top of the loop
                        pass
    finally:
        if cluster is not None:
            cluster.close(timeout=10)
