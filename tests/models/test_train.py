"""The train stage as a command: a failed check or a diverged model stops it with one line,
and it writes none of its outputs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from ames_tiers.core import paths

from ..conftest import REPO
from ..mini_pipeline import write_params


def train(root, model: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "stages.train", model]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)


def outputs_of(root, model: str) -> list:
    files = (paths.model_file(model), paths.metrics_file(model), paths.parity_file(model),
             paths.loss_curve_file(model), paths.predictions_file(model))  # fmt: skip
    return [f for f in files if (root / f).exists()]


def test_a_check_beyond_its_tolerance_fails_naming_it_and_writes_nothing(mini_prepared, tmp_path):
    tmp_path = shutil.copytree(mini_prepared, tmp_path / "run")
    write_params(tmp_path, {"parity.linreg_numpy": {"optimum": 1e-12}})
    result = train(tmp_path, "linreg_numpy")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    (error,) = [line for line in result.stderr.splitlines() if "error:" in line]
    assert error.startswith(
        "train@linreg_numpy: error: parity check failed: linreg_numpy vs numpy.linalg.lstsq, "
    )
    assert "(relative; tolerance 1e-12)" in error
    assert outputs_of(tmp_path, "linreg_numpy") == []


def test_a_diverging_model_stops_with_one_line_and_writes_nothing(mini_prepared, tmp_path):
    tmp_path = shutil.copytree(mini_prepared, tmp_path / "run")
    write_params(tmp_path, {"models.mlp": {"hidden": 16, "lr": 100.0, "epochs": 200}})
    result = train(tmp_path, "mlp")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    (line,) = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert "Traceback" not in result.stderr
    assert line.startswith("train@mlp: error: diverged at epoch ")
    assert line.endswith("; lower models.mlp.lr")
    assert outputs_of(tmp_path, "mlp") == []
