"""Hypothesis strategies: random discrete scenarios with red lines of every kind, interactions and ties,
mostly open with real choices, partly closed on purpose (see :func:`scenarios`)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import event
from hypothesis import strategies as st

from bargaining import Scenario


@st.composite
def points(draw: st.DrawFn, fractional: bool) -> float:
    if fractional:
        return draw(st.sampled_from([-1.5, -0.25, 0.0, 0.1, 0.2, 0.3, 0.5, 1.25, 2.0, 2.75, 3.3, 4.0, 7.5]))
    return float(draw(st.integers(min_value=-3, max_value=6)))


@st.composite
def conditions(draw: st.DrawFn, issues: list[dict], max_issues: int = 2) -> dict:
    """A condition on 1 to ``max_issues`` issues: one option, or a list of options, each."""
    chosen = draw(st.lists(st.sampled_from(range(len(issues))), min_size=1, max_size=min(max_issues, len(issues)), unique=True))
    condition = {}
    for k in chosen:
        ids = [o["id"] for o in issues[k]["options"]]
        if draw(st.booleans()):
            condition[issues[k]["id"]] = draw(st.sampled_from(ids))
        else:
            condition[issues[k]["id"]] = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=len(ids), unique=True))
    return condition


#: How often each shape is drawn when ``shape`` is not given: out of 20, 13 open, 5 closed, 2 free (hypothesis
#: draws the ends of a list more often than the middle, so the ends are "open").
SHAPES = ("open",) * 7 + ("closed",) * 3 + ("free",) + ("closed",) * 2 + ("free",) + ("open",) * 6


@st.composite
def scenarios(draw: st.DrawFn, min_parties: int = 2, max_parties: int = 5, max_issues: int = 5, max_options: int = 4,
              optional_parties: bool = False, controlled: bool = False, ordered: bool = False, soft: bool = True,
              shape: str | None = None) -> Scenario:
    """A random discrete scenario small enough to enumerate (at most 4**5 = 1,024 packages).

    ``shape`` (default: drawn, see :data:`SHAPES`):

    * ``"open"``: reservations are set so that several packages are acceptable and every
      criterion has a real choice: 2-4 *anchor* packages are drawn among those the red lines
      and controls allow, and each party's reservation is at most its smallest utility over
      the anchors and at most its median (or lower quartile, or lowest decile) utility over the
      allowed packages, minus a drawn slack (sometimes 0, so that gains of exactly 0 occur too);
    * ``"closed"``: like open, then closed on purpose: some veto parties' reservations raised
      to (or above) their best allowed utility, and/or two or three veto red lines that
      contradict each other (so relaxations of size 1 and 2 and reservation cuts are needed);
    * ``"free"``: the old unconstrained draw (reservations anywhere in the points' range).

    Each example is labelled with an ``event()`` (its shape and how many packages are acceptable).
    """
    from oracle import enumerate_packages  # the brute force: independent of the package's evaluators

    chosen_shape = shape or draw(st.sampled_from(SHAPES))
    raw = draw(_raw_scenario(min_parties, max_parties, max_issues, max_options, optional_parties, controlled, ordered, soft,
                             chosen_shape != "free"))
    parties = raw["parties"]
    if chosen_shape == "free":
        for party in parties:
            party["reservation"] = draw(points(raw["fractional"])) * draw(st.sampled_from([0, 1, 2]))
        return _labelled(raw, "free", enumerate_packages)

    # The packages the red lines and controls allow (every reservation far below every utility);
    # hard red lines are dropped from the end until some package is allowed.
    for party in parties:
        party["reservation"] = -1000.0
    while True:
        truth = enumerate_packages(_build(raw))
        if truth.acceptable.sum() >= 2:
            break
        hard = [k for k, r in enumerate(raw["red_lines"]) if not ("price" in r and "real" not in r)]
        if not hard:  # every package is allowed (at least two unless max_options is 1)
            break
        del raw["red_lines"][hard[-1]]
    allowed = [int(k) for k in truth.acceptable.nonzero()[0]]
    # Anchors: some on the allowed packages' frontier over the criteria parties (so they trade off), some anywhere.
    weighed = [p["id"] for p in parties if p.get("veto", True)] or [p["id"] for p in parties]
    front = truth.frontier(weighed)
    on_front = [k for k in allowed if tuple(truth.utilities(k)[p] for p in weighed) in front]
    anchors = draw(st.lists(st.sampled_from(on_front), min_size=min(2, len(on_front)), max_size=min(3, len(on_front)), unique=True))
    anchors += draw(st.lists(st.sampled_from(allowed), min_size=0 if len(anchors) >= 2 else 2 - len(anchors), max_size=3, unique=True))
    quantile = draw(st.sampled_from([2, 4, 10]))  # reservations at most the median, the lower quartile or the lowest decile
    for party in parties:
        utility = sorted(truth.utilities(k)[party["id"]] for k in allowed)
        highest = min(min(truth.utilities(k)[party["id"]] for k in anchors), utility[(len(utility) - 1) // quantile])
        slack = draw(st.sampled_from([0.5, 0, 1, 2.5]))
        party["reservation"] = float(highest - Fraction(repr(float(slack))))
    if chosen_shape == "open":
        return _labelled(raw, "open", enumerate_packages)

    veto = [p["id"] for p in parties if p.get("veto", True)]
    how = draw(st.sampled_from(["reservations", "red lines", "both"]))
    if how in ("reservations", "both"):
        raised = draw(st.lists(st.sampled_from(veto), min_size=1, max_size=min(2, len(veto)), unique=True))
        for party in parties:
            if party["id"] in raised:
                party["reservation"] = float(max(truth.utilities(k)[party["id"]] for k in allowed))
        if enumerate_packages(_build(raw)).acceptable.any():  # one package is best for all of them: go beyond it
            party = next(p for p in parties if p["id"] == raised[0])
            party["reservation"] += draw(st.sampled_from([0.5, 1.0, 3.0]))
    if how in ("red lines", "both"):
        wide = [i for i in raw["issues"] if len(i["options"]) > 1] or raw["issues"]
        issue = draw(st.sampled_from(wide))
        option = draw(st.sampled_from([o["id"] for o in issue["options"]]))
        raw["red_lines"].append({"party": draw(st.sampled_from(veto)), "require": {issue["id"]: option}})
        for _ in range(draw(st.integers(1, 2))):  # one forbid: drop either; two: drop the require, or both forbids
            raw["red_lines"].append({"party": draw(st.sampled_from(veto)), "forbid": {issue["id"]: option}})
    return _labelled(raw, "closed", enumerate_packages)


def _build(raw: dict) -> Scenario:
    return Scenario.from_dict({k: v for k, v in raw.items() if k != "fractional"})


def _labelled(raw: dict, shape: str, enumerate_packages) -> Scenario:
    scenario = _build(raw)
    count = int(enumerate_packages(scenario).acceptable.sum())
    event(f"shape {shape}: " + ("closed" if count == 0 else "one acceptable package" if count == 1 else "several acceptable packages"))
    return scenario


@st.composite
def _raw_scenario(draw: st.DrawFn, min_parties: int, max_parties: int, max_issues: int, max_options: int,
                  optional_parties: bool, controlled: bool, ordered: bool, soft: bool, choice: bool) -> dict:
    """Parties (no reservation yet), issues, points, interactions and red lines, as a raw dict
    (with ``choice``, the first issue has at least two options, so there are at least two packages,
    and each party's points on an issue differ from option to option, a fifth of them left out as 0)."""
    n_parties = draw(st.integers(min_parties, max_parties))
    n_issues = draw(st.integers(1, max_issues))
    fractional = draw(st.booleans())
    issues = []
    for i in range(n_issues):
        n_options = draw(st.integers(2 if choice and i == 0 and max_options > 1 else 1, max_options))
        sq = draw(st.integers(0, n_options - 1))
        issues.append({"id": f"i{i}", "options": [{"id": f"o{k}", **({"status_quo": True} if k == sq else {})} for k in range(n_options)]})
    parties = []
    for p in range(n_parties):
        party: dict = {"id": f"p{p}"}
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
    utilities: dict = {}
    for party in parties:
        utilities[party["id"]] = {}
        for issue in issues:
            ids = [o["id"] for o in issue["options"]]
            if choice and len(ids) <= 10:  # strict preferences on every issue: no party indifferent by accident
                values = draw(st.lists(points(fractional), min_size=len(ids), max_size=len(ids), unique=True))
                shift = len(utilities) % len(ids)  # rotated by the party's index: even the simplest draw has opposed parties
                values = values[shift:] + values[:shift]
                values = [v if draw(st.integers(0, 4)) < 4 else None for v in values]  # (simplest draw: keep)
            else:
                values = [draw(points(fractional)) if draw(st.integers(0, 4)) else None for _ in ids]
            utilities[party["id"]][issue["id"]] = {o: v for o, v in zip(ids, values) if v is not None}
    interactions = [
        {"party": draw(st.sampled_from([p["id"] for p in parties])), "when": draw(conditions(issues)), "value": draw(points(fractional))}
        for _ in range(draw(st.integers(0, 2)))
    ]
    red_lines = []
    for k in range(draw(st.integers(0, 4))):
        party_id = draw(st.sampled_from([p["id"] for p in parties]))
        kind = draw(st.sampled_from(["forbid", "require", "if"]))
        if kind == "if":
            line = {"party": party_id, "if": draw(conditions(issues)), "then": draw(conditions(issues))}
        else:
            line = {"party": party_id, kind: draw(conditions(issues))}
        if soft and draw(st.integers(0, 2)) == 0:  # a price: soft, or hard with a probability of being real
            line["price"] = abs(draw(points(fractional))) or 1.0
            if draw(st.booleans()):
                line.update(id=f"r{k}", real=draw(st.sampled_from([0.25, 0.5, 1.0])))
        if ordered and draw(st.integers(0, 3)) == 0:
            line["final_only"] = True
        red_lines.append(line)
    return {"format": 1, "name": "random", "parties": parties, "issues": issues, "utilities": utilities,
            "interactions": interactions, "red_lines": red_lines, "fractional": fractional}


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
        if draw(st.booleans()):  # a range of positive width, with the stated reservation inside or at one end
            below, above = draw(st.sampled_from([(0.0, 1.0), (0.0, 3.0), (0.5, 0.0), (2.0, 0.0), (0.5, 1.0), (2.0, 3.0)]))
            party["reservation_range"] = [party["reservation"] - below, party["reservation"] + above]
        if draw(st.integers(0, 2)) == 0:  # a spread that moves the points (0 would mean none)
            party["points_spread"] = draw(st.sampled_from([0.1, 0.25, 0.5]))
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
