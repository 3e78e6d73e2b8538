"""The report's section "How sure is this deal?": only for scenarios with uncertainty fields
(``real`` on a red line, ``reservation_range``, ``points_spread``)."""

from __future__ import annotations

from markupsafe import Markup

from ..present.uncertainty_figures import acceptance_bars, information_bars
from .context import ReportContext, Section

def has_uncertainty(ctx: ReportContext) -> list[str]:
    """The uncertainty fields the scenario uses (empty: none)."""
    scenario = ctx.scenario
    found = []
    if any(r.real is not None for r in scenario.red_lines):
        found.append("red lines that may not be real")
    if any(p.reservation_range is not None for p in scenario.parties):
        found.append("reservation ranges")
    if any(p.points_spread for p in scenario.parties):
        found.append("points spreads")
    return found


def uncertainty_section(ctx: ReportContext) -> Section | None:
    """The chance of a deal with its interval, each package's acceptance with intervals, the value of
    information ranked, and the most robust package (on ``ctx.uncertainty_samples`` worlds, seed 0)."""
    fields = has_uncertainty(ctx)
    if not fields:
        return None
    space, samples = ctx.space, ctx.uncertainty_samples
    deal = ctx._timed("uncertainty", lambda: space.deal_probability(samples, 0, progress=False))
    # the most robust package first, within the report's time limit (the table below reuses it)
    robust = ctx._timed("uncertainty", lambda: space.most_robust(samples, 0, time_limit=ctx.frontier_time_limit))
    table = ctx._timed("uncertainty", lambda: space.robustness(samples=samples, seed=0, frontier_seconds=0))
    voi = ctx._timed("uncertainty", lambda: space.value_of_information(samples, 0, progress=False))
    if deal.interval is None:  # only real lines are uncertain: every number exact (see "What these findings hinge on")
        body = ctx.render("<p>Red lines may be bluffs or for sale ({{ fields }}). Every number here is exact: a sum over "
                          "every combination of the uncertain lines being real or not; nothing is sampled.</p>"
                          "<p class=\"verdict {{ 'yes' if p >= 0.5 else 'no' }}\">{{ words }}: <strong>{{ expression }}</strong>.</p>",
                          fields=", ".join(fields), p=deal.probability, words=deal.words, expression=deal.expression)
    else:
        low, high = deal.interval
        summary = deal.summary()
        body = ctx.render_template("uncertainty", fields=", ".join(fields), samples=samples, seed=0, probability=deal.probability,
                                   low=low, high=high, gains=list(summary.itertuples()))
    if len(table):
        exact = deal.interval is None
        body += ctx.figure(acceptance_bars(table, None if exact else samples),
                           "Each bar is a package: the stated world's bargaining solutions and the most robust package. " +
                           ("Its length is the exact chance that it is acceptable" if exact else "The black whisker is the 95% interval") +
                           "; hover for the requirement that blocks the package most often.")
    if len(voi):
        body += ctx.figure(information_bars(voi), "Each bar is a question a private channel could ask: is this red line real, "
                           "is this reservation at least what was stated? Its length is how much knowing the answer raises "
                           "the share of worlds in which the package then chosen (the most robust given the answer) is "
                           "accepted. Ask the top one first; questions of equal value are tied (none comes first).")
    if robust is not None and robust.interval is None:
        body += ctx.render("<h3>The most robust package</h3><p>Acceptable with chance {{ share }}: {{ words }}{% if tied %} "
                           "(tied with {{ tied }}){% endif %}. Utilities and gains below are the stated world's.</p>",
                           share=f"{robust.share:.1%}", words=robust.words, tied="; ".join(robust.tied))
    elif robust is not None:
        status = "" if robust.optimal else f" (best found; no package is acceptable in more than {robust.bound:,})"
        body += ctx.render("<h3>The most robust package</h3><p>Acceptable in {{ wins }} of {{ n }} sampled worlds "
                           "({{ share }}){{ status }}. Utilities and gains below are the stated world's.</p>",
                           wins=f"{robust.wins:,}", n=f"{robust.samples:,}", share=f"{robust.share:.1%}", status=status)
    if robust is not None:
        issues = [dict(label=i.label, choices=[ctx.choice_label(i.id, robust.choices[i.id])], differs=False)
                  for i in ctx.scenario.issues]
        body += ctx.render_template("packages", heads=["Most robust"], packages=[robust], issues=issues)
    else:
        body += ctx.render("<p>No package is acceptable in any world.</p>")
    return Section("How sure is this deal?", Markup(body), id="how-sure-is-this-deal")
