"""One self-contained HTML report of a bargaining space.

:func:`report` computes what the report needs (lazily, once: the diagnosis, the bargaining
solutions, the acceptable packages, the frontier), runs each *section builder* in
:data:`SECTIONS` on a :class:`ReportContext`, and writes one HTML file: plotly.js embedded
once, no network access needed, written atomically.

A section builder is a function ``(ctx: ReportContext) -> Section | (title, html) | None``
(``None``: the section does not apply, e.g. the frontier when no package is acceptable).
Add sections by appending to :data:`SECTIONS` or by passing ``sections=[*SECTIONS, mine]``.
Inside a builder, :meth:`ReportContext.render` renders a Jinja2 snippet with autoescaping
(scenario text is data, never markup) and :meth:`ReportContext.figure` embeds a Plotly figure.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Sequence

import jinja2
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from markupsafe import Markup

from . import plots
from .diagnose import Diagnosis
from .files import write_atomic
from .scenario import Scenario
from .search import Package, TimeLimitReached
from .solutions import CRITERIA
from .space import BargainingSpace

#: Plotly's options for every figure: no logo, no link out, resizes with the window.
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "toImageButtonOptions": {"format": "png", "scale": 2}}
CRITERION_MEANING = {
    "maxmin": "the largest smallest gain (egalitarian)",
    "utilitarian": "the largest sum of utilities",
    "nash": "the largest product of gains",
    "kalai": "the largest smallest gain as a share of each party's best possible gain",
}


@dataclass(frozen=True)
class Section:
    """One section of the report: a title (also in the contents) and its HTML body."""

    title: str
    html: Markup
    id: str = ""


SectionBuilder = Callable[["ReportContext"], "Section | tuple[str, str] | None"]


@dataclass
class ReportContext:
    """What section builders read: the space and its results, each computed once on first use."""

    space: BargainingSpace
    frontier_time_limit: float | None = 60.0
    acceptable_limit: int | None = 300
    timings: dict[str, float] = field(default_factory=dict)
    figures: int = 0
    nonce: str = field(default_factory=lambda: secrets.token_urlsafe(18))

    @property
    def scenario(self) -> Scenario:
        return self.space.scenario

    def _timed(self, name: str, compute: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        try:
            return compute()
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start

    # ---- results
    @cached_property
    def diagnosis(self) -> Diagnosis:
        return self._timed("diagnosis", self.space.diagnose)

    @property
    def feasible(self) -> bool:
        return self.diagnosis.feasible

    @cached_property
    def solutions(self) -> dict[str, Package | None]:
        """criterion -> the package it recommends (None when nothing is acceptable)."""
        if not self.feasible:
            return {c: None for c in CRITERIA}
        return self._timed("solutions", lambda: {c: self.space.best(c) for c in CRITERIA})

    @cached_property
    def acceptable(self) -> pd.DataFrame:
        """The acceptable packages (at most ``acceptable_limit``; ``attrs["complete"]`` says if all)."""
        if not self.feasible:
            frame = pd.DataFrame(columns=[i.id for i in self.scenario.issues] + self.scenario.party_ids)
            frame.attrs["complete"] = True
            return frame
        try:
            return self._timed("acceptable", lambda: self.space.acceptable(limit=self.acceptable_limit))
        except TimeLimitReached:
            frame = pd.DataFrame(columns=[i.id for i in self.scenario.issues] + self.scenario.party_ids)
            frame.attrs.update(complete=False, stopped=True)
            return frame

    @cached_property
    def frontier(self) -> pd.DataFrame:
        if not self.feasible:
            frame = pd.DataFrame(columns=[i.id for i in self.scenario.issues] + self.scenario.party_ids + ["solution"])
            frame.attrs.update(complete=True, exact=True, solver_calls=0, seconds=0.0)
            return frame
        return self._timed("frontier", lambda: self.space.frontier(time_limit=self.frontier_time_limit, progress=False, solutions=False))

    # ---- rendering helpers
    def render(self, source: str, **values: Any) -> Markup:
        """A Jinja2 snippet rendered with autoescaping; ``scenario``, ``party`` (id -> label),
        ``color`` (id -> colour) and ``fmt`` (number format) are always available."""
        template = _environment().from_string(source)
        return Markup(template.render(scenario=self.scenario, party=self.party_label, color=self.party_color,
                                      fmt=fmt, choice=self.choice_label, sentence=sentence, **values))

    def figure(self, fig: go.Figure, caption: str | None = None) -> Markup:
        """A Plotly figure as an HTML fragment (plotly.js itself is embedded once, by the page)."""
        self.figures += 1
        height = fig.layout.height or 500
        div = pio.to_html(fig, full_html=False, include_plotlyjs=False, include_mathjax=False, config=PLOTLY_CONFIG,
                          div_id=f"figure-{self.figures}", default_width="100%", default_height=f"{height}px")
        # Plotly writes its own <script> elements (scenario text inside them is JSON with < escaped
        # as \u003c, so every "<script" here is Plotly's): give them the page's nonce.
        div = re.sub(r"<script(?=[\s>])", f'<script nonce="{self.nonce}"', div)
        return self.render("<figure>{{ div }}{% if caption %}<figcaption>{{ caption }}</figcaption>{% endif %}</figure>",
                           div=Markup(div), caption=caption)

    @cached_property
    def party_color(self) -> dict[str, str]:
        return plots.party_colors(self.scenario)

    @cached_property
    def party_label(self) -> dict[str, str]:
        return {p.id: p.label for p in self.scenario.parties}

    def choice_label(self, issue_id: str, choice: Any) -> str:
        return plots.choice_label(self.scenario.issue[issue_id], choice)


def fmt(value: float | None, sign: bool = False) -> str:
    """A number for a table: up to four significant digits, a real minus sign."""
    if value is None:
        return ""
    text = f"{float(value):+,.4g}" if sign else f"{float(value):,.4g}"
    return text.replace("-", "\u2212")


# --------------------------------------------------------------------------- sections


def summary_section(ctx: ReportContext) -> Section:
    """Is there a package every veto party accepts; how many; the frontier's size; the parties."""
    scenario, diagnosis = ctx.scenario, ctx.diagnosis
    frontier = ctx.frontier if diagnosis.feasible else None
    acceptable = ctx.acceptable if diagnosis.feasible else None
    veto = [p for p in scenario.parties if p.veto]
    return Section("Summary", ctx.render(SUMMARY, d=diagnosis, veto=veto, frontier=frontier,
                                         acceptable_text=_acceptable_text(ctx, acceptable),
                                         frontier_text=_frontier_text(ctx, frontier)))


