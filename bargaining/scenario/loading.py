"""Reading scenario files: YAML (safe loader, duplicate keys refused, a line for every place) or JSON.

Hostile input is refused with a clear error, in time and memory roughly linear in the file's
size: files over :data:`MAX_FILE_BYTES` (no more than that is ever read, so ``/dev/zero`` and a
pipe are refused too) or with more than :data:`MAX_VALUES` values, nesting
deeper than :data:`MAX_DEPTH` levels, YAML aliases that expand to more than
:data:`MAX_ALIAS_VALUES` extra values (the "billion laughs"), and structures that contain
themselves.  Aliases are never expanded here: the loader shares
the aliased object and the line map visits each YAML node once.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, ScenarioError

#: Larger files are refused before they are parsed (a scenario of 10,000 options is 0.4 MB).
MAX_FILE_BYTES = 32 * 1024 * 1024
#: Deepest nesting accepted (the format needs 6 levels: red_lines[3].forbid.issue[0]).
MAX_DEPTH = 32
#: At most this many values (numbers, ids, texts, lists, mappings) in a scenario: a scenario with
#: an issue of 10,000 options and two parties has about 60,000.
MAX_VALUES = 250_000
#: At most this many values more than the file writes out, through YAML aliases (or, from
#: Python, lists and mappings shared between places).
MAX_ALIAS_VALUES = 100_000

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: fast, and it caps nesting at 1,000 levels


def read(path: str | Path, kind: str) -> tuple[Any, dict[tuple[Any, ...], int]]:
    """The data in a file (``kind``: "yaml" or "json") and, for YAML, the line of every place in it.

    Every failure is a :class:`ScenarioError` naming the file and what to do.
    """
    source = str(path)

    def fail(message: str, reference: bool = True) -> ScenarioError:
        return ScenarioError(source, [Problem((), message)], reference=reference)

    try:
        with open(path, "rb") as handle:  # at most the limit and one byte: /dev/zero or a FIFO says size 0 and may never end
            data = handle.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            size = Path(path).stat().st_size
            shown = f"the file is {size / 2**20:.0f} MB" if size > MAX_FILE_BYTES else "it goes on past the limit (a device or a pipe?)"
            raise fail(f"{shown}; scenario files are limited to {_size(MAX_FILE_BYTES)}")
        text = data.decode("utf-8")
    except FileNotFoundError:
        raise fail("no such file; check the path", reference=False) from None
    except IsADirectoryError:
        raise fail("this is a folder, not a scenario file", reference=False) from None
    except (OSError, UnicodeDecodeError) as error:
        raise fail(f"cannot be read: {error}", reference=False) from None
    if not text.strip():
        raise fail("the file is empty; write a scenario in it")
    lines: dict[tuple[Any, ...], int] = {}
    try:
        if kind == "json":
            data = json.loads(text)
        else:
            data, lines = _load_yaml(text)
    except json.JSONDecodeError as error:
        raise fail(f"not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}") from None
    except yaml.YAMLError as error:
        deep = "; a scenario needs at most 6 levels" if "nesting depth" in str(error) else ""
        raise fail(f"not valid YAML: {_yaml_message(error)}{deep}") from None
    except ScenarioTooLarge as error:
        raise fail(str(error)) from None
    except RecursionError:
        raise fail(f"nested too deeply (more than {MAX_DEPTH} levels); a scenario needs at most 6") from None
    except (ValueError, OverflowError) as error:  # e.g. an integer of more than 4,300 digits
        reason = "a number has more than 4,300 digits" if "digits" in str(error) else str(error)
        raise fail(f"cannot be read: {reason}") from None
    return data, lines


def _size(count: int) -> str:
    return f"{count // 2**20} MB" if count >= 2**20 else f"{count:,} bytes"


def check_structure(data: Any, source: str = "<dict>", lines: dict[tuple[Any, ...], int] | None = None) -> None:
    """Refuse data nested more than :data:`MAX_DEPTH` levels, containing itself, or whose shared
    lists and mappings (YAML aliases) stand for more than :data:`MAX_ALIAS_VALUES` extra values.

    Time and memory are linear in the number of distinct objects: nothing is expanded.
    """
    size: dict[int, int] = {}  # id -> values in the object, expanded
    height: dict[int, int] = {}  # id -> levels of nesting below and including it
    open_ids: set[int] = set()
    written = 0  # values counted once per distinct list or mapping
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        item, leaving = stack.pop()
        key = id(item)
        if leaving:
            open_ids.discard(key)
            children = _children(item)
            size[key] = 1 + sum(size.get(id(c), 1) for c in children)
            height[key] = 1 + max((height.get(id(c), 0) for c in children), default=0)
            written += 1 + sum(1 for c in children if not isinstance(c, (dict, list)))
            continue
        if key in size:
            continue
        if key in open_ids:
            raise ScenarioError(source, [Problem((), "a list or mapping contains itself (a recursive YAML alias); write the values out")], lines)
        open_ids.add(key)
        stack.append((item, True))
        stack.extend((c, False) for c in _children(item) if isinstance(c, (dict, list)))
    if not isinstance(data, (dict, list)):
        return
    if height[id(data)] > MAX_DEPTH:
        path = _deepest_path(data, height)
        raise ScenarioError(source, [Problem(path, f"nested more than {MAX_DEPTH} levels deep; a scenario needs at most 6")], lines)
    if written > MAX_VALUES:
        raise ScenarioError(source, [Problem((), _too_many(written))], lines)
    extra = size[id(data)] - written
    if extra > MAX_ALIAS_VALUES:
        raise ScenarioError(source, [Problem((), (
            f"its aliases (*name) expand to about 10^{int(math.log10(extra))} more values than are written out, "
            f"beyond the limit of {MAX_ALIAS_VALUES:,}; write the values out or use fewer aliases"))], lines)


def _too_many(found: int | None = None) -> str:
    count = f" ({found:,})" if found is not None else ""
    return (f"more than {MAX_VALUES:,} values{count}: numbers, ids, texts, lists and mappings; "
            "a scenario is far smaller, so check that this is the right file")


def _children(item: Any) -> list[Any]:
    if isinstance(item, dict):
        return [*item.keys(), *item.values()]
    if isinstance(item, list):
        return item
    return []


def _deepest_path(data: Any, height: dict[int, int]) -> tuple[Any, ...]:
    """The place where nesting passes MAX_DEPTH levels (following the deepest branch)."""
    path: list[Any] = []
    item = data
    while len(path) <= MAX_DEPTH and isinstance(item, (dict, list)):
        pairs = list(item.items()) if isinstance(item, dict) else list(enumerate(item))
        nested = [(k, v) for k, v in pairs if isinstance(v, (dict, list))]
        if not nested:
            break
        k, item = max(nested, key=lambda kv: height[id(kv[1])])
        path.append(k)
    return tuple(path)


# --------------------------------------------------------------------------- YAML


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """libyaml's parser with PyYAML's safe scalar types, reading 1e9 and 1e-6 as numbers (as YAML 1.2
    and JSON do; YAML 1.1 wants 1.0e+9).  Only its events and scalar constructors are used."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"), list("-+0123456789"))

