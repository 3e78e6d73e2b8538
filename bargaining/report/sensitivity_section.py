"""The report's section "What these findings hinge on" (it opens the findings): the chance of a deal as its
structure in words, the most robust package and the first question with their ties, a tornado figure, the
break-even table of the stated-world findings, and every inert input in one list."""

from __future__ import annotations

from markupsafe import Markup

from ..present.sensitivity_figures import tornado_figure
from ..results import BreakEvenTable, Sensitivity, frame_html, number, percent
from ..results.ties import and_list
from .context import ReportContext, Section


def _sensitivity(ctx: ReportContext) -> Sensitivity:
    return ctx._timed("sensitivity", lambda: ctx.space.sensitivity(time_limit=ctx.time_limit or 0, progress=False))


def sensitivity_section(ctx: ReportContext) -> Section | None:
    """Only when some input is uncertain (``real``, ``reservation_range``, ``points_spread``) or the break-even
    table is there."""
    scenario = ctx.scenario
    uncertain = any(r.real is not None for r in scenario.red_lines) or any(
        p.reservation_range is not None or p.points_spread for p in scenario.parties)
    result = _sensitivity(ctx)
    if not uncertain and (result.break_even is None or not result.break_even.rows):
        return None
    deal = result.deal
    body = Markup("")
    if uncertain:
        body += ctx.render(
            "<p>Every finding below rests on inputs the scenario marks as uncertain. With the reservations and points as "
            "stated, the chance of a deal is exact over every combination of the uncertain red lines being real or not "
            "(nothing is sampled):</p><p class=\"verdict {{ 'yes' if p >= 0.5 else 'no' }}\"><strong>{{ words }}</strong>: "
            "{{ expression }}.</p>{% if blocking %}<p>Minimal blocking sets (if every line of one is real, no package is "
            "acceptable): {% for b in blocking %}{{ b }}{{ '; ' if not loop.last else '.' }}{% endfor %}</p>{% endif %}",
            p=deal.probability, words=deal.words, expression=deal.expression,
            blocking=[" + ".join(deal.line(k).id for k in group) for group in deal.blocking if group])
    else:
        body += ctx.render("<p>No input of this scenario is marked uncertain (<code>real</code>, <code>reservation_range</code>, "
                           "<code>points_spread</code>): every finding rests on the stated numbers, and below is how far each "
                           "of them can move before a finding flips.</p>")
    if result.exact_deal_over_ranges is not None:
        low, high = result.exact_deal_over_ranges
        body += ctx.render("<p>With every probability anywhere in its <code>real_range</code> at once, the chance of a deal "
                           "runs from <strong>{{ low }}</strong> to <strong>{{ high }}</strong> (its extremes are at the ranges' "
                           "corners: the chance is multilinear in the probabilities).</p>", low=percent(low), high=percent(high))
    if not result.complete:
        body += ctx.render("<p><strong>Incomplete:</strong> {{ reason }}</p>", reason=result.reason)
    robust = result.most_robust
    if robust is not None and uncertain:
        body += ctx.render("<p>The most robust package is acceptable with chance <strong>{{ chance }}</strong>: {{ words }}"
                           "{% if tied %} (tied with {{ tied }}){% endif %}.</p>", chance=percent(robust.exact_probability),
                           words=robust.words, tied="; ".join(robust.tied))
    for tie in result.ties:
        body += ctx.render("<p>{{ text }}</p>", text=tie.text)
    if any(not b.inert for b in result.tornado):
        body += ctx.figure(tornado_figure(result), "Each row is an uncertain input, moved over its whole range with the "
                           "others held: a red line's probability from 0 to 1, a reservation over its range, a party's "
                           "points scaled by its spread. The bars reach the chance of a deal at each end; hover for where the "
                           "most robust package or the first question changes (exact, checked on both sides). The inputs "
                           "that move nothing are listed below, with the other inert numbers.")
    elif result.tornado:
        body += ctx.render("<p>No uncertain input moves the chance of a deal, the most robust package or the first question "
                           "over its whole range.</p>")
    if result.break_even is not None:
        body += _break_even(ctx, result.break_even)
    inert = result.inert_frame()
    if len(inert):
        names = list(dict.fromkeys(str(row.label) for row in inert.itertuples()))
        body += ctx.render("<h3>Inert</h3><p>Over its whole range, none of these moves the chance of a deal, the most robust "
                           "package, the first question or any stated-world finding: {{ names }}.</p>", names=and_list(names))
    return Section("What these findings hinge on", Markup(body), id="what-these-findings-hinge-on")


def _break_even(ctx: ReportContext, table: BreakEvenTable) -> Markup:
    """The break-even table: one row per finding, number and direction that flips within its range (numbers by the one
    rule); the inert numbers are in the one list of inert inputs."""
    frame = table.to_frame()
    flips = frame[frame["flip"].notna()][["finding_words", "label", "stated", "direction", "flip", "headroom", "verified"]]
    flips = flips.rename(columns={"finding_words": "finding", "label": "number"})
    unused = table.inert()
    unused = unused[unused["why"] != "no finding flips within the range"]
    beyond = "; ".join(f"{r.finding_words}: {r.label} {number(r.stated)} would flip it at {number(r.beyond)}"
                       for r in frame[frame["flip"].isna() & frame["beyond"].notna()].itertuples())
    return ctx.render("<h3>Break-even values of the stated-world findings</h3><p>Each number moved alone over its range, "
                      "everything else as written: where the finding flips (exact, verified by the engine on both sides; "
                      "docs/break-even.md).</p>{% if flips %}{{ table }}{% else %}<p>No number flips a stated-world finding "
                      "within its range.</p>{% endif %}{% if beyond %}<p>Beyond their ranges (where a finding would flip if the number "
                      "left its range): {{ beyond }}.</p>{% endif %}{% if unused %}<p>Not analysed in the stated world: {{ unused }}.</p>"
                      "{% endif %}{% if incomplete %}<p><strong>Incomplete:</strong> {{ incomplete }}</p>{% endif %}",
                      flips=len(flips), table=Markup(frame_html(flips)), beyond=beyond, incomplete="" if table.complete else table.reason,
                      unused="; ".join(f"{r.label} ({r.why})" for r in unused.itertuples()))
