"""Running trials: each one a `dvc exp run --temp` of the metric's stage, under its guard, up
to --jobs at once; a finished one told to the study with its metric as its experiment's
commit records it, a failed one with its one-line reason.

Why not Optuna's study.optimize: it runs each objective in a thread of one process, and the
search must stop every trial's process group at the first Ctrl-C or failure of the
environment, from whichever trial meets it; a loop that polls its children does that plainly.
It records the heartbeats as study.optimize's thread would.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ames_tiers.core.cli import ERROR_LINE
from ames_tiers.core.errors import ParamsError, UserError
from ames_tiers.core.params import set_arguments
from tools.search.results import best_trials
from tools.search.storage import HEARTBEAT_SECONDS, counts, requeue_stopped

log = logging.getLogger(__name__)

LOGS = Path(".dvc/tmp/search")  # each trial's `dvc exp run` output (DVC's gitignored tmp)
LOCK_RACE = ("Unable to acquire lock",)  # DVC's message when two runs start at the same moment
RACE_RETRIES = 5
POLL_SECONDS = 0.2
# DVC's or the system's own failures, not the trial's: the search stops, the trial runs again
ENVIRONMENT = ("unexpected error", "No space left on device", "not a git repository", "Read-only file system",
               "does not have any commits")  # fmt: skip


class EnvironmentFailure(Exception):
    """A trial failed for a reason that is not its own (disk, git, DVC itself)."""


@dataclass
class Running:
    trial: Any  # optuna.Trial
    name: str
    process: subprocess.Popen | None
    log_path: Path
    attempts: int = 1
    params: dict[str, Any] = field(default_factory=dict)


def experiment_name(study: str, number: int) -> str:
    return f"{study}-{number}"


def trial_command(name: str, params: dict[str, Any], stage: str) -> list[str]:
    """`dvc exp run --temp` (each trial in a directory of its own, so that several run at once)
    of ``stage``, the one that writes the metric, and the stages before it: the others (the
    report) wait for the experiment a user applies. Under a guard that stops it if this
    search is killed (tools/search/guard.py)."""
    settings = [a for s in set_arguments(params) for a in ("-S", s)]
    run = ["dvc", "exp", "run", "--temp", "-n", name, *settings, stage]
    return [sys.executable, "-m", "tools.search.guard", "--", *run]


def trial_env() -> dict[str, str]:
    """The trial's environment: dvc from this Python's bin; one thread for OpenMP and MKL
    (torch already runs on one), so that parallel trials do not spin against each other."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def failure_reason(output: str) -> str:
    """The one line that says why a trial failed: the stage's own error line, else DVC's."""
    found = ERROR_LINE.findall(output)
    if found:
        return found[-1].strip()
    errors = [line.strip() for line in output.splitlines() if line.startswith("ERROR")]
    return errors[-1] if errors else (output.strip().splitlines() or ["exited without a message"])[-1]


def environment_problem(output: str) -> str | None:
    """The line that says a failure is the environment's, or None if it is the trial's own (a
    stage's error line) or unknown."""
    if ERROR_LINE.search(output):
        return None
    lines = [line.strip() for line in output.splitlines() if any(text in line for text in ENVIRONMENT)]
    return lines[-1] if lines else None


def is_lock_race(output: str) -> bool:
    return any(text in output for text in LOCK_RACE) and not ERROR_LINE.search(output)


