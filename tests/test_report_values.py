"""The figures draw the right numbers: every plotted value checked against the oracle or the raw points.

tests/test_report.py checks the report's structure (sections, escaping, trace types and counts);
here each trace's coordinates are compared with brute force (frontier, acceptable packages,
solutions), with the scenario's raw points (utility breakdown) or with a count done here
(concession map).
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from oracle import enumerate_packages
from test_report import small_scenario

from bargaining import BargainingSpace, plots
from bargaining.present.labels import CRITERION_STYLE

CRITERIA = ["maxmin", "utilitarian", "nash", "kalai"]


@pytest.fixture(scope="module", params=[2, 3, 5], ids=lambda n: f"{n} parties")
def case(request):
    scenario = small_scenario(request.param, seed=request.param)
    space = BargainingSpace(scenario, progress=False)
    truth = enumerate_packages(scenario)
    return scenario, space, truth


def floats(vector) -> tuple[float, ...]:
    return tuple(float(v) for v in vector)


def trace(fig, name):
    found = [t for t in fig.data if t.name == name]
    assert len(found) == 1, (name, [t.name for t in fig.data])
    return found[0]


def oracle_solutions(scenario, truth) -> dict[str, set[tuple[float, ...]]]:
    return {c: {floats(v) for v in truth.best(c, scenario.veto_party_ids)} for c in CRITERIA}


def test_the_frontier_table_is_the_oracle_s(case):
    scenario, space, truth = case
    frame = space.frontier(progress=False).to_frame()
    vectors = {tuple(Fraction(row[p]).limit_denominator(1000) for p in scenario.party_ids) for _, row in frame.iterrows()}
    assert len(vectors) == len(frame) and vectors == truth.frontier()
    assert len(frame) >= 3, "a frontier with trade-offs to draw"


def test_two_party_frontier_figure_values():
    scenario = small_scenario(2, seed=2)
    space = BargainingSpace(scenario, progress=False)
    truth = enumerate_packages(scenario)
    frontier, acceptable = space.frontier(progress=False), space.acceptable()
    solutions = {c: space.best(c) for c in CRITERIA}
    fig = plots.frontier_figure(frontier, scenario, acceptable=acceptable, solutions=solutions)
    x, y = scenario.party_ids
    line = trace(fig, "Pareto frontier")
    assert sorted(zip(line.x, line.y)) == sorted(floats(v) for v in truth.frontier())
    assert list(line.x) == sorted(line.x), "joined from left to right"
    grey = trace(fig, "Other acceptable packages")
    on_acceptable = {floats(truth.utilities(k).values()) for k in range(len(truth.acceptable)) if truth.acceptable[k]}
    assert set(zip(grey.x, grey.y)) == on_acceptable - {floats(v) for v in truth.frontier()}
    assert len(grey.x) == len(set(zip(grey.x, grey.y))), "one dot per utility vector"
    expected = oracle_solutions(scenario, truth)
    for criterion in CRITERIA:
        marker = trace(fig, CRITERION_STYLE[criterion][0])
        assert (marker.x[0], marker.y[0]) in expected[criterion]
    rx, ry = (scenario.party[p].reservation for p in (x, y))
    point = trace(fig, "No agreement (reservations)")
    assert (point.x[0], point.y[0]) == (rx, ry)
    lines = [(s.x0, s.x1, s.y0, s.y1) for s in fig.layout.shapes if s.type == "line"]
    assert any(x0 == x1 == rx for x0, x1, _, _ in lines) and any(y0 == y1 == ry for _, _, y0, y1 in lines)


def test_three_party_figures_values():
    scenario = small_scenario(3, seed=3)
    space = BargainingSpace(scenario, progress=False)
    truth = enumerate_packages(scenario)
    frontier = space.frontier(progress=False)
    three_d, pairs = plots.frontier_figures(frontier, scenario, acceptable=space.acceptable())
    points = trace(three_d, "Pareto frontier")
    assert sorted(zip(points.x, points.y, points.z)) == sorted(floats(v) for v in truth.frontier())
    floor = [min(u - float(truth.reservations[p]) for u, p in zip(v, scenario.party_ids)) for v in zip(points.x, points.y, points.z)]
    assert list(points.marker.color) == pytest.approx(floor), "coloured by the smallest gain"
    expected = oracle_solutions(scenario, truth)
    for criterion in CRITERIA:  # marked from the frontier's solution column
        marker = trace(three_d, CRITERION_STYLE[criterion][0])
        assert (marker.x[0], marker.y[0], marker.z[0]) in expected[criterion]
    matrix = trace(pairs, "Pareto frontier")
    assert sorted(zip(*(d.values for d in matrix.dimensions))) == sorted(floats(v) for v in truth.frontier())


def test_parallel_coordinates_values():
    scenario = small_scenario(5, seed=5)
    space = BargainingSpace(scenario, progress=False)
    truth = enumerate_packages(scenario)
    frontier = space.frontier(progress=False)
    fig = plots.frontier_figure(frontier, scenario)
    markers = next(t for t in fig.data if t.meta)
    n = len(scenario.party_ids)
    rows = {tuple(markers.y[k:k + n]) for k in range(0, len(markers.y), n)}
    assert list(markers.x) == list(range(n)) * (len(markers.y) // n)
    assert rows == {floats(v) for v in truth.frontier()}
    expected = oracle_solutions(scenario, truth)
    for criterion in CRITERIA:
        assert tuple(trace(fig, CRITERION_STYLE[criterion][0]).y) in expected[criterion]
    bars = trace(fig, "Reservation (no agreement)")
    assert list(bars.y) == [scenario.party[p].reservation for p in scenario.party_ids]


def test_utility_breakdown_values(case):
    scenario, space, truth = case
    package = space.best("maxmin")
    assert floats(package.vector(scenario.party_ids)) in oracle_solutions(scenario, truth)["maxmin"]
    fig = plots.utility_breakdown(package, scenario)
    raw = scenario.to_dict()["utilities"]
    bars = {t.name: list(t.y) for t in fig.data if t.type == "bar"}
    for issue in scenario.issues:  # each issue's bar: the points of the chosen option, from the raw tables
        points = [raw.get(p, {}).get(issue.id, {}).get(package.choices[issue.id], 0) for p in scenario.party_ids]
        assert bars.get(issue.label, [0] * len(points)) == points
    assert list(trace(fig, "Utility (total)").y) == [float(truth_utility) for truth_utility in package.vector(scenario.party_ids)]
    assert list(trace(fig, "Reservation").y) == [scenario.party[p].reservation for p in scenario.party_ids]
    for k, p in enumerate(scenario.party_ids):  # the stack adds up to the utility
        assert sum(values[k] for values in bars.values()) == pytest.approx(package.utilities[p])


def test_gains_by_solution_values(case):
    scenario, space, truth = case
    solutions = {c: space.best(c) for c in CRITERIA}
    fig = plots.gains_by_solution(solutions, scenario)
    expected = oracle_solutions(scenario, truth)
    reservations = [scenario.party[p].reservation for p in scenario.party_ids]
    for k, criterion in enumerate(CRITERIA):
        gains = [trace(fig, scenario.party[p].label).y[k] for p in scenario.party_ids]
        assert tuple(g + r for g, r in zip(gains, reservations)) in expected[criterion]


def test_concession_map_values(case):
    scenario, space, truth = case
    frontier = space.frontier(progress=False)
    fig = plots.concession_map(frontier, scenario)
    z = fig.data[0].z
    for row, issue in zip(z, scenario.issues):
        chosen = list(frontier.to_frame()[issue.id])
        shares = [chosen.count(o) / len(chosen) for o in issue.option_ids]
        assert list(row[:len(shares)]) == pytest.approx(shares)
        assert all(v is None for v in row[len(shares):])
    assert len(frontier) == len(truth.frontier())
