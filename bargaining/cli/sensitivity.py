"""``bargaining sensitivity FILE [--json] [--no-break-even]``: what the findings hinge on (see
:meth:`BargainingSpace.sensitivity`); and the exact form of ``bargaining robustness`` when the only uncertainty is red
lines with ``real``."""

from __future__ import annotations

import argparse
import json
from typing import Any

from .common import (
    DEFAULT_TIME_LIMIT,
    EXIT_NO_DEAL,
    EXIT_OK,
    EXIT_TIME_LIMIT,
    FILE_HELP,
    MAX_MEMORY_HELP,
    announced,
    memory_size,
    open_space,
    say,
    seconds,
)

HELP = ("what the findings hinge on: the chance of a deal exactly over every world of the uncertain red lines and its "
        "structure in words, the most robust package, the questions worth asking (ties named), how far each uncertain "
        "input can move (a tornado), and the break-even value of every number that can flip a stated-world finding")


def add_parser(subcommands: Any) -> None:
    sub = subcommands.add_parser("sensitivity", help=HELP, description=HELP)
    sub.add_argument("file", metavar="FILE", help=FILE_HELP)
    sub.add_argument("--json", action="store_true", help="print the result as JSON (the API's names)")
    sub.add_argument("--no-break-even", dest="break_even", action="store_false",
                     help="leave out the break-even table of the stated-world findings (most of the time on larger cases)")
    sub.add_argument("--time-limit", type=seconds, default=DEFAULT_TIME_LIMIT, metavar="SECONDS",
                     help=f"stop the analysis after this long and say what it found so far; 0: no limit (default: {DEFAULT_TIME_LIMIT:g})")
    sub.add_argument("--max-memory", type=memory_size, default=None, metavar="SIZE", help=MAX_MEMORY_HELP)
    sub.set_defaults(run=sensitivity)


def sensitivity(args: argparse.Namespace) -> int:
    from ..present.sensitivity_text import render_sensitivity

    space = open_space(args.file)
    with announced("bargaining sensitivity", args.time_limit):
        result = space.sensitivity(break_even=args.break_even, time_limit=args.time_limit or 0)
    if args.json:
        say(json.dumps(to_json(result), indent=2, default=float))
    else:
        say(render_sensitivity(result))
    if result.deal.exact_probability > 0:
        return EXIT_OK
    return EXIT_NO_DEAL if result.deal.complete else EXIT_TIME_LIMIT  # cut short before any package was found: not known


def _plain(value: Any) -> Any:
    """A table cell as JSON: numpy numbers as Python's, NaN as null."""
    value = value.item() if hasattr(value, "item") else value
    return None if isinstance(value, float) and value != value else value


def _records(frame: Any) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def deal_json(deal: Any) -> dict[str, Any]:
    return {"probability": deal.probability, "exact": str(deal.exact_probability), "words": deal.words,
            "expression": deal.expression, "blocking": [[deal.line(k).id for k in group] for group in deal.blocking]}


def to_json(result: Any) -> dict[str, Any]:
    """The result as plain data: probabilities as floats with the exact fraction beside them as text."""
    robust = result.most_robust
    return {
        "deal_probability": deal_json(result.deal),
        "deal_over_ranges": None if result.exact_deal_over_ranges is None else [str(x) for x in result.exact_deal_over_ranges],
        "most_robust": None if robust is None else robust.to_dict(),
        "value_of_information": _records(result.information.to_frame()),
        "tornado": _records(result.to_frame()),
        "changes": [{"input": bar.input, "finding": c.finding, "direction": c.direction,
                     "at": None if c.exact_at is None else str(c.exact_at),
                     "between": None if c.exact_between is None else [str(x) for x in c.exact_between], "before": c.before,
                     "after": c.after, "verified": c.verified} for bar in result.tornado for c in bar.changes if c.changes],
        "beyond": [{"input": bar.input, "finding": c.finding, "direction": c.direction, "at": str(c.exact_beyond),
                    "before": c.before, "after": c.after, "verified": c.verified}
                   for bar in result.tornado for c in bar.changes if c.exact_beyond is not None],
        "ties": [{"ranking": t.ranking, "items": list(t.items), "value": t.value, "exact": t.exact} for t in result.ties],
        "inert": _records(result.inert_frame()),
        "break_even": None if result.break_even is None else result.break_even.to_dict(),
        **result.provenance(),
    }


def exact_robustness(args: argparse.Namespace, space: Any) -> int:
    """``bargaining robustness`` when the only uncertainty is red lines with ``real``: every answer exact.  -1 when
    the exact analysis stopped (a warning said why): the caller samples then."""
    from ..present.sensitivity_text import render_exact_robustness

    with announced("bargaining robustness (exact)", args.time_limit), space.deadline(args.time_limit):
        deal = space.deal_probability()  # the exact analysis first, under the one deadline of the whole command
        if deal.interval is not None:  # sampled: the exact analysis stopped, and a warning said why
            return -1
        robust = space.most_robust()
        table = space.robustness()
        voi = space.value_of_information()
    if args.json:
        say(json.dumps({"exact": True, "deal_probability": deal_json(deal), "robustness": _records(table.to_frame()),
                        "most_robust": None if robust is None else robust.to_dict(),
                        "value_of_information": _records(voi.to_frame())}, indent=2, default=float))
    else:
        say(render_exact_robustness(space.scenario, deal, table, robust, voi))
    return EXIT_OK if deal.exact_probability > 0 else EXIT_NO_DEAL


def drawn(space: Any, samples: int, seed: int) -> Any:
    """The real lines exact within each draw of the continuous inputs (None without red lines with ``real``)."""
    return space._drawn(samples, seed)  # kept with the sample: the sampled worlds read their deals off it


def drawn_json(found: Any) -> dict[str, Any] | None:
    if found is None:
        return None
    return {"probability": found.probability, "exact": str(found.exact_probability), "constant": found.constant,
            "interval": None if found.interval is None else list(found.interval), "text": found.text,
            "structure": deal_json(found.structure)}
