"""Each layer against the brute-force oracle on its own, so that one layer cannot hide another's bug.

* the exact evaluator (``Scenario.utility``, ``red_line_holds``, ``party_accepts``, ``signers``) on
  every package of small scenarios, with waivers and coalitions;
* the mixed-integer model *without* the exact re-check: every combination of options the model
  admits (enumerated with the solver directly, each one cut off in turn) is exactly the oracle's
  acceptable set, also with requirements waived and with a coalition imposed.

The oracle (tests/oracle.py) reads the raw dicts in numpy; the per-red-line check here reads the
raw dicts too.  Each test also records which features its examples exercised and asserts, after
the run, that every red-line kind, soft line and control rule was met.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import assume, event, given, settings
from hypothesis import strategies as st
from oracle import enumerate_packages
from strategies import scenarios

from bargaining.engine.search import Search


def raw_holds(condition: dict, choices: dict) -> bool:
    return all(choices[i] in ([w] if isinstance(w, str) else w) for i, w in condition.items())


def raw_line_holds(line: dict, choices: dict) -> bool:
    if "forbid" in line:
        return not raw_holds(line["forbid"], choices)
    if "require" in line:
        return raw_holds(line["require"], choices)
    return not raw_holds(line["if"], choices) or raw_holds(line["then"], choices)


def features(scenario) -> set[str]:
    """What a scenario exercises: red-line kinds, soft lines, control rules, optional parties."""
    raw = scenario.to_dict()
    found = set()
    for line in raw.get("red_lines", []):
        found.add("forbid" if "forbid" in line else "require" if "require" in line else "if")
        if "price" in line:
            found.add("soft" if "real" not in line else "priced hard")
    for issue in raw["issues"]:
        rule = issue.get("controlled_by")
        if rule is not None:
            found.add("controlled any" if isinstance(rule, list) else "controlled all" if "all" in rule else "controlled at_least")
    if any(not p.get("veto", True) for p in raw["parties"]):
        found.add("optional party")
    if raw.get("interactions"):
        found.add("interaction")
    return found


EVERY_FEATURE = {"forbid", "require", "if", "soft", "priced hard", "controlled any", "controlled all", "controlled at_least",
                 "optional party", "interaction"}


def draw_waivers(data, scenario) -> frozenset:
    ids = [("reservation", p) for p in scenario.party_ids] + [("red_line", k) for k in range(len(scenario.red_lines))]
    return frozenset(data.draw(st.lists(st.sampled_from(ids), unique=True, max_size=3), label="waived"))


def draw_coalition(data, scenario) -> frozenset | None:
    optional = [p for p in scenario.party_ids if not scenario.party[p].veto]
    if not data.draw(st.booleans(), label="with a coalition"):
        return None
    return frozenset(scenario.veto_party_ids) | frozenset(data.draw(st.lists(st.sampled_from(optional), unique=True), label="joining")
                                                          if optional else [])


# --------------------------------------------------------------------------- the exact evaluator


def test_exact_evaluator_matches_the_oracle_on_every_package():
    seen: Counter = Counter()

    @settings(max_examples=60)  # (also under the mutation profile: every feature must come up)
    @given(scenarios(max_issues=4, max_options=3, optional_parties=True, controlled=True), st.data())
    def check(scenario, data):
        raw = scenario.to_dict()
        waived = draw_waivers(data, scenario)
        coalition = draw_coalition(data, scenario)
        truth = enumerate_packages(scenario)
        relaxed = enumerate_packages(scenario, coalition=coalition, waived=waived)
        for k in range(len(truth.acceptable)):
            choices = truth.choices(k)
            for p in scenario.party_ids:
                assert scenario.exact_utility(p, choices) == truth.utilities(k)[p], (p, choices)
            for line, red_line in zip(raw.get("red_lines", []), scenario.red_lines):
                assert scenario.red_line_holds(red_line, choices) == raw_line_holds(line, choices), (line, choices)
            assert scenario.signers(choices) == truth.signers(k), choices
            assert scenario.is_acceptable(choices) == bool(truth.acceptable[k])
            assert scenario.signers(choices, waived, coalition) == relaxed.signers(k), (choices, waived, coalition)
            if coalition is None:
                for j, p in enumerate(scenario.party_ids):
                    assert scenario.party_accepts(p, choices, waived) == bool(relaxed.taking_part[k, j]), (p, choices, waived)
        found = features(scenario)
        seen.update(found)
        seen["acceptable packages"] += int(truth.acceptable.sum())
        seen["unacceptable packages"] += int((~truth.acceptable).sum())
        seen["waived"] += bool(waived)
        seen["coalition"] += coalition is not None
        for name in sorted(found):
            event(name)

    check()
    assert EVERY_FEATURE <= set(seen), EVERY_FEATURE - set(seen)
    assert min(seen[k] for k in ("acceptable packages", "unacceptable packages", "waived", "coalition")) > 0, seen


# --------------------------------------------------------------------------- the model, without the exact re-check


def model_admits(search: Search) -> set[tuple]:
    """Every combination of options the model admits as it stands: solve, read the choices (no exact
    check), cut them off, until the model is infeasible."""
    issues = [i.id for i in search.scenario.issues]
    found: set[tuple] = set()
    with search.changes() as edit:
        search.m.objective.set_value(0)  # any feasible point will do
        while True:
            outcome = search.solver.solve()
            assert outcome.status in ("optimal", "infeasible"), outcome
            if not outcome.has_solution:
                return found
            choices = search.read_choices()
            key = tuple(choices[i] for i in issues)
            assert key not in found, "a combination already cut off came back"
            found.add(key)
            edit.cut_off(choices)


def test_the_model_admits_exactly_the_acceptable_packages():
    seen: Counter = Counter()

    @settings(max_examples=60)  # (also under the mutation profile: every feature must come up)
    @given(scenarios(max_issues=4, max_options=3, optional_parties=True, controlled=True), st.data())
    def check(scenario, data):
        search = Search.of(scenario)
        truth = enumerate_packages(scenario)
        assert model_admits(search) == truth.acceptable_set()
        waived = draw_waivers(data, scenario)
        coalition = draw_coalition(data, scenario)
        with search.changes() as edit:
            edit.waive([r for r in search.requirements if r.waiver in waived])
            edit.impose(coalition)
            relaxed = enumerate_packages(scenario, coalition=coalition, waived=waived)
            assert model_admits(search) == relaxed.acceptable_set(), (waived, coalition)
        # the edits are undone: the model is back as written
        assert model_admits(search) == truth.acceptable_set()
        seen.update(features(scenario))
        seen["open"] += bool(truth.acceptable.any())
        seen["closed"] += not truth.acceptable.any()
        seen["relaxing opens more"] += len(relaxed.acceptable_set()) > len(truth.acceptable_set())

    check()
    assert EVERY_FEATURE <= set(seen), EVERY_FEATURE - set(seen)
    assert seen["open"] and seen["closed"] and seen["relaxing opens more"], seen


# --------------------------------------------------------------------------- a coalition imposed, then lifted


def test_a_coalition_is_imposed_and_lifted():
    """best() with a coalition: its package is the oracle's for that coalition and exactly the members sign;
    afterwards (the edit undone) best() without one signs as the oracle says again."""
    from bargaining import BargainingSpace

    seen: Counter = Counter()

    @given(scenarios(max_parties=4, optional_parties=True, shape="open"), st.data())
    def check(scenario, data):
        optional = [p for p in scenario.party_ids if not scenario.party[p].veto]
        assume(optional)
        joining = data.draw(st.lists(st.sampled_from(optional), unique=True, min_size=1), label="joining")
        coalition = frozenset(scenario.veto_party_ids) | frozenset(joining)
        members = [p for p in scenario.party_ids if p in coalition]
        space = BargainingSpace(scenario)
        for coalition_first in (True, False):
            if coalition_first:
                truth = enumerate_packages(scenario, coalition=coalition)
                package = space.best("maxmin", coalition=members)
                expected = truth.best("maxmin", members)
                assert (package is None) == (expected is None)
                if package is not None:
                    assert package.vector(scenario.party_ids) in expected and list(package.signers) == members
                    seen["coalition package"] += 1
            else:
                truth = enumerate_packages(scenario)
                package = space.best("maxmin")
                k = next(k for k in range(len(truth.acceptable)) if truth.choices(k) == package.choices)
                assert list(package.signers) == truth.signers(k)
                seen["signers differ from the coalition"] += list(package.signers) != members

    check()
    assert seen["coalition package"] >= 3 and seen["signers differ from the coalition"] >= 1, seen