_MAP, _SEQ, _STR, _MERGE = (f"tag:yaml.org,2002:{t}" for t in ("map", "seq", "str", "merge"))
_MERGE_KEY = object()  # the key '<<' of a merge (``<<: *defaults``)
_MISSING = object()


class ScenarioTooLarge(ValueError):
    """More values than :data:`MAX_VALUES`: refused while reading, before they take memory."""


class _Frame:
    """An open mapping or sequence while the events are read."""

    __slots__ = ("value", "path", "key", "has_key", "anchor", "merges")

    def __init__(self, value: Any, path: tuple[Any, ...], anchor: str | None):
        self.value, self.path, self.anchor = value, path, anchor
        self.key: Any = None
        self.has_key = False
        self.merges: list[Any] = []


def _load_yaml(text: str) -> tuple[Any, dict[tuple[Any, ...], int]]:
    """The document and the line of each mapping key and nested list or mapping, in one pass over
    the parser's events: no node tree is built, aliases share the anchored object, and duplicate
    keys, undefined or recursive aliases and a second document are errors."""
    loader = _Loader(text)
    lines: dict[tuple[Any, ...], int] = {}
    anchors: dict[str, Any] = {}
    open_anchors: set[str] = set()
    stack: list[_Frame] = []
    root: list[Any] = []
    documents = 0
    count = 0
    scalars: dict[tuple[Any, ...], Any] = {}  # the same plain scalar is read once (ids, 0, 1, ...); all are immutable

    def error(message: str, mark: Any) -> yaml.YAMLError:
        return yaml.constructor.ConstructorError(None, None, message, mark)

    def place(value: Any, event: Any, container: bool) -> tuple[Any, ...] | None:
        """Put a value where the parser is; for a list or mapping, return its path."""
        frame = stack[-1] if stack else None
        if value is _MERGE_KEY and (frame is None or isinstance(frame.value, list) or frame.has_key):
            raise error("'<<' merges mappings into a mapping: write it as a key", event.start_mark)
        if frame is None:
            root.append(value)
            lines[()] = event.start_mark.line + 1
            return ()
        if isinstance(frame.value, list):
            path = frame.path + (len(frame.value),)
            frame.value.append(value)
            if container or event.start_mark.line + 1 != lines.get(frame.path):  # a flow list's items share its line
                lines[path] = event.start_mark.line + 1
            return path
        if not frame.has_key:
            if container:
                raise error("a list or mapping as a key; keys are ids", event.start_mark)
            if value is _MERGE_KEY:
                frame.key, frame.has_key = _MERGE_KEY, True
                return None
            try:
                duplicate = value in frame.value
            except TypeError:
                raise error("this key cannot be used as a key; keys are ids", event.start_mark) from None
            if duplicate:
                raise error(f"the key '{value}' is written twice in one mapping; keep one", event.start_mark)
            frame.key, frame.has_key = value, True
            lines[frame.path + (value,)] = event.start_mark.line + 1
            return None
        frame.has_key = False
        if frame.key is _MERGE_KEY:
            frame.merges.append((value, event.start_mark))  # filled in by the time the mapping ends
            return frame.path + ("<<",)
        frame.value[frame.key] = value
        return frame.path + (frame.key,)

    try:
        while loader.check_event():
            event = loader.get_event()
            kind = type(event)
            if kind is yaml.ScalarEvent or kind is yaml.AliasEvent or kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                count += 1
                if count > MAX_VALUES:
                    raise ScenarioTooLarge(_too_many())
            if kind is yaml.ScalarEvent:
                known = (event.value, event.implicit, event.tag)
                value = scalars.get(known, _MISSING)
                if value is _MISSING:
                    value = _scalar(loader, event)
                    if len(scalars) < 100_000 and len(event.value) <= 64:
                        scalars[known] = value
                if event.anchor is not None:
                    anchors[event.anchor] = value
                place(value, event, False)
            elif kind is yaml.AliasEvent:
                if event.anchor not in anchors:
                    raise error(f"the alias *{event.anchor} has no anchor &{event.anchor} before it", event.start_mark)
                if event.anchor in open_anchors:
                    raise error(f"the alias *{event.anchor} is inside what it names (a recursive alias)", event.start_mark)
                place(anchors[event.anchor], event, False)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                mapping = kind is yaml.MappingStartEvent
                if event.tag not in (None, "!", _MAP if mapping else _SEQ):
                    raise error(f"the tag {event.tag} is not used in scenario files; remove it", event.start_mark)
                value = {} if mapping else []
                path = place(value, event, True)
                if event.anchor is not None:
                    anchors[event.anchor] = value
                    open_anchors.add(event.anchor)
                stack.append(_Frame(value, path if path is not None else (), event.anchor))
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                frame = stack.pop()
                if frame.anchor is not None:
                    open_anchors.discard(frame.anchor)
                if frame.merges:
                    _merge(frame, error)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise error("a second document (---); a scenario file holds one", event.start_mark)
    finally:
        loader.dispose()
    return (root[0] if root else None), lines


