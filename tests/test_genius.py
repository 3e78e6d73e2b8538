"""Genius/ANAC import (bargaining.scenario.genius) and NegMAS export (bargaining.scenario.negmas).

The fixtures in tests/fixtures/genius/ were written for these tests: a four-issue domain
(two discrete issues, two integer issues, one with a negative lower bound) and two
profiles, one with 17-significant-digit weights, clipping at 0 and 1 and a discount
factor, one without a reservation value.
"""

from __future__ import annotations

import math
import re
import sys
import time
import warnings
from fractions import Fraction as F
from itertools import product
from pathlib import Path

import pytest
import yaml
from budget import HANG_GUARD
from oracle import enumerate_packages

from bargaining import BargainingSpace, Scenario, ScenarioError
from bargaining.cli import main
from bargaining.scenario import exact
from bargaining.scenario.genius import GeniusWarning
from bargaining.scenario.genius.xml import slug, unique_ids

from_genius = Scenario.from_genius

FIXTURES = Path(__file__).parent / "fixtures" / "genius"
DOMAIN = FIXTURES / "trip_domain.xml"
ALPHA = FIXTURES / "alpha-party.xml"
BETA = FIXTURES / "beta.xml"

# The profiles by hand, as written in the fixture files: weights, evaluations, (slope, offset).
ISSUES = ["Destination", "Hotel room", "Start shift (days)", "Budget level"]
VALUES = {
    "Destination": ["Lisbon", "Málaga", "Oslo"],
    "Hotel room": ["Sea view", "sea-view", "Sea View!"],
    "Start shift (days)": [str(x) for x in range(-3, 5)],
    "Budget level": [str(x) for x in range(1, 6)],
}
LOWER = {"Start shift (days)": -3, "Budget level": 1}
HAND = {
    "alpha_party": {
        "weights": {"Destination": F("0.30920000000000003"), "Hotel room": F("0.12345678901234567"),
                    "Start shift (days)": F("0.23784615384615385"), "Budget level": F("0.32949705714150044")},
        "Destination": {"Lisbon": F(7), "Málaga": F("3.5"), "Oslo": F(12)},
        "Hotel room": {"Sea view": F(0), "sea-view": F(2), "Sea View!": F(9)},
        "Start shift (days)": (F("0.3"), F("-0.2")),
        "Budget level": (F("0.125"), F("0.5")),
        "reservation": F("0.35"),
    },
    "beta": {
        "weights": {issue: F("0.25") for issue in ISSUES},
        "Destination": {"Lisbon": F(1), "Málaga": F(10), "Oslo": F(4)},
        "Hotel room": {"Sea view": F(5), "sea-view": F(5), "Sea View!": F(1)},
        "Start shift (days)": (F("0.1"), F(0)),
        "Budget level": (F("-0.25"), F("1.1")),
        "reservation": F(0),
    },
}


def genius_utility(party: str, values: dict[str, str]) -> F:
    """Genius's AdditiveUtilitySpace.getUtility without the cap, in exact rationals."""
    hand = HAND[party]
    total = F(0)
    for issue in ISSUES:
        weight = hand["weights"][issue]
        if issue in LOWER:
            slope, offset = hand[issue]
            total += weight * min(max(slope * (int(values[issue]) - LOWER[issue]) + offset, F(0)), F(1))
        else:
            table = hand[issue]
            total += weight * table[values[issue]] / max(table.values())
    return total


def load(*profiles, **options) -> Scenario:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeniusWarning)
        return from_genius(DOMAIN, list(profiles) or [ALPHA, BETA], **options)


def outcomes(scenario: Scenario):
    """Every package: (option ids by issue id, value texts by issue name)."""
    for combo in product(*[issue.options for issue in scenario.issues]):
        yield ({i.id: o.id for i, o in zip(scenario.issues, combo)}, {i.name: o.name for i, o in zip(scenario.issues, combo)})


def variant(tmp_path: Path, source: Path, *replacements: tuple[str, str], name: str | None = None) -> Path:
    """A copy of a fixture with text replaced (each replacement must apply)."""
    text = source.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / (name or source.name)
    path.write_text(text, encoding="utf-8")
    return path


