"""The scenario files in data/: every one loads, round-trips and passes ``bargaining check``;
the three textbook cases give the answers worked out by hand in their descriptions; the
Europe-Russia-Ukraine case has the structure it was built with and can be analysed.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import product
from pathlib import Path

import pytest

from bargaining import BargainingSpace, Scenario
from bargaining.cli import main

DATA = Path(__file__).resolve().parent.parent / "data"
FILES = sorted(DATA.glob("*.yaml"))
CRITERIA = ["maxmin", "utilitarian", "nash", "kalai"]


def load(name: str) -> Scenario:
    return Scenario.from_yaml(DATA / f"{name}.yaml")


def without_red_line(scenario: Scenario, index: int) -> Scenario:
    data = scenario.to_dict()
    del data["red_lines"][index]
    return Scenario.from_dict(data)


def all_packages(scenario: Scenario) -> list[dict[str, str]]:
    """Every combination of options of a scenario with discrete issues only."""
    issues = scenario.discrete_issues
    return [dict(zip((i.id for i in issues), combo)) for combo in product(*(i.option_ids for i in issues))]


# --------------------------------------------------------------------------- every file


def test_the_cases_are_there():
    assert {p.stem for p in FILES} >= {"europe_russia_ukraine", "adjusted_winner", "logrolling", "empty_space"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_file_loads_round_trips_and_checks(path, capsys):
    scenario = Scenario.from_yaml(path)
    assert scenario.description, "every case says what it is and what to expect"
    assert Scenario.from_dict(scenario.to_dict()) == scenario
    assert main(["check", str(path)]) == 0
    assert "valid scenario" in capsys.readouterr().out


# --------------------------------------------------------------------------- Adjusted Winner


def adjusted_winner_by_hand(a: dict[str, Fraction], b: dict[str, Fraction]) -> tuple[dict[str, Fraction], Fraction]:
    """Brams and Taylor's procedure: shares to the first party and the equal points total."""
    share = {i: Fraction(1) if a[i] > b[i] else Fraction(0) for i in a}
    total_a = sum(a[i] * share[i] for i in a)
    total_b = sum(b[i] * (1 - share[i]) for i in a)
    assert total_a >= total_b, "this example starts with the first party ahead"
    for item in sorted((i for i in a if share[i] == 1), key=lambda i: a[i] / b[i]):
        if total_a - a[item] > total_b + b[item]:  # moving the whole item keeps the first party ahead
            share[item] = Fraction(0)
            total_a, total_b = total_a - a[item], total_b + b[item]
            continue
        moved = (total_a - total_b) / (a[item] + b[item])
        share[item] = 1 - moved
        return share, total_a - a[item] * moved
    raise AssertionError("the procedure always ends with a split item or an exact tie")


def test_adjusted_winner_matches_the_procedure_done_by_hand():
    scenario = load("adjusted_winner")
    items = [i.id for i in scenario.issues]
    a = {i: Fraction(scenario.points("ann", i)["per_unit"]) for i in items}
    b = {i: -Fraction(scenario.points("bob", i)["per_unit"]) for i in items}
    assert sum(a.values()) == sum(b.values()) == 100
    assert scenario.party["bob"].reservation == -100  # Bob's constant sum of b_i, moved into his reservation

    share, equal_total = adjusted_winner_by_hand(a, b)
    assert equal_total == Fraction(435, 7)  # the value worked out in the file's description
    assert share == {"house": Fraction(3, 7), "pension": 1, "car": 0, "boat": 0, "piano": 1}

    package = BargainingSpace(scenario).best("maxmin")
    assert package is not None
    assert package.gains["ann"] == pytest.approx(float(equal_total), abs=1e-6)
    assert package.gains["bob"] == pytest.approx(float(equal_total), abs=1e-6)
    for item in items:
        assert package.choices[item] == pytest.approx(float(share[item]), abs=1e-6)


# --------------------------------------------------------------------------- logrolling

INTEGRATIVE = {"price": "to_seller", "delivery": "split", "warranty": "to_buyer"}
SPLIT_ALL = {"price": "split", "delivery": "split", "warranty": "split"}


@pytest.mark.parametrize("criterion", ["utilitarian", "nash", "maxmin"])
def test_logrolling_picks_the_integrative_package(criterion):
    package = BargainingSpace(load("logrolling")).best(criterion)
    assert package is not None
    assert package.choices == INTEGRATIVE


def test_logrolling_beats_splitting_every_issue_for_both():
    space = BargainingSpace(load("logrolling"))
    integrative = space.evaluate(INTEGRATIVE)
    split = space.evaluate(SPLIT_ALL)
    assert integrative.utilities == {"seller": 68, "buyer": 68}
    assert split.utilities == {"seller": 60, "buyer": 60}
    for party in ("seller", "buyer"):
        assert integrative.utilities[party] > split.utilities[party]


def test_logrolling_hand_figures_by_enumeration():
    scenario = load("logrolling")
    totals = {tuple(p.values()): sum(scenario.utility(q, p) for q in scenario.party_ids) for p in all_packages(scenario)}
    best = max(totals.values())
    assert best == 136 and [k for k, v in totals.items() if v == best] == [tuple(INTEGRATIVE.values())]
    nash = {
        k: (scenario.utility("seller", dict(zip(INTEGRATIVE, k))) - 40) * (scenario.utility("buyer", dict(zip(INTEGRATIVE, k))) - 40)
        for k in totals
    }
    ranked = sorted(nash.values(), reverse=True)
    assert nash[tuple(INTEGRATIVE.values())] == ranked[0] == 784 and ranked[1] == 440 and ranked.count(784) == 1