def _acceptable_text(ctx: ReportContext, acceptable: pd.DataFrame | None) -> str:
    if acceptable is None:
        return "none"
    if acceptable.attrs.get("stopped"):
        return "not counted: the solver's time limit stopped the search"
    scenario, n = ctx.scenario, len(acceptable)
    if not scenario.discrete_issues:
        return "a continuum: every issue is continuous, so any acceptable package has acceptable neighbours"
    unit = "combinations of discrete options" if scenario.continuous_issues else "packages"
    text = f"{n:,} of the {scenario.package_count():,} possible {unit}"
    if not acceptable.attrs.get("complete", True):
        text = f"at least {text} (the report stops counting at {n:,})"
    if scenario.continuous_issues:
        text += "; each comes with a range of acceptable amounts for the continuous issues"
    return text


def _frontier_text(ctx: ReportContext, frontier: pd.DataFrame | None) -> str:
    if frontier is None:
        return "empty"
    attrs, n = frontier.attrs, len(frontier)
    parts = [f"{n:,} non-dominated utility vector{'' if n == 1 else 's'}"]
    if not attrs.get("complete", True):
        parts.append(f"incomplete: the time limit ({fmt(ctx.frontier_time_limit)} s) stopped the search, these are the points found so far")
    elif attrs.get("exact", True):
        parts.append("complete and exact")
    else:
        parts.append("complete on a grid: a continuous utility axis is cut into cells, at most one point per cell")
    calls, seconds = attrs.get("solver_calls"), attrs.get("seconds")
    if calls is not None and seconds is not None:
        parts.append(f"{calls:,} solver calls, {seconds:.2f} s")
    return "; ".join(parts)


