"""The HTML report and its figures: content, escaping, size, one plotly.js, atomic writing."""

from __future__ import annotations

import dataclasses
import importlib
import random
import re
from pathlib import Path

import plotly.graph_objects as go
import pytest

from bargaining import BargainingSpace, Scenario, plots
from bargaining.report import SECTIONS, Section, write_atomic
from bargaining.report import write_report as report

report_module = importlib.import_module("bargaining.report")
files_module = importlib.import_module("bargaining.files")

INJECTED = "<img src=x onerror=window.__pwned=1>"
PLOTLY_HEADER = re.compile(r"\* plotly\.js v\d")
MAX_BYTES = 6_000_000


# --------------------------------------------------------------------------- small scenarios


def small_scenario(parties: int, issues: int = 3, options: int = 3, seed: int = 1, *, infeasible: bool = False,
                   injected: bool = False, continuous: bool = False) -> Scenario:
    """A deterministic scenario: opposed interests with different priorities (so there is a frontier
    to trade along), reservations low enough that some packages are acceptable.  ``infeasible``
    adds two red lines that no package meets together; ``injected`` puts markup into every name."""
    rng = random.Random(seed)
    tag = INJECTED if injected else ""
    party_list = [{"id": f"p{k}", "name": f"Party {chr(65 + k)}{tag}", "reservation": 10,
                   "rationale": f"Walks away below 10.{tag}"} for k in range(parties)]
    issue_list = [{"id": f"i{j}", "name": f"Issue {j + 1}{tag}",
                   "options": [{"id": f"o{k}", "name": f"Option {j + 1}.{k + 1}{tag}", **({"status_quo": True} if k == 0 else {})}
                               for k in range(options)]} for j in range(issues)]
    if continuous:
        issue_list.append({"id": "fund", "name": f"Fund{tag}", "range": [0, 10], "unit": "bn"})
    utilities: dict = {}
    for k in range(parties):
        table = {}
        for j in range(issues):
            weight = rng.randint(4, 12)
            best = (j + k) % options  # each party likes a different option
            table[f"i{j}"] = {f"o{o}": weight * (options - 1 - min(abs(o - best), options - 1)) for o in range(options)}
        if continuous:
            table["fund"] = {"per_unit": 1.0 if k % 2 == 0 else -0.5}
        utilities[f"p{k}"] = table
    red_lines = []
    if infeasible:
        red_lines = [
            {"party": "p0", "require": {"i0": "o0"}, "name": f"Issue 1 must be option 1{tag}", "rationale": f"Because.{tag}"},
            {"party": "p1", "forbid": {"i0": "o0"}, "rationale": "Never option 1."},
        ]
    return Scenario.from_dict({
        "format": 1, "name": f"Test {parties} parties{tag}", "description": f"A small test case.{tag}\n\nSecond paragraph.{tag}",
        "parties": party_list, "issues": issue_list, "utilities": utilities, "red_lines": red_lines,
    })


def write_report(tmp_path: Path, scenario: Scenario, name: str = "report.html", **options) -> tuple[Path, str]:
    path = report(BargainingSpace(scenario, progress=False), tmp_path / name, time_limit=20, **options)
    return path, path.read_text(encoding="utf-8")


def plot_divs(text: str) -> int:
    return len(re.findall(r'class="plotly-graph-div"', text))


# --------------------------------------------------------------------------- the report


@pytest.mark.parametrize("parties, figures", [(2, 5), (3, 6), (4, 5)])
def test_report_of_a_feasible_scenario(tmp_path: Path, parties: int, figures: int) -> None:
    # figures: gains by solution + frontier (3 parties: 3-D and pairs) + concession map + breakdown
    # + the "Will it hold?" margin figure of the plan that holds (the best phased package is that plan's in each)
    scenario = small_scenario(parties)
    path, text = write_report(tmp_path, scenario)
    assert path == tmp_path / "report.html"
    assert text.startswith("<!DOCTYPE html>")
    assert len(PLOTLY_HEADER.findall(text)) == 1
    assert plot_divs(text) == figures
    assert path.stat().st_size < MAX_BYTES
    for title in ("Summary", "What each bargaining solution recommends", "The Pareto frontier", "Concession map",
                  "Where the maxmin package&#39;s value comes from"):
        assert f"<h2>{title}</h2>" in text
    assert "Why no package is acceptable" not in text
    assert "Yes:" in text
    for party in scenario.parties:
        assert party.label in text
    # self-contained: no external resources
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="?https?:', text)
    assert '<script src=' not in text and '<link ' not in text


