"""The Dash app of ``bargaining explore``: the page, its callbacks, its headers, and the server that runs it.

Flow of one change: a control changes -> the background jobs of the variant shown stop (the ``changed`` store,
set in the browser) and :func:`answer` (the live answers, on the session's
model) -> the ``applied`` store takes the variant's query -> the address bar shows it (in the
browser), :func:`frontier` draws the frontier, and then the background job for the chance of a deal
starts (not beside the frontier: on two cores its process slowed the frontier's callback).  Opening a link (or Back) runs :func:`load` first, which sets the controls from the URL.
(Nothing feeds the URL component from the answers: a loop controls -> answers -> URL -> controls
would make Dash hold every new change until the background job ends.)

Every asset is served by the app itself (``serve_locally``; no CDN), under a Content-Security-Policy
that allows only the app's own scripts and the hashes of Dash's inline ones; scenario text is only
ever a component's text.
"""

from __future__ import annotations

import html as markup
import logging
import os
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

from dash import ALL, Dash, Input, Output, State, ctx, html, no_update, set_props
from dash.exceptions import PreventUpdate

from .. import plots
from ..errors import SolverFailed
from ..scenario import Scenario, Variant
from ..scenario.variant import line_key
from .answers import Answers, live_answers, live_frontier
from .jobs import Jobs, deal_job, frontier_job, report_job
from .layout import AS_WRITTEN, FIXED, FRONTIER_HIDDEN, FRONTIER_SHOWN, page
from .sessions import Sessions, new_id
from .state import LineControl, file_line, from_query, to_query, variant_from_controls
from .view import answers_view, banners

#: Seconds the report's frontier searches may take (as ``bargaining report --time-limit``).
REPORT_TIME_LIMIT = 60.0
CONTROLS = [Output({"type": "line-state", "key": ALL}, "value"), Output({"type": "line-price", "key": ALL}, "value"),
            Output({"type": "line-real", "key": ALL}, "value"), Output({"type": "reservation", "party": ALL}, "value"),
            Output("coalition-mode", "value"), Output("coalition", "value"), Output("frozen", "value")]


SYNC_ADDRESS = """function (query) {
    if (typeof query === "string" && window.location.search !== query) {
        window.history.pushState(null, "", query || window.location.pathname);
    }
    return "";
}"""


#: The frontier's two graphs, their figures and their boxes' styles (see :func:`drawn`).
FRONTIER_GRAPHS = [Output("frontier", "figure", allow_duplicate=True), Output("frontier-box", "style", allow_duplicate=True),
                   Output("frontier-flat", "figure", allow_duplicate=True), Output("frontier-flat-box", "style", allow_duplicate=True)]


def drawn(figure: Any) -> list[Any]:
    """The outputs :data:`FRONTIER_GRAPHS` for ``figure`` (None: both hidden).  The 3-D frontier has a graph of its own,
    kept while another kind shows: a 3-D scene drawn into a graph that showed another kind is built anew, about 0.4 s
    in Chromium (the p95 of the benchmark's changes), against 20-50 ms to redraw one in place."""
    if figure is None:
        return [no_update, FRONTIER_HIDDEN, no_update, FRONTIER_HIDDEN]
    if any(trace["type"] == "scatter3d" for trace in figure["data"]):
        return [figure, FRONTIER_SHOWN, no_update, FRONTIER_HIDDEN]
    return [no_update, FRONTIER_HIDDEN, figure, FRONTIER_SHOWN]


def live_key(variant: Variant) -> str:
    """What the live answers depend on: the variant without its probabilities (they change only the chance of a deal)."""
    return to_query(replace(variant, real={}))


def policy(hashes: list[str]) -> str:
    """The Content-Security-Policy: the app's own scripts and Dash's inline ones (by hash), nothing from elsewhere."""
    scripts = " ".join(hashes)  # Dash quotes them: 'sha256-...'
    return ("default-src 'none'; script-src 'self' " + scripts + " 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
            "frame-ancestors 'none'")


