"""Progress on long work: a tqdm bar that appears only after two seconds, on a terminal."""

from __future__ import annotations

import sys
from types import TracebackType

from tqdm import tqdm


class Progress:
    """A counter bar for work of unknown length; silent when ``enabled`` is False or stderr is not a terminal."""

    def __init__(self, what: str, enabled: bool | None = None, delay: float = 2.0, total: int | None = None,
                 unit: str = " solves"):
        show = sys.stderr.isatty() if enabled is None else enabled
        self.bar = tqdm(desc=what, unit=unit, delay=delay, disable=not show, leave=False, file=sys.stderr, total=total)

    def update(self, count: int = 1, **status: object) -> None:
        if status:
            self.bar.set_postfix(status, refresh=False)
        self.bar.update(count)

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.bar.close()
