"""The house rules: imports point one way, no cycles, small modules, the model touched only by the engine."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "bargaining"
BASE = {"version", "errors", "files", "progress", "criteria", "arguments", "memory"}
#: Each layer (the first part of a module's name under bargaining) and what it may import.
ALLOWED = {
    "scenario": {"scenario"},
    "results": {"results", "scenario"},
    "engine": {"engine", "results", "scenario"},
    "algorithms": {"algorithms", "engine", "results", "scenario"},
    "present": {"present", "results", "scenario"},
    "space": {"algorithms", "engine", "results", "scenario"},
    "report": {"report", "space", "present", "results", "scenario"},
    "plots": {"space", "present", "results", "scenario"},
    "cli": {"space", "report", "present", "results", "scenario", "algorithms", "explore"},
    "explore": {"space", "report", "plots", "present", "results", "scenario"},  # never the engine
    "__init__": {"space", "report", "results", "scenario"},  # re-exports, loaded lazily
}


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(name: str, path: Path) -> set[str]:
    """Every bargaining module this one imports (resolved; TYPE_CHECKING imports included)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            candidates = [f"{target}.{a.name}" for a in node.names] + [target]
        elif isinstance(node, ast.Import):
            candidates = [a.name for a in node.names]
        else:
            continue
        known = modules()
        for candidate in candidates:
            if candidate in known and candidate != name:
                targets.add(candidate)
                break
    return targets


def layer(name: str) -> str:
    parts = name.split(".")
    return "__init__" if len(parts) == 1 else parts[1]


def test_imports_point_down_the_layers():
    wrong = []
    for name, path in modules().items():
        own = layer(name)
        if own in BASE:
            allowed: set[str] = set()
        else:
            allowed = ALLOWED[own] | BASE
        for target in imports(name, path):
            if layer(target) not in allowed | {own}:
                wrong.append(f"{name} imports {target}")
    assert not wrong, "imports against the layers:\n" + "\n".join(sorted(wrong))


def test_no_import_cycles():
    graph = {name: imports(name, path) for name, path in modules().items()}
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, cycles


def test_modules_stay_small():
    big = {name: n for name, path in modules().items() if (n := len(path.read_text().splitlines())) > 400}
    assert not big, big


def test_the_model_is_touched_by_name_only_in_the_engine():
    pattern = re.compile(r"\.m\.|\bm\.(choose|amount|gain|relax|takes_part|floor|scratch|utility|log_gain)\b|search\.model\b")
    offenders = [f"{path.relative_to(PACKAGE)}:{k}" for name, path in modules().items() if layer(name) != "engine"
                 for k, line in enumerate(path.read_text().splitlines(), 1) if pattern.search(line)]
    assert not offenders, offenders


def test_each_module_imports_on_its_own():
    """In a separate interpreter (so this test session keeps its modules): import each module
    with nothing of bargaining loaded before it."""
    code = (
        "import importlib, sys\n"
        f"for name in {sorted(modules())!r}:\n"
        "    for loaded in [m for m in sys.modules if m == 'bargaining' or m.startswith('bargaining.')]:\n"
        "        del sys.modules[loaded]\n"
        "    importlib.import_module(name)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=PACKAGE.parent)


def test_checking_a_file_does_not_load_the_solver():
    code = "import sys; from bargaining.cli import main; main(['check', 'data/logrolling.yaml']); print(sorted(m for m in ('pyomo', 'highspy', 'plotly', 'pandas') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PACKAGE.parent, check=True).stdout
    assert out.strip().endswith("[]"), out


def test_a_row_added_and_removed_between_solves_never_reaches_the_solver():
    from bargaining import BargainingSpace, Scenario

    space = BargainingSpace(Scenario.from_yaml(PACKAGE.parent / "data" / "logrolling.yaml"))
    search = space._search
    with search.changes() as edit:
        edit.row(search.floor <= search.gain("seller"))  # the edit ends before any solve: undone cleanly
    assert len(search.m.scratch) == 0
    assert space.best("maxmin") is not None
