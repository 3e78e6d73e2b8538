"""The memory a command may use (``--max-memory``), and the checks made before large allocations.

A command sets one budget (:func:`set_budget`; the default is :data:`SHARE` of the memory the machine has
available when it starts).  Work whose size can be estimated before it allocates checks the estimate against it
(:func:`check`, raising :class:`MemoryLimitReached` with what was about to be allocated and why): the programme's
candidate states per stage (:data:`BYTES_PER_STATE` a state and coordinate), the mixed-integer frontier's search
boxes and points.  As a backstop for everything else the command's data segment is capped at the budget
(:func:`cap_process`, Linux's ``RLIMIT_DATA``): an allocation past it raises MemoryError, which the command
reports in one line, instead of the machine's out-of-memory killer ending the process without a word.
Kept free of heavy imports: every layer may use it.
"""

from __future__ import annotations

import os
import re


class MemoryLimitReached(MemoryError):
    """Work would take more memory than the budget allows: refused before it allocates, with what it needed and why."""

#: The default budget: this share of the memory available when the command starts.
SHARE = 0.8
#: Bytes per candidate state and coordinate of the programme, and per state besides (measured: about 125 bytes
#: a candidate with four coordinates, 30x5x4 benchmark: 744k candidates, 92 MB; numpy's temporaries included).
BYTES_PER_STATE, BYTES_PER_COORDINATE = 32, 24
#: Bytes per frontier point held as a package (its choices and exact utilities; measured ~3 kB at 20 issues, 4 parties).
BYTES_PER_POINT_ISSUE, BYTES_PER_POINT_PARTY = 120, 300

_budget: int | None = None


def available() -> int | None:
    """The memory available now (bytes; Linux's MemAvailable, else free pages), None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def default_budget() -> int | None:
    free = available()
    return None if free is None else int(free * SHARE)


def set_budget(limit: int | None) -> None:
    """The budget every check compares with (None: no check)."""
    global _budget
    _budget = limit


def budget() -> int | None:
    return _budget


def check(needed: float, what: str) -> None:
    """Raise MemoryLimitReached when ``needed`` bytes (an estimate made before allocating) exceed the budget."""
    if _budget is not None and needed > _budget:
        raise MemoryLimitReached(f"{what} would take about {size_text(needed)}, more than the {size_text(_budget)} "
                                 "allowed (--max-memory)")


def cap_process(limit: int | None) -> None:
    """Cap this process's data segment at ``limit`` bytes (and its children's: Dask workers, frontier helpers),
    plus what it holds already; nothing where the platform has no such limit."""
    if limit is None:
        return
    try:
        import resource
    except ImportError:  # pragma: no cover (Windows)
        return
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        wanted = limit + _data_now()
        if hard != resource.RLIM_INFINITY:
            wanted = min(wanted, hard)
        if soft == resource.RLIM_INFINITY or wanted < soft:
            resource.setrlimit(resource.RLIMIT_DATA, (wanted, hard))
    except (ValueError, OSError, AttributeError):
        pass


def _data_now() -> int:
    """The data segment this process holds now (Linux: VmData), 0 if unknown."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


_UNITS = {"": 1, "B": 1, "K": 2**10, "KB": 2**10, "M": 2**20, "MB": 2**20, "G": 2**30, "GB": 2**30, "T": 2**40, "TB": 2**40}


def parse_size(text: str) -> int:
    """``--max-memory``: "4G", "500M", "2.5GB", "1000000" (bytes); "0" or "none": no budget (0)."""
    written = text.strip().upper().replace("IB", "B").replace(" ", "")
    if written in ("0", "NONE"):
        return 0
    match = re.fullmatch(r"(\d+(?:\.\d*)?|\.\d+)([KMGT]?B?)", written)
    if not match or match.group(2) not in _UNITS:
        raise ValueError(f"expected a size such as 4G, 500M or 2.5GB (or 0 for no limit), not {text!r}")
    value = float(match.group(1)) * _UNITS[match.group(2)]
    if value < 2**20:
        raise ValueError(f"{text!r} is less than a megabyte; nothing fits in it (0 for no limit)")
    return int(value)


def size_text(n: float) -> str:
    for unit, size in (("TB", 2**40), ("GB", 2**30), ("MB", 2**20), ("kB", 2**10)):
        if n >= size:
            return f"{n / size:,.1f} {unit}"
    return f"{n:,.0f} bytes"
