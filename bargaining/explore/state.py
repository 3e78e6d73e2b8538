"""The page's state: the controls' values as a :class:`~bargaining.scenario.Variant`, and a variant in the URL.

The query string names only what differs from the file, so a link is short, two equal variants
have equal queries (the query is also the key of the answers' cache), and a link made on one
machine opens the same variant on another.  Keys:

==============  =====================================================================
``l.<line>``    a red line's state: ``hard``, ``dropped``, ``priced`` (at its file price) or a price
``p.<line>``    the probability that a red line is real
``r.<party>``   a party's reservation
``c``           a fixed coalition: the optional parties taking part, comma-separated (empty: none)
``f``           the issues frozen at their status quo, comma-separated
==============  =====================================================================

``<line>`` is the red line's ``id``, or its position in the file (0, 1, ...) when it has none.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence
from urllib.parse import parse_qsl, urlencode

from ..scenario import Scenario, Variant
from ..scenario.variant import DROPPED, HARD, PRICED, line_key

#: The control values of one red line: (state, price, probability real).
LineControl = tuple[str, float | None, float | None]


def _text(value: float) -> str:
    return format(float(value), ".12g")


def file_line(scenario: Scenario, k: int) -> LineControl:
    """A red line's controls as the file has them."""
    red_line = scenario.red_lines[k]
    return (PRICED if red_line.soft else HARD, red_line.price, red_line.real)


def states_for(scenario: Scenario, k: int) -> list[str]:
    """The states a red line can take: a line with a price can be priced; a line soft in the file cannot be hard."""
    red_line = scenario.red_lines[k]
    if red_line.soft:
        return [PRICED, DROPPED]
    return [HARD, PRICED, DROPPED] if red_line.price is not None else [HARD, DROPPED]


def variant_from_controls(scenario: Scenario, lines: Mapping[str, LineControl], reservations: Mapping[str, Any],
                          coalition: Sequence[str] | None, frozen: Sequence[str]) -> tuple[Variant, list[str]]:
    """The variant the controls describe (only what differs from the file), and what was left out as invalid."""
    changed: dict[str, str | float] = {}
    real: dict[str, float] = {}
    ignored: list[str] = []
    for k, red_line in enumerate(scenario.red_lines):
        key = line_key(scenario, k)
        if key not in lines:
            continue
        state, price, probability = lines[key]
        file_state, file_price, file_real = file_line(scenario, k)
        if state not in states_for(scenario, k):
            ignored.append(f"red line {key}: state {state!r}")
        elif state == PRICED and price != file_price:
            if _positive(price):
                changed[key] = float(price)  # type: ignore[arg-type]
            else:
                ignored.append(f"red line {key}: price {price!r} (a price is a number above 0)")
                if file_state != PRICED:
                    changed[key] = PRICED
        elif state != file_state:
            changed[key] = state
        if file_real is not None and probability is not None and probability != file_real:
            if isinstance(probability, (int, float)) and 0 < probability <= 1:
                real[key] = float(probability)
            else:
                ignored.append(f"red line {key}: real {probability!r} (a probability in (0, 1])")
    lowered: dict[str, float] = {}
    for party in scenario.parties:
        value = reservations.get(party.id)
        if value is None or value == party.reservation:
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool) and (value == 0 or 1e-6 <= abs(value) <= 1e9):
            lowered[party.id] = float(value)
        else:
            ignored.append(f"{party.id}: reservation {value!r}")
    optional = [p.id for p in scenario.parties if not p.veto]
    chosen = None if coalition is None else tuple(p for p in optional if p in coalition)
    held = tuple(i.id for i in scenario.issues if i.id in frozen and i.status_quo_choice is not None)
    return Variant(lines=changed, reservations=lowered, real=real, coalition=chosen, frozen=held), ignored


def _positive(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 1e-6 <= value <= 1e9


def to_query(variant: Variant) -> str:
    """The variant as a URL query ("" for the file as written, else "?...")."""
    pairs = [(f"l.{k}", v if isinstance(v, str) else _text(v)) for k, v in variant.lines.items()]
    pairs += [(f"p.{k}", _text(v)) for k, v in variant.real.items()]
    pairs += [(f"r.{p}", _text(v)) for p, v in variant.reservations.items()]
    if variant.coalition is not None:
        pairs.append(("c", ",".join(variant.coalition)))
    if variant.frozen:
        pairs.append(("f", ",".join(variant.frozen)))
    return "?" + urlencode(pairs) if pairs else ""


def from_query(query: str, scenario: Scenario) -> tuple[Variant, list[str]]:
    """The variant a URL query names, and what in it was not understood (left out, with why)."""
    lines: dict[str, LineControl] = {}
    reservations: dict[str, Any] = {}
    coalition: list[str] | None = None
    frozen: list[str] = []
    ignored: list[str] = []
    keys = {line_key(scenario, k): k for k in range(len(scenario.red_lines))}
    for name, value in parse_qsl(query.lstrip("?"), keep_blank_values=True)[:1000]:
        kind, _, key = name.partition(".")
        number = _float(value)
        if kind in ("l", "p") and key in keys:
            state, price, real = lines.get(key, file_line(scenario, keys[key]))
            if value in (HARD, PRICED, DROPPED) and kind == "l":
                state = value
            elif number is None:
                ignored.append(f"{name}={value[:40]!r} (not a number)")
                continue
            elif kind == "p":
                real = number
            else:
                state, price = PRICED, number
            lines[key] = (state, price, real)
        elif kind == "r" and key in scenario.party:
            if number is None:
                ignored.append(f"{name}={value[:40]!r} (not a number)")
            else:
                reservations[key] = number
        elif name == "c":
            coalition = [p for p in value.split(",") if p]
        elif name == "f":
            frozen = [i for i in value.split(",") if i]
        else:
            ignored.append(f"unknown setting {name[:40]!r}")
    variant, invalid = variant_from_controls(scenario, lines, reservations, coalition, frozen)
    return variant, ignored + invalid


def _float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
