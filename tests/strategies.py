"""Hypothesis strategies: random discrete scenarios with red lines of every kind, interactions and ties."""

from __future__ import annotations

from hypothesis import strategies as st

from bargaining import Scenario


@st.composite
def points(draw: st.DrawFn, fractional: bool) -> float:
    if fractional:
        return draw(st.sampled_from([-1.5, -0.25, 0.0, 0.1, 0.2, 0.3, 0.5, 1.25, 2.0, 2.75, 3.3, 4.0, 7.5]))
    return float(draw(st.integers(min_value=-3, max_value=6)))


@st.composite
def conditions(draw: st.DrawFn, issues: list[dict]) -> dict:
    chosen = draw(st.lists(st.sampled_from(range(len(issues))), min_size=1, max_size=min(2, len(issues)), unique=True))
    condition = {}
    for k in chosen:
        ids = [o["id"] for o in issues[k]["options"]]
        if draw(st.booleans()):
            condition[issues[k]["id"]] = draw(st.sampled_from(ids))
        else:
            condition[issues[k]["id"]] = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=len(ids), unique=True))
    return condition


@st.composite
def scenarios(draw: st.DrawFn, min_parties: int = 2, max_parties: int = 5, max_issues: int = 5, max_options: int = 4,
              optional_parties: bool = False, controlled: bool = False, ordered: bool = False, soft: bool = True) -> Scenario:
    """A random discrete scenario small enough to enumerate (at most 4**5 = 1,024 packages)."""
    n_parties = draw(st.integers(min_parties, max_parties))
    n_issues = draw(st.integers(1, max_issues))
    fractional = draw(st.booleans())
    issues = []
    for i in range(n_issues):
        n_options = draw(st.integers(1, max_options))
        sq = draw(st.integers(0, n_options - 1))
        issues.append({"id": f"i{i}", "options": [{"id": f"o{k}", **({"status_quo": True} if k == sq else {})} for k in range(n_options)]})
    parties = []
    for p in range(n_parties):
        party = {"id": f"p{p}", "reservation": draw(points(fractional)) * draw(st.sampled_from([0, 1, 2]))}
        if optional_parties and p > 0 and draw(st.booleans()):
            party["veto"] = False
        parties.append(party)
    if controlled:
        for issue in issues:
            if draw(st.integers(0, 3)) == 0:
                controllers = draw(st.lists(st.sampled_from([p["id"] for p in parties]), min_size=1, max_size=3, unique=True))
                rule = draw(st.sampled_from(["any", "all", "at_least"]))
                issue["controlled_by"] = (controllers if rule == "any" else {"all": controllers} if rule == "all"
                                          else {"at_least": draw(st.integers(1, len(controllers))), "of": controllers})
    if ordered and n_issues > 1:
        # an issue comes after one earlier in a random order: any direction, but no cycle (cycles are refused)
        rank = draw(st.permutations(range(n_issues)))
        for k, issue in enumerate(issues):
            earlier = [j for j in range(n_issues) if rank[j] < rank[k]]
            if earlier and draw(st.integers(0, 2)) == 0:
                issue["after"] = [issues[draw(st.sampled_from(earlier))]["id"]]
    utilities = {}
    for party in parties:
        utilities[party["id"]] = {
            issue["id"]: {o["id"]: draw(points(fractional)) for o in issue["options"] if draw(st.integers(0, 4))}
            for issue in issues
        }
    interactions = [
        {"party": draw(st.sampled_from([p["id"] for p in parties])), "when": draw(conditions(issues)), "value": draw(points(fractional))}
        for _ in range(draw(st.integers(0, 2)))
    ]
    red_lines = []
    for k in range(draw(st.integers(0, 4))):
        party = draw(st.sampled_from([p["id"] for p in parties]))
        kind = draw(st.sampled_from(["forbid", "require", "if"]))
        if kind == "if":
            line = {"party": party, "if": draw(conditions(issues)), "then": draw(conditions(issues))}
        else:
            line = {"party": party, kind: draw(conditions(issues))}
        if soft and draw(st.integers(0, 2)) == 0:  # a price: soft, or hard with a probability of being real
            line["price"] = abs(draw(points(fractional))) or 1.0
            if draw(st.booleans()):
                line.update(id=f"r{k}", real=draw(st.sampled_from([0.25, 0.5, 1.0])))
        if ordered and draw(st.integers(0, 3)) == 0:
            line["final_only"] = True
        red_lines.append(line)
    return Scenario.from_dict({
        "format": 1, "name": "random", "parties": parties, "issues": issues,
        "utilities": utilities, "interactions": interactions, "red_lines": red_lines,
    })