def error_text(domain, profiles, keep_warnings: bool = False, **options) -> str:
    with pytest.raises(ScenarioError) as caught, warnings.catch_warnings():
        if not keep_warnings:
            warnings.simplefilter("ignore", GeniusWarning)
        from_genius(domain, profiles, **options)
    return str(caught.value)


def warned(domain, profiles, **options) -> tuple[Scenario, str]:
    """The scenario and every GeniusWarning's text, one per line."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", GeniusWarning)
        scenario = from_genius(domain, profiles, **options)
    return scenario, "\n".join(str(w.message) for w in caught if issubclass(w.category, GeniusWarning))


# --------------------------------------------------------------------------- the semantics


def test_every_outcome_matches_geniuss_formula_in_exact_rationals():
    scenario = load()
    assert scenario.package_count() == 3 * 3 * 8 * 5
    half_ulp_sum = F(4, 2**53)  # four points, each within one unit in the last place (< 2**-53 below 1)
    count = 0
    for choices, values in outcomes(scenario):
        for party in ("alpha_party", "beta"):
            want = genius_utility(party, values)
            got = scenario.exact_utility(party, choices)
            assert abs(got - want) <= half_ulp_sum, (party, values)
            if party == "beta":
                assert got == want  # short decimals: exactly Genius's value
        count += 1
    assert count == 360


def test_each_point_is_the_exact_value_rounded_once():
    scenario = load()
    for party in ("alpha_party", "beta"):
        hand = HAND[party]
        for issue_name in ISSUES:
            issue = next(i for i in scenario.issues if i.name == issue_name)
            points = scenario.points(party, issue.id)
            for option in issue.options:
                weight = hand["weights"][issue_name]
                if issue_name in LOWER:
                    slope, offset = hand[issue_name]
                    want = weight * min(max(slope * (int(option.name) - LOWER[issue_name]) + offset, F(0)), F(1))
                else:
                    want = weight * hand[issue_name][option.name] / max(hand[issue_name].values())
                assert points[option.id] == float(want)  # the nearest double, written in full


def test_weights_with_17_significant_digits_keep_full_precision(tmp_path):
    scenario = load()
    # the best option of each issue is worth its weight: written in full, not rounded to a few digits
    assert scenario.points("alpha_party", "destination")["oslo"] == 0.30920000000000003
    assert exact(scenario.points("alpha_party", "start_shift_days")["4"]) == F("0.23784615384615385")
    # 0.12345678901234567 is not a double; the nearest one is written, within one unit in the last place
    hotel = exact(scenario.points("alpha_party", "hotel_room")["sea_view_3"])
    assert hotel == F(repr(float(F("0.12345678901234567"))))
    assert abs(hotel - F("0.12345678901234567")) <= F(math.ulp(0.12345678901234567))  # 1e-17 here
    # and the file written keeps every digit
    out = tmp_path / "trip.yaml"
    out.write_text(scenario.to_yaml(), encoding="utf-8")
    assert "0.30920000000000003" in out.read_text(encoding="utf-8")
    assert Scenario.from_yaml(out) == scenario


def test_weights_not_summing_to_one_are_kept_as_written(tmp_path):
    low = variant(tmp_path, BETA, *[(f'<weight index="{k}" value="0.25"/>', f'<weight index="{k}" value="0.1"/>') for k in (1, 2, 3, 4)])
    scenario = load(ALPHA, low)
    assert scenario.points("beta", "destination")["malaga"] == 0.1  # not rescaled to 0.25


def test_integer_issues_one_option_per_integer_with_negative_lower_bound_and_clipping():
    scenario = load()
    shift = scenario.issue["start_shift_days"]
    assert [o.name for o in shift.options] == ["-3", "-2", "-1", "0", "1", "2", "3", "4"]
    assert shift.option_ids == ["minus_3", "minus_2", "minus_1", "0", "1", "2", "3", "4"]
    alpha = scenario.points("alpha_party", "start_shift_days")
    weight = F("0.23784615384615385")
    assert alpha["minus_3"] == 0.0  # 0.3 x 0 - 0.2 < 0: clipped at 0
    assert alpha["minus_2"] == float(weight * F("0.1"))  # shifted by the lower bound: x - (-3) = 1
    assert alpha["1"] == alpha["4"] == float(weight)  # 0.3 x 4 - 0.2 = 1 exactly; above it clipped at 1
    beta_budget = scenario.points("beta", "budget_level")
    assert beta_budget["1"] == 0.25  # offset 1.1 clipped at 1
    assert beta_budget["5"] == float(F("0.25") * (F("-0.25") * 4 + F("1.1")))


def test_profiles_match_values_by_name_not_by_order():
    scenario = load()
    # beta.xml lists the hotel rooms in another order than the domain
    assert scenario.points("beta", "hotel_room") == {"sea_view": 0.25, "sea_view_2": 0.25, "sea_view_3": 0.05}


def test_missing_reservation_is_zero_and_overrides_apply():
    scenario = load()
    assert scenario.party["alpha_party"].reservation == 0.35
    assert scenario.party["beta"].reservation == 0.0
    assert "no reservation in the profile, so 0" in scenario.description
    assert load(reservations={"beta": 0.4}).party["beta"].reservation == 0.4
    overridden = load(reservations=[None, "0.125"])
    assert overridden.party["alpha_party"].reservation == 0.35 and overridden.party["beta"].reservation == 0.125
    assert "unknown party 'gamma'" in error_text(DOMAIN, [ALPHA, BETA], reservations={"gamma": 1})
    assert "2 profiles" in error_text(DOMAIN, [ALPHA, BETA], reservations=[0.1])


def test_discount_factor_is_ignored_with_a_warning(tmp_path):
    with pytest.warns(GeniusWarning, match=r"alpha-party.xml: discount factor 0.9 ignored"):
        scenario = from_genius(DOMAIN, [ALPHA, BETA])
    assert "discount factor 0.9 ignored" in scenario.description
    # 1 and 0 mean no discounting in Genius: nothing to warn about
    zero = variant(tmp_path, ALPHA, ('<discount_factor value="0.9"/>', '<discount_factor value="0.0"/>'))
    with warnings.catch_warnings():
        warnings.simplefilter("error", GeniusWarning)
        from_genius(DOMAIN, [zero, BETA])


def test_no_status_quo_is_invented_and_the_description_says_where_it_came_from():
    scenario = load()
    assert all(issue.status_quo_choice is None for issue in scenario.issues)
    assert "trip_domain.xml" in scenario.description and "alpha-party.xml" in scenario.description
    assert "largest evaluation" in scenario.description and "no status quo" in scenario.description
    assert scenario.name == "trip_domain"
    assert load(name="A trip").name == "A trip"


# --------------------------------------------------------------------------- ids and names


def test_ids_are_slugged_unique_and_names_kept():
    scenario = load()
    assert scenario.party_ids == ["alpha_party", "beta"]
    assert [p.name for p in scenario.parties] == ["alpha-party", "beta"]
    assert [i.id for i in scenario.issues] == ["destination", "hotel_room", "start_shift_days", "budget_level"]
    hotel = scenario.issue["hotel_room"]
    # three values that slug to the same id: unique ids, original text in the name
    assert hotel.option_ids == ["sea_view", "sea_view_2", "sea_view_3"]
    assert [o.name for o in hotel.options] == ["Sea view", "sea-view", "Sea View!"]
    assert scenario.issue["destination"].option_ids == ["lisbon", "malaga", "oslo"]
    assert scenario.issue["destination"].options[1].name == "Málaga"


def test_slugs():
    assert slug("$4.37") == "4_37"
    assert slug("-5") == "minus_5" and slug("5") == "5"
    assert slug("2010-2011") == "2010_2011"
    assert slug("€") == ""
    assert unique_ids(["A b", "a-b", "a_b_2", "rationale", "€", "£"], "option") == [
        "a_b", "a_b_3", "a_b_2", "rationale_2", "option", "option_2"]
    assert unique_ids(["Price"], "issue", taken=["price"]) == ["price_2"]


def test_party_ids_from_stems_are_unique(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = variant(tmp_path / "a", BETA, name="Beta.xml")
    second = variant(tmp_path / "b", BETA, name="beta.xml")
    assert load(first, second).party_ids == ["beta", "beta_2"]


def test_an_issue_named_like_a_party_gets_another_id(tmp_path):
    domain = variant(tmp_path, DOMAIN, ('name="Budget level"', 'name="Beta"'))
    profiles = [variant(tmp_path, p, ('name="Budget level"', 'name="Beta"')) for p in (ALPHA, BETA)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeniusWarning)
        scenario = from_genius(domain, profiles)
    assert scenario.party_ids == ["alpha_party", "beta"]
    assert scenario.issues[3].id == "beta_2" and scenario.issues[3].name == "Beta"


# --------------------------------------------------------------------------- the cap at 1


@pytest.mark.filterwarnings("ignore:.*discount factor 0.9 ignored")
def test_largest_total_above_one_warns_with_the_count_or_refuses(tmp_path):
    heavy = variant(tmp_path, BETA, *[(f'<weight index="{k}" value="0.25"/>', f'<weight index="{k}" value="0.3"/>') for k in (1, 2, 3, 4)])
    # by hand: 0.3 x (dest + hotel + shift + budget evaluations) > 1
    hand_count = 0
    for values in product(*[VALUES[i] for i in ISSUES]):
        chosen = dict(zip(ISSUES, values))
        total = F("0.3") / F("0.25") * genius_utility("beta", chosen)
        hand_count += total > 1
    assert hand_count > 0
    with pytest.warns(GeniusWarning, match=rf"largest possible total utility is 1.11 \(1 \+ 0.11\).* {hand_count} of the 360 packages are above 1"):
        scenario = from_genius(DOMAIN, [ALPHA, heavy])
    assert "cap at 1 is not applied" in scenario.description
    message = error_text(DOMAIN, [ALPHA, heavy], over_one="error")
    assert "beta.xml" in message and "rescale the weights" in message
    with pytest.raises(ValueError, match="over_one"):
        from_genius(DOMAIN, [ALPHA, BETA], over_one="cap")


def test_total_exactly_at_most_one_does_not_warn():
    # alpha's weights sum to 0.99999999999999999 (exactly below 1, though 1.0 in floating point)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", GeniusWarning)
        from_genius(DOMAIN, [ALPHA, BETA])
    assert not [w for w in caught if "largest possible total" in str(w.message)]


# --------------------------------------------------------------------------- errors


def test_real_valued_issue_is_refused_with_file_element_and_fix(tmp_path):
    domain = variant(tmp_path, DOMAIN, ('name="Budget level" type="integer" etype="integer" vtype="integer"',
                                        'name="Budget level" type="real" etype="real" vtype="real"'))
    message = error_text(domain, [ALPHA, BETA])
    assert str(domain) in message and "line 18" in message and '<issue name="Budget level">' in message
    assert "real-valued issue" in message and "integer or discrete issue" in message


def test_non_linear_profiles_are_refused(tmp_path):
    for kind in ("nonlinear", "CONSTRAINT"):
        typed = variant(tmp_path, ALPHA, ("<utility_space>", f'<utility_space type="{kind}">'))
        assert "only linear-additive Genius profiles" in error_text(DOMAIN, [typed, BETA])
    unknown = variant(tmp_path, ALPHA, ("<utility_space>", '<utility_space type="fuzzy">'))
    assert 'type="fuzzy" is not a utility space Genius knows' in error_text(DOMAIN, [unknown, BETA])


def test_constraint_elements_in_an_untyped_profile_are_ignored_as_genius_does_with_a_warning(tmp_path):
    """Genius reads a profile without type="nonlinear" as linear-additive and never looks at <ufun>."""
    constraint = variant(tmp_path, ALPHA, ('<reservation value="0.35"/>', '<reservation value="0.35"/>\n<ufun type="PLAIN" weight="1"/>'),
                         name="alpha-party.xml")
    scenario, said = warned(DOMAIN, [constraint, BETA])
    assert re.search(r"alpha-party.xml, line 28: <ufun>: part of a non-linear utility.*ignores this", said)
    assert scenario == load()


@pytest.mark.parametrize("text, expected", [
    ("", "the file is empty"),
    ("<utility_space><objective>", "not well-formed XML"),
    ("<utility_space>\n<objective>\n<issue name='x'>\n</objective>", "line 4"),
    ("not xml at all", "not well-formed XML"),
])
def test_bad_xml_names_file_and_place(tmp_path, text, expected):
    bad = tmp_path / "bad.xml"
    bad.write_text(text, encoding="utf-8")
    message = error_text(DOMAIN, [ALPHA, bad])
    assert str(bad) in message and expected in message


def test_latin1_without_declaration_says_so_and_with_declaration_reads(tmp_path):
    text = BETA.read_text(encoding="utf-8")
    plain = tmp_path / "plain.xml"
    plain.write_bytes(text.replace('<?xml version="1.0" encoding="UTF-8"?>\n', "").encode("latin-1"))
    scenario, said = warned(DOMAIN, [ALPHA, plain])
    assert "plain.xml: is not UTF-8 and does not declare its encoding: read as Latin-1" in said
    assert scenario.points("plain", "destination")["malaga"] == 0.25  # 'Málaga' read right, so it matched the domain's
    declared = tmp_path / "declared.xml"
    declared.write_bytes(text.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').encode("latin-1"))
    assert load(ALPHA, declared).points("declared", "destination")["malaga"] == 0.25


def test_doctype_and_entity_expansion_are_refused_before_expanding(tmp_path):
    entities = "".join(f'<!ENTITY lol{k} "{f"&lol{k - 1};" * 10}">' for k in range(1, 10))
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol0 "lol">{entities}]>\n<utility_space>&lol9;</utility_space>')
    start = time.perf_counter()
    message = error_text(DOMAIN, [ALPHA, bomb])
    assert time.perf_counter() - start < HANG_GUARD, "hang guard"
    assert "DOCTYPE" in message and str(bomb) in message and "line 2" in message
    external = tmp_path / "external.xml"
    external.write_text('<!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]><utility_space>&x;</utility_space>')
    assert "DOCTYPE" in error_text(DOMAIN, [ALPHA, external])


def test_bare_ampersands_and_undeclared_entities_are_kept_as_text_as_genius_does(tmp_path):
    """Genius's parser expands no entity: 'R&D' and '&x;' are read as written (a warning says so); nothing is expanded."""
    swaps = [('value="Lisbon"', 'value="R&D"'), ('value="Oslo"', 'value="Oslo &x;"')]
    domain = variant(tmp_path, DOMAIN, *swaps)
    profiles = [variant(tmp_path, p, *swaps) for p in (ALPHA, BETA)]
    scenario, said = warned(domain, profiles)
    assert "trip_domain.xml: has a bare '&'" in said and "keeps such text as written" in said
    assert [o.name for o in scenario.issue["destination"].options] == ["R&D", "Málaga", "Oslo &x;"]
    assert list(scenario.points("beta", "destination").values()) == list(load().points("beta", "destination").values())


