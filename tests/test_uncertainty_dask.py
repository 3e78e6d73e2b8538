"""Per-world solves on a real Dask cluster (two worker processes on 127.0.0.1, no dashboard) give
exactly the serial answers."""

from __future__ import annotations

import json

import distributed  # noqa: E402  (a dependency of the package: never skipped)
import pytest
import yaml
from test_uncertainty import CASE

from bargaining import BargainingSpace, Scenario
from bargaining.cli import main


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as running:
        yield running


def test_cluster_equals_serial(cluster):
    scenario = Scenario.from_dict(CASE)
    serial = BargainingSpace(scenario, progress=False).deal_probability(samples=150, seed=4, scheduler="serial")
    spread = BargainingSpace(scenario, progress=False).deal_probability(samples=150, seed=4, scheduler=cluster.scheduler_address)
    assert spread.worlds == serial.worlds
    assert spread.to_frame().equals(serial.to_frame())


def test_command_with_a_scheduler(cluster, tmp_path, capsys):
    file = tmp_path / "case.yaml"
    file.write_text(yaml.safe_dump(CASE, sort_keys=False))
    assert main(["robustness", str(file), "--samples", "80", "--scheduler", cluster.scheduler_address, "--json"]) == 0
    on_cluster = json.loads(capsys.readouterr().out)
    assert main(["robustness", str(file), "--samples", "80", "--scheduler", "serial", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == on_cluster


def test_the_chance_of_a_deal_alongside_is_the_same_answer(monkeypatch):
    """``deal_alongside``: the chance of a deal's searches on a local worker while this process answers the other
    questions; each answer is the one computed in this process alone.  (The threshold is lowered so that this small
    case starts a worker.)"""
    import psutil

    from bargaining.algorithms import deal as deal_module

    monkeypatch.setattr(deal_module, "ALONGSIDE_WORLDS", 1)
    scenario, few = Scenario.from_dict(CASE), dict(samples=150, seed=4)
    space = BargainingSpace(scenario, progress=False)
    with space.deal_alongside(**few):
        robust, voi = space.most_robust(**few), space.value_of_information(**few)
        job = space._sample(**few).cache["deal alongside"].job
        job.thread.join(60)  # the worker answers every world (else this process takes what is left when asked)
        assert not job.chunks and job.error is None
        here = space._search.solver.calls
        deal = space.deal_probability(**few)
        assert space._search.solver.calls == here  # solved on the worker
        workers = [c for c in psutil.Process().children(recursive=True) if "distributed.Worker" in " ".join(c.cmdline())]
    assert workers and not any(w.is_running() and w.status() != psutil.STATUS_ZOMBIE for w in workers)  # stopped after
    alone = BargainingSpace(scenario, progress=False)
    assert deal.worlds == alone.deal_probability(**few, scheduler="serial").worlds
    assert robust.exact_choices == alone.most_robust(**few).exact_choices
    assert voi.to_frame().equals(alone.value_of_information(**few).to_frame())


def test_asked_at_once_this_process_solves_what_is_left_and_the_answer_is_the_same(monkeypatch):
    """The chance of a deal asked for as soon as the block starts: this process solves the chunks not handed out yet
    (from the back) while the worker starts and answers the rest; the same answer."""
    from bargaining.algorithms import deal as deal_module

    monkeypatch.setattr(deal_module, "ALONGSIDE_WORLDS", 1)
    scenario, few = Scenario.from_dict(CASE), dict(samples=150, seed=4)
    space = BargainingSpace(scenario, progress=False)
    with space.deal_alongside(**few):
        calls = space._search.solver.calls
        deal = space.deal_probability(**few)
        assert space._search.solver.calls > calls  # this process solved some
    assert deal.worlds == BargainingSpace(scenario, progress=False).deal_probability(**few, scheduler="serial").worlds


def test_nothing_starts_alongside_where_it_does_not_pay():
    """Fewer worlds with a deal than the threshold: no worker, and the same answer in this process."""
    import psutil

    space = BargainingSpace(Scenario.from_dict(CASE), progress=False)
    with space.deal_alongside(samples=40, seed=4):
        assert not [c for c in psutil.Process().children(recursive=True) if "distributed" in " ".join(c.cmdline())]
        calls = space._search.solver.calls
        space.deal_probability(samples=40, seed=4)
        assert space._search.solver.calls > calls
