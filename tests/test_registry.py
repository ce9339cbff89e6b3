"""One description per model: a sixth model is one registry entry plus its module, and
params validation, training, metrics, parity and the report all pick it up."""

from __future__ import annotations

import json

import pytest

from ames_tiers.core import paths
from ames_tiers.core.errors import ParamsError
from ames_tiers.core.params import load_params
from ames_tiers.models.registry import MODELS, ModelSpec, model_params

from .mini_pipeline import run_pipeline, write_params
from .toy_model import CentroidParams, CentroidParity

TOY = ModelSpec(
    name="nearest_centroid",
    notebook_part="a sixth model",
    kind="classification",
    framework="numpy",
    optimizer="closed form",
    step_name="iteration",
    summary="distance to the mean house of each tier, {n_features} → {n_classes}, "
    "temperature {temperature:g}",
    params_type=CentroidParams,
    parity_type=CentroidParity,
    fit="tests.toy_model:fit_nearest_centroid",
    check="tests.toy_model:check_nearest_centroid",
)
TOY_PARAMS = {
    "models.nearest_centroid": {"temperature": 2.0},
    "parity.nearest_centroid": {"mismatches": 0.02},
    "ci.accuracy_floors": {"nearest_centroid": 0.3},
}


@pytest.fixture
def registered(monkeypatch):
    monkeypatch.setitem(MODELS, TOY.name, TOY)


def test_the_five_models_are_the_notebooks():
    assert list(MODELS) == ["linreg_numpy", "linreg_torch", "logreg_numpy", "logreg_torch", "mlp"]
    assert [m.notebook_part for m in MODELS.values()] == ["1.A", "1.B", "2.A", "2.B", "looking ahead"]


def test_a_registered_model_gets_its_params_validated(registered, tmp_path):
    write_params(tmp_path, TOY_PARAMS)
    assert model_params(load_params(tmp_path / "params.yaml")).models["nearest_centroid"] == CentroidParams(
        temperature=2.0
    )
    write_params(tmp_path, {**TOY_PARAMS, "models.nearest_centroid": {"temperature": 0}})
    with pytest.raises(
        ParamsError, match=r"models.nearest_centroid.temperature = 0: must be a number in \[0.01, 100\]"
    ):
        model_params(load_params(tmp_path / "params.yaml"))


def test_a_sixth_model_is_trained_checked_and_reported(registered, tmp_path, monkeypatch):
    run_pipeline(tmp_path, TOY_PARAMS, monkeypatch)
    metrics = json.loads(paths.metrics_file("nearest_centroid").read_text())
    assert metrics["n_parameters"] == 2 * 3 + 3 and metrics["valid"]["accuracy"] > 0.5
    parity = json.loads(paths.parity_file("nearest_centroid").read_text())
    assert parity["ok"] and parity["checks"][0]["reference"] == "sklearn NearestCentroid"
    assert paths.predictions_file("nearest_centroid").read_text().startswith("actual,predicted\n")
    page = paths.REPORT_HTML.read_text()
    assert "distance to the mean house of each tier, 2 → 3, temperature 2" in page
    assert "<td>nearest_centroid</td>" in page  # its row in the model table
    assert "✔ <b>nearest_centroid</b>: 1 check within tolerance" in page  # its parity verdict
    assert "models.nearest_centroid.temperature" in page  # its params
