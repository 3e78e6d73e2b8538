"""Scenario files (format 1): parties, issues, points, interactions and red lines.

A scenario is validated in two passes: pydantic checks the shape and the types (unknown
keys are errors, :mod:`.schema`), then :mod:`.references` checks every id a field refers
to.  Every problem names the place in the file and all problems of a file are raised
together as one :class:`ScenarioError` (:mod:`.errors`).  :mod:`.evaluate` evaluates a
package exactly; it is the check every solver answer goes through.
"""

from .core import Requirement, Scenario
from .errors import Problem, ScenarioError, format_path
from .evaluate import Waiver
from .holding import Delivery, HoldingRules, holding_rules
from .numbers import exact, exact_or_id, fraction_gcd
from .schema import PER_UNIT, RATIONALE, Bound, Interaction, Issue, Option, Party, RedLine, Snapback, Threat
from .variant import Variant
from .worlds import STATED, Slot, World, Worlds

__all__ = [
    "PER_UNIT", "RATIONALE", "Bound", "Delivery", "HoldingRules", "Interaction", "Issue", "Option", "Party", "Problem",
    "RedLine", "Requirement", "STATED", "Scenario", "ScenarioError", "Slot", "Snapback", "Threat", "Variant", "Waiver",
    "World", "Worlds", "exact", "exact_or_id", "format_path", "fraction_gcd", "holding_rules",
]
