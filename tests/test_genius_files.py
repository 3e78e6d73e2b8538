"""Genius files shaped like the real ones: what Genius reads is read, what it ignores is ignored.

The fixtures (tests/fixtures/genius/festival_*.xml) were written for these tests in the shapes
of the public Genius distribution's templates folder and of ANAC's domains: a domain whose
``<negotiation_template>`` holds ``<agent>`` entries before the utility space, a nested
objective, an issue typed only by ``vtype``, a ``<similarity_function>``; an UNCERTAIN
profile with its elicitation settings; a profile whose XML declaration follows a comment,
with numbers in Java's spellings.  The expected points are Genius's formula applied by hand
to the numbers in the files (``genius`` below), independently of the importer.
"""

from __future__ import annotations

import warnings
from fractions import Fraction as F
from pathlib import Path

import pytest

from bargaining import Scenario, ScenarioError
from bargaining.scenario.genius import GeniusWarning

FIXTURES = Path(__file__).parent / "fixtures" / "genius"
DOMAIN = FIXTURES / "festival_domain.xml"
FIRST = FIXTURES / "festival_first.xml"
SECOND = FIXTURES / "festival_second.xml"

#: The numbers as written in the profiles: weights, discrete evaluations, (slope, offset) from the lower bound 2.
HAND = {
    "festival_first": {"Day": (F("0.5"), {"Friday": F(1), "Saturday": F(4), "Sunday": F("3.5")}),
                       "Stalls": (F("0.2"), (F("0.25"), F("0.25"))),
                       "Venue": (F("0.3"), {"Park": F(2), "Hall & Garden": F(5)})},
    "festival_second": {"Day": (F("0.5"), {"Friday": F(10), "Saturday": F(2), "Sunday": F(6)}),
                        "Stalls": (F("0.25"), (F("-0.3"), F("1.1"))),
                        "Venue": (F("0.25"), {"Park": F(1), "Hall & Garden": F(0)})},
}


def genius(party: str, issue: str, value: str) -> F:
    """``AdditiveUtilitySpace``: weight x evaluation / largest, or weight x clip(slope x (x - 2) + offset, 0, 1)."""
    weight, table = HAND[party][issue]
    if isinstance(table, dict):
        return weight * table[value] / max(table.values())
    slope, offset = table
    return weight * min(max(slope * (int(value) - 2) + offset, F(0)), F(1))


