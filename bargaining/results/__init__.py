"""Result objects: frozen, exact inside, readable outside (``.to_frame()``, ``repr``, notebook HTML).

Results know the scenario they belong to, never the engine that found them.  Every result
object derives from :class:`~bargaining.results.envelope.Result` (provenance: complete, exact,
method, reason, seconds).  Tables are pandas DataFrames with one row per package: a column per
issue (its choice) and one per party (its utility), see :func:`package_columns`.

Numbers: floats to read and to put in pandas (``utilities``, ``gains``, ``share``); the exact
values (Fractions) under the same name with ``exact_`` in front (``exact_utilities``,
``exact_gains``, ``exact_choices``, ``exact_reservations``; ``Scenario.exact_utility``).  Text for
people formats numbers with :func:`number` (:mod:`.formatting`).
"""

from ..criteria import CRITERIA, Criterion, check_criterion
from .analyses import FROZEN, OPEN, Coalition, Leverage, LeverageRow, PhasePlan, SpaceMeasures, coalitions_frame
from .break_even import BreakEven, BreakEvenTable
from .diagnosis import Concession, Concessions, Diagnosis, ReservationCut, concession_label
from .envelope import Result
from .exact_uncertainty import DrawnDeal, ExactDeal, ExactRobustPackage, UncertainLine  # noqa: E402 (after RobustPackage)
from .formatting import frame_html, frame_text, number, percent
from .frontier import Frontier
from .holding import Deviation, Fix, HeldPlan, SelfEnforcing, Stability, ThreatCheck
from .package import Package, package_columns, packages_frame
from .sensitivity import Change, Sensitivity, Tie, TornadoBar  # noqa: E402
from .tables import (
    Acceptable,
    Coalitions,
    NumericDoubt,
    PackageRobustness,
    Question,
    Relaxation,
    Relaxations,
    Robustness,
    SampledWorlds,
    ValueOfInformation,
)
from .uncertainty import DealProbability, RobustPackage, WorldDeal, share_text, wilson

__all__ = [
    "CRITERIA", "FROZEN", "OPEN", "Acceptable", "BreakEven", "BreakEvenTable", "Change", "Coalition", "Coalitions",
    "Concession", "Concessions", "Criterion", "DealProbability", "Deviation", "Diagnosis", "DrawnDeal", "ExactDeal",
    "ExactRobustPackage", "Fix", "Frontier", "HeldPlan", "Leverage", "LeverageRow", "NumericDoubt", "Package",
    "PackageRobustness", "PhasePlan", "Question", "Relaxation", "Relaxations", "ReservationCut", "Result", "RobustPackage",
    "Robustness", "SampledWorlds", "SelfEnforcing", "Sensitivity", "SpaceMeasures", "Stability", "ThreatCheck", "Tie",
    "TornadoBar", "UncertainLine", "ValueOfInformation", "WorldDeal", "check_criterion", "coalitions_frame",
    "concession_label", "frame_html", "frame_text", "number", "package_columns", "packages_frame", "percent",
    "share_text", "wilson",
]