def test_missing_files_and_swapped_roles(tmp_path):
    assert "no such file" in error_text(tmp_path / "nope.xml", [ALPHA])
    assert "no such file" in error_text(DOMAIN, [tmp_path / "nope.xml"])
    assert "this looks like a utility profile, not a domain" in error_text(ALPHA, [BETA])
    assert "this is a domain file, not a utility profile" in error_text(DOMAIN, [BETA, variant(tmp_path, DOMAIN, name="copy.xml")])
    assert "given twice" in error_text(DOMAIN, [ALPHA, ALPHA])
    assert "no profiles given" in error_text(DOMAIN, [])
    assert "folder" in error_text(tmp_path, [ALPHA])


def test_profile_with_an_unknown_value_names_it_and_suggests(tmp_path):
    wrong = variant(tmp_path, BETA, ('value="Oslo"', 'value="Olso"'))
    message = error_text(DOMAIN, [ALPHA, wrong])
    assert str(wrong) in message and "line 10" in message and "no evaluation for 'Oslo'" in message
    assert "it evaluates 'Olso', not a value of this issue in the domain (did you mean 'Oslo'?)" in message
    # with Oslo evaluated too, the stray value only warns (Genius counts its evaluation in the issue's largest)
    stray = variant(tmp_path, BETA, ('<item index="3" value="Oslo" evaluation="4"/>',
                                     '<item index="3" value="Oslo" evaluation="4"/><item value="Olso" evaluation="40"/>'), name="stray.xml")
    scenario, said = warned(DOMAIN, [ALPHA, stray])
    assert "stray.xml, line 13: <item value=\"Olso\"> of <issue name=\"Destination\">: 'Olso' is not a value" in said
    assert scenario.points("stray", "destination")["malaga"] == float(F("0.25") * 10 / 40)


