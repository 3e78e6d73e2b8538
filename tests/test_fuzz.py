"""Fuzzing the command and the optimiser with hostile structure and extreme numbers.

Whatever the file, the command returns an exit code (never a traceback) and does not hang
(a hang guard of a minute beyond its time limit: speed is measured in benchmarks/); whatever the numbers, a package it returns is acceptable by brute
force, and one it calls optimal is optimal by brute force (tests/oracle.py).  The default run
tries a few dozen cases; ``-m slow`` tries many more.
"""

from __future__ import annotations

import copy
import io
import math
import os
import re
import time
import warnings
from contextlib import redirect_stderr, redirect_stdout
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from budget import HANG_GUARD
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle import enumerate_packages
from strategies import scenarios

from bargaining import BargainingSpace, Scenario, ScenarioError
from bargaining.cli import main
from bargaining.scenario.genius import GeniusWarning

DATA = Path(__file__).resolve().parents[1] / "data"
BASE = yaml.safe_load((DATA / "logrolling.yaml").read_text())
TIME_LIMIT = 3.0


EXTREME = st.sampled_from([
    0, -0.0, 1, -1, 1e-320, 5e-324, 1e-9, 1e-7, 1e-6, 1.000000001, 0.1, 1e6, 999999999.999999, 1e9, 1e9 + 1, 1e12,
    1e15, 1e300, -1e308, 1.7976931348623157e308, float("inf"), float("-inf"), float("nan"), 10**20, -(10**30),
    True, "1e9", "NaN", "", None, [], {},
])
SCALAR = st.one_of(EXTREME, st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True),
                   st.text(alphabet="abcxyz_01 &*:[]{}#'\"\\\n", max_size=8))
ANY = st.recursive(SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                    st.dictionaries(st.sampled_from(["id", "x", "options", "per_unit", "range", "if", "<<"]), inner, max_size=3)),
                   max_leaves=12)


def places(data: object, path: tuple = ()) -> list[tuple]:
    """Every place inside the data (keys and indices from the top)."""
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found += places(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += places(value, path + (index,))
    return found


NUMBERS = st.one_of(st.sampled_from([0, 1e-6, -1e-6, 1.000000001, 0.1, 7, 1e6, 999999999.999999, 1e9, -1e9]),
                    st.floats(-1e9, 1e9, allow_nan=False), st.integers(-10**9, 10**9))


@st.composite
def hostile_files(draw: st.DrawFn) -> str:
    """The logrolling case (with a continuous fund) with a few places replaced by anything, or only its
    numbers replaced by extreme ones (a valid file, solved), or its text cut and spliced."""
    data = copy.deepcopy(BASE)
    data["issues"].append({"id": "fund", "range": [0, 100], "status_quo": 0})
    data["utilities"]["seller"]["fund"] = {"per_unit": 1}
    data["utilities"]["buyer"]["fund"] = {"per_unit": -0.5}
    if draw(st.booleans()):
        numeric = [p for p in places(data) if p and isinstance(_get(data, p), (int, float)) and p[0] != "format"]
        for where in draw(st.lists(st.sampled_from(numeric), min_size=1, max_size=6)):
            _get(data, where[:-1])[where[-1]] = draw(NUMBERS)
        if data["issues"][3]["range"][0] > data["issues"][3]["range"][1]:
            data["issues"][3]["range"].reverse()
        data["issues"][3]["status_quo"] = data["issues"][3]["range"][0]
        return yaml.safe_dump(data, sort_keys=False)
    for _ in range(draw(st.integers(1, 4))):
        spots = [p for p in places(data) if p]
        where = draw(st.sampled_from(spots))
        parent = data
        for part in where[:-1]:
            parent = parent[part]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[where[-1]]
        else:
            parent[where[-1]] = draw(ANY)
    try:
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    except (yaml.YAMLError, ValueError):
        text = "format: 1\n"
    if draw(st.booleans()):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 20))
        text = text[:at] + draw(st.text(alphabet="[]{}:,-&*!|>'\"#\n 0123456789e.<", max_size=12)) + text[at + cut:]
    return text


def _get(data: object, path: tuple) -> object:
    for part in path:
        data = data[part]  # type: ignore[index]
    return data


def run(argv: list[str]) -> tuple[int, str, float]:
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with redirect_stdout(out), redirect_stderr(err), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code = main(argv)
    return code, err.getvalue(), time.perf_counter() - start


