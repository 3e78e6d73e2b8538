"""What every command shares: exit codes, time limits, loading a space, printing tables."""

from __future__ import annotations

import argparse
import sys
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator

from ..files import check_output, write_atomic
from ..scenario import Scenario

if TYPE_CHECKING:
    import pandas as pd

    from ..space import BargainingSpace

EXIT_OK, EXIT_NO_DEAL, EXIT_BAD_INPUT, EXIT_TIME_LIMIT = 0, 1, 2, 3
#: Seconds a command that searches may take unless told otherwise (--time-limit; 0: no limit).
DEFAULT_TIME_LIMIT = 60.0
#: When a command still runs after this many seconds, it says what it is doing and its time limit.
ANNOUNCE_AFTER = 1.0
FORMAT_HELP = "docs/scenario-format.md ('bargaining init FILE' writes a commented starter)"


class UsageError(Exception):
    """A user error the command reports in one line (exit code 2)."""


def seconds(text: str) -> float | None:
    """``--time-limit``: a number of seconds, 0 for no limit (None); negative or not a number is refused."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if value != value or value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 (no limit) or a positive number of seconds, not {text}")
    return None if value == 0 or value == float("inf") else value


def limit_text(limit: float | None) -> str:
    return "no time limit" if limit is None else f"time limit {limit:g} s"


@contextmanager
def announced(what: str, limit: float | None, scope: str = "") -> Iterator[None]:
    """Long work says so: after :data:`ANNOUNCE_AFTER` seconds, one line on stderr naming the work and its
    time limit (``scope``: what the limit bounds, when not the whole command); a progress bar follows on
    a terminal, where the work has one."""
    change = "--time-limit S to change it, 0 for none" if limit is not None else "--time-limit S to set one"
    timer = threading.Timer(ANNOUNCE_AFTER, lambda: print(f"{what}: working ({limit_text(limit)}{scope}; {change})",
                                                         file=sys.stderr, flush=True))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def plural(n: int, word: str, many: str | None = None) -> str:
    """"1 package", "2 packages", "1,000 packages"."""
    return f"{n:,} {word if n == 1 else many or word + 's'}"


def load(path: str) -> Scenario:
    return Scenario.from_file(path)


def open_space(path: str, time_limit: float | None = None, scenario: Scenario | None = None) -> "BargainingSpace":
    from ..space import BargainingSpace

    space = BargainingSpace(scenario or load(path), time_limit=time_limit)
    doubt = space.numeric_doubt()
    if doubt is not None:
        print(f"warning: {path}: {doubt}; the exact programme's answers (frontier, solve and acceptable on discrete "
              "scenarios) are exact, but analyses that search the model may miss better packages or packages that exist "
              "(every package shown is checked exactly)", file=sys.stderr)
    return space


def writable(path: str | None, source: str) -> None:
    """Before any work: the output can be written, and is not the scenario file."""
    if path is not None:
        check_output(path, [source])


def emit(frame: "pd.DataFrame", path: str | None, header: str = "") -> None:
    """Print a table, or write it as CSV atomically (temporary file, then rename), after ``header``."""
    if path is None:
        print(frame.to_string(index=False))
        return
    write_atomic(path, header + frame.to_csv(index=False))
    print(f"wrote {path}", file=sys.stderr)