SUMMARY = """
{% if d.feasible %}
<div class="verdict yes"><strong>Yes:</strong> there are packages that every party with a veto
({% for p in veto %}{{ p.label }}{{ ", " if not loop.last }}{% endfor %}) can accept.</div>
{% else %}
<div class="verdict no"><strong>No:</strong> no package meets every veto party's reservation and red lines.
See <a href="#why-no-package-is-acceptable">why</a>.</div>
{% endif %}
<dl class="facts">
  <dt>Acceptable packages</dt><dd>{{ acceptable_text }}</dd>
  <dt>Pareto frontier</dt><dd>{{ frontier_text }}</dd>
  <dt>Issues</dt><dd>{{ scenario.discrete_issues | length }} discrete{% if scenario.discrete_issues %} ({{ "{:,}".format(scenario.package_count()) }} combinations of options){% endif %}{% if scenario.continuous_issues %}, {{ scenario.continuous_issues | length }} continuous{% endif %};
      {{ scenario.red_lines | length }} red line{{ "" if scenario.red_lines | length == 1 else "s" }}{% if scenario.interactions %}, {{ scenario.interactions | length }} interaction{{ "" if scenario.interactions | length == 1 else "s" }}{% endif %}</dd>
</dl>
<div class="table-wrap"><table class="parties">
  <thead><tr><th>Party</th><th>Veto</th><th class="num">Reservation</th><th>Why (the scenario's rationale)</th></tr></thead>
  <tbody>
  {% for p in scenario.parties %}
    {% set head, rest = sentence(p.rationale) %}
    <tr><td class="name"><span class="swatch" style="background:{{ color[p.id] }}"></span>{{ p.label }}</td>
        <td>{{ "yes" if p.veto else "optional" }}</td>
        <td class="num">{{ fmt(p.reservation) }}</td>
        <td class="wrap">{{ head }}{% if rest %} <details class="more"><summary>more</summary>{{ rest }}</details>{% endif %}</td></tr>
  {% endfor %}
  </tbody>
</table></div>
{% if veto | length < scenario.parties | length %}
<p class="meta">Reservation: what no agreement is worth to the party. An optional party (no veto) takes part only in a
package that meets its reservation and red lines; the bargaining solutions weigh the veto parties' gains.</p>
{% else %}
<p class="meta">Reservation: what no agreement is worth to the party; a package is acceptable when it gives every party at
least that and breaks no red line.</p>
{% endif %}
"""


def sentence(text: str | None, limit: int = 200) -> tuple[str, str]:
    """A text cut after its first sentence (or near ``limit`` characters): (head, the rest)."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text, ""
    cut = text.find(". ", 0, limit)
    if cut < 40:
        cut = text.rfind(" ", 0, limit)
        return text[:cut] + " \u2026", text[cut + 1:]
    return text[:cut + 1], text[cut + 2:]


def diagnosis_section(ctx: ReportContext) -> Section | None:
    """When nothing is acceptable: the requirements that conflict, instead of empty plots."""
    if ctx.feasible:
        return None
    scenario = ctx.scenario
    rows = []
    for requirement in ctx.diagnosis.conflict:
        if requirement.kind == "red_line" and requirement.index is not None:
            why = scenario.red_lines[requirement.index].rationale
            kind = f"red line {requirement.index + 1}"
        else:
            why = scenario.party[requirement.party].rationale if requirement.party in scenario.party else None
            kind = "reservation"
        rows.append(dict(label=requirement.label, kind=kind, party=requirement.party, why=why))
    return Section("Why no package is acceptable", ctx.render(DIAGNOSIS, rows=rows), id="why-no-package-is-acceptable")


DIAGNOSIS = """
{% if rows %}
<p>{% if rows | length == 1 %}This requirement cannot hold in any package.{% else %}These {{ rows | length }} requirements cannot all
hold in one package. The set is irreducible: dropping any one of them removes this conflict (another conflict may remain;
<a href="#what-would-open-the-bargaining-space">the next section</a> lists every way to open the bargaining space).{% endif %}</p>
<ol class="conflict">
{% for r in rows %}
  <li><span class="swatch" style="background:{{ color.get(r.party, '#999') }}"></span><strong>{{ r.label }}</strong>
      <span class="tag">{{ r.kind }}</span>
      {% if r.why %}<br><span class="muted">{{ r.why }}</span>{% endif %}</li>
{% endfor %}
</ol>
{% else %}
<p>No package is acceptable, and no conflicting set of requirements was found.</p>
{% endif %}
"""


def solutions_section(ctx: ReportContext) -> Section | None:
    """The package each bargaining solution recommends, side by side, with utilities and gains."""
    found = {c: p for c, p in ctx.solutions.items() if p is not None}
    if not found:
        return None
    same = len({p.key() for p in found.values()}) == 1
    weighed = [ctx.party_label[p] for p in ctx.space.criteria_parties]
    body = ctx.render(SOLUTIONS, found=found, same=same, weighed=weighed, meaning=CRITERION_MEANING, title=plots.criterion_title)
    body += packages_table(ctx, [plots.criterion_title(c) for c in found], list(found.values()))
    body += ctx.figure(plots.gains_by_solution(found, ctx.scenario),
                       "Gain = utility minus reservation: how much better than no agreement each party does.")
    return Section("What each bargaining solution recommends", body)


SOLUTIONS = """
<p>Each solution picks one acceptable package: {% for c in found %}<strong>{{ title(c) }}</strong> maximises
{{ meaning.get(c, c) }}{{ "; " if not loop.last else ". " }}{% endfor %}
They weigh the gains of {{ weighed | join(", ") }}.
{% if same %}<strong>All of them recommend the same package.</strong>{% else %}Rows where they differ are shaded.{% endif %}</p>
"""


def packages_table(ctx: ReportContext, heads: Sequence[str], packages: Sequence[Package]) -> Markup:
    """Packages side by side: a column each, a row per issue (shaded where they differ), then each party's utility and gain."""
    issues = []
    for issue in ctx.scenario.issues:
        labels = [ctx.choice_label(issue.id, p.choices[issue.id]) for p in packages]
        issues.append(dict(label=issue.label, choices=labels, differs=len(set(labels)) > 1))
    return ctx.render(PACKAGES, heads=heads, packages=packages, issues=issues)


