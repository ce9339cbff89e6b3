"""A user error in any stage: one line naming the problem, exit code 1, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import REPO


def run_stage(cwd, module, *args):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", module, *args], cwd=cwd, env=env, capture_output=True, text=True)


def error_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("hidden: 100", "hidden: 0", "params.yaml: models.mlp.hidden = 0: must be an integer >= 1"),
        ("test_size: 0.2", "test_size: 1", "params.yaml: prepare.test_size = 1: must be a number in (0, 1)"),
        ("n_classes: 3", "n_clases: 3", "params.yaml: prepare.n_clases: unknown key"),
        ("features: [Longitude, Latitude]", "features: []", "params.yaml: prepare.features = []: must be a non-empty list"),
    ],
)
@pytest.mark.parametrize("module", ["stages.prepare", "stages.train"])
def test_bad_params_stop_every_stage_with_one_line(tmp_path, old, new, message, module):
    text = (REPO / "params.yaml").read_text()
    assert old in text
    (tmp_path / "params.yaml").write_text(text.replace(old, new))
    result = run_stage(tmp_path, module, *(["mlp"] if module == "stages.train" else []))
    assert result.returncode == 1
    (line,) = error_lines(result)
    assert line.startswith(f"stages: error: {message}")
    assert "Traceback" not in result.stderr


def test_unknown_model_name_is_one_line(tmp_path):
    (tmp_path / "params.yaml").write_text((REPO / "params.yaml").read_text())
    result = run_stage(tmp_path, "stages.train", "svm")
    assert result.returncode == 1 and len(error_lines(result)) == 1
    assert "usage: python -m stages.train MODEL" in result.stderr


def test_missing_input_names_the_stage_to_run(tmp_path):
    (tmp_path / "params.yaml").write_text((REPO / "params.yaml").read_text())
    result = run_stage(tmp_path, "stages.prepare")
    assert result.returncode == 1 and len(error_lines(result)) == 1
    assert "data/raw/ames.csv.gz: not found; run `dvc repro download`" in result.stderr
