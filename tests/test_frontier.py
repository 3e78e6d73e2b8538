"""The frontier equals the brute-force non-dominated set exactly, and its marked solutions equal best()."""

from budget import examples
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from oracle import enumerate_packages
from strategies import scenarios

from bargaining import BargainingSpace, Scenario


def vectors(frame, parties, scenario, truth):
    """The frontier's utility vectors, looked up exactly by each row's package in the enumeration (which also
    says whether the package is acceptable), not recomputed by the scenario's own evaluator."""
    issues = [i.id for i in scenario.issues]
    out = []
    for _, row in frame.iterrows():
        choices = {i: row[i] for i in issues}
        assert truth.accepts(choices)
        out.append(truth.vector(choices, parties))
    return out


@given(scenarios(min_parties=2, max_parties=4, optional_parties=True, controlled=True), st.sampled_from(["auto", "mip"]))
def test_frontier_matches_brute_force(scenario, method):
    truth = enumerate_packages(scenario)
    frame = BargainingSpace(scenario).frontier(method=method).to_frame()
    found = vectors(frame, scenario.party_ids, scenario, truth)
    assert len(found) == len(set(found)), "one row per utility vector"
    assert set(found) == truth.frontier()
    assert frame.attrs["complete"] and frame.attrs["exact"]
    assert frame.attrs["method"] == ("dp" if method == "auto" else "mip")


@given(scenarios(min_parties=3, max_parties=4), st.data())
def test_frontier_over_some_parties(scenario, data):
    parties = data.draw(st.lists(st.sampled_from(scenario.party_ids), min_size=1, max_size=2, unique=True))
    truth = enumerate_packages(scenario)
    frame = BargainingSpace(scenario).frontier(parties=parties).to_frame()
    assert set(vectors(frame, parties, scenario, truth)) == truth.frontier(parties)


@settings(max_examples=examples(30))
@given(scenarios(min_parties=2, max_parties=4))
def test_marked_solutions_are_the_best_packages(scenario):
    """Each criterion marks exactly one row, whose utilities are among the oracle's choices for it
    (after the documented tie-break); none when nothing is acceptable."""
    truth = enumerate_packages(scenario)
    space = BargainingSpace(scenario)
    frame = space.frontier().to_frame()
    marks = [set(filter(None, (c.strip() for c in str(m).split(",")))) for m in frame["solution"]]
    assert set().union(*marks) <= {"maxmin", "utilitarian", "nash", "kalai"}
    found = vectors(frame, scenario.party_ids, scenario, truth)
    for criterion in ("maxmin", "utilitarian", "nash", "kalai"):
        expected = truth.best(criterion, space.criteria_parties)
        rows = [k for k, m in enumerate(marks) if criterion in m]
        if expected is None:
            assert rows == []
            continue
        assert len(rows) == 1
        assert found[rows[0]] in expected


def test_many_ties_in_a_symmetric_case():
    """Four parties with identical tables: every vector ties; the frontier still has one row per vector."""
    from bargaining import Scenario

    issues = [{"id": f"i{k}", "options": [{"id": "a", "status_quo": True}, {"id": "b"}, {"id": "c"}]} for k in range(4)]
    tables = {f"p{q}": {f"i{k}": {"a": (q + k) % 3, "b": (q + k + 1) % 3, "c": (q + k + 2) % 3} for k in range(4)} for q in range(4)}
    scenario = Scenario.from_dict({"format": 1, "name": "ties", "parties": [{"id": f"p{q}", "reservation": 0} for q in range(4)],
                                   "issues": issues, "utilities": tables})
    truth = enumerate_packages(scenario)
    frame = BargainingSpace(scenario).frontier().to_frame()
    assert set(vectors(frame, scenario.party_ids, scenario, truth)) == truth.frontier()


