"""tools/pr_report.py on a real two-commit repository: the params, metrics and figures a
pull request changes, as markdown, against its base."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from ames_tiers.core import paths
from tools.fresh_copy import COMMITTER
from tools.pr_report import MARKER

from ..conftest import REPO


def git(root, *args):
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env={**os.environ, **COMMITTER})


@pytest.fixture
def two_commits(tmp_path):
    """A DVC repository whose second commit changes a param, a metric and a figure."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    subprocess.run([sys.executable, "-m", "dvc", "init", "-q"], cwd=root, check=True)
    (root / "params.yaml").write_text("models:\n  mlp: {hidden: 100}\n")
    (root / "dvc.yaml").write_text(
        "stages:\n  train:\n    cmd: 'true'\n    params: [models]\n    metrics: [metrics/mlp.json]\n"
    )
    metrics = root / paths.metrics_file("mlp")
    metrics.parent.mkdir()
    metrics.write_text(json.dumps({"valid": {"accuracy": 0.6143}}))
    figure = root / paths.figure_file("accuracy")
    figure.parent.mkdir(parents=True)
    figure.write_bytes(b"png 1")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    git(root, "checkout", "-q", "-b", "change")
    (root / "params.yaml").write_text("models:\n  mlp: {hidden: 200}\n")
    metrics.write_text(json.dumps({"valid": {"accuracy": 0.6212}}))
    figure.write_bytes(b"png 2")
    git(root, "commit", "-qam", "hidden 200")
    return root


def pr_report(root, *args) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "DVC_NO_ANALYTICS": "1"}
    return subprocess.run(
        [sys.executable, "-m", "tools.pr_report", *args], cwd=root, env=env, capture_output=True, text=True
    )


def test_the_report_names_what_the_pull_request_changed(two_commits):
    result = pr_report(two_commits, "--base", "main")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.startswith(MARKER + "\n") and "against `main`" in text
    assert "| params.yaml | models.mlp.hidden | 100    | 200         |" in text
    assert "metrics/mlp.json" in text and "valid.accuracy" in text and "0.6212" in text
    assert "- `plots/figures/accuracy.png`" in text


def test_nothing_changed_says_so(two_commits):
    text = pr_report(two_commits, "--base", "HEAD").stdout
    assert "No param changed." in text and "No metric changed." in text and "No figure changed." in text


def test_an_unknown_base_is_one_line(two_commits):
    result = pr_report(two_commits, "--base", "origin/nope")
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("pr_report: error: git rev-parse --verify --quiet origin/nope^{commit} failed")
