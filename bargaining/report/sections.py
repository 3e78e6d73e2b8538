"""The report's sections: each a function ``(ctx) -> Section | None`` (None: it does not apply).

Sections for an open space show the solutions, the frontier and where value comes from;
sections for a closed space show why no package is acceptable and what would open it.
:data:`SECTIONS` is the order they appear in.
"""

from __future__ import annotations

from typing import Sequence

from markupsafe import Markup

from ..present import concession_figures, frontier_figures, package_figures
from ..present.conflict_figure import conflict_figure
from ..present.labels import MAX_LINES, MAX_POINTS, criterion_title
from ..results import Acceptable, Frontier, Package
from .context import CRITERION_MEANING, ReportContext, Section, SectionBuilder, fmt
from .holding_section import holding_section
from .sensitivity_section import sensitivity_section
from .uncertainty_section import uncertainty_section


def summary_section(ctx: ReportContext) -> Section:
    """Is there a package every veto party accepts; how many; the frontier's size; the parties."""
    scenario, diagnosis = ctx.scenario, ctx.diagnosis
    veto = [p for p in scenario.parties if p.veto]
    return Section("Summary", ctx.render_template("summary", d=diagnosis, veto=veto,
                                         acceptable_text=_acceptable_text(ctx, ctx.found if diagnosis.feasible else None),
                                         frontier_text=_frontier_text(ctx, ctx.pareto if diagnosis.feasible else None)))


def _acceptable_text(ctx: ReportContext, found: Acceptable | None) -> str:
    if not ctx.feasible:
        return "none"
    if found is None:
        return "not counted: the solver's time limit stopped the search"
    scenario, n = ctx.scenario, len(found)
    if not scenario.discrete_issues:
        return "a continuum: every issue is continuous, so any acceptable package has acceptable neighbours"
    unit = "combinations of discrete options" if scenario.continuous_issues else "packages"
    text = f"{n:,} of the {scenario.package_count():,} possible {unit}"
    if not found.complete:
        text = f"at least {text} (the report stops counting at {n:,})"
    if scenario.continuous_issues:
        text += "; each comes with a range of acceptable amounts for the continuous issues"
    return text


def _frontier_text(ctx: ReportContext, frontier: Frontier | None) -> str:
    if not ctx.feasible:
        return "empty"
    if frontier is None:
        return f"not computed: {ctx.refused}"
    n = len(frontier)
    parts = [f"{n:,} non-dominated utility vector{'' if n == 1 else 's'}"]
    if not frontier.complete:
        parts.append(f"incomplete: the time limit ({fmt(ctx.time_limit)} s) stopped the search, these are the points found so far")
    elif frontier.exact:
        parts.append("complete and exact")
    else:
        parts.append("complete on a grid: a continuous utility axis is cut into cells, at most one point per cell")
    parts.append(f"{frontier.solver_calls:,} solver calls, {fmt(frontier.seconds)} s")
    return "; ".join(parts)


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
    body = ctx.render_template("diagnosis", rows=rows)
    figure = conflict_figure(ctx.diagnosis, scenario)
    if figure is not None:
        body += ctx.figure(figure, "Each column is a requirement of the conflict, each row an option of an issue its red lines "
                                   "name. Red: the red line rules the option out whatever else is chosen; amber: only together "
                                   "with other choices; a reservation's column shows the party's points for the option. The last "
                                   "column is what the conflict leaves open: where every row is red, no package can meet them all.")
    return Section("Why no package is acceptable", body, id="why-no-package-is-acceptable")


def solutions_section(ctx: ReportContext) -> Section | None:
    """The package each bargaining solution recommends, side by side, with utilities and gains."""
    found = {c: p for c, p in ctx.solutions.items() if p is not None}
    if not found:
        return None
    same = len({p.key() for p in found.values()}) == 1
    weighed = [ctx.party_label[p] for p in ctx.space.criteria_parties]
    body = ctx.render_template("solutions", found=found, same=same, weighed=weighed, meaning=CRITERION_MEANING, title=criterion_title)
    body += packages_table(ctx, [criterion_title(c) for c in found], list(found.values()))
    body += ctx.figure(package_figures.gains_by_solution(found, ctx.scenario),
                       "Gain = utility minus reservation: how much better than no agreement each party does.")
    return Section("What each bargaining solution recommends", body)


