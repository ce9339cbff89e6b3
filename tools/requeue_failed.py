"""Re-queue the experiments of a sweep that failed without a reason of their own.

Usage:  python -m tools.requeue_failed     (from the repository root, dvc on PATH),
        then `dvc queue start -j 1`.
With `dvc queue start -j 2`, DVC's workers sometimes race and a task fails with no error
from the pipeline (treeverse/dvc#10673). This finds each failed experiment's params in
`dvc exp show`, removes the failed tasks, and queues the same params again. A run that
failed with the pipeline's own error (a learning rate that diverges, a bad value) would
fail again: it is listed with that error and not re-queued.
"""

from __future__ import annotations

import json
import logging
import re
import subprocess

from ames_tiers.core import paths
from ames_tiers.core.cli import cli_parser, run_cli
from ames_tiers.core.errors import UserError
from ames_tiers.core.params import dotted_keys, read_yaml

log = logging.getLogger(__name__)
PIPELINE_ERROR = re.compile(r"^\S+: error: .*$", re.M)  # the one line every stage fails with


def overrides(base: dict, experiment: dict) -> list[str]:
    """The `-S key=value` arguments that turn ``base`` params into ``experiment`` params."""
    before, after = dotted_keys(base), dotted_keys(experiment)
    if set(after) != set(before):
        raise UserError(f"experiment params have different keys: {sorted(set(after) ^ set(before))}")
    return [f"{key}={json.dumps(value)}" for key, value in after.items() if before[key] != value]


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
    found = PIPELINE_ERROR.search(log_text)
    return found.group(0) if found else None


def main(args) -> None:
    base = read_yaml(paths.PARAMS)
    failed = failed_experiments(json.loads(dvc("exp", "show", "--json")))
    if not failed:
        log.info("no failed experiments")
        return
    errors = {name: pipeline_error(dvc_output("queue", "logs", name)) for name, _ in failed}
    dvc("queue", "remove", "--failed")
    requeued = 0
    for name, params in failed:
        sets = overrides(base, params)
        if errors[name]:
            log.warning("not re-queued %s (%s): it failed with %s", name, " ".join(sets), errors[name])
            continue
        dvc("exp", "run", "--queue", *(arg for s in sets for arg in ("-S", s)))
        requeued += 1
        log.info("re-queued %s: %s", name, " ".join(sets) or "(baseline params)")
    log.info("re-queued %d experiment(s); now run: dvc queue start -j 1", requeued)


if __name__ == "__main__":
    run_cli(cli_parser(__doc__, "tools.requeue_failed"), main)
