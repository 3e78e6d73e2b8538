"""Running ``bargaining explore`` for a test: a real server process on 127.0.0.1 (a free port), stopped with
Ctrl-C (SIGINT) at the end, checked to leave no process behind."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]


#: The servers running (for a failure message: :func:`where_all`).
LIVE: list[Server] = []


def where_all() -> str:
    """Where each running server's threads stand."""
    return "\n".join(f"server {server.url}:\n{server.where()}" for server in LIVE)


class Server:
    """``bargaining explore FILE --port N`` in a subprocess; ``url`` once it listens."""

    def __init__(self, path: Path | str, port: int = 0, *args: str):
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen([sys.executable, "-m", "bargaining.cli", "explore", str(path), "--port", str(port), *args],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env,
                                        encoding="utf-8", errors="replace")
        self.lines: queue.Queue[str] = queue.Queue()
        self.out: list[str] = []
        self.err: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self._err_reader = threading.Thread(target=self._read_err, daemon=True)
        self._err_reader.start()
        LIVE.append(self)
        self.url = self._address(timeout=90)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.out.append(line)
            self.lines.put(line)

    def _read_err(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.err.append(line)

    def where(self) -> str:
        """Where each of the server's threads stands (SIGUSR1: the server prints it on stderr), for a failure message."""
        if self.process.poll() is not None:
            return f"(the server has ended: {self.process.returncode})"
        before = len(self.err)
        self.process.send_signal(signal.SIGUSR1)
        end, seen = time.monotonic() + 10, -1
        while time.monotonic() < end and (len(self.err) == before or len(self.err) != seen):  # until it stops coming
            seen = len(self.err)
            time.sleep(0.5)
        return "".join(self.err[before:])[-8000:]

    def _address(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                if self.process.poll() is not None:
                    self._err_reader.join(5)
                    raise RuntimeError(f"the server stopped: {''.join(self.err)}")
                continue
            found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            if found:
                self.port = int(found.group(1))
                return found.group(0)
        raise RuntimeError("the server did not say where it listens")

    @property
    def port_number(self) -> int:
        return self.port

    def descendants(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def stop(self) -> tuple[int, str, str]:
        """Ctrl-C; the exit code, stdout and stderr.  Raises if any process it started is still alive after 10 s."""
        started = self.descendants()
        self.process.send_signal(signal.SIGINT)
        try:
            code = self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            where = self.where()
            self.process.kill()
            raise AssertionError(f"the server did not stop within 30 s of Ctrl-C; where it stood:\n{where}") from None
        self._err_reader.join(10)  # the rest of stderr
        err = "".join(self.err)
        LIVE.remove(self)
        deadline = time.monotonic() + 10
        alive = [p for p in started if _alive(p)]
        while alive and time.monotonic() < deadline:
            time.sleep(0.2)
            alive = [p for p in alive if _alive(p)]
        for p in alive:
            p.kill()
        assert not alive, f"processes left behind: {[(p.pid, p.name()) for p in alive]}"
        time.sleep(0.2)
        return code, "".join(self.out), err


def _alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
