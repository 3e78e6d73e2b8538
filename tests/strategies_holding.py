"""Hypothesis strategies for deals that hold: small discrete scenarios (3-4 parties, 5-7 issues) with
who delivers what (delivered_by in every form, controlled_by, the default), snapbacks and threats."""

from __future__ import annotations

from hypothesis import strategies as st

from bargaining import Scenario, ScenarioError


@st.composite
def holding_scenarios(draw: st.DrawFn, min_parties: int = 3, max_parties: int = 4, min_issues: int = 5, max_issues: int = 7,
                      max_options: int = 3, optional: bool = True) -> Scenario:
    """Every issue has a status quo; each party's reservation is its utility of the all-status-quo package
    minus a small slack, so deals are often acceptable and phasable; the delivering rules, snapbacks and
    threats are drawn so that plans hold, fail, or hold only thanks to a snapback or a threat."""
    n_parties = draw(st.integers(min_parties, max_parties))
    n_issues = draw(st.integers(min_issues, max_issues))
    ids = [f"p{k}" for k in range(n_parties)]
    issues = []
    for i in range(n_issues):
        n_options = draw(st.integers(2, max_options))
        sq = draw(st.integers(0, n_options - 1))
        issues.append({"id": f"i{i}", "options": [{"id": f"o{k}", **({"status_quo": True} if k == sq else {})} for k in range(n_options)]})
    parties = [{"id": p} for p in ids]
    if optional:
        for party in parties[1:]:
            if draw(st.integers(0, 3)) == 0:
                party["veto"] = False
    scale = draw(st.sampled_from([1.0, 0.5]))
    utilities = {p: {} for p in ids}
    for p in ids:
        for issue in issues:
            table = {}
            for option in issue["options"]:
                if draw(st.integers(0, 3)):
                    table[option["id"]] = draw(st.integers(-3, 6)) * scale
            utilities[p][issue["id"]] = table
    for party in parties:
        p = party["id"]
        at_sq = sum(utilities[p][i["id"]].get(next(o["id"] for o in i["options"] if o.get("status_quo")), 0.0) for i in issues)
        party["reservation"] = at_sq + draw(st.sampled_from([-2.0, -1.0, -0.5, 0.0, 1.0, 2.0, 3.0]))
    for issue in issues:
        kind = draw(st.sampled_from(["default", "default", "one", "two", "at_least", "controlled"]))
        if kind == "one":
            issue["delivered_by"] = [draw(st.sampled_from(ids))]
        elif kind == "two":
            issue["delivered_by"] = draw(st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True))
        elif kind == "at_least":
            issue["delivered_by"] = {"at_least": 1, "of": draw(st.lists(st.sampled_from(ids), min_size=2, max_size=3, unique=True))}
        elif kind == "controlled":
            controllers = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=2, unique=True))
            issue["controlled_by"] = draw(st.sampled_from([controllers, {"all": controllers}]))
        if n_issues > 1 and draw(st.integers(0, 5)) == 0:
            issue["after"] = [issues[draw(st.integers(0, n_issues - 1))]["id"]]
    for issue in issues:  # no cycles: keep an 'after' only towards an earlier issue
        if "after" in issue and int(issue["after"][0][1:]) >= int(issue["id"][1:]):
            del issue["after"]
    red_lines = []
    for _ in range(draw(st.integers(0, 2))):
        issue = draw(st.sampled_from(issues))
        option = draw(st.sampled_from([o["id"] for o in issue["options"]]))
        line = {"party": draw(st.sampled_from(ids)), draw(st.sampled_from(["forbid", "require"])): {issue["id"]: option}}
        if draw(st.integers(0, 2)) == 0:
            line["price"] = draw(st.sampled_from([1.0, 2.0]))
        if draw(st.integers(0, 2)) == 0:
            line["final_only"] = True
        red_lines.append(line)
    interactions = []
    if draw(st.booleans()):
        a, b = draw(st.lists(st.sampled_from(issues), min_size=2, max_size=2, unique_by=lambda i: i["id"]))
        interactions.append({"party": draw(st.sampled_from(ids)), "value": float(draw(st.sampled_from([-2, 2, 3]))),
                             "when": {a["id"]: draw(st.sampled_from([o["id"] for o in a["options"]])),
                                      b["id"]: draw(st.sampled_from([o["id"] for o in b["options"]]))}})
    for issue in draw(st.lists(st.sampled_from(issues), max_size=2, unique_by=lambda i: i["id"])):
        sq = next(o["id"] for o in issue["options"] if o.get("status_quo"))
        snapback: dict = {"to": draw(st.sampled_from([sq, sq, *[o["id"] for o in issue["options"]]]))}
        if draw(st.booleans()):
            snapback["against"] = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=2, unique=True))
        issue["snapback"] = snapback
    threats = []
    for k in range(draw(st.integers(0, 2))):
        by = draw(st.sampled_from(ids))
        against = draw(st.lists(st.sampled_from([p for p in ids if p != by]), min_size=1, max_size=2, unique=True))
        cost = {by: draw(st.sampled_from([-1.0, 0.0, 0.0, 1.0]))}
        for target in against:
            cost[target] = draw(st.sampled_from([0.5, 1.0, 2.0, 3.0]))
        threats.append({"id": f"t{k}", "by": by, "against": against, "cost": cost,
                        "trigger": draw(st.sampled_from(["defection", "defection", ["defection", "no_deal"], "no_deal"]))})
    data = {"format": 1, "name": "random holding", "parties": parties, "issues": issues, "utilities": utilities,
            "interactions": interactions, "red_lines": red_lines, "threats": threats}
    try:
        return Scenario.from_dict(data)
    except ScenarioError:  # a snapback a deliverer's red line forbids, or a cost beyond a party's scale: leave them out
        for issue in issues:
            issue.pop("snapback", None)
        data["threats"] = [t for t in threats if all(abs(v) <= 1.0 for v in t["cost"].values())]
        try:
            return Scenario.from_dict(data)
        except ScenarioError:
            data["threats"] = []
            return Scenario.from_dict(data)
