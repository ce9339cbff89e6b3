"""Search params beyond a grid: Optuna proposes, each trial runs as a real DVC experiment.

Usage:  python -m tools.search [--space search.yaml] [--jobs N] [--seed S] [--sampler tpe|random]
                               [--trials N] [--study NAME] [--storage URL] [--push REMOTE]
        python -m tools.search --show      (the study's trials, best first; runs nothing)
        python -m tools.search --page      (plots/search/<study>.html: its history, its params
                                            in parallel coordinates, their importance; runs nothing)
Reads:  search.yaml (the study's name, the metric, the ranges of the params.yaml keys it
        varies; no stage reads it), params.yaml (to check the ranges), the experiments' metrics.
Writes: one DVC experiment per trial, named <study>-<trial number>, of the current commit:
        `dvc exp run --temp -S key=value ... STAGE`, STAGE the one that writes the metric
        (train@mlp), so the report waits for the experiment you apply; see them with
        `dvc exp show`, tools.compare;
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
import logging
import os
import re
from dataclasses import replace
from pathlib import Path

from ames_tiers.core.cli import cli_parser, run_cli
from ames_tiers.core.errors import UserError
from ames_tiers.search.urls import redacted

log = logging.getLogger("tools.search")

SPACE = Path("search.yaml")
STORAGE_FILE = Path("search.db")  # gitignored
PAGES = Path("plots/search")  # the studies' pages (gitignored: a study is not a pipeline output)
STORAGE_ENV = "OPTUNA_STORAGE"  # as Optuna's own command line reads it
JOBS_MAX = 64


def main(args) -> None:
    from ames_tiers.search.sampling import SeededPerTrial
    from tools.search.checks import load_spec
    from tools.search.storage import open_study, storage_errors, storage_failure

    spec = load_spec(args.space)
    if args.study:
        from ames_tiers.search.space import STUDY_NAME

        if not STUDY_NAME.fullmatch(args.study):
            raise UserError(f"--study {args.study!r}: a name of letters, digits, _ and -")
        spec = replace(spec, study=args.study)
    if args.trials is not None:
        spec = replace(spec, trials=args.trials)
    url = args.storage or os.environ.get(STORAGE_ENV) or f"sqlite:///{STORAGE_FILE.resolve()}"
    study, storage = open_study(spec.study, spec.direction, url, SeededPerTrial(args.sampler, args.seed))
    try:
        use_study(args, spec, study, storage, url)
    except storage_errors() as err:  # with no trial running: run_until_stopped stops them first
        raise UserError(
            f"{storage_failure(url, err)}; no trial was running: run the same command again"
        ) from None


def use_study(args, spec, study, storage, url: str) -> None:
    """--show, --page, or the checks and then the search itself."""
    from tools.search import checks
    from tools.search.results import summary
    from tools.search.stopping import run_until_stopped
    from tools.search.storage import requeue_stopped
    from tools.search.trials import Search

    if args.show:
        print(summary(study, spec))
        return
    if args.page:
        write_page(study, spec)
        return
    checks.check_workspace(args.space)
    checks.check_metric_in_head(spec)
    stage = checks.metric_stage(spec)
    if args.push:
        checks.check_remote(args.push)
    checks.check_ranges(study, spec)
    checks.check_names_free(study, spec)
    again = requeue_stopped(study)
    if again:
        log.info("resuming study %s: %d stopped trials run again first", spec.study, again)
    log.info(
        "study %s in %s: %s %s over %s; %d trials, %d at a time, each `dvc exp run --temp %s`",
        spec.study, redacted(url), spec.direction, spec.metric, ", ".join(spec.params), spec.trials,
        args.jobs, stage,
    )  # fmt: skip
    run_until_stopped(Search(spec, study, storage, stage, args.jobs, args.push), url)
    print(summary(study, spec))


def write_page(study, spec) -> None:
    from ames_tiers.core.files import write_text
    from ames_tiers.search.page import study_page
    from tools.search.results import best_trials, summary

    best = best_trials(study, 1)
    page = PAGES / f"{spec.study}.html"
    top = best[0].user_attrs.get("experiment") if best else None
    write_text(page, study_page(study, spec, summary(study, spec), top))
    log.info("wrote %s (open it: python -m webbrowser %s)", page, page)


def bounded(low: int, high: int):
    """An argparse type: an integer in [low, high], else one line saying so."""

    def parse(text: str) -> int:
        if not re.fullmatch(r"[0-9]{1,12}", text) or not low <= int(text) <= high:
            raise argparse.ArgumentTypeError(f"{text!r}: an integer from {low} to {high}")
        return int(text)

    return parse


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
