"""ames_tiers/report/baseline.py: an experiment's baseline commit, read from git."""

import json
import subprocess
from pathlib import Path

from ames_tiers.core.params import dotted_keys
from ames_tiers.report.baseline import BASELINE_ENV, read_baseline
from tools.fresh_copy import COMMITTER


def test_flatten_gives_dvc_exp_run_keys():
    assert dotted_keys({"seed": 1, "models": {"mlp": {"hidden": 100}}}) == {
        "seed": 1,
        "models.mlp.hidden": 100,
    }


def test_the_baseline_is_the_commit_dvc_names_and_none_outside_an_experiment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    git = lambda *args: subprocess.run(["git", *args], check=True, capture_output=True, text=True,
                                       env={**COMMITTER, "PATH": "/usr/bin:/bin"}).stdout  # fmt: skip
    git("init", "-q")
    (tmp_path / "params.yaml").write_text("seed: 1\nmodels: {mlp: {hidden: 100}}\n")
    (tmp_path / "m.json").write_text(json.dumps({"valid": {"accuracy": 0.5}}))
    git("add", "-A")
    git("commit", "-qm", "baseline")
    rev = git("rev-parse", "HEAD").strip()
    (tmp_path / "params.yaml").write_text("seed: 2\n")  # the experiment's change

    monkeypatch.delenv(BASELINE_ENV, raising=False)
    assert read_baseline(tmp_path / "params.yaml", {}) is None
    monkeypatch.setenv(BASELINE_ENV, rev)
    baseline = read_baseline(Path("params.yaml"), {"mlp": Path("m.json"), "gone": Path("x.json")})
    assert baseline.params == {"seed": 1, "models.mlp.hidden": 100}
    assert baseline.metrics == {"mlp": {"valid": {"accuracy": 0.5}}}  # a missing file: not there
