"""The report's section "How sure is this deal?": only for scenarios with uncertainty fields
(``real`` on a red line, ``reservation_range``, ``points_spread``)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from ..present.uncertainty_figures import acceptance_bars, information_bars
from ..results import ExactDeal, Package, percent, wilson
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
    """The chance of a deal with its interval, each package's acceptance with intervals (the stated world's
    solutions, or in a closed space the deal each concession opens, and the most robust package), the value
    of information ranked, and the most robust package (on ``ctx.samples`` worlds, seed ``ctx.seed``)."""
    fields = has_uncertainty(ctx)
    if not fields:
        return None
    space, samples, seed = ctx.space, ctx.samples, ctx.seed
    # the value of information first: it finds the most robust package on the way, with the robust block's rows in
    # HiGHS once for both (the package and the table below reuse it); the chance of a deal last: its searches may be
    # running alongside (write_report), and none of the others waits for them.  One deadline bounds them all.
    voi = ctx._timed("uncertainty", lambda: space.value_of_information(samples=samples, seed=seed, progress=False))
    robust = ctx._timed("uncertainty", lambda: space.most_robust(samples=samples, seed=seed, time_limit=ctx.time_limit or 0))
    table = ctx._timed("uncertainty", lambda: space.robustness(_compared(ctx, robust), samples=samples, seed=seed))
    deal = ctx._timed("uncertainty", lambda: space.deal_probability(samples=samples, seed=seed, progress=False))
    exact = isinstance(deal, ExactDeal)  # only real lines are uncertain: every number exact (see "What these findings hinge on")
    if isinstance(deal, ExactDeal):
        body = ctx.render("<p>Red lines may be bluffs or for sale ({{ fields }}). Every number here is exact: a sum over "
                          "every combination of the uncertain lines being real or not; nothing is sampled.</p>"
                          "<p class=\"verdict {{ 'yes' if p >= 0.5 else 'no' }}\">{{ words }}: <strong>{{ expression }}</strong>.</p>",
                          fields=", ".join(fields), p=deal.probability, words=deal.words, expression=deal.expression)
    else:
        low, high = wilson(deal.deals, deal.samples)
        summary = deal.summary()
        body = ctx.render_template("uncertainty", fields=", ".join(fields), samples=samples, seed=seed, probability=deal.probability,
                                   chance=deal.text if deal.drawn is not None else "", low=low, high=high,
                                   gains=list(summary.itertuples()))
    if len(table):
        body += ctx.figure(acceptance_bars(table), "Each bar is a package: the stated world's bargaining solutions (in a closed "
                           "space, the deal each concession opens) and the most robust package. " +
                           ("Its length is the exact chance that it is acceptable" if exact else "The black whisker is the 95% interval") +
                           "; hover for the requirement that blocks the package most often.")
    if len(voi):
        body += ctx.figure(information_bars(voi), "Each bar is a question a private channel could ask: is this red line real, "
                           "is this reservation at least what was stated? Its length is how much knowing the answer raises "
                           "the share of worlds in which the package then chosen (the most robust given the answer) is "
                           "accepted. Ask the top one first; questions of equal value are tied (none comes first), and the "
                           "questions whose answer would change nothing share one line.")
    breaks = "" if robust is None else "; ".join(robust.breaks)
    if robust is not None and robust.interval is None:
        body += ctx.render("<h3>The most robust package</h3><p>Acceptable with chance {{ share }}: {{ words }}{% if tied %} "
                           "(tied with {{ tied }}){% endif %}. Utilities and gains below are the stated world's.{% if breaks %} "
                           "As stated, it breaks {{ breaks }}: it is acceptable only in the worlds where that line is not real "
                           "(or is only priced), and is marked below for the party whose line it is.{% endif %}</p>",
                           share=percent(robust.share), words=robust.words, tied="; ".join(robust.tied), breaks=breaks)
    elif robust is not None:
        status = "" if robust.optimal else f" (best found; no package is acceptable in more than {robust.bound:,})"
        body += ctx.render("<h3>The most robust package</h3><p>Acceptable in {{ wins }} of {{ n }} sampled worlds "
                           "({{ share }}){{ status }}. Utilities and gains below are the stated world's.{% if breaks %} As stated, "
                           "it breaks {{ breaks }}: it is acceptable only in the sampled worlds where that line is not real (or is "
                           "only priced), and is marked below for the party whose line it is.{% endif %}</p>",
                           wins=f"{robust.wins:,}", n=f"{robust.samples:,}", share=percent(robust.share), status=status,
                           breaks=breaks)
    if robust is not None:
        issues = [dict(label=i.label, choices=[ctx.choice_label(i.id, robust.choices[i.id])], differs=False)
                  for i in ctx.scenario.issues]
        body += ctx.render_template("packages", heads=["Most robust"], packages=[robust], issues=issues)
    else:
        body += ctx.render("<p>No package is acceptable in any world.</p>")
    return Section("How sure is this deal?", Markup(body), id="how-sure-is-this-deal")


def _compared(ctx: ReportContext, robust: Package | None) -> list[Package]:
    """The packages whose acceptance the chart compares: the stated world's solutions (one per distinct package,
    its labels joined), or in a closed space the maxmin deal of each concession; then the most robust."""
    labelled: dict[tuple[Any, ...], tuple[list[str], Package]] = {}

    def add(label: str, package: Package | None) -> None:
        if package is not None:
            labelled.setdefault(package.key(), ([], package))[0].append(label)

    if ctx.feasible:
        for criterion, package in ctx.solutions.items():
            add(criterion, package)
    else:
        for concession in ctx.opened:
            add(concession.label, concession.package)
    add("most robust", robust)
    return [package.with_(criterion=", ".join(labels)) for labels, package in labelled.values()]