#: Found by hypothesis: HiGHS 1.16's presolve reduces one box problem of this scenario to
#: nothing and reports "Solve error"; the solver retries such a solve without presolve.
PRESOLVE_ERROR_CASE = {'format': 1,
     'name': 'random',
     'parties': [{'id': 'p0', 'reservation': 2.0}, {'id': 'p1', 'reservation': -0.0},
                 {'id': 'p2', 'reservation': -0.0, 'veto': False}, {'id': 'p3', 'reservation': -0.0}],
     'issues': [{'id': 'i0', 'options': [{'id': 'o0', 'status_quo': True}], 'controlled_by': ['p0']},
                {'id': 'i1', 'options': [{'id': 'o0', 'status_quo': True}]},
                {'id': 'i2', 'options': [{'id': 'o0', 'status_quo': True}, {'id': 'o1'}, {'id': 'o2'}, {'id': 'o3'}]},
                {'id': 'i3', 'options': [{'id': 'o0', 'status_quo': True}, {'id': 'o1'}, {'id': 'o2'}, {'id': 'o3'}]},
                {'id': 'i4', 'options': [{'id': 'o0', 'status_quo': True}, {'id': 'o1'}], 'controlled_by': ['p0']}],
     'utilities': {'p0': {'i0': {'o0': -1.5},
                          'i1': {'o0': 2.0},
                          'i2': {'o0': 2.0, 'o1': 0.3, 'o2': -1.5, 'o3': 0.3},
                          'i3': {'o0': -0.25, 'o1': -1.5, 'o2': -1.5, 'o3': 0.1},
                          'i4': {'o0': 2.0, 'o1': 1.25}},
                   'p1': {'i0': {'o0': 0.0}, 'i1': {}, 'i2': {}, 'i3': {}, 'i4': {}},
                   'p2': {'i0': {'o0': -1.5},
                          'i1': {'o0': -0.25},
                          'i2': {'o0': 1.25, 'o1': 1.25, 'o2': -1.5, 'o3': 0.1},
                          'i3': {'o0': 1.25, 'o2': 1.25},
                          'i4': {}},
                   'p3': {'i0': {}, 'i1': {}, 'i2': {}, 'i3': {'o2': 0.1}, 'i4': {'o1': 0.3}}}}


def test_a_highs_presolve_error_is_retried_without_presolve():
    from bargaining import Scenario

    scenario = Scenario.from_dict(PRESOLVE_ERROR_CASE)
    space = BargainingSpace(scenario)
    frame = space.frontier(method="mip").to_frame()
    assert frame.attrs["method"] == "mip"
    truth = enumerate_packages(scenario)
    assert set(vectors(frame, scenario.party_ids, scenario, truth)) == truth.frontier()
    assert space._search.solver.retries >= 1


def test_helper_processes_find_the_same_frontier():
    import sys
    from pathlib import Path

    from bargaining.algorithms.frontier_mip import pareto_frontier

    sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
    from scenarios import random_scenario

    scenario = random_scenario(8, 3, 3, seed=3)
    space = BargainingSpace(scenario)
    result = pareto_frontier(space._search, scenario.party_ids, workers=2, parallel_after=0.0)
    found = {tuple(x.exact_utilities[p] for p in scenario.party_ids) for x in result.packages}
    assert result.complete and found == enumerate_packages(scenario).frontier()
    assert result.solver_calls >= space.solver_calls > 0  # this process's solves and the workers' (if they took any box)


def test_a_worker_that_dies_leaves_its_boxes_to_the_search(monkeypatch):
    import os
    import sys
    from pathlib import Path

    from bargaining.algorithms import frontier_mip as module
    from bargaining.engine.executor import Executor

    sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
    from scenarios import random_scenario

    sends = []
    submit = Executor.submit

    def submit_then_die(self, replica, work, *args):
        future = submit(self, replica, work, *args)
        sends.append(args)
        if len(sends) == 3:  # with boxes still queued on it: every worker process exits
            try:
                self.client.run(os._exit, 1, wait=False)
            except Exception:  # noqa: BLE001 -- the workers are gone either way
                pass
        return future

    monkeypatch.setattr(Executor, "submit", submit_then_die)
    scenario = random_scenario(8, 3, 3, seed=3)
    space = BargainingSpace(scenario)
    with Executor(workers=1) as executor:  # started before the search: its worker joins from the first box
        result = module.pareto_frontier(space._search, scenario.party_ids, workers=2, executor=executor)
    found = {tuple(x.exact_utilities[p] for p in scenario.party_ids) for x in result.packages}
    assert len(sends) >= 3
    assert result.complete and found == enumerate_packages(scenario).frontier()


