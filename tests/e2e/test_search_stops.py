"""However tools.search stops, nothing is left running or recorded wrongly, and the same command
finishes the study: kill -9 (its trials' guards stop their `dvc exp run`; the next start
finds its trials orphaned and runs them again at once), its storage lost mid-search (one line,
the trials stopped), and what cannot work refused before any trial runs (one line each)."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import optuna
import pytest

from tools.fresh_copy import stored_experiments

from .dvc_helpers import run

pytestmark = [pytest.mark.e2e(seconds=90), pytest.mark.slow]

SPACE = """study: stops
metric: metrics/mlp.json:valid.accuracy
direction: maximize
trials: 2
params:
  models.mlp.hidden: {int: [4, 16]}
  models.mlp.epochs: {choice: [5, 10]}
"""
COMMAND = [
    sys.executable,
    "-m",
    "tools.search",
    "--space",
    "stops.yaml",
    "--sampler",
    "random",
    "--seed",
    "1",
]


@pytest.fixture
def repo(reproduced, tmp_path):
    root = shutil.copytree(reproduced[0], tmp_path / "repo", symlinks=True)
    (root / "stops.yaml").write_text(SPACE)
    run(["git", "add", "stops.yaml"], root, reproduced[1])
    run(["git", "commit", "-q", "-m", "a search space"], root, reproduced[1])
    return root, reproduced[1]


def trials(root):
    storage = optuna.storages.RDBStorage(f"sqlite:///{root / 'search.db'}")
    return optuna.load_study(study_name="stops", storage=storage).get_trials()


def trial_processes() -> str:
    return subprocess.run(["pgrep", "-af", "exp run --temp -n stops-"], capture_output=True, text=True).stdout


def wait_for(condition, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.2)
    raise AssertionError(f"no {what} after {timeout_s} s")


def temp_workspaces(root) -> list:
    return sorted((root / ".dvc" / "tmp" / "exps" / "tmp").glob("*"))


def test_kill_9_leaves_no_trial_running_and_the_same_command_finishes_the_study(repo):
    root, env = repo
    search = subprocess.Popen(COMMAND, cwd=root, env=env, stderr=subprocess.DEVNULL)
    wait_for(trial_processes, 120, "trial running")
    time.sleep(2)  # inside its stage
    search.send_signal(signal.SIGKILL)
    search.wait()
    wait_for(lambda: trial_processes() == "", 40, "stop of the trial's dvc exp run")  # its guard stopped it
    assert wait_for(lambda: temp_workspaces(root) == [] or None, 10, "temp workspace removed") is not None
    assert [t.state.name for t in trials(root)] == ["RUNNING"]  # as the kill left it

    resumed = subprocess.run(COMMAND, cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    assert "1 stopped trials run again first" in resumed.stderr
    states = [(t.state.name, t.user_attrs.get("reason")) for t in trials(root)]
    assert states[0] == ("FAIL", "its search was killed") and states[1:] == [("COMPLETE", None)] * 2
    assert trials(root)[1].params == trials(root)[0].params  # the killed trial's params, run again
    assert sorted(stored_experiments(root)) == ["stops-1", "stops-2"]
    assert trial_processes() == ""


@pytest.mark.parametrize("signals", [[signal.SIGINT, signal.SIGINT], [signal.SIGTERM]],
                         ids=["Ctrl-C twice", "SIGTERM"])  # fmt: skip
def test_a_stop_by_signal_records_the_trial_leaves_nothing_and_the_same_command_finishes(repo, signals):
    root, env = repo
    search = subprocess.Popen(COMMAND, cwd=root, env=env, stderr=subprocess.PIPE, text=True)
    wait_for(trial_processes, 120, "trial running")
    time.sleep(2)
    for sig in signals:
        search.send_signal(sig)
        time.sleep(0.3)
    _, err = search.communicate(timeout=60)
    assert search.returncode == 130 and "Traceback" not in err, err
    assert "running trials stopped" in err
    assert [(t.state.name, t.user_attrs.get("reason")) for t in trials(root)] == [
        ("FAIL", "interrupted (Ctrl-C)"),
        ("WAITING", None),  # its params, queued to run first
    ]
    wait_for(lambda: trial_processes() == "", 40, "stop of the trial's dvc exp run")
    assert wait_for(lambda: temp_workspaces(root) == [] or None, 10, "temp workspace removed") is not None

    resumed = subprocess.run(COMMAND, cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    assert [t.state.name for t in trials(root)] == ["FAIL", "COMPLETE", "COMPLETE"]


def test_the_storage_lost_mid_search_stops_it_in_one_line_and_the_same_command_finishes(repo):
    root, env = repo
    search = subprocess.Popen(COMMAND, cwd=root, env=env, stderr=subprocess.PIPE, text=True)
    wait_for(trial_processes, 120, "trial running")
    locker = sqlite3.connect(root / "search.db", timeout=0)
    locker.execute("BEGIN EXCLUSIVE")  # another program holds the study's database
    try:
        _, err = search.communicate(timeout=300)
    finally:
        locker.rollback()
        locker.close()
    assert search.returncode == 1
    (line,) = [line for line in err.splitlines() if "error" in line]
    assert line.startswith("search: error: the study's storage sqlite:///") and "run again when" in line
    assert "Traceback" not in err
    wait_for(lambda: trial_processes() == "", 40, "stop of the trial's dvc exp run")

    resumed = subprocess.run(COMMAND, cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    complete = [t for t in trials(root) if t.state.name == "COMPLETE"]
    assert len(complete) == 2 and trial_processes() == ""


@pytest.mark.parametrize(
    "change, message",
    [
        (
            "metric: metrics/mlp.json:valid.nope",
            "metric metrics/mlp.json:valid.nope: metrics/mlp.json has no",
        ),
        ("metric: metrics/none.json:valid.accuracy", "metrics/none.json is not in the current commit"),
        ("metric: other.json:valid.accuracy", "no stage of dvc.yaml writes other.json"),
        ("--push nowhere", "--push nowhere: no such git remote"),
        ("a changed range", "models.mlp.hidden: search.yaml's range"),
    ],
)
def test_what_cannot_work_is_refused_before_any_trial_runs(repo, change, message):
    root, env = repo
    command = list(COMMAND)
    if change.startswith("metric:"):
        (root / "stops.yaml").write_text(SPACE.replace("metric: metrics/mlp.json:valid.accuracy", change))
    elif change.startswith("--push"):
        command += change.split()
    else:  # a study that ran with another range
        study = optuna.create_study(study_name="stops", storage=f"sqlite:///{root / 'search.db'}")
        study.add_trial(optuna.trial.create_trial(
            params={"models.mlp.hidden": 8, "models.mlp.epochs": 5}, value=0.5,
            distributions={"models.mlp.hidden": optuna.distributions.IntDistribution(2, 32),
                           "models.mlp.epochs": optuna.distributions.CategoricalDistribution([5, 10])},
        ))  # fmt: skip
    if change.startswith("metric: other.json"):  # in the commit, but no stage's output
        (root / "other.json").write_text('{"valid": {"accuracy": 0.5}}')
        run(["git", "add", "other.json"], root, env)
    if change.startswith("metric:"):
        run(["git", "commit", "-qam", "another metric"], root, env)
    started = time.monotonic()
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("search: error: ") and message in line
    assert stored_experiments(root) == {} and time.monotonic() - started < 30  # no trial ran
    if os.path.exists(root / "search.db") and change != "a changed range":
        assert all(t.state.name != "RUNNING" for t in trials(root))
