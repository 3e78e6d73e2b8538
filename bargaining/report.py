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
    return Section("Why no package is acceptable", ctx.render(DIAGNOSIS, rows=rows, notes=note_blocks(ctx.diagnosis.notes)), id="why-no-package-is-acceptable")


DIAGNOSIS = """
{% if rows %}
<p>These {{ rows | length }} requirements cannot all hold in one package. The set is minimal:
dropping (or softening) any one of them opens the bargaining space, with every other reservation and red line still in force.</p>
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
{% if notes %}
<div class="note">
{% for kind, text in notes %}
  {% if kind == "item" %}<li>{{ text }}</li>{% elif kind == "open" %}<ul>{% elif kind == "close" %}</ul>{% else %}<p>{{ text }}</p>{% endif %}
{% endfor %}
</div>
{% endif %}
"""


def note_blocks(notes: Sequence[str]) -> list[tuple[str, str]]:
    """A diagnosis's text notes as blocks: lines starting with "-" become list items, the rest paragraphs."""
    blocks: list[tuple[str, str]] = []
    in_list = False
    for line in notes:
        item = line.strip().startswith("- ")
        if item and not in_list:
            blocks.append(("open", ""))
        if not item and in_list:
            blocks.append(("close", ""))
        in_list = item
        blocks.append(("item", line.strip()[2:]) if item else ("text", line.strip()))
    if in_list:
        blocks.append(("close", ""))
    return blocks


def solutions_section(ctx: ReportContext) -> Section | None:
    """The package each bargaining solution recommends, side by side, with utilities and gains."""
    found = {c: p for c, p in ctx.solutions.items() if p is not None}
    if not found:
        return None
    scenario = ctx.scenario
    issues = []
    for issue in scenario.issues:
        labels = [ctx.choice_label(issue.id, p.choices[issue.id]) for p in found.values()]
        issues.append(dict(label=issue.label, choices=labels, differs=len(set(labels)) > 1))
    same = len({p.key() for p in found.values()}) == 1
    weighed = [ctx.party_label[p] for p in ctx.space.criteria_parties]
    body = ctx.render(SOLUTIONS, found=found, issues=issues, same=same, weighed=weighed, meaning=CRITERION_MEANING,
                      title=plots.criterion_title)
    body += ctx.figure(plots.gains_by_solution(found, scenario),
                       "Gain = utility minus reservation: how much better than no agreement each party does.")
    return Section("What each bargaining solution recommends", body)


SOLUTIONS = """
<p>Each solution picks one acceptable package: {% for c in found %}<strong>{{ title(c) }}</strong> maximises
{{ meaning.get(c, c) }}{{ "; " if not loop.last else ". " }}{% endfor %}
They weigh the gains of {{ weighed | join(", ") }}.
{% if same %}<strong>All of them recommend the same package.</strong>{% else %}Rows where they differ are shaded.{% endif %}</p>
<div class="table-wrap"><table class="solutions">
  <thead><tr><th>Issue</th>{% for c in found %}<th>{{ title(c) }}</th>{% endfor %}</tr></thead>
  <tbody>
  {% for row in issues %}
    <tr{% if row.differs %} class="differs"{% endif %}><td><strong>{{ row.label }}</strong></td>{% for label in row.choices %}<td class="wrap">{{ label }}</td>{% endfor %}</tr>
  {% endfor %}
  <tr class="group"><th colspan="{{ found | length + 1 }}">Utility (gain over reservation)</th></tr>
  {% for p in scenario.parties %}
    <tr><td><span class="swatch" style="background:{{ color[p.id] }}"></span>{{ p.label }}</td>
    {% for c, pkg in found.items() %}<td class="num">{{ fmt(pkg.utilities[p.id]) }} ({{ fmt(pkg.gains[p.id], sign=True) }}){% if p.id not in pkg.signers %} <span class="tag out">stays out</span>{% endif %}</td>{% endfor %}</tr>
  {% endfor %}
  {% if not found.values() | map(attribute="optimal") | min %}
    <tr><td>Proven optimal</td>{% for c, pkg in found.items() %}<td>{{ "yes" if pkg.optimal else "no: best found within the time limit" }}</td>{% endfor %}</tr>
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

#: The report's sections, in order.  Append builders here (or pass ``sections=``) to add more.
SECTIONS: list[SectionBuilder] = [
    summary_section,
    diagnosis_section,
    solutions_section,
    frontier_section,
    concession_section,
    breakdown_section,
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


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder and ``os.replace``:
    readers see the old file or the whole new one, and a failure leaves no file behind."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            _write_chunks(handle, text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _write_chunks(handle: Any, text: str, size: int = 1 << 20) -> None:
    for k in range(0, len(text), size):
        handle.write(text[k:k + size])


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
