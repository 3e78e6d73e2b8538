"""What section builders read: the space and its results, each computed once on first use,
and the helpers that render them (Jinja templates with autoescaping, Plotly figures)."""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from typing import Any, Callable, TypeVar

import jinja2
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from markupsafe import Markup

from ..errors import NumericRangeError, TimeLimitReached
from ..present import labels
from ..results import CRITERIA, Acceptable, Concessions, Diagnosis, Frontier, Package, number, package_columns, percent
from ..scenario import Scenario
from ..space import SAMPLES, BargainingSpace

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "toImageButtonOptions": {"format": "png", "scale": 2}}
CRITERION_MEANING = {
    "maxmin": "the largest smallest gain (egalitarian)",
    "utilitarian": "the largest sum of utilities",
    "nash": "the largest product of gains",
    "kalai": "the largest smallest gain as a share of each party's best possible gain",
}

T = TypeVar("T")


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
    time_limit: float | None = 60.0
    acceptable_limit: int | None = 300
    samples: int = SAMPLES
    seed: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    figures: int = 0
    nonce: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    refused: str = ""  # why the frontier was not computed (numbers the search cannot be trusted with)
    cut: list[str] = field(default_factory=list)  # the sections the report's time limit stopped before any answer

    @property
    def scenario(self) -> Scenario:
        return self.space.scenario

    @property
    def frontier_time_limit(self) -> float | None:
        """The old name of :attr:`time_limit`."""
        return self.time_limit

    @property
    def uncertainty_samples(self) -> int:
        """The old name of :attr:`samples`."""
        return self.samples

    def _timed(self, name: str, compute: Callable[[], T]) -> T:
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
        """criterion -> the package it recommends (None when nothing is acceptable): those the frontier
        search placed on the frontier, the others searched for."""
        if not self.feasible:
            return {c: None for c in CRITERIA}
        placed = dict(self.pareto.solutions) if self.pareto is not None else {}
        return {c: placed[c] if c in placed else self._timed("solutions", lambda: self.space.best(c)) for c in CRITERIA}

    @cached_property
    def opened(self) -> Concessions:
        """When nothing is acceptable: what each minimal concession would open, with its frontier (within the time limit;
        should the limit run out before any concession is found, the concessions without their frontiers, unbounded:
        the report's time limit bounds its frontier searches, the rest runs to the end)."""
        def compute() -> Concessions:
            try:
                return self.space.opened("maxmin", max_size=1, frontier=True, time_limit=self.time_limit or 0)
            except TimeLimitReached:
                return self.space.opened("maxmin", max_size=1, time_limit=0)
        return self._timed("concessions", compute)

    @cached_property
    def found(self) -> Acceptable | None:
        """The acceptable packages (at most ``acceptable_limit``; ``complete`` says if all); None when the
        time limit stopped the search before any was found, or when nothing is acceptable."""
        if not self.feasible:
            return None
        try:
            return self._timed("acceptable", lambda: self.space.acceptable(limit=self.acceptable_limit))
        except TimeLimitReached:
            return None

    @cached_property
    def acceptable(self) -> pd.DataFrame:
        """The acceptable packages' table (empty when there are none, or none was found in time)."""
        if self.found is None:
            return pd.DataFrame(columns=package_columns(self.scenario))
        return self.found.to_frame()

    @cached_property
    def pareto(self) -> Frontier | None:
        """The frontier with the solutions placed on it: the same as ``bargaining frontier`` finds (None:
        nothing is acceptable, or the numbers cannot be trusted to the search: :attr:`refused` says why)."""
        if not self.feasible:
            return None
        try:
            return self._timed("frontier", lambda: self.space.frontier(time_limit=self.time_limit or 0, progress=False))
        except NumericRangeError as error:  # the search cannot be trusted on these numbers: say so, draw nothing
            self.refused = str(error).split(": ", 1)[-1]
            return None

    @cached_property
    def frontier(self) -> pd.DataFrame:
        """The frontier's table (empty when there is none)."""
        if self.pareto is not None:
            return self.pareto.to_frame()
        return pd.DataFrame(columns=[*package_columns(self.scenario), "solution"])

    # ---- rendering helpers
    def render_template(self, name: str, **values: Any) -> Markup:
        """A template of the report (``report/templates/<name>.html.j2``) rendered like :meth:`render`."""
        return self._render(_environment().get_template(f"{name}.html.j2"), values)

    def render(self, source: str, **values: Any) -> Markup:
        """A Jinja2 snippet rendered with autoescaping; ``scenario``, ``party`` (id -> label),
        ``color`` (id -> colour) and ``fmt`` (number format) are always available."""
        return self._render(_environment().from_string(source), values)

    def _render(self, template: jinja2.Template, values: dict[str, Any]) -> Markup:
        return Markup(template.render(scenario=self.scenario, party=self.party_label, color=self.party_color,
                                      fmt=fmt, pct=percent, choice=self.choice_label, sentence=sentence, **values))

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
        return labels.party_colors(self.scenario)

    @cached_property
    def party_label(self) -> dict[str, str]:
        return {p.id: p.label for p in self.scenario.parties}

    def choice_label(self, issue_id: str, choice: Any) -> str:
        return labels.choice_label(self.scenario.issue[issue_id], choice)


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


def fmt(value: float | None, sign: bool = False) -> str:
    """A number for a table (as everywhere, :func:`bargaining.results.number`); empty for None."""
    return "" if value is None else number(value, sign)


# --------------------------------------------------------------------------- sections


_ENV: jinja2.Environment | None = None


def _environment() -> jinja2.Environment:
    global _ENV
    if _ENV is None:
        _ENV = jinja2.Environment(loader=jinja2.FunctionLoader(_template_source), autoescape=True,
                                  undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return _ENV


def _template_source(name: str) -> str:
    return resources.files("bargaining.report").joinpath("templates", name).read_text(encoding="utf-8")


_PLOTLYJS: str | None = None


def _plotlyjs() -> str:
    """plotly.js, as shipped with the plotly package (no CDN); safe inside a <script> element."""
    global _PLOTLYJS
    if _PLOTLYJS is None:
        from plotly.offline import get_plotlyjs

        _PLOTLYJS = get_plotlyjs().replace("</script", "<\\/script")
    return _PLOTLYJS