def test_profile_with_a_missing_value_weight_or_issue(tmp_path):
    no_item = variant(tmp_path, BETA, ('<item index="3" value="Oslo" evaluation="4"/>', ""), name="no_item.xml")
    assert "no evaluation for 'Oslo'" in error_text(DOMAIN, [ALPHA, no_item])
    no_weight = variant(tmp_path, BETA, ('<weight index="3" value="0.25"/>', ""), name="no_weight.xml")
    assert "no <issue index=\"3\"> with a <weight index=\"3\"> beside it for 'Start shift (days)'" in error_text(DOMAIN, [ALPHA, no_weight])
    no_evaluation = variant(tmp_path, BETA, ('value="Oslo" evaluation="4"', 'value="Oslo"'), name="no_evaluation.xml")
    assert "no evaluation for 'Oslo'" in error_text(DOMAIN, [ALPHA, no_evaluation])
    null = variant(tmp_path, BETA, ('value="Oslo" evaluation="4"', 'value="Oslo" evaluation="null"'), name="null.xml")
    assert "no evaluation for 'Oslo'" in error_text(DOMAIN, [ALPHA, null])  # Genius skips evaluation="null"
    not_a_number = variant(tmp_path, BETA, ('<weight index="1" value="0.25"/>', '<weight index="1" value="a quarter"/>'), name="nan.xml")
    assert 'value="a quarter" is not a number' in error_text(DOMAIN, [ALPHA, not_a_number])


