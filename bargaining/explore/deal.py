"""The chance of a deal for a variant, and what it hinges on: the one function to switch over to
``space.sensitivity()`` (exact probabilities over ``real`` lines, blocking sets, a formula in words) when it lands.

Until then it gives what the current API gives: ``space.deal_probability`` over sampled worlds
(:data:`SAMPLES` worlds, seed 0, this process only), labelled as sampled, with its 95% interval.
It runs in a background job (:mod:`.jobs`) on a space of its own, built from the variant as a
file (``variant.apply(scenario)``), so it never holds the session's model.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..results import percent
from ..scenario import Scenario, Worlds
from ..space import BargainingSpace

SAMPLES = 200


@dataclass(frozen=True)
class DealAnswer:
    """What the page shows under "Chance of a deal"."""

    headline: str
    method: str  # how it was computed, in words (sampled or exact)
    hinges: str  # what it hinges on, in words
    exact: bool


def deal_answer(scenario: Scenario) -> DealAnswer:
    """The chance of a deal in ``scenario`` (a variant written as a file) and what it hinges on."""
    if not Worlds.sample(scenario, 1).uncertain:
        return DealAnswer("No uncertainty fields: the answers above are the whole story.",
                          "no red line has 'real', no reservation a range, no party a points spread", "", True)
    space = BargainingSpace(scenario, progress=False)
    deal = space.deal_probability(samples=SAMPLES, seed=0, scheduler="serial", progress=False)
    low, high = deal.interval
    return DealAnswer(
        f"A deal in {percent(deal.probability)} of the sampled worlds (95% interval {percent(low)} to {percent(high)}).",
        f"Sampled, not exact: {SAMPLES} worlds drawn with seed 0 from the 'real' probabilities, reservation ranges and "
        "points spreads; in each, the maxmin package is searched on the model.",
        "What it hinges on: not computed here yet (the sensitivity analysis will name the lines that decide it).",
        False)
