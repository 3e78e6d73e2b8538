"""The chance of a deal for a variant, and what it hinges on.

It gives what ``space.deal_probability`` gives: when the variant's only uncertainty is red lines with ``real``, the
exact chance over every world of them, with its structure in words (a deal exists unless these lines are real) and
the formula; otherwise the share of :data:`SAMPLES` sampled worlds (seed 0, this process only), labelled as sampled,
with its 95% interval.  (The full ``space.sensitivity()``, with the tornado and the break-even table, takes seconds
more: it is ``bargaining sensitivity`` and the report's "What these findings hinge on".)  It runs in a background job
(:mod:`.jobs`) on a space of its own, built from the variant as a file (``variant.apply(scenario)``), so it never
holds the session's model.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..results import DealProbability, ExactDeal, percent, wilson
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
    caveat: str = ""  # why the chance is not proven complete (a time limit, a search left incomplete), if it is not


def deal_answer(scenario: Scenario) -> DealAnswer:
    """The chance of a deal in ``scenario`` (a variant written as a file) and what it hinges on."""
    if not Worlds.sample(scenario, 1).uncertain:
        return DealAnswer("No uncertainty fields: the answers above are the whole story.",
                          "no red line has 'real', no reservation a range, no party a points spread", "", True)
    space = BargainingSpace(scenario, progress=False)
    deal = space.deal_probability(samples=SAMPLES, seed=0, scheduler="serial", progress=False)
    answer = _answer(deal)
    return answer if deal.complete else replace(answer, exact=False, caveat=deal.reason or "the search was cut short")


def _answer(deal: DealProbability | ExactDeal) -> DealAnswer:
    if isinstance(deal, ExactDeal):
        return DealAnswer(f"A deal with chance {percent(deal.probability)}, exactly.",
                          "Exact, not sampled: every combination of the uncertain red lines being real or not, each weighed "
                          "by its 'real' probability (" + deal.reason + ").",
                          f"What it hinges on: {deal.words}: {deal.expression}.", True)
    if deal.drawn is not None:
        return DealAnswer(f"A deal with chance {deal.text}.",
                          f"The red lines exact within each of {SAMPLES} draws (seed 0) of the reservation ranges and points "
                          "spreads: every combination of them being real or not, weighed by its 'real' probability.",
                          f"What it hinges on{'' if deal.drawn.constant else ', with the reservations as stated'}: "
                          f"{deal.drawn.words}.", deal.interval is None)
    low, high = wilson(deal.deals, deal.samples)
    why = f" Sampled because {deal.sampled_whole}." if deal.sampled_whole else ""  # (the red lines' exact analysis stopped)
    return DealAnswer(
        f"A deal in {percent(deal.probability)} of the sampled worlds (95% interval {percent(low)} to {percent(high)}).",
        f"Sampled, not exact: {SAMPLES} worlds drawn with seed 0 from the 'real' probabilities, reservation ranges and "
        f"points spreads; in each, the maxmin package is searched on the model.{why}",
        "What it hinges on: not computed here yet (the sensitivity analysis will name the lines that decide it).",
        False)