def packages_table(ctx: ReportContext, heads: Sequence[str], packages: Sequence[Package]) -> Markup:
    """Packages side by side: a column each, a row per issue (shaded where they differ), then each party's utility and gain."""
    issues = []
    for issue in ctx.scenario.issues:
        labels = [ctx.choice_label(issue.id, p.choices[issue.id]) for p in packages]
        issues.append(dict(label=issue.label, choices=labels, differs=len(set(labels)) > 1))
    return ctx.render_template("packages", heads=heads, packages=packages, issues=issues)


def frontier_section(ctx: ReportContext) -> Section | None:
    """The frontier drawn for the number of parties (2-D, 3-D plus pairs, or parallel coordinates)."""
    if not ctx.feasible or ctx.frontier.empty:
        return None
    frontier, scenario = ctx.frontier, ctx.scenario
    parties = frontier_figures.frontier_parties(frontier, scenario)
    acceptable = ctx.acceptable if len(parties) in (2, 3) else None
    figures = frontier_figures.frontier_figures(frontier, scenario, acceptable=acceptable, solutions=ctx.solutions)
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
    limit = MAX_POINTS if len(parties) in (2, 3) else MAX_LINES
    if n > limit:
        extra = f" {limit:,} of the {n:,} frontier packages are drawn, evenly spread along it."
    if acceptable is not None and len(acceptable) > MAX_POINTS:
        extra += f" {MAX_POINTS:,} of the {len(acceptable):,} acceptable packages listed are drawn."
    body = Markup("").join(ctx.figure(fig, caption + extra) for fig, caption in zip(figures, captions))
    if ctx.pareto is not None and not ctx.pareto.complete:
        body = ctx.render('<p class="note">The time limit ({{ limit }} s) stopped the frontier search: the {{ n }} points below are '
                          'those found so far, not the whole frontier. Run the report with a larger <code>--time-limit</code> to '
                          'complete it.</p>', limit=fmt(ctx.time_limit), n=f"{n:,}") + body
    return Section("The Pareto frontier", body)


def concession_section(ctx: ReportContext) -> Section | None:
    """How often each option appears on the frontier: what is settled and what is traded."""
    if not ctx.feasible or ctx.frontier.empty:
        return None
    fig = package_figures.concession_map(ctx.frontier, ctx.scenario)
    return Section("Concession map", ctx.figure(fig, "Each row is an issue, each cell one of its options, shaded by the share of "
                                                     "frontier packages that choose it. A full row is settled on the frontier; "
                                                     "spread rows are where the parties trade."))


def breakdown_section(ctx: ReportContext) -> Section | None:
    """The maxmin package's utility for each party, issue by issue."""
    package = ctx.solutions.get("maxmin")
    if package is None:
        return None
    fig = package_figures.utility_breakdown(package, ctx.scenario)
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
    return Section("The scenario: points and red lines", ctx.render_template("scenario", issues=issues, red_lines=red_lines))


def relaxations_section(ctx: ReportContext) -> Section | None:
    """When nothing is acceptable: every minimal set of requirements to drop, and reservation cuts."""
    if ctx.feasible:
        return None
    found = ctx._timed("relaxations", lambda: ctx.space.relaxations(max_size=3))
    rows = [dict(kind=r.kind, size=r.size, parties=[ctx.party_label.get(p, p) for p in r.parties], requirements=r.label)
            for r in found]
    closed = [str(cut) for cut in ctx.diagnosis.reservation_cuts if cut.cut is None]
    return Section("What would open the bargaining space", ctx.render_template("relaxations", rows=rows, closed=closed))


