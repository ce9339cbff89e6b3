"""Re-queue the experiments of a sweep that failed without a reason of their own.

Usage:  python -m tools.requeue_failed     (from the repository root, dvc on PATH),
        then `dvc queue start -j 1`.
With `dvc queue start -j 2`, DVC's workers sometimes race and a task fails with no error
from the pipeline (treeverse/dvc#10673). This finds each failed experiment's params in
`dvc exp show`, removes those failed tasks, and queues the same params again under the same
names. A run that failed with the pipeline's own error (a failed check, a bad value) would
fail again: it is listed with that error, not re-queued, and left in the queue, so that
`dvc queue logs <name>` still shows it.
"""

from __future__ import annotations

import json
import logging
import subprocess

from ames_tiers.core import paths
from ames_tiers.core.cli import ERROR_LINE, cli_parser, run_cli
from ames_tiers.core.errors import UserError
from ames_tiers.core.params import dotted_keys, read_yaml, set_arguments

log = logging.getLogger(__name__)


def overrides(base: dict, experiment: dict) -> list[str]:
    """The `-S key=value` arguments that turn ``base`` params into ``experiment`` params."""
    before, after = dotted_keys(base), dotted_keys(experiment)
    if set(after) != set(before):
        raise UserError(f"experiment params have different keys: {sorted(set(after) ^ set(before))}")
    return set_arguments({key: value for key, value in after.items() if before[key] != value})


def failed_experiments(exp_show: list[dict]) -> list[tuple[str, dict]]:
    """(name, params.yaml data) of every failed experiment in `dvc exp show --json`."""
    found = []
    for commit in exp_show:
        for exp in commit.get("experiments") or []:
            if (exp.get("executor") or {}).get("state") == "failed":
                params = exp["revs"][0]["data"]["params"][str(paths.PARAMS)]["data"]
                found.append((exp["name"], params))
    return found


def dvc(*args: str) -> str:
    result = subprocess.run(["dvc", *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise UserError(f"dvc {' '.join(args)} failed: {result.stderr.strip().splitlines()[-1:]}")
    return result.stdout


def dvc_output(*args: str) -> str:
    """What a dvc command printed, whatever its exit code (`dvc queue logs` of a task that
    left no log fails)."""
    result = subprocess.run(["dvc", *args], capture_output=True, text=True)
    return result.stdout + result.stderr


def pipeline_error(log_text: str) -> str | None:
    """The pipeline's own error line in a failed task's log, if it has one."""
    found = ERROR_LINE.search(log_text)
    return found.group(0) if found else None


def main(args) -> None:
    base = read_yaml(paths.PARAMS)
    failed = failed_experiments(json.loads(dvc("exp", "show", "--json")))
    if not failed:
        log.info("no failed experiments")
        return
    errors = {name: pipeline_error(dvc_output("queue", "logs", name)) for name, _ in failed}
    retry = [(name, params) for name, params in failed if not errors[name]]
    for name, params in failed:
        if errors[name]:  # kept in the queue, so that `dvc queue logs <name>` still shows why
            log.warning(
                "not re-queued %s (%s): it failed with %s",
                name,
                " ".join(overrides(base, params)),
                errors[name],
            )
    if not retry:
        log.info("re-queued nothing: every failed run failed with an error of its own")
        return
    dvc("queue", "remove", *(name for name, _ in retry))  # only these: their names are free again
    for name, params in retry:
        sets = overrides(base, params)
        dvc("exp", "run", "--queue", "-n", name, *(arg for s in sets for arg in ("-S", s)))
        log.info("re-queued %s: %s", name, " ".join(sets) or "(baseline params)")
    log.info("re-queued %d experiment(s) under their names; now run: dvc queue start -j 1", len(retry))


if __name__ == "__main__":
    run_cli(cli_parser(__doc__, "tools.requeue_failed"), main)
