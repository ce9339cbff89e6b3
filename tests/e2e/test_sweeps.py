"""The README's sweep commands, run as written: queue, two workers, then `dvc exp show`."""

from __future__ import annotations

import json
import re
import shlex
import sys

import pytest

from ..conftest import REPO
from .dvc_helpers import copy_repo, dvc_env, run, wait_for_queue

pytestmark = pytest.mark.e2e

MLP_GRID = 3 * 3 * 2
TORCH_LR_RUNS = 3 + 4


def readme_commands(marker: str) -> list[list[str]]:
    """The command lines of the README block between <!-- marker:start/end --> comments."""
    text = (REPO / "README.md").read_text()
    block = re.search(rf"<!-- {marker}:start -->(.*?)<!-- {marker}:end -->", text, re.S).group(1)
    commands = [shlex.split(line) for line in block.splitlines() if line.startswith(("dvc ", "python "))]
    return [[sys.executable, *c[1:]] if c[0] == "python" else c for c in commands]


@pytest.fixture(scope="module")
def swept(tmp_path_factory, mirror):
    root = copy_repo(tmp_path_factory.mktemp("sweep"))
    env = dvc_env(mirror)
    run(["dvc", "repro"], root, env)
    run(["git", "add", "-A"], root, env)
    run(["git", "commit", "--allow-empty", "-qm", "baseline"], root, env)
    for command in readme_commands("sweep"):
        run(command, root, env)
    status = wait_for_queue(root, env)
    if "Failed" in status:
        # DVC's parallel workers sometimes race and fail a task with no log
        # (treeverse/dvc#10673): the README's recovery re-queues those and runs them serially
        print(f"re-queueing after DVC's worker race:\n{status}")
        for command in readme_commands("sweep-retry"):
            run(command, root, env)
        status = wait_for_queue(root, env)
    return root, env, status


def experiments(root, env) -> list[dict]:
    """(name, params, metrics) of every experiment of the baseline commit."""
    shown = json.loads(run(["dvc", "exp", "show", "--json"], root, env))
    found = []
    for commit in shown:
        for exp in commit.get("experiments") or []:
            for rev in exp["revs"]:
                data = rev["data"]
                found.append(
                    {
                        "name": exp.get("name") or rev.get("name"),
                        "params": data["params"]["params.yaml"]["data"],
                        "metrics": {p: m["data"] for p, m in data["metrics"].items()},
                    }
                )
    return found


def test_every_queued_run_succeeded(swept):
    root, env, status = swept
    failed = re.findall(r"^\w+\s+(\S+)\s+.*\bFailed\b", status, re.M)
    logs = "\n".join(run(["dvc", "queue", "logs", name], root, env) for name in failed)
    assert failed == [], f"{status}\n{logs}"
    assert status.count("Success") == MLP_GRID + TORCH_LR_RUNS, status


def test_the_mlp_grid_covers_every_combination(swept):
    root, env, _ = swept
    runs = experiments(root, env)
    assert len(runs) == MLP_GRID + TORCH_LR_RUNS
    grid = {
        (
            r["params"]["models"]["mlp"]["hidden"],
            r["params"]["models"]["mlp"]["lr"],
            r["params"]["models"]["mlp"]["epochs"],
        )
        for r in runs
    }
    assert {(h, lr, e) for h in (10, 100, 200) for lr in (0.05, 0.1, 0.3) for e in (300, 1000)} <= grid
    # a run's metrics follow its params: a bigger hidden layer has more parameters
    for r in runs:
        hidden = r["params"]["models"]["mlp"]["hidden"]
        assert r["metrics"]["metrics/mlp.json"]["n_parameters"] == 2 * hidden + hidden + hidden * 3 + 3


def test_readme_exp_show_lists_every_run_best_first(swept):
    root, env, _ = swept
    (command,) = readme_commands("sweep-show")
    table = run([*command, "--csv"], root, env).strip().splitlines()
    header = table[0].split(",")
    rows = [dict(zip(header, line.split(","), strict=True)) for line in table[1:]]
    assert [c for c in header if c.endswith("valid.accuracy")] == [
        f"metrics/{m}.json:valid.accuracy"
        for m in ("linreg_numpy", "linreg_torch", "logreg_numpy", "logreg_torch", "mlp")
    ]
    assert {
        "models.mlp.hidden",
        "models.mlp.lr",
        "models.mlp.epochs",
        "models.linreg_torch.lr",
        "models.logreg_torch.lr",
    } <= set(header)
    experiments_rows = [r for r in rows if r["Experiment"]]  # workspace and baseline rows have no name
    assert len(experiments_rows) == MLP_GRID + TORCH_LR_RUNS
    mlp = [float(r["metrics/mlp.json:valid.accuracy"]) for r in experiments_rows]
    assert mlp == sorted(mlp, reverse=True)


def test_requeue_puts_a_failed_run_back_in_the_queue(swept):
    root, env, _ = swept
    run(["dvc", "exp", "run", "--queue", "-S", "models.mlp.hidden=0"], root, env)  # fails: hidden >= 1
    run(["dvc", "queue", "start", "-j", "1"], root, env)
    assert re.search(r"\bFailed\b", wait_for_queue(root, env))
    (requeue, _start) = readme_commands("sweep-retry")
    output = run(requeue, root, env)
    assert "models.mlp.hidden=0" in output
    status = run(["dvc", "queue", "status"], root, env)
    assert "Failed" not in status and re.search(r"\bQueued\b", status)
    run(["dvc", "queue", "remove", "--all"], root, env)
