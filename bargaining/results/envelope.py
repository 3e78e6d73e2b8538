"""The envelope every result object carries: how it was found, and how far it can be trusted.

Every public method of :class:`~bargaining.BargainingSpace` returns a frozen result object that
derives from :class:`Result`.  Its provenance fields mean the same everywhere:

``complete``
    Nothing was cut short: no time limit, row limit or size cap stopped the work.  False: the
    object holds what was found before it stopped, and ``reason`` says what stopped it.
``exact``
    The numbers are exact (rational arithmetic, enumeration or the exact programme, each answer
    re-checked).  False: something is approximate -- sampled worlds, a grid on a continuous
    axis, or a solver answer that could not be certified -- and ``reason`` says what.
``method``
    What answered: "programme" (the exact dynamic programme), "model" (the mixed-integer model
    and HiGHS), "evaluation" (exact evaluation of given packages, no search), "enumeration",
    "sampling", or several joined by "+".
``reason``
    Why that method ran, or what is approximate or cut short ("" when there is nothing to say).
``seconds``
    Wall-clock seconds the work took.

A result also gives ``.to_frame()`` (a pandas DataFrame), a one-line ``repr`` and
``_repr_html_`` for notebooks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, kw_only=True)
class Result:
    """The provenance fields shared by every result object (keyword-only, so subclasses keep their
    own positional fields)."""

    complete: bool = True
    exact: bool = True
    method: str = ""
    reason: str = ""
    seconds: float = 0.0

    def provenance(self) -> dict[str, Any]:
        """The envelope as plain data (for JSON and tables)."""
        return {"complete": self.complete, "exact": self.exact, "method": self.method, "reason": self.reason,
                "seconds": self.seconds}
