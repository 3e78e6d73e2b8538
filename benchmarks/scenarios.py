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


def uncertain_random_scenario(issues: int, options: int, parties: int, seed: int = 0, uncertain: int = 10) -> Scenario:
    """:func:`random_scenario` plus ``uncertain`` red lines that may be bluffs: each belongs to a random
    party and forbids one of its two worst-scoring options on a random issue or requires one of its
    two best, with ``real`` drawn from 0.3, 0.5, 0.7 and 0.9; every second one has a ``price`` of
    3-10 points (soft when it is not real), the others are absent when not real."""
    rng = np.random.default_rng(seed + 1000)
    data = random_scenario(issues, options, parties, seed).to_dict()
    for k in range(uncertain):
        party = f"p{int(rng.integers(parties))}"
        issue = f"i{int(rng.integers(issues))}"
        points = data["utilities"][party][issue]
        ranked = sorted(points, key=lambda o: (points[o], o))
        if rng.random() < 0.5:
            line = {"id": f"u{k}", "party": party, "forbid": {issue: ranked[int(rng.integers(2))]}}
        else:
            line = {"id": f"u{k}", "party": party, "require": {issue: ranked[-2:]}}
        line["real"] = float(rng.choice([0.3, 0.5, 0.7, 0.9]))
        if k % 2 == 0:
            line["price"] = int(rng.integers(3, 11))
        data["red_lines"].append(line)
    data["name"] = f"random {issues}x{options}x{parties} seed {seed}, {uncertain} uncertain red lines"
    return Scenario.from_dict(data)
