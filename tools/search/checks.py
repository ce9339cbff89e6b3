"""What is checked before any trial runs, each of which would otherwise fail every trial (or
mislead the sampler) after minutes: one line each, and nothing has run."""

from __future__ import annotations

import subprocess
from pathlib import Path

from ames_tiers.core.errors import ParamsError, UserError
from ames_tiers.core.params import read_yaml
from tools.search.trials import git


def load_spec(path: Path):
    """search.yaml, checked against params.yaml: the study, the metric, every range."""
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
    """The metric exists in HEAD's metrics file and is a number."""
    from ames_tiers.core.files import parse_json
    from ames_tiers.search.space import metric_value

    shown = subprocess.run(["git", "show", f"HEAD:{spec.metric.file}"], capture_output=True, text=True)
    if shown.returncode != 0:
        raise UserError(f"metric {spec.metric}: {spec.metric.file} is not in the current commit")
    try:
        metric_value(parse_json(shown.stdout, f"HEAD:{spec.metric.file}"), spec.metric)
    except ParamsError as err:
        raise UserError(f"metric {err}") from None


def metric_stage(spec) -> str:
    """The stage that writes the metric's file (`train@mlp`): a trial runs it and the stages
    before it, nothing after (DVC's own index says which)."""
    from dvc.repo import Repo

    with Repo(".") as repo:
        for stage in repo.index.stages:
            if any(out.def_path == spec.metric.file for out in stage.outs):
                return stage.addressing
    raise UserError(f"metric {spec.metric}: no stage of dvc.yaml writes {spec.metric.file}")


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
