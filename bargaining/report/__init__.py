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
import sys
import time
import types
from pathlib import Path
from typing import Any, Sequence

from markupsafe import Markup

from ..files import OutputPathError, check_output, write_atomic
from ..progress import Progress
from ..scenario import Scenario
from ..space import BargainingSpace
from ..version import __version__
from .context import ReportContext, Section, SectionBuilder, _environment, _plotlyjs
from .sections import SECTIONS

__all__ = ["SECTIONS", "ReportContext", "Section", "SectionBuilder", "render_page", "report", "write_atomic"]


def report(space: BargainingSpace, path: str | os.PathLike[str], *, frontier_time_limit: float | None = 60.0,
           acceptable_limit: int | None = 300, sections: Sequence[SectionBuilder] | None = None,
           uncertainty_samples: int = 200, progress: bool | None = False) -> Path:
    """Write the report of ``space`` to ``path`` (one self-contained HTML file) and return its path.

    ``uncertainty_samples``: the worlds sampled (seed 0) for "How sure is this deal?", shown only
    for scenarios with uncertainty fields (200 by default, so that a report takes seconds, not
    minutes; ``bargaining robustness FILE --samples 1000`` gives tighter intervals).
    ``frontier_time_limit`` bounds the frontier searches (seconds: the frontier, and the frontiers the
    concessions of a closed space open, together) and the most robust package's search; ``acceptable_limit`` the number
    of acceptable packages listed (the report then says "at least N").  ``sections`` replaces
    :data:`SECTIONS`.  Everything is computed before the file is opened; the file is written
    to a temporary name in the same folder and moved into place, so a failure leaves nothing.
    A path that cannot be written, or that is the scenario's own file, is refused
    (:class:`~bargaining.files.OutputPathError`) before anything is computed.
    """
    path = Path(path)
    source = space.scenario.source
    check_output(path, [source] if source and not source.startswith("<") else [], create_folders=True)
    start = time.perf_counter()
    ctx = ReportContext(space, frontier_time_limit=frontier_time_limit, acceptable_limit=acceptable_limit,
                        uncertainty_samples=uncertainty_samples)
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



class _Report(types.ModuleType):
    """``bargaining.report`` is both this package and the function :func:`report`: importing the
    package makes Python bind the package to the name, so the package itself can be called."""

    def __call__(self, space: BargainingSpace, path: str | os.PathLike[str], **options: Any) -> Path:
        return report(space, path, **options)


sys.modules[__name__].__class__ = _Report