def test_profiles_are_matched_by_index_as_genius_does_names_and_bounds_that_differ_are_warned(tmp_path):
    renamed = variant(tmp_path, BETA, ('name="Destination"', 'name="Where to"'))
    scenario, said = warned(DOMAIN, [ALPHA, renamed])
    assert '<issue name="Where to">: index 1 is the issue \'Destination\'' in said and "ignores the name" in said
    assert scenario.points("beta", "destination") == load().points("beta", "destination")
    # Genius takes the values from the domain (1..5) and measures them from the profile's own lower bound (0)
    bounds = variant(tmp_path, BETA, ('lowerbound="1" upperbound="5"', 'lowerbound="0" upperbound="5"'), name="beta.xml")
    scenario, said = warned(DOMAIN, [ALPHA, bounds])
    assert "bounds [0, 5] here but [1, 5] in the domain" in said
    assert scenario.points("beta", "budget_level") == {str(x): float(F("0.25") * min(max(F("-0.25") * x + F("1.1"), F(0)), F(1)))
                                                       for x in range(1, 6)}
    kind = variant(tmp_path, BETA, ('name="Destination" type="discrete" etype="discrete" vtype="discrete"',
                                    'name="Destination" type="integer" etype="integer" vtype="integer" lowerbound="1" upperbound="3"'), name="kind.xml")
    assert "is integer here but discrete in the domain" in error_text(DOMAIN, [ALPHA, kind])


