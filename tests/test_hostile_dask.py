"""Dask under hostile conditions (issue 27, item 4): signals to a command running a local cluster, and scheduler
addresses that are not Dask schedulers.

Signals: SIGTERM left the scheduler and workers running, re-parented and listening; a Ctrl-C to the process group
as the cluster started ended in a ``Client.__del__`` TimeoutError traceback 30 s later; a SIGKILL left them
running too.  Now: exit 143 ("terminated") or 130 ("interrupted"), one line, and no process of the command left.

Schedulers: a listener that accepts and never answers, or an HTTP server, hung ``--scheduler`` for minutes; a
malformed address printed an error and then a traceback 30 s later; ``tls://`` and ``ucx://`` raised TypeError.
Now: one line and exit 2, within the connect timeout (``executor.CONNECT_SECONDS``).

Every server here is bound to 127.0.0.1 and stopped with its test.  No speed is asserted: the waits are hang
guards, named as such.
"""

from __future__ import annotations

import http.server
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

import psutil
import pytest
import yaml
from budget import HANG_GUARD
from test_uncertainty import CASE

from bargaining import BargainingSpace, Scenario
from bargaining.engine.executor import CONNECT_SECONDS

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The uncertainty test case without real lines: robustness goes straight to the sampled worlds."""
    data = {**CASE, "red_lines": [{k: v for k, v in line.items() if k != "real"} for line in CASE["red_lines"]]}
    file = tmp_path_factory.mktemp("dask") / "case.yaml"
    file.write_text(yaml.safe_dump(data, sort_keys=False))
    return file


def command(argv: list[str]) -> subprocess.Popen[bytes]:
    """``bargaining ARGV`` as a shell runs it: its own process group, SIGINT at its default, this tree's code."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "bargaining.cli", *argv], env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def finish(process: subprocess.Popen[bytes], guard: float = HANG_GUARD) -> tuple[int, str]:
    """Its exit code and stderr; killed (group and all) and failed if it runs past the hang guard."""
    try:
        code = process.wait(guard)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        pytest.fail(f"hang guard: still running after {guard:g} s")
    return code, process.stderr.read().decode() if process.stderr else ""


def alive(processes: list[psutil.Process]) -> list[str]:
    """Those still running (zombies are not: they hold nothing and listen on nothing)."""
    left = []
    for process in processes:
        try:
            if process.status() != psutil.STATUS_ZOMBIE:
                left.append(f"{process.pid} {' '.join(process.cmdline())[:80]}")
        except psutil.NoSuchProcess:
            pass
    return left


def with_cluster(case: Path) -> tuple[subprocess.Popen[bytes], list[psutil.Process]]:
    """`robustness` on a local cluster, once its scheduler and a worker are running: the command and its children."""
    process = command(["robustness", str(case), "--samples", "20000", "--scheduler", "local"])
    end = time.perf_counter() + HANG_GUARD
    while time.perf_counter() < end:
        if process.poll() is not None:
            pytest.fail(f"finished before its cluster started: {finish(process)}")
        children = psutil.Process(process.pid).children(recursive=True)
        if any("distributed.Worker" in " ".join(child.cmdline()) for child in children):
            return process, children
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    pytest.fail(f"hang guard: no local cluster within {HANG_GUARD:g} s")


def none_left(children: list[psutil.Process]) -> list[str]:
    """The children still running after a grace of a few seconds (they notice the parent's end on their own)."""
    end = time.perf_counter() + 10.0
    while alive(children) and time.perf_counter() < end:
        time.sleep(0.1)
    return alive(children)


@pytest.mark.slow  # a real cluster or server process and its signals: the slow stage
@pytest.mark.parametrize("group", [False, True], ids=["kill", "timeout"])
def test_sigterm_stops_the_command_and_its_cluster(case, group):
    """`kill PID` (the command alone) or `timeout` (the command, then its group): the cluster stayed up, listening."""
    process, children = with_cluster(case)
    (os.killpg if group else os.kill)(process.pid, signal.SIGTERM)
    code, err = finish(process)
    assert code == 143, err
    assert "Traceback" not in err and "Exception ignored" not in err and err.strip().splitlines()[-1] == "terminated", \
        err + stuck(err)
    assert alive(children) == []  # stopped before the command returned


def stuck(err: str) -> str:
    """Where each thread stood when a stuck way out was cut short (the file the command names), for the failure."""
    if "where it stood: " not in err:
        return ""
    return Path(err.split("where it stood: ")[1].split(")")[0]).read_text()