PACKAGES = """
<div class="table-wrap"><table class="solutions">
  <thead><tr><th>Issue</th>{% for h in heads %}<th class="wrap">{{ h }}</th>{% endfor %}</tr></thead>
  <tbody>
  {% for row in issues %}
    <tr{% if row.differs %} class="differs"{% endif %}><td><strong>{{ row.label }}</strong></td>{% for label in row.choices %}<td class="wrap">{{ label }}</td>{% endfor %}</tr>
  {% endfor %}
  <tr class="group"><th colspan="{{ heads | length + 1 }}">Utility (gain over reservation)</th></tr>
  {% for p in scenario.parties %}
    <tr><td><span class="swatch" style="background:{{ color[p.id] }}"></span>{{ p.label }}</td>
    {% for pkg in packages %}<td class="num">{{ fmt(pkg.utilities[p.id]) }} ({{ fmt(pkg.gains[p.id], sign=True) }}){% if p.id not in pkg.signers %} <span class="tag out">stays out</span>{% endif %}</td>{% endfor %}</tr>
  {% endfor %}
  {% if not packages | map(attribute="optimal") | min %}
    <tr><td>Proven optimal</td>{% for pkg in packages %}<td>{{ "yes" if pkg.optimal else "no: best found within the time limit" }}</td>{% endfor %}</tr>
  {% endif %}
  </tbody>
</table></div>
"""


def frontier_section(ctx: ReportContext) -> Section | None:
    """The frontier drawn for the number of parties (2-D, 3-D plus pairs, or parallel coordinates)."""
    if not ctx.feasible or ctx.frontier.empty:
        return None
    frontier, scenario = ctx.frontier, ctx.scenario
    parties = plots.frontier_parties(frontier, scenario)
    acceptable = ctx.acceptable if len(parties) in (2, 3) else None
    figures = plots.frontier_figures(frontier, scenario, acceptable=acceptable, solutions=ctx.solutions)
    n = len(frontier)
    if len(parties) == 2:
        caption = ("Each grey dot is an acceptable package, placed by what it is worth to each party; the dark points are the "
                   "Pareto frontier (no other package is better for one party without being worse for the other). "
                   "Dashed lines: reservations. Hover on a point to see its package.")
        captions = [caption]
    elif len(parties) == 3:
        captions = ["Drag to rotate, scroll to zoom; hover on a point to see its package. Frontier points are shaded by the "
                    "smallest gain among the parties.",
                    "The same packages, two parties at a time. Drag a box in one panel to highlight those packages in the others."]
    else:
        captions = [f"Each blue line is one of the {n:,} packages on the frontier, drawn across the parties' utility axes; "
                    "the coloured lines are the bargaining solutions, the black bars the reservations. Hover on a point to see "
                    "the package."]
    extra = ""
    limit = plots.MAX_POINTS if len(parties) in (2, 3) else plots.MAX_LINES
    if n > limit:
        extra = f" {limit:,} of the {n:,} frontier packages are drawn, evenly spread along it."
    if acceptable is not None and len(acceptable) > plots.MAX_POINTS:
        extra += f" {plots.MAX_POINTS:,} of the {len(acceptable):,} acceptable packages listed are drawn."
    body = Markup("").join(ctx.figure(fig, caption + extra) for fig, caption in zip(figures, captions))
    if not frontier.attrs.get("complete", True):
        body = ctx.render('<p class="note">The time limit stopped the frontier search: the points below are those found so far.</p>') + body
    return Section("The Pareto frontier", body)


