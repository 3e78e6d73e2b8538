"""Hypothesis strategies for the DP tests: discrete scenarios with every feature the DP handles.

2-6 parties (some non-veto), 1-5 issues of 1-4 options (at most 1,024 packages), interactions
over one to three issues with option lists, red lines of every kind, controlled_by, and points of
four kinds: small integers (many ties), short fractions, 15-17 significant digits, and mixed
magnitudes (1e-6 next to 1e6).  Reservations are the utility of a random package (so the
acceptable set is rarely empty or everything), sometimes shifted.  ``requests`` draws what a call
asks for: frontier parties, waived requirements, a coalition, fixed issues.
"""

from __future__ import annotations

from hypothesis import strategies as st
from strategies import conditions

from bargaining.scenario import Scenario

PRECISE = [0.23784615384615385, 0.1, 1 / 3, 2 / 7, 0.30000000000000004, 12.345678901234567, -0.7071067811865476, 3.141592653589793]
MIXED = [1e-6, 1e6, 2.5e-6, -1e-6, 1234567.891, 0.000123, -3e5, 7.0]


@st.composite
def number(draw: st.DrawFn, kind: str) -> float:
    if kind == "integer":
        return float(draw(st.integers(-3, 6)))
    if kind == "fraction":
        return draw(st.sampled_from([-1.5, -0.25, 0.0, 0.1, 0.2, 0.3, 0.5, 1.25, 2.0, 2.75, 3.3, 4.0, 7.5]))
    if kind == "precise":
        return draw(st.sampled_from(PRECISE)) * draw(st.sampled_from([1, -1, 2, 10]))
    return draw(st.sampled_from(MIXED + PRECISE[:3] + [0.0, 1.0]))


@st.composite
def dp_scenarios(draw: st.DrawFn, min_parties: int = 2, max_parties: int = 6, max_issues: int = 5, max_options: int = 4,
                 max_interactions: int = 4, max_red_lines: int = 5,
                 kinds: tuple[str, ...] = ("integer", "fraction", "precise", "mixed")) -> Scenario:
    n_parties = draw(st.integers(min_parties, max_parties))
    n_issues = draw(st.sampled_from([k for k in (1, 2, 3, 3, 4, 4, 5, 5, 6) if k <= max_issues]))
    kind = draw(st.sampled_from(list(kinds)))
    issues = []
    for i in range(n_issues):
        n_options = draw(st.sampled_from([k for k in (1, 2, 3, 3, 4, 4) if k <= max_options]))
        sq = draw(st.integers(0, n_options - 1))
        issues.append({"id": f"i{i}", "options": [{"id": f"o{k}", **({"status_quo": True} if k == sq else {})} for k in range(n_options)]})
    party_ids = [f"p{p}" for p in range(n_parties)]
    utilities = {
        p: {issue["id"]: {o["id"]: draw(number(kind)) for o in issue["options"] if draw(st.integers(0, 4))} for issue in issues}
        for p in party_ids
    }
    parties = []
    for j, p in enumerate(party_ids):
        # the utility of a random package (interactions aside), sometimes shifted
        total = sum(utilities[p][issue["id"]].get(draw(st.sampled_from([o["id"] for o in issue["options"]])), 0.0) for issue in issues)
        shift = draw(st.sampled_from([0.0, 0.0, 0.0, -1.0, 1.0, -1e-6, -5.0, -1e6]))
        reservation = float(total + shift)
        # within the documented magnitudes: 0, or at least 1e-6 and at most 1e9 (docs/scenario-format.md)
        party = {"id": p, "reservation": reservation if abs(reservation) >= 1e-6 else 0.0}
        if j > 0 and draw(st.booleans()):
            party["veto"] = False
        parties.append(party)
    optional = [p["id"] for p in parties if not p.get("veto", True)]
    for issue in issues:
        if draw(st.integers(0, 2)) == 0:
            pool = optional if optional and draw(st.integers(0, 2)) else party_ids
            issue["controlled_by"] = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=min(3, len(pool)), unique=True))
    interactions = [
        {"party": draw(st.sampled_from(party_ids)), "when": draw(conditions(issues, max_issues=3)), "value": draw(number(kind))}
        for _ in range(draw(st.integers(0, max_interactions)))
    ]
    red_lines = []
    for _ in range(draw(st.integers(0, max_red_lines))):
        party = draw(st.sampled_from(party_ids))
        line_kind = draw(st.sampled_from(["forbid", "require", "if"]))
        if line_kind == "if":
            red_lines.append({"party": party, "if": draw(conditions(issues, max_issues=3)), "then": draw(conditions(issues, max_issues=3))})
        else:
            red_lines.append({"party": party, line_kind: draw(conditions(issues, max_issues=3))})
    return Scenario.from_dict({
        "format": 1, "name": "random dp", "parties": parties, "issues": issues,
        "utilities": utilities, "interactions": interactions, "red_lines": red_lines,
    })


@st.composite
def requests(draw: st.DrawFn, scenario: Scenario, coalition: bool = True, fixed: bool = True) -> dict:
    """What a call asks: ``parties``, ``waived``, ``coalition``, ``fixed`` (each often empty)."""
    ids = scenario.party_ids
    out: dict = {}
    out["parties"] = draw(st.one_of(st.none(), st.lists(st.sampled_from(ids), min_size=1, max_size=len(ids), unique=True)))
    possible = [("reservation", p) for p in ids] + [("red_line", k) for k in range(len(scenario.red_lines))]
    out["waived"] = tuple(draw(st.lists(st.sampled_from(possible), max_size=3, unique=True))) if draw(st.integers(0, 2)) == 0 else ()
    out["coalition"] = None
    if coalition and draw(st.integers(0, 3)) == 0:
        out["coalition"] = draw(st.lists(st.sampled_from(ids), min_size=0, max_size=len(ids), unique=True))
    out["fixed"] = None
    if fixed and draw(st.integers(0, 3)) == 0:
        issue = draw(st.sampled_from(scenario.issues))
        out["fixed"] = {issue.id: draw(st.sampled_from(issue.option_ids))}
    return out