def warm_figures() -> None:
    """Build one small figure of each kind the frontier is drawn as, so that the first frontier a page waits for does not
    pay Plotly's first-use costs (its validators and the template: measured 212 ms for the bundled case's first 3-D
    figure, 74 ms after this); run on a thread as the server starts."""
    import plotly.graph_objects as go

    for trace in (go.Scatter3d(x=[1], y=[1], z=[1]), go.Scatter(x=[1], y=[1]), go.Parcoords(dimensions=[{"values": [1]}])):
        go.Figure(trace, layout={"template": "plotly_white", "scene": {"xaxis": {"range": [0, 1]}}}).to_plotly_json()


def create_app(scenario: Scenario, *, sessions: Sessions | None = None) -> tuple[Dash, Jobs]:
    """The app for ``scenario`` and its background-job manager (close it when the app stops)."""
    jobs = Jobs()
    sessions = sessions or Sessions(scenario)
    app = Dash(__name__, title="bargaining explore: " + markup.escape(scenario.name), update_title=None,  # type: ignore[arg-type]
               assets_folder=str(Path(__file__).parent / "assets"), serve_locally=True, background_callback_manager=jobs.manager,
               suppress_callback_exceptions=False)
    app.layout = lambda: page(scenario, new_id())
    keys = [line_key(scenario, k) for k in range(len(scenario.red_lines))]

    @app.callback(*CONTROLS, Output("notice", "children"), Input("url", "search"), State("applied", "data"))
    def load(search: str | None, applied: str | None) -> Any:
        """The controls as the URL says (nothing when the URL only echoes the answers shown)."""
        if applied is not None and (search or "") == applied:
            raise PreventUpdate
        if applied is None and not search:  # the page as first served: its controls already say what the file says,
            # so none is set (one changed meanwhile stays changed); the notice, empty, starts the first answers
            lines, parties = [no_update] * len(keys), [no_update] * len(scenario.parties)  # (one per control of a kind)
            return lines, lines, lines, parties, no_update, no_update, no_update, []
        variant, ignored = from_query(search or "", scenario)
        states, prices, reals = [], [], []
        for k, key in enumerate(keys):
            state, price, real = file_line(scenario, k)
            change = variant.lines.get(key)
            if isinstance(change, str):
                state = change
            elif change is not None:
                state, price = "priced", change
            states.append(state)
            prices.append(price)
            reals.append(variant.real.get(key, real))
        reservations = [variant.reservations.get(p.id, p.reservation) for p in scenario.parties]
        optional = [p.id for p in scenario.parties if not p.veto]
        mode = AS_WRITTEN if variant.coalition is None else FIXED
        members = optional if variant.coalition is None else list(variant.coalition)
        notice = banners([f"Left out of the link (not understood): {', '.join(ignored)}"] if ignored else [])
        return states, prices, reals, reservations, mode, members, list(variant.frozen), notice

    @app.callback(Output("answers", "children"), Output("applied", "data"), Output("answers-for", "children"),
                  Input({"type": "line-state", "key": ALL}, "value"), Input({"type": "line-price", "key": ALL}, "value"),
                  Input({"type": "line-real", "key": ALL}, "value"), Input({"type": "reservation", "party": ALL}, "value"),
                  Input("coalition-mode", "value"), Input("coalition", "value"), Input("frozen", "value"),
                  Input("notice", "children"), State("session", "data"), prevent_initial_call=True)
    def answer(states: list[Any], prices: list[Any], reals: list[Any], reservations: list[Any], mode: str, members: list[str],
               frozen: list[str], _notice: Any,
               session_id: str) -> Any:  # (the line above continues the arguments)
        """The live answers for the controls' variant, on the session's model (also when only the notice changed: the
        page's first load, which sets no control)."""
        _t0 = time.perf_counter()
        lines: dict[str, LineControl] = {}
        for item, state, price, real in zip(ctx.inputs_list[0], states, prices, reals):
            lines[item["id"]["key"]] = (state, price, real)
        parties = {item["id"]["party"]: value for item, value in zip(ctx.inputs_list[3], reservations)}
        variant, ignored = variant_from_controls(scenario, lines, parties, members or [] if mode == FIXED else None, frozen or [])
        query = to_query(variant)
        notes = [f"Not applied (not a valid value): {x}" for x in ignored]
        session = sessions.get(session_id)
        key = live_key(variant)
        cached = session.cache.get(("answers", key))
        if cached is None:
            ticket = session.ticket("answers")
            with session.lock:
                if session.stale("answers", ticket):
                    raise PreventUpdate
                try:
                    cached = live_answers(session.space, variant, lambda: session.stale("answers", ticket))
                except ValueError as error:  # a variant the model cannot take (said in words)
                    return banners([*notes, str(error)]), query, query
                except SolverFailed as error:  # HiGHS stopped with an error: say so, on the page
                    return banners([*notes, f"The solver failed on this variant: {error}"]), query, query
                if cached is None:
                    raise PreventUpdate
            session.remember(("answers", key), cached)
        _debug("answer", query, _t0)
        return banners(notes) + answers_view(cached), query, query

    # A control changed: the background jobs of the variant shown stop at once (cancel= below), before the new answers
    # are computed, not after (on two cores a job still running slowed the answers' callback).
    app.clientside_callback("function () { return Date.now(); }", Output("changed", "data"),  # type: ignore[no-untyped-call]
                            *[Input(x.component_id, x.component_property) for x in CONTROLS], prevent_initial_call=True)

    # The address follows the answers shown (a new history entry, so Back returns to the previous variant); done in
    # the browser, not through the Location component, which would feed back into load() and the controls.
    app.clientside_callback(SYNC_ADDRESS, Output("address", "children"), Input("applied", "data"),  # type: ignore[no-untyped-call]
                            prevent_initial_call=True)

    @app.callback(*FRONTIER_GRAPHS,
                  Output("frontier-notes", "children", allow_duplicate=True), Output("frontier-for", "children"),
                  Output("frontier-final-for", "children", allow_duplicate=True), Output("refine", "data"),
                  Input("applied", "data"), State("session", "data"), prevent_initial_call=True)
    def frontier(query: str, session_id: str) -> Any:
        """The frontier figure (the report's) for the variant whose answers are shown: on a coarse grid first when an
        issue is continuous (``refine`` then asks the background job for the report's grid)."""
        _t0 = time.perf_counter()
        session = sessions.get(session_id)
        variant, _ = from_query(query, scenario)
        key = live_key(variant)
        answers: Answers | None = session.cache.get(("answers", key))
        if answers is None or not answers.feasible:  # (a newer change has already stopped any older job: cancel=)
            return *drawn(None), [], query, query, no_update
        cached = session.cache.get(("frontier", key))
        if cached is None:
            ticket = session.ticket("frontier")
            with session.lock:
                if session.stale("frontier", ticket):
                    raise PreventUpdate
                found = live_frontier(session.space, variant, coarse=True)
            figure = plots.frontier_figure(found.frontier, solutions=answers.solutions) if found.frontier and len(found.frontier) else None
            cached = (figure, found.notes, found.coarse)
            session.remember(("frontier", key), cached)
        figure, notes, coarse = cached
        _debug("frontier", query, _t0)
        if coarse:  # the final figure comes from the background job
            refine = {"query": query, "solutions": {c: dict(p.choices) for c, p in answers.solutions.items()}}
            return *drawn(figure), banners(notes), query, no_update, refine
        return *drawn(figure), banners(notes), query, query, no_update

    @app.callback(*FRONTIER_GRAPHS,
                  Output("frontier-notes", "children", allow_duplicate=True),
                  Output("frontier-final-for", "children", allow_duplicate=True), Input("refine", "data"), background=True,
                  cancel=[Input("applied", "data"), Input("changed", "data")], interval=250, prevent_initial_call=True,
                  on_error=_failed("The frontier on the report's grid (the coarse one stands)", 6, 4))
    def refined(refine: dict[str, Any]) -> Any:
        """The frontier on the report's grid, after the coarse one (a background job: see :func:`.jobs.frontier_job`)."""
        _t0 = time.perf_counter()
        query = refine["query"]
        found = frontier_job(lambda _: None, scenario, query, refine["solutions"])
        _debug("refined", query, _t0)
        return *drawn(found["figure"]), banners(found["notes"]), query

    # (started once the frontier is drawn, not with the answers: its process would share the two cores with them)
    @app.callback(Output("deal", "children"), Output("deal-for", "children"), Input("frontier-for", "children"), background=True,
                  progress=[Output("deal-progress", "children")], running=[(Output("deal-box", "className"), "running", "")],
                  cancel=[Input("changed", "data")], interval=400, prevent_initial_call=True, on_error=_failed("The chance of a deal", 2, 0, "deal-progress"))
    def deal(set_progress: Any, query: str) -> Any:
        """The chance of a deal (a background job: see :mod:`.deal`)."""
        found = deal_job(set_progress, scenario, query)
        set_progress("")
        parts: list[Any] = [html.P(found["headline"], id="deal-headline"), html.P(found["method"], className="method")]
        if found["caveat"]:
            parts.insert(0, html.Div(f"Not proven complete: {found['caveat']}.", className="banner"))
        elif not found["exact"]:
            parts.insert(0, html.Div("Approximate: sampled worlds, not an exact probability.", className="banner"))
        if found["hinges"]:
            parts.append(html.P(found["hinges"]))
        return parts, query

    @app.callback(Output("download-variant", "data"), Input("save", "n_clicks"), State("applied", "data"), prevent_initial_call=True)
    def save(clicks: int, query: str | None) -> Any:
        """The variant as a scenario file (it passes ``bargaining check``; its description lists the changes)."""
        variant, _ = from_query(query or "", scenario)
        stem = Path(scenario.source).stem if scenario.source and not scenario.source.startswith("<") else "scenario"
        return {"content": variant.apply(scenario).to_yaml(), "filename": f"{stem}-variant.yaml", "type": "text/yaml"}

    @app.callback(Output("download-report", "data"), Input("report", "n_clicks"), State("applied", "data"), background=True,
                  progress=[Output("report-progress", "children")], cancel=[Input("report-cancel", "n_clicks")],
                  running=[(Output("report", "disabled"), True, False), (Output("report-cancel", "disabled"), False, True)],
                  interval=500, prevent_initial_call=True, on_error=_failed("The report", 1, "report-progress"))
    def report(set_progress: Any, clicks: int, query: str | None) -> Any:
        """The full HTML report of the variant (a background job, section by section)."""
        found = report_job(set_progress, scenario, query or "", REPORT_TIME_LIMIT)
        set_progress("")
        return found

    csp: list[str] = []  # computed once, at the first response (every inline script is registered by then)

    @app.server.after_request  # type: ignore[untyped-decorator]
    def headers(response: Any) -> Any:
        if not csp:
            csp.append(policy(list(app.csp_hashes())))
        response.headers["Content-Security-Policy"] = csp[0]
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @app.server.errorhandler(Exception)  # type: ignore[untyped-decorator]
    def refused(error: Exception) -> Any:
        from werkzeug.exceptions import HTTPException

        if isinstance(error, HTTPException):
            return error
        logging.getLogger("bargaining.explore").warning("request refused: %s", type(error).__name__,
                                                        exc_info=bool(os.environ.get("BARGAINING_EXPLORE_DEBUG")))
        return {"error": "the request could not be answered"}, 400

    return app, jobs


