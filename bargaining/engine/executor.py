"""The one way engine work runs elsewhere: Dask workers, each holding engines rebuilt from replicas.

Work is a module-level function ``work(search, *args)`` (workers import it by name) sent with a
:class:`~.replica.Replica`: the worker rebuilds the engine for that replica once (the model built,
the replica's edits applied), keeps it for every later piece of work on the same replica, and calls
``work`` on it.  Every piece of work makes its own changes inside its own edit, so the answers do not
depend on which worker ran what.  Used by the frontier's boxes (:mod:`bargaining.algorithms.frontier_boxes`)
and by the sampled worlds (:mod:`bargaining.algorithms.cluster`).

``scheduler``: None or ``"local"`` -- a local cluster started here and stopped with the executor
(worker processes started as plain subprocesses, one thread each, scheduler and workers bound to
127.0.0.1, no dashboard; see :class:`LoopbackCluster`); an address such as ``"tcp://host:8786"`` (or ``"host:8786"``) --
an existing Dask distributed cluster (the multi-machine path).  An address is checked before it is used: its
form (``tcp://`` only: ``tls://`` needs certificates this package does not take, ``ucx://`` is not supported),
then a connection and Dask's ``identity`` question, each within :data:`CONNECT_SECONDS`; what does not answer
as a Dask scheduler in time is refused with a ValueError saying so (the CLI: one line, exit 2).

The local cluster's processes end with this process: they are in its process group (a Ctrl-C at a terminal
reaches them), :meth:`LoopbackCluster.close` stops them (the CLI closes it on SIGTERM too), and each watches
a pipe from this process and exits when it closes, so a SIGKILL of this process leaves nothing listening.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from contextlib import suppress
from typing import Any, Callable, Iterable

from .replica import Replica
from .search import Search

#: Seconds a scheduler address has to accept a connection, and then to answer Dask's identity question.
CONNECT_SECONDS = 10.0
#: Seconds the client is given to close (the scheduler may be gone already: a Ctrl-C reaches it too).
CLOSE_SECONDS = 2.0

#: Run in each local cluster process before ``python -m dask``: a thread that waits on the pipe from the process
#: that started it (its stdin) and ends this process when the pipe closes (that process ended, however).
_WATCH_PARENT = """import os, runpy, sys, threading
def _watch():
    while os.read(0, 4096):
        pass
    os._exit(1)
threading.Thread(target=_watch, name="parent watch", daemon=True).start()
sys.argv = ["dask", *sys.argv[1:]]
runpy.run_module("dask", run_name="__main__", alter_sys=True)
"""

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


#: A local cluster's scratch folder (its scheduler file): this prefix, the owning process's id, a dash.
FOLDER_PREFIX = "bargaining-dask-"


def remove_stale_folders(where: str | None = None) -> list[str]:
    """Remove the scratch folders of local clusters whose process is gone (one killed with SIGKILL cannot remove its
    own); the folders removed.  A folder whose name carries no process id, or a living one, is left alone."""
    where = where or tempfile.gettempdir()
    removed: list[str] = []
    try:
        names = os.listdir(where)
    except OSError:
        return removed
    for name in names:
        pid = name[len(FOLDER_PREFIX):].split("-", 1)[0] if name.startswith(FOLDER_PREFIX) else ""
        if not pid.isdigit() or _alive(int(pid)):
            continue
        shutil.rmtree(os.path.join(where, name), ignore_errors=True)
        removed.append(name)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


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
        remove_stale_folders()
        self.folder = tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-")
        self.file = os.path.join(self.folder, "scheduler.json")
        opts = {"scheduler_file": self.file, "host": "127.0.0.1", "port": 0, "dashboard": False, "dashboard_address": "127.0.0.1:0"}
        self.scheduler = self._spawn([json.dumps({"cls": "distributed.Scheduler", "opts": opts})])
        self.workers: list[subprocess.Popen[bytes]] = []
        self._address: str | None = None
        _LIVE.add(self)

    @staticmethod
    def _spawn(spec: list[str]) -> subprocess.Popen[bytes]:
        """``python -m dask spec ...`` in this process group, watching the pipe on its stdin (module docstring)."""
        command = [sys.executable, "-c", _WATCH_PARENT, "spec", *spec[:-1], "--spec", spec[-1]]
        return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

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
            if process.stdin is not None:
                process.stdin.close()
        shutil.rmtree(self.folder, ignore_errors=True)
        _LIVE.discard(self)


#: The local clusters not yet closed (for :func:`kill_local_clusters`).
_LIVE: weakref.WeakSet[LoopbackCluster] = weakref.WeakSet()


def kill_local_clusters() -> None:
    """Kill the processes of every local cluster not yet closed, at once (a process that must end now: its own way
    out is stuck), and remove their folders."""
    for cluster in list(_LIVE):
        for process in [*cluster.workers, cluster.scheduler]:
            with suppress(OSError):
                process.kill()
        shutil.rmtree(cluster.folder, ignore_errors=True)


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
        self._log_levels: dict[str, int] = {}

    # ---- starting and stopping
    def begin(self) -> Executor:
        """Start a local cluster's processes without waiting for them (:attr:`ready` connects once they are up)."""
        if self.scheduler is None and self.cluster is None:
            self.cluster = LoopbackCluster(self.requested)
            # The cluster is this command's own: when a signal ends its processes first (`timeout` signals the whole
            # process group), the client's lost-connection log lines are noise, not news (errors reach the caller
            # through the futures); they stay quiet until close().  Importing distributed sets its own loggers'
            # levels (distributed.client: warning), so each of them is quietened, not only the parent.
            import distributed  # noqa: F401  (its logging set-up first)

            loggers = [name for name in logging.root.manager.loggerDict if name.split(".")[0] == "distributed"]
            self._log_levels = {name: logging.getLogger(name).level for name in ["distributed", *loggers]}
            for name in self._log_levels:
                logging.getLogger(name).setLevel(logging.CRITICAL)
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

        if self.cluster is None:  # an address given: is it a Dask scheduler? (the local cluster's is)
            try:
                identify(address)
            except ValueError:
                self.close()
                raise
        # The client is made in two steps so that a failed or interrupted start can be closed here, at once: else
        # its __del__ tries to close it later for 30 s and prints a traceback.
        client = Client.__new__(Client)
        try:
            Client.__init__(client, address, set_as_default=False, timeout=CONNECT_SECONDS)  # type: ignore[no-untyped-call]
        except BaseException as error:
            _discard(client)
            self.close()
            if isinstance(error, (OSError, TimeoutError)):
                raise ValueError(f"cannot reach the Dask scheduler at {address}: {error}; check the address, "
                                 "or leave --scheduler out to use a local cluster") from None
            raise
        self.client = client

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
                _discard(self.client)
        finally:
            self.client = None
            if self.cluster is not None:
                self.cluster.close()
                self.cluster = None
                for name, level in self._log_levels.items():
                    logging.getLogger(name).setLevel(level)
                self._log_levels = {}

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


