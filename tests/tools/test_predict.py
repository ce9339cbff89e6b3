"""tools/predict.py: any trained model, one house or a CSV of them, one-line errors."""

from __future__ import annotations

import csv
import gzip
import io
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from ames_tiers.core import paths
from ames_tiers.data.prepare import split_indices
from ames_tiers.models.registry import MODELS

from ..conftest import REPO
from ..mini_pipeline import run_pipeline


@pytest.fixture(scope="module")
def trained(tmp_path_factory, mirror):
    monkeypatch = pytest.MonkeyPatch()
    root = run_pipeline(tmp_path_factory.mktemp("predict"), {}, monkeypatch, raw=mirror)
    monkeypatch.undo()
    return root, mirror


def predict(root, *args) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "tools.predict", *args]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)


@pytest.mark.parametrize("model", list(MODELS))
def test_predictions_on_the_validation_houses_equal_the_stages(trained, model, tmp_path):
    root, mirror = trained
    frame = pd.read_csv(io.BytesIO(gzip.decompress(mirror.read_bytes())))
    _, valid = split_indices(len(frame), 0.2, 42)  # the committed prepare params
    houses = tmp_path / "valid.csv"
    frame.iloc[valid][["Longitude", "Latitude"]].to_csv(houses, index=False)
    result = predict(root, model, "--csv", str(houses))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    stage = np.loadtxt(root / paths.predictions_file(model), delimiter=",", skiprows=1, dtype=int)
    assert [int(r["tier"]) for r in rows] == stage[:, 1].tolist()
    if MODELS[model].kind == "classification":
        p = np.array([[float(r[f"p_tier_{k}"]) for k in range(3)] for r in rows])
        np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-12)


def test_one_house_from_the_command_line(trained):
    root, _ = trained
    result = predict(root, "mlp", "--longitude", "-93.63", "--latitude", "42.03")
    assert result.returncode == 0, result.stderr
    header, row = result.stdout.strip().splitlines()
    assert header == "Longitude,Latitude,tier,p_tier_0,p_tier_1,p_tier_2"
    assert row.startswith("-93.63,42.03,")


@pytest.mark.parametrize(
    "args, message",
    [
        (["mlp", "--longitude", "east", "--latitude", "42"], "--longitude = 'east' is not a number"),
        (["mlp", "--longitude", "nan", "--latitude", "42"], "--longitude = 'nan' is not a finite number"),
        (["mlp", "--latitude", "42"], "--longitude is missing (the model reads Longitude, Latitude)"),
        (["svm", "--latitude", "42"], "argument MODEL: invalid choice: 'svm'"),
    ],
)
def test_bad_input_is_one_line(trained, args, message):
    root, _ = trained
    result = predict(root, *args)
    assert result.returncode == 1 and result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert message in line


def test_a_csv_without_the_columns_is_one_line(trained, tmp_path):
    root, _ = trained
    houses = tmp_path / "houses.csv"
    houses.write_text("Longitude,Lat\n-93.6,42\n")
    (line,) = predict(root, "mlp", "--csv", str(houses)).stderr.strip().splitlines()
    assert line.endswith("houses.csv: column 'Latitude' is missing (the model reads Longitude, Latitude)")
    houses.write_text("Longitude,Latitude\n-93.6,north\n")
    (line,) = predict(root, "mlp", "--csv", str(houses)).stderr.strip().splitlines()
    assert line.endswith("houses.csv: line 2, Latitude = 'north' is not a number")


def test_a_model_not_trained_yet_is_one_line(tmp_path):
    result = predict(tmp_path, "mlp", "--longitude", "-93.6", "--latitude", "42")
    (line,) = result.stderr.strip().splitlines()
    assert line == "predict: error: models/mlp.json: not found; run `dvc repro` (or `dvc pull`)"
