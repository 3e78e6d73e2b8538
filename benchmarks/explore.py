"""``bargaining explore`` under a real browser and under many sessions (a benchmark, not a test).

    python benchmarks/explore.py                       # both parts on the bundled case
    python benchmarks/explore.py --changes 50 --sessions 20 --seconds 60 --seed 1

Part 1, latency: a real ``bargaining explore`` server (a subprocess on 127.0.0.1) and headless Chromium
through Playwright.  The page opens on the README's walkthrough (Moscow's administration demand
priced), then ``--changes`` random control changes follow, each a new variant: a red line's state, a
priced line's price, a reservation (the file's +/- 10), a probability, a linkable issue frozen or
opened, who takes part.  Per change: the time from the change (the click, or Enter in a number field)
until the page shows the new variant's answers (existence, the conflict or the solutions), then its
frontier figure (first drawn on a coarse grid when an issue is continuous, and says so), then the final
frontier figure (on the report's grid, from a background job); the ``answers-for``, ``frontier-for`` and
``frontier-final-for`` markers equal the variant's query (the expected query is computed here with the
page's own functions).  Printed: percentiles of both, split by the
answer (open or closed).  Target: p95 of the second (all answers, the frontier included) under 500 ms; the third
says when the frontier on the report's grid replaced a coarse one.  The first two are also printed on the page's own
clock (from the trusted click or Enter to the first frame painted after the marker changed: without the driver's
round trips and polling).  ``--server-log FILE`` writes each change's times beside the server's line per request.

Part 1b, changes while the background jobs run (``--quick N``): N pairs of changes (Moscow's administration demand
priced at one price, then 0.3 s later at the next); the time from the second change to its answers and frontier,
while the first change's background jobs would still be running (a change stops them: the ``changed`` store).

Part 2, sessions: ``--sessions`` clients on loopback for ``--seconds``, each with its own session id
and its own random walk, sending the page's own callback requests (captured from the browser: the live
answers, then the frontier) as fast as the server answers.  Checked for every response: no error, it
is for the client's own variant (the query it echoes) and it says what the API says for that variant
(the headline, and the maxmin package's first issues, computed here on a model of our own): a
response with another session's answer counts as "mixed".  Printed: requests, errors, mixed, latency
percentiles, and the server's memory (its process and children, RSS) at the start, after the first
10 s and at the end.

The machine's load average is printed with each table: timings on a shared machine are upper bounds.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import psutil
from explore_server import Server, where_all

from bargaining import BargainingSpace, Scenario
from bargaining.explore.state import LineControl, file_line, states_for, to_query, variant_from_controls
from bargaining.scenario.variant import line_key

CASE = ROOT / "data" / "europe_russia_ukraine.yaml"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run"]


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def percentiles(values: list[float]) -> str:
    values = [v for v in values if v == v]  # (not NaN: a marker the page's clock did not see change)
    if not values:
        return "-"
    ordered = sorted(values)
    q = statistics.quantiles(ordered, n=20, method="inclusive") if len(ordered) > 1 else [ordered[0]] * 19
    return f"{len(ordered):>3}  p50 {1000 * statistics.median(ordered):7.0f}  p95 {1000 * q[18]:7.0f}  max {1000 * ordered[-1]:7.0f}"


def table(rows: list[tuple[Any, ...]], first: int) -> None:
    """Percentiles of the answers, the frontier and the final frontier (columns ``first`` to ``first + 2`` of each row),
    over open, closed and all variants."""
    for state in ("open", "closed", None):
        chosen = [r for r in rows if state is None or r[1] == state]
        name = state or "all"
        for k, what in enumerate(("answers shown", "+ frontier drawn", "+ final frontier")):
            print(f"{what:<20}{name:>8}  {percentiles([r[first + k] for r in chosen])}")


class Walk:
    """The controls' state, changed at random one control at a time (the page's own rules make the query)."""

    def __init__(self, scenario: Scenario, rng: random.Random):
        self.scenario, self.rng = scenario, rng
        self.lines: dict[str, LineControl] = {line_key(scenario, k): file_line(scenario, k) for k in range(len(scenario.red_lines))}
        self.reservations = {p.id: p.reservation for p in scenario.parties}
        self.optional = [p.id for p in scenario.parties if not p.veto]
        self.coalition: list[str] | None = None
        self.ticked = list(self.optional)  # the checklist keeps its ticks while the mode is "as written"
        self.linkable = [i.id for i in scenario.issues if i.linkable and i.status_quo_choice is not None]
        self.frozen: list[str] = []
        self.lines["ru_donbas_admin"] = ("priced", self.lines["ru_donbas_admin"][1], self.lines["ru_donbas_admin"][2])

    def query(self) -> str:
        variant, _ = variant_from_controls(self.scenario, self.lines, self.reservations, self.coalition, self.frozen)
        return to_query(variant)

    def change(self) -> tuple[str, Any]:
        """One random change that makes a new variant: (kind, what to do on the page)."""
        before = self.query()
        while True:
            kind = self.rng.choice(["line", "line", "line", "price", "reservation", "real", "frozen", "coalition"])
            action = getattr(self, "_" + kind)()
            if action is not None and self.query() != before:
                return kind, action

    def _line(self) -> Any:
        k = self.rng.randrange(len(self.scenario.red_lines))
        key = line_key(self.scenario, k)
        state, price, real = self.lines[key]
        choices = [s for s in states_for(self.scenario, k) if s != state]
        new = self.rng.choice(choices)
        self.lines[key] = (new, price, real)
        return ("radio", key, new)

    def _price(self) -> Any:
        priced = [k for k, (s, _, _) in self.lines.items() if s == "priced"]
        if not priced:
            return None
        key = self.rng.choice(priced)
        value = float(self.rng.randint(1, 40))
        self.lines[key] = ("priced", value, self.lines[key][2])
        return ("number", f'[id*=\'"key":"{key}"\'][id*="line-price"]', value)

    def _reservation(self) -> Any:
        party = self.rng.choice(self.scenario.parties)
        value = round(party.reservation + self.rng.uniform(-10, 10), 1)
        self.reservations[party.id] = value
        return ("number", f'[id*=\'"party":"{party.id}"\']', value)

    def _real(self) -> Any:
        uncertain = [line_key(self.scenario, k) for k, r in enumerate(self.scenario.red_lines) if r.real is not None]
        key = self.rng.choice(uncertain)
        value = self.rng.choice([0.1, 0.3, 0.5, 0.7, 0.9, 1.0])
        self.lines[key] = (self.lines[key][0], self.lines[key][1], value)
        return ("number", f'[id*=\'"key":"{key}"\'][id*="line-real"]', value)

    def _frozen(self) -> Any:
        issue = self.rng.choice(self.linkable)
        held = issue in self.frozen
        self.frozen = [i for i in self.frozen if i != issue] if held else [*self.frozen, issue]
        return ("check", f'#frozen input[value="{issue}"]', "off" if held else "on")

    def _coalition(self) -> Any:
        if self.coalition is None or self.rng.random() < 0.3:
            fixed = self.coalition is None
            self.coalition = list(self.ticked) if fixed else None
            return ("radio-id", "coalition-mode", "fixed" if fixed else "as written")
        party = self.rng.choice(self.optional)
        member = party in self.ticked
        self.ticked = [p for p in self.ticked if p != party] if member else [p for p in self.optional if p in self.ticked or p == party]
        self.coalition = list(self.ticked)
        return ("check", f'#coalition input[value="{party}"]', "off" if member else "on")


def act(page: Any, action: Any) -> None:
    kind, target, value = action
    if kind == "radio":
        page.locator(f'[id*=\'"key":"{target}"\'][id*="line-state"] input[value="{value}"]').check(force=True)
    elif kind == "radio-id":
        page.locator(f'#{target} input[value="{value}"]').check(force=True)
    elif kind == "check":
        box = page.locator(target)
        box.uncheck(force=True) if value == "off" else box.check(force=True)
    else:
        field = page.locator(f"input{target}, {target} input").first
        field.fill(f"{value:g}", force=True)
        field.press("Enter")


#: Installed in the page before its own scripts: the page's clock at the last trusted click or Enter (the control change as
#: the page receives it), and at the first frame painted after each marker took a new text (the answers shown).
PAGE_CLOCK = """
window.__changed = null; window.__seen = {};
const note = (e) => { if (e.isTrusted && (e.type === 'click' || e.key === 'Enter')) window.__changed = performance.now(); };
document.addEventListener('click', note, true);
document.addEventListener('keydown', note, true);
new MutationObserver(() => {
    for (const id of ['answers-for', 'frontier-for', 'frontier-final-for']) {
        const e = document.getElementById(id), key = e ? id + '|' + e.textContent : null;
        if (key && !(key in window.__seen)) {
            window.__seen[key] = null;
            requestAnimationFrame(() => { window.__seen[key] = performance.now(); });
        }
    }
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


def page_times(page: Any, query: str) -> tuple[float, float, float]:
    """Seconds on the page's own clock from the control change to the answers, the frontier and the final frontier."""
    changed, *seen = page.evaluate("(q) => [window.__changed, ...['answers-for', 'frontier-for', 'frontier-final-for']"
                                   ".map(m => window.__seen[m + '|' + q])]", query)
    answered, drawn, final = ((t - changed) / 1000 if t is not None and changed is not None else float("nan") for t in seen)
    return answered, drawn, final


def wait(page: Any, marker: str, query: str, timeout: float = 120_000) -> None:
    page.wait_for_function(f"(q) => {{ const e = document.getElementById('{marker}'); return e && e.textContent === q; }}",
                           arg=query, timeout=timeout)


def latency(url: str, scenario: Scenario, changes: int, seed: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    rng = random.Random(seed)
    walk = Walk(scenario, rng)
    captured: dict[str, Any] = {}
    rows: list[tuple[Any, ...]] = []  # (kind, state, answers, frontier, final, query, the same three on the page's clock)
    timeouts: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

        def keep(request: Any) -> None:
            body = request.post_data or ""
            for name in ("answers.children", "frontier.figure"):
                if name in body and name not in captured:
                    captured[name] = json.loads(body)

        page.on("request", keep)
        page.add_init_script(PAGE_CLOCK)
        start = walk.query()
        page.goto(url + start)
        wait(page, "answers-for", start)
        wait(page, "frontier-for", start)
        wait(page, "frontier-final-for", start)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")  # every party's red lines in view
        for _ in range(changes):
            kind, action = walk.change()
            query = walk.query()
            page.evaluate("window.__changed = null; window.__seen = {}")
            began = time.perf_counter()
            act(page, action)
            try:
                wait(page, "answers-for", query)
                answered = time.perf_counter() - began
                wait(page, "frontier-for", query)
                drawn = time.perf_counter() - began
                wait(page, "frontier-final-for", query)
                final = time.perf_counter() - began
            except Exception:  # noqa: BLE001 (counted and reported: the walk goes on from what the page shows)
                shown = page.evaluate("['answers-for', 'frontier-for', 'frontier-final-for'].map(k => "
                                      "(document.getElementById(k) || {}).textContent)")
                timeouts.append(f"{kind}: waited 120 s for {query!r}; the page shows answers for {shown[0]!r}, the "
                                f"frontier for {shown[1]!r}, the final frontier for {shown[2]!r}; console errors: "
                                f"{errors}; {where_all()}")
                break
            state = "open" if page.locator("#headline.open").count() else "closed"
            rows.append((kind, state, answered, drawn, final, query, *page_times(page, query)))
        browser.close()
    return {"rows": rows, "errors": errors, "captured": captured, "timeouts": timeouts}


def while_jobs_run(url: str, pairs: int) -> list[float]:
    """Seconds from a change to its answers and frontier when it comes 0.3 s after the previous one, while that one's
    background jobs (the final frontier, the chance of a deal) still run: Moscow's administration demand priced at one
    price, then at the next."""
    from playwright.sync_api import sync_playwright

    times: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url + "?l.ru_donbas_admin=priced")
        wait(page, "frontier-for", "?l.ru_donbas_admin=priced")
        price = page.locator('input[id*=\'"key":"ru_donbas_admin"\'][id*="line-price"]').first

        def change(value: int) -> None:
            price.fill(str(value))
            price.press("Enter")
            wait(page, "frontier-for", f"?l.ru_donbas_admin={value}")

        for k in range(pairs):
            change(10 + 2 * k)
            time.sleep(0.3)  # its background jobs start
            began = time.perf_counter()
            change(11 + 2 * k)
            times.append(time.perf_counter() - began)
        browser.close()
    return times


def expected_answer(scenario: Scenario, query: str, space: BargainingSpace, lock: threading.Lock, cache: dict) -> tuple:
    """(headline, the maxmin package's choice labels) for a query, from the API on a model of our own."""
    from bargaining.explore.state import from_query

    with lock:
        if query not in cache:
            variant, _ = from_query(query, scenario)
            with space.what_if(variant):
                package = space.best("maxmin")
            cache[query] = ("A deal exists", tuple(i.choice_label(package.choices[i.id]) for i in scenario.issues)) \
                if package is not None else ("No package is acceptable", ())
        return cache[query]


def texts(node: Any) -> list[str]:
    """Every string in a Dash component tree (as JSON)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [t for x in node for t in texts(x)]
    if isinstance(node, dict):
        return [t for v in node.values() for t in texts(v)]
    return []


def sessions(url: str, scenario: Scenario, captured: dict[str, Any], clients: int, seconds: float, seed: int,
             server: Server) -> dict[str, Any]:
    from bargaining.explore.sessions import new_id

    space, lock, cache = BargainingSpace(scenario, progress=False), threading.Lock(), {}
    counts = {"requests": 0, "errors": 0, "mixed": 0, "cut short": 0}
    latencies: list[float] = []
    problems: list[str] = []
    guard = threading.Lock()
    stop_at = time.monotonic() + seconds
    process = psutil.Process(server.process.pid)

    def rss() -> float:
        return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)]) / 2**20

    memory = [rss()]

    def post(body: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(url + "_dash-update-component", data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.loads(response.read() or b"{}")  # (204: no update; never here, one request at a time per session)

    def client(k: int) -> None:
        rng, session = random.Random(seed * 1000 + k), new_id()
        walk = Walk(scenario, rng)
        while time.monotonic() < stop_at:
            walk.change()
            query = walk.query()
            body = json.loads(json.dumps(captured["answers.children"]))
            for group, values in zip(body["inputs"][:4], _values(walk)):
                for item in group:
                    item["value"] = values[item["id"].get("key") or item["id"].get("party")]
            body["inputs"][4]["value"] = "as written" if walk.coalition is None else "fixed"
            body["inputs"][5]["value"] = walk.coalition or []
            body["inputs"][6]["value"] = walk.frozen
            body["state"][0]["value"] = session
            began = time.perf_counter()
            try:
                answer = post(body)
                frontier_body = json.loads(json.dumps(captured["frontier.figure"]))
                frontier_body["inputs"][0]["value"] = query
                frontier_body["state"][0]["value"] = session
                drawn = post(frontier_body)
            except Exception as error:  # noqa: BLE001 (counted and reported)
                with guard:
                    counts["errors"] += 1
                    problems.append(f"client {k}: {type(error).__name__}: {error}")
                continue
            took = time.perf_counter() - began
            headline, choices = expected_answer(scenario, query, space, lock, cache)
            response = answer.get("response", {})
            shown = texts(response.get("answers", {}).get("children"))
            own = (response.get("applied", {}).get("data") == query
                   and drawn.get("response", {}).get("frontier-for", {}).get("children") == query)
            short = any("limit" in t or "not proven" in t for t in shown)  # a time limit under this load: not exact
            right = headline in shown and all(c in shown for c in choices)
            with guard:
                counts["requests"] += 2
                latencies.append(took)
                if short:
                    counts["cut short"] += 1
                elif not (own and right):
                    counts["mixed"] += 1
                    problems.append(f"client {k}: {query}: not its own answer (echo {own}, content {right})")

    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(min(10.0, seconds))
    memory.append(rss())
    for thread in threads:
        thread.join(seconds + 300)
    memory.append(rss())
    return {**counts, "latencies": latencies, "memory": memory, "problems": problems[:10]}


def _values(walk: Walk) -> list[dict[str, Any]]:
    return [{k: v[0] for k, v in walk.lines.items()}, {k: v[1] for k, v in walk.lines.items()},
            {k: v[2] for k, v in walk.lines.items()}, dict(walk.reservations)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=50)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", type=int, default=12, metavar="N", help="N changes made while the previous change's "
                        "background jobs run (default 12; 0 to skip)")
    parser.add_argument("--server-log", metavar="FILE", help="also write each change's times in the browser and the server's "
                        "line per request (what, seconds, variant) to FILE")
    args = parser.parse_args()
    scenario = Scenario.from_yaml(CASE)
    os.environ["BARGAINING_EXPLORE_DEBUG"] = "1"  # the server says how long each answer took it (stderr)
    server = Server(CASE)
    first: dict[str, Any] = {"rows": []}
    try:
        print(f"# explore benchmark {time.strftime('%Y-%m-%d %H:%M')}: {CASE.name}, seed {args.seed}; at start {load()}")
        first = latency(server.url, scenario, args.changes, args.seed)
        print(f"\n## {args.changes} random control changes in Chromium (ms from the change; {load()})")
        print(f"{'':28}{'n':>3}")
        table(first["rows"], 2)
        print("the same, from the control change as the page received it to the first frame painted after it changed "
              "(the page's own clock: without the driver's round trips and polling)")
        table(first["rows"], 6)
        print(f"console errors: {len(first['errors'])}   target: p95 of '+ frontier drawn' (all) under 500 ms")
        for problem in first["timeouts"]:
            print("  stopped: " + problem)
        if args.quick:
            quick = while_jobs_run(server.url, args.quick)
            print(f"\n## {args.quick} changes made 0.3 s after the previous one, its background jobs running ({load()})")
            print(f"+ frontier drawn    {percentiles(quick)}")
        found = sessions(server.url, scenario, first["captured"], args.sessions, args.seconds, args.seed, server)
        memory = found["memory"]
        print(f"\n## {args.sessions} concurrent sessions for {args.seconds:g} s on loopback ({load()})")
        print(f"requests {found['requests']}   errors {found['errors']}   answers mixed between sessions {found['mixed']}   "
              f"answers cut short by a time limit (not compared) {found['cut short']}")
        print(f"answers + frontier per change (ms): {percentiles(found['latencies'])}")
        print(f"server memory (MiB, with children): start {memory[0]:.0f}, after 10 s {memory[1]:.0f}, end {memory[2]:.0f}")
        for problem in found["problems"]:
            print("  " + problem)
    finally:
        code, _, err = server.stop()
        if args.server_log:
            browser = [f"browser: {r[0]} {r[1]} {r[2]:.3f} {r[3]:.3f} {r[4]:.3f} {r[5]} page {r[6]:.3f} {r[7]:.3f}\n"
                       for r in first["rows"]]
            Path(args.server_log).write_text("".join(browser) + "".join(f"{line}\n" for line in err.splitlines()
                                                                          if line.startswith("explore: ")))
        timed: dict[str, list[float]] = {"answer": [], "frontier": [], "refined": []}
        for line in err.splitlines():
            parts = line.split()
            if len(parts) >= 4 and parts[0] == "explore:" and parts[1] in timed:
                timed[parts[1]].append(float(parts[2]))
        print("\n## time in the server per request, both parts (the rest of a change's time is the browser and the network)")
        for what, values in timed.items():
            print(f"{what:>9}  {percentiles(values)}")
        other = [line for line in err.splitlines() if not line.startswith("explore: ")]
        print(f"\nserver stopped with Ctrl-C: exit {code}; nothing left running{'; stderr: ' + chr(10).join(other)[-300:] if other else ''}")


if __name__ == "__main__":
    main()