def concession_section(ctx: ReportContext) -> Section | None:
    """How often each option appears on the frontier: what is settled and what is traded."""
    if not ctx.feasible or ctx.frontier.empty:
        return None
    fig = plots.concession_map(ctx.frontier, ctx.scenario)
    return Section("Concession map", ctx.figure(fig, "Each row is an issue, each cell one of its options, shaded by the share of "
                                                     "frontier packages that choose it. A full row is settled on the frontier; "
                                                     "spread rows are where the parties trade."))


def breakdown_section(ctx: ReportContext) -> Section | None:
    """The maxmin package's utility for each party, issue by issue."""
    package = ctx.solutions.get("maxmin")
    if package is None:
        return None
    fig = plots.utility_breakdown(package, ctx.scenario)
    return Section("Where the maxmin package's value comes from",
                   ctx.figure(fig, "Each bar stacks the points a party gets from each issue (negative points below zero); the white "
                                   "dot is its utility, the red bar its reservation. Hover on a segment for the option chosen."))


def scenario_section(ctx: ReportContext) -> Section:
    """The scenario as read: every issue's options with each party's points, the red lines."""
    scenario = ctx.scenario
    issues = []
    for issue in scenario.issues:
        if issue.is_continuous:
            low, high = issue.range or (0, 0)
            unit = f" {issue.unit}" if issue.unit else ""
            rows = [dict(label=f"per unit, from {fmt(low)} to {fmt(high)}{unit}", status_quo=issue.status_quo is not None,
                         points=[scenario.points(p, issue.id).get("per_unit") for p in scenario.party_ids])]
        else:
            rows = [dict(label=o.label, status_quo=o.status_quo, points=[scenario.points(p, issue.id).get(o.id) for p in scenario.party_ids])
                    for o in issue.options or []]
        issues.append(dict(label=issue.label, rows=rows))
    red_lines = [dict(text=scenario.describe_red_line(k), party=r.party, why=r.rationale) for k, r in enumerate(scenario.red_lines)]
    return Section("The scenario: points and red lines", ctx.render(SCENARIO, issues=issues, red_lines=red_lines))


SCENARIO = """
<details><summary>Each option's points for each party ({{ issues | length }} issues)</summary>
<div class="table-wrap"><table class="points">
  <thead><tr><th>Option</th>{% for p in scenario.parties %}<th class="num"><span class="swatch" style="background:{{ color[p.id] }}"></span>{{ p.label }}</th>{% endfor %}</tr></thead>
  <tbody>
  {% for issue in issues %}
    <tr class="group"><th colspan="{{ scenario.parties | length + 1 }}">{{ issue.label }}</th></tr>
    {% for row in issue.rows %}
    <tr><td class="wrap">{{ row.label }}{% if row.status_quo %} <span class="tag">status quo</span>{% endif %}</td>
      {% for v in row.points %}<td class="num">{% if v is none %}<span class="muted">0</span>{% else %}{{ fmt(v) }}{% endif %}</td>{% endfor %}</tr>
    {% endfor %}
  {% endfor %}
  </tbody>
</table></div>
</details>
{% if red_lines %}
<details><summary>Red lines ({{ red_lines | length }})</summary>
<ol>
{% for r in red_lines %}
  <li><span class="swatch" style="background:{{ color.get(r.party, '#999') }}"></span>{{ r.text }}{% if r.why %}<br><span class="muted">{{ r.why }}</span>{% endif %}</li>
{% endfor %}
</ol>
</details>
{% endif %}
"""