def opened_section(ctx: ReportContext) -> Section | None:
    """When nothing is acceptable: the maxmin deal each single red-line concession would open."""
    if ctx.feasible:
        return None
    opened = ctx.opened
    if not len(opened):
        return None
    body = ctx.render_template("opened", reservations=any(c.lowered is not None for c in opened))
    body += packages_table(ctx, [c.label for c in opened], [c.package for c in opened])
    figures = concession_figures.concession_figures(opened)
    weighed = ", ".join(ctx.party_label[p] for p in opened.parties)
    captions = [f"Each colour is one concession: its dots are the packages on the Pareto frontier it opens, placed by the gains "
                f"of {weighed} over their stated reservations (0: no deal); its open symbols are the bargaining "
                "solutions (legend). Further out is a bigger deal; nearer the diagonal, a more even one. Hover on a point for "
                "its package. Click a legend entry to hide it.",
                "The same frontiers two parties at a time, the solutions with the symbols above. Drag a box in one panel to "
                "highlight those packages in the others."]
    if len(figures) == 1 and len(opened.parties) != 2:
        captions = [f"Each colour is one concession: each line is a package on the Pareto frontier it opens, across the gains of "
                    f"{weighed} over their stated reservations; the thick lines are its bargaining solutions. Hover for the package."]
    for fig, caption in zip(figures, captions):
        body += ctx.figure(fig, caption)
    cut = [c for c in opened if c.frontier is not None and not c.frontier.complete]
    if cut:
        body += ctx.render('<p class="note">The time limit ({{ limit }} s for the frontier searches together) stopped the search '
                           'of {{ names }}: {{ "that frontier is" if one else "those frontiers are" }} drawn as far as found '
                           '({{ counts }}), not whole; its bargaining solutions are exact. Run the report with a larger '
                           '<code>--time-limit</code> to complete {{ "it" if one else "them" }}.</p>',
                           limit=fmt(ctx.time_limit), names="; ".join(f"“{c.label}”" for c in cut),
                           one=len(cut) == 1, counts=", ".join(f"{len(c.frontier or ())} points" for c in cut))
    return Section("The deal each concession would open", body)


def leverage_section(ctx: ReportContext) -> Section | None:
    """For every issue marked linkable: the space with it frozen at its status quo against it open."""
    linkable = [i for i in ctx.scenario.issues if i.linkable and i.status_quo_choice is not None]
    if not linkable:
        return None
    tables = []
    for issue in linkable:
        found = ctx._timed("leverage", lambda: ctx.space.leverage(issue.id, limit=50))
        rows = [dict(measure=r.measure, party=ctx.party_label.get(r.party, r.party), frozen=found.shown(r.frozen),
                     open=found.shown(r.open), shift=found.shown(r.shift, sign=True)) for r in found.rows()]
        rows = [r for r in rows if r["frozen"] or r["open"]]
        status_quo = ctx.choice_label(issue.id, issue.status_quo_choice)
        tables.append(dict(label=issue.label, status_quo=status_quo, rows=rows))
    return Section("Leverage of linkable issues", ctx.render_template("leverage", tables=tables))


def coalitions_section(ctx: ReportContext) -> Section | None:
    """When some parties are optional: every minimal coalition that opens the space, with its maxmin package's gains."""
    optional = [p for p in ctx.scenario.parties if not p.veto]
    if not optional:
        return None
    found = ctx._timed("coalitions", lambda: ctx.space.coalitions(limit=20))
    rows = [dict(joining=[ctx.party_label[p] for p in c.joining],
                 gains={p: c.package.gains[p] for p in c.members} if c.package else {}) for c in found]
    return Section("Coalitions of the willing", ctx.render_template("coalitions", rows=rows, optional=[p.label for p in optional]))


def phasing_section(ctx: ReportContext) -> Section | None:
    """The maxmin package delivered in three phases with nobody below its reservation after any phase."""
    if not ctx.feasible:
        return None
    plan = ctx._timed("phasing", lambda: ctx.space.phased("maxmin", phases=3))
    package = plan.package
    rows = [dict(phase=t, gains=plan.gains_after(t), moves=plan.moves(t)) for t in range(1, plan.phases + 1)] if package else []
    return Section("A phased deal", ctx.render_template("phasing", rows=rows, found=package is not None,
                                                 same=package is not None and (maxmin := ctx.solutions.get("maxmin")) is not None
                                                 and package.key() == maxmin.key()))


#: The report's sections, in order.  Append builders here (or pass ``sections=``) to add more.
SECTIONS: list[SectionBuilder] = [
    summary_section,
    sensitivity_section,
    diagnosis_section,
    relaxations_section,
    opened_section,
    coalitions_section,
    leverage_section,
    solutions_section,
    uncertainty_section,
    frontier_section,
    concession_section,
    breakdown_section,
    phasing_section,
    holding_section,
    scenario_section,
]


# --------------------------------------------------------------------------- the page
