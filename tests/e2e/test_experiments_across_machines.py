"""Experiments across machines, the way a DVC team scales out: two clones ("machines") each
run part of a sweep and `dvc exp push` it to a shared git remote (a bare repository) and a
shared DVC remote (a directory); a third clone `dvc exp pull`s every run, and applying
another machine's run needs no recomputation. The README's "Experiments across machines"."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ames_tiers.core import paths
from ames_tiers.core.params import read_yaml
from ames_tiers.models.registry import MODELS
from tools.fresh_copy import stored_experiments

from .dvc_helpers import run, stages_run

pytestmark = pytest.mark.e2e(seconds=60)  # its rough cost here: the longest start first

RUN_ON_A = "models.logreg_numpy.init_seed=7"
RUN_ON_B = "models.linreg_torch.lr=0.5"


def clone(origin: Path, dest: Path, env: dict) -> Path:
    run(["git", "clone", "-q", str(origin), str(dest)], dest.parent, env)
    run(["dvc", "pull"], dest, env)  # the baseline's data and models, from the DVC remote
    return dest


def experiments(root: Path, env: dict) -> dict[str, dict]:
    """{name: {"params": params.yaml, "metrics": {file: data}}} of the HEAD baseline's runs."""
    found = {}
    for commit in json.loads(run(["dvc", "exp", "show", "--json"], root, env)):
        for exp in commit.get("experiments") or []:
            data = exp["revs"][0]["data"]
            found[exp["name"]] = {
                "params": data["params"]["params.yaml"]["data"],
                "metrics": {path: m["data"] for path, m in data["metrics"].items()},
            }
    return found


def runs_in_git(root: Path, env: dict) -> dict[str, dict]:
    """{name: {metrics file: data}} of the runs made in this clone, read from their git refs
    (what `dvc exp push` sends)."""
    files = [str(paths.metrics_file(m)) for m in MODELS]
    return {
        name: {f: json.loads(run(["git", "show", f"{ref}:{f}"], root, env)) for f in files}
        for name, ref in stored_experiments(root).items()
    }


@pytest.fixture(scope="module")
def machines(reproduced, tmp_path_factory):
    """The baseline in a shared git remote and DVC remote; machines A and B each run part of
    a sweep and push it. Returns (machine C's clone, env, A's runs, B's runs)."""
    _, env, _ = reproduced
    tmp = tmp_path_factory.mktemp("team")
    base = shutil.copytree(reproduced[0], tmp / "base", symlinks=True)
    run(["dvc", "remote", "add", "-d", "shared", str(tmp / "dvc-remote")], base, env)
    run(["git", "commit", "-qm", "the team's DVC remote", ".dvc/config"], base, env)
    run(["dvc", "push"], base, env)
    origin = tmp / "origin.git"
    run(["git", "clone", "-q", "--bare", str(base), str(origin)], tmp, env)

    machine_a = clone(origin, tmp / "machine_a", env)
    run(["dvc", "exp", "run", "-S", RUN_ON_A], machine_a, env)
    run(["dvc", "exp", "push", "origin"], machine_a, env)

    machine_b = clone(origin, tmp / "machine_b", env)
    run(["dvc", "exp", "run", "-S", RUN_ON_B], machine_b, env)
    run(["dvc", "exp", "push", "origin"], machine_b, env)

    machine_c = clone(origin, tmp / "machine_c", env)
    run(["dvc", "exp", "pull", "origin"], machine_c, env)
    return machine_c, env, runs_in_git(machine_a, env), runs_in_git(machine_b, env)


def test_the_third_machine_sees_every_run_with_its_metrics(machines):
    machine_c, env, on_a, on_b = machines
    pulled = experiments(machine_c, env)
    assert len(on_a) == len(on_b) == 1 and pulled.keys() == {*on_a, *on_b}
    assert sorted(e["params"]["models"]["logreg_numpy"]["init_seed"] for e in pulled.values()) == [7, 42]
    for name, metrics in {**on_a, **on_b}.items():
        assert set(pulled[name]["metrics"]) >= set(metrics), name
        assert {f: pulled[name]["metrics"][f] for f in metrics} == metrics, name


def test_applying_another_machines_run_needs_no_recomputation(machines):
    machine_c, env, _, on_b = machines
    ((name, metrics),) = on_b.items()
    run(["dvc", "exp", "apply", name], machine_c, env)
    assert read_yaml(machine_c / "params.yaml")["models"]["linreg_torch"]["lr"] == 0.5
    run(["dvc", "pull"], machine_c, env)
    assert "up to date" in run(["dvc", "status"], machine_c, env)
    assert stages_run(run(["dvc", "repro"], machine_c, env)) == []
    applied = json.loads((machine_c / paths.metrics_file("linreg_torch")).read_text())
    assert applied == metrics[str(paths.metrics_file("linreg_torch"))]