def read(*profiles: Path, domain: Path = DOMAIN) -> tuple[Scenario, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", GeniusWarning)
        scenario = Scenario.from_genius(domain, list(profiles) or [FIRST, SECOND])
    return scenario, [str(w.message) for w in caught if issubclass(w.category, GeniusWarning)]


def test_template_shaped_files_are_read_with_geniuss_semantics():
    scenario, said = read()
    # Genius's order: the nested objective's issues first, then the top level's
    assert [i.name for i in scenario.issues] == ["Venue", "Day", "Stalls"]
    assert [o.name for o in scenario.issue["venue"].options] == ["Park", "Hall & Garden"]
    assert scenario.issue["stalls"].option_ids == ["2", "3", "4", "5"]
    for party in HAND:
        for issue in scenario.issues:
            for option in issue.options:
                assert scenario.points(party, issue.id)[option.id] == float(genius(party, issue.name, option.name)), (party, option.name)
    assert scenario.party["festival_first"].reservation == 0.2
    assert scenario.party["festival_second"].reservation == 0.0
    assert "UNCERTAIN profile" in scenario.description
    # the one thing worth a warning: the declaration Genius skips; nothing about agents, costs, similarity functions
    assert len(said) == 1 and "festival_second.xml: its <?xml ...?> declaration is not at the start" in said[0]


def test_each_template_shape_alone(tmp_path):
    """One structure at a time, on the small trip fixtures (each was refused before): the points are those of the
    plain files."""
    trip = (FIXTURES / "trip_domain.xml").read_text(encoding="utf-8")
    beta = (FIXTURES / "beta.xml").read_text(encoding="utf-8")
    alpha = FIXTURES / "alpha-party.xml"
    plain = read(alpha, FIXTURES / "beta.xml", domain=FIXTURES / "trip_domain.xml")[0].to_dict()["utilities"]

    def written(name: str, text: str, old: str, new: str) -> Path:
        assert old in text
        path = tmp_path / name
        path.write_text(text.replace(old, new), encoding="utf-8")
        return path

    shapes = {
        "agents before the utility space": (written("trip_domain.xml", trip, "<negotiation_template>", (
            '<negotiation_template number_of_sessions="1">\n<agent utility_space="a.xml" name="A" class="x.A">\n</agent>\n'
            '<agent utility_space="b.xml" name="B" class="x.B"/>')), FIXTURES / "beta.xml"),
        "a similarity function": (written("trip_domain.xml", trip, '<item index="3" value="Oslo" cost="0" description="Oslo"/>',
                                          '<item index="3" value="Oslo"/>\n<similarity_function type="binary" weight="0.3"/>'),
                                  FIXTURES / "beta.xml"),
        "an uncertain profile": (FIXTURES / "trip_domain.xml", written("beta.xml", beta.replace("<utility_space>", '<utility_space type="UNCERTAIN">'),
                                 "</utility_space>", "<comparisons>\n10\n</comparisons>\n<errors>0</errors>\n<experimental>false</experimental>\n</utility_space>")),
        "a declaration after a comment": (FIXTURES / "trip_domain.xml", written("beta.xml", beta, "<?xml", "<!-- a comment -->\n<?xml")),
    }
    for shape, (domain, profile) in shapes.items():
        assert read(alpha, profile, domain=domain)[0].to_dict()["utilities"] == plain, shape


def test_weights_must_stand_beside_their_issues_as_in_genius(tmp_path):
    """Genius gives a weight only to an issue under the same parent; a profile whose weights sit elsewhere has no
    evaluator for those issues, and Genius cannot compute a utility: an error that says where weights belong."""
    text = SECOND.read_text(encoding="utf-8")
    moved = tmp_path / "moved.xml"
    moved.write_text(text.replace('      <weight index="3" value=".25"/>\n', "").replace(
        '<weight index="1" value="0x1p-1"/>', '<weight index="1" value="0x1p-1"/><weight index="3" value=".25"/>'), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught, warnings.catch_warnings():
        warnings.simplefilter("ignore", GeniusWarning)
        Scenario.from_genius(DOMAIN, [FIRST, moved])
    message = str(caught.value)
    assert "moved.xml" in message and "for 'Venue'" in message and "a weight counts only under the same parent as its issue" in message


def test_issue_without_type_is_discrete_as_in_genius(tmp_path):
    """Genius reads an issue with no type attribute as discrete, whatever vtype says: an integer issue typed only by
    vtype has no values there, and the error says how to type it."""
    text = DOMAIN.read_text(encoding="utf-8").replace('vtype="integer" type="integer" etype="integer" lowerbound', 'vtype="integer" lowerbound')
    untyped = tmp_path / "untyped.xml"
    untyped.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught, warnings.catch_warnings():
        warnings.simplefilter("ignore", GeniusWarning)
        Scenario.from_genius(untyped, [FIRST, SECOND])
    assert 'add type="integer" for an integer issue' in str(caught.value) and "line 26" in str(caught.value)


def test_unreadable_reservation_and_discount_are_ignored_as_genius_does(tmp_path):
    text = FIRST.read_text(encoding="utf-8").replace('<reservation value="0.2" />', '<reservation value="high" />').replace(
        '<discount_factor value="1.0">', '<discount_factor value="1.5">')
    odd = tmp_path / "odd.xml"
    odd.write_text(text, encoding="utf-8")
    scenario, said = read(odd, SECOND)
    assert scenario.party["odd"].reservation == 0.0
    assert any('odd.xml, line 4: <reservation>: value="high" is not a number Genius reads' in s and "uses no reservation value (0)" in s for s in said)
    assert any('<discount_factor>: value="1.5" is not in (0, 1]; Genius discards it' in s for s in said)
