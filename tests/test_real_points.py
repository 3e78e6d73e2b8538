"""Real-valued points (15-17 significant digits) and mixed magnitudes (1e-6 next to 1e6) across every
public method, against brute force: each answer is the oracle's, or is flagged as not certified.

The scenarios are those of the programme's tests (tests/strategies_dp.py) with the "precise" and
"mixed" kinds of points only.  The oracle (tests/oracle.py) is exact in Python integers.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from oracle import enumerate_packages
from strategies_dp import dp_scenarios

from bargaining import BargainingSpace

REAL = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def real_scenarios(**options):
    return dp_scenarios(max_parties=4, max_issues=4, max_red_lines=3, kinds=("precise", "mixed"), **options)


def vector(package, scenario):
    return tuple(package.exact_utilities[p] for p in scenario.party_ids)


@REAL
@given(real_scenarios(), st.sampled_from(["maxmin", "utilitarian", "nash", "kalai"]))
def test_best_is_the_oracles(scenario, criterion):
    truth = enumerate_packages(scenario)
    space = BargainingSpace(scenario, progress=False)
    expected = truth.best(criterion, space.criteria_parties)
    package = space.best(criterion)
    assert (package is None) == (expected is None)
    if package is not None:
        event("certified" if package.optimal else "flagged")
        assert truth.accepts(package.exact_choices)
        assert vector(package, scenario) == truth.vector(package.exact_choices)
        assert truth.vector(package.exact_choices) in expected or not package.optimal


@REAL
@given(real_scenarios())
def test_frontier_acceptable_and_count_are_the_oracles(scenario):
    truth = enumerate_packages(scenario)
    space = BargainingSpace(scenario, progress=False)
    frame = space.frontier().to_frame()
    issues = [i.id for i in scenario.issues]
    found = {truth.vector({i: row[i] for i in issues}) for _, row in frame.iterrows()}
    assert frame.attrs["exact"] and found == truth.frontier()
    table = space.acceptable().to_frame()
    assert table.attrs["count"] == int(truth.acceptable.sum()) == len(table)
    assert {tuple(r) for r in table[issues].itertuples(index=False)} == truth.acceptable_set()


@REAL
@given(real_scenarios())
def test_diagnosis_relaxations_and_coalitions(scenario):
    truth = enumerate_packages(scenario)
    space = BargainingSpace(scenario, progress=False)
    open_ = bool(truth.acceptable.any())
    assert space.diagnose(relaxations=False).feasible == open_
    requirements = [r.waiver for r in scenario.requirements]
    if not open_:
        opening = [set(c) for size in (1, 2) for c in combinations(requirements, size)
                   if enumerate_packages(scenario, waived=frozenset(c)).acceptable.any()]
        minimal = {frozenset(c) for c in opening if not any(o < c for o in opening)}
        from bargaining.algorithms.diagnose import minimal_relaxations

        assert {frozenset(r.waiver for r in group) for group in minimal_relaxations(space._search, max_size=2)} == minimal
    veto = frozenset(scenario.veto_party_ids)
    optional = [p for p in scenario.party_ids if p not in veto]
    opening = [veto | frozenset(c) for size in range(len(optional) + 1) for c in combinations(optional, size)
               if enumerate_packages(scenario, coalition=veto | frozenset(c)).acceptable.any()]
    assert {frozenset(c.members) for c in space.coalitions()} == {c for c in opening if not any(o < c for o in opening)}


@REAL
@given(real_scenarios(), st.data())
def test_leverage_and_phased(scenario, data):
    truth = enumerate_packages(scenario)
    space = BargainingSpace(scenario, progress=False)
    issue = data.draw(st.sampled_from(scenario.issues))
    if issue.status_quo_choice is not None:
        leverage = space.leverage(issue.id)
        column = [i.id for i in scenario.issues].index(issue.id)
        sq = issue.option_ids.index(issue.status_quo_choice)
        frozen = truth.acceptable & (truth.index[:, column] == sq)
        assert leverage.frozen.exists == bool(frozen.any()) and leverage.open.exists == bool(truth.acceptable.any())
        assert leverage.frozen.acceptable == int(frozen.sum()) and leverage.open.acceptable == int(truth.acceptable.sum())
        for party in scenario.party_ids:
            gains = [truth.utilities(k)[party] - truth.reservations[party] for k in np.flatnonzero(truth.acceptable)]
            assert leverage.open.best_gains[party] == (float(max(gains)) if gains else None)
    plan = space.phased(phases=1)  # one phase: the criterion's best package itself
    expected = truth.best("maxmin", space.criteria_parties)
    if plan.package is None and expected is not None:  # only where the tool says it cannot certify its "none"
        assert "not certified" in plan.reason and space.numeric_doubt() is not None
        event("phased: uncertified none")
    else:
        assert (plan.package is None) == (expected is None)
    if plan.package is not None:
        assert vector(plan.package, scenario) in expected or not plan.package.optimal
