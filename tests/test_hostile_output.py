"""Hostile outputs, inputs and counts on the command line (issue 27, item 4).

Outputs onto a device or a FIFO are written in place, never renamed over; write failures (a
file-size limit, a full disk, a read-only folder) are one clear error, the old file kept; input
is capped by what is read, not by what ``stat`` says (``/dev/zero``, a FIFO); every count a user
gives is bounded before anything is allocated; 256 parties work.  Subprocesses run the cases
that used to exhaust memory or hang, under a memory limit and a timeout, so that the old
behaviour fails the test instead of the machine.
"""

from __future__ import annotations

import errno
import os
import resource
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml
from oracle import enumerate_packages

from bargaining import BargainingSpace, Scenario
from bargaining.cli import main
from bargaining.scenario import loading

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
LR = DATA / "logrolling.yaml"
#: Seconds after which a command that takes a few is taken to hang (generous: the machine may be loaded).
HANG = 120


def run(args: list[str], memory: int = 3 * 2**30, file_size: int | None = None) -> subprocess.CompletedProcess[str]:
    """``bargaining ARGS`` in a fresh process with at most ``memory`` bytes of address space (and a file-size limit)."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        if file_size is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))

    code = f"import sys\nfrom bargaining.cli import main\nsys.exit(main({args!r}))"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=HANG, check=False,
                          preexec_fn=limit, env={**os.environ, "PYTHONPATH": str(ROOT)})


def node(path: Path, major: int, minor: int) -> Path:
    """A character device like /dev/null (1, 3) or /dev/full (1, 7), made here (only root may)."""
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(major, minor))
    except PermissionError:
        pytest.skip("making a device node needs root (the FIFO tests cover the same code path)")
    return path


# --------------------------------------------------------------------------- outputs that are not regular files


def test_csv_onto_a_device_writes_to_it_and_keeps_the_node(tmp_path, capsys):
    null = node(tmp_path / "null", 1, 3)
    assert main(["frontier", str(LR), "--csv", str(null)]) == 0
    assert stat.S_ISCHR(os.stat(null).st_mode), "the device node was replaced by a regular file"
    assert not list(tmp_path.glob(".*.tmp"))


def test_output_onto_a_full_device_is_a_clear_error_and_keeps_the_node(tmp_path, capsys):
    full = node(tmp_path / "full", 1, 7)
    assert main(["frontier", str(LR), "--csv", str(full)]) == 2
    err = capsys.readouterr().err
    assert f"\nerror: {full}: cannot be written (No space left on device)\n" in err and "Traceback" not in err
    assert stat.S_ISCHR(os.stat(full).st_mode)


def test_csv_into_a_fifo_is_written_to_the_reader(tmp_path, capsys):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()), daemon=True)
    reader.start()
    try:
        assert main(["frontier", str(LR), "--csv", str(fifo)]) == 0
        reader.join(30)
        assert stat.S_ISFIFO(os.stat(fifo).st_mode), "the FIFO was replaced by a regular file"
        assert received and received[0].startswith("# bargaining frontier")
    finally:
        if reader.is_alive():  # the old code renamed a file over the FIFO: release the reader
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


def test_a_block_device_or_socket_is_refused_before_any_work(tmp_path, capsys):
    import socket

    path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    try:
        assert main(["frontier", str(LR), "--csv", str(path)]) == 2
        assert "is a socket; give a file name" in capsys.readouterr().err
    finally:
        server.close()


# --------------------------------------------------------------------------- write failures


def test_file_size_limit_is_a_clear_error_and_the_old_file_is_kept(tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("old\n")
    done = run(["frontier", str(LR), "--csv", str(out)], file_size=200)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"error: {out}: cannot be written (File too large); the old file is kept" in done.stderr
    assert out.read_text() == "old\n" and not list(tmp_path.glob(".*.tmp"))


def test_full_disk_is_a_clear_error_and_the_old_file_is_kept(tmp_path, capsys, monkeypatch):
    from bargaining import files

    out = tmp_path / "out.csv"
    out.write_text("old\n")

    def full(_: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, "fsync", full)
    assert main(["frontier", str(LR), "--csv", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"error: {out}: cannot be written (No space left on device); the old file is kept" in err
    assert out.read_text() == "old\n" and not list(tmp_path.glob(".*.tmp"))


def test_init_into_a_read_only_folder_is_a_clear_error(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o555)
    if os.geteuid() == 0:  # root ignores permission bits: the folder refuses as a read-only one would
        from bargaining import files

        real_open = files.os.open

        def refuse(path, *args, **kwargs):  # type: ignore[no-untyped-def]
            if str(path).startswith(str(folder)):
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(files.os, "open", refuse)
    assert main(["init", str(folder / "new.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {folder / 'new.yaml'}: cannot be written (Permission denied)") and "Traceback" not in err


# --------------------------------------------------------------------------- input size


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_check_a_device_reads_only_up_to_the_cap(device):
    """stat says 0 bytes; reading /dev/zero whole ran until memory was exhausted."""
    done = run(["check", device], memory=2 * 2**30)
    assert done.returncode == 2 and "Traceback" not in done.stderr and "MemoryError" not in done.stderr
    assert done.stderr.startswith(f"error: {device}: it goes on past the limit (a device or a pipe?); scenario files are limited to 32 MB")


def test_check_a_fifo_reads_only_up_to_the_cap(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(loading, "MAX_FILE_BYTES", 1000)
    fifo = tmp_path / "case.yaml"
    os.mkfifo(fifo)

    def write() -> None:
        with open(fifo, "w") as handle:
            try:
                handle.write("format: 1\n" + "#" * 5000 + "\n")
            except BrokenPipeError:
                pass

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    assert main(["check", str(fifo)]) == 2
    assert "it goes on past the limit (a device or a pipe?); scenario files are limited to 1,000 bytes" in capsys.readouterr().err
    writer.join(10)


# --------------------------------------------------------------------------- counts


def test_samples_beyond_the_cap_are_refused_before_anything_is_drawn():
    done = run(["robustness", str(DATA / "europe_russia_ukraine.yaml"), "--samples", "100000000"])
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("error: --samples 100,000,000: at most 1,000,000")


def test_samples_that_would_not_fit_in_memory_are_refused_with_the_estimate(capsys):
    assert main(["robustness", str(DATA / "europe_russia_ukraine.yaml"), "--samples", "500000"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --samples 500,000: the sampled worlds would take about") and "at most" in err and "fit" in err


def test_phases_beyond_the_issues_are_planned_as_that_many_with_a_note():
    done = run(["phased", str(LR), "--phases", "1000000000"])
    assert done.returncode == 0 and "Traceback" not in done.stderr and "MemoryError" not in done.stderr
    assert "note: --phases 1,000,000,000 is more than the 3 issues; planning with 3" in done.stderr
    assert done.stdout.count("phase ") == 3


@pytest.mark.parametrize("reason, code, words", [
    ("deadline reached", 3, "stopped: the dynamic programme (--method dp) reached the time limit"),
    ("a stage would hold 9,000,000 candidate states (max_states=8,000,000)", 2, "cannot hold this scenario: a stage would hold"),
])
def test_method_dp_stopped_by_its_limits_is_a_clear_message(capsys, monkeypatch, reason, code, words):
    from bargaining.algorithms import frontier
    from bargaining.algorithms.programme import LimitReached

    def stopped(*_, **__):  # type: ignore[no-untyped-def]
        raise LimitReached(reason)

    monkeypatch.setattr(frontier, "frontier_for", stopped)  # the programme, asked within its budget
    assert main(["frontier", str(LR), "--method", "dp", "--time-limit", "20"]) == code
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


# --------------------------------------------------------------------------- 256 parties


def many_parties(tmp_path: Path, count: int = 256) -> Path:
    data = {"format": 1, "name": "many", "parties": [{"id": f"p{k}", "reservation": 0} for k in range(count)],
            "issues": [{"id": "x", "options": [{"id": "a"}, {"id": "b"}]}, {"id": "y", "options": [{"id": "c"}, {"id": "d"}]}],
            "utilities": {f"p{k}": {"x": {"a": k % 3, "b": 1}, "y": {"c": 1, "d": (k * 7) % 5}} for k in range(count)}}
    path = tmp_path / "many.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_256_parties_frontier_and_solve_match_the_oracle(tmp_path):
    """moocore's non-dominance filter takes at most 255 columns; every analysis used to fail with its message."""
    scenario = Scenario.from_file(many_parties(tmp_path))
    truth = enumerate_packages(scenario)
    space = BargainingSpace(scenario)
    frame = space.frontier(progress=False).to_frame()
    got = {truth.vector({i: row[i] for i in ("x", "y")}) for _, row in frame.iterrows()}
    assert got == truth.frontier() and len(frame) == len(got)
    package = space.best("maxmin")
    assert package is not None and truth.accepts(package.exact_choices)
    assert package.vector(scenario.party_ids) == truth.vector(package.exact_choices) in truth.best("maxmin", scenario.party_ids)