@pytest.mark.parametrize("parties, figures", [(2, 2), (3, 3), (4, 2)])
def test_report_of_an_infeasible_scenario_draws_the_conflict_and_what_each_concession_opens(
        tmp_path: Path, parties: int, figures: int) -> None:
    # figures: the conflict, then the frontiers the concessions open (2-D; 3-D and pairs; parallel coordinates)
    scenario = small_scenario(parties, infeasible=True)
    _, text = write_report(tmp_path, scenario)
    assert "No:" in text
    assert "<h2>Why no package is acceptable</h2>" in text
    assert "Issue 1 must be option 1" in text  # the red line's name, in the conflict list
    assert "Because." in text  # with its rationale
    assert "<h2>The deal each concession would open</h2>" in text
    opened = BargainingSpace(scenario).opened()
    assert len(opened) == 2 and text.count('<th class="wrap">If Party ') == len(opened)
    assert "If Party A drops: Issue 1 must be option 1" in text and "Drop " not in text  # the party concedes; it is not dropped
    assert plot_divs(text) == figures
    assert len(PLOTLY_HEADER.findall(text)) == 1
    assert "The conflict: what each requirement rules out" in text and "What each concession would open" in text
    assert "The Pareto frontier" not in text and "Concession map" not in text
    assert len(text) < MAX_BYTES


def test_acceptable_count_says_at_least_when_the_limit_stops_it(tmp_path: Path) -> None:
    _, text = write_report(tmp_path, small_scenario(2), acceptable_limit=3)
    assert "at least 3" in text


def test_report_with_a_continuous_issue(tmp_path: Path) -> None:
    _, text = write_report(tmp_path, small_scenario(2, continuous=True))
    assert plot_divs(text) == 5  # 4 + the "Will it hold?" margin figure of the plan that holds
    assert "each comes with a range of acceptable amounts" in text


def test_scenario_text_is_escaped_everywhere(tmp_path: Path) -> None:
    for parties in (2, 3, 5):
        _, text = write_report(tmp_path, small_scenario(parties, injected=True), name=f"injected{parties}.html")
        assert "<img" not in text, f"unescaped markup in the {parties}-party report"
        assert "onerror=window.__pwned=1&gt;" in text or "onerror=window.__pwned=1\\u003e" in text
    _, text = write_report(tmp_path, small_scenario(3, injected=True, infeasible=True), name="injected-infeasible.html")
    assert "<img" not in text
    assert "&lt;img src=x onerror=window.__pwned=1&gt;" in text


def test_hover_text_escapes_markup() -> None:
    scenario = small_scenario(2, injected=True)
    text = plots.package_hover({"i0": "o0", "i1": "o1", "i2": "o2"}, {"p0": 12.0, "p1": 3.0}, scenario, heading=INJECTED)
    assert "<img" not in text
    assert "&lt;img src=x onerror=window.__pwned=1&gt;" in text
    assert "<br>" in text  # our own line breaks stay markup


def test_sections_can_be_added(tmp_path: Path) -> None:
    def extra(ctx) -> Section:
        return Section("Leverage", ctx.render("<p>{{ text }}</p>", text=INJECTED))

    def skipped(ctx) -> None:
        return None

    path = report(BargainingSpace(small_scenario(2), progress=False), tmp_path / "r.html", sections=[*SECTIONS, extra, skipped, lambda ctx: ("Plain", "<p>ok</p>")])
    text = path.read_text()
    assert '<h2>Leverage</h2>' in text and 'href="#leverage"' in text
    assert "&lt;img" in text and "<img" not in text
    assert "<h2>Plain</h2>" in text and "<p>ok</p>" in text


# --------------------------------------------------------------------------- atomic writing


