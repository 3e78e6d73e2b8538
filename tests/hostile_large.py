"""Hostile large cases for the whole-command limits (issue 27, item 1): a case no command finishes in seconds, and
one whose frontier would exhaust any machine's memory.

:func:`large_case`: 60 issues x 6 options x 6 parties (6**60 packages), integer points 0-20, reservations at 45% of
each party's best total, the last party without a veto, a forbidden option per party, ``uncertain`` red lines with ``real`` in conflicting pairs
(every second one priced) and, with ``ranges``, every reservation uncertain within 15% either way (so the uncertainty
analyses sample worlds instead of answering exactly).  :func:`memory_case`: many parties with wide, unrelated points,
whose Pareto frontier has astronomically many points.  Both are seeded: the same file on every machine.  Run as a
script to write them: ``python tests/hostile_large.py OUT_DIR``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import yaml


def _issues(issues: int, options: int) -> list[dict[str, Any]]:
    return [{"id": f"i{k}", "options": [{"id": f"o{j}", **({"status_quo": True} if j == 0 else {})} for j in range(options)]}
            for k in range(issues)]


def large_case(issues: int = 60, options: int = 6, parties: int = 6, seed: int = 0, uncertain: int = 10,
               ranges: bool = True, optional: int = 1, share: float = 0.45) -> dict[str, Any]:
    """The hostile large case as scenario data (``yaml.safe_dump`` it to a file); the last ``optional`` parties
    have no veto (so that ``coalitions`` has work to do); each reservation is ``share`` of the party's best."""
    rng = np.random.default_rng(seed)
    utilities: dict[str, Any] = {}
    party_list: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    for p in range(parties):
        table = rng.integers(0, 21, size=(issues, options))
        utilities[f"p{p}"] = {f"i{k}": {f"o{j}": int(table[k, j]) for j in range(options)} for k in range(issues)}
        reservation = int(share * table.max(axis=1).sum())
        party: dict[str, Any] = {"id": f"p{p}", "reservation": reservation, **({"veto": False} if p >= parties - optional else {})}
        if ranges:
            width = max(1, round(0.15 * reservation))
            party["reservation_range"] = [reservation - width, reservation + width]
        party_list.append(party)
        k, j = int(rng.integers(issues)), int(rng.integers(1, options))
        lines.append({"id": f"f{p}", "party": f"p{p}", "forbid": {f"i{k}": f"o{j}"}})
    for u in range(uncertain):
        issue, option = f"i{int(rng.integers(issues))}", f"o{int(rng.integers(options))}"
        a, b = (f"p{int(x)}" for x in rng.choice(parties, size=2, replace=False))
        line: dict[str, Any] = ({"id": f"u{u}", "party": a, "require": {issue: option}} if u % 2 == 0
                                else {"id": f"u{u}", "party": b, "forbid": {issue: option}})
        line["real"] = float(rng.choice([0.3, 0.5, 0.7, 0.9]))
        if u % 4 < 2:
            line["price"] = int(rng.integers(3, 11))
        lines.append(line)
    return {"format": 1, "name": f"hostile large {issues}x{options}x{parties} seed {seed}", "parties": party_list,
            "issues": _issues(issues, options), "utilities": utilities, "red_lines": lines}


def memory_case(issues: int = 30, options: int = 6, parties: int = 40, seed: int = 1) -> dict[str, Any]:
    """A case whose frontier would not fit in memory: ``parties`` parties with unrelated points 0-1000 on every
    option and reservations of 0 (every package acceptable, almost every one non-dominated)."""
    rng = np.random.default_rng(seed)
    utilities = {f"p{p}": {f"i{k}": {f"o{j}": int(rng.integers(0, 1001)) for j in range(options)} for k in range(issues)}
                 for p in range(parties)}
    return {"format": 1, "name": f"hostile memory {issues}x{options}x{parties} seed {seed}",
            "parties": [{"id": f"p{p}", "reservation": 0} for p in range(parties)],
            "issues": _issues(issues, options), "utilities": utilities}


def write(data: dict[str, Any], path: Path) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    print(write(large_case(), folder / "hostile_large.yaml"))
    print(write(memory_case(), folder / "hostile_memory.yaml"))
