"""bargaining: find every package all parties can accept, the Pareto frontier, and fair points on it.

The names below are loaded on first use, so that ``import bargaining`` (and ``bargaining
check``) does not pay for Pyomo, HiGHS, pandas and Plotly until they are needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .version import __version__

if TYPE_CHECKING:  # pragma: no cover
    from .errors import TimeLimitReached
    from .report import report
    from .results import Concessions, Diagnosis, Leverage, Package, PhasePlan
    from .scenario import Scenario, ScenarioError
    from .space import BargainingSpace

#: Public name -> the module that defines it.
_WHERE = {
    "BargainingSpace": ".space", "Concessions": ".results", "Diagnosis": ".results", "Leverage": ".results",
    "Package": ".results", "PhasePlan": ".results", "Scenario": ".scenario", "ScenarioError": ".scenario",
    "TimeLimitReached": ".errors", "report": ".report",
}
__all__ = ["BargainingSpace", "Concessions", "Diagnosis", "Leverage", "Package", "PhasePlan", "Scenario", "ScenarioError",
           "TimeLimitReached", "__version__", "report"]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'bargaining' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name], __name__), name)
    if name != "report":  # bargaining.report is also a package; see bargaining/report/__init__.py
        globals()[name] = value
    return value
