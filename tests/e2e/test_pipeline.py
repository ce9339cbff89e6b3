"""End to end: a fresh clone's `dvc repro` on the real data (from the mirror): the numbers the
notebook prints, the committed bytes, a second `dvc repro` that runs nothing, and which
stages a change to each param touches."""

from __future__ import annotations

import json
import platform
import shutil
import sys

import numpy as np
import pytest

from ames_tiers.core import paths
from ames_tiers.models.registry import MODELS
from tools.check_tracked import unexplained
from tools.fresh_copy import set_param

from ..conftest import REPO
from .dvc_helpers import load, run, stages_run

pytestmark = pytest.mark.e2e(seconds=6)  # its rough cost here: the longest start first


def test_cold_repro_runs_every_stage_whose_outputs_are_not_committed(reproduced):
    root, env, output = reproduced
    expected = ["download", "prepare", *(f"train@{m}" for m in MODELS), "plots_template"]
    assert sorted(stages_run(output)) == sorted(expected)
    # their outputs are committed and their inputs came out identical, so DVC keeps them
    # (tests/e2e/test_portability.py reruns every computing stage and compares every output)
    assert "Stage 'report' didn't change, skipping" in output
    assert run(["git", "status", "--porcelain"], root, env) == ""  # what CI checks


def test_data_matches_the_notebook(reproduced):
    root, _, _ = reproduced
    data = load(root, paths.DATA_METRICS)
    assert data["class_counts"] == {"0": 981, "1": 980, "2": 969}
    assert (data["n_train"], data["n_valid"]) == (2344, 586)
    assert load(root, paths.RAW_SOURCE)["data"] == load(root, paths.DATA_METRICS)["data"] == "original"


def test_linear_regression_numpy_matches_the_notebook(reproduced):
    root, _, _ = reproduced
    metrics = load(root, paths.metrics_file("linreg_numpy"))
    curve = np.loadtxt(root / paths.loss_curve_file("linreg_numpy"), delimiter=",", skiprows=1)
    assert round(curve[0, 1], 2) == 1.33 and round(curve[-1, 1], 2) == 0.56  # as the notebook prints
    assert round(metrics["valid"]["accuracy"], 2) == 0.31
    (layer,) = load(root, paths.model_file("linreg_numpy"))["layers"]
    np.testing.assert_allclose(np.ravel(layer["weights"]), [-0.26364467, 0.17475395], atol=1e-5)
    assert layer["bias"][0] == pytest.approx(0.9886359257077487, abs=1e-5)


def test_logistic_regression_numpy_matches_the_notebook(reproduced):
    root, _, _ = reproduced
    predictions = np.loadtxt(root / paths.predictions_file("logreg_numpy"), delimiter=",", skiprows=1)
    assert predictions[:10, 1].astype(int).tolist() == [0, 1, 2, 2, 0, 2, 0, 1, 2, 2]
    assert round(load(root, paths.metrics_file("logreg_numpy"))["valid"]["accuracy"], 2) == 0.52


def test_torch_linear_regression_finds_the_numpy_weights(reproduced):
    root, _, _ = reproduced
    (numpy_layer,) = load(root, paths.model_file("linreg_numpy"))["layers"]
    (torch_layer,) = load(root, paths.model_file("linreg_torch"))["layers"]
    np.testing.assert_allclose(torch_layer["weights"], numpy_layer["weights"], atol=1e-3)
    np.testing.assert_allclose(torch_layer["bias"], numpy_layer["bias"], atol=1e-3)


def test_torch_logistic_regression_loss_falls_to_about_1_02(reproduced):
    root, _, _ = reproduced
    curve = np.loadtxt(root / paths.loss_curve_file("logreg_torch"), delimiter=",", skiprows=1)
    assert len(curve) == 100
    assert (np.diff(curve[:, 1]) < 0).all()  # full-batch SGD at this lr falls every epoch
    assert curve[-1, 1] == pytest.approx(1.02, abs=0.01)


def test_mlp_beats_logistic_regression(reproduced):
    root, _, _ = reproduced
    accuracy = {m: load(root, paths.metrics_file(m))["valid"]["accuracy"] for m in MODELS}
    assert accuracy["mlp"] > max(accuracy["logreg_numpy"], accuracy["logreg_torch"])


