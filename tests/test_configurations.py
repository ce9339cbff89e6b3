"""Every configuration params.yaml accepts works end to end, or is refused with one line
before any training: the allowed ranges swept on the real data (few epochs)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from ames_tiers.core import paths
from ames_tiers.core.params import TEST_SIZE_MAX, TEST_SIZE_MIN
from ames_tiers.core.validation import SEED_MAX
from ames_tiers.models.registry import MODELS
from ames_tiers.models.schema import EPOCHS_MAX, LINREG_LR_MAX, LR_RANGE, MLP_HIDDEN_MAX, MLP_LR_MAX

from .conftest import REPO
from .mini_pipeline import run_pipeline, write_params

pytestmark = pytest.mark.slow  # three runs of every model at the ranges' edges (CI runs them)

WORKING = {  # the extremes of each range, in three runs (every run trains all five models)
    "two tiers, latitude only, few rows held out": {
        "prepare": {"n_classes": 2, "features": ["Latitude"], "test_size": TEST_SIZE_MIN},
        "models.mlp": {"lr": MLP_LR_MAX, "epochs": 100},  # its checked epochs, at the largest rate
    },
    "ten tiers, features swapped, half held out, train-only standardization, extreme seeds and rates": {
        "prepare": {
            "n_classes": 10,
            "features": ["Latitude", "Longitude"],
            "standardize_on": "train",
            "test_size": 0.5,
            "split_seed": 0,
        },
        "seed": SEED_MAX,
        "models.linreg_numpy": {"init_seed": SEED_MAX, "analytic_gradient": True},
        "models.logreg_numpy": {"init_seed": 0},
        "models.linreg_torch": {"lr": 1e-6},
        "models.logreg_torch": {"lr": 1e-6},
        "models.mlp": {"hidden": 1, "lr": 1e-6, "epochs": 3},
    },
    "the other edges: most rows held out, the largest rates and network, the most epochs": {
        "prepare": {"test_size": TEST_SIZE_MAX},
        "models.linreg_torch": {"lr": LINREG_LR_MAX, "epochs": EPOCHS_MAX},
        "models.logreg_torch": {"lr": LR_RANGE[1], "epochs": 1},
        "models.mlp": {"hidden": MLP_HIDDEN_MAX, "lr": MLP_LR_MAX, "epochs": 20},
    },
}


@pytest.mark.parametrize("name", WORKING)
def test_an_accepted_configuration_runs_end_to_end(name, tmp_path, monkeypatch, mirror):
    changes = WORKING[name]
    run_pipeline(tmp_path, changes, monkeypatch, raw=mirror)
    n_classes = changes.get("prepare", {}).get("n_classes", 3)
    for model in MODELS:
        assert json.loads(paths.parity_file(model).read_text())["ok"], model
        assert 0 <= json.loads(paths.metrics_file(model).read_text())["valid"]["accuracy"] <= 1
    page = paths.REPORT_HTML.read_text()
    assert f"tier {n_classes - 1}:" in page and f"tier {n_classes}:" not in page


def run_module(root, module: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", module, *args], cwd=root, env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    "section, values, message",
    [
        ("models.mlp", {"lr": 1e6}, "models.mlp.lr = 1000000.0: must be a number in [1e-06, 3]"),
        # it would diverge (full-batch SGD on the MSE is stable only below 0.5 here)
        (
            "models.linreg_torch",
            {"lr": 0.6},
            "models.linreg_torch.lr = 0.6: must be a number in [1e-06, 0.5]",
        ),
        ("prepare", {"n_classes": 11}, "prepare.n_classes = 11: must be an integer in [2, 10]"),
        ("models.logreg_numpy", {"init_seed": -1}, "models.logreg_numpy.init_seed = -1: must be an integer"),
        (
            "prepare",
            {"features": ["Longitude", "Longitude"]},
            "prepare.features = ['Longitude', 'Longitude']",
        ),
    ],
)
def test_a_refused_configuration_stops_before_any_work_with_one_line(tmp_path, section, values, message):
    """The first stage that reads the section refuses it (download: the pipeline's sections;
    any train stage: every model's), before it reads or writes anything."""
    write_params(tmp_path, {section: values})
    stage, args = ("train@mlp", ["mlp"]) if section.startswith("models.") else ("download", [])
    result = run_module(tmp_path, f"stages.{stage.split('@')[0]}", *args)
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()  # the only line: nothing ran
    assert line.startswith(f"{stage}: error: params.yaml: {message}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["params.yaml"]
