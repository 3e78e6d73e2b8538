"""One solve per sampled world, in this process or on Dask workers (the engine's executor).

``scheduler``:

* ``None`` (default): the first worlds are solved here.  If their pace says the whole job
  ends within :data:`SERIAL_SECONDS`, the rest is solved here too; otherwise a local Dask
  cluster is started (one worker process per core, one thread each, bound to 127.0.0.1, no
  dashboard; see :class:`bargaining.engine.executor.LoopbackCluster`) and stopped when the job
  ends.  This process keeps solving worlds too, a few at a time from the back of the queue,
  while it hands out chunks.
* ``"serial"``: everything in this process.
* ``"local"``: a local cluster as above, whatever the job's size.
* an address such as ``"tcp://host:8786"``: an existing Dask distributed cluster.

Each worker rebuilds the engine from the search's replica (the scenario and the edits in force:
:mod:`bargaining.engine.replica`) once, keeps it for the chunks it is given, and solves each
world on it (:class:`bargaining.engine.executor.Executor`).  A world's answer depends only on
the world (every change a world makes is undone before the next), so the results are the same
whatever the number of workers and whoever solved which world.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections import deque
from typing import Any, Callable, Sequence

from ..engine.executor import Executor
from ..engine.search import Search
from ..errors import TimeLimitReached
from ..progress import Progress
from ..scenario import World

#: A job whose in-process pace says it would end within this many seconds runs in-process.
SERIAL_SECONDS = 6.0
#: How long this process solves before it estimates the job's length.
PROBE_SECONDS = 1.0

#: (search, worlds, *args) -> an answer for each world, in order; a module-level function (workers import it).
Work = Callable[..., list[Any]]
#: Worlds solved in this process at a time (between looks at the workers).
BATCH = 8


def run_worlds(search: Search, worlds: Sequence[World], work: Work, args: tuple[Any, ...] = (), *, scheduler: str | None = None,
               progress: bool | None = None, what: str = "worlds") -> list[Any]:
    """``work(search, worlds, *args)`` over every world, in order (see the module's docstring for where)."""
    if scheduler is not None and not isinstance(scheduler, str):
        raise ValueError(f"scheduler must be None, 'serial', 'local' or a Dask scheduler address, not {scheduler!r}")
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


def _on_cluster(search: Search, worlds: Sequence[World], work: Work, args: tuple[Any, ...], scheduler: str | None, todo: deque[int],
                answers: list[Any], here: Callable[[list[int]], None], bar: Progress) -> None:
    from distributed import as_completed

    with Executor(scheduler) as executor:
        workers = max(1, executor.workers or (os.cpu_count() or 1))
        replica = search.replica()
        size = max(1, min(50, math.ceil(len(todo) / (workers * 8))))
        chunks = deque(list(todo)[k:k + size] for k in range(0, len(todo), size))  # of world numbers
        todo.clear()
        running: dict[Any, list[int]] = {}

        def submit() -> None:
            chunk = chunks.popleft()
            running[executor.submit(replica, work, [worlds[k] for k in chunk], *args, seconds=search.remaining())] = chunk

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
                    next(as_completed(list(running), loop=executor.client.loop,  # type: ignore[no-untyped-call]  # untyped in distributed
                                      timeout=search.remaining()))
                except TimeoutError:  # the deadline passed: said at the top of the loop
                    pass


#: A job of at least this many worlds is worth a worker started alongside (its start-up takes seconds).
ALONGSIDE_WORLDS = 200


class Alongside:
    """``work`` over ``worlds`` on a local cluster's workers while this process does other work: the caller goes on
    at once, and :meth:`result` gives the answers (in order).  A thread of this process hands the worlds to the
    workers, a few chunks at a time, and gathers their answers; it talks to Dask only and never touches the model.
    When the caller asks for the result, this process solves the chunks not yet handed out itself, from the back,
    while the workers finish theirs.  One worker per core but one.  :meth:`close` stops the cluster whatever state it
    is in (also on an error or Ctrl-C in this process)."""

    def __init__(self, search: Search, worlds: Sequence[World], work: Work, args: tuple[Any, ...] = ()):
        self.search, self.work, self.args = search, work, args
        replica, seconds = search.replica(), search.remaining()
        self.executor = Executor(None, workers=max(1, (os.cpu_count() or 1) - 1)).begin()
        worlds = list(worlds)
        size = max(1, min(25, math.ceil(len(worlds) / 16)))
        self.chunks: deque[tuple[int, list[World]]] = deque((k, worlds[k:k + size]) for k in range(0, len(worlds), size))
        self.done: dict[int, list[Any]] = {}
        self.lock = threading.Lock()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(replica, seconds), name="worlds alongside", daemon=True)
        self.thread.start()

    def _take(self, last: bool = False) -> tuple[int, list[World]] | None:
        with self.lock:
            return (self.chunks.pop() if last else self.chunks.popleft()) if self.chunks else None

    def _run(self, replica: Any, seconds: float | None) -> None:
        try:
            executor, end = self.executor, time.perf_counter() + 60.0
            while not executor.ready:
                if not self.chunks:  # this process has taken them all
                    return
                if time.perf_counter() > end:
                    raise RuntimeError("no Dask worker joined within 60 s")
                time.sleep(0.05)
            running: dict[Any, int] = {}
            while True:
                while len(running) < 2 * max(1, executor.workers) and (chunk := self._take()) is not None:
                    running[executor.submit(replica, self.work, chunk[1], *self.args, seconds=seconds)] = chunk[0]
                if not running:
                    return
                executor.wait_any(running)
                for future in [f for f in running if f.done()]:
                    self.done[running.pop(future)] = future.result()
        except BaseException as error:  # raised in the caller by result()
            self.error = error

    def result(self) -> list[Any]:
        """The answers, once every world is done (this process solving what is left to hand out);
        TimeLimitReached when the caller's deadline passes first."""
        while (chunk := self._take(last=True)) is not None:
            self.done[chunk[0]] = self.work(self.search, chunk[1], *self.args)
        while self.thread.is_alive():
            left = self.search.remaining()
            if left == 0:
                raise TimeLimitReached("stopped at the time limit before every sampled world was solved")
            self.thread.join(0.1 if left is None else min(0.1, left))
        if self.error is not None:
            raise self.error
        return [answer for k in sorted(self.done) for answer in self.done[k]]

    def close(self) -> None:
        self.executor.close()
        self.thread.join(5.0)