def test_reproduced_outputs_equal_the_committed_ones(reproduced):
    """A fresh clone's `dvc repro` reproduces metrics/ and plot data byte for byte (on ARM,
    all but what torch's float32 rounding explains: tools/check_tracked.py, and
    docs/reproducibility.md, "On ARM")."""
    root, _, _ = reproduced
    committed = [
        p.relative_to(REPO)
        for d in (paths.METRICS_DIR, paths.LOSS_DIR, paths.PREDICTIONS_DIR)
        for p in sorted((REPO / d).rglob("*.*"))
    ]
    assert len(committed) == 1 + 4 * len(MODELS)  # data.json; metrics, parity, loss, predictions
    differ = [str(p) for p in committed if (root / p).read_bytes() != (REPO / p).read_bytes()]
    assert unexplained(differ, platform.machine()) == [], differ


def test_accuracy_gate_passes(reproduced):
    root, env, _ = reproduced
    run([sys.executable, "-m", "tools.check_accuracy"], root, env)


def test_dvc_metrics_show_is_the_models_table_and_fits_a_terminal(reproduced):
    root, env, _ = reproduced
    lines = run(["dvc", "metrics", "show"], root, {**env, "COLUMNS": "120"}).strip().splitlines()
    assert [line.split()[0] for line in lines[1:]] == [str(paths.metrics_file(m)) for m in MODELS]
    assert lines[0].split()[1:] == [
        "n_parameters",
        "train.accuracy",
        "train.loss",
        "valid.accuracy",
        "valid.loss",
    ]
    assert all(len(line) <= 120 for line in lines), max(lines, key=len)


def test_second_repro_runs_nothing_and_status_is_clean(reproduced):
    root, env, _ = reproduced
    assert stages_run(run(["dvc", "repro"], root, env)) == []
    assert "up to date" in run(["dvc", "status"], root, env)


PARAM_CHANGES = [  # (key, value, the stages whose own dependencies change)
    ("seed", 7, ["report", "train@linreg_torch", "train@logreg_torch", "train@mlp"]),  # no NumPy model
    ("models.mlp.hidden", 10, ["report", "train@mlp"]),
    ("models.logreg_numpy.init_seed", 7, ["report", "train@logreg_numpy"]),
    ("parity.mlp.parameters", 1e-8, ["report", "train@mlp"]),
    ("ci.accuracy_floors.mlp", 0.4, []),  # the CI gate's: no stage reads it
    ("prepare.n_classes", 4, ["prepare", *(f"train@{m}" for m in MODELS), "report"]),
]


def test_a_param_change_touches_only_the_stages_that_read_it(reproduced, tmp_path, monkeypatch):
    from dvc.repo import Repo  # here, not at collection: 0.3 s that only this test needs

    root = shutil.copytree(reproduced[0], tmp_path / "repo", symlinks=True)
    env = reproduced[1]
    original = (root / "params.yaml").read_text()
    assert json.loads(run(["dvc", "status", "--json"], root, env)) == {}
    for key, value, stages in PARAM_CHANGES:
        set_param(root, key, value)
        # what `dvc status --json` prints, from DVC's API: one Python start-up, not six
        monkeypatch.chdir(root)  # stage names relative to the repository, as dvc prints them
        with Repo(str(root)) as repo:
            changed = repo.status()
        # check_params reads the whole file's bytes: it reruns on any edit (and writes the same line)
        assert sorted(changed) == sorted(["check_params", *stages]), key
        (root / "params.yaml").write_text(original)


CODE_CHANGES = [  # (a file, the stages it is code of): one model's file is its stage's alone
    ("ames_tiers/train/mlp.py", ["train@mlp"]),
    ("ames_tiers/train/linreg_numpy.py", ["train@linreg_numpy"]),
    ("ames_tiers/train/torch_shared.py", ["train@linreg_torch", "train@logreg_torch", "train@mlp"]),
    ("ames_tiers/report/report.html.j2", ["report"]),  # what the report says of a model
]


def test_a_code_change_touches_only_the_stages_that_run_it(reproduced, tmp_path, monkeypatch):
    from dvc.repo import Repo

    root = shutil.copytree(reproduced[0], tmp_path / "repo", symlinks=True)
    monkeypatch.chdir(root)
    for path, stages in CODE_CHANGES:
        original = (root / path).read_text()
        (root / path).write_text(
            original + ("\n# an edit\n" if path.endswith(".py") else "\n{# an edit #}\n")
        )
        with Repo(str(root)) as repo:
            assert sorted(repo.status()) == sorted(stages), path
        (root / path).write_text(original)
