"""The report's section "What these findings hinge on" (it opens the findings): the chance of a deal as its
structure in words, the most robust package and the first question with their ties, a tornado figure, and
the break-even table of the stated-world findings when it is computed, inert inputs grouped as inert."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from ..present.sensitivity_figures import tornado_figure
from ..results.exact_uncertainty import percent
from ..results.ties import and_list
from .context import ReportContext, Section


def _sensitivity(ctx: ReportContext) -> Any:
    return ctx._timed("sensitivity", lambda: ctx.space.sensitivity(time_limit=ctx.frontier_time_limit))


def sensitivity_section(ctx: ReportContext) -> Section | None:
    """Only when some input is uncertain (``real``, ``reservation_range``, ``points_spread``) or the break-even
    table is there."""
    scenario = ctx.scenario
    uncertain = any(r.real is not None for r in scenario.red_lines) or any(
        p.reservation_range is not None or p.points_spread for p in scenario.parties)
    result = _sensitivity(ctx)
    if not uncertain and result.break_even is None:
        return None
    deal = result.deal
    body = ctx.render(
        "<p>Every finding below rests on inputs the scenario marks as uncertain. With the reservations and points as "
        "stated, the chance of a deal is exact over every combination of the uncertain red lines being real or not "
        "(nothing is sampled):</p><p class=\"verdict {{ 'yes' if p >= 0.5 else 'no' }}\"><strong>{{ words }}</strong>: "
        "{{ expression }}.</p>{% if blocking %}<p>Minimal blocking sets (if every line of one is real, no package is "
        "acceptable): {% for b in blocking %}{{ b }}{{ '; ' if not loop.last else '.' }}{% endfor %}</p>{% endif %}"
        "{% if incomplete %}<p><strong>Incomplete:</strong> {{ incomplete }}</p>{% endif %}",
        p=deal.probability, words=deal.words, expression=deal.expression, incomplete="" if result.complete else result.reason,
        blocking=[" + ".join(deal.line(k).id for k in group) for group in deal.blocking if group])
    robust = result.most_robust
    if robust is not None:
        body += ctx.render("<p>The most robust package is acceptable with chance <strong>{{ chance }}</strong>: {{ words }}"
                           "{% if tied %} (tied with {{ tied }}){% endif %}.</p>", chance=percent(robust.exact_probability),
                           words=robust.words, tied="; ".join(robust.tied))
    for tie in result.ties:
        body += ctx.render("<p>{{ text }}</p>", text=tie.text)
    if any(not b.inert for b in result.tornado):
        inert = [b.input if b.kind == "real" else f"{b.label} (range)" for b in result.tornado if b.inert]
        body += ctx.figure(tornado_figure(result), "Each row is an uncertain input, moved over its whole range with the "
                           "others held: a red line's probability from 0 to 1, a reservation over its range, a party's "
                           "points scaled by its spread. The bars reach the chance of a deal at each end; hover for where the "
                           "most robust package or the first question changes (exact, checked on both sides)."
                           + (f" Inert (no finding here moves over its whole range): {and_list(inert)}." if inert else ""))
    else:
        body += ctx.render("<p>No uncertain input moves the chance of a deal, the most robust package or the first question "
                           "over its whole range.</p>")
    if result.break_even is not None:
        body += _break_even(ctx, result.break_even)
    return Section("What these findings hinge on", Markup(body), id="what-these-findings-hinge-on")


def _break_even(ctx: ReportContext, table: Any) -> Markup:
    """The break-even table: one row per input that can flip a stated-world finding, inert inputs grouped."""
    frame = table.to_frame()
    inert = set(map(str, table.inert())) if hasattr(table, "inert") else set()
    rows = frame[~frame["input"].astype(str).isin(inert)] if "input" in frame.columns else frame
    return ctx.render("<h3>Break-even values of the stated-world findings</h3>{{ table }}"
                      "{% if inert %}<p>Inert (no finding flips within their range): {{ inert }}.</p>{% endif %}",
                      table=Markup(rows.to_html(index=False, classes="table")), inert=and_list(sorted(inert)))
