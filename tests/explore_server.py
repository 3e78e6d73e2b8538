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


class Server:
    """``bargaining explore FILE --port N`` in a subprocess; ``url`` once it listens."""

    def __init__(self, path: Path | str, port: int = 0, *args: str):
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen([sys.executable, "-m", "bargaining.cli", "explore", str(path), "--port", str(port), *args],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env,
                                        encoding="utf-8", errors="replace")
        self.lines: queue.Queue[str] = queue.Queue()
        self.out: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.url = self._address(timeout=90)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.out.append(line)
            self.lines.put(line)

    def _address(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                if self.process.poll() is not None:
                    raise RuntimeError(f"the server stopped: {self.process.stderr.read() if self.process.stderr else ''}")
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
            self.process.kill()
            raise AssertionError("the server did not stop within 30 s of Ctrl-C")
        err = self.process.stderr.read() if self.process.stderr else ""
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
