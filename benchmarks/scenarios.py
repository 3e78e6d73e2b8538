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


def coupled_scenario(issues: int, options: int, parties: int, seed: int = 0, interactions: int = 10,
                     forbids: int = 4, if_thens: int = 2) -> Scenario:
    """random_scenario(issues, options, parties, seed) plus couplings between pairs of issues, drawn
    from their own generator (seed + 1000): ``interactions`` pairwise interactions (a random party
    gains or loses 1-10 points when two options coincide), ``forbids`` two-issue forbid red lines
    and ``if_thens`` red lines "if issue a is at option x then issue b is at one of two options"."""
    base = random_scenario(issues, options, parties, seed).to_dict()
    rng = np.random.default_rng(seed + 1000)

    def pair() -> tuple[int, int]:
        a, b = rng.choice(issues, size=2, replace=False)
        return int(a), int(b)

    def option() -> str:
        return f"o{int(rng.integers(options))}"

    added = []
    for _ in range(interactions):
        a, b = pair()
        value = int(rng.integers(1, 11)) * (1 if rng.random() < 0.6 else -1)
        added.append({"party": f"p{int(rng.integers(parties))}", "when": {f"i{a}": option(), f"i{b}": option()}, "value": value})
    lines = list(base.get("red_lines", []))
    for _ in range(forbids):
        a, b = pair()
        lines.append({"party": f"p{int(rng.integers(parties))}", "forbid": {f"i{a}": option(), f"i{b}": f"o{int(rng.integers(1, options))}"}})
    for _ in range(if_thens):
        a, b = pair()
        then = sorted({option(), option()})
        lines.append({"party": f"p{int(rng.integers(parties))}", "if": {f"i{a}": f"o{int(rng.integers(1, options))}"}, "then": {f"i{b}": then}})
    base.update(name=f"coupled {issues}x{options}x{parties} seed {seed} ({interactions} interactions, {forbids} forbids, {if_thens} if-thens)",
                interactions=added, red_lines=lines)
    return Scenario.from_dict(base)


def uncertain_random_scenario(issues: int, options: int, parties: int, seed: int = 0, uncertain: int = 10,
                              ranges: bool = True) -> Scenario:
    """:func:`random_scenario` plus ``uncertain`` red lines that may be bluffs, in conflicting pairs:
    on a random issue one party requires an option that another forbids (so where both are real, no
    package is acceptable), each with ``real`` drawn from 0.3, 0.5, 0.7 and 0.9 and every second one
    with a ``price`` of 3-10 points (soft when it is not real; the others are absent then).  With
    ``ranges``, every reservation is uncertain within 15% either way."""
    rng = np.random.default_rng(seed + 1000)
    data = random_scenario(issues, options, parties, seed).to_dict()
    for k in range(uncertain):
        if k % 2 == 0:
            issue, option = f"i{int(rng.integers(issues))}", f"o{int(rng.integers(options))}"
            a, b = (f"p{int(x)}" for x in rng.choice(parties, size=2, replace=False))
            line = {"id": f"u{k}", "party": a, "require": {issue: option}}
        else:
            line = {"id": f"u{k}", "party": b, "forbid": {issue: option}}
        line["real"] = float(rng.choice([0.3, 0.5, 0.7, 0.9]))
        if k % 4 < 2:
            line["price"] = int(rng.integers(3, 11))
        data["red_lines"].append(line)
    if ranges:
        for party in data["parties"]:
            width = max(1, round(0.15 * party["reservation"]))
            party["reservation_range"] = [party["reservation"] - width, party["reservation"] + width]
    data["name"] = f"random {issues}x{options}x{parties} seed {seed}, {uncertain} uncertain red lines"
    return Scenario.from_dict(data)
