"""``bargaining explore`` without a browser: the URL state, sessions, stale answers, and the server process
(a second app on the same port, malformed requests, Ctrl-C, the --host warning)."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("dash", reason="bargaining explore needs Dash: pip install -e '.[explore]'")

from explore_server import ROOT, Server

from bargaining import BargainingSpace, Scenario
from bargaining.explore import server as server_module
from bargaining.explore.answers import live_answers
from bargaining.explore.sessions import Sessions, new_id
from bargaining.explore.state import from_query, to_query, variant_from_controls
from bargaining.scenario import Variant

CASE = ROOT / "data" / "europe_russia_ukraine.yaml"


@pytest.fixture(scope="module")
def case() -> Scenario:
    return Scenario.from_yaml(CASE)


def test_a_variant_survives_its_url(case: Scenario) -> None:
    variant = Variant(lines={"ru_donbas_admin": 30.5, "ua_no_handover": "dropped", "ru_no_western_guarantee": "dropped"},
                      reservations={"ukraine": 35.25}, real={"ru_nato_undertaking": 0.3}, coalition=("france", "hungary"),
                      frozen=("sanctions",))
    query = to_query(variant)
    assert query.startswith("?l.ru_donbas_admin=30.5&")
    again, ignored = from_query(query, case)
    assert again == variant and ignored == []
    assert to_query(from_query("", case)[0]) == ""  # the file as written: no query


def test_controls_as_written_make_an_empty_variant(case: Scenario) -> None:
    lines = {(r.id or str(k)): ("priced" if r.soft else "hard", r.price, r.real) for k, r in enumerate(case.red_lines)}
    variant, ignored = variant_from_controls(case, lines, {p.id: p.reservation for p in case.parties}, None, [])
    assert variant == Variant() and ignored == []


@pytest.mark.parametrize("query, left_out", [
    ("?nonsense=1&l.no_such_line=dropped", ["unknown setting 'nonsense'", "unknown setting 'l.no_such_line'"]),
    ("?l.ru_donbas_admin=-4", ["red line ru_donbas_admin: price -4.0 (a price is a number above 0)"]),
    ("?l.ru_donbas_admin=nan&r.ukraine=inf", ["l.ru_donbas_admin='nan' (not a number)", "r.ukraine='inf' (not a number)"]),
    ("?l.ua_no_recognition=priced", ["red line ua_no_recognition: state 'priced'"]),
    ("?p.ru_donbas_admin=7", ["red line ru_donbas_admin: real 7.0 (a probability in (0, 1])"]),
    ("?r.ukraine=1e300", ["ukraine: reservation 1e+300"]),
])
def test_a_link_with_nonsense_is_read_as_far_as_it_makes_sense(case: Scenario, query: str, left_out: list[str]) -> None:
    variant, ignored = from_query(query, case)
    assert ignored == left_out
    variant.live(case)  # what is left is a variant the scenario takes


def test_a_link_cannot_make_the_server_hold_much(case: Scenario) -> None:
    variant, ignored = from_query("?" + "&".join(f"x{k}=1" for k in range(5000)), case)
    assert variant == Variant() and len(ignored) == 1000  # read no further


def test_sessions_are_separate_bounded_and_stale_answers_stop(case: Scenario) -> None:
    sessions = Sessions(case, limit=2)
    a, b, c = new_id(), new_id(), new_id()
    first = sessions.get(a)
    assert sessions.get(a) is first and sessions.get(b) is not first
    sessions.get(c)
    assert len(sessions) == 2 and sessions.get(a) is not first  # the least recently used was dropped, and comes back new
    assert sessions.get("../../etc/passwd") is not sessions.get("../../etc/passwd")  # a malformed id never names a session
    ticket = first.ticket("answers")
    newer = first.ticket("answers")
    assert first.stale("answers", ticket) and not first.stale("answers", newer)
    space = BargainingSpace(case, progress=False)
    assert live_answers(space, Variant(lines={"ru_donbas_admin": "priced"}), lambda: True) is None  # a newer change came
    found = live_answers(space, Variant(lines={"ru_donbas_admin": "priced"}), lambda: False)
    assert found is not None and found.feasible and set(found.solutions) == {"maxmin", "utilitarian", "nash", "kalai"}
    with space.what_if(Variant(lines={"ru_donbas_admin": "priced"})):
        assert found.solutions["nash"].exact_utilities == space.best("nash").exact_utilities


def _plus_one(x: int) -> int:
    return x + 1


def _crash(x: int) -> int:
    os._exit(1)


def test_a_job_that_ends_between_two_looks_is_not_taken_for_cancelled() -> None:
    """Dash's poll reads a job's result, then asks whether the job still runs; a job that writes its result and ends
    between the two looks was taken for cancelled, and the page never got its answer (the final frontier stayed
    'loading' in one CI run).  A job whose result waits unread counts as running."""
    import psutil

    from bargaining.explore.jobs import Jobs

    jobs = Jobs()
    try:
        manager = jobs.manager
        pid = manager.call_job_fn("key", manager.make_job_fn(_plus_one, False), [1], {})
        assert manager.get_result("key", pid) is manager.UNDEFINED  # the poll's first look: nothing yet (the job starts)
        deadline = time.monotonic() + 60  # (a hang guard)
        while manager.handle.get("key") is None or (psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE):
            assert time.monotonic() < deadline, "the job never ended"
            time.sleep(0.05)
        assert manager.job_running(pid)  # the second look: its result waits, so the poll asks again
        assert manager.get_result("key", pid) == 2
        assert not manager.job_running(pid)
        # a job whose process ends without an answer (it crashed, or was killed from outside) is an error the page
        # shows, not a cancelled job (Dash would leave the page waiting for ever)
        pid = manager.call_job_fn("lost", manager.make_job_fn(_crash, False), [1], {})
        psutil.Process(pid).wait(60)
        lost = manager.get_result("lost", pid)
        assert "stopped without an answer" in lost["background_callback_error"]["msg"]
        # a job stopped by a newer change is cancelled, not lost
        pid = manager.call_job_fn("stopped", manager.make_job_fn(time.sleep, False), [60], {})
        manager.terminate_job(pid)
        assert manager.get_result("stopped", pid) is manager.UNDEFINED and not manager.job_running(pid)
    finally:
        jobs.close()


def _get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status


def test_a_second_app_on_the_same_port_is_refused_and_malformed_requests_are_survived() -> None:
    server = Server(CASE)
    try:
        second = subprocess.run([sys.executable, "-m", "bargaining.cli", "explore", str(CASE), "--port", str(server.port)],
                                capture_output=True, text=True, cwd=ROOT, check=False, timeout=120)
        assert second.returncode == 2
        assert f"127.0.0.1:{server.port} is already in use" in second.stderr and "--port N" in second.stderr
        assert "Traceback" not in second.stderr
        assert _get(server.url) == 200
        bad = [(server.url + "_dash-update-component", b"{not json", "application/json"),
               (server.url + "_dash-update-component", b'{"output": 5, "inputs": "x"}', "application/json"),
               (server.url + "_dash-update-component", b"\x00\xff" * 1000, "application/octet-stream")]
        for url, body, kind in bad:
            request = urllib.request.Request(url, data=body, headers={"Content-Type": kind}, method="POST")
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=30)
            assert 400 <= refused.value.code < 500
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:  # not even HTTP
            raw.sendall(b"\x16\x03\x01 garbage \r\n\r\n")
            raw.recv(1024)
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(server.url + "_dash-component-suites/../../../../etc/passwd", timeout=30)
        assert _get(server.url) == 200  # still serving
        headers = urllib.request.urlopen(server.url, timeout=30).headers
        assert "default-src 'none'" in headers["Content-Security-Policy"]
        where = server.where()  # SIGUSR1: where each thread stands, on stderr; the server goes on
        assert "most recent call first" in where and "serve_forever" in where, where
        assert _get(server.url) == 200
    finally:
        code, out, err = server.stop()
    assert code == 0 and "stopped" in out and "Traceback" not in err


def test_the_cli_refuses_what_it_cannot_serve(tmp_path: Path) -> None:
    for args, message in [([str(tmp_path / "missing.yaml")], "missing.yaml"), ([str(CASE), "--port", "70000"], "between 0 and 65535")]:
        done = subprocess.run([sys.executable, "-m", "bargaining.cli", "explore", *args], capture_output=True, text=True, cwd=ROOT, check=False)
        assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


def test_listening_beyond_this_machine_warns_that_there_is_no_login(case: Scenario, monkeypatch: pytest.MonkeyPatch,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    class Socket:
        def getsockname(self) -> tuple[str, int]:
            return ("192.0.2.1", 8050)

        def fileno(self) -> int:
            return -1

        def close(self) -> None:
            pass

    class Stub:  # no socket is opened: only what serve() says and does around it
        socket = Socket()

        def serve_forever(self, poll_interval: float) -> None:
            raise KeyboardInterrupt

        def server_close(self) -> None:
            self.closed = True

    stub = Stub()
    monkeypatch.setattr(server_module, "listen", lambda host, port: Socket())
    monkeypatch.setattr(server_module, "make_server", lambda *args, **kwargs: stub)
    out = io.StringIO()
    server_module.serve(case, host="192.0.2.1", port=8050, out=out)
    assert "the page has no login" in capsys.readouterr().err
    assert "http://192.0.2.1:8050/" in out.getvalue() and out.getvalue().rstrip().endswith("stopped") and stub.closed
    server_module.serve(case, host="127.0.0.1", port=8050, out=io.StringIO())
    assert "no login" not in capsys.readouterr().err


def test_scenario_text_reaches_the_terminal_inert() -> None:
    assert server_module.safe_text("Moscow\x1b[2J\x1b]0;pwned\x07 <b>") == "Moscow\\x1b[2J\\x1b]0;pwned\\x07 <b>"