@st.composite
def uncertain_scenarios(draw: st.DrawFn, max_parties: int = 4, max_issues: int = 3, max_options: int = 3,
                        optional_parties: bool = True, controlled: bool = True) -> Scenario:
    """A random discrete scenario with uncertainty fields: red lines with ``real`` (and ``price``),
    priced soft lines, reservation ranges and points spreads."""
    base = draw(scenarios(min_parties=2, max_parties=max_parties, max_issues=max_issues, max_options=max_options,
                          optional_parties=optional_parties, controlled=controlled))
    data = base.to_dict()
    lines = data.setdefault("red_lines", [])
    for k in range(draw(st.integers(1, 2))):  # at least one line that may be a bluff
        issue = draw(st.sampled_from(data["issues"]))
        option = draw(st.sampled_from([o["id"] for o in issue["options"]]))
        kind = draw(st.sampled_from(["forbid", "require"]))
        lines.append({"party": draw(st.sampled_from([p["id"] for p in data["parties"]])), kind: {issue["id"]: option}})
    for k, line in enumerate(lines):
        roll = draw(st.integers(0, 3))
        if roll <= 1 and "real" not in line:
            line.update(id=f"line{k}", real=draw(st.sampled_from([0.2, 0.5, 0.8, 1.0])))
            if roll == 1 and "price" not in line:
                line["price"] = draw(st.sampled_from([0.5, 1.0, 2.5]))
        elif roll == 2 and "price" not in line:
            line["price"] = draw(st.sampled_from([0.5, 1.0, 2.5]))
    for party in data["parties"]:
        if draw(st.booleans()):
            below, above = draw(st.sampled_from([0.0, 0.5, 2.0])), draw(st.sampled_from([0.0, 1.0, 3.0]))
            party["reservation_range"] = [party["reservation"] - below, party["reservation"] + above]
        if draw(st.integers(0, 2)) == 0:
            party["points_spread"] = draw(st.sampled_from([0.0, 0.1, 0.5]))
    return Scenario.from_dict(data)


@st.composite
def coupled_scenarios(draw: st.DrawFn, min_parties: int = 2, max_parties: int = 4, min_issues: int = 4, max_issues: int = 7,
                      max_options: int = 3) -> Scenario:
    """A random discrete scenario in the shape of the benchmarks' coupled ones, small enough to
    enumerate (at most 3**7 = 2,187 packages): wide point ranges (integer or fractional, some
    negative), at least two interactions over two or three issues (positive and negative values),
    red lines of every kind (forbid, require, if-then; one or two issues; some with a price), some
    non-veto parties with issues under their control (any, all, at_least), and reservations at
    20-60% of each party's best total, so the frontier has many points and few packages are trivial."""
    n_parties = draw(st.integers(min_parties, max_parties))
    n_issues = draw(st.integers(min_issues, max_issues))
    fractional = draw(st.booleans())
    scale = draw(st.sampled_from([1, 0.25, 0.1])) if fractional else 1

    def value(low: int, high: int) -> float:
        v = draw(st.integers(low, high)) * scale
        return round(v, 2) if fractional else float(v)

    issues = []
    for i in range(n_issues):
        n_options = draw(st.integers(2, max_options))
        sq = draw(st.integers(0, n_options - 1))
        issues.append({"id": f"i{i}", "options": [{"id": f"o{k}", **({"status_quo": True} if k == sq else {})} for k in range(n_options)]})
    ids = [f"p{p}" for p in range(n_parties)]
    utilities = {p: {issue["id"]: {o["id"]: value(-4, 20) for o in issue["options"]} for issue in issues} for p in ids}
    interactions = [{"party": draw(st.sampled_from(ids)), "when": draw(conditions(issues)),
                     "value": value(1, 10) * draw(st.sampled_from([1, -1]))} for _ in range(draw(st.integers(2, 8)))]
    parties = []
    for j, p in enumerate(ids):
        best = sum(max(table.values()) for table in utilities[p].values())
        party = {"id": p, "reservation": round(best * draw(st.sampled_from([0.2, 0.35, 0.45, 0.6])), 2)}
        if j > 0 and draw(st.integers(0, 2)) == 0:
            party["veto"] = False
        parties.append(party)
    optional = [p["id"] for p in parties if p.get("veto") is False]
    for issue in issues:
        if optional and draw(st.integers(0, 2)) == 0:
            controllers = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
            if not set(controllers) & set(optional):
                controllers.append(draw(st.sampled_from(optional)))
            rule = draw(st.sampled_from(["any", "all", "at_least"]))
            issue["controlled_by"] = (controllers if rule == "any" else {"all": controllers} if rule == "all"
                                      else {"at_least": draw(st.integers(1, len(controllers))), "of": controllers})
    red_lines = []
    for kind in draw(st.lists(st.sampled_from(["forbid", "require", "if"]), min_size=1, max_size=6)):
        party = draw(st.sampled_from(ids))
        if kind == "if":
            line = {"party": party, "if": draw(conditions(issues)), "then": draw(conditions(issues))}
        else:
            line = {"party": party, kind: draw(conditions(issues))}
        if draw(st.integers(0, 4)) == 0:
            line["price"] = value(1, 8)
        red_lines.append(line)
    return Scenario.from_dict({
        "format": 1, "name": "random coupled", "parties": parties, "issues": issues,
        "utilities": utilities, "interactions": interactions, "red_lines": red_lines,
    })
