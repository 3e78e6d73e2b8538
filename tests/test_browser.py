"""The report in a real browser (headless Chromium through Playwright): it renders, logs no
error, fetches nothing from the network, and scenario text injected into it stays inert text.

Needs Playwright for Python (``pip install -e '.[browser]'``) and Debian's Chromium at
/usr/bin/chromium (``apt-get install chromium``; ``playwright install`` is not used).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_report import INJECTED, small_scenario

from bargaining import BargainingSpace
from bargaining import write_report as report

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("BARGAINING_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed (pip install -e '.[browser]')")
if not CHROMIUM.exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Reports of small scenarios whose every name carries an ``<img onerror=...>`` payload."""
    folder = tmp_path_factory.mktemp("reports")
    cases = {"two": dict(parties=2), "three": dict(parties=3), "four": dict(parties=4),
             "infeasible": dict(parties=3, infeasible=True)}
    return {name: report(BargainingSpace(small_scenario(injected=True, **case), progress=False), folder / f"{name}.html",
                         time_limit=20)
            for name, case in cases.items()}


def hover_first_frontier_point(page) -> str:
    """Move the mouse onto the first frontier point of the 2-D or parallel-coordinates figure and
    return the text of the hover label Plotly draws."""
    x, y = page.evaluate("""() => {
        for (const gd of document.querySelectorAll('.js-plotly-plot')) {
            const k = gd.data.findIndex(t => t.type === 'scatter' && (t.name === 'Pareto frontier' || Array.isArray(t.meta)));
            if (k < 0) continue;
            gd.scrollIntoView({block: 'center'});
            const point = gd.calcdata[k][0];  // the first point, in data coordinates
            const box = gd.getBoundingClientRect(), xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
            return [box.left + xa._offset + xa.c2p(point.x), box.top + ya._offset + ya.c2p(point.y)];
        }
        throw new Error('no frontier figure');
    }""")
    page.mouse.move(x, y)
    page.wait_for_selector(".hoverlayer .hovertext", timeout=3_000)
    return page.locator(".hoverlayer .hovertext").first.text_content() or ""


def open_report(browser, path: Path, plots: int):
    """Open a report offline; return the page, the console errors and any network requests attempted."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    def route(request_route):
        url = request_route.request.url
        if url.startswith("file:"):
            request_route.continue_()
        else:
            requests.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {plots}", timeout=15_000)
    page.wait_for_timeout(300)  # let Plotly finish any deferred drawing (WebGL traces)
    return page, errors, requests


# (counts include the "Will it hold?" margin figure of the plan that holds: one each)
@pytest.mark.parametrize("name, plots", [("two", 5), ("three", 6), ("four", 5)])
def test_report_renders_without_errors_and_stays_inert(browser, reports, tmp_path: Path, name: str, plots: int) -> None:
    page, errors, requests = open_report(browser, reports[name], plots)
    try:
        assert page.locator(".js-plotly-plot").count() == plots
        assert errors == []
        assert requests == []
        assert page.evaluate("window.__pwned") is None
        assert page.locator("img").count() == 0  # the report itself has no images: any <img> was injected
        heading = page.locator("h1").inner_text()
        assert INJECTED in heading  # shown literally, as text
        assert page.get_by_text(INJECTED).first.is_visible()
        # Plotly's own text: the figure's legend and axis titles carry the party names, as text
        assert INJECTED in page.locator(".js-plotly-plot").last.inner_text()
        if name != "three":  # (3-D and scatter-matrix points are WebGL: hover them by hand)
            shown = hover_first_frontier_point(page)
            assert "On the Pareto frontier" in shown and INJECTED in shown
        assert page.evaluate("window.__pwned") is None
        assert page.locator("img").count() == 0
        shot = tmp_path / f"report-{name}.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot: {shot}")
    finally:
        page.close()


def test_infeasible_report_shows_the_conflict_and_what_each_concession_opens(browser, reports, tmp_path: Path) -> None:
    # three parties: the conflict, then the concessions' frontiers in 3-D and pair by pair
    page, errors, requests = open_report(browser, reports["infeasible"], 3)
    try:
        assert errors == [] and requests == []
        assert page.locator(".js-plotly-plot").count() == 3
        conflict = page.locator("ol.conflict li")
        assert conflict.count() == 2
        assert INJECTED in conflict.first.inner_text()
        assert INJECTED in page.locator(".js-plotly-plot").first.inner_text()  # the conflict's column heads, as text
        assert page.evaluate("window.__pwned") is None
        assert page.locator("img").count() == 0
        page.screenshot(path=str(tmp_path / "report-infeasible.png"), full_page=True)
        print(f"screenshot: {tmp_path / 'report-infeasible.png'}")
    finally:
        page.close()


SEED = Path(__file__).resolve().parents[1] / "data" / "europe_russia_ukraine.yaml"


def check_seed_report(browser, path: Path, tmp_path: Path) -> None:
    """The bundled case (no package acceptable): at least four figures -- what the findings hinge on (the
    tornado, first), the conflict and what each concession would open -- render with no console error, and
    hovering a concession's point names it."""
    page, errors, requests = open_report(browser, path, 4)
    try:
        assert errors == [] and requests == []
        assert page.locator(".js-plotly-plot").count() >= 4
        text = page.locator("main").inner_text()
        assert "If Russia drops: Russian administration follows the withdrawal" in text
        figures = page.locator(".js-plotly-plot")
        assert "What the chance of a deal hinges on" in figures.first.inner_text()
        assert "The conflict: what each requirement rules out" in figures.nth(1).inner_text()
        hover = page.evaluate("""() => {
            const gd = [...document.querySelectorAll('.js-plotly-plot')].find(g => g.data.some(t => t.type === 'scatter3d'));
            const trace = gd.data.find(t => t.type === 'scatter3d' && (t.name || '').startsWith('If '));
            return [trace.name, trace.hovertext[0]];
        }""")
        assert hover[0].replace("<br>", " ").startswith("If ") and "on the Pareto frontier it opens" in hover[1]
        page.screenshot(path=str(tmp_path / "report-seed.png"), full_page=True)
        print(f"screenshot: {tmp_path / 'report-seed.png'}")
    finally:
        page.close()


def test_seed_report_renders_its_figures(browser, tmp_path: Path) -> None:
    """Quick: fewer sampled worlds than the command's defaults (same sections)."""
    from bargaining import Scenario

    path = report(BargainingSpace(Scenario.from_yaml(SEED), progress=False), tmp_path / "seed.html",
                  time_limit=0, samples=100)  # no limit: the limit bounds the whole report now, and a cut section has no figure
    check_seed_report(browser, path, tmp_path)


@pytest.mark.slow
def test_the_readme_report_command_renders_its_figures(browser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's first command, as written (default time limit and worlds)."""
    from bargaining.cli import main

    monkeypatch.chdir(SEED.parents[1])
    out = tmp_path / "europe_russia_ukraine.html"
    assert main(["report", "data/europe_russia_ukraine.yaml", "-o", str(out)]) == 0
    check_seed_report(browser, out, tmp_path)
