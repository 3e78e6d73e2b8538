"""bargaining: find every package all parties can accept, the Pareto frontier, and fair points on it."""

from .diagnose import Diagnosis
from .scenario import Scenario, ScenarioError
from .search import Package, TimeLimitReached
from .space import BargainingSpace

__all__ = ["BargainingSpace", "Diagnosis", "Package", "Scenario", "ScenarioError", "TimeLimitReached"]
__version__ = "0.1.0"