def test_repeats_are_read_as_genius_reads_them(tmp_path):
    """A value listed twice stays two values; issue names may repeat; the last of a repeated evaluation or weight
    wins; a repeated index in the domain is an error (Genius cannot compute the second issue's utility)."""
    value = variant(tmp_path, DOMAIN, ('<item index="3" value="Oslo"', '<item index="3" value="Lisbon"'), name="trip_domain.xml")
    alpha = variant(tmp_path, ALPHA, ('value="Oslo"', 'value="Lisbon"'))
    beta = variant(tmp_path, BETA, ('<item index="3" value="Oslo" evaluation="4"/>', ''))
    scenario, said = warned(value, [alpha, beta])
    assert '<item value="Lisbon"> of <issue name="Destination">: this value is listed twice' in said
    assert scenario.issue["destination"].option_ids == ["lisbon", "malaga", "lisbon_2"]
    points = scenario.points("beta", "destination")
    assert points["lisbon"] == points["lisbon_2"] == float(F("0.25") * 1 / 10)
    (tmp_path / "b").mkdir()
    issue = variant(tmp_path / "b", DOMAIN, ('name="Budget level"', 'name="Destination"'))
    profiles = [variant(tmp_path / "b", p, ('name="Budget level"', 'name="Destination"')) for p in (ALPHA, BETA)]
    scenario, _ = warned(issue, profiles)
    assert [i.id for i in scenario.issues] == ["destination", "hotel_room", "start_shift_days", "destination_2"]
    index = variant(tmp_path, DOMAIN, ('index="4" name="Budget level"', 'index="3" name="Budget level"'), name="dup_index.xml")
    assert 'index="3" is already used' in error_text(index, [ALPHA, BETA])
    twice = variant(tmp_path, BETA, ('<item index="3" value="Oslo" evaluation="4"/>',
                                     '<item index="3" value="Oslo" evaluation="4"/><item value="Oslo" evaluation="5"/>'), name="twice.xml")
    scenario, said = warned(DOMAIN, [ALPHA, twice])
    assert "evaluated twice; Genius keeps the last" in said
    assert scenario.points("twice", "destination")["oslo"] == float(F("0.25") * 5 / 10)
    weight = variant(tmp_path, BETA, ('<weight index="1" value="0.25"/>', '<weight index="1" value="0.25"/><weight index="1" value="0.5"/>'),
                     name="weight.xml")
    scenario, said = warned(DOMAIN, [ALPHA, weight])
    assert "a second weight for this index here; Genius keeps the last" in said
    assert scenario.points("weight", "destination")["malaga"] == 0.5


