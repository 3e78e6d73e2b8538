"""The vectorised re-check of the programme's packages (bargaining.algorithms.recheck) is Scenario.signers and
Scenario.exact_utility, package by package, on random scenarios with every feature the programme reads."""

from __future__ import annotations

from fractions import Fraction
from itertools import product

import numpy as np
import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st
from strategies_dp import dp_scenarios, requests

from bargaining.algorithms.programme import frontier as dp_frontier
from bargaining.algorithms.recheck import acceptable, recheck_programme
from bargaining.errors import AnswersDisagree


@settings(max_examples=40)
@given(dp_scenarios(max_parties=4, max_issues=4, max_options=3), st.data())
def test_vectorised_acceptance_is_scenario_signers(scenario, data):
    note(scenario.to_yaml())
    request = data.draw(requests(scenario, fixed=False))
    index = np.array(list(product(*(range(len(i.option_ids)) for i in scenario.issues))), dtype=np.int64)
    ok, scaled, denominators = acceptable(scenario, index, request["waived"], request["coalition"])
    for row, good, utilities in zip(index.tolist(), ok.tolist(), scaled.tolist()):
        choices = {i.id: i.option_ids[j] for i, j in zip(scenario.issues, row)}
        assert good == (scenario.signers(choices, request["waived"], request["coalition"]) is not None)
        assert [Fraction(int(u), d) for u, d in zip(utilities, denominators)] == \
            [scenario.exact_utility(p, choices) for p in scenario.party_ids]


@settings(max_examples=20)
@given(dp_scenarios(max_parties=4, max_issues=4, max_options=3), st.data())
def test_the_recheck_refuses_an_unacceptable_package_or_a_wrong_utility(scenario, data):
    note(scenario.to_yaml())
    request = data.draw(requests(scenario, fixed=False))
    found = dp_frontier(scenario, waived=request["waived"], coalition=request["coalition"])
    recheck_programme(scenario, found.issues, found.index, found.scaled, found.denominators, request["waived"], request["coalition"])
    if len(found):
        wrong = np.array(found.scaled, dtype=object)
        wrong[0, 0] += 1
        with pytest.raises(AnswersDisagree, match="utilities differ.* the programme says .*, the scenario "):
            recheck_programme(scenario, found.issues, found.index, wrong, found.denominators, request["waived"], request["coalition"])
    index = np.array(list(product(*(range(len(i.option_ids)) for i in scenario.issues))), dtype=np.int64)
    ok, scaled, denominators = acceptable(scenario, index, request["waived"], request["coalition"])
    if not ok.all():
        bad = index[~ok][:1]
        issues = [i.id for i in scenario.issues]
        with pytest.raises(AnswersDisagree, match="unacceptable package"):
            recheck_programme(scenario, issues, bad, scaled[~ok][:1], denominators, request["waived"], request["coalition"])
