"""tools/search/storage.py on a real SQLite study: a stopped trial is recorded with why and
queued again by Optuna's retry callback; this machine's trials whose search is dead, and any
machine's silent past the grace period, are failed and queued again; what counts as finished."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time

import pytest
from optuna.trial import TrialState

from ames_tiers.core.errors import UserError
from ames_tiers.search.sampling import SeededPerTrial, search_space
from ames_tiers.search.space import IntRange
from tools.search import storage
from tools.search.results import summary, trial_state

SPACE = search_space({"models.mlp.hidden": IntRange(4, 16)})


@pytest.fixture
def study(tmp_path):
    return storage.open_study(
        "s", "maximize", f"sqlite:///{tmp_path / 'search.db'}", SeededPerTrial("random", 0)
    )[0]


def running_trial(study, machine: str, pid: int):
    trial = study.ask(SPACE)
    trial.set_user_attr("machine", machine)
    trial.set_user_attr("pid", pid)
    trial.set_user_attr("experiment", f"s-{trial.number}")
    return trial


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", ""])
    child.wait()
    return child.pid


def test_a_stopped_trial_is_recorded_with_why_and_its_params_run_next(study):
    trial = running_trial(study, socket.gethostname(), 1)
    storage.stop_trial(study, trial._trial_id, storage.INTERRUPTED)
    stopped, queued = study.get_trials()
    assert (stopped.state.name, stopped.user_attrs["reason"]) == ("FAIL", storage.INTERRUPTED)
    assert queued.state.name == "WAITING" and "reason" not in queued.user_attrs
    assert storage.retried_trial_number(queued) == stopped.number
    assert storage.counts(study) == {"finished": 0, "failed": 0, "running": 0}  # it runs again
    assert study.ask(SPACE).params == stopped.params  # the next trial asked is that one


def test_a_trial_finished_elsewhere_first_is_left_as_it_is(study):
    trial = running_trial(study, "other", 1)
    study.tell(trial, 0.5)
    storage.stop_trial(study, trial._trial_id, storage.INTERRUPTED)
    assert [(t.state.name, t.value) for t in study.get_trials()] == [("COMPLETE", 0.5)]


def test_this_machines_trials_whose_search_is_dead_run_again_at_once(study):
    dead = running_trial(study, socket.gethostname(), dead_pid())
    alive = running_trial(study, socket.gethostname(), os.getpid())
    elsewhere = running_trial(study, "another-machine", dead_pid())  # its heartbeat decides
    for trial in (dead, alive, elsewhere):
        study._storage.record_heartbeat(trial._trial_id)
    assert storage.requeue_stopped(study) == 1
    states = {t.number: (t.state.name, t.user_attrs.get("reason")) for t in study.get_trials()}
    assert states[dead.number] == ("FAIL", storage.KILLED)
    assert states[alive.number] == ("RUNNING", None) and states[elsewhere.number] == ("RUNNING", None)
    (queued,) = study.get_trials(states=(TrialState.WAITING,))
    assert storage.retried_trial_number(queued) == dead.number


def test_a_trial_silent_past_the_grace_period_is_failed_and_run_again_by_optunas_callback(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(storage, "GRACE_SECONDS", 1)
    monkeypatch.setattr(storage, "HEARTBEAT_SECONDS", 1)
    url = f"sqlite:///{tmp_path / 'search.db'}"
    study = storage.open_study("s", "maximize", url, SeededPerTrial("random", 0))[0]
    trial = running_trial(study, "another-machine", 1)
    study._storage.record_heartbeat(trial._trial_id)
    time.sleep(2.5)
    assert storage.requeue_stopped(study) == 1
    failed, queued = study.get_trials()
    assert failed.state.name == "FAIL" and not storage.is_own_failure(failed)
    assert trial_state(failed) == "stopped (no heartbeat)"
    assert queued.params == failed.params and trial_state(queued) == f"to run again (trial {failed.number})"


def test_only_a_trials_own_failure_counts_as_finished(study):
    for reason in ("train@mlp: error: parity check failed", storage.INTERRUPTED, storage.KILLED,
                   f"{storage.NOT_ITS_OWN}No space left on device"):  # fmt: skip
        trial = running_trial(study, "m", 1)
        trial.set_user_attr("reason", reason)
        study.tell(trial, state=TrialState.FAIL)
    study.tell(running_trial(study, "m", 1), 0.7)
    running_trial(study, "m", 1)
    assert storage.counts(study) == {"finished": 2, "failed": 1, "running": 1}
    assert [storage.is_own_failure(t) for t in study.get_trials()] == [
        True,
        False,
        False,
        False,
        False,
        False,
    ]


def test_a_queued_trial_shows_no_experiment_of_its_own_yet(study, tmp_path, monkeypatch):
    from ames_tiers.search.space import Metric, SearchSpec

    monkeypatch.chdir(tmp_path)  # not a git repository: no experiment is stored here
    import tools.fresh_copy

    monkeypatch.setattr(tools.fresh_copy, "stored_experiments", lambda root: {})
    trial = running_trial(study, "m", 1)
    storage.stop_trial(study, trial._trial_id, storage.INTERRUPTED)
    spec = SearchSpec("s", Metric("metrics/mlp.json", "valid.accuracy"), "maximize", 2,
                      {"models.mlp.hidden": IntRange(4, 16)})  # fmt: skip
    lines = summary(study, spec).splitlines()
    assert "stopped (interrupted (Ctrl-C))" in lines[2] and " s-0 " in lines[2]
    assert lines[3].split()[:3] == ["-", "-", "-"] and "to run again (trial 0)" in lines[3]


def test_a_storage_that_cannot_be_opened_is_one_line_without_its_password(tmp_path):
    with pytest.raises(UserError) as raised:
        storage.open_study(
            "s", "maximize", "postgresql://tune:s3cret@127.0.0.1:1/db", SeededPerTrial("tpe", 0)
        )
    assert "s3cret" not in str(raised.value) and "\n" not in str(raised.value)


def test_optunas_fallback_warning_before_a_locked_database_fails_is_not_printed(study, caplog):
    # Optuna's trial query warns so (several lines) when the database is locked, then fails
    # the same way: the search's one line says it (tests/e2e/test_search_stops.py)
    logger = logging.getLogger("optuna.storages._rdb.storage")
    logger.warning(
        "Caught an error from sqlalchemy: (sqlite3.OperationalError) database is locked\n[SQL: ...]"
    )
    logger.warning("another warning")
    assert [r.getMessage() for r in caplog.records] == ["another warning"]
