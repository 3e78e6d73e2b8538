"""Phased packages and leverage match brute force on small scenarios."""

from itertools import product

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bargaining import BargainingSpace
from oracle import enumerate_packages
from strategies import scenarios


def phasable(scenario, truth, phases):
    """Indices of acceptable packages that some phase plan delivers (exhaustive over plans)."""
    sizes = [len(o) for o in truth.options]
    radix = np.cumprod([1] + sizes[::-1])[:-1][::-1]  # row index of a combination (itertools.product order)
    sq = [next((k for k, o in enumerate(i.options) if o.status_quo), None) for i in scenario.issues]
    veto = [scenario.party_ids.index(p) for p in scenario.veto_party_ids]
    floor = np.array([int(truth.reservations[p] * truth.denominator) for p in scenario.party_ids])
    after = {n: [scenario.issue_ids.index(a) for a in (i.after or [])] for n, i in enumerate(scenario.issues)}
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
                utilities = truth.scaled[int(np.dot(state, radix))]
                if any(utilities[j] < floor[j] for j in veto):
                    ok = False
                    break
            if ok:
                good.add(int(row))
                break
    return good


@settings(max_examples=40)
@given(scenarios(max_parties=3, max_issues=3, max_options=3, ordered=True), st.integers(1, 3),
       st.sampled_from(["maxmin", "utilitarian", "nash", "kalai"]))
def test_phased_best_matches_brute_force(scenario, phases, criterion):
    scenario.issue_ids = [i.id for i in scenario.issues]
    truth = enumerate_packages(scenario)
    rows = phasable(scenario, truth, phases)
    truth.acceptable = np.isin(np.arange(len(truth.acceptable)), list(rows))
    space = BargainingSpace(scenario)
    expected = truth.best(criterion, space.criteria_parties)
    plan = space.phased(phases, criterion)
    package = plan.package
    assert (package is None) == (expected is None)
    if package is None:
        return
    assert tuple(package.exact_utilities[p] for p in scenario.party_ids) in expected
    table = plan.to_frame()
    assert len(table) == phases
    for party in scenario.veto_party_ids:
        assert (table[f"{party} gain"] >= -1e-9).all()


@settings(max_examples=40)
@given(scenarios(max_parties=3), st.data())
def test_leverage_matches_brute_force(scenario, data):
    issue = data.draw(st.sampled_from(scenario.issues))
    frame = BargainingSpace(scenario).leverage(issue.id, limit=10_000).to_frame()
    truth = enumerate_packages(scenario)
    column = [i.id for i in scenario.issues].index(issue.id)
    sq = next(k for k, o in enumerate(issue.options) if o.status_quo)
    frozen = truth.acceptable & (truth.index[:, column] == sq)
    for state, mask in (("frozen at status quo", frozen), ("open", truth.acceptable)):
        values = dict(zip(zip(frame["measure"], frame["party"]), frame[state]))
        assert values[("package exists", "")] == bool(mask.any())
        assert values[("acceptable packages", "")] == int(mask.sum())
        for party in scenario.party_ids:
            gains = [truth.utilities(k)[party] - truth.reservations[party] for k in np.flatnonzero(mask)]
            best = values[("best gain", party)]
            assert (best is None or best != best) if not gains else best == float(max(gains))
