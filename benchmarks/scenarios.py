"""Seeded random scenarios for the benchmarks (issues x options x parties)."""

from __future__ import annotations

import numpy as np

from bargaining import Scenario


def random_scenario(issues: int, options: int, parties: int, seed: int = 0, red_lines: bool = True) -> Scenario:
    """Integer points 0-20 per option; reservations at 45% of each party's best total;
    each party forbids one random option (red lines), so the space is neither empty nor trivial."""
    rng = np.random.default_rng(seed)
    issue_list = [
        {"id": f"i{k}", "options": [{"id": f"o{j}", **({"status_quo": True} if j == 0 else {})} for j in range(options)]}
        for k in range(issues)
    ]
    utilities = {}
    party_list = []
    for p in range(parties):
        table = rng.integers(0, 21, size=(issues, options))
        utilities[f"p{p}"] = {f"i{k}": {f"o{j}": int(table[k, j]) for j in range(options)} for k in range(issues)}
        party_list.append({"id": f"p{p}", "reservation": int(0.45 * table.max(axis=1).sum())})
    lines = []
    if red_lines:
        for p in range(parties):
            k, j = int(rng.integers(issues)), int(rng.integers(1, options))
            lines.append({"party": f"p{p}", "forbid": {f"i{k}": f"o{j}"}})
    return Scenario.from_dict({
        "format": 1, "name": f"random {issues}x{options}x{parties} seed {seed}",
        "parties": party_list, "issues": issue_list, "utilities": utilities, "red_lines": lines,
    })
