"""The train stage as a command: a failed check or a diverged model stops it with one line,
and it writes none of its outputs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from ames_tiers.core import paths
from ames_tiers.core.dataset import read_split
from ames_tiers.core.errors import UserError
from ames_tiers.models.layers import FitContext
from ames_tiers.models.registry import MODELS
from ames_tiers.models.schema import MLPParams
from ames_tiers.train.run import fit_model

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
    assert error.endswith("(relative; tolerance 1e-12) (and 2 more of its 4 checks)")
    assert "parity ok" not in result.stderr  # the failure is the line to read, not the fifth
    assert outputs_of(tmp_path, "linreg_numpy") == []


def test_a_diverging_model_stops_with_one_line(mini_prepared):
    """params.yaml's ranges keep every accepted rate from diverging on the committed data
    (tests/test_configurations.py); other data might not, so the stage still says so. Here
    a rate params.yaml would refuse, given to the fit directly."""
    split = read_split(mini_prepared / paths.TRAIN_CSV, mini_prepared / paths.VALID_CSV)
    with pytest.raises(UserError) as caught:
        fit_model(MODELS["mlp"], split, MLPParams(hidden=16, lr=100.0, epochs=200), FitContext(3, seed=0))
    (line,) = str(caught.value).splitlines()
    assert line.startswith("diverged at epoch ") and line.endswith("; lower models.mlp.lr")