def test_a_failure_mid_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def half_then_fail(handle, text, size=1 << 20):
        handle.write(text[: len(text) // 2])
        raise OSError("disk full")

    monkeypatch.setattr(files_module, "_write_chunks", half_then_fail)
    with pytest.raises(files_module.OutputPathError, match=r"report.html: cannot be written \(disk full\); nothing was written"):
        write_report(tmp_path, small_scenario(2))
    assert list(tmp_path.iterdir()) == []


def test_a_failure_keeps_the_previous_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.html"
    target.write_text("previous")

    def fail(*args, **kwargs):
        raise RuntimeError("interrupted")

    monkeypatch.setattr(files_module.os, "replace", fail)
    with pytest.raises(RuntimeError):
        write_report(tmp_path, small_scenario(2))
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_a_failing_section_writes_nothing(tmp_path: Path) -> None:
    def broken(ctx):
        raise ValueError("bug in a section")

    with pytest.raises(ValueError):
        report(BargainingSpace(small_scenario(2), progress=False), tmp_path / "r.html", sections=[*SECTIONS, broken])
    assert list(tmp_path.iterdir()) == []


def test_write_atomic_replaces_and_keeps_permissions_readable(tmp_path: Path) -> None:
    target = tmp_path / "x.html"
    write_atomic(target, "one")
    write_atomic(target, "two")
    assert target.read_text() == "two"
    assert target.stat().st_mode & 0o044  # readable by others (not mkstemp's 0600), umask allowing
    assert [p.name for p in tmp_path.iterdir()] == ["x.html"]


# --------------------------------------------------------------------------- figures


def trace_types(fig: go.Figure) -> list[str]:
    return [t.type for t in fig.data]


@pytest.fixture(scope="module")
def spaces() -> dict[int, BargainingSpace]:
    return {n: BargainingSpace(small_scenario(n), progress=False) for n in (2, 3, 5)}


def test_two_party_frontier_figure(spaces) -> None:
    space = spaces[2]
    frontier, acceptable = space.frontier(progress=False), space.acceptable()
    solutions = {c: space.best(c) for c in ("maxmin", "nash")}
    fig = plots.frontier_figure(frontier, space.scenario, acceptable=acceptable, solutions=solutions)
    assert isinstance(fig, go.Figure)
    assert set(trace_types(fig)) == {"scatter"}
    names = [t.name for t in fig.data]
    assert names[:2] == ["Other acceptable packages", "Pareto frontier"]
    assert "Maxmin (egalitarian)" in names and "Nash" in names
    frontier_trace = fig.data[1]
    assert len(frontier_trace.x) == len(frontier.to_frame().drop_duplicates(subset=space.scenario.party_ids))
    assert all("Issue 1" in h for h in frontier_trace.hovertext)
    assert len(fig.layout.shapes) >= 2  # reservation lines


def test_frontier_figure_from_a_space(spaces) -> None:
    fig = plots.frontier_figure(spaces[2])
    assert trace_types(fig)[:2] == ["scatter", "scatter"]
    assert "Maxmin (egalitarian)" in [t.name for t in fig.data]


def test_solutions_from_the_frontier_solution_column(spaces) -> None:
    space = spaces[2]
    fig = plots.frontier_figure(space.frontier(progress=False), space.scenario)
    assert "Maxmin (egalitarian)" in [t.name for t in fig.data]


def test_three_party_frontier_figures(spaces) -> None:
    space = spaces[3]
    figures = plots.frontier_figures(space.frontier(progress=False), space.scenario, acceptable=space.acceptable())
    assert len(figures) == 2
    three_d, pairs = figures
    assert set(trace_types(three_d)) == {"scatter3d"}
    assert set(trace_types(pairs)) == {"splom"}
    assert len(pairs.data[0].dimensions) == 3


def test_many_party_frontier_figure_is_parallel_coordinates(spaces) -> None:
    space = spaces[5]
    frontier = space.frontier(progress=False)
    fig = plots.frontier_figure(frontier, space.scenario, solutions={"maxmin": space.best("maxmin")})
    assert set(trace_types(fig)) == {"scatter"}
    assert list(fig.layout.xaxis.tickvals) == [0, 1, 2, 3, 4]
    hover = [h for t in fig.data if t.hovertext is not None and "Reservation" not in (t.name or "") for h in t.hovertext if h]
    markers = next(t for t in fig.data if t.meta)  # the per-axis hover targets: texts stored once, in meta
    assert len(markers.meta) == len(frontier) and len(markers.hovertemplate) == 5 * len(frontier)
    hover += list(markers.meta)
    assert hover and all("Issue 1" in h for h in hover)


def test_concession_map(spaces) -> None:
    space = spaces[3]
    frontier = space.frontier(progress=False)
    fig = plots.concession_map(frontier, space.scenario)
    assert trace_types(fig) == ["heatmap"]
    z = fig.data[0].z
    assert len(z) == len(space.scenario.issues)
    for row in z:  # each issue's shares add up to the whole frontier
        assert sum(v for v in row if v is not None) == pytest.approx(1.0)


def test_concession_map_bins_continuous_issues() -> None:
    scenario = small_scenario(2, continuous=True)
    space = BargainingSpace(scenario, progress=False)
    fig = plots.concession_map(space.frontier(progress=False, solutions=False), scenario)  # (marking the solutions fails here: see the report)
    fund = list(fig.data[0].z[-1])
    assert len(fund) == 5 and sum(fund) == pytest.approx(1.0)


def test_utility_breakdown_adds_up(spaces) -> None:
    space = spaces[3]
    package = space.best("maxmin")
    fig = plots.utility_breakdown(package, space.scenario)
    types = trace_types(fig)
    assert "bar" in types and "scatter" in types
    assert fig.layout.barmode == "relative"
    bars = [t for t in fig.data if t.type == "bar"]
    for k, party in enumerate(space.scenario.party_ids):
        assert sum(t.y[k] for t in bars) == pytest.approx(package.utilities[party])


def test_gains_by_solution_uses_party_colours(spaces) -> None:
    space = spaces[3]
    fig = plots.gains_by_solution({c: space.best(c) for c in ("maxmin", "utilitarian")}, space.scenario)
    colors = plots.party_colors(space.scenario)
    assert [t.marker.color for t in fig.data] == [colors[p] for p in space.scenario.party_ids]


# --------------------------------------------------------------------------- what the figures were seen to get wrong


def test_figures_seen_at_1400_px(spaces, tmp_path: Path) -> None:
    """Each point below was seen on a screenshot: no line between discrete frontier points, every coinciding solution
    named on hover, padded 3-D axes with few ticks, no coloured axis text, headroom over the gains bars, amounts as the
    issue's choice labels, no empty rationale column."""
    logroll = BargainingSpace(Scenario.from_yaml(Path(__file__).parents[1] / "data" / "logrolling.yaml"), progress=False)
    two = plots.frontier_figure(logroll.frontier(), acceptable=logroll.acceptable())
    assert next(t for t in two.data if t.name == "Pareto frontier").mode == "markers"
    hovers = [t.hovertext[0] for t in two.data if t.name in ("Maxmin (egalitarian)", "Nash")]
    assert all("Maxmin (egalitarian), Utilitarian, Nash and Kalai-Smorodinsky solutions (they coincide)" in h for h in hovers)

    three = plots.frontier_figure(spaces[3])
    for axis in (three.layout.scene.xaxis, three.layout.scene.yaxis, three.layout.scene.zaxis):
        found = [getattr(t, axis.plotly_name[0]) for t in three.data]
        values = [v for column in found if column is not None for v in column if v is not None]
        assert axis.nticks == 6 and axis.range[0] < min(values) and axis.range[1] > max(values)

    many = plots.frontier_figure(spaces[5])
    assert all("<span style=\"color:" in tick and "\u25a0</span> <b>" in tick for tick in many.layout.xaxis.ticktext)

    gains = plots.gains_by_solution({c: spaces[3].best(c) for c in ("maxmin", "utilitarian")})
    assert gains.layout.yaxis.range[1] > max(max(t.y) for t in gains.data) * 1.05

    scenario = small_scenario(2, continuous=True)
    data = scenario.to_dict()
    data["issues"][-1]["range"] = [0, 300]
    scenario = Scenario.from_dict(data)
    frame = BargainingSpace(scenario, progress=False).frontier(solutions=False).to_frame()
    cells = [c for row in plots.concession_map(frame, scenario).data[0].text for c in row]
    assert any("0 to 60 bn" in c for c in cells) and not any("60.0" in c or "e+" in c for c in cells)

    _, text = write_report(tmp_path, small_scenario(2))  # its parties have rationales
    assert "Why (the scenario's rationale)" in text
    bare = small_scenario(2).to_dict()
    for party in bare["parties"]:
        party.pop("rationale")
    _, text = write_report(tmp_path, Scenario.from_dict(bare), name="bare.html")
    assert "rationale)" not in text


def test_a_concession_frontier_the_time_limit_cut_short_is_said_to_be(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bargaining.algorithms import concessions

    real = concessions.find_frontier

    def stopped(search, parties, **options):  # as if the limit ran out after the first point of each frontier
        found = real(search, parties, **options)
        return dataclasses.replace(found, choices=found.choices[:1], scaled=found.scaled[:1], complete=False)

    monkeypatch.setattr(concessions, "find_frontier", stopped)
    _, text = write_report(tmp_path, small_scenario(2, infeasible=True))
    assert "The time limit (20 s for the frontier searches together) stopped the search of" in text
    assert "drawn as far as found (1 points, 1 points), not whole" in text
    assert text.count("(frontier incomplete)") >= 2  # in the figure's legend, for each
