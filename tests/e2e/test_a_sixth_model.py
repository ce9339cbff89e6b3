"""A model is added by the five edits that the registry's docstring names, made in a copy of
the reproduced repository, and the real `dvc repro`. The sixth model is trained,
checked, drawn, in the report, in `tools.compare` and in `tools.predict`; download and prepare
do not rerun."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from ames_tiers.core import paths
from tools.fresh_copy import set_param

from .. import sixth_model
from .dvc_helpers import run, stages_run

pytestmark = [pytest.mark.e2e(seconds=28), pytest.mark.slow]  # its rough cost here: the longest start first

NAME = sixth_model.NAME


@pytest.fixture(scope="module")
def added(reproduced, tmp_path_factory):
    root = shutil.copytree(reproduced[0], tmp_path_factory.mktemp("sixth") / "repo", symlinks=True)
    env = reproduced[1]
    shutil.copy(sixth_model.MODULE, root / "ames_tiers/train" / sixth_model.MODULE.name)  # 1
    with open(root / "ames_tiers/models/registry.py", "a", encoding="utf-8") as registry:  # 2
        registry.write("\n\n" + sixth_model.registry_entry())
    for key, value in sixth_model.PARAMS.items():  # 3
        set_param(root, key, value)
    dvc_yaml = (root / "dvc.yaml").read_text()  # 4: after the foreach's last item
    last_item = next(line for line in dvc_yaml.splitlines(keepends=True) if line.startswith("      mlp: "))
    dvc_yaml = dvc_yaml.replace(last_item, last_item + sixth_model.FOREACH_ITEM)
    (root / "dvc.yaml").write_text(dvc_yaml + sixth_model.ARTIFACT)  # 5: artifacts: is dvc.yaml's last
    output = run(["dvc", "repro"], root, env)
    return root, env, output


def test_it_is_trained_and_checked_without_rerunning_download_or_prepare(added):
    root, _, output = added
    ran = stages_run(output)
    assert f"train@{NAME}" in ran and "report" in ran
    assert "download" not in ran and "prepare" not in ran
    metrics = json.loads((root / paths.metrics_file(NAME)).read_text())
    assert metrics["n_parameters"] == 2 * 3 + 3 and metrics["valid"]["accuracy"] > 0.4
    parity = json.loads((root / paths.parity_file(NAME)).read_text())
    assert parity["ok"] and parity["checks"][0]["reference"] == "sklearn NearestCentroid"


def test_it_is_drawn_and_in_the_report(added):
    root, _, _ = added
    for kind in paths.MODEL_FIGURES:
        assert (root / paths.figure_file(paths.model_figure(kind, NAME))).stat().st_size > 1000
    page = (root / paths.REPORT_HTML).read_text()
    assert "distance to the mean house of each tier, 2 → 3, temperature 2" in page
    assert f"<td>{NAME}</td>" in page  # its row in the model table
    assert f"✔ <b>{NAME}</b>: 1 check within tolerance" in page  # its parity verdict
    assert f"models.{NAME}.temperature" in page  # its params
    assert f"{NAME} reaches " in page  # the notebook's question, "which model does better?"


def test_dvc_shows_its_metrics_and_plots(added):
    root, env, _ = added

    def dvc_json(*args: str) -> dict:
        shown = subprocess.run(["dvc", *args, "--json"], cwd=root, env=env, capture_output=True, text=True)
        assert shown.returncode == 0, shown.stderr
        return json.loads(shown.stdout)

    assert "valid" in dvc_json("metrics", "show")[""]["data"][f"metrics/{NAME}.json"]["data"]
    plotted = set(dvc_json("plots", "show")["data"])
    loss, predictions = paths.loss_curve_file(NAME), paths.predictions_file(NAME)
    regions = paths.figure_file(paths.model_figure("decision_regions", NAME))
    assert {str(loss), str(predictions), str(regions)} <= plotted


def test_compare_and_predict_know_it(added):
    root, env, _ = added
    compare = subprocess.run([sys.executable, "-m", "tools.compare"], cwd=root, env=env,
                             capture_output=True, text=True)  # fmt: skip
    assert compare.returncode == 0, compare.stderr
    assert NAME in compare.stdout
    predict = subprocess.run(
        [sys.executable, "-m", "tools.predict", NAME, "--longitude", "-93.63", "--latitude", "42.03"],
        cwd=root, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert predict.returncode == 0, predict.stderr
    header, row = predict.stdout.strip().splitlines()
    assert header.split(",")[-4:] == ["tier", "p_tier_0", "p_tier_1", "p_tier_2"]
    assert int(row.split(",")[-4]) in (0, 1, 2)