def check_file(folder: Path, text: str, command: str) -> None:
    file = folder / "case.yaml"
    file.write_text(text)
    argv = [command, str(file)] + (["--time-limit", str(TIME_LIMIT)] if command in ("solve", "frontier") else [])
    code, err, seconds = run(argv)
    assert code in (0, 1, 2, 3)
    assert "Traceback" not in err
    if code == 2:
        assert err.startswith(("error: ", "warning: "))
    assert seconds < TIME_LIMIT + HANG_GUARD, "hang guard"


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=hostile_files(), command=st.sampled_from(["check", "solve", "diagnose", "frontier"]))
def test_hostile_files_get_an_exit_code_not_a_traceback(tmp_path_factory, text, command):
    check_file(tmp_path_factory.mktemp("fuzz"), text, command)


@st.composite
def extreme_scenarios(draw: st.DrawFn) -> Scenario:
    """A small discrete scenario whose numbers are scaled and nudged to extremes (within the loader's
    limits: a scenario the loader refuses is drawn again)."""
    scenario = draw(scenarios(max_parties=3, max_issues=3, max_options=3))
    data = scenario.to_dict()
    scale = draw(st.sampled_from([1e-6, 1e-3, 1.0, 1e3, 1e6, 1e8]))
    nudge = draw(st.sampled_from([0.0, 1e-6, 1e-3, 1e-9 * scale]))

    def extreme(value: float) -> float:
        shifted = float(Fraction(repr(float(value))) * Fraction(repr(scale)))
        if shifted and draw(st.integers(0, 3)) == 0:
            shifted += math.copysign(nudge, shifted)
        return shifted

    for party in data["parties"]:
        party["reservation"] = extreme(party["reservation"])
    for table in data.get("utilities", {}).values():
        for points in table.values():
            for option in points:
                points[option] = extreme(points[option])
    for interaction in data.get("interactions", []):
        interaction["value"] = extreme(interaction["value"])
    try:
        return Scenario.from_dict(data)
    except ScenarioError:
        return draw(st.nothing())


def check_against_brute_force(scenario: Scenario, criterion: str) -> None:
    truth = enumerate_packages(scenario)
    space = BargainingSpace(scenario)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the solver's tolerance artefacts, cut off with a warning
        package = space.best(criterion)
    expected = truth.best(criterion, space.criteria_parties)
    if package is None:
        assert expected is None or space.numeric_doubt() is not None, "a package exists and nothing said the answer is in doubt"
        return
    assert tuple(package.exact_choices[i] for i in truth.issues) in truth.acceptable_set()
    if package.optimal:
        assert expected is not None and package.vector(scenario.party_ids) in expected
    else:
        assert package.caveat


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(scenario=extreme_scenarios(), criterion=st.sampled_from(["maxmin", "utilitarian", "nash", "kalai"]))
def test_extreme_numbers_never_give_a_wrong_package_called_optimal(scenario, criterion):
    check_against_brute_force(scenario, criterion)


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=hostile_files(), command=st.sampled_from(["check", "solve", "diagnose", "frontier", "phased", "coalitions"]))
def test_hostile_files_thoroughly(tmp_path_factory, text, command):
    check_file(tmp_path_factory.mktemp("fuzz"), text, command)


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(scenario=extreme_scenarios(), criterion=st.sampled_from(["maxmin", "utilitarian", "nash", "kalai"]))
def test_extreme_numbers_thoroughly(scenario, criterion):
    check_against_brute_force(scenario, criterion)


# --------------------------------------------------------------------------- Genius XML, counts, outputs

GENIUS = Path(__file__).resolve().parent / "fixtures" / "genius"
#: Numbers Genius's grammar reads, refuses, or reads as infinity or 0; and texts that are no numbers.
GENIUS_NUMBERS = st.sampled_from([
    "0", "1", "0.25", ".5", "1.", "2.5e-1", "0x1p-2", "1.5d", "-0.3", "1e-7", "1e9", "1e12", "1e100000000", "-1e309",
    "1e-100000000", "NaN", "Infinity", "1/3", "1_0", "1,5", "", " ", "null", "9" * 400, "1e" + "9" * 30, "+7", "007",
])
GENIUS_TEXT = st.text(alphabet="<>/&;=\"' abc01.-\n!?[]", max_size=14)


