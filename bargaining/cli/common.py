"""What every command shares: exit codes, time limits, loading a space, printing tables."""

from __future__ import annotations

import argparse
import re
import sys
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Iterator, TextIO

from ..files import check_output, write_atomic
from ..scenario import Scenario

if TYPE_CHECKING:
    import pandas as pd

    from ..space import BargainingSpace

EXIT_OK, EXIT_NO_DEAL, EXIT_BAD_INPUT, EXIT_TIME_LIMIT = 0, 1, 2, 3
#: Seconds a command that searches may take unless told otherwise (--time-limit; 0: no limit).
DEFAULT_TIME_LIMIT = 60.0
#: The report's: every section of the bundled case takes about 1-2 minutes together (benchmarks/README.md), and a
#: newcomer's first report should be whole.
REPORT_TIME_LIMIT = 600.0
#: When a command still runs after this many seconds, it says what it is doing and its time limit.
ANNOUNCE_AFTER = 1.0
FORMAT_HELP = "docs/scenario-format.md ('bargaining init FILE' writes a commented starter)"
#: The FILE argument's help, the same in every command.
FILE_HELP = ("the scenario file: YAML or JSON, format 1, as docs/scenario-format.md describes "
             "('bargaining init FILE' writes a commented starter)")


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


#: ``--max-memory``'s help, the same in every command that takes it.
MAX_MEMORY_HELP = ("the most memory the command may use, such as 4G or 500M; a case that would need more stops with a "
                   "message saying what would not fit, before it allocates; 0: no limit (default: 80%% of the memory "
                   "available when the command starts)")


def memory_size(text: str) -> int:
    """``--max-memory``: a size ("4G", "500M", bytes), or 0 for none."""
    from ..memory import parse_size

    try:
        return parse_size(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def apply_memory(args: argparse.Namespace) -> None:
    """Before any work: the command's memory budget (``--max-memory``, or the default), its checks and its cap."""
    from .. import memory

    chosen = getattr(args, "max_memory", None)  # None: the default; 0: no limit
    limit = memory.default_budget() if chosen is None else chosen or None
    memory.set_budget(limit)
    memory.cap_process(limit)


def limit_text(limit: float | None) -> str:
    from ..results import number

    return "no time limit" if limit is None else f"time limit {number(limit)} s"


#: Control characters (C0 but newline and tab, DEL, C1): a scenario's text could move the cursor, retitle the
#: window or clear the screen if printed raw.  They are shown escaped, as Python writes them ("\x1b").
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with every control character but newline and tab written as an escape (``\x1b``)."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def say(*values: Any, file: TextIO | None = None, **options: Any) -> None:
    """``print`` for everything a command writes to the terminal: scenario text never carries escapes through."""
    print(*(printable(str(v)) for v in values), file=file if file is not None else sys.stdout, **options)


@contextmanager
def announced(what: str, limit: float | None, scope: str = "") -> Iterator[None]:
    """Long work says so: after :data:`ANNOUNCE_AFTER` seconds, one line on stderr naming the work and its
    time limit (``scope``: what the limit bounds, when not the whole command); a progress bar follows on
    a terminal, where the work has one.  The line goes to the stderr in force when the work starts: the
    solver interface replaces ``sys.stderr`` with a tee of its own while it solves, and closes it after."""
    change = "--time-limit S to change it, 0 for none" if limit is not None else "--time-limit S to set one"
    stream = sys.stderr

    def announce() -> None:
        try:
            print(printable(f"{what}: working ({limit_text(limit)}{scope}; {change})"), file=stream, flush=True)
        except (ValueError, OSError):  # the stream closed meanwhile (the run is over): nothing to say it on
            pass

    timer = threading.Timer(ANNOUNCE_AFTER, announce)
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


def open_space(path: str | Scenario) -> "BargainingSpace":
    """The space of a scenario file (or of a scenario already loaded from ``path``): the model is built here."""
    from ..space import BargainingSpace

    scenario = path if isinstance(path, Scenario) else load(path)
    space = BargainingSpace(scenario)
    warn_doubt(scenario, space.numeric_doubt())
    return space


def warn_doubt(scenario: Scenario, doubt: object | None) -> None:
    """The warning when the solver may rank this scenario's utilities wrongly (``doubt``: why; None: no warning)."""
    if doubt is not None:
        say(f"warning: {scenario.source}: {doubt}; the exact programme's answers (frontier, solve and acceptable on discrete "
            "scenarios) are exact, but analyses that search the model may miss better packages or packages that exist "
            "(every package shown is checked exactly)", file=sys.stderr)


def writable(path: str | None, source: str) -> None:
    """Before any work: the output can be written, and is not the scenario file."""
    if path is not None:
        check_output(path, [source])


def emit(frame: "pd.DataFrame", path: str | None, header: str = "") -> None:
    """Print a table (numbers by the one rule), or write it as CSV atomically (temporary file, then rename; every
    float at full precision), after ``header``."""
    from ..results import frame_text
    from ..results.formatting import LONG_TABLE, text_lines

    if path is None and len(frame) > LONG_TABLE:  # a long table a block of lines at a time, never one string
        lines: list[str] = []
        for line in text_lines(frame):
            lines.append(line)
            if len(lines) == LONG_TABLE:
                say("\n".join(lines))
                lines.clear()
        if lines:
            say("\n".join(lines))
        return
    if path is None:
        say(frame_text(frame))
        return
    write_atomic(path, header + frame.to_csv(index=False))
    say(f"wrote {path}", file=sys.stderr)
