"""The public surface of BargainingSpace: every public method returns a result object with the same provenance
fields, a table, a one-line text and notebook HTML; options are keyword-only; one time-limit convention; old
names keep working for one release with a DeprecationWarning; ``bargaining.__all__`` exports every type a
public method returns."""

from __future__ import annotations

import inspect
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

import bargaining
from bargaining import BargainingSpace, Scenario
from bargaining.results.envelope import Result

DATA = Path(__file__).resolve().parents[1] / "data"
LOGROLL = {"price": "split", "delivery": "split", "warranty": "split"}
#: Methods that are not analyses but blocks (context managers): one time limit over every call inside (deadline),
#: every call inside answering for a variant (what_if).  Each call inside returns its own result object (tested below).
NOT_ANALYSES = {"deadline", "what_if", "deal_alongside"}
EXCHANGE = {"ceasefire": "holds", "withdrawal": "withdrawn", "relief": "suspended"}


@pytest.fixture(scope="module")
def spaces() -> dict[str, BargainingSpace]:
    found = {name: BargainingSpace(Scenario.from_yaml(DATA / f"{name}.yaml"), progress=False)
             for name in ("logrolling", "empty_space", "europe_russia_ukraine", "phased_exchange")}
    data = found["europe_russia_ukraine"].scenario.to_dict()
    data["red_lines"] = [r for r in data["red_lines"] if r.get("id") != "ru_donbas_admin"]  # opens it: coalitions to find
    found["no_admin"] = BargainingSpace(Scenario.from_dict(data), progress=False)
    return found


def calls(spaces) -> dict[str, tuple[BargainingSpace, dict]]:
    """One call of every public method, on a space where it has something to say."""
    lr, closed, seed = spaces["logrolling"], spaces["empty_space"], spaces["europe_russia_ukraine"]
    few = dict(samples=20, seed=0)
    return {
        "best": (lr, dict(criterion="nash")), "acceptable": (lr, {}), "frontier": (lr, {}),
        "diagnose": (closed, {}), "relaxations": (closed, {}), "opened": (closed, dict(frontier=True)),
        "coalitions": (spaces["no_admin"], dict(limit=2)), "leverage": (seed, dict(issue="sanctions")), "phased": (lr, dict(phases=2)),
        "evaluate": (lr, dict(choices=LOGROLL)), "worlds": (lr, few),
        "deal_probability": (lr, dict(**few, scheduler="serial")), "most_robust": (lr, few),
        "robustness": (lr, few), "value_of_information": (lr, dict(**few, scheduler="serial")),
        "numeric_doubt": (lr, {}),
        "self_enforcing": (spaces["phased_exchange"], dict(criterion="maxmin", phases=2)),
        "stability": (spaces["phased_exchange"], dict(package=EXCHANGE)),
        "break_even": (lr, dict(progress=False)),
        "sensitivity": (lr, dict(progress=False)),
    }


def public_methods() -> list[str]:
    """Every public method, wherever in the class it is written (the class is one facade written by concept:
    its bases in bargaining/space/ hold the holding and the uncertainty questions and the plumbing)."""
    found: dict[str, object] = {}
    for klass in reversed(BargainingSpace.__mro__[:-1]):
        found.update(vars(klass))
    return sorted(name for name, value in found.items()
                  if not name.startswith("_") and callable(value) and not isinstance(value, (property, staticmethod, classmethod))
                  and not getattr(value, "__deprecated__", False) and name not in NOT_ANALYSES)


def test_every_public_method_is_walked(spaces):
    assert set(public_methods()) == set(calls(spaces)), "a public method without a call in calls(): add it"


def test_every_public_method_returns_a_result_with_provenance_a_table_and_html(spaces):
    for name, (space, arguments) in calls(spaces).items():
        answer = getattr(space, name)(**arguments)
        if name == "numeric_doubt":
            assert answer is None  # the logrolling numbers can be trusted; a doubt is checked below
            continue
        assert isinstance(answer, Result), name
        assert type(answer).__name__ in bargaining.__all__, f"{name} returns {type(answer).__name__}, not exported"
        provenance = answer.provenance()
        assert set(provenance) == {"complete", "exact", "method", "reason", "seconds"}, name
        assert isinstance(answer.complete, bool) and isinstance(answer.exact, bool), name
        assert answer.method and re.fullmatch(r"[a-z]+(\+[a-z]+)*", answer.method), (name, answer.method)
        assert answer.seconds > 0, name
        frame = answer.to_frame()
        assert isinstance(frame, pd.DataFrame), name
        text = repr(answer)
        assert text.startswith("<") and text.endswith(">") and "Fraction(" not in text, (name, text[:100])
        html = answer._repr_html_()
        assert "<table" in html or "<p>" in html or "<pre>" in html, name
        assert "Fraction(" not in html, name


