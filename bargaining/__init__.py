"""bargaining: find every package all parties can accept, the Pareto frontier, and fair points on it."""

from .diagnose import Diagnosis
from .scenario import Scenario, ScenarioError
from .search import Package, TimeLimitReached
from .space import BargainingSpace
from .report import report  # noqa: E402  (after space: report builds on it)

__all__ = ["BargainingSpace", "Diagnosis", "Package", "Scenario", "ScenarioError", "TimeLimitReached", "report"]
__version__ = "0.1.0"
