"""bargaining: find every package all parties can accept, the Pareto frontier, and fair points on it.

The names below are loaded on first use, so that ``import bargaining`` (and ``bargaining
check``) does not pay for Pyomo, HiGHS, pandas and Plotly until they are needed.  ``__all__``
holds every type a public method of :class:`BargainingSpace` returns.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .version import __version__

if TYPE_CHECKING:  # pragma: no cover
    from .errors import TimeLimitReached
    from .report import write_report
    from .results import (
        Acceptable,
        BreakEven,
        BreakEvenTable,
        Change,
        Coalition,
        Coalitions,
        Concession,
        Concessions,
        DealProbability,
        Deviation,
        Diagnosis,
        ExactDeal,
        ExactRobustPackage,
        Fix,
        Frontier,
        HeldPlan,
        Leverage,
        LeverageRow,
        NumericDoubt,
        Package,
        PackageRobustness,
        PhasePlan,
        Question,
        Relaxation,
        Relaxations,
        ReservationCut,
        Result,
        Robustness,
        RobustPackage,
        SampledWorlds,
        SelfEnforcing,
        Sensitivity,
        Stability,
        ThreatCheck,
        Tie,
        TornadoBar,
        UncertainLine,
        ValueOfInformation,
    )
    from .scenario import Scenario, ScenarioError, Variant, World
    from .space import BargainingSpace

_RESULTS = ["Acceptable", "BreakEven", "BreakEvenTable", "Change", "Coalition", "Coalitions", "Concession", "Concessions",
            "DealProbability", "Deviation", "Diagnosis", "ExactDeal", "ExactRobustPackage", "Fix", "Frontier", "HeldPlan",
            "Leverage", "LeverageRow", "NumericDoubt", "Package", "PackageRobustness", "PhasePlan", "Question", "Relaxation",
            "Relaxations", "ReservationCut", "Result", "RobustPackage", "Robustness", "SampledWorlds", "SelfEnforcing",
            "Sensitivity", "Stability", "ThreatCheck", "Tie", "TornadoBar", "UncertainLine", "ValueOfInformation"]
#: Public name -> the module that defines it.
_WHERE = {
    "BargainingSpace": ".space", "Scenario": ".scenario", "ScenarioError": ".scenario", "Variant": ".scenario",
    "World": ".scenario",
    "TimeLimitReached": ".errors", "write_report": ".report", **{name: ".results" for name in _RESULTS},
}
__all__ = sorted([*_WHERE, "__version__"])


def __getattr__(name: str) -> Any:
    if name == "report":  # the package bargaining.report (write_report is the function)
        return importlib.import_module(".report", __name__)
    if name not in _WHERE:
        raise AttributeError(f"module 'bargaining' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name], __name__), name)
    globals()[name] = value
    return value
