"""The ``bargaining`` command.

Exit codes: 0 done, 1 no acceptable package (the diagnosis is printed), 2 bad input or a
missing file, 3 stopped at the time limit without an answer, 130 interrupted (Ctrl-C).
The commands themselves are in :mod:`.commands`; this module reads the arguments and turns
every user error into one line on stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Callable, Sequence

from ..criteria import CRITERIA
from ..errors import SolverFailed, TimeLimitReached
from ..scenario import ScenarioError
from ..version import __version__
from . import common
from .common import EXIT_BAD_INPUT, EXIT_TIME_LIMIT, FORMAT_HELP, UsageError, seconds

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        return int(args.run(args))
    except ScenarioError as error:  # one line per problem, each marked; then where the format is described
        print("\n".join(line if line.startswith("(") else f"error: {line}" for line in str(error).splitlines()), file=sys.stderr)
        return EXIT_BAD_INPUT
    except (UsageError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except SolverFailed as error:
        print(f"error: {getattr(args, 'file', '')}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except TimeLimitReached as error:
        limit = getattr(args, "time_limit", None)
        within = f" ({limit:g} s)" if limit else ""
        print(f"stopped: {error}{within}; try a larger --time-limit, or --time-limit 0 for none", file=sys.stderr)
        return EXIT_TIME_LIMIT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (`bargaining frontier FILE | head`): no traceback, and nothing more to flush
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def _parser() -> argparse.ArgumentParser:
    from . import commands, explore, genius, hold

    parser = argparse.ArgumentParser(prog="bargaining", description="Find the packages every party can accept, the Pareto "
                                     f"frontier and fair points on it. The scenario format: {FORMAT_HELP}")
    parser.add_argument("--version", action="version", version=f"bargaining {__version__}")
    subcommands = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(name: str, run: Callable[[argparse.Namespace], int], help: str) -> argparse.ArgumentParser:
        sub = subcommands.add_parser(name, help=help, description=help)
        sub.add_argument("file", metavar="FILE", help=f"scenario file (YAML or JSON, format 1; see {FORMAT_HELP})")
        sub.set_defaults(run=run)
        return sub

    def time_limit(sub: argparse.ArgumentParser, what: str) -> None:
        default = common.DEFAULT_TIME_LIMIT
        sub.add_argument("--time-limit", type=seconds, default=default, metavar="SECONDS",
                         help=f"stop {what} after this long (default {default:g}; 0: no limit)")

    command("check", commands.check, "validate a scenario file and summarise it, with warnings for what looks wrong")
    command("init", commands.init, "write a commented starter scenario to FILE (to edit; never over an existing file)")
    solve = command("solve", commands.solve, "find the best acceptable package under a criterion")
    solve.add_argument("--objective", choices=CRITERIA, default="maxmin", help="bargaining criterion (default: maxmin)")
    solve.add_argument("--json", action="store_true", help="print the package as JSON (the API's names)")
    time_limit(solve, "the whole command")
    solve.add_argument("--coalition", metavar="PARTIES", help="'smallest', or comma-separated ids of the optional parties that take part")

    report = command("report", commands.report, "write a self-contained HTML report: summary, solutions, frontier, concessions, or the diagnosis")
    report.add_argument("-o", "--output", metavar="OUT.html", help="where to write it (default: FILE's name with .html, in the current folder); missing folders are created")
    time_limit(report, "the frontier searches (and the most robust package's search)")

    diagnose = command("diagnose", commands.diagnose, "say whether any package is acceptable; if not, what conflicts and what would open it")
    time_limit(diagnose, "the whole command")

    frontier = command("frontier", commands.frontier, "list the Pareto frontier of the acceptable packages")
    frontier.add_argument("--parties", metavar="IDS", help="comma-separated party ids (default: all)")
    time_limit(frontier, "the search and list what was found so far")
    frontier.add_argument("--csv", metavar="OUT", help="write the frontier as CSV to OUT instead of printing it")
    frontier.add_argument("--method", choices=["auto", "dp", "mip"], default="auto",
                          help="auto (default): the exact dynamic programme where it applies, else the mixed-integer search")

    coalitions = command("coalitions", commands.coalitions, "list the minimal coalitions of optional parties that open the bargaining space")
    coalitions.add_argument("--csv", metavar="OUT", help="write the table as CSV to OUT")
    time_limit(coalitions, "the whole command")

    leverage = command("leverage", commands.leverage, "compare the space with an issue frozen at its status quo against it open")
    leverage.add_argument("issue", metavar="ISSUE", nargs="?", help="issue id (default: every issue marked linkable: true)")
    time_limit(leverage, "the whole command")

    phased = command("phased", commands.phased, "find the best package that can be delivered in phases without anyone paying up front")
    phased.add_argument("--phases", type=int, default=3, help="number of phases (default 3)")
    phased.add_argument("--objective", choices=CRITERIA, default="maxmin", help="bargaining criterion (default: maxmin)")
    time_limit(phased, "the whole command")

    robust = command("robustness", commands.robustness, "how sure is a deal when red lines may be bluffs or for sale and "
                     "reservations and points are uncertain: the chance of a deal, each solution's robustness, the most "
                     "robust package and what learning each uncertainty would be worth")
    robust.add_argument("--samples", type=int, default=1000, metavar="N", help="sampled worlds (default 1000)")
    robust.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0): the same seed, the same worlds")
    robust.add_argument("--scheduler", metavar="ADDR", help="a Dask scheduler (tcp://host:8786); 'serial' for this process only; 'local' for a "
                        "local cluster; default: a local cluster when the job is long")
    robust.add_argument("--json", action="store_true", help="print the results as JSON (the API's names)")
    time_limit(robust, "the most robust package's search")

    hold.add_parser(subcommands)
    genius.add_parser(subcommands)
    explore.add_parser(subcommands)
    return parser
