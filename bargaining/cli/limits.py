"""Bounds on every count a user gives the command, checked before any work (and before any allocation).

``--samples``: at most :data:`MAX_SAMPLES`, and no more than fit in :data:`SAMPLES_MEMORY`
by an estimate made from the scenario before anything is drawn: each world holds its draws
(a flag per uncertain red line, a reservation per party with a range, a factor per point of
a party with a spread; with numpy's temporaries, about three copies of 8 bytes each) and, in
the most robust package's model, an indicator and its rows (measured: about 23 kB a world
for data/europe_russia_ukraine.yaml, 10 parties and 33 red lines; estimated here as
:data:`BYTES_PER_ROW` per party and red line).  ``--phases``: more phases than issues cannot
deliver more (each phase that changes anything switches on at least one issue), so a larger
count is planned as that many, with a note.
"""

from __future__ import annotations

import sys

from ..scenario import Scenario
from ..scenario.worlds import slots
from .common import UsageError, say

#: Most sampled worlds (each is solved: a million take hours).
MAX_SAMPLES = 1_000_000
#: The memory the sampled worlds may take, by the estimate below.
SAMPLES_MEMORY = 2 * 2**30
#: Bytes per party and per red line in each world of the most robust package's model (measured ~540).
BYTES_PER_ROW = 700


def world_bytes(scenario: Scenario) -> int:
    """The estimated bytes one sampled world takes (its draws, and its part of the most robust package's model)."""
    lines = sum(r.real is not None for r in scenario.red_lines)
    ranged = sum(p.reservation_range is not None for p in scenario.parties)
    spread = sum(p.points_spread is not None for p in scenario.parties)
    draws = lines + 8 * 3 * (ranged + spread * len(slots(scenario.issues)))
    return draws + BYTES_PER_ROW * (len(scenario.parties) + len(scenario.red_lines) + 1)


def check_samples(scenario: Scenario, samples: int) -> None:
    """Refuse ``--samples`` below 1, above :data:`MAX_SAMPLES`, or whose worlds would not fit in
    :data:`SAMPLES_MEMORY`, before drawing any."""
    if samples < 1:
        raise UsageError(f"--samples must be at least 1, not {samples}")
    if samples > MAX_SAMPLES:
        raise UsageError(f"--samples {samples:,}: at most {MAX_SAMPLES:,} (each world is solved; a million take hours)")
    each = world_bytes(scenario)
    if samples * each > SAMPLES_MEMORY:
        fits = SAMPLES_MEMORY // each
        raise UsageError(
            f"--samples {samples:,}: the sampled worlds would take about {_bytes(samples * each)} here (about "
            f"{_bytes(each)} a world: {len(scenario.parties)} parties, {len(scenario.red_lines)} red lines), more than the "
            f"{_bytes(SAMPLES_MEMORY)} allowed; at most {fits:,} fit: use fewer (1,000 give the chance of a deal within "
            "about 3 percentage points)")


def phases_for(scenario: Scenario, phases: int) -> int:
    """``--phases``, or the number of issues when it is larger (saying so): more phases cannot deliver more."""
    if phases < 1:
        raise UsageError(f"--phases must be at least 1, not {phases}")
    most = max(1, len(scenario.issues))
    if phases <= most:
        return phases
    say(f"note: --phases {phases:,} is more than the {most} issue{'' if most == 1 else 's'}; planning with {most} "
        "(each phase that changes anything switches on an issue, so more phases cannot deliver more)", file=sys.stderr)
    return most


def _bytes(n: int) -> str:
    for unit, size in (("TB", 2**40), ("GB", 2**30), ("MB", 2**20), ("kB", 2**10)):
        if n >= size:
            return f"{n / size:,.1f} {unit}"
    return f"{n} bytes"