def test_absurd_integer_range_is_refused(tmp_path):
    domain = variant(tmp_path, DOMAIN, ('lowerbound="1" upperbound="5"', 'lowerbound="0" upperbound="2147483647"'))
    assert "narrow the range" in error_text(domain, [ALPHA, BETA])


# --------------------------------------------------------------------------- the solver against brute force


@pytest.mark.parametrize("criterion", ["maxmin", "utilitarian", "kalai"])
def test_best_matches_the_oracle(criterion):
    scenario = load()
    enumeration = enumerate_packages(scenario)
    assert enumeration.denominator == 10**18  # the 17-digit decimals, exactly
    package = BargainingSpace(scenario).best(criterion)
    assert tuple(package.exact_utilities[p] for p in scenario.party_ids) in enumeration.best(criterion, scenario.party_ids)


def test_nash_matches_the_oracle_on_17_digit_points():
    """HiGHS alone got this wrong (coefficients near 1e18); best() now reads it off the exact frontier."""
    scenario = load()
    package = BargainingSpace(scenario).best("nash")
    assert tuple(package.exact_utilities[p] for p in scenario.party_ids) in enumerate_packages(scenario).best("nash", scenario.party_ids)


def test_frontier_matches_the_oracle():
    scenario = load()
    frame = BargainingSpace(scenario).frontier(progress=False).to_frame()
    issues = [i.id for i in scenario.issues]
    truth = enumerate_packages(scenario)
    got = [truth.vector({i: row[i] for i in issues}) for _, row in frame.iterrows()]
    assert len(got) == len(set(got)) and set(got) == truth.frontier()


# --------------------------------------------------------------------------- NegMAS


def test_to_negmas_gives_the_same_utilities_on_every_outcome():
    import negmas  # noqa: F401  (in the test extra: a missing NegMAS fails here, it is not skipped)
    scenario = load()
    exported = scenario.to_negmas()
    assert [u.name for u in exported.ufuns] == scenario.party_ids
    assert [u.reserved_value for u in exported.ufuns] == [0.35, 0.0]
    assert [i.name for i in exported.outcome_space.issues] == [i.id for i in scenario.issues]
    count = 0
    for choices, _ in outcomes(scenario):
        outcome = tuple(choices[i.id] for i in scenario.issues)
        for party, ufun in zip(scenario.party_ids, exported.ufuns):
            # NegMAS sums floats: equal to the exact utility within 1e-15 (4 points of at most 1)
            assert abs(F(ufun(outcome)) - scenario.exact_utility(party, choices)) <= F(1, 10**15)
        count += 1
    assert count == len(list(exported.outcome_space.enumerate())) == 360


def test_to_negmas_pareto_frontier_matches_the_oracle_here():
    import negmas  # noqa: F401  (in the test extra: a missing NegMAS fails here, it is not skipped)
    from negmas.preferences.ops import pareto_frontier

    scenario = load()
    exported = scenario.to_negmas()
    _, indices = pareto_frontier(list(exported.ufuns), issues=exported.outcome_space.issues)
    outcomes_list = list(exported.outcome_space.enumerate())
    truth = enumerate_packages(scenario)
    vectors = {truth.vector(dict(zip([i.id for i in scenario.issues], outcomes_list[k]))) for k in indices}
    assert vectors == truth.frontier()