# --------------------------------------------------------------------------- empty space

KNOWN_CONFLICT = {("red_line", "a", 0), ("red_line", "b", 1), ("red_line", "c", 2)}


def test_empty_space_has_no_acceptable_package():
    scenario = load("empty_space")
    space = BargainingSpace(scenario)
    for criterion in CRITERIA:
        assert space.best(criterion) is None
    assert not any(scenario.is_acceptable(p) for p in all_packages(scenario))  # all six, by enumeration


def test_empty_space_diagnosis_names_the_known_minimal_conflict():
    diagnosis = BargainingSpace(load("empty_space")).diagnose()
    assert diagnosis.feasible is False
    assert {(r.kind, r.party, r.index) for r in diagnosis.conflict} == KNOWN_CONFLICT
    assert str(diagnosis)


@pytest.mark.parametrize("index", sorted(i for _, _, i in KNOWN_CONFLICT))
def test_dropping_one_conflicting_red_line_opens_the_space(index):
    scenario = without_red_line(load("empty_space"), index)
    package = BargainingSpace(scenario).best("maxmin")
    assert package is not None
    assert scenario.is_acceptable(package.choices)


# --------------------------------------------------------------------------- Europe, Russia and Ukraine

ERU_PARTIES = {"ukraine", "russia", "united_states", "france", "germany", "poland", "baltic_states"}
ERU_ISSUES = {
    "ceasefire", "donbas", "dmz", "security", "nato", "army", "recognition", "sanctions", "energy",
    "fund", "contested", "baltic", "hybrid", "humanitarian", "eu_accession",
}
EUROPEANS = {"france", "germany", "poland", "baltic_states"}


@pytest.fixture(scope="module")
def eru() -> Scenario:
    return load("europe_russia_ukraine")


def test_eru_parties_and_issues(eru):
    assert set(eru.party_ids) == ERU_PARTIES
    assert {"ukraine", "russia"} <= set(eru.veto_party_ids)
    assert set(eru.issue) == ERU_ISSUES
    for party in eru.parties:
        assert party.rationale, f"{party.id} has no rationale"
        assert eru.points(party.id, "ceasefire"), f"{party.id} has no points for the ceasefire"


def test_eru_every_discrete_issue_has_exactly_one_status_quo(eru):
    for issue in eru.discrete_issues:
        assert 3 <= len(issue.options) <= 5, issue.id
        assert sum(o.status_quo for o in issue.options) == 1, issue.id


def test_eru_every_points_table_red_line_and_interaction_has_a_rationale(eru):
    tables = [(p, i.id) for p in eru.party_ids for i in eru.issues if eru.points(p, i.id)]
    assert len(tables) > 50
    missing = [t for t in tables if not eru.points_rationale(*t)]
    assert not missing, f"points tables without a rationale: {missing}"
    for k, red_line in enumerate(eru.red_lines):
        assert red_line.name and red_line.rationale, f"red_lines[{k}]"
    for k, interaction in enumerate(eru.interactions):
        assert interaction.rationale, f"interactions[{k}]"


def test_eru_uses_every_kind_of_red_line_and_the_european_levers(eru):
    assert {r.kind for r in eru.red_lines} == {"forbid", "require", "if"}
    for issue_id in ("sanctions", "energy"):
        issue = eru.issue[issue_id]
        assert issue.linkable and set(issue.controlled_by) == EUROPEANS
    fund = eru.issue["fund"]
    assert fund.is_continuous and fund.unit == "EUR bn" and fund.status_quo == 0
    conditions = [x.when for x in eru.interactions]
    for r in eru.red_lines:
        conditions += [c for c in (r.forbid, r.require, r.if_, r.then) if c is not None]
    assert any("fund" in c for c in conditions)
    # the seed's public and private red lines are in
    names = {(r.party, r.name) for r in eru.red_lines}
    assert ("russia", "No seizure of Russian ships and cargo in the Baltic") in names
    assert ("russia", "No cut-off of Kaliningrad") in names
    assert any(r.party == "france" and r.require and "hybrid" in r.require for r in eru.red_lines)


def test_eru_analysis_completes(eru):
    space = BargainingSpace(eru)
    package = space.best("maxmin")
    if package is not None:
        assert eru.is_acceptable(package.choices)
        return
    diagnosis = space.diagnose()
    assert not diagnosis.feasible and diagnosis.conflict


def test_eru_donbas_red_lines_conflict_as_checked_by_hand(eru):
    """Checked by hand: Ukraine forbids exactly the Donbas options Russia requires.

    So no package can be acceptable, and these two red lines are a minimal conflict on
    their own. That it is the only one was checked with the tool (dropping either red
    line opens the space); the diagnosis must then name exactly this pair.
    """
    ukraine = next(k for k, r in enumerate(eru.red_lines) if r.party == "ukraine" and r.forbid and "donbas" in r.forbid)
    russia = next(k for k, r in enumerate(eru.red_lines) if r.party == "russia" and r.require and "donbas" in r.require)
    assert set(eru.red_lines[ukraine].forbid["donbas"]) == set(eru.red_lines[russia].require["donbas"])
    space = BargainingSpace(eru)
    assert space.best("maxmin") is None
    conflict = {(r.kind, r.party, r.index) for r in space.diagnose().conflict}
    assert conflict == {("red_line", "ukraine", ukraine), ("red_line", "russia", russia)}
    for index in (ukraine, russia):
        assert BargainingSpace(without_red_line(eru, index)).best("maxmin") is not None
