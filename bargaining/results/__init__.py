"""Result objects: frozen, exact inside, readable outside (``.to_frame()``, ``repr``, notebook HTML).

Results know the scenario they belong to, never the engine that found them.  Tables are
pandas DataFrames with one row per package: a column per issue (its choice) and one per
party (its utility), see :func:`package_columns`.
"""

from ..criteria import CRITERIA, Criterion, check_criterion
from .analyses import FROZEN, OPEN, Coalition, Leverage, PhasePlan, SpaceMeasures, coalitions_frame
from .break_even import BreakEven, BreakEvenTable
from .diagnosis import Concession, Concessions, Diagnosis, ReservationCut, concession_label
from .frontier import Frontier
from .holding import Deviation, Fix, HeldPlan, SelfEnforcing, Stability, ThreatCheck
from .package import Package, number, package_columns, packages_frame
from .uncertainty import DealProbability, RobustPackage, WorldDeal, share_text, wilson

__all__ = [
    "CRITERIA", "FROZEN", "OPEN", "BreakEven", "BreakEvenTable", "Coalition", "Concession", "Concessions", "Criterion",
    "DealProbability", "Deviation", "Diagnosis", "Fix", "Frontier", "HeldPlan", "Leverage", "Package", "PhasePlan",
    "ReservationCut", "RobustPackage", "SelfEnforcing", "SpaceMeasures", "Stability", "ThreatCheck", "WorldDeal",
    "check_criterion", "coalitions_frame", "concession_label", "number", "package_columns", "packages_frame", "share_text",
    "wilson",
]
