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
