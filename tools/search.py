"""Search params beyond a grid: Optuna proposes, each trial runs as a real DVC experiment.

Usage:  python -m tools.search [--space search.yaml] [--jobs N] [--seed S] [--sampler tpe|random]
                               [--trials N] [--study NAME] [--storage URL] [--push REMOTE]
        python -m tools.search --show      (the study's trials, best first; runs nothing)
        python -m tools.search --page      (plots/search/<study>.html: its history, its params
                                            in parallel coordinates, their importance; runs nothing)
Reads:  search.yaml (the study's name, the metric, the ranges of the params.yaml keys it
        varies; no stage reads it), params.yaml (to check the ranges), the experiments' metrics.
Writes: one DVC experiment per trial, named <study>-<trial number>, of the current commit
        (`dvc exp run --temp -S key=value ...`; see them with `dvc exp show`, tools.compare);
        the study, in search.db (SQLite, gitignored) or in --storage / $OPTUNA_STORAGE
        (postgresql://user@host/db: several machines share one study; each runs this same
        command and pushes its experiments with --push origin).

Each trial's params are proposed from --seed and the trials finished before it, so a search
with --jobs 1 proposes the same trials every time. With --jobs 2 (or several machines) a
trial is proposed while others run, from whichever have finished: a valid search, not the
same sequence twice. Each trial's torch runs on one thread, so two jobs use two cores.
A trial whose stage fails (divergence, a failed reference check) is recorded as failed with
its one-line reason and the search goes on; DVC's lock race between parallel runs is retried.
Ctrl-C stops every trial it started (they are recorded as interrupted, and run again first);
the same command resumes the study where it stopped, never repeating a finished trial.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ames_tiers.core.cli import ERROR_LINE, cli_parser, run_cli
from ames_tiers.core.errors import ParamsError, UserError
from ames_tiers.core.params import read_yaml, set_arguments
from ames_tiers.search.urls import redacted, scrubbed

log = logging.getLogger(__name__)

SPACE = Path("search.yaml")
STORAGE_FILE = Path("search.db")  # gitignored
PAGES = Path("plots/search")  # the studies' pages (gitignored: a study is not a pipeline output)
LOGS = Path(".dvc/tmp/search")  # each trial's `dvc exp run` output (DVC's gitignored tmp)
STORAGE_ENV = "OPTUNA_STORAGE"  # as Optuna's own command line reads it
STORAGE_ATTEMPTS = 5
HEARTBEAT_SECONDS = 10  # a running trial's heartbeat; one silent for GRACE_SECONDS was killed
GRACE_SECONDS = 60
LOCK_RACE = ("Unable to acquire lock",)  # DVC's message when two runs start at the same moment
RACE_RETRIES = 5
BEST_SHOWN = 5
POLL_SECONDS = 0.2
INTERRUPTED = "interrupted (Ctrl-C)"
KILLED = "its search was killed"  # a trial of this machine whose search process is gone
NOT_ITS_OWN = "stopped: "  # then why: the environment's failure, not the trial's


@dataclass
class Running:
    trial: Any  # optuna.Trial
    name: str
    process: subprocess.Popen
    log_path: Path
    attempts: int = 1
    params: dict[str, Any] = field(default_factory=dict)


def experiment_name(study: str, number: int) -> str:
    return f"{study}-{number}"


def trial_command(name: str, params: dict[str, Any]) -> list[str]:
    """`dvc exp run --temp` (each trial in a directory of its own, so that several run at once),
    under a guard that stops it if this search is killed (ames_tiers/search/guard.py)."""
    run = ["dvc", "exp", "run", "--temp", "-n", name, *(a for s in set_arguments(params) for a in ("-S", s))]
    return [sys.executable, "-m", "ames_tiers.search.guard", "--", *run]


def failure_reason(output: str) -> str:
    """The one line that says why a trial failed: the stage's own error line, else DVC's."""
    found = ERROR_LINE.findall(output)
    if found:
        return found[-1].strip()
    errors = [line.strip() for line in output.splitlines() if line.startswith("ERROR")]
    return errors[-1] if errors else (output.strip().splitlines() or ["exited without a message"])[-1]


# DVC's or the system's own failures, not the trial's: the search stops, the trial runs again
ENVIRONMENT = ("unexpected error", "No space left on device", "not a git repository", "Read-only file system",
               "does not have any commits")  # fmt: skip


class EnvironmentFailure(Exception):
    """A trial failed for a reason that is not its own (disk, git, DVC itself)."""


def environment_problem(output: str) -> str | None:
    """The line that says a failure is the environment's, or None if it is the trial's own (a
    stage's error line) or unknown."""
    if ERROR_LINE.search(output):
        return None
    lines = [line.strip() for line in output.splitlines() if any(text in line for text in ENVIRONMENT)]
    return lines[-1] if lines else None


def is_lock_race(output: str) -> bool:
    return any(text in output for text in LOCK_RACE) and not ERROR_LINE.search(output)


def trial_env() -> dict[str, str]:
    """The trial's environment: dvc from this Python's bin; one thread for OpenMP and MKL
    (torch already runs on one), so that parallel trials do not spin against each other."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def git(*args: str) -> str:
    result = subprocess.run(["git", *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise UserError(f"git {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


def experiment_metric(name: str, spec) -> float:
    """The metric as the experiment's commit records it."""
    from ames_tiers.core.files import parse_json
    from ames_tiers.search.space import metric_value
    from tools.fresh_copy import stored_experiments

    ref = stored_experiments(Path.cwd()).get(name)
    if ref is None:
        raise UserError(f"experiment {name} ran but DVC did not store it")
    return metric_value(
        parse_json(git("show", f"{ref}:{spec.metric.file}"), f"{name}:{spec.metric.file}"), spec.metric
    )


# --- the study's storage and its trials ------------------------------------------------------


def open_study(spec, url: str, sampler_name: str, seed: int):
    import warnings

    import optuna

    from ames_tiers.search.sampling import SeededPerTrial

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    # a locked or lost database makes Optuna's trial query warn "Caught an error from sqlalchemy"
    # (a fallback meant for SQLite's limit on variables) over several lines before it fails the
    # same way: the failure is the one line this search prints (see main)
    logging.getLogger("optuna.storages._rdb.storage").addFilter(
        lambda record: not record.getMessage().startswith("Caught an error from sqlalchemy")
    )
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    # this loop records the heartbeats itself (Search.heartbeat), as study.optimize would
    warnings.filterwarnings(
        "ignore", message="Heartbeat of storage is supposed to be used with Study.optimize"
    )
    for attempt in range(STORAGE_ATTEMPTS):
        try:
            storage = optuna.storages.RDBStorage(
                url, heartbeat_interval=HEARTBEAT_SECONDS, grace_period=GRACE_SECONDS
            )
            sampler = SeededPerTrial(sampler_name, seed)
            study = optuna.create_study(
                study_name=spec.study,
                storage=storage,
                direction=spec.direction,
                sampler=sampler,
                load_if_exists=True,
            )
            break
        except Exception as err:  # SQLAlchemy's: a wrong URL, no server, or a race (below)
            # two machines starting on a new database both create Optuna's tables: one loses
            raced = "already exists" in str(err) or "duplicate" in str(err)
            if attempt + 1 == STORAGE_ATTEMPTS or not raced:
                first = (str(err).splitlines() or [type(err).__name__])[0]
                raise UserError(f"storage {redacted(url)}: {scrubbed(first, url)}") from None
            time.sleep(1 + attempt)
    return study, storage


def counts(study) -> dict[str, int]:
    """Trials finished (complete, or failed for a reason of their own), failed, running."""
    from optuna.trial import TrialState

    trials = study.get_trials(deepcopy=False)
    failed = [t for t in trials if t.state == TrialState.FAIL and is_own_failure(t)]
    complete = [t for t in trials if t.state == TrialState.COMPLETE]
    # WAITING (queued again) is not running: it is the next trial asked, and must be asked
    running = [t for t in trials if t.state == TrialState.RUNNING]
    return {"finished": len(complete) + len(failed), "failed": len(failed), "running": len(running)}


def is_own_failure(trial) -> bool:
    """A trial that failed for a reason of its own (it would fail again), not one stopped
    by Ctrl-C or found dead (its machine was killed): those run again."""
    reason = trial.user_attrs.get("reason")
    return bool(reason) and reason not in (INTERRUPTED, KILLED) and not reason.startswith(NOT_ITS_OWN)


def enqueue_stopped(study) -> int:
    """Queue again, first, the params of every trial stopped before it finished (Ctrl-C, or
    no heartbeat for GRACE_SECONDS) that has not been queued again yet."""
    import optuna
    from optuna.trial import TrialState

    optuna.storages.fail_stale_trials(study)  # another machine's, silent past GRACE_SECONDS
    fail_orphans(study)
    trials = study.get_trials(deepcopy=False)
    retried = {t.user_attrs.get("retry_of") for t in trials}
    stopped = [t for t in trials if t.state == TrialState.FAIL and not is_own_failure(t)]
    for trial in stopped:
        if trial.number not in retried:
            study.enqueue_trial(trial.params, user_attrs={"retry_of": trial.number})
    return sum(t.number not in retried for t in stopped)


def fail_orphans(study) -> None:
    """Fail, as stopped, the RUNNING trials of this machine whose search process is gone (killed
    before its first heartbeat, or within the grace period): they run again at once."""
    from optuna.trial import TrialState

    here = socket.gethostname()
    for trial in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        pid = trial.user_attrs.get("pid")
        if trial.user_attrs.get("machine") == here and isinstance(pid, int) and not process_alive(pid):
            # Optuna fails stale trials by heartbeat only; a dead process is known at once
            study._storage.set_trial_user_attr(trial._trial_id, "reason", KILLED)
            study._storage.set_trial_state_values(trial._trial_id, state=TrialState.FAIL)


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def best_trials(study, limit: int = BEST_SHOWN) -> list:
    from optuna.trial import TrialState

    complete = [t for t in study.get_trials(deepcopy=False) if t.state == TrialState.COMPLETE]
    return sorted(complete, key=lambda t: t.value, reverse=study.direction.name == "MAXIMIZE")[:limit]


def summary(study, spec) -> str:
    """Every trial as a table, best first: the finished ones by their metric (rounded as
    tools.compare rounds it, params as DVC records them), then those that failed with their
    reason, then those stopped or running; and the one command that keeps the best."""
    from optuna.trial import TrialState

    from tools.fresh_copy import stored_experiments

    trials = study.get_trials(deepcopy=False)
    if not trials:
        return f"study {spec.study}: no trial has run yet"
    best = best_trials(study, limit=len(trials))
    others = [t for t in trials if t.state != TrialState.COMPLETE]
    keys = list(spec.params)
    rows = [["rank", "experiment", str(spec.metric), *keys, "state", "machine"]]
    for rank, t in enumerate([*best, *others], 1):
        value = f"{t.value:.4f}" if t.state == TrialState.COMPLETE else "-"
        state = "complete" if t.state == TrialState.COMPLETE else trial_state(t)
        params = [json.dumps(t.params[k]) if k in t.params else "-" for k in keys]
        rows.append([str(rank) if t in best else "-", t.user_attrs.get("experiment", "?"), value, *params,
                     state, t.user_attrs.get("machine", "?")])  # fmt: skip
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    c = counts(study)
    header = f"study {spec.study}: {c['finished']} of {spec.trials} trials finished ({c['failed']} failed)"
    header += ", best first:"
    if not best:
        return "\n".join([header, *lines, "no trial has finished yet"])
    top = best[0].user_attrs.get("experiment", "?")
    keep = f"keep the best: dvc exp apply {top}   (or as a branch: dvc exp branch {top} <branch>)"
    if top not in stored_experiments(Path.cwd()):
        keep = f"keep the best: dvc exp pull origin {top} && dvc exp apply {top}"
    return "\n".join([header, *lines, keep])


def trial_state(trial) -> str:
    """A trial that did not complete, in a word or its reason."""
    reason = trial.user_attrs.get("reason")
    if trial.state.name == "FAIL":
        return (
            f"failed: {reason}"
            if is_own_failure(trial)
            else f"stopped ({reason or 'no heartbeat'}), runs again"
        )
    return trial.state.name.lower()


def format_value(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


# --- running trials --------------------------------------------------------------------------


class Search:
    def __init__(self, spec, study, storage, jobs: int, push: str | None):
        self.spec, self.study, self.storage, self.jobs, self.push = spec, study, storage, jobs, push
        self.running: dict[int, Running] = {}
        self.started = time.monotonic()
        self.last_beat = 0.0
        self.live = sys.stderr.isatty()
        self.line_drawn = False

    def start_trial(self) -> None:
        from ames_tiers.search.sampling import search_space

        enqueue_stopped(self.study)  # another machine's trials, stopped or dead, run first
        trial = self.study.ask(search_space(self.spec.params))
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
                trial_command(run.name, run.params),
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
        del self.running[run.trial.number]
        if run.process.returncode == 0:
            try:
                value = experiment_metric(run.name, self.spec)
            except (UserError, ParamsError) as err:
                self.record_failure(run, str(err))
                return
            self.study.tell(run.trial, value)
            self.report(f"{run.name}: {self.spec.metric.key} {value:.6g}  {describe(run.params)}")
            if self.push:
                pushed = subprocess.run(
                    ["dvc", "exp", "push", self.push, run.name],
                    capture_output=True,
                    text=True,
                    env=trial_env(),
                )
                if pushed.returncode != 0:
                    log.warning(
                        "WARNING: dvc exp push %s %s failed: %s",
                        self.push,
                        run.name,
                        failure_reason(pushed.stdout + pushed.stderr),
                    )
        elif problem := environment_problem(output):
            self.running[run.trial.number] = run  # stopped with the others, to run again
            raise EnvironmentFailure(problem)
        else:
            self.record_failure(run, failure_reason(output))

    def record_failure(self, run: Running, reason: str) -> None:
        from optuna.trial import TrialState

        run.trial.set_user_attr("reason", reason)
        self.study.tell(run.trial, state=TrialState.FAIL)
        self.report(f"{run.name}: failed: {reason}  {describe(run.params)}")

    def stop_all(self, reason: str | None = INTERRUPTED) -> None:
        """Stop every running trial, each through its guard (which stops dvc's group as Ctrl-C
        in a terminal would: DVC removes its temp workspace and its record of a running
        experiment), and record each with ``reason`` first (None: the storage is gone; the next
        start finds them orphaned). Ctrl-C while recording is ignored (it takes milliseconds);
        Ctrl-C while waiting for the guards stops waiting: they finish stopping on their own."""
        from optuna.trial import TrialState

        started = [run for run in self.running.values() if run.process is not None]
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            for run in started:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(run.process.pid, signal.SIGTERM)
            if reason is not None:
                for run in self.running.values():
                    run.trial.set_user_attr("reason", reason)
                    self.study.tell(run.trial, state=TrialState.FAIL)
            self.running.clear()
        finally:
            signal.signal(signal.SIGINT, previous)
        deadline = time.monotonic() + 25  # the guard's own limit, and a little more
        try:
            for run in started:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    run.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except KeyboardInterrupt:
            pass  # a second Ctrl-C: the trials are recorded, their guards stop them

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

    def run(self) -> None:
        last_draw = 0.0
        while True:
            c = counts(self.study)
            waiting = c["finished"] + c["running"] < self.spec.trials
            while waiting and len(self.running) < self.jobs:
                self.start_trial()
                c = counts(self.study)
                waiting = c["finished"] + c["running"] < self.spec.trials
            if not self.running:
                break
            for run in list(self.running.values()):
                if run.process.poll() is not None:
                    self.finish(run)
            self.heartbeat()
            if time.monotonic() - last_draw >= 1:
                last_draw = time.monotonic()
                self.draw()
            time.sleep(POLL_SECONDS)
        self.clear_line()


def describe(params: dict[str, Any]) -> str:
    return " ".join(f"{key.rsplit('.', 1)[-1]}={format_value(v)}" for key, v in params.items())


# --- the command -----------------------------------------------------------------------------


def load_spec(path: Path):
    from ames_tiers.core import paths
    from ames_tiers.search.space import parse_search

    try:
        return parse_search(read_yaml(path), read_yaml(paths.PARAMS))
    except ParamsError as err:
        raise UserError(f"{path}: {err}") from None


def check_workspace(space: Path) -> None:
    """Every trial is an experiment of the current commit: refuse uncommitted changes to
    tracked files, which `dvc exp run --temp` would carry into every trial (all but the
    search's own file, which no stage reads)."""
    status = git("status", "--porcelain", "--untracked-files=no").splitlines()
    changed = [line[3:] for line in status if Path(line[3:]).resolve() != space.resolve()]
    if changed:
        more = ", ..." if len(changed) > 3 else ""
        raise UserError(
            f"uncommitted changes ({', '.join(changed[:3])}{more}): each trial is an experiment "
            "of the current commit; commit or stash them first"
        )


def check_metric_in_head(spec) -> None:
    """The metric exists in HEAD's metrics file and is a number: else every trial would run
    first and fail after."""
    from ames_tiers.core.files import parse_json
    from ames_tiers.search.space import metric_value

    shown = subprocess.run(["git", "show", f"HEAD:{spec.metric.file}"], capture_output=True, text=True)
    if shown.returncode != 0:
        raise UserError(f"metric {spec.metric}: {spec.metric.file} is not in the current commit")
    try:
        metric_value(parse_json(shown.stdout, f"HEAD:{spec.metric.file}"), spec.metric)
    except ParamsError as err:
        raise UserError(f"metric {err}") from None


def check_remote(remote: str) -> None:
    if subprocess.run(["git", "remote", "get-url", remote], capture_output=True).returncode != 0:
        raise UserError(f"--push {remote}: no such git remote (`git remote -v` lists them); nothing ran")


def check_ranges(study, spec) -> None:
    """search.yaml's ranges are the study's: a trial of another range would mislead the sampler
    (and Optuna would refuse it later, a trial lost)."""
    from ames_tiers.search.sampling import search_space

    space = search_space(spec.params)
    for trial in study.get_trials(deepcopy=False):
        for key in sorted(set(space) | set(trial.distributions)):
            stored, now = trial.distributions.get(key), space.get(key)
            if stored is not None and stored != now:
                raise UserError(
                    f"{key}: search.yaml's range ({now or 'none'}) is not study {spec.study}'s ({stored}); "
                    f"put it back, or start another study with --study NAME"
                )


def check_names_free(study, spec) -> None:
    """A new study's experiment names must not be taken (an earlier study of the same name
    whose storage is gone): DVC would refuse each trial."""
    from tools.fresh_copy import stored_experiments

    if study.get_trials(deepcopy=False):
        return
    taken = sorted(n for n in stored_experiments(Path.cwd()) if n.startswith(f"{spec.study}-"))
    if taken:
        raise UserError(
            f"experiments {', '.join(taken[:3])} exist already but study {spec.study} has no "
            f"trials (its storage is new): use another study name (--study), or remove "
            f"them with dvc exp remove {' '.join(taken[:3])}"
        )


def main(args) -> None:
    from dataclasses import replace

    spec = load_spec(args.space)
    if args.study:
        from ames_tiers.search.space import STUDY_NAME

        if not STUDY_NAME.fullmatch(args.study):
            raise UserError(f"--study {args.study!r}: a name of letters, digits, _ and -")
        spec = replace(spec, study=args.study)
    if args.trials is not None:
        spec = replace(spec, trials=args.trials)
    url = args.storage or os.environ.get(STORAGE_ENV) or f"sqlite:///{STORAGE_FILE.resolve()}"
    study, storage = open_study(spec, url, args.sampler, args.seed)
    if args.show:
        print(summary(study, spec))
        return
    if args.page:
        from ames_tiers.core.files import write_text
        from ames_tiers.search.page import study_page

        best = best_trials(study, 1)
        page = PAGES / f"{spec.study}.html"
        write_text(
            page,
            study_page(
                study, spec, summary(study, spec), best[0].user_attrs.get("experiment") if best else None
            ),
        )
        log.info("wrote %s (open it: python -m webbrowser %s)", page, page)
        return
    check_workspace(args.space)
    check_metric_in_head(spec)
    if args.push:
        check_remote(args.push)
    check_ranges(study, spec)
    check_names_free(study, spec)
    again = enqueue_stopped(study)
    if again:
        log.info("resuming study %s: %d stopped trials run again first", spec.study, again)
    log.info(
        "study %s in %s: %s %s over %s; %d trials, %d at a time",
        spec.study,
        redacted(url),
        spec.direction,
        spec.metric,
        ", ".join(spec.params),
        spec.trials,
        args.jobs,
    )
    search = Search(spec, study, storage, args.jobs, args.push)
    STORAGE_ERRORS = storage_errors()
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # `kill` stops it as Ctrl-C does
    try:
        search.run()
    except KeyboardInterrupt:
        # from here the search only stops: another Ctrl-C (or SIGTERM) changes nothing, so that
        # it always ends the same way, every trial recorded and its guard told
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)
        search.clear_line()
        stopped = len(search.running)
        if stopped:
            print(
                f"search: stopping {stopped} running trials (Ctrl-C again changes nothing)", file=sys.stderr
            )
        search.stop_all()
        print(
            f"search: interrupted: {stopped} running trials stopped (they run again first when the "
            f"same command resumes the study); finished trials are kept",
            file=sys.stderr,
        )
        sys.exit(130)
    except EnvironmentFailure as err:
        search.clear_line()
        stopped = len(search.running)
        search.stop_all(f"{NOT_ITS_OWN}{err}")
        raise UserError(
            f"a trial failed for a reason not its own ({err}); the search stopped its {stopped} "
            "running trials, which run again when the same command resumes the study"
        ) from None
    except STORAGE_ERRORS as err:
        search.clear_line()
        stopped = len(search.running)
        search.stop_all(reason=None)
        first = (str(err).splitlines() or [type(err).__name__])[0]
        raise UserError(
            f"the study's storage {redacted(url)} failed ({scrubbed(first, url)}); the search stopped "
            f"its {stopped} running trials, which run again when the same command resumes the study"
        ) from None
    print(summary(study, spec))


def storage_errors() -> tuple[type[BaseException], ...]:
    from optuna.exceptions import StorageInternalError
    from sqlalchemy.exc import SQLAlchemyError

    return (SQLAlchemyError, StorageInternalError)


def bounded(low: int, high: int):
    """An argparse type: an integer in [low, high], else one line saying so."""

    def parse(text: str) -> int:
        if not re.fullmatch(r"[0-9]{1,12}", text) or not low <= int(text) <= high:
            raise argparse.ArgumentTypeError(f"{text!r}: an integer from {low} to {high}")
        return int(text)

    return parse


JOBS_MAX = 64


def parser():
    from ames_tiers.search.space import TRIALS_MAX

    p = cli_parser(__doc__, "tools.search")
    p.add_argument("--space", type=Path, default=SPACE, help="study, metric, ranges (default: search.yaml)")
    p.add_argument(
        "--jobs", type=bounded(1, JOBS_MAX), default=1, help="trials at once (default 1; 2 on two cores)"
    )
    p.add_argument("--seed", type=bounded(0, 2**32 - 1), default=0, help="the sampler's seed (default 0)")
    p.add_argument("--sampler", choices=["tpe", "random"], default="tpe", help="default: tpe")
    p.add_argument(
        "--trials", type=bounded(1, TRIALS_MAX), help="the study's number of trials (default: search.yaml's)"
    )
    p.add_argument("--study", help="the study's name (default: search.yaml's); names its experiments")
    p.add_argument("--storage", help=f"an Optuna storage URL (default: ${STORAGE_ENV}, else {STORAGE_FILE})")
    p.add_argument("--push", metavar="REMOTE", help="dvc exp push each finished trial to this git remote")
    p.add_argument(
        "--show", action="store_true", help="print the study's trials, best first, and run nothing"
    )
    p.add_argument(
        "--page", action="store_true", help=f"write the study's page ({PAGES}/<study>.html), run nothing"
    )
    return p


if __name__ == "__main__":
    run_cli(parser(), main)
