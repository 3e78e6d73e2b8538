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


def holding_scenario(issues: int, options: int, parties: int, seed: int = 0, threats: int = 3, snapbacks: int | None = None) -> Scenario:
    """:func:`random_scenario` for deals that hold (generator seed + 2000): each issue delivered by one or two random
    parties (a third of them through ``controlled_by`` instead, any one or all of one or two parties), ``snapbacks``
    issues (default a third) snapping back to the status quo against a random party that does not deliver them,
    and ``threats`` credible threats (each by a random party against one or two others, costing its targets 2-6
    points and the threatener 0).  Reservations are lowered to each party's utility of the all-status-quo package
    where that is less, so that plans can be phased."""
    rng = np.random.default_rng(seed + 2000)
    data = random_scenario(issues, options, parties, seed).to_dict()
    ids = [p["id"] for p in data["parties"]]
    for party in data["parties"]:
        at_status_quo = sum(data["utilities"][party["id"]][i["id"]].get("o0", 0) for i in data["issues"])
        party["reservation"] = min(party["reservation"], at_status_quo)
    snapped = set(rng.choice(issues, size=issues // 3 if snapbacks is None else snapbacks, replace=False).tolist())
    for k, issue in enumerate(data["issues"]):
        who = [str(x) for x in rng.choice(ids, size=int(rng.integers(1, 3)), replace=False)]
        if k % 3 == 2:
            issue["controlled_by"] = who if rng.random() < 0.5 else {"all": who}
        else:
            issue["delivered_by"] = who
        if k in snapped:
            others = [p for p in ids if p not in who]
            if others:
                issue["snapback"] = {"to": "o0", "against": [str(rng.choice(others))]}
    data["threats"] = []
    for k in range(threats):
        by = str(rng.choice(ids))
        against = [str(x) for x in rng.choice([p for p in ids if p != by], size=int(rng.integers(1, 3)), replace=False)]
        data["threats"].append({"id": f"threat{k}", "by": by, "against": against, "trigger": "defection",
                                "cost": {by: 0, **{p: int(rng.integers(2, 7)) for p in against}}})
    data["name"] = f"holding {issues}x{options}x{parties} seed {seed}, {threats} threats"
    return Scenario.from_dict(data)
