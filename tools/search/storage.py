"""The study's storage: opening it, what its trials count as, and running again every trial
stopped before it finished.

Optuna keeps the books: each running trial has a heartbeat, `fail_stale_trials` fails a trial
whose heartbeat stopped for GRACE_SECONDS (its machine died), and its
RetryHeartbeatStaleTrialCallback queues such a trial's params again (WAITING, with its retry
history), the next trial asked. This module adds only what Optuna lacks: a trial stopped on
purpose (Ctrl-C, a failure of the environment) is recorded with why and queued again by the
same callback, and a trial of this machine whose search process is dead is failed at once,
without waiting out the grace period.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import socket
import time
import warnings
from typing import TYPE_CHECKING

from ames_tiers.core.errors import UserError
from ames_tiers.search.urls import redacted, scrubbed

if TYPE_CHECKING:
    import optuna

HEARTBEAT_SECONDS = 10  # a running trial's heartbeat (Search.heartbeat records it)
GRACE_SECONDS = 60  # one silent this long was killed with its machine
ATTEMPTS = 5  # to open the storage, when machines race to create Optuna's tables
INTERRUPTED = "interrupted (Ctrl-C)"
KILLED = "its search was killed"  # a trial of this machine whose search process is gone
NOT_ITS_OWN = "stopped: "  # then why: the environment's failure, not the trial's


def open_study(
    name: str, direction: str, url: str, sampler
) -> tuple[optuna.Study, optuna.storages.RDBStorage]:
    """The study ``name`` in ``url`` (created if new), its stale trials retried by Optuna.
    A wrong URL, no server, or no such database: one line, its password hidden."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    # the search records the heartbeats itself (Search.heartbeat), as study.optimize would
    warnings.filterwarnings(
        "ignore", message="Heartbeat of storage is supposed to be used with Study.optimize"
    )
    # a locked or lost database makes Optuna's trial query warn "Caught an error from sqlalchemy"
    # (a fallback meant for SQLite's limit on variables) over several lines before it fails the
    # same way: the failure is the search's one line (tools/search/stopping.py)
    logging.getLogger("optuna.storages._rdb.storage").addFilter(
        lambda record: not record.getMessage().startswith("Caught an error from sqlalchemy")
    )
    for attempt in itertools.count(1):
        try:
            storage = optuna.storages.RDBStorage(
                url,
                heartbeat_interval=HEARTBEAT_SECONDS,
                grace_period=GRACE_SECONDS,
                # experimental in Optuna: tests/tools/search/test_storage.py holds what it does
                heartbeat_stale_trial_callback=optuna.storages.RetryHeartbeatStaleTrialCallback(
                    max_retry=None
                ),
            )
            study = optuna.create_study(
                study_name=name, storage=storage, direction=direction, sampler=sampler, load_if_exists=True
            )
            return study, storage
        except Exception as err:  # SQLAlchemy's: a wrong URL, no server, or a race (below)
            # two machines starting on a new database both create Optuna's tables: one loses
            raced = "already exists" in str(err) or "duplicate" in str(err)
            if attempt == ATTEMPTS or not raced:
                first = (str(err).splitlines() or [type(err).__name__])[0]
                raise UserError(f"storage {redacted(url)}: {scrubbed(first, url)}") from None
            time.sleep(attempt)


def storage_errors() -> tuple[type[BaseException], ...]:
    """What a lost or locked storage raises, whichever call meets it."""
    from optuna.exceptions import StorageInternalError
    from sqlalchemy.exc import SQLAlchemyError

    return (SQLAlchemyError, StorageInternalError)


def storage_failure(url: str, err: BaseException) -> str:
    """The storage's failure in a few words: its URL and the error's first line, no password."""
    first = (str(err).splitlines() or [type(err).__name__])[0]
    return f"the study's storage {redacted(url)} failed ({scrubbed(first, url)})"


def retried_trial_number(trial) -> int | None:
    """The first trial this one runs again, or None: the attribute Optuna's retry callback
    writes, read as its (experimental, warning) RetryHeartbeatStaleTrialCallback.retried_trial_number does."""
    return trial.system_attrs.get("failed_trial")


def stop_trial(study, trial_id: int, reason: str) -> None:
    """Record a trial stopped before it finished (FAIL, with ``reason``), and queue its params
    again: the next trial asked runs them. A trial another process finished first is left."""
    from optuna.exceptions import UpdateFinishedTrialError
    from optuna.trial import TrialState

    storage = study._storage
    before = storage.get_trial(trial_id)  # the copy queued again carries its attributes, not why it stopped
    with contextlib.suppress(UpdateFinishedTrialError):
        storage.set_trial_user_attr(trial_id, "reason", reason)
        storage.set_trial_state_values(trial_id, state=TrialState.FAIL)
        storage.get_heartbeat_stale_trial_callback()(study, before)


def requeue_stopped(study) -> int:
    """Fail and queue again the trials stopped without a word: another machine's silent past
    the grace period (Optuna's fail_stale_trials), this machine's whose search is dead. The
    number of trials queued to run again."""
    import optuna
    from optuna.trial import TrialState

    optuna.storages.fail_stale_trials(study)
    here = socket.gethostname()
    for trial in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        pid = trial.user_attrs.get("pid")
        if trial.user_attrs.get("machine") == here and isinstance(pid, int) and not process_alive(pid):
            stop_trial(study, trial._trial_id, KILLED)
    return len(study.get_trials(deepcopy=False, states=(TrialState.WAITING,)))


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def is_own_failure(trial) -> bool:
    """A trial that failed for a reason of its own (it would fail again), not one stopped
    by Ctrl-C, by the environment, or found dead: those run again."""
    reason = trial.user_attrs.get("reason")
    return (
        trial.state.name == "FAIL"
        and bool(reason)
        and reason not in (INTERRUPTED, KILLED)
        and not reason.startswith(NOT_ITS_OWN)
    )


def counts(study) -> dict[str, int]:
    """Trials finished (complete, or failed for a reason of their own), failed, running.
    A WAITING trial (queued again) is not running: it is the next trial asked."""
    from optuna.trial import TrialState

    trials = study.get_trials(deepcopy=False)
    failed = sum(is_own_failure(t) for t in trials)
    complete = sum(t.state == TrialState.COMPLETE for t in trials)
    running = sum(t.state == TrialState.RUNNING for t in trials)
    return {"finished": complete + failed, "failed": failed, "running": running}
