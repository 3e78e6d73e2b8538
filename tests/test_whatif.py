"""What-ifs on the one model (``BargainingSpace.what_if``) answer exactly as the variant written as a file of its
own (``Variant.apply``) does, and the model is as before once the block ends."""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import uncertain_scenarios

from bargaining import BargainingSpace, Scenario
from bargaining.explore.state import states_for
from bargaining.scenario import Variant
from bargaining.scenario.variant import line_key

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "data" / "europe_russia_ukraine.yaml"
CRITERIA = ("maxmin", "utilitarian", "nash", "kalai")


def answers(space: BargainingSpace, conflict: bool = True) -> dict:
    """Existence, each solution's choices and exact utilities, and (closed) the minimal conflict's labels."""
    found: dict = {}
    for criterion in CRITERIA:
        package = space.best(criterion)
        found[criterion] = None if package is None else (package.choices, package.exact_utilities, package.signers)
    if found["maxmin"] is None and conflict:
        found["conflict"] = sorted(r.label for r in space.diagnose(relaxations=False).conflict)
    return found


def vectors(frontier) -> list:
    return sorted(frontier.vector(k) for k in range(len(frontier)))


@pytest.fixture(scope="module")
def case() -> Scenario:
    return Scenario.from_yaml(CASE)


@pytest.fixture(scope="module")
def space(case: Scenario) -> BargainingSpace:
    return BargainingSpace(case, progress=False)


VARIANTS = {
    "walkthrough": Variant(lines={"ru_donbas_admin": "priced"}),
    "priced at 30": Variant(lines={"ru_donbas_admin": 30}),
    "dropped": Variant(lines={"ua_no_handover": "dropped"}),
    "reservations up and down": Variant(lines={"ru_donbas_admin": "priced"}, reservations={"ukraine": 35, "russia": 26, "hungary": 60}),
    "a soft line priced higher, another dropped": Variant(lines={"ru_donbas_admin": "priced", "ru_no_western_guarantee": 40}),
    "frozen": Variant(lines={"ru_donbas_admin": "priced"}, frozen=("sanctions", "energy")),
    "no optional party": Variant(lines={"ru_donbas_admin": "dropped", "ru_nato_undertaking": "priced"}, coalition=()),
    "closed by a reservation": Variant(lines={"ru_donbas_admin": "priced"}, reservations={"united_states": 90}),
}


@pytest.mark.parametrize("name", list(VARIANTS))
def test_a_what_if_on_the_bundled_case_answers_as_the_variant_file_does(case: Scenario, space: BargainingSpace, name: str) -> None:
    variant = VARIANTS[name]
    with space.what_if(variant) as live:
        assert space.scenario is live
        here = answers(space, conflict=variant.coalition is None and not variant.frozen)
        frontier = space.frontier(space.criteria_parties, workers=1, solutions=False) if here["maxmin"] else None
    applied = BargainingSpace(variant.apply(case), progress=False)
    assert here == answers(applied, conflict=variant.coalition is None and not variant.frozen)
    if frontier is not None:
        again = applied.frontier(applied.criteria_parties, workers=1, solutions=False)
        assert vectors(frontier) == vectors(again)
    assert space.scenario is case  # restored


def test_the_walkthrough_opens_the_space_and_everything_is_restored_after(case: Scenario, space: BargainingSpace) -> None:
    before = answers(space)
    assert before["maxmin"] is None  # the file as written: closed
    with space.what_if(VARIANTS["walkthrough"]):
        opened = space.best("maxmin")
        assert opened is not None and all(opened.exact_gains[p] >= 0 for p in case.veto_party_ids)
        assert case.red_lines[next(k for k, r in enumerate(case.red_lines) if r.id == "ru_donbas_admin")].price == 8
    assert answers(space) == before == answers(BargainingSpace(case, progress=False))


def test_a_fixed_coalition_weighs_its_members(case: Scenario, space: BargainingSpace) -> None:
    variant = Variant(lines={"ru_donbas_admin": "priced"}, coalition=("france", "germany"))
    with space.what_if(variant):
        assert space.criteria_parties == ["ukraine", "russia", "united_states", "france", "germany"]
        package = space.best("maxmin")
    assert space.criteria_parties == case.criteria_party_ids
    applied = variant.apply(case)
    assert applied.criteria_party_ids == ["ukraine", "russia", "united_states", "france", "germany"]
    again = BargainingSpace(applied, progress=False).best("maxmin")
    assert (package is None) == (again is None)
    if package is not None:
        assert package.exact_utilities == again.exact_utilities and package.signers == again.signers