def git(*args: str) -> str:
    result = subprocess.run(["git", *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise UserError(f"git {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


def experiment_metric(name: str, spec) -> float:
    """The metric as the experiment's commit records it: the study's value is that, bit for bit."""
    from ames_tiers.core.files import parse_json
    from ames_tiers.search.space import metric_value
    from tools.fresh_copy import stored_experiments

    ref = stored_experiments(Path.cwd()).get(name)
    if ref is None:
        raise UserError(f"experiment {name} ran but DVC did not store it")
    return metric_value(
        parse_json(git("show", f"{ref}:{spec.metric.file}"), f"{name}:{spec.metric.file}"), spec.metric
    )


def format_value(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def describe(params: dict[str, Any]) -> str:
    return " ".join(f"{key.rsplit('.', 1)[-1]}={format_value(v)}" for key, v in params.items())


class Search:
    """The study's trials run here, ``jobs`` at a time, until the study has its trials."""

    def __init__(self, spec, study, storage, stage: str, jobs: int, push: str | None):
        self.spec, self.study, self.storage, self.stage = spec, study, storage, stage
        self.jobs, self.push = jobs, push
        self.running: dict[int, Running] = {}
        self.started = time.monotonic()
        self.last_beat = 0.0
        self.live = sys.stderr.isatty()
        self.line_drawn = False
        self.stop_signal: int | None = None  # set by the signal handler (stopping.py)

    def check_stop(self) -> None:
        """Stop here, between two storage calls: a signal that raised inside one would leave
        its transaction half done, and the trials could not be recorded after it."""
        if self.stop_signal is not None:
            raise KeyboardInterrupt

    def run(self) -> None:
        last_draw = 0.0
        while True:
            self.check_stop()
            c = counts(self.study)
            while c["finished"] + c["running"] < self.spec.trials and len(self.running) < self.jobs:
                self.check_stop()
                self.start_trial()
                c = counts(self.study)
            if not self.running:
                break
            for run in list(self.running.values()):
                self.check_stop()
                if run.process.poll() is not None:
                    self.finish(run)
            self.heartbeat()
            if time.monotonic() - last_draw >= 1:
                last_draw = time.monotonic()
                self.draw()
            time.sleep(POLL_SECONDS)
        self.clear_line()

    def start_trial(self) -> None:
        from ames_tiers.search.sampling import search_space

        requeue_stopped(self.study)  # another machine's trials, stopped or dead, run first
        trial = self.study.ask(search_space(self.spec.params))  # a WAITING one first
        name = experiment_name(self.spec.study, trial.number)
        self.storage.record_heartbeat(trial._trial_id)  # from its first second: expired if we die
        trial.set_user_attr("experiment", name)
        trial.set_user_attr("machine", socket.gethostname())
        trial.set_user_attr("pid", os.getpid())
        self.running[trial.number] = Running(trial, name, None, LOGS / f"{name}.log", params=trial.params)
        self.launch(self.running[trial.number])

    def launch(self, run: Running) -> None:
        LOGS.mkdir(parents=True, exist_ok=True)
        with open(run.log_path, "w", encoding="utf-8") as out:
            # its own process group, so that stopping it stops dvc's stage processes too
            run.process = subprocess.Popen(
                trial_command(run.name, run.params, self.stage),
                stdout=out,
                stderr=subprocess.STDOUT,
                env=trial_env(),
                start_new_session=True,
            )

    def finish(self, run: Running) -> None:
        output = run.log_path.read_text(encoding="utf-8", errors="replace")
        if run.process.returncode != 0 and is_lock_race(output) and run.attempts <= RACE_RETRIES:
            run.attempts += 1
            time.sleep(run.attempts * 0.5)
            self.launch(run)
            return
        if run.process.returncode != 0 and (problem := environment_problem(output)):
            raise EnvironmentFailure(problem)  # stopped with the others (stopping.py), to run again
        del self.running[run.trial.number]
        if run.process.returncode != 0:
            self.record_failure(run, failure_reason(output))
            return
        try:
            value = experiment_metric(run.name, self.spec)
        except (UserError, ParamsError) as err:
            self.record_failure(run, str(err))
            return
        self.study.tell(run.trial, value)
        self.report(f"{run.name}: {self.spec.metric.key} {value:.6g}  {describe(run.params)}")
        if self.push:
            self.push_experiment(run.name)

    def push_experiment(self, name: str) -> None:
        pushed = subprocess.run(
            ["dvc", "exp", "push", self.push, name], capture_output=True, text=True, env=trial_env()
        )
        if pushed.returncode != 0:
            reason = failure_reason(pushed.stdout + pushed.stderr)
            log.warning("WARNING: dvc exp push %s %s failed: %s", self.push, name, reason)

    def record_failure(self, run: Running, reason: str) -> None:
        from optuna.trial import TrialState

        run.trial.set_user_attr("reason", reason)
        self.study.tell(run.trial, state=TrialState.FAIL)
        self.report(f"{run.name}: failed: {reason}  {describe(run.params)}")

    def heartbeat(self) -> None:
        now = time.monotonic()
        if now - self.last_beat >= HEARTBEAT_SECONDS:
            self.last_beat = now
            for run in self.running.values():
                self.storage.record_heartbeat(run.trial._trial_id)  # what study.optimize's thread does

    def status(self) -> str:
        c = counts(self.study)
        best = best_trials(self.study, 1)
        best_text = f", best {best[0].value:.6g} ({best[0].user_attrs.get('experiment')})" if best else ""
        elapsed = int(time.monotonic() - self.started)
        return (
            f"{c['finished']} of {self.spec.trials} trials ({c['failed']} failed), "
            f"{len(self.running)} running here{best_text}, {elapsed // 60}m{elapsed % 60:02d}s"
        )

    def report(self, text: str) -> None:
        self.clear_line()
        log.info("%s  [%s]", text, self.status())

    def draw(self) -> None:
        if self.live:
            sys.stderr.write(f"\rsearch {self.spec.study}: {self.status()}\033[K")
            sys.stderr.flush()
            self.line_drawn = True

    def clear_line(self) -> None:
        if self.line_drawn:
            sys.stderr.write("\r\033[K")
            self.line_drawn = False