@pytest.mark.parametrize("command", ["solve", "diagnose", "frontier"])
def test_256_parties_commands_answer(tmp_path, capsys, command):
    assert main([command, str(many_parties(tmp_path))]) == 0
    assert "255 columns" not in capsys.readouterr().err


def test_wide_non_dominance_filter_matches_moocore(monkeypatch):
    """The filter used beyond moocore's 255 columns, run on narrow random matrices (with ties and duplicates)
    against moocore itself."""
    import moocore
    import numpy as np

    from bargaining.algorithms.programme import dominance

    monkeypatch.setattr(dominance, "MOOCORE_MAX_COLUMNS", 0)
    rng = np.random.default_rng(7)
    for _ in range(200):
        rows, columns = int(rng.integers(1, 40)), int(rng.integers(2, 5))
        x = rng.integers(0, 4, size=(rows, columns)).astype(float)
        want = np.asarray(moocore.is_nondominated(x, maximise=True, keep_weakly=False))
        got = dominance.is_nondominated(x)
        assert {tuple(r) for r in x[got]} == {tuple(r) for r in x[want]} and got.sum() == want.sum()
        # of equal rows the first is kept, as moocore does
        assert [int(k) for k in np.flatnonzero(got)] == [int(k) for k in np.flatnonzero(want)]
