"""Phased packages and leverage match brute force on small scenarios."""

from fractions import Fraction
from itertools import product

import numpy as np
from budget import examples
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import enumerate_packages
from strategies import scenarios

from bargaining import BargainingSpace


def line_holds(red_line, state):
    """A red line on one state (issue id -> option id), read from the raw file, not the package's evaluator."""
    def holds(condition):
        return all(state[i] in ([w] if isinstance(w, str) else w) for i, w in condition.items())
    if "forbid" in red_line:
        return not holds(red_line["forbid"])
    if "require" in red_line:
        return holds(red_line["require"])
    return not holds(red_line["if"]) or holds(red_line["then"])


def phasable(scenario, truth, phases):
    """Indices of acceptable packages that some phase plan delivers (exhaustive over plans): after every
    phase but the last, each veto party is at its reservation or above and every hard red line holds
    (unless final_only; a final_only soft line costs nothing on the way), and every after: order holds."""
    sizes = [len(o) for o in truth.options]
    radix = np.cumprod([1] + sizes[::-1])[:-1][::-1]  # row index of a combination (itertools.product order)
    sq = [next((k for k, o in enumerate(i.options) if o.status_quo), None) for i in scenario.issues]
    veto = [scenario.party_ids.index(p) for p in scenario.veto_party_ids]
    floor = np.array([int(truth.reservations[p] * truth.denominator) for p in scenario.party_ids])
    after = {n: [scenario.issue_ids.index(a) for a in (i.after or [])] for n, i in enumerate(scenario.issues)}
    raw = scenario.to_dict().get("red_lines", [])
    hard = [r for r in raw if not ("price" in r and "real" not in r) and not r.get("final_only")]
    refund = [r for r in raw if "price" in r and "real" not in r and r.get("final_only")]
    good = set()
    for row in np.flatnonzero(truth.acceptable):
        final = truth.index[row]
        moving = [n for n in range(len(sizes)) if sq[n] is not None and final[n] != sq[n]]
        for plan in product(range(1, phases + 1), repeat=len(moving)):
            when = dict(zip(moving, plan))
            if any(n in when and (a not in when or when[a] >= when[n]) for n in after for a in after[n]):
                continue
            ok = True
            for t in range(1, phases):
                state = [final[n] if sq[n] is None or when.get(n, 0) <= t else sq[n] for n in range(len(sizes))]
                named = {i: truth.options[n][state[n]] for n, i in enumerate(truth.issues)}
                utilities = truth.scaled[int(np.dot(state, radix))].copy()
                for r in refund:
                    if not line_holds(r, named):
                        utilities[scenario.party_ids.index(r["party"])] += int(Fraction(repr(r["price"])) * truth.denominator)
                if any(utilities[j] < floor[j] for j in veto) or not all(line_holds(r, named) for r in hard):
                    ok = False
                    break
            if ok:
                good.add(int(row))
                break
    return good


@settings(max_examples=examples(60))
@given(scenarios(max_parties=3, max_issues=3, max_options=3, ordered=True), st.integers(1, 3),
       st.sampled_from(["maxmin", "utilitarian", "nash", "kalai"]))
def test_phased_best_matches_brute_force(scenario, phases, criterion):
    scenario.issue_ids = [i.id for i in scenario.issues]
    truth = enumerate_packages(scenario)
    rows = phasable(scenario, truth, phases)
    truth.acceptable = np.isin(np.arange(len(truth.acceptable)), list(rows))
    space = BargainingSpace(scenario)
    expected = truth.best(criterion, space.criteria_parties)
    plan = space.phased(criterion, phases=phases)
    package = plan.package
    assert (package is None) == (expected is None)
    if package is None:
        return
    assert tuple(package.exact_utilities[p] for p in scenario.party_ids) in expected
    table = plan.to_frame()
    assert len(table) == phases
    for party in scenario.veto_party_ids:
        assert (table[f"{party} gain"] >= -1e-9).all()


@settings(max_examples=examples(40))
@given(scenarios(max_parties=3, max_issues=4, max_options=3), st.data())  # (it counts every acceptable package)
def test_leverage_matches_brute_force(scenario, data):
    issue = data.draw(st.sampled_from(scenario.issues))
    frame = BargainingSpace(scenario).leverage(issue.id, limit=10_000).to_frame()
    truth = enumerate_packages(scenario)
    column = [i.id for i in scenario.issues].index(issue.id)
    sq = next(k for k, o in enumerate(issue.options) if o.status_quo)
    frozen = truth.acceptable & (truth.index[:, column] == sq)
    assert list(frame["setting"]) == ["frozen at status quo", "open"]
    for (_, row), mask in zip(frame.iterrows(), (frozen, truth.acceptable)):
        assert row["package exists"] == bool(mask.any())
        assert row["acceptable packages"] == int(mask.sum())
        for party in scenario.party_ids:
            gains = [truth.utilities(k)[party] - truth.reservations[party] for k in np.flatnonzero(mask)]
            best = row[f"best gain {party}"]
            assert best != best if not gains else best == float(max(gains)), (row["setting"], party, best, sorted(float(g) for g in gains)[-3:])


def _zone_case(final_only: bool):
    from bargaining import Scenario

    line = {"party": "a", "if": {"dmz": "zone"}, "then": {"ceasefire": "monitored"}, "name": "zone only under monitoring"}
    if final_only:
        line["final_only"] = True
    return Scenario.from_dict({
        "format": 1, "name": "zone", "parties": [{"id": "a", "reservation": 0}, {"id": "b", "reservation": 0}],
        "issues": [{"id": "dmz", "options": [{"id": "none", "status_quo": True}, {"id": "zone"}]},
                   {"id": "ceasefire", "options": [{"id": "none", "status_quo": True}, {"id": "monitored"}], "after": ["dmz"]}],
        "utilities": {"a": {"ceasefire": {"monitored": -1}, "dmz": {"zone": 3}}, "b": {"ceasefire": {"monitored": 3}}},
        "red_lines": [line],
    })


def test_a_red_line_holds_after_every_phase_unless_final_only():
    """The zone comes first (the ceasefire must follow it), so a plan would break "zone only under
    monitoring" after phase 1: no phased deal moves both; with final_only the line binds at the end only."""
    plan = BargainingSpace(_zone_case(final_only=False)).phased(phases=2)
    assert plan.package is None or plan.package.choices["ceasefire"] == "none" or plan.package.choices["dmz"] == "none"
    relaxed = BargainingSpace(_zone_case(final_only=True)).phased(phases=2)
    assert relaxed.package is not None and relaxed.package.choices == {"dmz": "zone", "ceasefire": "monitored"}
    assert relaxed.phase_of == {"dmz": 1, "ceasefire": 2}


def test_the_exact_check_of_a_plan_names_a_red_line_broken_midway():
    from bargaining.algorithms.phasing import check_plan
    from bargaining.results import Package, PhasePlan

    scenario = _zone_case(final_only=False)
    package = Package.evaluate(scenario, {"dmz": "zone", "ceasefire": "monitored"})
    broken = PhasePlan(scenario, 2, "maxmin", package, {"dmz": 1, "ceasefire": 2})
    assert check_plan(broken) == ["after phase 1, a: zone only under monitoring is broken"]
    assert check_plan(PhasePlan(_zone_case(final_only=True), 2, "maxmin", package, {"dmz": 1, "ceasefire": 2})) == []
    together = PhasePlan(scenario, 2, "maxmin", package, {"dmz": 1, "ceasefire": 1})
    assert check_plan(together) == ["ceasefire moves in phase 1, not after dmz"]
