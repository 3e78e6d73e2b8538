"""Running the app: bind (127.0.0.1 by default), say where, serve until Ctrl-C, then stop everything it started.

A port already in use is refused with a clear message (:class:`PortInUse`); a request the app
cannot answer gets an error response and the server goes on; Ctrl-C (SIGINT) or SIGTERM stops
the server, kills any background job still running and removes the job cache.
"""

from __future__ import annotations

import atexit
import errno
import logging
import signal
import socket
import sys
import threading
import traceback
from typing import Any, TextIO

from werkzeug.serving import WSGIRequestHandler, make_server

from ..scenario import Scenario
from ..space import stop_solving

LOCAL = ("127.0.0.1", "localhost", "::1")


def _where(signum: int, frame: Any) -> None:
    """SIGUSR1: where each thread stands, most recent call first, on stderr; the server goes on.  In Python, between
    two steps of the main thread (it waits in ``serve_forever``'s poll, so at once): faulthandler's own dump walks the
    threads from inside the signal and, with request threads starting and ending, printed a garbled list in CI."""
    names = {thread.ident: thread.name for thread in threading.enumerate()}
    parts = []
    for ident, top in sys._current_frames().items():
        parts.append(f"Thread {ident:#x} {names.get(ident, '')!r} (most recent call first):\n")
        parts += reversed(traceback.format_stack(top))
        parts.append("\n")
    stream = sys.__stderr__ or sys.stderr
    stream.write("".join(parts))
    stream.flush()


class PortInUse(Exception):
    """The address is taken (another bargaining explore, or another program)."""


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:  # one line per request would drown the terminal
        pass


def safe_text(text: str) -> str:
    """Scenario text for a terminal: control characters (ESC sequences among them) shown escaped, never obeyed."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def serve(scenario: Scenario, host: str = "127.0.0.1", port: int = 8050, out: TextIO | None = None) -> None:
    """Serve the page for ``scenario`` until Ctrl-C (or SIGTERM); everything started is stopped on the way out."""
    from .app import create_app, warm_figures

    out = out or sys.stdout
    log = logging.getLogger("bargaining.explore")
    if not log.handlers:  # to the process's own stderr: while a solve runs, Pyomo has sys.stderr captured
        log.addHandler(logging.StreamHandler(sys.__stderr__))
        log.propagate = False
    jobs = None
    # when the process ends, a page's answer may still be solving in a request thread: end only after it has stopped
    atexit.register(stop_solving)
    try:
        app, jobs = create_app(scenario)
        listening = listen(host, port)
        try:
            server = make_server(host, listening.getsockname()[1], app.server, threaded=True, request_handler=_Quiet,
                                 fd=listening.fileno())
        finally:
            listening.close()  # the server holds its own copy
        previous = signal.signal(signal.SIGTERM, _interrupt)
        # `kill -USR1 PID`: where each thread stands, on stderr (for a bug report about a page that stops answering)
        before_usr1 = signal.signal(signal.SIGUSR1, _where)
        if host not in LOCAL:
            print(f"warning: listening on {host}: the page has no login, so anyone who can reach this address can use it "
                  "and run analyses on this machine", file=sys.stderr, flush=True)
        shown = f"[{host}]" if ":" in host else host
        print(f"bargaining explore: {safe_text(scenario.name)}\n  http://{shown}:{server.socket.getsockname()[1]}/  (Ctrl-C stops it)",
              file=out, flush=True)
        threading.Thread(target=warm_figures, name="figures warm-up", daemon=True).start()
        try:
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            signal.signal(signal.SIGUSR1, before_usr1)
            # a page's open connection read in its request thread after the socket is closed: nothing to tell anyone
            server.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
            server.server_close()
            print("stopped", file=out, flush=True)
    finally:
        if jobs is not None:
            jobs.close()


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` and listening (port 0: any free one); PortInUse when the address is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a port in TIME_WAIT is free; one in use is not
    try:
        listening.bind((host, port))
        listening.listen(128)
    except OSError as error:
        listening.close()
        if error.errno == errno.EADDRINUSE:
            raise PortInUse(f"{host}:{port} is already in use (another bargaining explore, or another program); "
                            "choose another port with --port N") from None
        raise
    return listening


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