@pytest.mark.slow  # a real cluster or server process and its signals: the slow stage
def test_ctrl_c_as_the_cluster_starts(case):
    """Ctrl-C at a terminal (SIGINT to the group) while the client connects: a Client.__del__ traceback 30 s later.
    To press it then, the scheduler is paused (SIGSTOP) as soon as it has written its address, so the client's
    handshake waits; the scheduler is resumed after the Ctrl-C."""
    process = command(["robustness", str(case), "--samples", "20000", "--scheduler", "local"])
    end = time.perf_counter() + HANG_GUARD
    scheduler, file = None, None
    while file is None or not file.exists() or not file.read_text().strip().endswith("}"):
        if process.poll() is not None or time.perf_counter() > end:
            finish(process, guard=0.1)
            pytest.fail("hang guard: no local scheduler started")
        for child in psutil.Process(process.pid).children():
            line = " ".join(child.cmdline())
            if "distributed.Scheduler" in line:
                scheduler, file = child, Path(line.split('"scheduler_file": "')[1].split('"')[0])
        time.sleep(0.002)
    scheduler.suspend()
    try:
        while not any("distributed.Worker" in " ".join(c.cmdline()) for c in psutil.Process(process.pid).children()):
            assert time.perf_counter() < end, "hang guard: no worker started"
            time.sleep(0.01)
        children = psutil.Process(process.pid).children(recursive=True)
        time.sleep(0.5)  # the command is in the client's handshake
        os.killpg(process.pid, signal.SIGINT)
    finally:
        scheduler.resume()
    code, err = finish(process)
    assert code == 130, err
    assert "Traceback" not in err and "Exception ignored" not in err and err.strip().splitlines()[-1] == "interrupted"
    assert none_left(children) == []


@pytest.mark.slow  # a real cluster or server process and its signals: the slow stage
def test_sigkill_leaves_no_cluster_behind(case):
    """Nothing can run in the command after a SIGKILL: its cluster's processes end on their own."""
    process, children = with_cluster(case)
    process.kill()
    process.wait()
    assert none_left(children) == []


def test_the_next_local_cluster_removes_the_folder_a_killed_one_left(tmp_path):
    """A cluster's scratch folder carries its process's id; a process killed with SIGKILL cannot remove it, so the next
    local cluster removes every such folder whose process is gone (and leaves living ones and other names alone)."""
    import subprocess
    import sys

    from bargaining.engine.executor import FOLDER_PREFIX, remove_stale_folders

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    dead = tmp_path / f"{FOLDER_PREFIX}{gone.pid}-abc"
    living = tmp_path / f"{FOLDER_PREFIX}{os.getpid()}-def"
    other = tmp_path / f"{FOLDER_PREFIX}old-style"
    for folder in (dead, living, other):
        folder.mkdir()
        (folder / "scheduler.json").write_text("{}")
    assert remove_stale_folders(str(tmp_path)) == [dead.name]
    assert not dead.exists() and living.exists() and other.exists()


# --------------------------------------------------------------------------- addresses that are not schedulers
@pytest.fixture
def silent() -> Iterator[str]:
    """A listener on 127.0.0.1 that accepts connections and never answers."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    server.close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def web() -> Iterator[str]:
    """A tiny HTTP server on 127.0.0.1."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.slow  # a real cluster or server process and its signals: the slow stage
@pytest.mark.parametrize("server", ["silent", "web"])
def test_a_server_that_is_not_a_scheduler_is_refused(case, request, server):
    """A listener that never answers, or an HTTP server: both hung `--scheduler` for minutes (so a process here,
    killed at the hang guard)."""
    address = request.getfixturevalue(server)
    code, err = finish(command(["robustness", str(case), "--samples", "20", "--scheduler", address]),
                       guard=CONNECT_SECONDS + HANG_GUARD)
    assert code == 2, err
    assert "Traceback" not in err and "Exception ignored" not in err
    assert err.strip().splitlines()[-1].startswith(f"error: {address} is not a Dask scheduler: something accepts "
                                                   "connections there, but it did not answer Dask's handshake")


def test_a_malformed_address_is_refused_in_one_line(case):
    """An error, then a Client.__del__ traceback 30 s later."""
    code, err = finish(command(["robustness", str(case), "--samples", "20", "--scheduler", "tcp://127.0.0.1:notaport"]))
    assert code == 2, err
    assert "Traceback" not in err and "Exception ignored" not in err
    assert err.strip().splitlines()[-1].startswith("error: 'tcp://127.0.0.1:notaport' is not a Dask scheduler address: use tcp://HOST:PORT")


@pytest.mark.parametrize("address, message", [
    ("tcp://127.0.0.1", "is not a Dask scheduler address: use tcp://HOST:PORT"),
    ("tls://127.0.0.1:8786", "uses tls://, which needs certificates"),
    ("ucx://127.0.0.1:8786", "uses ucx://, which bargaining does not support; use tcp://HOST:PORT"),
    ("http://127.0.0.1:8786", "has an unknown scheme http://; use tcp://HOST:PORT"),
])
def test_what_is_not_a_scheduler_address_is_refused(case, capsys, address, message):
    """tls:// and ucx:// raised TypeError; the others said what Dask's parser said."""
    from bargaining.cli import main

    started = time.perf_counter()
    assert main(["robustness", str(case), "--samples", "20", "--scheduler", address]) == 2
    assert time.perf_counter() - started < CONNECT_SECONDS + HANG_GUARD, "hang guard"
    assert message in capsys.readouterr().err.strip().splitlines()[-1]


def test_the_api_refuses_them_with_a_value_error():
    space = BargainingSpace(Scenario.from_dict(CASE), progress=False)
    for address in ("tls://127.0.0.1:8786", "ucx://127.0.0.1:8786", "tcp://127.0.0.1:0", "127.0.0.1:x"):
        with pytest.raises(ValueError, match="tcp://HOST:PORT"):
            space.deal_probability(samples=20, scheduler=address)
