"""tools.search end to end on the real data: a search with SQLite and two jobs, interrupted
with Ctrl-C after its first trial and resumed by the same command; a trial whose reference
check fails is recorded as failed and the search finishes; every finished trial is a DVC
experiment whose metric is the one Optuna recorded."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from types import SimpleNamespace

import optuna
import pytest

from tools.fresh_copy import stored_experiments
from tools.search.storage import INTERRUPTED, is_own_failure, retried_trial_number

from .dvc_helpers import docs_block, run, run_shell

# slow: a search of several trials, each a dvc exp run (80 s here), is what a user leaves running
pytestmark = [pytest.mark.e2e(seconds=80), pytest.mark.slow]

# A tiny MLP (seconds per trial); parity.mlp.parameters 1e-30 makes the reference check fail
# (float64 agrees with sklearn to ~1e-16), a trial that fails for a reason of its own.
SPACE = """study: e2e
metric: metrics/mlp.json:valid.accuracy
direction: maximize
trials: 3
params:
  models.mlp.hidden: {int: [4, 16]}
  models.mlp.epochs: {choice: [5, 10]}
  parity.mlp.parameters: {choice: [1.0e-9, 1.0e-30]}
"""
# --sampler random --seed 19 proposes, for trial numbers 0, 1, 2: a check that passes, one
# that fails, one that passes (a pure function of seed and number; a stopped trial runs again
# with its own params). Three trials with two jobs: Ctrl-C comes once the first has finished and
# the third has run for two seconds, so it always finds one running; the trial still running
# beside it may finish first (then it is complete) or be stopped. Either way two trials complete.
COMMAND = [sys.executable, "-m", "tools.search", "--space", "e2e.yaml", "--jobs", "2",
           "--sampler", "random", "--seed", "19"]  # fmt: skip


def study_trials(root):
    storage = optuna.storages.RDBStorage(f"sqlite:///{root / 'search.db'}")
    return optuna.load_study(study_name="e2e", storage=storage).get_trials()


@pytest.fixture(scope="module")
def searched(reproduced, tmp_path_factory):
    root = shutil.copytree(reproduced[0], tmp_path_factory.mktemp("search") / "repo", symlinks=True)
    env = reproduced[1]
    (root / "e2e.yaml").write_text(SPACE)
    run(["git", "add", "e2e.yaml"], root, env)
    run(["git", "commit", "-q", "-m", "a search space for the test"], root, env)

    first = subprocess.Popen(COMMAND, cwd=root, env=env, stderr=subprocess.PIPE, text=True)
    lines = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:  # the first trial has finished
        line = first.stderr.readline()
        lines.append(line)
        if line.startswith("search: e2e-"):
            break
    while time.monotonic() < deadline and not third_trial_running():
        time.sleep(0.1)
    time.sleep(2)  # inside its run
    first.send_signal(signal.SIGINT)
    interrupted = {"returncode": first.wait(timeout=60), "stderr": "".join(lines) + first.stderr.read()}
    after_interrupt = study_trials(root)
    experiments_after_interrupt = set(stored_experiments(root))

    resumed = subprocess.run(COMMAND, cwd=root, env=env, capture_output=True, text=True, timeout=600)
    return SimpleNamespace(root=root, env=env, interrupted=interrupted, before=after_interrupt,
                           experiments_before=experiments_after_interrupt, resumed=resumed)  # fmt: skip


def third_trial_running() -> bool:
    found = subprocess.run(["pgrep", "-f", "exp run --temp -n e2e-2"], capture_output=True, text=True)
    return found.stdout != ""


def finished(trial) -> bool:
    return trial.state.name == "COMPLETE" or is_own_failure(trial)


def test_ctrl_c_stops_the_running_trials_and_records_them_as_interrupted(searched):
    interrupted, trials = searched.interrupted, searched.before
    assert interrupted["returncode"] == 130, interrupted["stderr"]
    assert "running trials stopped" in interrupted["stderr"]
    states = [(t.number, t.state.name, t.user_attrs.get("reason")) for t in trials]
    assert [t for t in trials if t.user_attrs.get("reason") == INTERRUPTED], (states, interrupted["stderr"])
    assert not [t for t in trials if t.state.name == "RUNNING"]  # nothing half-recorded
    stopped = [t.number for t in trials if t.user_attrs.get("reason") == INTERRUPTED]
    assert sorted(retried_trial_number(t) for t in trials if t.state.name == "WAITING") == stopped
    complete = {t.user_attrs["experiment"] for t in trials if t.state.name == "COMPLETE"}
    assert searched.experiments_before == complete  # a stopped trial left no experiment
    leftover = subprocess.run(["pgrep", "-f", "dvc exp run --temp -n e2e-"], capture_output=True, text=True)
    assert leftover.stdout == ""  # every trial process it started is gone


def test_the_same_command_resumes_without_repeating_a_finished_trial(searched):
    assert searched.resumed.returncode == 0, searched.resumed.stderr
    assert "stopped trials run again first" in searched.resumed.stderr
    before, after = searched.before, study_trials(searched.root)
    assert [t.number for t in after[: len(before)]] == [t.number for t in before]
    finished_before = {t.number for t in before if finished(t)}
    rerun = [t for t in after if retried_trial_number(t) is not None]
    assert rerun and not {retried_trial_number(t) for t in rerun} & finished_before
    for trial in rerun:  # the stopped trial's params, run again
        assert trial.params == after[retried_trial_number(trial)].params
    assert len([t for t in after if finished(t)]) == 3


def test_a_trial_whose_check_fails_is_failed_with_its_reason_and_the_search_finishes(searched):
    failed = [t for t in study_trials(searched.root) if is_own_failure(t)]
    assert failed, "seed 19 proposes a failing check among the first trials"
    for trial in failed:
        assert trial.params["parity.mlp.parameters"] == 1e-30
        assert trial.user_attrs["reason"].startswith("train@mlp: error: parity check failed")
    assert "best first:" in searched.resumed.stdout


def test_each_finished_trial_is_a_dvc_experiment_with_the_metric_optuna_recorded(searched):
    root, env = searched.root, searched.env
    complete = [t for t in study_trials(root) if t.state.name == "COMPLETE"]
    assert len(complete) >= 2
    shown = json.loads(run(["dvc", "exp", "show", "--json"], root, env))
    experiments = {e["name"]: e["revs"][0]["data"] for c in shown for e in (c.get("experiments") or [])}
    assert sorted(experiments) == sorted(t.user_attrs["experiment"] for t in complete)
    for trial in complete:
        data = experiments[trial.user_attrs["experiment"]]
        assert data["metrics"]["metrics/mlp.json"]["data"]["valid"]["accuracy"] == trial.value
        params = data["params"]["params.yaml"]["data"]
        assert params["models"]["mlp"]["hidden"] == trial.params["models.mlp.hidden"]
        assert params["models"]["mlp"]["epochs"] == trial.params["models.mlp.epochs"]
    compare = subprocess.run([sys.executable, "-m", "tools.compare"], cwd=root, env=env, capture_output=True,
                             text=True)  # fmt: skip
    assert all(t.user_attrs["experiment"] in compare.stdout for t in complete), compare.stdout
    best = max(complete, key=lambda t: t.value).user_attrs["experiment"]
    assert f"keep the best: dvc exp apply {best}" in searched.resumed.stdout


def test_the_docs_page_block_writes_the_studys_page(searched):
    (line,) = docs_block("experiments.md", "search-page")
    output = run_shell(f"{line} --space e2e.yaml", searched.root, searched.env)
    page = searched.root / "plots" / "search" / "e2e.html"
    assert f"wrote {page.relative_to(searched.root)}" in output
    text = page.read_text()
    assert text.count("<img") == 3 and "Every trial" in text
    assert run(["git", "status", "--porcelain"], searched.root, searched.env) == ""  # gitignored
