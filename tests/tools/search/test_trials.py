"""tools/search/trials.py, results.py, checks.py and the command line, on what needs no DVC:
commands, failure reasons, the lock race, the table, the options (the search itself runs end
to end in tests/e2e/test_search.py and tests/e2e/test_search_stops.py)."""

from __future__ import annotations

import sys

import optuna
import pytest

from ames_tiers.search.space import Choice, IntRange, Metric, SearchSpec
from tools.search import checks, results, trials
from tools.search.__main__ import parser

TRAIN_FAILED = """train@mlp: training: cross-entropy, 2 → 5 → ReLU → 3, full-batch SGD
train@mlp: error: parity check failed: mlp's weights after 20 epochs: 8.08e-17 (relative; tolerance 1e-30)
ERROR: failed to reproduce 'train@mlp': failed to run: python -m stages.train mlp, exited with 1
"""


def test_a_trial_is_dvc_exp_run_of_the_metrics_stage_in_a_temp_dir_named_for_its_trial_under_its_guard():
    name = trials.experiment_name("mlp", 7)
    assert name == "mlp-7"
    command = trials.trial_command(name, {"models.mlp.hidden": 57, "models.mlp.lr": 0.125}, "train@mlp")
    assert command == [sys.executable, "-m", "tools.search.guard", "--",
                       "dvc", "exp", "run", "--temp", "-n", "mlp-7",
                       "-S", "models.mlp.hidden=57", "-S", "models.mlp.lr=0.125", "train@mlp"]  # fmt: skip


def test_a_failure_of_dvc_or_the_system_is_not_the_trials_own():
    assert trials.environment_problem("ERROR: unexpected error - [Errno 28] No space left on device") == (
        "ERROR: unexpected error - [Errno 28] No space left on device"
    )
    assert trials.environment_problem(TRAIN_FAILED) is None  # the stage's own error line
    assert trials.environment_problem("ERROR: failed to reproduce 'train@mlp'") is None


def test_a_failed_trials_reason_is_the_stages_one_line_else_dvcs():
    assert trials.failure_reason(TRAIN_FAILED).startswith("train@mlp: error: parity check failed")
    assert (
        trials.failure_reason("ERROR: unexpected error - disk full\n")
        == "ERROR: unexpected error - disk full"
    )
    assert not trials.is_lock_race(TRAIN_FAILED)
    assert trials.is_lock_race("ERROR: Unable to acquire lock. Most likely another DVC process is running")


def test_the_summary_lists_the_best_first_and_says_how_to_keep_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # not a git repository: no experiment is stored here
    ranges = {"models.mlp.hidden": IntRange(5, 50), "models.mlp.epochs": Choice((20, 50))}
    spec = SearchSpec("s", Metric("metrics/mlp.json", "valid.accuracy"), "maximize", 3, ranges)
    study = optuna.create_study(direction="maximize")
    for number, value in enumerate([0.52, 0.61, None]):
        trial = study.ask()
        trial.suggest_int("models.mlp.hidden", 5, 50)
        trial.set_user_attr("experiment", f"s-{number}")
        trial.set_user_attr("machine", "a")
        if value is None:
            trial.set_user_attr("reason", "train@mlp: error: parity check failed")
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
        else:
            study.tell(trial, value)
    import tools.fresh_copy

    monkeypatch.setattr(tools.fresh_copy, "stored_experiments", lambda root: {"s-1": "ref"})
    text = results.summary(study, spec)
    lines = text.splitlines()
    assert lines[0] == "study s: 3 of 3 trials finished (1 failed), best first:"
    # every trial, the metric rounded as tools.compare rounds it; the failed one with its reason
    assert lines[2].split()[:3] == ["1", "s-1", "0.6100"] and lines[3].split()[:3] == ["2", "s-0", "0.5200"]
    assert lines[4].split()[:3] == ["-", "s-2", "-"] and "failed: train@mlp: error: parity check" in lines[4]
    assert lines[-1].startswith("keep the best: dvc exp apply s-1")


@pytest.mark.parametrize(
    "bad",
    [["--jobs", "0"], ["--jobs", "65"], ["--trials", "-1"], ["--trials", "10001"], ["--sampler", "grid"],
     ["--seed", "-5"], ["--seed", str(2**32)], ["--seed", "1e3"], ["--seed", "٣"]],
)  # fmt: skip
def test_bad_arguments_are_refused(bad):
    from ames_tiers.core.errors import UserError

    with pytest.raises(UserError):
        parser().parse_args(bad)


def test_trials_run_on_the_current_commit_so_uncommitted_changes_are_refused(tmp_path, monkeypatch):
    import subprocess

    from ames_tiers.core.errors import UserError
    from tools.fresh_copy import COMMITTER

    monkeypatch.chdir(tmp_path)
    for key, value in COMMITTER.items():
        monkeypatch.setenv(key, value)
    subprocess.run(["git", "init", "-q"], check=True)
    for name in ("params.yaml", "search.yaml"):
        (tmp_path / name).write_text("a: 1\n")
    subprocess.run(["git", "add", "."], check=True)
    subprocess.run(["git", "commit", "-qm", "start"], check=True)
    (tmp_path / "search.yaml").write_text("a: 2\n")  # the search's own file: no stage reads it
    (tmp_path / "notes.txt").write_text("untracked\n")
    checks.check_workspace(tmp_path / "search.yaml")
    (tmp_path / "params.yaml").write_text("a: 2\n")
    with pytest.raises(UserError, match=r"uncommitted changes \(params\.yaml\): each trial is an experiment"):
        checks.check_workspace(tmp_path / "search.yaml")