def test_a_numeric_doubt_is_a_result(spaces):
    data = Scenario.from_yaml(DATA / "logrolling.yaml").to_dict()
    data["utilities"]["seller"]["price"]["to_seller"] = 5e8 + 1e-6
    doubt = BargainingSpace(Scenario.from_dict(data)).numeric_doubt()
    assert isinstance(doubt, Result) and type(doubt).__name__ in bargaining.__all__
    assert "seller" in str(doubt) and doubt.parties == ("seller",) and not doubt.exact


def test_every_type_a_public_method_returns_is_exported():
    hints = {name: inspect.signature(getattr(BargainingSpace, name)).return_annotation for name in public_methods()}
    for name, annotation in hints.items():
        for word in set(re.findall(r"[A-Z]\w+", str(annotation))) - {"None"}:
            assert word in bargaining.__all__, f"{name} returns {word}, which bargaining does not export"
            assert getattr(bargaining, word) is not None


def test_engine_types_are_not_public():
    assert "Doubt" not in bargaining.__all__ and "Search" not in bargaining.__all__
    space = BargainingSpace(Scenario.from_yaml(DATA / "logrolling.yaml"))
    assert "search" not in vars(space)
    with pytest.warns(DeprecationWarning, match="not part of the public API"):
        space.search  # noqa: B018


