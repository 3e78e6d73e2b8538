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
from ..files import OutputPathError, check_output, write_atomic
from ..progress import Progress
from ..scenario import Scenario
from ..space import SAMPLES, BargainingSpace
from ..version import __version__
from .context import ReportContext, Section, SectionBuilder, _environment, _plotlyjs
from .sections import SECTIONS

__all__ = ["SECTIONS", "ReportContext", "Section", "SectionBuilder", "render_page", "write_atomic", "write_report"]


def write_report(space: BargainingSpace, path: str | os.PathLike[str], *, time_limit: float | None = 60.0,
                 acceptable_limit: int | None = 300, sections: Sequence[SectionBuilder] | None = None,
                 samples: int = SAMPLES, seed: int = 0, progress: bool | None = False,
                 frontier_time_limit: float | None = None, uncertainty_samples: int | None = None) -> Path:
    """Write the report of ``space`` to ``path`` (one self-contained HTML file) and return its path.

    ``samples`` and ``seed``: the worlds sampled for "How sure is this deal?" (shown only for
    scenarios with uncertainty fields), the same default as ``space.robustness()`` and ``bargaining
    robustness``.  ``time_limit`` (seconds; None or 0: none) bounds the frontier searches (the
    frontier, and the frontiers the concessions of a closed space open, together) and the most
    robust package's search; ``acceptable_limit`` the number of acceptable packages listed (the
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
    with Progress("report", enabled=progress, total=len(builders), unit=" sections") as bar:  # a bar on a terminal, after 2 s
        for builder in builders:
            bar.update(0, section=getattr(builder, "__name__", "section").removesuffix("_section"))
            built.append(_section(builder(ctx)))
            bar.update(1)
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