def relaxations_section(ctx: ReportContext) -> Section | None:
    """When nothing is acceptable: every minimal set of requirements to drop, and reservation cuts."""
    if ctx.feasible:
        return None
    frame = ctx._timed("relaxations", lambda: ctx.space.relaxations(max_size=3))
    rows = [dict(kind=r.kind, size=r.size, parties=[ctx.party_label.get(p, p) for p in str(r.parties).split(", ")],
                 requirements=r.requirements) for r in frame.itertuples()]
    closed = [str(cut) for cut in ctx.diagnosis.reservation_cuts if cut.cut is None]
    return Section("What would open the bargaining space", ctx.render(RELAXATIONS, rows=rows, closed=closed))


RELAXATIONS = """
{% if rows %}
<p>Every minimal way to open the space by dropping up to three requirements (a red line, or a party's reservation),
smallest first, and each veto party's reservation cut that opens it with everything else as written.
"Minimal": drop fewer of the listed requirements and it stays closed.</p>
<div class="table-wrap"><table>
  <thead><tr><th>How</th><th class="num">Size</th><th>Whose</th><th>What changes</th></tr></thead>
  <tbody>
  {% for r in rows %}<tr><td>{{ r.kind }}</td><td class="num">{{ r.size }}</td><td>{{ r.parties | join(", ") }}</td><td class="wrap">{{ r.requirements }}</td></tr>{% endfor %}
  </tbody>
</table></div>
{% else %}
<p>No set of up to three requirements opens the space, and no single reservation cut does.</p>
{% endif %}
{% if closed %}<p class="meta">{{ closed | join("; ") }}.</p>{% endif %}
"""


def opened_section(ctx: ReportContext) -> Section | None:
    """When nothing is acceptable: the maxmin deal each single red-line concession would open."""
    if ctx.feasible:
        return None
    frame = ctx._timed("opened", lambda: ctx.space.opened("maxmin", max_size=1))
    if not len(frame):
        return None
    body = ctx.render(OPENED) + packages_table(ctx, ["Drop " + d for d in frame["dropped"]], frame.attrs["packages"])
    return Section("The deal each concession would open", body)


OPENED = """
<p>For each red line whose removal alone opens the space (reservations as written), the package maxmin picks once it
is dropped: what the concession would buy, and for whom. Rows where the deals differ are shaded.</p>
"""


def leverage_section(ctx: ReportContext) -> Section | None:
    """For every issue marked linkable: the space with it frozen at its status quo against it open."""
    linkable = [i for i in ctx.scenario.issues if i.linkable and i.status_quo_choice is not None]
    if not linkable:
        return None
    tables = []
    for issue in linkable:
        frame = ctx._timed("leverage", lambda: ctx.space.leverage(issue.id, limit=50))
        rows = [dict(measure=r.measure, party=ctx.party_label.get(r.party, r.party), frozen=_cell(r[2]), open=_cell(r[3]),
                     shift=_cell(r[4], sign=True)) for r in frame.itertuples(index=False)]
        rows = [r for r in rows if r["frozen"] or r["open"]]
        status_quo = ctx.choice_label(issue.id, issue.status_quo_choice)
        tables.append(dict(label=issue.label, status_quo=status_quo, rows=rows))
    return Section("Leverage of linkable issues", ctx.render(LEVERAGE, tables=tables))


def _cell(value: Any, sign: bool = False) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return fmt(value, sign=sign)
    return str(value)


LEVERAGE = """
<p>An issue marked <em>linkable</em> is a concession from outside the two sides (for example suspending sanctions). Each
table compares the bargaining space with the issue held at its status quo against the space with it open: whether a
package exists, how many (counted up to 50), each party's best possible gain, and the gains each bargaining solution
gives.</p>
{% for t in tables %}
<h3>{{ t.label }} <span class="tag">status quo: {{ t.status_quo }}</span></h3>
{% if t.rows | length <= 2 and t.rows[0].frozen == "no" and t.rows[0].open == "no" %}
<p>No package is acceptable either way: opening this issue does not open the bargaining space.</p>
{% else %}
<div class="table-wrap"><table>
  <thead><tr><th>Measure</th><th>Party</th><th class="num">Frozen at status quo</th><th class="num">Open</th><th class="num">Shift</th></tr></thead>
  <tbody>
  {% for r in t.rows %}<tr><td>{{ r.measure }}</td><td>{{ r.party }}</td><td class="num">{{ r.frozen }}</td><td class="num">{{ r.open }}</td><td class="num">{{ r.shift }}</td></tr>{% endfor %}
  </tbody>
</table></div>
{% endif %}
{% endfor %}
"""


