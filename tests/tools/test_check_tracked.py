"""tools/check_tracked.py: nothing changes on x86-64; on ARM only what float32 rounding explains."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tools.check_tracked import changed_files, unexplained
from tools.fresh_copy import COMMITTER

from ..conftest import REPO

# what changed after `dvc repro` on emulated Debian arm64 (the reliability issue's measurement)
MEASURED_ON_ARM = [
    "dvc.lock",
    "metrics/logreg_torch.json",
    "metrics/mlp.json",
    "metrics/parity/mlp.json",
    "plots/loss/linreg_torch.csv",
    "plots/loss/logreg_torch.csv",
    "plots/loss/mlp.csv",
    "plots/report.html",
    "plots/report_figures/loss/linreg_torch.png",
    "plots/report_figures/loss/logreg_torch.png",
    "plots/report_figures/loss/mlp.png",
    "plots/figures/decision_regions/logreg_torch.png",
    "plots/figures/decision_regions/mlp.png",
    "plots/figures/decision_regions/linreg_torch.png",
]


def test_on_x86_64_any_change_is_unexplained_but_the_screenshots():
    assert unexplained(["plots/screenshots/report.png"], "x86_64") == []
    assert unexplained(["metrics/mlp.json"], "x86_64") == ["metrics/mlp.json"]


@pytest.mark.parametrize("machine", ["aarch64", "arm64"])
def test_on_arm_the_measured_changes_are_explained_and_nothing_of_numpy_or_predictions(machine):
    assert unexplained(MEASURED_ON_ARM, machine) == []
    others = [
        "metrics/logreg_numpy.json",
        "plots/predictions/mlp.csv",
        "plots/report_figures/confusion/mlp.png",
        "plots/figures/accuracy.png",
        "metrics/data.json",
    ]
    assert unexplained(MEASURED_ON_ARM + others, machine) == others


def test_git_status_entries_become_paths_with_their_status():
    porcelain = " M dvc.lock\0?? plots/new.png\0R  metrics/new.json\0metrics/old.json\0"
    assert changed_files(porcelain) == {"dvc.lock": " M", "metrics/new.json": "R ", "plots/new.png": "??"}


def git(root, *args):
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env={**os.environ, **COMMITTER})


@pytest.mark.parametrize(
    "name", ["report page.png", 'quote".png', "tab\tname.png", "ünïcode.png", "new\nline.png"]
)
def test_a_screenshot_of_any_name_is_exempt_and_an_untracked_file_is_called_untracked(tmp_path, name):
    git(tmp_path, "init", "-q")
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "mlp.json").write_text("{}")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "committed")
    (tmp_path / "plots" / "screenshots").mkdir(parents=True)
    (tmp_path / "plots" / "screenshots" / name).write_bytes(b"png")
    assert check_tracked(tmp_path).returncode == 0
    (tmp_path / "notes.txt").write_text("left behind")
    result = check_tracked(tmp_path)
    assert result.returncode == 1
    assert result.stderr == "check_tracked: error: dvc repro on x86_64 left 1 untracked file(s): notes.txt\n"
    (tmp_path / "metrics" / "mlp.json").write_text('{"changed": 1}')
    assert (
        "changed 1 committed file(s): metrics/mlp.json; and left 1 untracked"
        in check_tracked(tmp_path).stderr
    )


def check_tracked(root):
    command = [sys.executable, "-m", "tools.check_tracked", "--machine", "x86_64"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
