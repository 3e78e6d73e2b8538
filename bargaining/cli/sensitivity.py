"""``bargaining sensitivity FILE [--json]``: what the findings hinge on (see :meth:`BargainingSpace.sensitivity`)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from .common import DEFAULT_TIME_LIMIT, EXIT_NO_DEAL, EXIT_OK, FORMAT_HELP, announced, open_space, seconds

HELP = ("what the findings hinge on: the chance of a deal exactly over every world of the uncertain red lines and its "
        "structure in words, the most robust package, the questions worth asking (ties named), how far each uncertain "
        "input can move (a tornado)")


def add_parser(subcommands: Any) -> None:
    sub = subcommands.add_parser("sensitivity", help=HELP, description=HELP)
    sub.add_argument("file", metavar="FILE", help=f"scenario file (YAML or JSON, format 1; see {FORMAT_HELP})")
    sub.add_argument("--json", action="store_true", help="print the result as JSON (the API's names)")
    sub.add_argument("--time-limit", type=seconds, default=DEFAULT_TIME_LIMIT, metavar="SECONDS",
                     help=f"stop the analysis after this long and say what it found so far (default {DEFAULT_TIME_LIMIT:g}; 0: no limit)")
    sub.set_defaults(run=sensitivity)


def sensitivity(args: argparse.Namespace) -> int:
    from ..present.sensitivity_text import render_sensitivity

    space = open_space(args.file)
    with announced("bargaining sensitivity", args.time_limit):
        result = space.sensitivity(time_limit=args.time_limit)
    if args.json:
        print(json.dumps(to_json(result), indent=2, default=float))
    else:
        print(render_sensitivity(result))
    return EXIT_OK if result.deal.exact_probability > 0 else EXIT_NO_DEAL


def to_json(result: Any) -> dict[str, Any]:
    """The result as plain data: probabilities as floats with the exact fraction beside them as text."""
    deal = result.deal
    ids = {x.index: x.id for x in deal.lines}
    robust = result.most_robust
    data: dict[str, Any] = {
        "deal_probability": {"probability": deal.probability, "exact": str(deal.exact_probability), "words": deal.words,
                             "expression": deal.expression, "blocking": [[ids[k] for k in group] for group in deal.blocking]},
        "most_robust": None if robust is None else robust.to_dict(),
        "value_of_information": [{k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
                                 for row in result.information.to_dict("records")],
        "tornado": [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()} for row in result.to_frame().to_dict("records")],
        "changes": [{"input": bar.input, "finding": c.finding, "direction": c.direction, "at": None if c.at is None else str(c.at),
                     "between": None if c.between is None else [str(x) for x in c.between], "before": c.before, "after": c.after,
                     "verified": c.verified} for bar in result.tornado for c in bar.changes if c.changes],
        "ties": [{"ranking": t.ranking, "items": list(t.items), "value": t.value, "exact": t.exact} for t in result.ties],
        "inert": result.inert(),
        "break_even": None,
        **result.provenance(),
    }
    if result.break_even is not None:
        frame = result.break_even.to_frame()
        data["break_even"] = {"rows": json.loads(frame.to_json(orient="records", default_handler=str)),
                              "inert": list(result.break_even.inert())}
    return data