def coalitions_section(ctx: ReportContext) -> Section | None:
    """When some parties are optional: every minimal coalition that opens the space, with its maxmin package's gains."""
    optional = [p for p in ctx.scenario.parties if not p.veto]
    if not optional:
        return None
    frame = ctx._timed("coalitions", lambda: ctx.space.coalitions(limit=20))
    rows = []
    for r in frame.to_dict("records"):
        members = [p for p in ctx.scenario.party_ids if p in str(r["members"]).split(", ")]
        rows.append(dict(joining=[ctx.party_label[p] for p in str(r["joining"]).split(", ") if p],
                         gains={p: r[p] - ctx.scenario.party[p].reservation for p in members if p in r and r[p] == r[p]}))
    return Section("Coalitions of the willing", ctx.render(COALITIONS, rows=rows, optional=[p.label for p in optional]))


COALITIONS = """
<p>Optional parties ({{ optional | join(", ") }}) take part only in a package that meets their reservation and red lines,
and an issue only they control can move only if one of them takes part. Each row is a <em>minimal</em> coalition that
opens the bargaining space (no smaller one within it does), smallest first, with its maxmin package's gains for the
parties taking part.</p>
{% if rows %}
<div class="table-wrap"><table>
  <thead><tr><th>Joining the veto parties</th><th>Gains in its maxmin package</th></tr></thead>
  <tbody>
  {% for r in rows %}<tr><td>{{ r.joining | join(", ") if r.joining else "nobody: the veto parties alone" }}</td>
    <td class="wrap">{% for p, g in r.gains.items() %}<span class="swatch" style="background:{{ color[p] }}"></span>{{ party[p] }} {{ fmt(g, sign=True) }}{{ ", " if not loop.last }}{% endfor %}</td></tr>{% endfor %}
  </tbody>
</table></div>
{% else %}
<p>No coalition opens the space: the conflict lies among the veto parties themselves.</p>
{% endif %}
"""


def phasing_section(ctx: ReportContext) -> Section | None:
    """The maxmin package delivered in three phases with nobody below its reservation after any phase."""
    if not ctx.feasible:
        return None
    plan = ctx._timed("phasing", lambda: ctx.space.phased(3))
    package = plan.attrs["package"]
    phase_of = plan.attrs.get("phase_of", {})
    rows = [dict(phase=r["phase"], gains={p: r[f"{p} gain"] for p in ctx.scenario.party_ids},
                 moves=[(i.label, ctx.choice_label(i.id, package.choices[i.id])) for i in ctx.scenario.issues if phase_of.get(i.id) == r["phase"]])
            for r in plan.to_dict("records")]
    return Section("A phased deal", ctx.render(PHASING, rows=rows, found=package is not None,
                                                 same=package is not None and ctx.solutions.get("maxmin") is not None
                                                 and package.key() == ctx.solutions["maxmin"].key()))


PHASING = """
<p>So that nobody has to give first and trust: each option is switched on in one phase and kept, issues with an
<em>after</em> order wait for the issues they name, and after every phase each veto party is at least as well off as with
no agreement (gain so far &ge; 0). The plan below is the best such package by the maxmin criterion{% if same %}, which
is also the unphased maxmin package{% endif %}.</p>
{% if found %}
<div class="table-wrap"><table class="phasing">
  <thead><tr><th class="num">Phase</th><th>Switched on</th>{% for p in scenario.parties %}<th class="num"><span class="swatch" style="background:{{ color[p.id] }}"></span>{{ p.label }}</th>{% endfor %}</tr></thead>
  <tbody>
  {% for r in rows %}<tr><td class="num">{{ r.phase }}</td><td class="wrap moves">{% for issue, option in r.moves %}<strong>{{ issue }}:</strong> {{ option }}{% if not loop.last %}<br>{% endif %}{% else %}<span class="muted">nothing new</span>{% endfor %}</td>
    {% for p in scenario.parties %}<td class="num">{{ fmt(r.gains[p.id], sign=True) }}</td>{% endfor %}</tr>{% endfor %}
  </tbody>
</table></div>
<p class="meta">Cells: each party's gain over its reservation after the phase.</p>
{% else %}
<p>No acceptable package can be delivered in three phases without some veto party falling below its reservation on the way.</p>
{% endif %}
"""


