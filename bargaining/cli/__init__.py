"""The ``bargaining`` command.

Exit codes: 0 done, 1 no acceptable package (the diagnosis is printed), 2 bad input or a
missing file, 3 stopped at the time limit without an answer, 130 interrupted (Ctrl-C), 143
terminated (SIGTERM, as ``kill`` and ``timeout`` send: handled as Ctrl-C is, so the helper
processes are stopped and the old output kept).
The commands themselves are in :mod:`.commands`; this module reads the arguments and turns
every user error into one line on stderr.
"""

from __future__ import annotations

import argparse
import faulthandler
import os
import signal
import sys
import tempfile
import threading
from contextlib import suppress
from types import FrameType
from typing import Callable, NoReturn, Sequence

from ..arguments import SAMPLES
from ..criteria import CRITERIA
from ..errors import SolverFailed, TimeLimitReached
from ..scenario import ScenarioError
from ..version import __version__
from . import common
from .common import EXIT_BAD_INPUT, EXIT_TIME_LIMIT, FORMAT_HELP, UsageError, limit_text, say, seconds

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return EXIT_BAD_INPUT
    terminated = _Terminated()
    try:
        common.apply_memory(args)
        with terminated:
            return int(args.run(args))
    except ScenarioError as error:  # one line per problem, each marked; then where the format is described
        say("\n".join(line if line.startswith("(") else f"error: {line}" for line in str(error).splitlines()), file=sys.stderr)
        return EXIT_BAD_INPUT
    except (UsageError, ValueError) as error:
        say(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except SolverFailed as error:
        say(f"error: {getattr(args, 'file', '')}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except TimeLimitReached as error:
        limit = getattr(args, "time_limit", None)
        within = f" ({limit_text(limit)})" if limit else ""
        say(f"stopped: {error}{within}; try a larger --time-limit, or --time-limit 0 for none", file=sys.stderr)
        return EXIT_TIME_LIMIT
    except MemoryError as error:  # MemoryLimitReached (an estimate, before allocating) or an allocation past the cap
        say(f"error: {getattr(args, 'file', '')}: {memory_message(error)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        if terminated.received:
            print("terminated", file=sys.stderr)
            return 143
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (`bargaining frontier FILE | head`): no traceback, and nothing more to flush
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def memory_message(error: MemoryError) -> str:
    """What a command says when the memory budget stopped it."""
    from ..memory import MemoryLimitReached, budget, size_text

    allowed = budget()
    limit = "" if allowed is None else f" of {size_text(allowed)}"
    if isinstance(error, MemoryLimitReached):
        what = str(error)
    else:
        what = f"an allocation went past the memory budget{limit}" + (f" ({error})" if str(error) else "")
    return (f"this case is too large for the memory allowed: {what}; the command stopped before using more. Give "
            "--max-memory more (if the machine has it), fewer parties or issues, or a smaller question (--parties)")


class _Terminated:
    """For the command's length (main thread only): SIGTERM is handled as Ctrl-C is -- by SIGINT's handler in force
    (a HiGHS solve records it and stops, elsewhere KeyboardInterrupt), so every ``with`` on the way out stops
    what it started (the local Dask cluster) -- and :attr:`received` says it was SIGTERM (exit 143).  A second
    SIGTERM is ignored: the way out is bounded (the local cluster's processes are killed after a second), and if it
    has not ended :data:`GRACE` seconds later, it is cut short (:meth:`_cut_short`)."""

    #: Seconds the way out has after a SIGTERM before the process ends at once.
    GRACE = 15.0

    def __init__(self) -> None:
        self.received = False
        self.previous: object = None

    def __enter__(self) -> None:
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGTERM, self._handle)

    def __exit__(self, *exc: object) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGTERM, self.previous)  # type: ignore[arg-type]

    def _handle(self, number: int, frame: FrameType | None) -> None:
        if self.received:  # `timeout` sends it twice (to the command, then to its group): the first one stops it
            return
        self.received = True
        watchdog = threading.Timer(self.GRACE, self._cut_short)
        watchdog.daemon = True
        watchdog.start()
        handler = signal.getsignal(signal.SIGINT)
        if callable(handler) and handler is not signal.default_int_handler:
            handler(signal.SIGINT, frame)
        else:
            raise KeyboardInterrupt

    @classmethod
    def _cut_short(cls) -> None:
        """The way out is stuck (a bug): kill the local cluster's processes, keep where each thread stood in a file
        (for a bug report), say so and end at once with 143."""
        executor = sys.modules.get("bargaining.engine.executor")
        if executor is not None:
            executor.kill_local_clusters()
        where = ""
        try:
            with tempfile.NamedTemporaryFile("w", prefix="bargaining-stuck-", suffix=".txt", delete=False) as file:
                faulthandler.dump_traceback(file, all_threads=True)
            where = f"; where it stood: {file.name}"
        except OSError:
            pass
        with suppress(OSError, ValueError):
            print(f"terminated (its way out took more than {cls.GRACE:g} s and was cut short{where})", file=sys.stderr, flush=True)
        os._exit(143)


class _Parser(argparse.ArgumentParser):
    """Argument errors read like the application's: ``error: ...`` first, then the usage line, exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"error: {message}\n{self.format_usage()}")


CRITERION_HELP = f"the bargaining criterion: {', '.join(CRITERIA)} (default: maxmin)"


def _parser() -> argparse.ArgumentParser:
    from . import commands, explore, genius, hold, sensitivity

    parser = _Parser(prog="bargaining", description="Find the packages every party can accept, the Pareto "
                     f"frontier and fair points on it. The scenario format: {FORMAT_HELP}")
    parser.add_argument("--version", action="version", version=f"bargaining {__version__}")
    subcommands = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(name: str, run: Callable[[argparse.Namespace], int], help: str,
                file_help: str = common.FILE_HELP) -> argparse.ArgumentParser:
        sub = subcommands.add_parser(name, help=help, description=help)
        sub.add_argument("file", metavar="FILE", help=file_help)
        sub.set_defaults(run=run)
        return sub

    def time_limit(sub: argparse.ArgumentParser, what: str, default: float = common.DEFAULT_TIME_LIMIT) -> None:
        sub.add_argument("--time-limit", type=seconds, default=default, metavar="SECONDS",
                         help=f"stop {what} after this long; 0: no limit (default: {default:g})")
        sub.add_argument("--max-memory", type=common.memory_size, default=None, metavar="SIZE", help=common.MAX_MEMORY_HELP)

    def worlds(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--samples", type=int, default=SAMPLES, metavar="N", help=f"sampled worlds (default: {SAMPLES})")
        sub.add_argument("--seed", type=int, default=0, metavar="SEED", help="random seed: the same seed, the same worlds (default: 0)")

    def objective(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--objective", choices=CRITERIA, default="maxmin", metavar="CRITERION", help=CRITERION_HELP)

    command("check", commands.check, "validate a scenario file and summarise it, with warnings for what looks wrong")
    command("init", commands.init, "write a commented starter scenario to FILE (to edit; never over an existing file)",
            file_help="where to write the starter scenario (a new file; YAML)")
    solve = command("solve", commands.solve, "find the best acceptable package under a criterion")
    objective(solve)
    solve.add_argument("--json", action="store_true", help="print the package as JSON (the API's names)")
    time_limit(solve, "the whole command")
    solve.add_argument("--coalition", metavar="IDS", help="'smallest', or comma-separated ids of the optional parties that take part")

    report = command("report", commands.report, "write a self-contained HTML report: summary, solutions, frontier, concessions, or the diagnosis")
    report.add_argument("-o", "--output", metavar="OUT.html", help="where to write it; missing folders are created "
                        "(default: FILE's name with .html, in the current folder)")
    time_limit(report, "the whole report (sections it cuts short are listed at the top)", common.REPORT_TIME_LIMIT)
    worlds(report)

    diagnose = command("diagnose", commands.diagnose, "say whether any package is acceptable; if not, what conflicts and what would open it")
    time_limit(diagnose, "the whole command")

    frontier = command("frontier", commands.frontier, "list the Pareto frontier of the acceptable packages")
    frontier.add_argument("--parties", metavar="IDS", help="comma-separated party ids (default: all)")
    time_limit(frontier, "the whole command and list what was found so far")
    frontier.add_argument("--csv", metavar="OUT.csv", help="write the frontier as CSV to OUT.csv instead of printing it")
    frontier.add_argument("--method", choices=["auto", "dp", "mip"], default="auto", metavar="METHOD",
                          help="auto: the exact dynamic programme where it applies, else the mixed-integer search; dp; mip "
                               "(default: auto)")

    coalitions = command("coalitions", commands.coalitions, "list the minimal coalitions of optional parties that open the bargaining space")
    coalitions.add_argument("--csv", metavar="OUT.csv", help="write the table as CSV to OUT.csv")
    time_limit(coalitions, "the whole command")

    leverage = command("leverage", commands.leverage, "compare the space with an issue frozen at its status quo against it open")
    leverage.add_argument("issue", metavar="ISSUE", nargs="?", help="issue id (default: every issue marked linkable: true)")
    time_limit(leverage, "the whole command")

    phased = command("phased", commands.phased, "find the best package that can be delivered in phases without anyone paying up front")
    phased.add_argument("--phases", type=int, default=3, metavar="N", help="number of phases (default: 3)")
    objective(phased)
    time_limit(phased, "the whole command")

    robust = command("robustness", commands.robustness, "how sure is a deal when red lines may be bluffs or for sale and "
                     "reservations and points are uncertain: the chance of a deal, each solution's robustness, the most "
                     "robust package and what learning each uncertainty would be worth")
    worlds(robust)
    robust.add_argument("--scheduler", metavar="ADDR", help="a Dask scheduler (tcp://host:8786; connected within 10 s); 'serial' for this process only; "
                        "'local' for a local cluster (default: a local cluster when the job is long)")
    robust.add_argument("--json", action="store_true", help="print the results as JSON (the API's names)")
    time_limit(robust, "the whole command and say what it cut short")

    held = command("hold", hold.run, hold.HELP)
    held.add_argument("--phases", type=int, default=3, metavar="N", help="number of phases (default: 3)")
    objective(held)
    held.add_argument("--coalition-size", type=int, default=2, metavar="K",
                      help="stability: coalitions of up to K parties renege together (default: 2)")
    held.add_argument("--json", action="store_true", help="print the results as JSON (the API's names)")
    time_limit(held, "the whole command")

    sensitivity.add_parser(subcommands)
    genius.add_parser(subcommands)
    explore.add_parser(subcommands)
    return parser
