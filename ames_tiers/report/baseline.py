"""The committed baseline an experiment is compared with: params.yaml and the models' metrics
in the commit `dvc exp run` started from (DVC passes it to every stage as
$DVC_EXP_BASELINE_REV). A plain `dvc repro` has no baseline: the committed report describes
the committed run alone, and redrawing it anywhere gives the same page."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ames_tiers.core.params import dotted_keys


@dataclass(frozen=True)
class Baseline:
    params: dict[str, Any]  # flattened: {"models.mlp.hidden": 100, ...}
    metrics: dict[str, dict]  # model -> its committed metrics file (missing: not there)


BASELINE_ENV = "DVC_EXP_BASELINE_REV"


def _git_show(rev: str, path: Path) -> str | None:
    result = subprocess.run(["git", "show", f"{rev}:{path.as_posix()}"], capture_output=True, text=True)
    return result.stdout if result.returncode == 0 else None


def read_baseline(params_path: Path, metrics_paths: dict[str, Path]) -> Baseline | None:
    """The experiment's baseline params and metrics; None outside `dvc exp run`."""
    from ruamel.yaml import YAML

    rev = os.environ.get(BASELINE_ENV)
    params_text = _git_show(rev, params_path) if rev else None
    if params_text is None:
        return None
    metrics = {}
    for name, path in metrics_paths.items():
        text = _git_show(rev, path)
        if text is not None:
            metrics[name] = json.loads(text)
    params = dotted_keys(YAML(typ="safe", pure=True).load(params_text))
    return Baseline(params, metrics)
