"""``bargaining sensitivity FILE [--json]``: what the findings hinge on (see :meth:`BargainingSpace.sensitivity`)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from .common import DEFAULT_TIME_LIMIT, EXIT_NO_DEAL, EXIT_OK, EXIT_TIME_LIMIT, FORMAT_HELP, announced, open_space, seconds

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
    if result.deal.exact_probability > 0:
        return EXIT_OK
    return EXIT_NO_DEAL if result.complete else EXIT_TIME_LIMIT  # cut short before any package was found: not known


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


def exact_robustness(args: argparse.Namespace, space: Any) -> int:
    """``bargaining robustness`` when the only uncertainty is red lines with ``real``: every answer exact."""
    from ..present.sensitivity_text import render_exact_robustness

    with announced("bargaining robustness (exact)", args.time_limit, " for the most robust package's search"):
        deal = space.deal_probability()
        robust = space.most_robust(time_limit=args.time_limit)
        table = space.robustness(frontier_seconds=0)
        voi = space.value_of_information()
    if not getattr(deal, "exact", False):  # the exact analysis stopped (a warning said why): the sampled answers
        return -1
    if args.json:
        print(json.dumps({"exact": True, "deal_probability": {"probability": deal.probability, "exact": str(deal.exact_probability),
                                                              "words": deal.words, "expression": deal.expression,
                                                              "blocking": [[deal.line(k).id for k in g] for g in deal.blocking]},
                          "robustness": _records(table), "most_robust": None if robust is None else robust.to_dict(),
                          "value_of_information": _records(voi)}, indent=2, default=float))
    else:
        print(render_exact_robustness(space.scenario, deal, table, robust, voi))
    return EXIT_OK if deal.exact_probability > 0 else EXIT_NO_DEAL


def drawn(space: Any, samples: int, seed: int) -> Any:
    """The real lines exact within each draw of the continuous inputs (None without red lines with ``real``)."""
    from ..algorithms.drawn import drawn_deal

    if not any(r.real is not None for r in space.scenario.red_lines):
        return None
    return drawn_deal(space.search, samples, seed)


def drawn_json(found: Any) -> dict[str, Any] | None:
    if found is None:
        return None
    structure = found.structure
    return {"probability": found.probability, "exact": str(found.exact_probability), "constant": found.constant,
            "interval": None if found.interval is None else list(found.interval), "text": found.text,
            "structure": {"probability": structure.probability, "words": structure.words, "expression": structure.expression,
                          "blocking": [[structure.line(k).id for k in g] for g in structure.blocking]}}


def _records(frame: Any) -> list[dict[str, Any]]:
    return [{k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()} for row in frame.to_dict("records")]
