"""The READMEs say what the tool does: every ```python block runs, every console block whose command can
run here prints and exits as shown, the report's section table is the report's sections, and every figure
function named returns a figure.  (The bundled case's findings are checked in test_cases.py.)"""

from __future__ import annotations

import inspect
import re
import shutil
from pathlib import Path

import plotly.graph_objects as go
import pytest

from bargaining import BargainingSpace, Scenario, ScenarioError, plots
from bargaining.cli import main
from bargaining.report import SECTIONS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
DATA_README = (ROOT / "data" / "README.md").read_text()


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.S | re.M)


def section(text: str, title: str) -> str:
    return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


@pytest.fixture
def here(tmp_path, monkeypatch) -> Path:
    """A scratch folder that sees the repository's data/ and docs/ (the blocks' relative paths), so that
    whatever a block writes lands here."""
    for folder in ("data", "docs"):
        (tmp_path / folder).symlink_to(ROOT / folder)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("name, code", [(f"README.md[{k}]", c) for k, c in enumerate(blocks(README, "python"))]
                         + [(f"data/README.md[{k}]", c) for k, c in enumerate(blocks(DATA_README, "python"))])
def test_python_blocks_run(here, name, code):
    exec(compile(code, name, "exec"), {"__name__": "readme"})


def test_there_are_python_blocks():
    assert len(blocks(README, "python")) >= 1 and len(blocks(DATA_README, "python")) >= 1


def test_the_check_example_is_what_check_prints(here, capsys):
    """README and docs/scenario-format.md show `bargaining check bad.yaml`: docs/examples/bad.yaml gives exactly that."""
    shutil.copy(ROOT / "docs" / "examples" / "bad.yaml", here / "bad.yaml")
    assert main(["check", "bad.yaml"]) == 2
    printed = capsys.readouterr().err.strip()
    for text in (README, (ROOT / "docs" / "scenario-format.md").read_text()):
        shown = text.split("$ bargaining check bad.yaml\n", 1)[1].split("```", 1)[0].strip()
        assert printed == shown


def test_the_frontier_csv_header_is_what_frontier_writes(here, capsys):
    assert main(["frontier", "data/logrolling.yaml", "--csv", "f.csv"]) == 0
    written = (here / "f.csv").read_text().splitlines()
    shown = blocks(README, "text")[0].strip().splitlines()
    assert len(written) >= len(shown)
    for line, example in zip(written, shown):
        pattern = re.escape(re.sub(r"\s{2,}\(.*$", "", example))  # the README's own notes after the line are not part of it
        pattern = pattern.replace(r"0\.05", r"\d+\.\d\d")  # the seconds vary
        assert re.fullmatch(pattern, line), (line, example)


def test_data_readme_commands_exit_as_described(capsys):
    commands = [line.split("#")[0].split() for line in blocks(DATA_README, "sh")[0].strip().splitlines()]
    assert [c[:2] for c in commands] == [["bargaining", "check"], ["bargaining", "solve"]]
    assert main(commands[0][1:]) == 0
    assert main(commands[1][1:]) == 1  # "exit 1 + diagnosis when empty"
    assert "no package is acceptable" in capsys.readouterr().out


def test_report_section_table_is_the_report_sections():
    """Each row of the README's table is a section the report writes, in the report's order, and none is missing."""
    rows = re.findall(r"^\| ([^|]+?) \| ", section(README, "The report"), flags=re.M)
    assert rows[0] == "section"
    titles = []
    for builder in SECTIONS:
        found = re.findall(r'Section\("([^"]+)"', inspect.getsource(builder))
        assert len(found) == 1, builder
        titles.append(found[0])
    assert rows[1:] == titles