def _discard(client: Any) -> None:
    """Close a client within :data:`CLOSE_SECONDS` whatever state it is in (its scheduler may be gone), and mark
    it closed so that its ``__del__`` does not try again."""
    with suppress(Exception):
        client.close(timeout=CLOSE_SECONDS)
    with suppress(Exception):
        if client.status != "closed":
            client.status = "closed"
            client._loop_runner.stop()


#: The address forms accepted, for messages.
SUPPORTED = "tcp://HOST:PORT (or HOST:PORT)"


def parse_address(address: str) -> tuple[str, int]:
    """(host, port) of a ``tcp://HOST:PORT`` or ``HOST:PORT`` address; ValueError naming what is wrong and what
    is supported."""
    scheme, sep, location = address.strip().rpartition("://")
    scheme = scheme.lower() if sep else "tcp"
    if scheme == "tls":
        raise ValueError(f"the Dask scheduler address {address!r} uses tls://, which needs certificates that bargaining "
                         f"does not take; use {SUPPORTED} (for an encrypted link, a tunnel such as ssh -L)")
    if scheme == "ucx":
        raise ValueError(f"the Dask scheduler address {address!r} uses ucx://, which bargaining does not support; "
                         f"use {SUPPORTED}")
    if scheme != "tcp":
        raise ValueError(f"the Dask scheduler address {address!r} has an unknown scheme {scheme}://; use {SUPPORTED}")
    host, colon, port = location.rpartition(":")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if not colon or not host or not port.isdigit() or not 0 < int(port) < 65536 or any(c.isspace() or c in "/?#@" for c in host):
        raise ValueError(f"{address!r} is not a Dask scheduler address: use {SUPPORTED}, the port a number from 1 to 65535 "
                         "(the address the scheduler prints when it starts)")
    return host, int(port)


def identify(address: str, timeout: float = CONNECT_SECONDS) -> None:
    """Check that a Dask scheduler answers at ``address``: a connection within ``timeout`` seconds, then Dask's
    handshake and ``identity`` question answered by a scheduler within ``timeout`` seconds; ValueError saying
    what failed."""
    host, port = parse_address(address)
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except socket.gaierror as error:
        raise ValueError(f"cannot reach the Dask scheduler at {address}: unknown host {host!r} ({error.strerror})") from None
    except TimeoutError:
        raise ValueError(f"cannot reach the Dask scheduler at {address}: no connection within {timeout:g} s") from None
    except OSError as error:
        raise ValueError(f"cannot reach the Dask scheduler at {address}: {error.strerror or error}; check the address, "
                         "or leave --scheduler out to use a local cluster") from None
    answer: list[Any] = []
    url = address.strip() if "://" in address else f"tcp://{address.strip()}"
    thread = threading.Thread(target=lambda: answer.append(_ask_identity(url, timeout)), name="dask identity", daemon=True)
    thread.start()
    thread.join(timeout + 1.0)  # in a thread: the caller may be running an event loop (a notebook)
    reply = answer[0] if answer else None
    what = reply.get("type") if isinstance(reply, dict) else None
    if what == "Scheduler":
        return
    if what is not None:
        raise ValueError(f"{address} is a Dask {str(what).lower()}, not a scheduler: give the scheduler's address")
    why = f"it did not answer Dask's handshake within {timeout:g} s" if reply is None or isinstance(reply, TimeoutError) \
        else "it did not answer as Dask does"
    raise ValueError(f"{address} is not a Dask scheduler: something accepts connections there, but {why}; check the "
                     "address and port (the one the scheduler prints when it starts)")


def _ask_identity(address: str, timeout: float) -> Any:
    """Dask's ``identity`` answer at ``address`` (a dict), or the exception that stopped it (in a new event loop)."""
    async def ask() -> Any:
        from distributed.comm.core import connect

        comm = await connect(address, timeout=timeout)  # type: ignore[no-untyped-call]
        try:
            await comm.write({"op": "identity", "reply": True})
            return await asyncio.wait_for(comm.read(), timeout)
        finally:
            comm.abort()

    async def bounded() -> Any:
        return await asyncio.wait_for(ask(), timeout)

    try:
        return asyncio.run(bounded())
    except TimeoutError as error:
        return error
    except BaseException as error:  # noqa: BLE001  # anything else: not a scheduler's answer
        return error
