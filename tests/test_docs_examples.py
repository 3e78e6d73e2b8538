"""The worked examples of docs/ recomputed: every table marked ``<!-- checked: NAME -->`` in a chapter must be
what the code computes on the chapter's example file (docs/README.md, "Adding a chapter").

Each test builds its table's rows from the library and compares them, cell by cell, with the rows
written in the chapter; the prose around a table explains the same numbers by hand.
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import numpy as np

from bargaining import BargainingSpace, Scenario

DOCS = Path(__file__).resolve().parents[1] / "docs"


def table(chapter: str, name: str) -> list[list[str]]:
    """The rows (cells stripped, header and rule left out) of the table after ``<!-- checked: name -->``."""
    text = (DOCS / chapter).read_text()
    marker = f"<!-- checked: {name} -->"
    assert marker in text, f"{chapter} has no table marked {marker}"
    lines = text.split(marker, 1)[1].strip().splitlines()
    rows = []
    for line in lines:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return [row for row in rows[1:] if not set("".join(row)) <= set("-: ")]


def number(value: Fraction | float) -> str:
    """A number as the chapters write it: an integer, a short decimal, or a fraction p/q."""
    value = Fraction(value) if not isinstance(value, Fraction) else value
    if value.denominator == 1:
        return str(value.numerator)
    if (value * 10**4).denominator == 1:  # at most four decimals
        return f"{float(value):g}"
    return f"{value.numerator}/{value.denominator}"


def example(name: str) -> Scenario:
    return Scenario.from_yaml(DOCS / "examples" / name)


def describe_atom(atom) -> str:
    if hasattr(atom, "options"):
        return f"{atom.issue} ∈ {{{', '.join(atom.options)}}}"
    low = "–" if atom.at_least is None else f"{atom.at_least:g}"
    high = "–" if atom.at_most is None else f"{atom.at_most:g}"
    return f"{atom.issue} {' or '.join(atom.regions)} [{low}, {high}]"


def test_rules():
    scenario = example("rules.yaml")
    computed = [[scenario.describe_red_line(rule.index), "; ".join(" ∧ ".join(describe_atom(a) for a in c.atoms) for c in rule.forbidden)]
                for rule in scenario.rules.lines]
    assert table("rules.md", "rules") == computed
    rows = []
    for written in table("rules.md", "rules-packages"):
        sanctions, fund = (x.strip() for x in written[0].split(","))
        package = {"sanctions": sanctions, "fund": Fraction(fund)}
        holding = [str(rule.index + 1) for rule in scenario.rules.lines if rule.holds(package)]
        rows.append([written[0], ", ".join(holding), "yes" if scenario.is_acceptable(package) else "no",
                     number(scenario.exact_utility("ukraine", package))])
    assert table("rules.md", "rules-packages") == rows


def short(package) -> str:
    return ", ".join(str(c) for c in package.choices.values())


def test_solutions():
    from bargaining.algorithms.ranking import criterion_value

    space = BargainingSpace(example("contract.yaml"))
    parties = space.criteria_parties
    rows = []
    acceptable = [space.evaluate(dict(row)) for row in space.acceptable().to_frame()[["price", "term"]].to_dict("records")]
    ideal = {p: max(x.exact_gains[p] for x in acceptable) for p in parties}
    for criterion in ("maxmin", "utilitarian", "nash", "kalai"):
        package = space.best(criterion)
        value = criterion_value(criterion, package.exact_gains, parties, ideal, package.exact_utilities)
        rows.append([criterion, short(package), number(package.exact_gains["seller"]), number(package.exact_gains["buyer"]), number(value)])
    assert table("solutions.md", "solutions") == rows


def test_frontier():
    from bargaining.algorithms.frontier_mip import pareto_frontier

    space = BargainingSpace(example("contract.yaml"))
    found = pareto_frontier(space._search, ["seller", "buyer"], workers=1)
    rows = [[short(x), number(x.exact_utilities["seller"]), number(x.exact_utilities["buyer"])]
            for x in sorted(found.packages, key=lambda x: -x.exact_utilities["seller"])]
    assert table("frontier.md", "frontier") == rows + [["solver calls", str(found.solver_calls), ""]]


def test_programme():
    from bargaining.algorithms.programme import count, frontier
    from bargaining.algorithms.programme.dominance import expand, nondominated
    from bargaining.algorithms.programme.instance import instance_of
    from bargaining.algorithms.programme.order import choose_order
    from bargaining.algorithms.programme.plan import plan_of
    from bargaining.algorithms.programme.runs import cover_runs
    from bargaining.algorithms.programme.tables import tables_of

    scenario = example("contract.yaml")
    tables = tables_of(scenario, {})
    instance = instance_of(tables, cover_runs(tables, None)[0], [0, 1], frozenset(), {})
    plan = plan_of(instance, choose_order(instance), 10**6)
    vectors, keys = plan.start[None, :].copy(), np.zeros(1, dtype=np.int64)
    rows = []

    def pair(v: list[int]) -> str:
        return f"({v[0]}, {v[1]})"

    for stage in plan.stages:
        every = [[a + b for a, b in zip(v, p)] for v in vectors.tolist() for p in stage.points.tolist()]
        _, option, candidates, new_keys = expand(instance, stage, vectors, keys)
        kept = nondominated(candidates, new_keys, tables.float_exact)
        survivors = candidates.tolist()
        bound = [v for v in every if v not in survivors]
        dominated = [v for k, v in enumerate(survivors) if k not in set(kept.tolist())]
        names = tables.options[stage.issue]
        shown = (", ".join(f"{names[o]} {pair(v)}" for o, v in zip(stage.options.tolist(), every)) if len(vectors) == 1
                 else ", ".join(pair(v) for v in every))
        rows.append([tables.issues[stage.issue], shown, ", ".join(map(pair, bound)) or "none", ", ".join(map(pair, dominated)) or "none",
                     ", ".join(pair(v) for v in candidates[kept].tolist())])
        vectors, keys = candidates[kept], new_keys[kept]
    assert table("programme.md", "programme") == rows
    assert {tuple(int(x) for x in v) for v in vectors.tolist()} == {tuple(int(x) for x in v) for v in frontier(scenario).vectors()}
    assert count(scenario) == 4


def test_robust():
    scenario = example("contract_uncertain.yaml")
    space = BargainingSpace(scenario)
    worlds = space.worlds(samples=6, seed=0).to_frame()
    rows = [[str(w), "yes" if row["no_high_price"] else "no", f"{row['seller']:.2f}", str(int(np.ceil(row["seller"])))]
            for w, row in worlds.iterrows()]
    assert table("robust.md", "robust-worlds") == rows
    written = table("robust.md", "robust")
    packages = [dict(zip(("price", "term"), (x.strip() for x in row[0].split(",")))) for row in written[:-1]]
    shares = space.robustness(packages, samples=6, seed=0).to_frame()
    computed = [[row[0], number(Fraction(share).limit_denominator(6) * 6)] for row, share in zip(written[:-1], shares["share"])]
    assert [row[:2] for row in written[:-1]] == computed
    robust = space.most_robust(samples=6, seed=0)
    assert written[-1][:2] == ["most robust", short(robust)] and robust.wins == 6


def test_every_chapter_is_in_the_index():
    index = (DOCS / "README.md").read_text()
    chapters = {p.name for p in DOCS.glob("*.md")} - {"README.md"}
    assert all(f"({name})" in index for name in chapters), chapters
    assert all(re.search(r"<!-- checked: ", (DOCS / name).read_text()) for name in
               ("rules.md", "solutions.md", "frontier.md", "programme.md", "robust.md"))