def test_the_variant_file_passes_check_and_lists_its_changes(case: Scenario, tmp_path: Path) -> None:
    variant = Variant(lines={"ru_donbas_admin": 30, "ua_no_handover": "dropped"}, reservations={"ukraine": 40},
                      real={"ru_nato_undertaking": 0.3}, frozen=("sanctions",), coalition=("france",))
    path = tmp_path / "variant.yaml"
    path.write_text(variant.apply(case).to_yaml(), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "bargaining.cli", "check", str(path)], capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    loaded = Scenario.from_yaml(path)
    assert "Variant written by bargaining explore" in loaded.description
    for change in variant.changes(case):
        assert change in loaded.description
    out = [p.id for p in case.parties if not p.veto and p.id != "france"]
    assert len(loaded.red_lines) == len(case.red_lines) - 1 + 1 + len(out)  # one dropped, one freezing, one per party left out
    assert [p.id for p in loaded.parties if p.veto] == ["ukraine", "russia", "united_states", "france"]
    admin = next(r for r in loaded.red_lines if r.id == "ru_donbas_admin")
    assert admin.price == 30 and admin.real is None and admin.soft
    ukraine = loaded.party["ukraine"]
    assert ukraine.reservation == 40 and ukraine.reservation_range == pytest.approx((37.6, 43.2))  # moved with it


@pytest.mark.parametrize("real, moved", [(0.9, (0.7, 1.0)), (0.1, (0.0, 0.3)), (0.7, (0.5, 0.9))])
def test_a_real_range_moves_with_its_real(case: Scenario, tmp_path: Path, real: float, moved: tuple[float, float]) -> None:
    """The live page's probability control can leave a line's real_range ([0.4, 0.8] around 0.6 here): the variant
    was then no valid scenario, and every background job on it failed ("does not contain the stated real").  The range
    moves with the probability, cut at 0 and 1, and the changes say so."""
    variant = Variant(real={"ru_donbas_admin": real})
    path = tmp_path / "variant.yaml"
    path.write_text(variant.apply(case).to_yaml(), encoding="utf-8")
    admin = next(r for r in Scenario.from_yaml(path).red_lines if r.id == "ru_donbas_admin")
    assert admin.real == real and admin.real_range == pytest.approx(moved)
    line = next(r for r in variant.live(case).red_lines if r.id == "ru_donbas_admin")
    assert line.real == real and line.real_range == pytest.approx(moved)
    assert any(f"its range [{moved[0]:g}, {moved[1]:g}] (the file: [0.4, 0.8])" in c for c in variant.changes(case))


@pytest.mark.parametrize("variant, message", [
    (Variant(lines={"nonsense": "dropped"}), "no red line 'nonsense'"),
    (Variant(lines={"ua_no_recognition": 5}), "has no price in the file"),
    (Variant(lines={"ru_no_western_guarantee": "hard"}), "only a price in the file"),
    (Variant(lines={"ru_donbas_admin": -3}), "must be above 0"),
    (Variant(lines={"ru_donbas_admin": float("nan")}), "expected a number"),
    (Variant(reservations={"ukraine": 1e12}), "outside the supported magnitudes"),
    (Variant(real={"ru_donbas_admin": 1.5}), "must be a probability"),
    (Variant(coalition=("ukraine",)), "not an optional party"),
    (Variant(frozen=("no_such_issue",)), "cannot be frozen"),
])
def test_a_variant_the_scenario_cannot_take_is_refused_in_words(case: Scenario, space: BargainingSpace, variant: Variant,
                                                                 message: str) -> None:
    if "ua_no_recognition" in variant.lines:
        assert next(r for r in case.red_lines if r.id == "ua_no_recognition").price is None
    with pytest.raises(ValueError, match=message), space.what_if(variant):
        pass
    assert space.scenario is case and answers(space)["maxmin"] is None


def test_uncertainty_analyses_are_refused_inside_a_what_if(space: BargainingSpace) -> None:
    with space.what_if(VARIANTS["walkthrough"]), pytest.raises(ValueError, match="not available inside what_if"):
        space.deal_probability(samples=5, scheduler="serial")


