"""One self-contained HTML report of a bargaining space.

:func:`write_report` computes what the report needs (lazily, once: the diagnosis, the bargaining
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
import sys
import time
import types
from pathlib import Path
from typing import Any, Sequence

from markupsafe import Markup

from ..arguments import seconds, warn, whole
from ..errors import TimeLimitReached
from ..files import OutputPathError, check_output, write_atomic
from ..progress import Progress
from ..scenario import Scenario
from ..space import SAMPLES, BargainingSpace
from ..version import __version__
from .context import ReportContext, Section, SectionBuilder, _environment, _plotlyjs, fmt
from .sections import SECTIONS

__all__ = ["SECTIONS", "ReportContext", "Section", "SectionBuilder", "render_page", "write_atomic", "write_report"]


def write_report(space: BargainingSpace, path: str | os.PathLike[str], *, time_limit: float | None = 60.0,
                 acceptable_limit: int | None = 300, sections: Sequence[SectionBuilder] | None = None,
                 samples: int = SAMPLES, seed: int = 0, progress: bool | None = False,
                 frontier_time_limit: float | None = None, uncertainty_samples: int | None = None,
                 cut: list[str] | None = None) -> Path:
    """Write the report of ``space`` to ``path`` (one self-contained HTML file) and return its path.

    ``samples`` and ``seed``: the worlds sampled for "How sure is this deal?" (shown only for
    scenarios with uncertainty fields), the same default as ``space.robustness()`` and ``bargaining
    robustness``.  ``time_limit`` (seconds; None or 0: none) bounds the whole report, one deadline for
    every section (a search it stops is marked incomplete where it is shown; a section it stops before
    any answer is listed at the top instead, and in ``cut``, a list given to receive them); ``acceptable_limit`` the number of acceptable packages listed (the
    report then says "at least N").  ``sections`` replaces :data:`SECTIONS`.  Everything is
    computed before the file is opened; the file is written to a temporary name in the same
    folder and moved into place, so a failure leaves nothing.  A path that cannot be written, or
    that is the scenario's own file, is refused (:class:`~bargaining.files.OutputPathError`)
    before anything is computed.
    """
    if frontier_time_limit is not None:
        warn("write_report(frontier_time_limit=...) is write_report(time_limit=...) now")
        time_limit = frontier_time_limit
    if uncertainty_samples is not None:
        warn("write_report(uncertainty_samples=...) is write_report(samples=...) now")
        samples = uncertainty_samples
    time_limit = seconds(time_limit)
    samples, seed = whole(samples, "samples"), whole(seed, "seed", minimum=0)
    path = Path(path)
    source = space.scenario.source
    check_output(path, [source] if source and not source.startswith("<") else [], create_folders=True)
    start = time.perf_counter()
    ctx = ReportContext(space, time_limit=time_limit, acceptable_limit=acceptable_limit, samples=samples, seed=seed)
    builders = list(SECTIONS if sections is None else sections)
    built = []
    with Progress("report", enabled=progress, total=len(builders), unit=" sections") as bar, space.deadline(time_limit), \
            space.deal_alongside(samples=samples, seed=seed):  # (where it pays: on a worker while the sections run here)
        for builder in builders:  # one deadline for the whole report: a section it stops says so, the rest go on
            bar.update(0, section=getattr(builder, "__name__", "section").removesuffix("_section"))
            built.append(_cut_short(ctx, builder))
            bar.update(1)
    if ctx.cut:  # first, so that nobody reads a section left out as a finding
        built.insert(0, Section("Not computed within the time limit", ctx.render(
            "<p class=\"verdict no\">The report's time limit ({{ limit }} s, for the whole report) ran out before these "
            "sections had an answer: {{ names }}. Sections below that were cut short say so where they stand. Write the "
            "report again with a larger time limit (<code>--time-limit</code>, or <code>time_limit=</code>) to see "
            "them.</p>", limit=fmt(ctx.time_limit), names="; ".join(ctx.cut)), id="not-computed"))
    if cut is not None:
        cut[:] = ctx.cut
    html = render_page(ctx, [s for s in built if s is not None], time.perf_counter() - start)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputPathError(f"{path}: cannot create the folder {path.parent} ({error.strerror or error})") from None
    write_atomic(path, html)
    return path


def render_page(ctx: ReportContext, sections: Sequence[Section], seconds: float) -> str:
    """The whole HTML page around the sections (plotly.js once, in the head, if any figure)."""
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
    return _environment().get_template("page.html.j2").render(
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


def _cut_short(ctx: ReportContext, builder: SectionBuilder) -> Section | None:
    """The builder's section; None when the report's time limit stopped it before it had anything to show (its
    name then goes to ``ctx.cut``, listed at the top of the report: a missing section is never an empty answer)."""
    try:
        return _section(builder(ctx))
    except TimeLimitReached as error:
        name = getattr(builder, "__name__", "section").removesuffix("_section").replace("_", " ")
        ctx.cut.append(f"{name} ({error})")
        return None


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "section"



def report(space: BargainingSpace, path: str | os.PathLike[str], **options: Any) -> Path:
    """The old name of :func:`write_report` (for one release)."""
    warn("bargaining.report.report() is bargaining.write_report() now")
    return write_report(space, path, **options)


class _Report(types.ModuleType):
    """For one release, ``bargaining.report(space, path)`` (the package called like the function it once
    was) still writes the report, with a DeprecationWarning: the function is :func:`write_report`."""

    def __call__(self, space: BargainingSpace, path: str | os.PathLike[str], **options: Any) -> Path:
        warn("bargaining.report is the report package; the function is bargaining.write_report(space, path)")
        return write_report(space, path, **options)


sys.modules[__name__].__class__ = _Report