@st.composite
def genius_files(draw: st.DrawFn) -> tuple[str, str]:
    """The trip domain and the beta profile (tests/fixtures/genius) with attribute values replaced by hostile numbers,
    elements deleted or repeated, or text spliced in (entities, tags, a DOCTYPE, a misplaced declaration)."""
    texts = [(GENIUS / "trip_domain.xml").read_text(encoding="utf-8"), (GENIUS / "beta.xml").read_text(encoding="utf-8")]
    for _ in range(draw(st.integers(1, 4))):
        k = draw(st.integers(0, 1))
        text = texts[k]
        how = draw(st.sampled_from(["number", "number", "delete", "repeat", "splice", "doctype"]))
        if how == "number":
            spots = [m for m in re.finditer(r'(value|evaluation|index|lowerbound|upperbound|slope|offset)="[^"]*"', text)]
            if spots:
                spot = draw(st.sampled_from(spots))
                text = text[:spot.start()] + f'{spot.group(1)}="{draw(GENIUS_NUMBERS)}"' + text[spot.end():]
        elif how in ("delete", "repeat"):
            lines = text.splitlines(keepends=True)
            at = draw(st.integers(0, len(lines) - 1))
            lines[at:at + 1] = [] if how == "delete" else [lines[at]] * draw(st.integers(2, 3))
            text = "".join(lines)
        elif how == "splice":
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.sampled_from(["&x;", "&", "<item/>", "<!-- c -->", "<?xml version='1.0'?>", "<weight index=\"1\" value=\"2\"/>"]))\
                + draw(GENIUS_TEXT) + text[at:]
        else:
            text = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>\n' + text
        texts[k] = text
    return texts[0], texts[1]


def check_genius(folder: Path, domain: str, profile: str) -> None:
    (folder / "trip_domain.xml").write_text(domain, encoding="utf-8")
    (folder / "beta.xml").write_text(profile, encoding="utf-8")
    out = folder / "out.yaml"
    code, err, seconds = run(["import-genius", str(folder / "trip_domain.xml"), str(GENIUS / "alpha-party.xml"), str(folder / "beta.xml"),
                              "-o", str(out)])
    assert code in (0, 2) and "Traceback" not in err
    assert seconds < HANG_GUARD, "hang guard"
    if code == 2:
        assert err.startswith(("error: ", "warning: ")) and not out.exists()
    else:
        assert out.exists() and main(["check", str(out)]) in (0, 2)  # an imported file loads, or says why not


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(files=genius_files())
def test_hostile_genius_files_get_an_exit_code_not_a_traceback(tmp_path_factory, files):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeniusWarning)
        check_genius(tmp_path_factory.mktemp("genius"), *files)


COUNTS = st.sampled_from(["0", "-1", "1", "2", "10000000", "1000000000000", str(10**30), "1e8", "2.5", "", "x", "0x10"])


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(command=st.sampled_from(["robustness", "phased"]), value=COUNTS)
def test_hostile_counts_are_bounded_before_any_work(command, value):
    """--samples and --phases: refused (exit 2, no traceback) or planned within the bounds (--phases beyond the
    issues becomes the number of issues), never allocated as given."""
    file = str(DATA / ("europe_russia_ukraine.yaml" if command == "robustness" else "logrolling.yaml"))
    option = "--samples" if command == "robustness" else "--phases"
    try:
        code, err, seconds = run([command, file, option, value, "--scheduler", "serial"] if command == "robustness" and value in ("1", "2")
                                 else [command, file, option, value])
    except SystemExit as stop:  # argparse: not a whole number
        assert stop.code == 2 and not value.lstrip("-").isdigit()
        return
    assert "Traceback" not in err and "MemoryError" not in err
    assert seconds < 60 + HANG_GUARD, "hang guard"
    if command == "robustness" and int(value) > 1_000:
        assert code == 2 and "--samples" in err
    if int(value) < 1:
        assert code == 2


@pytest.mark.parametrize("kind", ["fifo", "socket", "folder", "missing folder", "input"])
def test_hostile_output_targets_get_an_exit_code_not_a_traceback(tmp_path, capsys, kind):
    import socket
    import threading

    target = tmp_path / "out.csv"
    if kind == "fifo":
        os.mkfifo(target)
        threading.Thread(target=lambda: target.read_text(), daemon=True).start()
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(target))
    elif kind == "folder":
        target.mkdir()
    elif kind == "missing folder":
        target = tmp_path / "no" / "such" / "out.csv"
    else:
        target = DATA / "logrolling.yaml"
    code = main(["frontier", str(DATA / "logrolling.yaml"), "--csv", str(target)])
    err = capsys.readouterr().err
    assert code == (0 if kind == "fifo" else 2) and "Traceback" not in err
    if kind == "socket":
        server.close()
