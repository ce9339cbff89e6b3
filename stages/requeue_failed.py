"""Re-queue the experiments of a sweep that ended `Failed`.

With `dvc queue start -j 2`, DVC's workers sometimes race and a task fails with no log
(treeverse/dvc#10673). This finds each failed experiment's params, removes the failed tasks,
and queues the same params again; then run `dvc queue start -j 1`.

Usage: python -m stages.requeue_failed     (from the repository root, dvc on PATH)"""

from __future__ import annotations

import json
import logging
import subprocess
from typing import Any

from stages import paths
from stages.files import UserError, run_stage

log = logging.getLogger("stages.requeue_failed")


def leaf_items(tree: Any, prefix: str = "") -> dict[str, Any]:
    """{"models.mlp.hidden": 10, ...} for every leaf of a nested params mapping."""
    if not isinstance(tree, dict):
        return {prefix: tree}
    items: dict[str, Any] = {}
    for key, value in tree.items():
        items.update(leaf_items(value, f"{prefix}.{key}" if prefix else str(key)))
    return items


def overrides(base: dict, experiment: dict) -> list[str]:
    """The `-S key=value` arguments that turn ``base`` params into ``experiment`` params."""
    before, after = leaf_items(base), leaf_items(experiment)
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


def main(argv: list[str]) -> None:
    import yaml

    base = yaml.safe_load(paths.PARAMS.read_text(encoding="utf-8"))
    failed = failed_experiments(json.loads(dvc("exp", "show", "--json")))
    if not failed:
        log.info("no failed experiments")
        return
    dvc("queue", "remove", "--failed")
    for name, params in failed:
        sets = overrides(base, params)
        dvc("exp", "run", "--queue", *(arg for s in sets for arg in ("-S", s)))
        log.info("re-queued %s: %s", name, " ".join(sets) or "(baseline params)")
    log.info("re-queued %d experiment(s); now run: dvc queue start -j 1", len(failed))


if __name__ == "__main__":
    run_stage(main)
