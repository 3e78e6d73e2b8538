"""The walk of ``benchmarks/explore.py`` replayed in one process, no browser (less noisy on a loaded machine).

    python benchmarks/explore_replay.py [--changes 50] [--seed 1]

The same random control changes (same seed, same walk), each answered as the page's server does: the live
answers (:func:`~bargaining.explore.answers.live_answers`), then the frontier on the coarse grid and its figure
(what the page draws first), then the frontier on the report's grid and its figure (what the background job draws
next).  The walk's start is answered first, untimed, as the page's first load is (the server has then drawn a
figure already: the first one costs Plotly's set-up).  Printed per part: percentiles of wall seconds and of CPU
seconds (this process, every thread: HiGHS's too); on a shared machine the CPU seconds say what the work costs,
the wall seconds what the load made of it.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

from explore import CASE, Walk, load, percentiles  # noqa: E402

from bargaining import BargainingSpace, Scenario, plots  # noqa: E402
from bargaining.explore.answers import live_answers, live_frontier  # noqa: E402
from bargaining.explore.state import from_query  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    scenario = Scenario.from_yaml(CASE)
    walk = Walk(scenario, random.Random(args.seed))
    queries = [walk.query()]
    for _ in range(args.changes):
        walk.change()
        queries.append(walk.query())
    space = BargainingSpace(scenario, progress=False)
    print(f"# explore replay {time.strftime('%Y-%m-%d %H:%M')}: {CASE.name}, seed {args.seed}; at start {load()}")
    parts: dict[str, list[tuple[float, float]]] = {"answers": [], "+ coarse frontier and figure": [], "final frontier and figure": []}
    first, _ = from_query(queries[0], scenario)  # the page's first load (not timed): its answers, frontier and figure
    opened = live_answers(space, first, lambda: False)
    if opened.feasible:
        found = live_frontier(space, first, coarse=True)
        if found.frontier is not None and len(found.frontier):
            plots.frontier_figure(found.frontier, solutions=opened.solutions)
    for query in queries[1:]:  # the changes (the walk's start is the page's first load)
        variant, _ = from_query(query, scenario)
        wall, cpu = time.perf_counter(), time.process_time()
        answers = live_answers(space, variant, lambda: False)
        parts["answers"].append((time.perf_counter() - wall, time.process_time() - cpu))
        if not answers.feasible:
            parts["+ coarse frontier and figure"].append(parts["answers"][-1])
            continue
        for coarse, name in ((True, "+ coarse frontier and figure"), (False, "final frontier and figure")):
            started, used = time.perf_counter(), time.process_time()
            found = live_frontier(space, variant, coarse=coarse)
            if found.frontier is not None and len(found.frontier):
                plots.frontier_figure(found.frontier, solutions=answers.solutions)
            took = (time.perf_counter() - started, time.process_time() - used)
            parts[name].append((parts["answers"][-1][0] + took[0], parts["answers"][-1][1] + took[1]) if coarse else took)
    print(f"at the end {load()}")
    for name, values in parts.items():
        print(f"{name:>30}  wall {percentiles([w for w, _ in values])}")
        print(f"{'':>30}  CPU  {percentiles([c for _, c in values])}")


if __name__ == "__main__":
    main()
