"""End to end: an experiment (`dvc exp run -S models.mlp.hidden=10`) reruns that model and the
report only; the drift check names what moved; the report and `dvc plots show/diff` render
offline in a browser, nothing off-screen at a 1280 px window."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from ames_tiers.core import paths
from ames_tiers.models.registry import MODELS

from ..conftest import REPO
from .browser import render_offline
from .dvc_helpers import run, stages_run

pytestmark = pytest.mark.e2e(seconds=37)  # its rough cost here: the longest start first

SCREENSHOTS = REPO / "plots" / "screenshots"  # committed, for a person to look at
FIGURES = sorted(p.relative_to(REPO) for d in (paths.FIGURES_DIR, paths.REPORT_FIGURES_DIR)
                 for p in (REPO / d).rglob("*.png"))  # fmt: skip


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
    # check_params first (any edit of params.yaml), then the model (with its own check) and the report
    assert sorted(stages_run(output)) == ["check_params", "report", "train@mlp"]


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


def test_dvc_metrics_diff_is_about_the_changed_model_and_fits_a_terminal(mlp_changed):
    root, env, _ = mlp_changed
    lines = run(["dvc", "metrics", "diff", "HEAD~1"], root, {**env, "COLUMNS": "120"}).strip().splitlines()
    rows = [line for line in lines if line.startswith("metrics/")]
    assert rows and all(row.startswith("metrics/mlp.json") for row in rows), lines
    assert all(len(line) <= 120 for line in lines), max(lines, key=len)


def test_report_html_renders_offline_with_every_figure(mlp_changed):
    root, _, _ = mlp_changed  # an experiment's report: its params and results
    page = root / paths.REPORT_HTML
    text = page.read_text()
    assert "<td>models.mlp.hidden</td><td>10</td>" in text
    # nothing to fetch: no scripts, no external images, styles or links (the data URL is text)
    assert "<script" not in text and not re.search(r"""(src|href)=["']?https?:|url\(\s*["']?https?:""", text)
    rendered = render_offline(page, SCREENSHOTS / "report.png")
    assert len(rendered.images) == len(FIGURES)
    assert all(i["complete"] and i["width"] > 0 and i["height"] > 0 for i in rendered.images), rendered.images
    assert rendered.console_errors == [] and rendered.failed_requests == []
    assert rendered.external_requests == []
    assert_nothing_off_screen(rendered)
    # shown at (nearly) their own size: the figures' text stays >= 10 px (tests/report/test_plotting.py)
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


def test_dvc_plots_show_renders_offline(reproduced, tmp_path):
    root, env, _ = reproduced  # shared: its page goes outside it
    run(["dvc", "plots", "show", "-o", str(tmp_path / "plots_show")], root, env)
    page = tmp_path / "plots_show" / "index.html"
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


def test_a_kept_experiments_committed_report_is_redrawn_to_the_same_bytes(mlp_changed, tmp_path):
    """The experiment was committed as it came out of `dvc exp run`; redrawing its report
    outside the experiment (no DVC_EXP_BASELINE_REV) changes nothing git or DVC track."""
    root = shutil.copytree(mlp_changed[0], tmp_path / "repo", symlinks=True)
    env = mlp_changed[1]
    assert stages_run(run(["dvc", "repro", "--force", "--single-item", "report"], root, env)) == ["report"]
    assert run(["git", "status", "--porcelain", "--untracked-files=no"], root, env) == ""
    assert run(["dvc", "status"], root, env).strip() == "Data and pipelines are up to date."