#: The report's sections, in order.  Append builders here (or pass ``sections=``) to add more.
SECTIONS: list[SectionBuilder] = [
    summary_section,
    diagnosis_section,
    relaxations_section,
    opened_section,
    coalitions_section,
    leverage_section,
    solutions_section,
    frontier_section,
    concession_section,
    breakdown_section,
    phasing_section,
    scenario_section,
]


# --------------------------------------------------------------------------- the page


def report(space: BargainingSpace, path: str | os.PathLike[str], *, frontier_time_limit: float | None = 60.0,
           acceptable_limit: int | None = 300, sections: Sequence[SectionBuilder] | None = None) -> Path:
    """Write the report of ``space`` to ``path`` (one self-contained HTML file) and return its path.

    ``frontier_time_limit`` bounds the frontier search (seconds); ``acceptable_limit`` the number
    of acceptable packages listed (the report then says "at least N").  ``sections`` replaces
    :data:`SECTIONS`.  Everything is computed before the file is opened; the file is written
    to a temporary name in the same folder and moved into place, so a failure leaves nothing.
    """
    path = Path(path)
    start = time.perf_counter()
    ctx = ReportContext(space, frontier_time_limit=frontier_time_limit, acceptable_limit=acceptable_limit)
    built = [_section(builder(ctx)) for builder in (SECTIONS if sections is None else sections)]
    html = render_page(ctx, [s for s in built if s is not None], time.perf_counter() - start)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, html)
    return path


def render_page(ctx: ReportContext, sections: Sequence[Section], seconds: float) -> str:
    """The whole HTML page around the sections (plotly.js once, in the head, if any figure)."""
    from . import __version__

    scenario = ctx.scenario
    ids: set[str] = set()
    unique = []
    for section in sections:
        base = section.id or _slug(section.title)
        anchor, k = base, 2
        while anchor in ids:
            anchor, k = f"{base}-{k}", k + 1
        ids.add(anchor)
        unique.append(Section(section.title, section.html, anchor))
    plotlyjs = Markup(_plotlyjs()) if ctx.figures else None
    veto = len(scenario.veto_party_ids)
    facts = (f"{len(scenario.parties)} parties ({veto} with a veto) \u00b7 {len(scenario.issues)} issues \u00b7 "
             f"{len(scenario.red_lines)} red lines")
    timing = "Computed in " + ", ".join(f"{name} {s:.2f} s" for name, s in ctx.timings.items())
    timing += f"; {seconds:.2f} s in all."
    description = [p.strip() for p in re.split(r"\n\s*\n", scenario.description) if p.strip()]
    return _environment().get_template("report.html.j2").render(
        title=scenario.name, description=description, facts=facts, sections=unique, plotlyjs=plotlyjs,
        nonce=ctx.nonce, version=__version__, generated=_dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        source=_source_name(scenario), timing=timing)


def _source_name(scenario: Scenario) -> str:
    source = scenario.source or ""
    return "a scenario given in Python" if not source or source.startswith("<") else Path(source).name


def _section(value: Section | tuple[str, str] | None) -> Section | None:
    if value is None or isinstance(value, Section):
        return value
    title, body = value
    return Section(title, body if isinstance(body, Markup) else Markup(body))


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "section"


_ENV: jinja2.Environment | None = None


def _environment() -> jinja2.Environment:
    global _ENV
    if _ENV is None:
        _ENV = jinja2.Environment(loader=jinja2.FunctionLoader(_template_source), autoescape=True,
                                  undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return _ENV


def _template_source(name: str) -> str:
    return resources.files("bargaining").joinpath("templates", name).read_text(encoding="utf-8")


_PLOTLYJS: str | None = None


def _plotlyjs() -> str:
    """plotly.js, as shipped with the plotly package (no CDN); safe inside a <script> element."""
    global _PLOTLYJS
    if _PLOTLYJS is None:
        from plotly.offline import get_plotlyjs

        _PLOTLYJS = get_plotlyjs().replace("</script", "<\\/script")
    return _PLOTLYJS