def _with(extra: dict) -> Scenario:
    data = load().to_dict()
    data.update(extra)
    return Scenario.from_dict(data)


def test_to_negmas_refuses_interactions_and_red_lines_unless_dropped():
    import negmas  # noqa: F401  (in the test extra: a missing NegMAS fails here, it is not skipped)

    from bargaining.scenario.negmas import NegmasExportWarning, to_negmas

    scenario = _with({"interactions": [{"party": "beta", "when": {"destination": "oslo", "hotel_room": "sea_view"}, "value": 0.1}],
                      "red_lines": [{"party": "alpha_party", "forbid": {"destination": "malaga"}}]})
    with pytest.raises(ScenarioError) as caught:
        to_negmas(scenario)
    message = str(caught.value)
    assert "interactions[0]" in message and "red_lines[0]" in message and "drop_unsupported=True" in message
    with pytest.warns(NegmasExportWarning, match=r"interactions\[0\].*red_lines\[0\]: a red line \(alpha-party forbids Destination: Málaga\)"):
        exported = scenario.to_negmas(drop_unsupported=True)
    assert len(exported.ufuns) == 2


def test_to_negmas_refuses_continuous_issues():
    import negmas  # noqa: F401  (in the test extra: a missing NegMAS fails here, it is not skipped)
    data = load().to_dict()
    data["issues"].append({"id": "fund", "range": [0, 10]})
    with pytest.raises(ScenarioError, match="'fund' is a continuous issue"):
        Scenario.from_dict(data).to_negmas(drop_unsupported=True)


def test_to_negmas_without_negmas_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "negmas", None)
    with pytest.raises(ImportError, match=r"pip install 'bargaining\[negmas\]'"):
        load().to_negmas()


# --------------------------------------------------------------------------- the command


def test_cli_import_writes_a_file_check_accepts(tmp_path, capsys):
    out = tmp_path / "trip.yaml"
    assert main(["import-genius", str(DOMAIN), str(ALPHA), str(BETA), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "warning: " in err and "discount factor 0.9 ignored" in err and "wrote" in err
    assert Scenario.from_yaml(out) == load()
    assert main(["check", str(out)]) == 0
    assert "valid scenario" in capsys.readouterr().out
    json_out = tmp_path / "trip.json"
    assert main(["import-genius", str(DOMAIN), str(ALPHA), str(BETA), "-o", str(json_out), "--reservation", "beta=0.5", "--name", "Trip"]) == 0
    again = Scenario.from_file(json_out)
    assert again.name == "Trip" and again.party["beta"].reservation == 0.5


@pytest.mark.parametrize("argv", [
    ["import-genius", "missing.xml", str(ALPHA), "-o", "OUT"],
    ["import-genius", str(DOMAIN), str(ALPHA), "-o", str(ALPHA)],
    ["import-genius", str(DOMAIN), str(ALPHA), "-o", "no/such/folder/out.yaml"],
    ["import-genius", str(DOMAIN), str(ALPHA), "-o", "OUT", "--reservation", "beta"],
    ["import-genius", str(DOMAIN), str(ALPHA), "-o", "OUT", "--reservation", "nobody=1"],
    ["import-genius", str(BETA), str(ALPHA), "-o", "OUT"],
])
def test_cli_import_errors_exit_2_without_traceback(argv, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = ALPHA.read_bytes()
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err
    assert ALPHA.read_bytes() == before
    assert not (tmp_path / "OUT").exists()


def test_cli_over_one_error_exits_2(tmp_path, capsys):
    heavy = variant(tmp_path, BETA, ('<weight index="1" value="0.25"/>', '<weight index="1" value="0.5"/>'))
    out = tmp_path / "out.yaml"
    assert main(["import-genius", str(DOMAIN), str(ALPHA), str(heavy), "-o", str(out), "--over-one", "error"]) == 2
    assert "Genius caps every total at 1" in capsys.readouterr().err and not out.exists()
    assert main(["import-genius", str(DOMAIN), str(ALPHA), str(heavy), "-o", str(out)]) == 0
    assert "warning: " in capsys.readouterr().err and out.exists()
    assert yaml.safe_load(out.read_text())["format"] == 1