def _failed(what: str, outputs: int, shown_in: int | str, progress: str = "") -> Callable[[Exception], Any]:
    """A background callback's ``on_error`` (its job failed to start, raised, or ended without an answer): says on the
    page that ``what`` was not computed and why (the first line of the error; the whole of it in the server's log),
    instead of leaving the page waiting.  ``shown_in``: the index of the output that shows it, or (for a callback
    without such an output) the id of a component to set, which Dash shows only once the job has started; ``progress``:
    the id of the job's progress line, cleared."""
    def show(error: Exception) -> Any:
        logging.getLogger("bargaining.explore").warning("%s: %s", what, error)
        reason = str(error).removeprefix("An error occurred inside a background callback: ").split("\n")[0]
        said = banners([f"{what} was not computed: {reason}."])
        if progress:
            set_props(progress, {"children": ""})
        if isinstance(shown_in, str):
            set_props(shown_in, {"children": said})
        values: list[Any] = [said if k == shown_in else no_update for k in range(outputs)]
        return values if outputs > 1 else values[0]
    return show


def _debug(what: str, query: str, started: float) -> None:
    """With BARGAINING_EXPLORE_DEBUG set: one line per answer on stderr (what, seconds, the variant)."""
    if os.environ.get("BARGAINING_EXPLORE_DEBUG"):
        # the process's own stderr: while a solve runs, Pyomo has sys.stderr captured (for every thread)
        print(f"explore: {what} {time.perf_counter() - started:.3f} s {query}", file=sys.__stderr__, flush=True)
