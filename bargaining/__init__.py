"""bargaining: find every package all parties can accept, the Pareto frontier, and fair points on it."""

from .errors import TimeLimitReached
from .report import report
from .results import Concessions, Diagnosis, Leverage, Package, PhasePlan
from .scenario import Scenario, ScenarioError
from .space import BargainingSpace
from .version import __version__

__all__ = ["BargainingSpace", "Concessions", "Diagnosis", "Leverage", "Package", "PhasePlan", "Scenario", "ScenarioError",
           "TimeLimitReached", "__version__", "report"]