@st.composite
def variants(draw: st.DrawFn, scenario: Scenario) -> Variant:
    lines: dict = {}
    for k, red_line in enumerate(scenario.red_lines):
        state = draw(st.sampled_from(["as written", *states_for(scenario, k)]))
        if state == "priced":
            lines[line_key(scenario, k)] = draw(st.sampled_from(["priced", 0.25, 3.0, 7.3]))  # new lattices too
        elif state != "as written":
            lines[line_key(scenario, k)] = state
    reservations = {p.id: p.reservation + draw(st.sampled_from([-4.0, -1.5, 2.0, 6.0]))
                    for p in scenario.parties if draw(st.integers(0, 2)) == 0}
    optional = [p.id for p in scenario.parties if not p.veto]
    coalition = tuple(p for p in optional if draw(st.booleans())) if optional and draw(st.booleans()) else None
    held = [i.id for i in scenario.issues if i.status_quo_choice is not None]
    frozen = tuple(i for i in held if draw(st.integers(0, 3)) == 0)
    return Variant(lines=lines, reservations=reservations, coalition=coalition, frozen=frozen)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_random_what_ifs_on_the_model_match_the_variant_files(data: st.DataObject) -> None:
    """Random discrete scenarios with priced, uncertain and optional parts; a random variant each.  The model's
    own frontier search (method="mip": prices, reservation rows, priced lines all changed in place) against the
    exact programme on the variant file; the bests and existence as well."""
    scenario = data.draw(uncertain_scenarios(max_parties=3, max_issues=3, max_options=3))
    variant = data.draw(variants(scenario))
    space = BargainingSpace(scenario, progress=False)
    before = answers(space, conflict=False)
    applied = BargainingSpace(variant.apply(scenario), progress=False)
    with space.what_if(variant):
        here = answers(space, conflict=False)
        parties = space.criteria_parties
        mip = space.frontier(parties, method="mip", workers=1, solutions=False) if here["maxmin"] else None
    assert here == answers(applied, conflict=False)
    if mip is not None:
        exact = applied.frontier(applied.criteria_parties, method="dp", solutions=False)
        assert vectors(mip) == vectors(exact)
    assert answers(space, conflict=False) == before
    with space.what_if(variant):  # the second time the same (nothing left behind by the first)
        assert answers(space, conflict=False) == here


def test_gains_inside_a_what_if_are_over_the_variant_reservations(case: Scenario, space: BargainingSpace) -> None:
    with space.what_if(Variant(lines={"ru_donbas_admin": "priced"}, reservations={"russia": 15})):
        package = space.best("maxmin")
    assert package is not None
    assert package.exact_gains["russia"] == package.exact_utilities["russia"] - Fraction(15)


def _two_sides(optional: bool) -> Scenario:
    """Two veto parties with opposed interests over an amount and a discrete issue (so the model, not the
    programme, answers), and an optional party that joins when the fund suits it."""
    parties = [{"id": "a", "reservation": 2}, {"id": "b", "reservation": 2}]
    utilities = {"a": {"x": {"o0": 0, "o1": 3, "o2": 6}, "fund": {"per_unit": 1}},
                 "b": {"x": {"o0": 6, "o1": 3, "o2": 0}, "fund": {"per_unit": -1}}}
    if optional:
        parties.append({"id": "h", "reservation": 1, "veto": False})
        utilities["h"] = {"x": {"o0": 0, "o1": 2, "o2": 4}, "fund": {"per_unit": 1}}
    return Scenario.from_dict({"format": 1, "name": "two sides", "parties": parties, "utilities": utilities,
                               "issues": [{"id": "x", "options": [{"id": "o0", "status_quo": True}, {"id": "o1"}, {"id": "o2"}]},
                                          {"id": "fund", "range": [0, 4]}]})


@pytest.mark.parametrize("optional, variant", [
    (True, Variant(reservations={"h": 40})),  # above anything the model was built for: h can never join
    (False, Variant(reservations={"a": -500, "b": -500})),  # gains far above the floor's bound at build
])
def test_a_what_if_beyond_the_bounds_the_model_was_built_with(optional: bool, variant: Variant) -> None:
    scenario = _two_sides(optional)
    space = BargainingSpace(scenario, progress=False)
    applied = BargainingSpace(variant.apply(scenario), progress=False)
    with space.what_if(variant):
        here = answers(space)
        frontier = space.frontier(space.criteria_parties, workers=1, solutions=False)
    assert here["maxmin"] is not None
    assert here == answers(applied)
    assert vectors(frontier) == vectors(applied.frontier(applied.criteria_parties, workers=1, solutions=False))


def test_a_new_price_brings_a_finer_lattice_of_utilities() -> None:
    """The model's own frontier steps by each party's unit: a price of 0.25 where the points are whole numbers
    must make it step by 0.25 (the point where Ann breaks her line, at 1.75, is on the frontier)."""
    scenario = Scenario.from_dict({
        "format": 1, "name": "lattice", "parties": [{"id": "ann", "reservation": 0}, {"id": "bob", "reservation": 0}],
        "issues": [{"id": "x", "options": [{"id": "o0"}, {"id": "o1"}, {"id": "o2"}]}],
        "utilities": {"ann": {"x": {"o0": 0, "o1": 1, "o2": 2}}, "bob": {"x": {"o0": 2, "o1": 1, "o2": 0}}},
        "red_lines": [{"party": "ann", "forbid": {"x": "o2"}, "price": 1}]})
    space = BargainingSpace(scenario, progress=False)
    with space.what_if(Variant(lines={"0": 0.25})):
        frontier = space.frontier(method="mip", workers=1, solutions=False)
    assert vectors(frontier) == [(0, 2), (1, 1), (Fraction(7, 4), 0)]
