"""Experiments across machines, the way a DVC team scales out, run from docs/remotes.md's blocks
as written ("A DVC remote", "Experiments across machines"): the DVC remote is added
and committed; two clones ("machines") each run part of a sweep and `dvc exp push` it to a
shared git remote (a bare repository) and DVC remote (a directory); a third clone `dvc exp
pull`s every run, and applying another machine's run needs no recomputation. A block that
stops working fails here."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ames_tiers.core import paths
from ames_tiers.core.params import read_yaml
from ames_tiers.models.registry import MODELS
from tools.fresh_copy import stored_experiments

from .dvc_helpers import docs_block, run, run_shell, stages_run

pytestmark = [pytest.mark.e2e(seconds=44), pytest.mark.slow]  # its rough cost here: the longest start first

REPO_PLACEHOLDER, REMOTE_PLACEHOLDER = "<repo>", "/mnt/shared/ames-dvc"


def by_machine(lines: list[str]) -> dict[str, list[str]]:
    """The block's commands under each "# machine X: ..." comment."""
    machines: dict[str, list[str]] = {}
    for line in lines:
        if line.startswith("# machine "):
            current = machines.setdefault(line.split(":")[0].removeprefix("# machine "), [])
        elif line and not line.startswith("#"):
            current.append(line)
    return machines


def remote_block(base: Path, origin: Path, dvc_remote: Path, env: dict) -> Path:
    """docs/remotes.md's directory remote: in the team's repository, then in a new clone
    (whose set-up this venv stands for). Returns the clone."""
    lines = [line.replace(REMOTE_PLACEHOLDER, str(dvc_remote)) for line in docs_block("remotes.md", "remote")]
    mine, other = (
        lines[: lines.index("# on another machine")],
        lines[lines.index("# on another machine") + 1 :],
    )
    for line in mine:
        run_shell(line, base, env)
    (clone_line, check) = other
    assert clone_line == f"git clone {REPO_PLACEHOLDER} && cd {REPO_PLACEHOLDER}"
    dest = origin.parent / "another_machine"
    run(["git", "clone", "-q", str(origin), str(dest)], origin.parent, env)
    assert "Data and pipelines are up to date." in run_shell(check, dest, env)
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
    """The team's repository in a bare git remote, its DVC remote added and pushed by the
    block's commands; machines A and B run their lines, machine C its lines but the
    last (which names one of their runs). Returns (C's clone, env, A's runs, B's runs, C's
    last line)."""
    _, env, _ = reproduced
    tmp = tmp_path_factory.mktemp("team")
    base = shutil.copytree(reproduced[0], tmp / "base", symlinks=True)
    origin = tmp / "origin.git"
    run(["git", "init", "-q", "--bare", str(origin)], tmp, env)
    run(["git", "remote", "add", "origin", str(origin)], base, env)
    run(["git", "push", "-q", "-u", "origin", "HEAD"], base, env)
    remote_block(base, origin, tmp / "dvc-remote", env)

    commands = by_machine(docs_block("remotes.md", "across-machines"))
    assert sorted(commands) == ["A", "B", "C"]
    clones = {}
    for machine in ("A", "B", "C"):
        clones[machine] = tmp / f"machine_{machine}"
        run(["git", "clone", "-q", str(origin), str(clones[machine])], tmp, env)
        for line in commands[machine][:-1] if machine == "C" else commands[machine]:
            run_shell(line, clones[machine], env)
    on_a, on_b = (runs_in_git(clones[m], env) for m in ("A", "B"))
    return clones["C"], env, on_a, on_b, commands["C"][-1]


def test_the_third_machine_sees_every_run_with_its_metrics(machines):
    machine_c, env, on_a, on_b, _ = machines
    pulled = experiments(machine_c, env)
    assert len(on_a) == 2 and len(on_b) == 1 and pulled.keys() == {*on_a, *on_b}
    assert sorted(e["params"]["models"]["logreg_numpy"]["init_seed"] for e in pulled.values()) == [7, 8, 42]
    for name, metrics in {**on_a, **on_b}.items():
        assert set(pulled[name]["metrics"]) >= set(metrics), name
        assert {f: pulled[name]["metrics"][f] for f in metrics} == metrics, name


def test_applying_another_machines_run_needs_no_recomputation(machines):
    machine_c, env, _, on_b, apply_line = machines
    ((name, metrics),) = on_b.items()
    assert "<name>" in apply_line
    assert "up to date" in run_shell(apply_line.replace("<name>", name), machine_c, env)
    assert read_yaml(machine_c / "params.yaml")["models"]["linreg_torch"]["lr"] == 0.5
    assert stages_run(run(["dvc", "repro"], machine_c, env)) == []
    applied = json.loads((machine_c / paths.metrics_file("linreg_torch")).read_text())
    assert applied == metrics[str(paths.metrics_file("linreg_torch"))]