def _merge(frame: _Frame, error: Any) -> None:
    """``<<: *a`` or ``<<: [*a, *b]``: keys of the merged mappings that the mapping does not write
    itself (the first merged mapping wins), as PyYAML's loader does."""
    merged: dict[Any, Any] = {}
    for value, mark in reversed(frame.merges):
        parts = value if isinstance(value, list) else [value]
        if not all(isinstance(part, dict) for part in parts):
            raise error("'<<' merges a mapping or a list of mappings", mark)
        for part in reversed(parts):
            merged.update(part)
    for key, value in merged.items():
        frame.value.setdefault(key, value)


def _tag(loader: Any, event: Any) -> str:
    if event.tag is None or event.tag == "!":
        resolved: str = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        return resolved
    return str(event.tag)


def _scalar(loader: Any, event: Any) -> Any:
    tag = _tag(loader, event)
    if tag == _STR:
        return event.value
    if tag == _MERGE:
        return _MERGE_KEY
    construct = loader.yaml_constructors.get(tag)
    if construct is None or tag in (_MAP, _SEQ):
        raise yaml.constructor.ConstructorError(None, None, f"the tag {tag} is not used in scenario files; remove it", event.start_mark)
    return construct(loader, yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style))


def _yaml_message(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}" if mark else problem