def test_options_after_the_first_argument_are_keyword_only():
    for name in public_methods():
        parameters = list(inspect.signature(getattr(BargainingSpace, name)).parameters.values())[1:]
        positional = [p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        assert len(positional) <= 1, f"{name}: only the first argument may be positional, not {positional}"
    constructor = list(inspect.signature(BargainingSpace.__init__).parameters.values())[2:]
    assert all(p.kind is p.KEYWORD_ONLY for p in constructor)


def test_the_criterion_comes_first():
    for name in public_methods():
        parameters = list(inspect.signature(getattr(BargainingSpace, name)).parameters)[1:]
        if "criterion" in parameters:
            assert parameters[0] == "criterion", name


def test_one_spelling_and_a_time_limit_on_every_search():
    searching = {"best", "acceptable", "frontier", "diagnose", "relaxations", "opened", "coalitions", "leverage", "phased",
                 "most_robust", "robustness", "self_enforcing", "stability", "break_even", "sensitivity"}
    for name in public_methods():
        parameters = inspect.signature(getattr(BargainingSpace, name)).parameters
        assert "frontiers" not in parameters and "frontier_seconds" not in parameters, name
        if name in searching:
            assert parameters["time_limit"].default is None and parameters["time_limit"].kind is inspect.Parameter.KEYWORD_ONLY, name


def test_diagnose_and_relaxations_look_for_the_same_relaxations(spaces):
    diagnose = inspect.signature(BargainingSpace.diagnose).parameters
    relaxations = inspect.signature(BargainingSpace.relaxations).parameters
    assert diagnose["max_size"].default == relaxations["max_size"].default
    assert diagnose["limit"].default == relaxations["limit"].default
    closed = spaces["empty_space"]
    assert [list(d.requirements) for d in closed.relaxations().drops] == closed.diagnose().relaxations


def test_the_old_names_still_work_with_a_deprecation_warning(spaces):
    lr, closed = spaces["logrolling"], spaces["empty_space"]
    with pytest.warns(DeprecationWarning, match="frontier"):
        old = lr.pareto_frontier()
    assert len(old) == len(lr.frontier())
    willing = spaces["no_admin"]
    with pytest.warns(DeprecationWarning, match="coalitions"):
        assert willing.minimal_coalitions(limit=1)[0].members == willing.coalitions(limit=1)[0].members
    with pytest.warns(DeprecationWarning, match="frontier="):
        assert closed.opened(frontiers=True)[0].frontier is not None
    with pytest.warns(DeprecationWarning, match="keyword"):
        assert len(lr.acceptable(2)) == 2
    with pytest.warns(DeprecationWarning, match="criterion first"):
        assert lr.phased(2, "nash").phases == 2
    with pytest.warns(DeprecationWarning, match="frontier_seconds"):
        lr.robustness(samples=10, frontier_seconds=0)
    with pytest.warns(DeprecationWarning, match="to_frame"):  # a table's names on the object that replaced it
        assert list(lr.frontier()["seller"]) == list(lr.frontier().to_frame()["seller"])
    with pytest.warns(DeprecationWarning, match="keyword"):
        BargainingSpace(lr.scenario, 5)


def test_old_names_are_marked_deprecated():
    for name in ("pareto_frontier", "minimal_coalitions"):
        assert getattr(getattr(BargainingSpace, name), "__deprecated__", False), name


def test_report_is_a_module_and_write_report_the_function(tmp_path, spaces):
    import types

    assert isinstance(bargaining.report, types.ModuleType) and "write_report" in bargaining.__all__
    assert "report" not in bargaining.__all__
    path = bargaining.write_report(spaces["logrolling"], tmp_path / "r.html", samples=20)
    assert path.exists()
    with pytest.warns(DeprecationWarning, match="write_report"):
        bargaining.report(spaces["logrolling"], tmp_path / "old.html", uncertainty_samples=20)


# --------------------------------------------------------------------------- one time-limit convention


@pytest.mark.parametrize("limit", [0, None, 0.0])
def test_no_time_limit_is_none_or_0_in_the_api_as_in_the_command(spaces, limit):
    found = spaces["logrolling"].frontier(time_limit=limit)
    assert found.complete and len(found) == 3


def test_the_constructor_s_time_limit_is_every_call_s_default():
    slow = BargainingSpace(Scenario.from_yaml(DATA / "logrolling.yaml"), time_limit=30)
    assert slow.time_limit == 30
    assert slow.frontier().complete and slow.frontier(time_limit=0).complete
    assert BargainingSpace(slow.scenario, time_limit=0).time_limit is None


def test_a_nested_time_limit_never_extends_the_block_s(spaces):
    lr = spaces["logrolling"]
    with lr.deadline(1e-9):
        with pytest.raises(bargaining.TimeLimitReached):
            lr.best("maxmin", time_limit=100)  # the block's limit (already over) holds inside


def test_every_call_records_its_seconds_and_a_cut_short_search_says_so():
    import sys

    sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
    from scenarios import random_scenario

    space = BargainingSpace(random_scenario(10, 3, 3, seed=5), progress=False)  # its frontier takes seconds
    found = space.frontier(time_limit=0.3, method="mip", workers=1)
    assert not found.complete and "time limit" in found.reason and 0.3 <= found.seconds < 30


def test_deprecated_space_methods_are_not_in_the_readme():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    before, after = readme.split("**Old names**", 1)
    readme = before + after.split("\n\n", 2)[-1]  # the table of old names names them
    for old in ("pareto_frontier(", "minimal_coalitions(", "frontiers=", "frontier_seconds", "frontier_time_limit",
                "uncertainty_samples", "from bargaining import BargainingSpace, Scenario, plots, report"):
        assert old not in readme, old


def test_warnings_are_deprecations_only_for_the_old_names(spaces):
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        for name, (space, arguments) in calls(spaces).items():
            getattr(space, name)(**arguments)


def test_the_readme_api_table_is_the_code():
    """The README's table of methods: every public method, its positional subject, its keyword options and
    its return type, as the code has them."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    table = readme.split("| call | returns | keyword options |", 1)[1].split("\n\n", 1)[0]
    rows = re.findall(r"^\| `(\w+)\(([\w, ]*)\)` \| `([^`]+)` \|\s*([^|]*?)\s*\|$", table, flags=re.M)
    assert {name for name, *_ in rows} == set(public_methods())
    for name, subject, returns, options in rows:
        signature = inspect.signature(getattr(BargainingSpace, name))
        parameters = list(signature.parameters.values())[1:]
        positional = [p.name for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD]
        keywords = [p.name for p in parameters if p.kind is p.KEYWORD_ONLY]
        assert positional == ([subject] if subject else []), name
        assert re.findall(r"`(\w+)`", options) == keywords, name
        assert returns.replace("\\|", "|") == str(signature.return_annotation), name


def test_a_time_limit_in_opened_keeps_the_concessions_found_before_it(spaces, monkeypatch):
    """The packages first, then the frontiers: a limit that runs out during the frontiers leaves every concession's
    package, marked incomplete (the report's concession section used to fail on a loaded machine)."""
    from bargaining.algorithms import concessions
    from bargaining.errors import TimeLimitReached

    def stopped(*args, **kwargs):
        raise TimeLimitReached("stopped at the time limit")

    monkeypatch.setattr(concessions, "find_frontier", stopped)
    opened = spaces["empty_space"].opened(frontier=True, time_limit=30)
    assert len(opened) == 3 and not opened.complete and all(c.frontier is None for c in opened)
    assert "time limit" in opened.reason


def test_what_if_is_a_block_whose_calls_return_results_for_the_variant(spaces):
    """what_if is not an analysis: like deadline it is a block (a context manager yielding the variant's scenario);
    every call inside returns its usual result object, with provenance, answering for the variant."""
    from bargaining import Variant

    seed = spaces["europe_russia_ukraine"]
    variant = Variant(lines={"ru_donbas_admin": "priced"})
    stated = seed.scenario
    assert seed.best("maxmin") is None  # closed as stated
    with seed.what_if(variant) as live:
        assert live is seed.scenario and live is not stated
        found = seed.best("maxmin")
        diagnosis = seed.diagnose(relaxations=False)
    assert isinstance(found, Result) and found.method and found.seconds > 0 and diagnosis.feasible
    again = BargainingSpace(variant.apply(seed.scenario), progress=False).best("maxmin")
    assert found.exact_utilities == again.exact_utilities
    assert seed.scenario is stated and seed.best("maxmin") is None  # restored after the block
    with pytest.raises(TypeError, match="Variant"):
        with seed.what_if({"lines": {}}):
            pass


def test_the_new_questions_check_their_options(spaces):
    exchange = spaces["phased_exchange"]
    with pytest.raises(ValueError, match="phases"):
        exchange.self_enforcing("maxmin", phases=0)
    with pytest.raises(TypeError, match="phases"):
        exchange.self_enforcing("maxmin", phases=2.5)
    with pytest.raises(ValueError, match="max_size"):
        exchange.stability(EXCHANGE, max_size=0)
    with pytest.raises(TypeError, match="package"):
        exchange.stability("maxmin")
    with pytest.raises(TypeError, match="inputs"):
        spaces["logrolling"].break_even(inputs="reservation")
    with pytest.raises(ValueError, match="time_limit"):
        spaces["logrolling"].break_even(time_limit=-1)
    with pytest.raises(TypeError, match="break_even"):
        spaces["logrolling"].sensitivity(break_even="no")
    with pytest.raises(ValueError, match="time_limit"):
        spaces["logrolling"].sensitivity(time_limit=-1)
    with pytest.raises(TypeError):
        spaces["logrolling"].sensitivity(False)  # options are keyword-only
    with pytest.raises(TypeError):
        exchange.self_enforcing("maxmin", 2)  # options are keyword-only


def test_the_new_results_read_floats_and_keep_the_exact_values_under_exact_names(spaces):
    from fractions import Fraction

    held = spaces["phased_exchange"].self_enforcing("maxmin", phases=2).plan
    assert all(isinstance(m, float) for m in held.margins.values() if m is not None)
    assert all(isinstance(m, Fraction) for m in held.exact_margins.values() if m is not None)
    assert held.margins == {k: None if m is None else float(m) for k, m in held.exact_margins.items()}
    assert isinstance(held.smallest, float) and held.smallest == float(held.exact_smallest)
    deviation = spaces["phased_exchange"].stability(EXCHANGE).deviations[0]
    assert deviation.gains == {p: float(g) for p, g in deviation.exact_gains.items()}
    assert all(isinstance(g, Fraction) for g in deviation.exact_gains.values())
    row = next(r for r in spaces["logrolling"].break_even(progress=False).rows if r.exact_flip is not None)
    assert isinstance(row.flip, float) and isinstance(row.exact_flip, Fraction) and row.flip == float(row.exact_flip)
    assert isinstance(row.stated, float) and row.exact_headroom == abs(row.exact_flip - row.exact_stated)