def test_the_figures_the_readme_names_are_functions_returning_figures():
    text = " ".join(section(README, "The report").split())
    named = re.findall(r"`(\w+)\(", text.split("Every figure is also a function in `bargaining.plots`", 1)[1])
    assert {"frontier_figure", "frontier_figures", "concession_map", "utility_breakdown", "gains_by_solution",
            "acceptance_bars", "information_bars", "concession_figures", "conflict_figure"} <= set(named)
    open_space = BargainingSpace(Scenario.from_yaml(ROOT / "data" / "logrolling.yaml"), progress=False)
    closed = BargainingSpace(Scenario.from_yaml(ROOT / "data" / "empty_space.yaml"), progress=False)
    frontier, package = open_space.frontier(), open_space.best("maxmin")
    figures = {
        "frontier_figure": plots.frontier_figure(frontier), "concession_map": plots.concession_map(frontier),
        "utility_breakdown": plots.utility_breakdown(package), "gains_by_solution": plots.gains_by_solution(frontier.solutions),
        "acceptance_bars": plots.acceptance_bars(open_space.robustness(samples=20)),
        "information_bars": plots.information_bars(open_space.value_of_information(samples=20, scheduler="serial")),
        "concession_figures": plots.concession_figures(closed.opened(frontier=True))[0],
        "conflict_figure": plots.conflict_figure(closed.diagnose()),
    }
    assert all(isinstance(fig, go.Figure) for fig in figures.values())
    assert all(isinstance(fig, go.Figure) for fig in plots.frontier_figures(frontier))


def test_the_uncertainty_errors_shown_are_what_loading_says():
    """README's list of uncertainty-field errors: each message (after its place) is the loader's for that mistake."""
    block = section(README, "Scenario files").split("Errors (each names", 1)[1].split("```console\n", 1)[1].split("```", 1)[0]
    shown = [re.sub(r"^error: case\.yaml, line \d+: ", "", line) for line in block.strip().splitlines()]
    base = {"format": 1, "name": "x", "parties": [{"id": "a", "reservation": 20}, {"id": "b", "reservation": 0}],
            "issues": [{"id": "i", "options": [{"id": "o"}, {"id": "p"}]}], "utilities": {"a": {"i": {"o": 30}}},
            "red_lines": [{"party": "a", "forbid": {"i": "p"}}]}
    mistakes = [("red_lines", {"id": "x", "real": 1.5}), ("red_lines", {"real": 0.5}), ("red_lines", {"price": "a lot"}),
                ("red_lines", {"price": -3}), ("parties", {"reservation_range": [30, 10]}),
                ("parties", {"reservation_range": [30, 40]}), ("parties", {"points_spread": 1.2})]
    said = []
    for where, change in mistakes:
        data = {**base, where: [{**base[where][0], **change}, *base[where][1:]]}
        with pytest.raises(ScenarioError) as error:
            Scenario.from_dict(data, "case.yaml")
        said.append(str(error.value).splitlines()[0].removeprefix("case.yaml: "))
    assert said == shown


def test_data_readme_table_is_what_the_files_hold():
    """The table's "Parties / issues" column, computed from each file; every file checks without a warning."""
    rows = dict(re.findall(r"^\| `(\w+)\.yaml` \| [^|]+ \| ([^|]+?) \|", DATA_README, flags=re.M))
    assert set(rows) == {p.stem for p in (ROOT / "data").glob("*.yaml")}
    for name, shown in rows.items():
        scenario = Scenario.from_yaml(ROOT / "data" / f"{name}.yaml")
        assert scenario.warnings() == [], name
        discrete, continuous = len(scenario.discrete_issues), len(scenario.continuous_issues)
        if name == "europe_russia_ukraine":
            assert shown == (f"{len(scenario.parties)} parties ({len(scenario.veto_party_ids)} with a veto), {discrete} discrete "
                             f"issues + {continuous} continuous, {len(scenario.red_lines)} red lines, "
                             f"{len(scenario.interactions)} interactions")
        else:
            kinds = " + ".join(f"{n} {kind}" for n, kind in ((discrete, "discrete"), (continuous, "continuous")) if n)
            assert shown == f"{len(scenario.parties)} / {kinds}", name


def test_data_readme_says_which_files_use_the_uncertainty_fields():
    uses = {p.stem for p in (ROOT / "data").glob("*.yaml") if (s := Scenario.from_yaml(p))
            and (any(r.real is not None or r.price is not None or r.final_only for r in s.red_lines)
                 or any(p.reservation_range or p.points_spread for p in s.parties))}
    assert uses == {"europe_russia_ukraine", "eru_lever", "eru_channel", "eru_ratification"}
    assert ("only\n`europe_russia_ukraine.yaml` and its variants `eru_lever.yaml`, `eru_channel.yaml` and "
            "`eru_ratification.yaml` use them") in DATA_README
