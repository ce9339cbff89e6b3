"""However a search stops, every trial it started is recorded with why, no `dvc exp run`
outlives it, and the same command finishes the study.

- Ctrl-C (once or more) or SIGTERM: its trials are stopped and recorded as interrupted, and
  queued again (tools/search/storage.py); exit 130. A trial whose `dvc exp run` finished
  before the stop reached it keeps its result; a stopped one leaves no experiment.
- A trial's failure that is not its own (a full disk, DVC's "unexpected error"): the same,
  recorded with that reason; one line naming it, exit 1.
- The study's storage lost or locked: its trials are stopped and cannot be recorded; the next
  start finds them orphaned (their search is dead) and queues them again; one line, exit 1.
- kill -9: each trial's guard (tools/search/guard.py) sees its search gone and stops its
  `dvc exp run`; the next start queues the trials again, as for a lost storage.
Stopping a trial is stopping its guard, which stops dvc's process group as Ctrl-C in a
terminal would: DVC removes its temp workspace and its record of a running experiment.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from ames_tiers.core.errors import UserError
from tools.search.guard import STOP_SECONDS
from tools.search.storage import INTERRUPTED, NOT_ITS_OWN, stop_trial, storage_errors, storage_failure
from tools.search.trials import EnvironmentFailure, Search, trial_env


def run_until_stopped(search: Search, url: str) -> None:
    """Run ``search`` to the end of its study, or stop it as the module says."""
    lost_storage = storage_errors()

    def ask_to_stop(signum, frame) -> None:  # `kill` stops it as Ctrl-C does
        search.stop_signal = signum  # the loop stops at its next check (Search.check_stop)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, ask_to_stop)
    try:
        search.run()
    except KeyboardInterrupt:
        # from here the search only stops: another Ctrl-C (or SIGTERM) changes nothing, so that
        # it always ends the same way, every trial recorded and its guard told
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)
        search.clear_line()
        if search.running:
            running = len(search.running)
            print(
                f"search: stopping {running} running trials (Ctrl-C again changes nothing)", file=sys.stderr
            )
        stopped = stop_trials(search, INTERRUPTED)
        print(
            f"search: interrupted: {stopped} running trials stopped (they run again first when the "
            f"same command resumes the study); finished trials are kept",
            file=sys.stderr,
        )
        sys.exit(130)
    except EnvironmentFailure as err:
        search.clear_line()
        stopped = stop_trials(search, f"{NOT_ITS_OWN}{err}")
        raise UserError(
            f"a trial failed for a reason not its own ({err}); the search stopped its {stopped} "
            "running trials, which run again when the same command resumes the study"
        ) from None
    except lost_storage as err:
        search.clear_line()
        stopped = stop_trials(search, reason=None)
        raise UserError(
            f"{storage_failure(url, err)}; the search stopped its {stopped} running trials, which "
            "run again when the same command resumes the study"
        ) from None


def stop_trials(search: Search, reason: str | None) -> int:
    """Tell every running trial's guard to stop, wait for them, then record each trial: one
    whose `dvc exp run` finished before the stop reached it keeps its result (its experiment is
    stored); any other is stopped with ``reason`` and leaves no experiment (None: the storage is
    gone, nothing is recorded, and the next start finds them orphaned). Ctrl-C while recording
    is ignored (it takes milliseconds); Ctrl-C while waiting stops waiting: the guards finish
    stopping on their own."""
    started = [run for run in search.running.values() if run.process is not None]
    for run in started:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(run.process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_SECONDS + 5  # the guard's own limit, and a little more
    try:
        for run in started:
            with contextlib.suppress(subprocess.TimeoutExpired):
                run.process.wait(timeout=max(0.1, deadline - time.monotonic()))
    except KeyboardInterrupt:
        pass  # a second Ctrl-C where it was not ignored already: record them now
    stopped = len(search.running)
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        if reason is not None:
            for run in list(search.running.values()):
                if run.process is not None and run.process.poll() == 0:
                    search.finish(run)  # it finished first: a complete trial, as any other
                    stopped -= 1
                else:
                    stop_trial(search.study, run.trial._trial_id, reason)
                    remove_experiment(run.name)
        search.running.clear()
    finally:
        signal.signal(signal.SIGINT, previous)
    return stopped


def remove_experiment(name: str) -> None:
    """A stopped trial's experiment, if DVC stored it as the stop reached it (its run had
    finished; DVC was exiting): removed, so that no experiment holds a trial the study
    records as stopped."""
    from tools.fresh_copy import stored_experiments

    if name in stored_experiments(Path.cwd()):
        subprocess.run(["dvc", "exp", "remove", name], capture_output=True, env=trial_env())
