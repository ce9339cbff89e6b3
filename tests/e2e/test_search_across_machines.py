"""One study, several machines: docs/remotes.md's shared-search block, its address that of a
real PostgreSQL server on 127.0.0.1 and its search.yaml a small one: two clones run the same
`tools.search` command, each pushing its trials with --push origin; a third clone pulls them
and sees every trial exactly once, in `dvc exp show` and in the study."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import optuna
import pytest

from tools.fresh_copy import stored_experiments

from .dvc_helpers import docs_block, run, run_shell
from .postgres_server import PostgresServer

pytestmark = [pytest.mark.e2e(seconds=40), pytest.mark.slow]  # its rough cost here: the longest start first

SPACE = """study: shared
metric: metrics/mlp.json:valid.accuracy
direction: maximize
trials: 4
params:
  models.mlp.hidden: {int: [4, 16]}
  models.mlp.epochs: {choice: [5, 10]}
"""


@pytest.fixture
def postgres():
    with PostgresServer() as server:
        yield server


def test_two_machines_share_one_study_and_a_third_sees_every_trial_once(postgres, reproduced, tmp_path):
    env = reproduced[1]
    origin, storage = tmp_path / "origin.git", tmp_path / "dvc-storage"
    a = shutil.copytree(reproduced[0], tmp_path / "a", symlinks=True)
    run(["git", "init", "-q", "--bare", str(origin)], tmp_path, env)
    (a / "search.yaml").write_text(SPACE)
    run(["dvc", "remote", "add", "-d", "shared", str(storage)], a, env)
    run(["git", "add", "search.yaml", ".dvc/config"], a, env)
    run(["git", "commit", "-q", "-m", "a shared search"], a, env)
    run(["git", "remote", "add", "origin", str(origin)], a, env)
    run(["git", "push", "-q", "-u", "origin", "HEAD"], a, env)
    run(["dvc", "push", "-q"], a, env)
    b, c = tmp_path / "b", tmp_path / "c"
    for clone in (b, c):
        run(["git", "clone", "-q", str(origin), str(clone)], tmp_path, env)
        run(["dvc", "pull", "-q"], clone, env)

    block = [line for line in docs_block("remotes.md", "search-shared") if not line.startswith("#")]
    export, search_line, afterwards = block
    assert export.startswith("export OPTUNA_STORAGE=postgresql://")
    env = {**env, "OPTUNA_STORAGE": postgres.url}  # the block's export, to this test's server
    command = search_line.replace("python ", f"{sys.executable} ", 1) + " --seed 1"  # the same on each
    machines = [subprocess.Popen(command, shell=True, cwd=m, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for m in (a, b)]  # fmt: skip
    results = [m.communicate(timeout=600) for m in machines]
    for machine, (_, err) in zip(machines, results, strict=True):
        assert machine.returncode == 0, err

    trials = optuna.load_study(study_name="shared", storage=postgres.url).get_trials()
    complete = [t for t in trials if t.state.name == "COMPLETE"]
    assert len(complete) == len(trials) >= 4  # each machine asked while the study was short of 4
    names = [t.user_attrs["experiment"] for t in complete]
    assert len(set(names)) == len(names)  # no trial number given out twice
    ran_here = {m: set(stored_experiments(m)) for m in (a, b)}
    assert ran_here[a] and ran_here[b] and not ran_here[a] & ran_here[b]  # both machines worked

    summary = run_shell(afterwards, c, env)  # dvc exp pull, the study's table, tools.compare
    shown = json.loads(run(["dvc", "exp", "show", "--json"], c, env))
    listed = [e["name"] for commit in shown for e in (commit.get("experiments") or [])]
    assert sorted(listed) == sorted(names)  # every trial of every machine, exactly once
    best = max(complete, key=lambda t: t.value)
    assert f"keep the best: dvc exp apply {best.user_attrs['experiment']}" in summary
    assert all(name in summary for name in names[:5])