def test_workers_search_the_same_model_as_the_caller(monkeypatch):
    """A concession's frontier (a red line waived, an issue frozen) searched with a worker from the start: its engine,
    rebuilt from the caller's replica, waives and freezes the same (helpers used to search the scenario as written,
    found nothing, and cut it short)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
    from scenarios import random_scenario

    from bargaining.algorithms.frontier_mip import pareto_frontier
    from bargaining.engine.executor import Executor

    sent = []
    submit = Executor.submit
    monkeypatch.setattr(Executor, "submit", lambda self, replica, work, *args: sent.append(replica) or submit(self, replica, work, *args))

    data = random_scenario(8, 3, 3, seed=3).to_dict()
    first = data["issues"][0]
    data["red_lines"] = [*data.get("red_lines", []), {"party": data["parties"][0]["id"], "forbid": {first["id"]: first["options"][0]["id"]}},
                         {"party": data["parties"][1]["id"], "require": {first["id"]: first["options"][0]["id"]}}]
    scenario = Scenario.from_dict(data)
    space = BargainingSpace(scenario)
    assert space.best("maxmin") is None  # closed: the two new lines conflict
    waived = [r for r in space._search.requirements if r.index == len(scenario.red_lines) - 1]
    frozen = data["issues"][1]["id"]
    over = scenario.party_ids[1:]
    with Executor(workers=1) as executor:
        with space._search.changes() as edit:
            edit.waive(waived)
            choice = space.best("maxmin").choices[frozen]  # an option some acceptable package has
            edit.freeze(frozen, choice)
            result = pareto_frontier(space._search, scenario.party_ids, workers=2, executor=executor)
            # then, on the same worker, a frontier over other parties (a new box problem there, not the last one
            # kept), and one over the same parties on another replica (the issue not frozen: another engine there)
            # (found by mutation testing: a worker that kept its first problem for every later one was not caught)
            before = len(sent)
            later = pareto_frontier(space._search, over, workers=2, executor=executor)
        with space._search.changes() as edit:
            edit.waive(waived)
            between = len(sent)
            unfrozen = pareto_frontier(space._search, over, workers=2, executor=executor)
        # an error raised on a worker (here: work called with the wrong arguments) is raised here, not taken for a
        # lost worker whose box is solved again (found by mutation testing: nothing reached this path)
        import operator

        import pytest

        monkeypatch.setattr(Executor, "submit", lambda self, replica, work, *args: submit(self, replica, operator.truediv, *args))
        with space._search.changes() as edit, pytest.raises(TypeError):
            edit.waive(waived)  # (as written the space is closed: no box to send)
            pareto_frontier(space._search, scenario.party_ids, workers=2, executor=executor)
    assert sent and sent[0].waived == tuple(r.waiver for r in waived) and sent[0].fixed == ((frozen, choice),)
    assert len(sent) > between > before  # (the worker had boxes of each problem)
    assert sent[-1].fixed == () and sent[-1].waived == sent[0].waived
    loose = enumerate_packages(scenario, waived=frozenset(r.waiver for r in waived))
    vectors = {tuple(x.exact_utilities[p] for p in over) for x in unfrozen.packages}
    assert unfrozen.complete and vectors == loose.frontier(over)
    truth = enumerate_packages(scenario, waived=frozenset(r.waiver for r in waived))
    column = truth.issues.index(frozen)
    truth.acceptable &= truth.index[:, column] == truth.options[column].index(choice)
    found = {tuple(x.exact_utilities[p] for p in scenario.party_ids) for x in result.packages}
    assert len(truth.frontier()) > 10 and result.complete and found == truth.frontier()
    assert all(x.signers for x in result.packages)  # read with the waiver, the worker's answers included
    assert vectors != truth.frontier(over)  # (freezing the issue changes this frontier: a stale problem would show)
    assert later.complete and {tuple(x.exact_utilities[p] for p in over) for x in later.packages} == truth.frontier(over)


@settings(max_examples=examples(30))
@given(scenarios(min_parties=2, max_parties=4), st.data())
def test_best_in_a_world_where_a_red_line_is_a_bluff_reads_that_world(scenario, data):
    """``best`` on the engine with a world in force (a red line not real there) answers for that world, not the stated
    one (the programme reads only the stated world: the engine's search answers): the oracle enumerates the scenario
    without that line.  (Mutation testing: nothing checked it; no caller asks ``best`` in a world today.  Both
    ``frontier.best`` and ``programme.budget`` refuse the programme in a sampled world, so either guard alone holds.)"""
    from bargaining.algorithms.frontier import best
    from bargaining.engine.search import Search
    from bargaining.scenario import World

    raw = scenario.to_dict()
    hard = [k for k, r in enumerate(raw.get("red_lines", [])) if "price" not in r]
    assume(hard)
    k = data.draw(st.sampled_from(hard))
    raw["red_lines"][k]["real"] = 0.5
    raw["red_lines"][k].setdefault("id", f"bluff{k}")
    uncertain = Scenario.from_dict(raw)
    del raw["red_lines"][k]
    truth = enumerate_packages(Scenario.from_dict(raw))
    search = Search.of(uncertain)
    parties = BargainingSpace(uncertain).criteria_parties
    for criterion in ("maxmin", "utilitarian"):
        expected = truth.best(criterion, parties)
        with search.changes() as edit:
            edit.world(World(real={k: False}))
            found = best(search, criterion, parties)
        if expected is None:
            assert found is None
        else:
            assert found is not None and truth.vector(found.exact_choices, parties) in expected, criterion


# ---------------------------------------------------------------- found by mutation testing (tools/mutation.py frontier)
DATA = __import__("pathlib").Path(__file__).resolve().parents[1] / "data"


def test_the_frontier_says_how_it_was_found_and_refuses_what_it_cannot_do():
    """Its method and why, and the refusals' words (no test read them: a mutant that blanked them survived)."""
    import pytest

    space = BargainingSpace(Scenario.from_yaml(DATA / "logrolling.yaml"), progress=False)
    mip = space.frontier(method="mip", solutions=False)
    assert mip.method == "mip" and mip.reason == "method='mip' was asked for" and mip.complete and mip.exact
    with pytest.raises(ValueError, match=r"^unknown frontier method 'simplex'; choose auto, dp or mip$"):
        space.frontier(method="simplex")  # type: ignore[arg-type]
    continuous = BargainingSpace(Scenario.from_yaml(DATA / "adjusted_winner.yaml"), progress=False)
    with pytest.raises(ValueError, match=r"^the dynamic programme does not apply here: continuous issue\(s\) house, pension"):
        continuous.frontier(method="dp")


def test_a_frontier_time_limit_bounds_the_programme_and_the_search_after_it():
    """``find_frontier(time_limit=...)`` (the concessions' frontiers pass one): with no time at all the programme
    stops at once and the model's search after it gets none either -- nothing found, and said to be incomplete.
    (Found by mutation testing: a programme run without the limit, or a search given the whole limit again, passed.)"""
    from bargaining.algorithms.frontier import find_frontier

    space = BargainingSpace(Scenario.from_yaml(DATA / "logrolling.yaml"), progress=False)
    assert len(find_frontier(space._search, space.scenario.party_ids)) == 3  # (with time: the whole frontier)
    cut = find_frontier(space._search, space.scenario.party_ids, time_limit=0)
    assert len(cut) == 0 and not cut.complete and cut.method == "mip"
    assert cut.reason == "the dynamic programme stopped (deadline reached), so the mixed-integer search ran"
    import pytest

    from bargaining.algorithms.programme.limits import LimitReached

    with pytest.raises(LimitReached):  # method="dp": the programme's stop is said, not handed to the model's search
        find_frontier(space._search, space.scenario.party_ids, time_limit=0, method="dp")
    # where the programme does not apply, the search gets what is left of the limit (not none), on the grid asked for
    continuous = BargainingSpace(Scenario.from_yaml(DATA / "adjusted_winner.yaml"), progress=False)
    calls = continuous._search.solver.calls
    grid = find_frontier(continuous._search, ["ann", "bob"], time_limit=60, resolution=5)
    assert grid.complete and len(grid) > 1 and grid.resolution == {"ann": 5, "bob": 5}
    assert grid.solver_calls == continuous._search.solver.calls - calls  # (no workers: every solve made here)


def test_best_with_a_coalition_read_off_the_programme_is_signed_by_the_members_only():
    """best(coalition=...) read off the programme's frontier: the package suits the optional party too, but only the
    coalition's members sign it (found by mutation testing: the read-off was given no coalition and nothing failed)."""
    flat = {"o0": 0, "o1": 5}
    scenario = Scenario.from_dict({
        "format": 1, "name": "a coalition", "parties": [{"id": "a", "reservation": 0}, {"id": "b", "reservation": 0},
                                                         {"id": "c", "reservation": 0, "veto": False}],
        "issues": [{"id": "x", "options": [{"id": "o0", "status_quo": True}, {"id": "o1"}]}],
        "utilities": {p: {"x": dict(flat)} for p in "abc"}})
    space = BargainingSpace(scenario, progress=False)
    assert list(space.best("maxmin").signers) == ["a", "b", "c"]  # as written, the optional party joins
    package = space.best("maxmin", coalition=["a"])  # (the veto parties always take part)
    assert package.method == "dp" and package.choices == {"x": "o1"} and list(package.signers) == ["a", "b"]


def test_workers_that_fail_to_start_leave_the_frontier_to_this_process(monkeypatch):
    """A local cluster that cannot start (its readiness check raises) is closed and the search goes on alone, to the
    whole frontier (found by mutation testing: a readiness check that said "ready" anyway was not caught)."""
    from bargaining.algorithms.frontier_mip import pareto_frontier
    from bargaining.engine.executor import Executor

    def broken(self):
        raise RuntimeError("the local cluster did not start")

    monkeypatch.setattr(Executor, "ready", property(broken))
    closed = []
    monkeypatch.setattr(Executor, "close", lambda self: closed.append(self))
    scenario = Scenario.from_yaml(DATA / "logrolling.yaml")
    space = BargainingSpace(scenario, progress=False)
    executor = Executor(workers=1)  # (never started: its readiness check fails first)
    result = pareto_frontier(space._search, scenario.party_ids, workers=2, executor=executor)
    assert closed and closed[0] is executor
    truth = enumerate_packages(scenario)
    assert result.complete and {tuple(x.exact_utilities[p] for p in scenario.party_ids) for x in result.packages} == truth.frontier()


def test_the_mixed_integer_frontier_refuses_a_grid_or_parties_the_solver_cannot_tell_apart():
    """The numbers' check before the mixed-integer frontier reads the grid asked for on a continuous axis, and only the
    parties the frontier is over (found by mutation testing: a check that ignored the grid, or read every party, passed)."""
    import pytest
    from test_hostile_numbers import tiny_differences

    from bargaining.errors import NumericRangeError

    continuous = BargainingSpace(Scenario.from_yaml(DATA / "adjusted_winner.yaml"), progress=False)
    with pytest.raises(NumericRangeError, match=r"the Pareto frontier \(mixed-integer search\) cannot be computed reliably: "
                                                r"the utilities of ann, bob can differ by 1e-09"):
        continuous.frontier(method="mip", resolution=1e-9)
    data = tiny_differences()  # a and b differ by 1e-9; c, who may stay out, by whole points
    data["parties"].append({"id": "c", "reservation": 0, "veto": False})
    data["utilities"]["c"] = {"x": {"p": 0, "q": 1, "r": 2}, "y": {"p": 0, "q": 1, "r": 2}}
    space = BargainingSpace(Scenario.from_dict(data), progress=False)
    with pytest.raises(NumericRangeError, match="the utilities of a, b can differ by 1e-09"):
        space.frontier(method="mip")
    over_c = space.frontier(["c"], method="mip", solutions=False)
    assert over_c.complete and [p.choices for p in over_c.packages] == [{"x": "r", "y": "r"}]


def test_the_mixed_integer_frontier_stops_at_the_memory_allowed_for_its_points():
    """Each point found is counted against the memory budget before it is kept (``--max-memory``): logrolling's three
    points at 960 bytes each (3 issues x 120 + 2 parties x 300) do not fit in 2,000 (found by mutation testing: the
    estimate's factors and words could change unseen)."""
    import pytest

    from bargaining import memory
    from bargaining.memory import MemoryLimitReached

    space = BargainingSpace(Scenario.from_yaml(DATA / "logrolling.yaml"), progress=False)
    assert len(space.frontier(method="mip", solutions=False)) == 3
    before = memory.budget()
    memory.set_budget(2_000)
    try:
        with pytest.raises(MemoryLimitReached, match=r"^a frontier of 3 points would take about "):
            space.frontier(method="mip", solutions=False)
        memory.set_budget(3 * 960)  # (exactly enough)
        assert len(space.frontier(method="mip", solutions=False)) == 3
    finally:
        memory.set_budget(before)
