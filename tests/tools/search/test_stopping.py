"""tools/search/stopping.py with real processes: a stop waits for the trials' processes, then a
trial whose run finished before the stop reached it keeps its result, and the others are
recorded as stopped and queued again (the race CI once met: Ctrl-C as a trial was storing its
experiment recorded it as interrupted beside its stored experiment)."""

from __future__ import annotations

import json
import subprocess
import sys

from ames_tiers.search.sampling import SeededPerTrial, search_space
from ames_tiers.search.space import IntRange, Metric, SearchSpec
from tools.fresh_copy import COMMITTER
from tools.search import storage
from tools.search.stopping import stop_trials
from tools.search.trials import LOGS, Running, Search

SPACE = {"models.mlp.hidden": IntRange(4, 16)}
SPEC = SearchSpec("s", Metric("metrics/mlp.json", "valid.accuracy"), "maximize", 4, SPACE)


def git(root, *args) -> str:
    return subprocess.run(["git", *args], cwd=root, env={**COMMITTER, "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip


def test_a_trial_that_finished_first_keeps_its_result_and_the_others_are_stopped(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    git(tmp_path, "init", "-q")
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "mlp.json").write_text(json.dumps({"valid": {"accuracy": 0.625}}))
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "s-0's run")
    # as DVC stores an experiment: refs/exps/<baseline split 2/38>/<name>
    git(tmp_path, "update-ref", f"refs/exps/ab/{'c' * 38}/s-0", "HEAD")
    study, rdb = storage.open_study("s", "maximize", f"sqlite:///{tmp_path / 'search.db'}",
                                    SeededPerTrial("random", 0))  # fmt: skip
    search = Search(SPEC, study, rdb, "train@mlp", 2, None)
    LOGS.mkdir(parents=True)
    processes = []
    for number, command in enumerate(["pass", "import time; time.sleep(60)"]):
        trial = study.ask(search_space(SPACE))
        log = LOGS / f"s-{number}.log"
        log.write_text("")
        process = subprocess.Popen([sys.executable, "-c", command], start_new_session=True)
        processes.append(process)
        search.running[trial.number] = Running(trial, f"s-{number}", process, log, params=trial.params)
    search.running[0].process.wait()  # its run finished; the search had not looked yet

    assert stop_trials(search, storage.INTERRUPTED) == 1
    finished, stopped, queued = study.get_trials()
    assert (finished.state.name, finished.value) == ("COMPLETE", 0.625)
    assert (stopped.state.name, stopped.user_attrs["reason"]) == ("FAIL", storage.INTERRUPTED)
    assert queued.state.name == "WAITING" and storage.retried_trial_number(queued) == stopped.number
    assert search.running == {} and all(p.poll() is not None for p in processes)  # nothing left running


def test_a_signal_stops_the_loop_between_storage_calls_not_inside_one(tmp_path, monkeypatch):
    # SIGTERM raised inside a storage call left its SQLite transaction half done, and recording
    # the stopped trials then failed (the storage "failed", exit 1 instead of 130)
    monkeypatch.chdir(tmp_path)
    study, rdb = storage.open_study("s", "maximize", f"sqlite:///{tmp_path / 'search.db'}",
                                    SeededPerTrial("random", 0))  # fmt: skip
    search = Search(SPEC, study, rdb, "train@mlp", 1, None)
    search.stop_signal = 15  # what the handler records (stopping.run_until_stopped)
    try:
        search.run()
    except KeyboardInterrupt:
        pass
    else:
        raise AssertionError("the loop ran on after the signal")
    assert study.get_trials() == []  # it stopped before asking a trial
