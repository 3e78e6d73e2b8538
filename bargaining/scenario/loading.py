"""Reading scenario files: YAML (safe loader, duplicate keys refused, a line for every place) or JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, ScenarioError


def read(path: str | Path, kind: str) -> tuple[Any, dict[tuple, int]]:
    """The data in a file (``kind``: "yaml" or "json") and, for YAML, the line of every place in it.

    Every failure is a :class:`ScenarioError` naming the file and what to do.
    """
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(source, [Problem((), "no such file; check the path")]) from None
    except IsADirectoryError:
        raise ScenarioError(source, [Problem((), "this is a folder, not a scenario file")]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(source, [Problem((), f"cannot be read: {error}")]) from None
    if not text.strip():
        raise ScenarioError(source, [Problem((), "the file is empty; see docs/scenario-format.md for the fields")])
    lines: dict[tuple, int] = {}
    try:
        if kind == "json":
            data = json.loads(text)
        else:
            data = yaml.load(text, Loader=_UniqueKeyLoader)
            lines = _yaml_lines(text)
    except json.JSONDecodeError as error:
        raise ScenarioError(source, [Problem((), f"not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}")]) from None
    except yaml.YAMLError as error:
        raise ScenarioError(source, [Problem((), f"not valid YAML: {_yaml_message(error)}")]) from None
    return data, lines


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses a key written twice in one mapping."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key '{key}' is written twice in one mapping; keep one", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _yaml_message(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}" if mark else problem


def _yaml_lines(text: str) -> dict[tuple, int]:
    """Map each path in a YAML document to its line number, for error messages."""
    lines: dict[tuple, int] = {}

    def walk(node: yaml.Node, path: tuple) -> None:
        lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(value, path + (key.value,))
                lines[path + (key.value,)] = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for index, value in enumerate(node.value):
                walk(value, path + (index,))

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is not None:
        walk(root, ())
    return lines
